//! The audit log: a hash chain. Entries are appended to the inbox in the same transaction as the change
//! they record (no shared lock, so writers do not queue); [`chain_pending`] then gives them their place
//! in the chain, and every read of the chain first settles what is pending.

use cpims_domain::audit::{chain_hash, AuditRecord, ChainAnchor, ChainReport, ChainWalk};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::repo::sequencer::settle;
use crate::schema::{audit_chain_head, audit_inbox, audit_log};

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
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
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

/// A pending entry as written by [`append`].
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_inbox)]
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
struct InboxEntry {
    occurred_at: String,
    actor_user_id: Option<String>,
    actor_agency_id: Option<String>,
    action: String,
    record_type: Option<String>,
    record_id: Option<String>,
    request_id: Option<String>,
    detail: Option<String>,
}

/// Appends events inside the caller's transaction, so they commit (or roll back) with the change they
/// record. All events of a call share one statement.
pub fn append(connection: &mut AnyConnection, events: &[AuditEvent]) -> Result<(), DbError> {
    if events.is_empty() {
        return Ok(());
    }
    let occurred_at = crate::page::now()
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let rows: Vec<InboxEntry> = events
        .iter()
        .map(|event| InboxEntry {
            occurred_at: occurred_at.clone(),
            actor_user_id: event.actor_user_id.clone(),
            actor_agency_id: event.actor_agency_id.clone(),
            action: event.action.clone(),
            record_type: event.record_type.clone(),
            record_id: event.record_id.clone(),
            request_id: event.request_id.clone(),
            detail: event.detail.clone(),
        })
        .collect();
    insert_slice!(connection, audit_inbox::table, &rows)?;
    Ok(())
}

/// Moves up to `limit` committed pending entries, oldest first, onto the end of the chain. Must run in
/// a write transaction: the UPDATE of the single head row takes its lock (PostgreSQL) or the database's
/// write lock (SQLite) before the inbox is read, so concurrent sequencers never chain an entry twice and
/// the chain stays one total order.
pub(crate) fn chain_pending(connection: &mut AnyConnection, limit: i64) -> Result<usize, DbError> {
    let any_pending = audit_inbox::table
        .select(audit_inbox::id)
        .first::<i64>(connection)
        .optional()?
        .is_some();
    if !any_pending {
        return Ok(0);
    }
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set(audit_chain_head::last_seq.eq(audit_chain_head::last_seq))
        .execute(connection)?;
    let pending: Vec<(i64, InboxEntry)> = audit_inbox::table
        .order(audit_inbox::id.asc())
        .limit(limit)
        .select((audit_inbox::id, InboxEntry::as_select()))
        .load(connection)?;
    if pending.is_empty() {
        return Ok(0);
    }
    let (mut seq, mut prev_hash): (i64, String) = audit_chain_head::table
        .filter(audit_chain_head::id.eq(1))
        .select((audit_chain_head::last_seq, audit_chain_head::last_hash))
        .first(connection)?;
    let mut ids = Vec::with_capacity(pending.len());
    let mut rows = Vec::with_capacity(pending.len());
    for (id, entry) in pending {
        seq += 1;
        let mut row = AuditRow {
            seq,
            occurred_at: entry.occurred_at,
            actor_user_id: entry.actor_user_id,
            actor_agency_id: entry.actor_agency_id,
            action: entry.action,
            record_type: entry.record_type,
            record_id: entry.record_id,
            request_id: entry.request_id,
            detail: entry.detail,
            prev_hash: prev_hash.clone(),
            hash: String::new(),
        };
        row.hash = chain_hash(&prev_hash, &row.record());
        prev_hash = row.hash.clone();
        ids.push(id);
        rows.push(row);
    }
    insert_slice!(connection, audit_log::table, &rows)?;
    diesel::delete(audit_inbox::table.filter(audit_inbox::id.eq_any(&ids))).execute(connection)?;
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set((
            audit_chain_head::last_seq.eq(seq),
            audit_chain_head::last_hash.eq(prev_hash),
        ))
        .execute(connection)?;
    Ok(rows.len())
}

/// Entries about one record, oldest first.
pub fn of_record(
    connection: &mut AnyConnection,
    record_type: &str,
    record_id: &str,
) -> Result<Vec<AuditRow>, DbError> {
    settle(connection)?;
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
    settle(connection)?;
    stored_range(connection, after_seq, limit)
}

fn stored_range(
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

/// Rows read per query while verifying the chain.
pub const VERIFY_PAGE_SIZE: i64 = 1000;

/// The stored head: how many entries the chain has and the hash of the last (genesis for none).
pub fn head(connection: &mut AnyConnection) -> Result<ChainAnchor, DbError> {
    settle(connection)?;
    stored_head(connection)
}

fn stored_head(connection: &mut AnyConnection) -> Result<ChainAnchor, DbError> {
    let (entries, hash): (i64, String) = audit_chain_head::table
        .filter(audit_chain_head::id.eq(1))
        .select((audit_chain_head::last_seq, audit_chain_head::last_hash))
        .first(connection)?;
    Ok(ChainAnchor { entries, hash })
}

/// Walks the whole stored chain in pages of `page_size`, then checks it against the stored head and, when
/// given, an `anchor` kept outside the database. Reads one snapshot (a read-only repeatable-read
/// transaction on PostgreSQL, a read transaction on SQLite), so appends made meanwhile are not mistaken
/// for tampering.
pub fn verify(
    connection: &mut AnyConnection,
    anchor: Option<ChainAnchor>,
    page_size: i64,
) -> Result<ChainReport, DbError> {
    settle(connection)?;
    connection.transaction(|connection| {
        if let AnyConnection::Postgresql(pg) = connection {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(pg)?;
        }
        let head = stored_head(connection)?;
        let mut walk = ChainWalk::new(anchor);
        let mut after_seq = 0;
        loop {
            let rows = stored_range(connection, after_seq, page_size.max(1))?;
            for row in &rows {
                if !walk.check(&row.record(), &row.prev_hash, &row.hash) {
                    break;
                }
            }
            match rows.last() {
                Some(last) if !walk.is_broken() => after_seq = last.seq,
                _ => break,
            }
        }
        Ok(walk.finish(&head))
    })
}

/// Which entries a search returns; every field narrows, absent ones do not. Times are compared as the
/// stored RFC 3339 text (`from` inclusive, `to` exclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor_user_id: Option<String>,
    pub actor_agency_id: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One page of a search, newest first; `next_before` is the seq to continue below, if there is more.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub next_before: Option<i64>,
}

/// Entries matching `filter` with seq below `before_seq`, newest first, at most `limit`.
pub fn search(
    connection: &mut AnyConnection,
    filter: &AuditFilter,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<AuditPage, DbError> {
    settle(connection)?;
    let mut query = audit_log::table.into_boxed();
    if let Some(value) = &filter.actor_user_id {
        query = query.filter(audit_log::actor_user_id.eq(value.clone()));
    }
    if let Some(value) = &filter.actor_agency_id {
        query = query.filter(audit_log::actor_agency_id.eq(value.clone()));
    }
    if let Some(value) = &filter.record_type {
        query = query.filter(audit_log::record_type.eq(value.clone()));
    }
    if let Some(value) = &filter.record_id {
        query = query.filter(audit_log::record_id.eq(value.clone()));
    }
    if let Some(value) = &filter.action {
        query = query.filter(audit_log::action.eq(value.clone()));
    }
    if let Some(value) = &filter.from {
        query = query.filter(audit_log::occurred_at.ge(value.clone()));
    }
    if let Some(value) = &filter.to {
        query = query.filter(audit_log::occurred_at.lt(value.clone()));
    }
    if let Some(before) = before_seq {
        query = query.filter(audit_log::seq.lt(before));
    }
    let mut rows = query
        .order(audit_log::seq.desc())
        .limit(limit.saturating_add(1))
        .select(AuditRow::as_select())
        .load(connection)?;
    let more = i64::try_from(rows.len()).map_or(true, |count| count > limit);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next_before = if more {
        rows.last().map(|row| row.seq)
    } else {
        None
    };
    Ok(AuditPage { rows, next_before })
}
