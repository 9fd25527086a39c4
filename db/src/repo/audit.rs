//! The audit log: a hash chain appended in the same transaction as the change it records.

use cpims_domain::audit::{chain_hash, AuditRecord};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::{audit_chain_head, audit_log};

/// What happened, before it is given its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub actor_user_id: Option<String>,
    pub actor_agency_id: Option<String>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub seq: i64,
    pub occurred_at: String,
    pub actor_user_id: Option<String>,
    pub actor_agency_id: Option<String>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    pub fn record(&self) -> AuditRecord {
        AuditRecord {
            seq: self.seq,
            occurred_at: self.occurred_at.clone(),
            actor_user_id: self.actor_user_id.clone(),
            actor_agency_id: self.actor_agency_id.clone(),
            action: self.action.clone(),
            record_type: self.record_type.clone(),
            record_id: self.record_id.clone(),
            request_id: self.request_id.clone(),
            detail: self.detail.clone(),
        }
    }
}

/// Appends events to the chain. Must run inside a write transaction: the UPDATE of the single head row
/// takes its lock (PostgreSQL) or the database's write lock (SQLite), so concurrent appenders queue and
/// the chain remains one total order. All events of a call share one round trip for the insert.
pub fn append(connection: &mut AnyConnection, events: &[AuditEvent]) -> Result<(), DbError> {
    if events.is_empty() {
        return Ok(());
    }
    let count = i64::try_from(events.len())
        .map_err(|_| DbError::Internal("too many audit events".into()))?;
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set(audit_chain_head::last_seq.eq(audit_chain_head::last_seq + count))
        .execute(connection)?;
    let (last_seq, mut prev_hash): (i64, String) = audit_chain_head::table
        .filter(audit_chain_head::id.eq(1))
        .select((audit_chain_head::last_seq, audit_chain_head::last_hash))
        .first(connection)?;
    let occurred_at = crate::page::now()
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut rows = Vec::with_capacity(events.len());
    for (offset, event) in (0..count).zip(events) {
        let mut row = AuditRow {
            seq: last_seq - count + 1 + offset,
            occurred_at: occurred_at.clone(),
            actor_user_id: event.actor_user_id.clone(),
            actor_agency_id: event.actor_agency_id.clone(),
            action: event.action.clone(),
            record_type: event.record_type.clone(),
            record_id: event.record_id.clone(),
            request_id: event.request_id.clone(),
            detail: event.detail.clone(),
            prev_hash: prev_hash.clone(),
            hash: String::new(),
        };
        row.hash = chain_hash(&prev_hash, &row.record());
        prev_hash = row.hash.clone();
        rows.push(row);
    }
    match connection {
        AnyConnection::Postgresql(pg) => {
            diesel::insert_into(audit_log::table)
                .values(&rows)
                .execute(pg)?;
        }
        AnyConnection::Sqlite(sqlite) => {
            diesel::insert_into(audit_log::table)
                .values(&rows)
                .execute(sqlite)?;
        }
    }
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set(audit_chain_head::last_hash.eq(prev_hash))
        .execute(connection)?;
    Ok(())
}

/// Entries about one record, oldest first.
pub fn of_record(
    connection: &mut AnyConnection,
    record_type: &str,
    record_id: &str,
) -> Result<Vec<AuditRow>, DbError> {
    Ok(audit_log::table
        .filter(audit_log::record_type.eq(record_type))
        .filter(audit_log::record_id.eq(record_id))
        .order(audit_log::seq.asc())
        .select(AuditRow::as_select())
        .load(connection)?)
}

/// Entries in chain order from `after_seq` (exclusive), at most `limit`.
pub fn range(
    connection: &mut AnyConnection,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, DbError> {
    Ok(audit_log::table
        .filter(audit_log::seq.gt(after_seq))
        .order(audit_log::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(connection)?)
}
