//! The change feed: every change to a case record, numbered in commit order, with the agencies that
//! may see it.

use cpims_domain::case::ReferralStatus;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::{change_feed, change_feed_head, referrals};
use crate::scope::granting_statuses;

/// Whether the record exists for the audience after this change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Upsert,
    Tombstone,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Upsert => "upsert",
            ChangeKind::Tombstone => "tombstone",
        }
    }
}

/// A change about to be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    /// `child`, `incident` or `referral`.
    pub record_type: &'static str,
    pub record_id: String,
    pub version: i64,
    pub change: ChangeKind,
    /// The agencies that may see it.
    pub audience: Vec<String>,
}

/// A published change.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_feed)]
pub struct ChangeRow {
    pub seq: i64,
    pub record_type: String,
    pub record_id: String,
    pub version: i64,
    pub change: String,
    pub audience: String,
    pub recorded_at: chrono::NaiveDateTime,
}

/// Publishes changes inside the caller's write transaction. The head row's lock is held until commit,
/// so concurrent publishers queue and sequence numbers follow commit order.
pub fn publish(connection: &mut AnyConnection, changes: &[NewChange]) -> Result<(), DbError> {
    if changes.is_empty() {
        return Ok(());
    }
    let count =
        i64::try_from(changes.len()).map_err(|_| DbError::Internal("too many changes".into()))?;
    diesel::update(change_feed_head::table.filter(change_feed_head::id.eq(1)))
        .set(change_feed_head::last_seq.eq(change_feed_head::last_seq + count))
        .execute(connection)?;
    let last: i64 = change_feed_head::table
        .filter(change_feed_head::id.eq(1))
        .select(change_feed_head::last_seq)
        .first(connection)?;
    let recorded_at = crate::page::now();
    let rows: Vec<ChangeRow> = (0..count)
        .zip(changes)
        .map(|(offset, change)| ChangeRow {
            seq: last - count + 1 + offset,
            record_type: change.record_type.to_owned(),
            record_id: change.record_id.clone(),
            version: change.version,
            change: change.change.as_str().to_owned(),
            audience: format!(",{},", change.audience.join(",")),
            recorded_at,
        })
        .collect();
    match connection {
        AnyConnection::Postgresql(pg) => diesel::insert_into(change_feed::table)
            .values(&rows)
            .execute(pg)?,
        AnyConnection::Sqlite(sqlite) => diesel::insert_into(change_feed::table)
            .values(&rows)
            .execute(sqlite)?,
    };
    Ok(())
}

/// Changes after `after_seq`, oldest first; only those addressed to `agency` unless it is `None`
/// (callers who see everything).
pub fn since(
    connection: &mut AnyConnection,
    after_seq: i64,
    limit: i64,
    agency: Option<&str>,
) -> Result<Vec<ChangeRow>, DbError> {
    let mut query = change_feed::table
        .filter(change_feed::seq.gt(after_seq))
        .order(change_feed::seq.asc())
        .limit(limit)
        .select(ChangeRow::as_select())
        .into_boxed();
    if let Some(agency) = agency {
        query = query.filter(change_feed::audience.like(format!("%,{agency},%")));
    }
    Ok(query.load(connection)?)
}

/// Agencies holding a live referral grant on a child or an incident (`column` is which).
pub fn grantees(
    connection: &mut AnyConnection,
    record_type: &str,
    id: &str,
) -> Result<Vec<String>, DbError> {
    let mut query = referrals::table
        .filter(referrals::status.eq_any(granting_statuses()))
        .filter(referrals::deleted_at.is_null())
        .select(referrals::to_agency_id)
        .distinct()
        .into_boxed();
    query = match record_type {
        "child" => query.filter(referrals::child_id.eq(id.to_owned())),
        _ => query.filter(referrals::incident_id.eq(id.to_owned())),
    };
    Ok(query.load(connection)?)
}

/// Whether a referral in this status is still visible to its receiving agency.
pub fn receiver_sees(status: ReferralStatus) -> bool {
    status != ReferralStatus::Cancelled
}
