//! Field-level change history of children, incidents and referrals.

use cpims_domain::access::RecordKind;
use cpims_domain::history::{expand_creation_snapshot, CREATION_SNAPSHOT_FIELD};
use cpims_domain::protection::is_sealed_history_field;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::record_history;
use crate::vault::Vault;

/// One changed field of one version of a record; values are JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = record_history)]
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
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

/// The associated-data field name of a history value, distinct from the live field's.
pub(crate) fn sealed_field(field: &str) -> String {
    format!("history.{field}")
}

/// Folds the per-field entries of one record's creation (version 1, no old values) into one creation
/// snapshot entry: a sync batch's thousand creates then write a thousand history rows, not fifteen
/// thousand. [`of_record`] expands it back, so readers see the same per-field entries either way.
/// `None` when there are no entries.
pub fn creation_snapshot(entries: Vec<HistoryEntry>) -> Option<HistoryEntry> {
    let first = entries.first()?.clone();
    let mut snapshot = String::from("{");
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            snapshot.push(',');
        }
        // The value is already JSON text; the field name is quoted and escaped as a JSON string.
        snapshot.push_str(&serde_json::to_string(&entry.field).unwrap_or_default());
        snapshot.push(':');
        snapshot.push_str(entry.new_value.as_deref().unwrap_or("null"));
    }
    snapshot.push('}');
    Some(HistoryEntry {
        field: CREATION_SNAPSHOT_FIELD.to_owned(),
        old_value: None,
        new_value: Some(snapshot),
        ..first
    })
}

/// Stores the entries of one change; one statement for all of them. Values of personal fields, and
/// creation snapshots, are sealed like the record's own.
pub fn insert_all(
    connection: &mut AnyConnection,
    vault: &Vault,
    entries: &[HistoryEntry],
) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    let entries = entries
        .iter()
        .map(|entry| {
            if !is_sealed_history_field(&entry.record_type, &entry.field) {
                return Ok(entry.clone());
            }
            let field = sealed_field(&entry.field);
            Ok(HistoryEntry {
                old_value: vault.seal_optional(
                    &entry.record_id,
                    &field,
                    entry.old_value.as_deref(),
                )?,
                new_value: vault.seal_optional(
                    &entry.record_id,
                    &field,
                    entry.new_value.as_deref(),
                )?,
                ..entry.clone()
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    // A sync batch's creates write thousands of entries: chunked to stay under SQLite's 32,766 and
    // PostgreSQL's 65,535 bound parameters per statement (ten columns each).
    for chunk in entries.chunks(3000) {
        insert_slice!(connection, record_history::table, chunk)?;
    }
    Ok(())
}

/// The whole history of a record, oldest first, creation snapshots expanded into per-field entries.
pub fn of_record(
    connection: &mut AnyConnection,
    vault: &Vault,
    record_type: RecordKind,
    record_id: &str,
) -> Result<Vec<HistoryEntry>, DbError> {
    let entries: Vec<HistoryEntry> = record_history::table
        .filter(record_history::record_type.eq(record_type.as_str()))
        .filter(record_history::record_id.eq(record_id))
        .order(record_history::id.asc())
        .select(HistoryEntry::as_select())
        .load(connection)?;
    let opened = entries
        .into_iter()
        .map(|entry| {
            if !is_sealed_history_field(&entry.record_type, &entry.field) {
                return Ok(entry);
            }
            let field = sealed_field(&entry.field);
            Ok(HistoryEntry {
                old_value: vault.open_optional(
                    &entry.record_id,
                    &field,
                    entry.old_value.as_deref(),
                )?,
                new_value: vault.open_optional(
                    &entry.record_id,
                    &field,
                    entry.new_value.as_deref(),
                )?,
                ..entry
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    Ok(opened.into_iter().flat_map(expand).collect())
}

/// A creation snapshot as the per-field entries it stands for (none once retention erased it); any
/// other entry as it is.
fn expand(entry: HistoryEntry) -> Vec<HistoryEntry> {
    if entry.field != CREATION_SNAPSHOT_FIELD {
        return vec![entry];
    }
    let fields = entry
        .new_value
        .as_deref()
        .and_then(expand_creation_snapshot)
        .unwrap_or_default();
    fields
        .into_iter()
        .map(|(field, value)| HistoryEntry {
            field,
            old_value: None,
            new_value: Some(value.to_string()).filter(|_| !value.is_null()),
            ..entry.clone()
        })
        .collect()
}
