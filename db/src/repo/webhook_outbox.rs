//! The webhook outbox: events written in the caller's write transaction (one row per subscription and
//! event), claimed by delivery workers in per-record order, and settled after each attempt.
//!
//! A claim is a lease: the claimed rows' `next_attempt_at` moves past the delivery's timeout, so no
//! other worker (in this process or another instance) takes them meanwhile, and a worker that dies
//! mid-delivery leaves them to be retried once the lease runs out. Nothing is lost across a restart.

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::webhooks::{webhook_deliveries, webhook_outbox, webhook_subscriptions, SubscriptionRow};
use crate::connection::AnyConnection;
use crate::error::DbError;

/// An event about to be queued for every subscription that wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent<'a> {
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub record_type: &'a str,
    pub record_id: &'a str,
    /// The JSON body delivered, fixed now so every retry sends the same bytes.
    pub payload: &'a str,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_outbox)]
struct OutboxInsert<'a> {
    subscription_id: &'a str,
    event_id: &'a str,
    event_type: &'a str,
    record_type: &'a str,
    record_id: &'a str,
    payload: &'a str,
    state: &'a str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Queues `event` for `subscriptions`. Must run inside the write transaction of the change it reports.
pub fn enqueue(
    connection: &mut AnyConnection,
    event: &NewEvent<'_>,
    subscriptions: &[SubscriptionRow],
) -> Result<usize, DbError> {
    if subscriptions.is_empty() {
        return Ok(0);
    }
    let now = crate::page::now();
    let rows: Vec<OutboxInsert<'_>> = subscriptions
        .iter()
        .map(|subscription| OutboxInsert {
            subscription_id: &subscription.id,
            event_id: event.event_id,
            event_type: event.event_type,
            record_type: event.record_type,
            record_id: event.record_id,
            payload: event.payload,
            state: "pending",
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        })
        .collect();
    Ok(insert_slice!(connection, webhook_outbox::table, &rows)?)
}

/// An outbox row claimed for one delivery attempt, with where and how to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub seq: i64,
    pub event_id: String,
    pub event_type: String,
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i32,
    pub subscription_id: String,
    pub url: String,
    pub secret: String,
}

type DueRow = (i64, String, String, String, String, String, i32);

/// Claims up to `limit` due rows that are each the earliest pending row of their subscription and
/// record, leasing them until `lease_until`. On PostgreSQL the candidates are locked with
/// `FOR UPDATE SKIP LOCKED`, so concurrent workers of several instances never claim the same row;
/// SQLite's single writer serialises claims.
pub fn claim_due(
    connection: &mut AnyConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Claimed>, DbError> {
    // A cheap read first, so an idle outbox never takes the write lock.
    let any_due: Option<i64> = webhook_outbox::table
        .filter(webhook_outbox::state.eq("pending"))
        .filter(webhook_outbox::next_attempt_at.le(now))
        .select(webhook_outbox::seq)
        .first(connection)
        .optional()?;
    if any_due.is_none() {
        return Ok(Vec::new());
    }
    crate::write_transaction(connection, |connection| {
        let due = lock_due(connection, now, limit)?;
        let mut claimed = Vec::new();
        for (seq, subscription_id, event_id, event_type, record_id, payload, attempts) in due {
            let blocked: bool = diesel::select(exists(
                webhook_outbox::table
                    .filter(webhook_outbox::subscription_id.eq(&subscription_id))
                    .filter(webhook_outbox::record_id.eq(&record_id))
                    .filter(webhook_outbox::state.eq("pending"))
                    .filter(webhook_outbox::seq.lt(seq)),
            ))
            .get_result(connection)?;
            if blocked {
                continue;
            }
            let subscription: SubscriptionRow = webhook_subscriptions::table
                .find(&subscription_id)
                .select(SubscriptionRow::as_select())
                .first(connection)?;
            diesel::update(webhook_outbox::table.find(seq))
                .set(webhook_outbox::next_attempt_at.eq(lease_until))
                .execute(connection)?;
            claimed.push(Claimed {
                seq,
                event_id,
                event_type,
                payload,
                attempts,
                subscription_id,
                url: subscription.url,
                secret: subscription.secret,
            });
        }
        Ok(claimed)
    })
}

fn lock_due(
    connection: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<DueRow>, DbError> {
    macro_rules! due {
        () => {
            webhook_outbox::table
                .filter(webhook_outbox::state.eq("pending"))
                .filter(webhook_outbox::next_attempt_at.le(now))
                .order(webhook_outbox::seq.asc())
                .limit(limit)
                .select((
                    webhook_outbox::seq,
                    webhook_outbox::subscription_id,
                    webhook_outbox::event_id,
                    webhook_outbox::event_type,
                    webhook_outbox::record_id,
                    webhook_outbox::payload,
                    webhook_outbox::attempts,
                ))
        };
    }
    Ok(match connection {
        AnyConnection::Postgresql(pg) => due!().for_update().skip_locked().load(pg)?,
        AnyConnection::Sqlite(sqlite) => due!().load(sqlite)?,
    })
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    pub succeeded: bool,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub attempted_at: NaiveDateTime,
    /// When to try again after a failure; `None` gives up (the row becomes `failed`).
    pub retry_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_deliveries)]
struct DeliveryInsert<'a> {
    subscription_id: &'a str,
    outbox_seq: i64,
    event_id: &'a str,
    event_type: &'a str,
    attempt: i32,
    succeeded: bool,
    status_code: Option<i32>,
    error: Option<&'a str>,
    duration_ms: i64,
    attempted_at: NaiveDateTime,
}

/// Records an attempt in the delivery log and settles the outbox row: delivered, due again at
/// `retry_at`, or failed for good. A row whose subscription was deleted meanwhile is left alone.
pub fn settle(
    connection: &mut AnyConnection,
    claimed: &Claimed,
    outcome: &AttemptOutcome,
) -> Result<(), DbError> {
    crate::write_transaction(connection, |connection| {
        let attempt = claimed.attempts + 1;
        let target = webhook_outbox::table
            .filter(webhook_outbox::seq.eq(claimed.seq))
            .filter(webhook_outbox::state.eq("pending"));
        let changed = match (outcome.succeeded, outcome.retry_at) {
            (true, _) => diesel::update(target)
                .set((
                    webhook_outbox::state.eq("delivered"),
                    webhook_outbox::attempts.eq(attempt),
                    webhook_outbox::delivered_at.eq(Some(outcome.attempted_at)),
                    webhook_outbox::last_error.eq(None::<String>),
                ))
                .execute(connection)?,
            (false, Some(retry_at)) => diesel::update(target)
                .set((
                    webhook_outbox::attempts.eq(attempt),
                    webhook_outbox::next_attempt_at.eq(retry_at),
                    webhook_outbox::last_error.eq(outcome.error.clone()),
                ))
                .execute(connection)?,
            (false, None) => diesel::update(target)
                .set((
                    webhook_outbox::state.eq("failed"),
                    webhook_outbox::attempts.eq(attempt),
                    webhook_outbox::last_error.eq(outcome.error.clone()),
                ))
                .execute(connection)?,
        };
        if changed == 0 {
            return Ok(());
        }
        let row = DeliveryInsert {
            subscription_id: &claimed.subscription_id,
            outbox_seq: claimed.seq,
            event_id: &claimed.event_id,
            event_type: &claimed.event_type,
            attempt,
            succeeded: outcome.succeeded,
            status_code: outcome.status_code,
            error: outcome.error.as_deref(),
            duration_ms: outcome.duration_ms,
            attempted_at: outcome.attempted_at,
        };
        insert_rows!(connection, webhook_deliveries::table, &row)?;
        Ok(())
    })
}

/// Outbox rows of a subscription by state, for operators and tests: `(pending, delivered, failed)`.
pub fn counts(
    connection: &mut AnyConnection,
    subscription_id: &str,
) -> Result<(i64, i64, i64), DbError> {
    let states: Vec<String> = webhook_outbox::table
        .filter(webhook_outbox::subscription_id.eq(subscription_id.to_owned()))
        .select(webhook_outbox::state)
        .load(connection)?;
    let count = |state: &str| states.iter().filter(|s| s.as_str() == state).count() as i64;
    Ok((count("pending"), count("delivered"), count("failed")))
}
