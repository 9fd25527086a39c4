//! Webhook subscriptions and their delivery log: the tables, registering and removing subscriptions,
//! and reading what was delivered. The outbox itself is in [`super::webhook_outbox`].

use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::{Page, PageRequest};

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        agency_id -> Text,
        url -> Text,
        event_types -> Text,
        secret -> Text,
        active -> Bool,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    webhook_outbox (seq) {
        seq -> BigInt,
        subscription_id -> Text,
        event_id -> Text,
        event_type -> Text,
        record_type -> Text,
        record_id -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        subscription_id -> Text,
        outbox_seq -> BigInt,
        event_id -> Text,
        event_type -> Text,
        attempt -> Integer,
        succeeded -> Bool,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
        attempted_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    webhook_subscriptions,
    webhook_outbox,
    webhook_deliveries
);

/// A registered subscription. `secret` never leaves the server except as a signature.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionRow {
    pub id: String,
    pub agency_id: String,
    pub url: String,
    /// The subscribed event types as ",type,type,".
    pub event_types: String,
    pub secret: String,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub created_by: String,
}

impl SubscriptionRow {
    /// The subscribed event types.
    pub fn events(&self) -> Vec<String> {
        self.event_types
            .split(',')
            .filter(|event| !event.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Whether this subscription wants `event`.
    pub fn wants(&self, event: &str) -> bool {
        self.active && self.event_types.contains(&format!(",{event},"))
    }
}

/// The stored form of a list of event types.
pub fn join_events(events: &[String]) -> String {
    format!(",{},", events.join(","))
}

/// One attempt at delivering one event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub subscription_id: String,
    pub outbox_seq: i64,
    pub event_id: String,
    pub event_type: String,
    pub attempt: i32,
    pub succeeded: bool,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub attempted_at: chrono::NaiveDateTime,
}

/// Stores a new subscription.
pub fn insert(connection: &mut AnyConnection, row: &SubscriptionRow) -> Result<(), DbError> {
    insert_rows!(connection, webhook_subscriptions::table, row)?;
    Ok(())
}

/// One subscription by id.
pub fn find(connection: &mut AnyConnection, id: &str) -> Result<SubscriptionRow, DbError> {
    Ok(webhook_subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .first(connection)?)
}

/// Subscriptions newest first, optionally of one agency.
pub fn list(
    connection: &mut AnyConnection,
    agency_id: Option<&str>,
    page: &PageRequest,
) -> Result<Page<SubscriptionRow>, DbError> {
    let mut query = webhook_subscriptions::table
        .order(webhook_subscriptions::id.desc())
        .limit(page.limit + 1)
        .select(SubscriptionRow::as_select())
        .into_boxed();
    if let Some(agency_id) = agency_id {
        query = query.filter(webhook_subscriptions::agency_id.eq(agency_id.to_owned()));
    }
    if let Some(before) = &page.before_id {
        query = query.filter(webhook_subscriptions::id.lt(before.clone()));
    }
    let rows = query.load(connection)?;
    Ok(Page::from_overfetch(rows, page.limit, |row| &row.id))
}

/// The active subscriptions of any of `agencies` that want `event`.
pub fn subscribed(
    connection: &mut AnyConnection,
    agencies: &[String],
    event: &str,
) -> Result<Vec<SubscriptionRow>, DbError> {
    let rows: Vec<SubscriptionRow> = webhook_subscriptions::table
        .filter(webhook_subscriptions::agency_id.eq_any(agencies.to_vec()))
        .filter(webhook_subscriptions::active.eq(true))
        .order(webhook_subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(connection)?;
    Ok(rows.into_iter().filter(|row| row.wants(event)).collect())
}

/// Removes a subscription with its outbox rows and delivery log. Must run inside a write transaction.
pub fn delete(connection: &mut AnyConnection, id: &str) -> Result<(), DbError> {
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(id)))
        .execute(connection)?;
    diesel::delete(webhook_outbox::table.filter(webhook_outbox::subscription_id.eq(id)))
        .execute(connection)?;
    let removed = diesel::delete(webhook_subscriptions::table.find(id)).execute(connection)?;
    if removed == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// A subscription's delivery attempts, newest first, before the attempt `before_id` when given.
pub fn deliveries(
    connection: &mut AnyConnection,
    subscription_id: &str,
    before_id: Option<i64>,
    limit: i64,
) -> Result<(Vec<DeliveryRow>, bool), DbError> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id.to_owned()))
        .order(webhook_deliveries::id.desc())
        .limit(limit + 1)
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(before) = before_id {
        query = query.filter(webhook_deliveries::id.lt(before));
    }
    let mut rows = query.load(connection)?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(0);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}
