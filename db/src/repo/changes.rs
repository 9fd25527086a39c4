//! The change feed: every change to a case record, numbered in commit order, with the agencies that
//! may see it. Changes are written to the inbox in the change's own transaction (no shared lock);
//! [`sequence_pending`] numbers them, and every read of the feed first settles what is pending.

use cpims_domain::access::RecordKind;
use cpims_domain::case::ReferralStatus;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::repo::sequencer::settle;
use crate::schema::{change_feed, change_feed_head, change_inbox, referrals};
use crate::scope::open_granting_statuses;

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
    pub record_type: RecordKind,
    pub record_id: String,
    pub version: i64,
    pub change: ChangeKind,
    /// The agencies that may see it.
    pub audience: Vec<String>,
}

/// A published change.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_feed)]
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
pub struct ChangeRow {
    pub seq: i64,
    pub record_type: String,
    pub record_id: String,
    pub version: i64,
    pub change: String,
    pub audience: String,
    pub recorded_at: chrono::NaiveDateTime,
}

/// A change waiting for its number.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_inbox)]
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
struct PendingChange {
    record_type: String,
    record_id: String,
    version: i64,
    change: String,
    audience: String,
    recorded_at: chrono::NaiveDateTime,
}

/// Publishes changes inside the caller's write transaction, so they commit with the change itself.
pub fn publish(connection: &mut AnyConnection, changes: &[NewChange]) -> Result<(), DbError> {
    if changes.is_empty() {
        return Ok(());
    }
    let recorded_at = crate::page::now();
    let rows: Vec<PendingChange> = changes
        .iter()
        .map(|change| PendingChange {
            record_type: change.record_type.as_str().to_owned(),
            record_id: change.record_id.clone(),
            version: change.version,
            change: change.change.as_str().to_owned(),
            audience: format!(",{},", change.audience.join(",")),
            recorded_at,
        })
        .collect();
    insert_slice!(connection, change_inbox::table, &rows)?;
    Ok(())
}

/// Numbers up to `limit` committed pending changes, oldest first. Must run in a write transaction: the
/// head row is locked before the inbox is read and until commit, so numbers are handed out in commit
/// order and a reader that has seen N never later finds a committed change below N. Changes to one
/// record keep their order: the second of two writes waits on the record's row lock for the first to
/// commit, so its inbox id is the larger.
pub(crate) fn sequence_pending(
    connection: &mut AnyConnection,
    limit: i64,
) -> Result<usize, DbError> {
    let any_pending = change_inbox::table
        .select(change_inbox::id)
        .first::<i64>(connection)
        .optional()?
        .is_some();
    if !any_pending {
        return Ok(0);
    }
    diesel::update(change_feed_head::table.filter(change_feed_head::id.eq(1)))
        .set(change_feed_head::last_seq.eq(change_feed_head::last_seq))
        .execute(connection)?;
    let pending: Vec<(i64, PendingChange)> = change_inbox::table
        .order(change_inbox::id.asc())
        .limit(limit)
        .select((change_inbox::id, PendingChange::as_select()))
        .load(connection)?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut seq: i64 = change_feed_head::table
        .filter(change_feed_head::id.eq(1))
        .select(change_feed_head::last_seq)
        .first(connection)?;
    let mut ids = Vec::with_capacity(pending.len());
    let mut rows = Vec::with_capacity(pending.len());
    for (id, change) in pending {
        seq += 1;
        ids.push(id);
        rows.push(ChangeRow {
            seq,
            record_type: change.record_type,
            record_id: change.record_id,
            version: change.version,
            change: change.change,
            audience: change.audience,
            recorded_at: change.recorded_at,
        });
    }
    insert_slice!(connection, change_feed::table, &rows)?;
    diesel::delete(change_inbox::table.filter(change_inbox::id.eq_any(&ids)))
        .execute(connection)?;
    diesel::update(change_feed_head::table.filter(change_feed_head::id.eq(1)))
        .set(change_feed_head::last_seq.eq(seq))
        .execute(connection)?;
    Ok(rows.len())
}

/// Changes after `after_seq`, oldest first; only those addressed to `agency` unless it is `None`
/// (callers who see everything).
pub fn since(
    connection: &mut AnyConnection,
    after_seq: i64,
    limit: i64,
    agency: Option<&str>,
) -> Result<Vec<ChangeRow>, DbError> {
    settle(connection)?;
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

/// Agencies holding a live referral grant on a child or an incident.
///
/// A completed referral counts only when it was completed after `completed_after` (the partner access
/// period), as in the read scope.
pub fn grantees(
    connection: &mut AnyConnection,
    record_type: RecordKind,
    id: &str,
    completed_after: chrono::NaiveDateTime,
) -> Result<Vec<String>, DbError> {
    let query = referrals::table
        .filter(
            referrals::status
                .eq_any(open_granting_statuses())
                .or(referrals::status
                    .eq(ReferralStatus::Completed.as_str())
                    .and(
                        referrals::completed_at
                            .assume_not_null()
                            .gt(completed_after),
                    )),
        )
        .filter(referrals::deleted_at.is_null())
        .select(referrals::to_agency_id)
        .distinct()
        .into_boxed();
    let query = match record_type {
        RecordKind::Child => query.filter(referrals::child_id.eq(id.to_owned())),
        RecordKind::Incident => query.filter(referrals::incident_id.eq(id.to_owned())),
        // A referral is seen by its two agencies, a complaint by its receiver and assignee, never
        // through a grant.
        RecordKind::Referral | RecordKind::Complaint => return Ok(Vec::new()),
    };
    Ok(query.load(connection)?)
}
