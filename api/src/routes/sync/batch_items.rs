//! One sync-batch item of each record type: parse, match by external id, and create, update, leave
//! unchanged or report a conflict, using the same stores (and so the same rules) as the single-record
//! endpoints.

use std::collections::HashMap;

use cpims_db::{AnyConnection, Vault};
use cpims_domain::records::{Child, Incident, RecordMeta, Referral};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use validator::Validate;

use super::batch_creates::write_together;
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

/// Whether `item_failure` would report this error against an item rather than abort the batch.
pub(super) fn is_item_refusal(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Validation(_) | ApiError::Conflict(_) | ApiError::NotFound | ApiError::Forbidden
    )
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

/// A record type a sync batch can upsert, with the store functions of its single-record endpoints.
pub trait BatchKind {
    const RECORD_TYPE: &'static str;
    type Input: DeserializeOwned + Validate + FieldRules + Clone;
    type Record: Clone + PartialEq;
    type Response: Serialize + From<Self::Record>;

    fn meta(record: &Self::Record) -> &RecordMeta;
    /// Copies an input onto a record, as a create or update would.
    fn apply(input: Self::Input, record: &mut Self::Record);
    fn create(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        input: Self::Input,
    ) -> Result<Self::Record, ApiError>;
    fn update(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        current: Self::Record,
        input: Self::Input,
    ) -> Result<Self::Record, ApiError>;
    /// Creates records from validated inputs, each checked as `create` checks it: per input, in order,
    /// the stored record or the refusal `create` would give. By default one at a time, each in its own
    /// savepoint.
    fn create_many(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        inputs: Vec<Self::Input>,
    ) -> Result<Vec<Result<Self::Record, ApiError>>, ApiError> {
        let mut outcomes = Vec::with_capacity(inputs.len());
        for input in inputs {
            outcomes.push(cpims_db::savepoint(connection, |c| {
                Self::create(c, vault, caller, input)
            }));
        }
        Ok(outcomes)
    }
}

pub struct Children;
pub struct Incidents;
pub struct Referrals;

impl BatchKind for Children {
    const RECORD_TYPE: &'static str = "child";
    type Input = ChildInput;
    type Record = Child;
    type Response = ChildResponse;

    fn meta(record: &Child) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: ChildInput, record: &mut Child) {
        input.apply_to(record);
    }
    fn create(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        input: ChildInput,
    ) -> Result<Child, ApiError> {
        let child = child_store::build(caller, input);
        child_store::insert(connection, vault, caller, &child)?;
        Ok(child)
    }
    fn update(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        current: Child,
        input: ChildInput,
    ) -> Result<Child, ApiError> {
        child_store::update(connection, vault, caller, current, input)
    }
    fn create_many(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        inputs: Vec<ChildInput>,
    ) -> Result<Vec<Result<Child, ApiError>>, ApiError> {
        let built = inputs
            .into_iter()
            .map(|input| Ok(child_store::build(caller, input)))
            .collect();
        write_together(
            connection,
            built,
            |c, ready| child_store::insert_many(c, vault, caller, ready),
            |c, child| child_store::insert(c, vault, caller, child),
        )
    }
}

impl BatchKind for Incidents {
    const RECORD_TYPE: &'static str = "incident";
    type Input = IncidentInput;
    type Record = Incident;
    type Response = IncidentResponse;

    fn meta(record: &Incident) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: IncidentInput, record: &mut Incident) {
        input.apply_to(record);
    }
    fn create(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        input: IncidentInput,
    ) -> Result<Incident, ApiError> {
        let incident = incident_store::build(caller, input);
        incident_store::insert(connection, vault, caller, &incident)?;
        Ok(incident)
    }
    fn update(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        current: Incident,
        input: IncidentInput,
    ) -> Result<Incident, ApiError> {
        incident_store::update(connection, vault, caller, current, input)
    }
    fn create_many(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        inputs: Vec<IncidentInput>,
    ) -> Result<Vec<Result<Incident, ApiError>>, ApiError> {
        let built = inputs
            .into_iter()
            .map(|input| incident_store::build(caller, input))
            .collect();
        let checked = incident_store::check_new(connection, vault, caller, built)?;
        write_together(
            connection,
            checked,
            |c, ready| incident_store::insert_many(c, vault, caller, ready),
            |c, incident| incident_store::insert(c, vault, caller, incident),
        )
    }
}

impl BatchKind for Referrals {
    const RECORD_TYPE: &'static str = "referral";
    type Input = ReferralInput;
    type Record = Referral;
    type Response = ReferralResponse;

    fn meta(record: &Referral) -> &RecordMeta {
        &record.meta
    }
    fn apply(input: ReferralInput, record: &mut Referral) {
        input.apply_to(record);
    }
    fn create(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        input: ReferralInput,
    ) -> Result<Referral, ApiError> {
        let mut referral = referral_store::build(caller, input);
        referral_store::insert(connection, vault, caller, &mut referral)?;
        Ok(referral)
    }
    fn update(
        connection: &mut AnyConnection,
        vault: &Vault,
        caller: &Authenticated,
        current: Referral,
        input: ReferralInput,
    ) -> Result<Referral, ApiError> {
        referral_store::update(connection, vault, caller, current, input)
    }
}

/// One parsed item: created, updated, left unchanged (identical content) or refused as a conflict
/// (stale `base_version`). `stored` holds
/// the agency's records of this type by external id, and learns each record this batch writes.
pub(super) fn upsert<K: BatchKind>(
    connection: &mut AnyConnection,
    vault: &Vault,
    caller: &Authenticated,
    item: Envelope<K::Input>,
    stored: &mut HashMap<String, K::Record>,
) -> Result<BatchResult, ApiError> {
    let kind = K::RECORD_TYPE;
    let ext = item.external_id.clone();
    let outcome = match stored.get(&ext).cloned() {
        None => isolated(connection, kind, &ext, |c| {
            Ok((K::create(c, vault, caller, item.input)?, "created"))
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
            isolated(connection, kind, &ext, |c| {
                Ok((K::update(c, vault, caller, current, item.input)?, "updated"))
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
