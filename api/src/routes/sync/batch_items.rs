//! One parsed sync-batch item of each record type: match by external id, and create, update, leave
//! unchanged or report a conflict, through the same `app` commands (and so the same rules) as the
//! single-record endpoints.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::batch_kinds::BatchKind;
use super::batch_parse::ItemFields;
use crate::app::UnitOfWork;
use crate::error::{ApiError, FieldError};
use crate::routes::deadlines::dto::one_with_deadlines;

/// The outcome of one item.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// `child`, `incident` or `referral`.
    pub record_type: String,
    pub external_id: Option<String>,
    pub id: Option<String>,
    pub version: Option<i64>,
    /// `created`, `updated`, `unchanged`, `conflict` or `invalid`. A `conflict` whose error is on
    /// `external_id` ("anonymised under the retention policy") names a record retention anonymised
    /// (or one under it): it is never written again, and `record` is its anonymised form.
    pub status: String,
    pub errors: Vec<FieldError>,
    /// On `conflict` over a stored record: the server's current record.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub record: Option<Value>,
}

impl BatchResult {
    pub(super) fn invalid(
        record_type: &str,
        external_id: Option<String>,
        errors: Vec<FieldError>,
    ) -> Self {
        BatchResult {
            record_type: record_type.to_owned(),
            external_id,
            id: None,
            version: None,
            status: "invalid".to_owned(),
            errors,
            record: None,
        }
    }

    pub(super) fn done(
        record_type: &str,
        external_id: &str,
        id: &str,
        version: i64,
        status: &str,
    ) -> Self {
        BatchResult {
            record_type: record_type.to_owned(),
            external_id: Some(external_id.to_owned()),
            id: Some(id.to_owned()),
            version: Some(version),
            status: status.to_owned(),
            errors: Vec::new(),
            record: None,
        }
    }
}

/// Runs one item's writes in a savepoint so that its failure leaves no partial row and does not
/// disturb the other items; validation failures become `invalid`, anything else aborts the batch.
fn isolated<T>(
    work: &mut UnitOfWork<'_>,
    record_type: &str,
    external_id: &str,
    write: impl FnOnce(&mut UnitOfWork<'_>) -> Result<T, ApiError>,
) -> Result<Result<T, BatchResult>, ApiError> {
    match work.savepoint(write) {
        Ok(value) => Ok(Ok(value)),
        Err(error) => item_failure(record_type, external_id, error).map(Err),
    }
}

/// An item's refusal (validation, a taken external id, a record out of reach) as its `invalid` result;
/// any other error aborts the batch.
pub(super) fn item_failure(
    record_type: &str,
    external_id: &str,
    error: ApiError,
) -> Result<BatchResult, ApiError> {
    let errors = match error {
        ApiError::Anonymised => {
            let mut result =
                BatchResult::invalid(record_type, Some(external_id.to_owned()), Vec::new());
            result.status = "conflict".to_owned();
            result.errors = vec![anonymised_error()];
            return Ok(result);
        }
        ApiError::Validation(errors) => errors,
        ApiError::Conflict(message) => vec![FieldError::new("external_id", message)],
        ApiError::NotFound | ApiError::Forbidden | ApiError::NotAllowed(_) => {
            vec![FieldError::new(
                "external_id",
                "refers to a record you may not change",
            )]
        }
        other => return Err(other),
    };
    Ok(BatchResult::invalid(
        record_type,
        Some(external_id.to_owned()),
        errors,
    ))
}

/// Why an item naming an anonymised record (or a new record under one) is a `conflict`: the 409 the
/// single-record endpoints answer.
fn anonymised_error() -> FieldError {
    FieldError::new("external_id", ApiError::Anonymised.to_string())
}

fn conflict<R: Serialize>(
    record_type: &str,
    external_id: &str,
    id: &str,
    version: i64,
    current: R,
) -> BatchResult {
    let mut result = BatchResult::done(record_type, external_id, id, version, "conflict");
    result.errors = vec![FieldError::new(
        "base_version",
        "the record has changed since that version",
    )];
    result.record = serde_json::to_value(current).ok();
    result
}

/// One parsed item: created, updated, left unchanged (identical content) or refused as a conflict
/// (stale `base_version`). `stored` holds the agency's records of this type by external id, and learns
/// each record this batch writes.
pub(super) fn upsert<K: BatchKind>(
    work: &mut UnitOfWork<'_>,
    item: ItemFields<K::Input>,
    stored: &mut HashMap<String, K::Record>,
) -> Result<BatchResult, ApiError> {
    let kind = K::KIND.as_str();
    let ext = item.external_id.clone();
    let outcome = match stored.get(&ext).cloned() {
        None => isolated(work, kind, &ext, |work| {
            let record = K::build(work, item.input)?;
            Ok((K::create(work, record)?, "created"))
        })?,
        Some(current) if K::meta(&current).anonymised_at.is_some() => {
            // Neither an update nor "unchanged": the client's copy still holds what retention erased.
            let (id, version) = (K::meta(&current).id.clone(), K::meta(&current).version);
            let time = work.time().clone();
            let response = K::Response::from(current);
            let response = one_with_deadlines(work.connection(), &time, K::KIND, response)?;
            let mut result = conflict(kind, &ext, &id, version, response);
            result.errors = vec![anonymised_error()];
            return Ok(result);
        }
        Some(current) => {
            let (id, version) = (K::meta(&current).id.clone(), K::meta(&current).version);
            let mut candidate = current.clone();
            K::apply(item.input.clone(), &mut candidate);
            if candidate == current {
                return Ok(BatchResult::done(kind, &ext, &id, version, "unchanged"));
            }
            if item.base_version.is_some_and(|base| base != version) {
                // The server's version as a GET answers it, deadlines included.
                let time = work.time().clone();
                let response = K::Response::from(current);
                let response = one_with_deadlines(work.connection(), &time, K::KIND, response)?;
                return Ok(conflict(kind, &ext, &id, version, response));
            }
            isolated(work, kind, &ext, |work| {
                Ok((K::update(work, current, candidate)?, "updated"))
            })?
        }
    };
    Ok(match outcome {
        Ok((record, status)) => {
            let meta = K::meta(&record);
            let result = BatchResult::done(kind, &ext, &meta.id, meta.version, status);
            stored.insert(ext, record);
            result
        }
        Err(result) => result,
    })
}
