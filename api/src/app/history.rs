//! Field-level history: the difference between two client-facing forms of a record, one entry per
//! changed field; a creation is kept as one snapshot of its first values.

use cpims_db::repo::history::{self, HistoryEntry};
use cpims_domain::access::RecordKind;
use cpims_domain::history::diff_fields;
use serde::Serialize;

use crate::error::ApiError;

/// Fields that change on every write and would only clutter the history.
const UNTRACKED_FIELDS: &[&str] = &[
    "version",
    "updated_at",
    "created_at",
    "created_by",
    "id",
    // Derived from the record's timeline, never written by a caller.
    "deadlines",
];

/// The history entries of one change by the author (user id and agency id, see
/// [`super::Actor::author`]): one per field that differs between `old` (none for a create) and `new`; a
/// creation's entries folded into one snapshot.
pub fn entries<T: Serialize>(
    (changed_by, changed_by_agency_id): (&str, &str),
    kind: RecordKind,
    (record_id, version, changed_at): (&str, i64, chrono::NaiveDateTime),
    old: Option<&T>,
    new: &T,
) -> Result<Vec<HistoryEntry>, ApiError> {
    let to_value = |value: &T| {
        serde_json::to_value(value)
            .map_err(|error| ApiError::Internal(format!("history encoding: {error}")))
    };
    let old_value = match old {
        Some(old) => to_value(old)?,
        None => serde_json::Value::Object(serde_json::Map::new()),
    };
    let new_value = to_value(new)?;
    let fields: Vec<HistoryEntry> = diff_fields(&old_value, &new_value, UNTRACKED_FIELDS)
        .into_iter()
        .map(|change| HistoryEntry {
            id: cpims_db::page::new_id(),
            record_type: kind.as_str().to_owned(),
            record_id: record_id.to_owned(),
            version,
            field: change.field,
            old_value: Some(change.old.to_string()).filter(|_| !change.old.is_null()),
            new_value: Some(change.new.to_string()).filter(|_| !change.new.is_null()),
            changed_by: changed_by.to_owned(),
            changed_by_agency_id: changed_by_agency_id.to_owned(),
            changed_at,
        })
        .collect();
    Ok(match old {
        None => history::creation_snapshot(fields).into_iter().collect(),
        Some(_) => fields,
    })
}
