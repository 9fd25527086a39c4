//! Field-level change history of children, incidents and referrals.

use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::record_history;

/// One changed field of one version of a record; values are JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = record_history)]
pub struct HistoryEntry {
    pub id: String,
    /// `child`, `incident` or `referral`.
    pub record_type: String,
    pub record_id: String,
    pub version: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub changed_by: String,
    pub changed_by_agency_id: String,
    pub changed_at: chrono::NaiveDateTime,
}

/// Stores the entries of one change; one statement for all of them.
pub fn insert_all(connection: &mut AnyConnection, entries: &[HistoryEntry]) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    // Multi-row VALUES is backend-specific under MultiConnection, so insert on the concrete connection.
    match connection {
        AnyConnection::Postgresql(pg) => {
            diesel::insert_into(record_history::table)
                .values(entries)
                .execute(pg)?;
        }
        AnyConnection::Sqlite(sqlite) => {
            diesel::insert_into(record_history::table)
                .values(entries)
                .execute(sqlite)?;
        }
    }
    Ok(())
}

/// The whole history of a record, oldest first.
pub fn of_record(
    connection: &mut AnyConnection,
    record_type: &str,
    record_id: &str,
) -> Result<Vec<HistoryEntry>, DbError> {
    Ok(record_history::table
        .filter(record_history::record_type.eq(record_type))
        .filter(record_history::record_id.eq(record_id))
        .order(record_history::id.asc())
        .select(HistoryEntry::as_select())
        .load(connection)?)
}
