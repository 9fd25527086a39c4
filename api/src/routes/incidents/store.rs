//! Writing incidents: the steps every create and update takes (checks against the child, record,
//! history, audit, change feed), shared by the single-record endpoints and the sync batch.

use std::collections::HashMap;

use cpims_db::repo::{audit, children, incidents};
use cpims_db::AnyConnection;
use cpims_domain::access::{read_scope, Action, ReadScope, RecordKind};
use cpims_domain::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, RiskLevel,
    UrbanRural,
};
use cpims_domain::incident::check_child_age_at;
use cpims_domain::records::{Child, Incident};

use super::dto::{IncidentInput, IncidentResponse};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::routes::children::child_actions;
use crate::routes::publish;
use crate::routes::records::{
    external_id_conflict, new_meta, record_creations, record_history, today,
};

/// A new `open` incident of the caller's agency built from a validated input (not yet stored).
pub fn build(caller: &Authenticated, input: IncidentInput) -> Incident {
    let today = today();
    let mut incident = Incident {
        meta: new_meta(caller),
        child_id: String::new(),
        category: String::new(),
        subcategory: None,
        legal_references: Vec::new(),
        occurred_on: today,
        reported_on: today,
        intake_channel: IntakeChannel::Other,
        province: String::new(),
        district: None,
        urban_rural: UrbanRural::Unknown,
        perpetrator_relationship: PerpetratorRelationship::Unknown,
        registered_with_police: PoliceRegistration::Unknown,
        risk_level: RiskLevel::Medium,
        narrative: None,
        status: IncidentStatus::Open,
        closure_reason: None,
    };
    input.apply_to(&mut incident);
    incident
}

/// Stores a new incident: its child must be one the caller may write, and under 18 on `occurred_on`.
pub fn insert(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    incident: &Incident,
) -> Result<(), ApiError> {
    let child = match children::find_visible(
        connection,
        vault,
        &incident.child_id,
        &read_scope(&caller.0, RecordKind::Child),
    ) {
        Ok(child) => Some(child),
        Err(cpims_db::DbError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    check_child(caller, child.as_ref(), incident)?;
    insert_many(connection, vault, caller, &[incident])
}

/// Checks new incidents as `insert` does, with one lookup for all their children: per incident, in
/// order, the incident ready for `insert_many` or the refusal `insert` would answer.
pub fn check_new(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    created: Vec<Incident>,
) -> Result<Vec<Result<Incident, ApiError>>, ApiError> {
    let mut child_ids: Vec<String> = created.iter().map(|i| i.child_id.clone()).collect();
    child_ids.sort_unstable();
    child_ids.dedup();
    let scope = read_scope(&caller.0, RecordKind::Child);
    let known: HashMap<String, Child> =
        children::visible_by_ids(connection, vault, &child_ids, &scope)?
            .into_iter()
            .map(|child| (child.meta.id.clone(), child))
            .collect();
    Ok(created
        .into_iter()
        .map(|incident| {
            check_child(caller, known.get(&incident.child_id), &incident).map(|()| incident)
        })
        .collect())
}

/// The child (as the caller sees it, if at all) must be writable by the caller and under 18 on the
/// day of the incident.
fn check_child(
    caller: &Authenticated,
    child: Option<&Child>,
    incident: &Incident,
) -> Result<(), ApiError> {
    let no_such_child =
        || ApiError::validation("child_id", "no such child in your agency's records");
    let child = child.ok_or_else(no_such_child)?;
    if !child_actions(&caller.0, child).contains(&Action::Update) {
        return Err(no_such_child());
    }
    check_child_age_at(child.date_of_birth, incident.occurred_on)
        .map_err(|message| ApiError::validation("occurred_on", message))
}

/// Stores new incidents that passed `check_new`, in one statement per table.
pub fn insert_many(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    created: &[&Incident],
) -> Result<(), ApiError> {
    incidents::insert_all(connection, vault, created).map_err(external_id_conflict)?;
    let stored: Vec<_> = created
        .iter()
        .map(|incident| {
            let meta = &incident.meta;
            let wire = IncidentResponse::from((*incident).clone());
            (meta.id.as_str(), meta.agency_id.as_str(), wire)
        })
        .collect();
    record_creations(connection, vault, caller, "incident", &stored)
}

/// Applies a validated input to a stored incident as its next version. The child cannot change.
pub fn update(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    mut incident: Incident,
    input: IncidentInput,
) -> Result<Incident, ApiError> {
    if input.child_id != incident.child_id {
        return Err(ApiError::validation("child_id", "cannot be changed"));
    }
    let child = children::find_visible(
        connection,
        vault,
        &incident.child_id,
        &ReadScope::Everything,
    )?;
    check_child_age_at(child.date_of_birth, input.occurred_on)
        .map_err(|message| ApiError::validation("occurred_on", message))?;
    let before = IncidentResponse::from(incident.clone());
    let expected_version = incident.meta.version;
    input.apply_to(&mut incident);
    incident.meta.version = expected_version + 1;
    incident.meta.updated_at = cpims_db::page::now();
    incidents::update(connection, vault, &incident, expected_version)
        .map_err(external_id_conflict)?;
    let after = IncidentResponse::from(incident.clone());
    record_history(
        connection,
        vault,
        caller,
        "incident",
        &incident.meta.id,
        incident.meta.version,
        Some(&before),
        &after,
    )?;
    audit::append(
        connection,
        &[caller.audit("update", "incident", &incident.meta.id)],
    )?;
    publish::case_upserted(
        connection,
        "incident",
        &incident.meta.id,
        incident.meta.version,
        &incident.meta.agency_id,
    )?;
    Ok(incident)
}
