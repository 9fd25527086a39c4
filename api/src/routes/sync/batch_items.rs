//! One sync-batch item of each record type: parse, match by external id, and create, update, leave
//! unchanged or report a conflict, using the same stores (and so the same rules) as the single-record
//! endpoints.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use validator::Validate;

use super::batch_kinds::BatchKind;
use crate::app::UnitOfWork;
use crate::error::{ApiError, FieldError};
use crate::extract::json::{flatten, parse_value, FieldRules};

/// The outcome of one item.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// `child`, `incident` or `referral`.
    pub record_type: String,
    pub external_id: Option<String>,
    pub id: Option<String>,
    pub version: Option<i64>,
    /// `created`, `updated`, `unchanged`, `conflict` or `invalid`.
    pub status: String,
    pub errors: Vec<FieldError>,
    /// On `conflict`: the server's current record.
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

/// What an item says besides the record's own fields.
pub(super) struct Envelope<T> {
    pub(super) external_id: String,
    base_version: Option<i64>,
    pub(super) input: T,
}

/// Takes `base_version` and the named reference fields out of an item, then parses and validates the
/// rest exactly as the create endpoint would.
pub(super) fn envelope<T: DeserializeOwned + Validate + FieldRules>(
    mut item: Map<String, Value>,
    resolve: impl FnOnce(&mut Map<String, Value>) -> Result<(), FieldError>,
) -> Result<Envelope<T>, (Option<String>, Vec<FieldError>)> {
    let external_id = item
        .get("external_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let reported = external_id.clone();
    let fail = |errors| (reported.clone(), errors);
    let base_version = match item.remove("base_version") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some_and(|v| v >= 1) => n.as_i64(),
        Some(_) => {
            return Err(fail(vec![FieldError::new(
                "base_version",
                "must be a version number",
            )]))
        }
    };
    resolve(&mut item).map_err(|error| fail(vec![error]))?;
    let input: T = parse_value(Value::Object(item)).map_err(|error| match error {
        ApiError::Validation(errors) => fail(errors),
        other => fail(vec![FieldError::new("body", other.to_string())]),
    })?;
    let mut errors = input
        .validate()
        .err()
        .map(|e| flatten(&e))
        .unwrap_or_default();
    errors.extend(input.field_errors());
    let Some(external_id) = external_id.filter(|id| !id.trim().is_empty()) else {
        errors.push(FieldError::new(
            "external_id",
            "is required in a sync batch",
        ));
        return Err(fail(errors));
    };
    if !errors.is_empty() {
        return Err(fail(errors));
    }
    Ok(Envelope {
        external_id,
        base_version,
        input,
    })
}

/// Replaces a `<name>_external_id` reference with the id of the agency's record it names.
fn resolve_reference(
    item: &mut Map<String, Value>,
    reference: &str,
    id_field: &str,
    known: &HashMap<String, String>,
) -> Result<(), FieldError> {
    let Some(value) = item.remove(reference) else {
        return Ok(());
    };
    let external = value
        .as_str()
        .ok_or_else(|| FieldError::new(reference, "must be a string"))?;
    let id = known.get(external).ok_or_else(|| {
        FieldError::new(reference, "no record of your agency has this external_id")
    })?;
    item.insert(id_field.to_owned(), Value::String(id.clone()));
    Ok(())
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
        ApiError::Validation(errors) => errors,
        ApiError::Conflict(message) => vec![FieldError::new("external_id", message)],
        ApiError::NotFound | ApiError::Forbidden => vec![FieldError::new(
            "external_id",
            "refers to a record you may not change",
        )],
        other => return Err(other),
    };
    Ok(BatchResult::invalid(
        record_type,
        Some(external_id.to_owned()),
        errors,
    ))
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
    item: Envelope<K::Input>,
    stored: &mut HashMap<String, K::Record>,
) -> Result<BatchResult, ApiError> {
    let kind = K::KIND.as_str();
    let ext = item.external_id.clone();
    let outcome = match stored.get(&ext).cloned() {
        None => isolated(work, kind, &ext, |work| {
            let record = K::build(work, item.input)?;
            Ok((K::create(work, record)?, "created"))
        })?,
        Some(current) => {
            let (id, version) = (K::meta(&current).id.clone(), K::meta(&current).version);
            let mut candidate = current.clone();
            K::apply(item.input.clone(), &mut candidate);
            if candidate == current {
                return Ok(BatchResult::done(kind, &ext, &id, version, "unchanged"));
            }
            if item.base_version.is_some_and(|base| base != version) {
                return Ok(conflict(
                    kind,
                    &ext,
                    &id,
                    version,
                    K::Response::from(current),
                ));
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

/// Replaces a `<name>_external_id` reference with the id of the agency's record it names.
pub fn resolver<'a>(
    reference: &'a str,
    id_field: &'a str,
    known: &'a HashMap<String, String>,
) -> impl Fn(&mut Map<String, Value>) -> Result<(), FieldError> + 'a {
    move |item| resolve_reference(item, reference, id_field, known)
}
