//! What the child, incident and referral handlers share: access checks, audit events, field history,
//! and JSON merge-patch of a stored record through its create-request validation.

use std::collections::BTreeSet;

use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::repo::history::{self, HistoryEntry};
use cpims_db::AnyConnection;
use cpims_domain::access::Action;
use cpims_domain::history::diff_fields;
use serde::de::DeserializeOwned;
use serde::Serialize;
use validator::Validate;

use crate::auth::Authenticated;
use crate::error::{ApiError, FieldError};
use crate::extract::json::{flatten, FieldRules};
use crate::routes::support::with_connection;
use crate::state::AppState;

/// Fields that change on every write and would only clutter the history.
const UNTRACKED_FIELDS: &[&str] = &["version", "updated_at", "created_at", "created_by", "id"];

/// Refuses with 403 when a visible record does not allow the action (invisible records are 404 earlier).
pub fn require(allowed: &BTreeSet<Action>, action: Action) -> Result<(), ApiError> {
    if allowed.contains(&action) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

impl Authenticated {
    /// An audit event by this caller about one record.
    pub fn audit(&self, action: &str, record_type: &str, record_id: &str) -> AuditEvent {
        AuditEvent {
            actor_user_id: Some(self.0.user_id.clone()),
            actor_agency_id: Some(self.0.agency_id.clone()),
            action: action.to_owned(),
            record_type: Some(record_type.to_owned()),
            record_id: Some(record_id.to_owned()),
            request_id: self.1.clone(),
            detail: None,
        }
    }

    /// A `denied` audit event: this caller asked for a record it cannot see (or that does not exist).
    pub fn denial(&self, record_type: &str, record_id: &str, operation: &str) -> AuditEvent {
        AuditEvent {
            detail: Some(serde_json::json!({ "operation": operation }).to_string()),
            ..self.audit("denied", record_type, record_id)
        }
    }

    /// Appends one audit event per record read.
    pub fn audit_reads<'a>(
        &self,
        connection: &mut AnyConnection,
        record_type: &str,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), ApiError> {
        let events: Vec<AuditEvent> = ids
            .into_iter()
            .map(|id| self.audit("read", record_type, id))
            .collect();
        Ok(audit::append(connection, &events)?)
    }
}

/// Passes `outcome` through, first recording `denial` when it is a 404 (the record is outside the caller's
/// scope, or unknown: the two are not told apart, as the answer does not tell them apart either). The
/// entry is appended in its own small write transaction, so it stays although the request fails.
pub async fn audit_denial<T>(
    state: &AppState,
    denial: AuditEvent,
    outcome: Result<T, ApiError>,
) -> Result<T, ApiError> {
    if !matches!(outcome, Err(ApiError::NotFound)) {
        return outcome;
    }
    with_connection(state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            Ok(audit::append(connection, &[denial])?)
        })
    })
    .await?;
    outcome
}

/// Records the field-level difference between two wire representations of a record as `version`; a
/// creation (no `old`) as one creation snapshot.
// The record's identity, its two states and where to write: each is needed, none belongs together.
#[allow(clippy::too_many_arguments)]
pub fn record_history<T: Serialize>(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    record_type: &str,
    record_id: &str,
    version: i64,
    old: Option<&T>,
    new: &T,
) -> Result<(), ApiError> {
    let entries = history_entries(caller, record_type, record_id, version, old, new)?;
    let entries = match old {
        None => history::creation_snapshot(entries).into_iter().collect(),
        Some(_) => entries,
    };
    Ok(history::insert_all(connection, vault, &entries)?)
}

/// The history entries of one change: one per field that differs between `old` (none for a create)
/// and `new`.
pub fn history_entries<T: Serialize>(
    caller: &Authenticated,
    record_type: &str,
    record_id: &str,
    version: i64,
    old: Option<&T>,
    new: &T,
) -> Result<Vec<HistoryEntry>, ApiError> {
    let to_value = |value: &T| {
        serde_json::to_value(value)
            .map_err(|error| ApiError::Internal(format!("history encoding: {error}")))
    };
    let old = match old {
        Some(old) => to_value(old)?,
        None => serde_json::Value::Object(serde_json::Map::new()),
    };
    let new = to_value(new)?;
    let changed_at = cpims_db::page::now();
    Ok(diff_fields(&old, &new, UNTRACKED_FIELDS)
        .into_iter()
        .map(|change| HistoryEntry {
            id: cpims_db::page::new_id(),
            record_type: record_type.to_owned(),
            record_id: record_id.to_owned(),
            version,
            field: change.field,
            old_value: Some(change.old.to_string()).filter(|_| !change.old.is_null()),
            new_value: Some(change.new.to_string()).filter(|_| !change.new.is_null()),
            changed_by: caller.0.user_id.clone(),
            changed_by_agency_id: caller.0.agency_id.clone(),
            changed_at,
        })
        .collect())
}

/// The rest of storing new children or incidents once their rows are in: each one's history (every
/// field as of version 1, as one creation snapshot), a `create` audit entry and a change-feed entry,
/// all of them in one statement per table. `created` pairs each record's wire form with its id and
/// owning agency.
pub fn record_creations<T: Serialize>(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    record_type: &'static str,
    created: &[(&str, &str, T)],
) -> Result<(), ApiError> {
    let mut entries = Vec::with_capacity(created.len());
    for (id, _, stored) in created {
        let fields = history_entries(caller, record_type, id, 1, None, stored)?;
        entries.extend(history::creation_snapshot(fields));
    }
    history::insert_all(connection, vault, &entries)?;
    let events: Vec<AuditEvent> = created
        .iter()
        .map(|(id, _, _)| caller.audit("create", record_type, id))
        .collect();
    audit::append(connection, &events)?;
    crate::routes::publish::cases_created(
        connection,
        record_type,
        created.iter().map(|(id, owner, _)| (*id, *owner)),
    )
}

/// Applies a JSON merge patch (RFC 7396, top level) to the create-request form of a stored record and
/// validates the result exactly as a create would, so a PATCH can never store what a POST would refuse.
pub fn merge_patch<C, P>(current: &C, patch: &P) -> Result<C, ApiError>
where
    C: Serialize + DeserializeOwned + Validate + FieldRules,
    P: Serialize,
{
    let encode = |error: serde_json::Error| ApiError::Internal(format!("patch encoding: {error}"));
    let mut merged = serde_json::to_value(current).map_err(encode)?;
    let patch = serde_json::to_value(patch).map_err(encode)?;
    if let (Some(target), Some(changes)) = (merged.as_object_mut(), patch.as_object()) {
        for (field, value) in changes {
            target.insert(field.clone(), value.clone());
        }
    }
    let candidate: C = serde_json::from_value(merged)
        .map_err(|error| ApiError::Validation(vec![FieldError::new("body", error.to_string())]))?;
    let mut errors = candidate
        .validate()
        .err()
        .map(|errors| flatten(&errors))
        .unwrap_or_default();
    errors.extend(candidate.field_errors());
    if errors.is_empty() {
        Ok(candidate)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors.dedup_by(|a, b| a.field == b.field);
        Err(ApiError::Validation(errors))
    }
}

/// `If-Match` is optional on DELETE; when present it must match.
pub fn optional_if_match(request: &actix_web::HttpRequest) -> Result<Option<i64>, ApiError> {
    if request
        .headers()
        .contains_key(actix_web::http::header::IF_MATCH)
    {
        crate::etag::required_if_match(request).map(Some)
    } else {
        Ok(None)
    }
}

/// Today's date in UTC, for date rules.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Bookkeeping for a record the caller is creating in its own agency.
pub fn new_meta(caller: &Authenticated) -> cpims_domain::records::RecordMeta {
    let now = cpims_db::page::now();
    cpims_domain::records::RecordMeta {
        id: cpims_db::page::new_id(),
        agency_id: caller.0.agency_id.clone(),
        external_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: Some(caller.0.user_id.clone()),
    }
}

/// A duplicate `external_id` within the agency is a conflict the client can act on.
pub fn external_id_conflict(error: cpims_db::DbError) -> ApiError {
    match error {
        cpims_db::DbError::Duplicate(_) => ApiError::Conflict(
            "external_id is already used by another record of your agency".to_owned(),
        ),
        other => other.into(),
    }
}
