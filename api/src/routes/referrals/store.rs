//! Writing referrals: the checks and steps every create and update takes, shared by the
//! single-record endpoints and the sync batch.

use cpims_db::repo::{agencies, audit, incidents, referrals};
use cpims_db::AnyConnection;
use cpims_domain::access::{read_scope, Action, RecordKind};
use cpims_domain::agency::Service;
use cpims_domain::case::{IncidentStatus, ReferralStatus, Urgency};
use cpims_domain::records::Referral;

use super::dto::{ReferralInput, ReferralResponse};
use crate::auth::Authenticated;
use crate::error::{ApiError, FieldError};
use crate::routes::incidents::incident_actions;
use crate::routes::publish;
use crate::routes::records::{external_id_conflict, new_meta, record_history};
use crate::webhooks::events::ReferralEvent;

/// A new `pending` referral from the caller's agency built from a validated input (not yet stored).
pub fn build(caller: &Authenticated, input: ReferralInput) -> Referral {
    let mut referral = Referral {
        meta: new_meta(caller),
        incident_id: String::new(),
        child_id: String::new(),
        to_agency_id: String::new(),
        service: Service::Other,
        urgency: Urgency::Medium,
        reason: String::new(),
        due_by: None,
        status: ReferralStatus::Pending,
        province: String::new(),
        first_response_at: None,
        completed_at: None,
    };
    input.apply_to(&mut referral);
    referral
}

/// Stores a new referral: the incident must be one the caller may refer out and not closed; the target
/// must exist, be active, not be the caller's agency, and offer the service. Fills in the child and
/// province from the incident.
pub fn insert(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    referral: &mut Referral,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let no_such_incident = "no such incident in your agency's records";
    match incidents::find_visible(
        connection,
        vault,
        &referral.incident_id,
        &read_scope(&caller.0, RecordKind::Incident),
    ) {
        Ok(incident) if incident_actions(&caller.0, &incident).contains(&Action::ReferOut) => {
            if incident.status == IncidentStatus::Closed {
                errors.push(FieldError::new(
                    "incident_id",
                    "the incident is closed; reopen it first",
                ));
            }
            referral.child_id = incident.child_id;
            referral.province = incident.province;
        }
        Ok(_) | Err(cpims_db::DbError::NotFound) => {
            errors.push(FieldError::new("incident_id", no_such_incident));
        }
        Err(other) => return Err(other.into()),
    }
    match agencies::find(connection, &referral.to_agency_id) {
        Ok(agency) if !agency.active => {
            errors.push(FieldError::new("to_agency_id", "the agency is not active"));
        }
        Ok(agency) if agency.id == caller.0.agency_id => {
            errors.push(FieldError::new(
                "to_agency_id",
                "cannot refer to your own agency",
            ));
        }
        Ok(agency) if !agency.services.contains(&referral.service) => {
            errors.push(FieldError::new(
                "service",
                "the receiving agency does not offer this service",
            ));
        }
        Ok(_) => {}
        Err(cpims_db::DbError::NotFound) => {
            errors.push(FieldError::new("to_agency_id", "no such agency"))
        }
        Err(other) => return Err(other.into()),
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    referrals::insert(connection, vault, referral).map_err(external_id_conflict)?;
    let stored = ReferralResponse::from(referral.clone());
    record_history(
        connection,
        vault,
        caller,
        "referral",
        &referral.meta.id,
        1,
        None,
        &stored,
    )?;
    audit::append(
        connection,
        &[caller.audit("create", "referral", &referral.meta.id)],
    )?;
    publish::referral_changed(connection, vault, referral, false, ReferralEvent::Created)
}

/// Applies a validated input to a stored referral as its next version; the incident, the receiving
/// agency and the service cannot change.
pub fn update(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    mut referral: Referral,
    input: ReferralInput,
) -> Result<Referral, ApiError> {
    let mut errors = Vec::new();
    if input.incident_id != referral.incident_id {
        errors.push(FieldError::new("incident_id", "cannot be changed"));
    }
    if input.to_agency_id != referral.to_agency_id {
        errors.push(FieldError::new("to_agency_id", "cannot be changed"));
    }
    if input.service != referral.service {
        errors.push(FieldError::new("service", "cannot be changed"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let before = ReferralResponse::from(referral.clone());
    let expected_version = referral.meta.version;
    input.apply_to(&mut referral);
    referral.meta.version = expected_version + 1;
    referral.meta.updated_at = cpims_db::page::now();
    referrals::update(connection, vault, &referral, expected_version)
        .map_err(external_id_conflict)?;
    let after = ReferralResponse::from(referral.clone());
    record_history(
        connection,
        vault,
        caller,
        "referral",
        &referral.meta.id,
        referral.meta.version,
        Some(&before),
        &after,
    )?;
    audit::append(
        connection,
        &[caller.audit("update", "referral", &referral.meta.id)],
    )?;
    publish::referral_changed(
        connection,
        vault,
        &referral,
        referral.status.grants_access(),
        ReferralEvent::Updated,
    )?;
    Ok(referral)
}
