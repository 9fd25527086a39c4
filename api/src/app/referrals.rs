//! Commands on referrals: create, update, move along the workflow (the incident follows), delete.

use std::collections::BTreeSet;

use cpims_db::repo::{agencies, incidents};
use cpims_domain::access::{allowed_actions, Action, ReadScope, RecordFacts, RecordKind};
use cpims_domain::case::{IncidentStatus, ReferralStatus};
use cpims_domain::principal::Principal;
use cpims_domain::records::{Incident, Referral};
use cpims_domain::workflow::ReferralMove;

use super::{check_version, find_for, incidents as incident_commands, StatusMove, UnitOfWork};
use crate::error::{ApiError, FieldError};

/// What the caller may do to a referral it can see.
pub fn actions(principal: &Principal, referral: &Referral) -> BTreeSet<Action> {
    allowed_actions(
        principal,
        &RecordFacts {
            kind: RecordKind::Referral,
            owner_agency_id: &referral.meta.agency_id,
            granted_to_caller: false,
            receiving_agency_id: Some(&referral.to_agency_id),
            referral_status: Some(referral.status),
        },
    )
}

/// A referral moved, with the incident when it followed.
#[derive(Debug, Clone)]
pub struct ReferralMoved {
    pub referral: Referral,
    pub incident: Option<Incident>,
}

/// Sends a new referral: the incident must be one the caller may refer out and not closed; the target
/// must exist, be active, not be the caller's agency, and offer the service. The child and province
/// come from the incident.
pub fn create(work: &mut UnitOfWork<'_>, mut referral: Referral) -> Result<Referral, ApiError> {
    let principal = work.actor().principal()?;
    let mut errors = Vec::new();
    let scope = work.actor().scope(RecordKind::Incident);
    let vault = work.vault();
    match incidents::find_visible(work.connection(), vault, &referral.incident_id, &scope) {
        Ok(incident)
            if incident_commands::actions(principal, &incident).contains(&Action::ReferOut) =>
        {
            super::refuse_anonymised(&incident.meta)?;
            if incident.status == IncidentStatus::Closed {
                errors.push(FieldError::new(
                    "incident_id",
                    "the incident is closed; reopen it first",
                ));
            }
            referral.child_id = incident.child_id;
            referral.province = incident.province;
        }
        Ok(_) | Err(cpims_db::DbError::NotFound) => errors.push(FieldError::new(
            "incident_id",
            "no such incident in your agency's records",
        )),
        Err(other) => return Err(other.into()),
    }
    match agencies::find(work.connection(), &referral.to_agency_id) {
        Ok(agency) if !agency.active => {
            errors.push(FieldError::new("to_agency_id", "the agency is not active"));
        }
        Ok(agency) if agency.id == principal.agency_id => {
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
    work.create(&[&referral])?;
    Ok(referral)
}

/// Changes a referral the caller may update, at the version it last read: `edit` gives the next state
/// from the current one.
pub fn update(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: i64,
    edit: impl FnOnce(&Referral) -> Result<Referral, ApiError>,
) -> Result<Referral, ApiError> {
    super::edit(work, id, expected_version, edit, store_update)
}

/// Stores `next` as the next version of `current` (already loaded and authorised); the incident, the
/// receiving agency and the service cannot change.
pub fn store_update(
    work: &mut UnitOfWork<'_>,
    current: Referral,
    next: Referral,
) -> Result<Referral, ApiError> {
    let mut errors = Vec::new();
    if next.incident_id != current.incident_id {
        errors.push(FieldError::new("incident_id", "cannot be changed"));
    }
    if next.to_agency_id != current.to_agency_id {
        errors.push(FieldError::new("to_agency_id", "cannot be changed"));
    }
    if next.service != current.service {
        errors.push(FieldError::new("service", "cannot be changed"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    work.update(&current, next)
}

/// Moves a referral along its workflow (the receiver answers, starts and completes it; the referrer
/// cancels it), with the incident's follow-up move as the domain decides it.
pub fn transition(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: i64,
    to: ReferralStatus,
    note: Option<String>,
) -> Result<ReferralMoved, ApiError> {
    let referral = find_for::<Referral>(work, id, ReferralMove::side(to))?;
    check_version(referral.meta.version, Some(expected_version))?;
    // The incident belongs to the referring agency; the receiver's act moves it all the same.
    let vault = work.vault();
    let incident = incidents::find_visible(
        work.connection(),
        vault,
        &referral.incident_id,
        &ReadScope::Everything,
    )?;
    let decided = ReferralMove::plan(&referral, to, incident.status, work.now())?;
    let mut next = referral.clone();
    decided.apply_to(&mut next);
    let movement = StatusMove {
        from: decided.from.as_str(),
        to: to.as_str(),
        note: note
            .map(|note| note.trim().to_owned())
            .filter(|note| !note.is_empty()),
        closure_reason: None,
    };
    let moved = work.transition(&referral, next, movement)?;
    let incident = match decided.incident_to {
        Some(incident_to) => {
            let note = format!("referral {} moved to {to}", moved.meta.id);
            let followed =
                incident_commands::apply_move(work, incident, incident_to, None, Some(note))?;
            Some(followed)
        }
        None => None,
    };
    Ok(ReferralMoved {
        referral: moved,
        incident,
    })
}

/// Soft-deletes a referral (one entered in error); the receiving agency loses sight of it.
pub fn delete(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: Option<i64>,
) -> Result<(), ApiError> {
    let referral = find_for::<Referral>(work, id, Action::Delete)?;
    check_version(referral.meta.version, expected_version)?;
    work.delete(&referral)
}
