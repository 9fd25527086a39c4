//! One sync-batch item of each record type: parse, match by external id, and create, update, leave
//! unchanged or report a conflict, using the same stores (and so the same rules) as the single-record
//! endpoints.

use std::collections::HashMap;

use cpims_db::AnyConnection;
use cpims_domain::records::{Child, Incident, Referral};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Authenticated;
use crate::error::{ApiError, FieldError};
use crate::extract::json::{flatten, parse, FieldRules};
use crate::routes::children::dto::{ChildInput, ChildResponse};
use crate::routes::children::store as child_store;
use crate::routes::incidents::dto::{IncidentInput, IncidentResponse};
use crate::routes::incidents::store as incident_store;
use crate::routes::referrals::dto::{ReferralInput, ReferralResponse};
use crate::routes::referrals::store as referral_store;

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
    fn invalid(record_type: &str, external_id: Option<String>, errors: Vec<FieldError>) -> Self {
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

    fn done(record_type: &str, external_id: &str, id: &str, version: i64, status: &str) -> Self {
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
struct Envelope<T> {
    external_id: String,
    base_version: Option<i64>,
    input: T,
}

/// Takes `base_version` and the named reference fields out of an item, then parses and validates the
/// rest exactly as the create endpoint would.
fn envelope<T: DeserializeOwned + Validate + FieldRules>(
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
    let bytes = serde_json::to_vec(&Value::Object(item)).unwrap_or_default();
    let input: T = parse(&bytes).map_err(|error| match error {
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
    connection: &mut AnyConnection,
    record_type: &str,
    external_id: &str,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
) -> Result<Result<T, BatchResult>, ApiError> {
    match cpims_db::savepoint(connection, work) {
        Ok(value) => Ok(Ok(value)),
        Err(ApiError::Validation(errors)) => Ok(Err(BatchResult::invalid(
            record_type,
            Some(external_id.to_owned()),
            errors,
        ))),
        Err(ApiError::Conflict(message)) => Ok(Err(BatchResult::invalid(
            record_type,
            Some(external_id.to_owned()),
            vec![FieldError::new("external_id", message)],
        ))),
        Err(ApiError::NotFound | ApiError::Forbidden) => Ok(Err(BatchResult::invalid(
            record_type,
            Some(external_id.to_owned()),
            vec![FieldError::new(
                "external_id",
                "refers to a record you may not change",
            )],
        ))),
        Err(other) => Err(other),
    }
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

/// One child item.
pub fn child(
    connection: &mut AnyConnection,
    caller: &Authenticated,
    item: Map<String, Value>,
    stored: &mut HashMap<String, Child>,
) -> Result<BatchResult, ApiError> {
    let item = match envelope::<ChildInput>(item, |_| Ok(())) {
        Ok(item) => item,
        Err((external_id, errors)) => {
            return Ok(BatchResult::invalid("child", external_id, errors))
        }
    };
    let ext = item.external_id.clone();
    let outcome = match stored.get(&ext).cloned() {
        None => isolated(connection, "child", &ext, |c| {
            let child = child_store::build(caller, item.input);
            child_store::insert(c, caller, &child)?;
            Ok((child, "created"))
        })?,
        Some(current) => {
            let mut candidate = current.clone();
            item.input.clone().apply_to(&mut candidate);
            if candidate == current {
                return Ok(BatchResult::done(
                    "child",
                    &ext,
                    &current.meta.id,
                    current.meta.version,
                    "unchanged",
                ));
            }
            if item
                .base_version
                .is_some_and(|base| base != current.meta.version)
            {
                let (id, version) = (current.meta.id.clone(), current.meta.version);
                return Ok(conflict(
                    "child",
                    &ext,
                    &id,
                    version,
                    ChildResponse::from(current),
                ));
            }
            isolated(connection, "child", &ext, |c| {
                Ok((
                    child_store::update(c, caller, current, item.input)?,
                    "updated",
                ))
            })?
        }
    };
    Ok(match outcome {
        Ok((child, status)) => {
            let result =
                BatchResult::done("child", &ext, &child.meta.id, child.meta.version, status);
            stored.insert(ext, child);
            result
        }
        Err(result) => result,
    })
}

/// One incident item; `child_external_id` may name a child of this batch or already stored.
pub fn incident(
    connection: &mut AnyConnection,
    caller: &Authenticated,
    item: Map<String, Value>,
    children: &HashMap<String, String>,
    stored: &mut HashMap<String, Incident>,
) -> Result<BatchResult, ApiError> {
    let parsed = envelope::<IncidentInput>(item, |item| {
        resolve_reference(item, "child_external_id", "child_id", children)
    });
    let item = match parsed {
        Ok(item) => item,
        Err((external_id, errors)) => {
            return Ok(BatchResult::invalid("incident", external_id, errors))
        }
    };
    let ext = item.external_id.clone();
    let outcome = match stored.get(&ext).cloned() {
        None => isolated(connection, "incident", &ext, |c| {
            let incident = incident_store::build(caller, item.input);
            incident_store::insert(c, caller, &incident)?;
            Ok((incident, "created"))
        })?,
        Some(current) => {
            let mut candidate = current.clone();
            item.input.clone().apply_to(&mut candidate);
            if candidate == current {
                return Ok(BatchResult::done(
                    "incident",
                    &ext,
                    &current.meta.id,
                    current.meta.version,
                    "unchanged",
                ));
            }
            if item
                .base_version
                .is_some_and(|base| base != current.meta.version)
            {
                let (id, version) = (current.meta.id.clone(), current.meta.version);
                return Ok(conflict(
                    "incident",
                    &ext,
                    &id,
                    version,
                    IncidentResponse::from(current),
                ));
            }
            isolated(connection, "incident", &ext, |c| {
                Ok((
                    incident_store::update(c, caller, current, item.input)?,
                    "updated",
                ))
            })?
        }
    };
    Ok(match outcome {
        Ok((incident, status)) => {
            let result = BatchResult::done(
                "incident",
                &ext,
                &incident.meta.id,
                incident.meta.version,
                status,
            );
            stored.insert(ext, incident);
            result
        }
        Err(result) => result,
    })
}

/// One referral item; `incident_external_id` may name an incident of this batch or already stored.
pub fn referral(
    connection: &mut AnyConnection,
    caller: &Authenticated,
    item: Map<String, Value>,
    incidents: &HashMap<String, String>,
    stored: &mut HashMap<String, Referral>,
) -> Result<BatchResult, ApiError> {
    let parsed = envelope::<ReferralInput>(item, |item| {
        resolve_reference(item, "incident_external_id", "incident_id", incidents)
    });
    let item = match parsed {
        Ok(item) => item,
        Err((external_id, errors)) => {
            return Ok(BatchResult::invalid("referral", external_id, errors))
        }
    };
    let ext = item.external_id.clone();
    let outcome = match stored.get(&ext).cloned() {
        None => isolated(connection, "referral", &ext, |c| {
            let mut referral = referral_store::build(caller, item.input);
            referral_store::insert(c, caller, &mut referral)?;
            Ok((referral, "created"))
        })?,
        Some(current) => {
            let mut candidate = current.clone();
            item.input.clone().apply_to(&mut candidate);
            if candidate == current {
                return Ok(BatchResult::done(
                    "referral",
                    &ext,
                    &current.meta.id,
                    current.meta.version,
                    "unchanged",
                ));
            }
            if item
                .base_version
                .is_some_and(|base| base != current.meta.version)
            {
                let (id, version) = (current.meta.id.clone(), current.meta.version);
                return Ok(conflict(
                    "referral",
                    &ext,
                    &id,
                    version,
                    ReferralResponse::from(current),
                ));
            }
            isolated(connection, "referral", &ext, |c| {
                Ok((
                    referral_store::update(c, caller, current, item.input)?,
                    "updated",
                ))
            })?
        }
    };
    Ok(match outcome {
        Ok((referral, status)) => {
            let result = BatchResult::done(
                "referral",
                &ext,
                &referral.meta.id,
                referral.meta.version,
                status,
            );
            stored.insert(ext, referral);
            result
        }
        Err(result) => result,
    })
}
