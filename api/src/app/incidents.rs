//! Commands on incidents: create (one or a batch), update, move along the workflow, delete.

use std::collections::{BTreeSet, HashMap};

use cpims_db::repo::{children, referrals};
use cpims_domain::access::{allowed_actions, Action, ReadScope, RecordFacts, RecordKind};
use cpims_domain::case::IncidentStatus;
use cpims_domain::incident::check_child_age_at;
use cpims_domain::principal::Principal;
use cpims_domain::records::{Child, Incident};
use cpims_domain::workflow::check_incident_transition;

use super::{check_version, find_for, StatusMove, UnitOfWork};
use crate::error::ApiError;

/// What the caller may do to an incident it can see (visibility was decided by the scoped query).
pub fn actions(principal: &Principal, incident: &Incident) -> BTreeSet<Action> {
    allowed_actions(
        principal,
        &RecordFacts {
            kind: RecordKind::Incident,
            owner_agency_id: &incident.meta.agency_id,
            granted_to_caller: incident.meta.agency_id != principal.agency_id,
            receiving_agency_id: None,
            referral_status: None,
        },
    )
}

/// A requested move of an incident along its workflow.
#[derive(Debug, Clone)]
pub struct IncidentMove {
    pub to: IncidentStatus,
    pub note: Option<String>,
    /// Kept only when closing.
    pub closure_reason: Option<String>,
}

/// Registers a new incident: its child must be one the caller may write, and under 18 on
/// `occurred_on`.
pub fn create(work: &mut UnitOfWork<'_>, incident: &Incident) -> Result<(), ApiError> {
    let scope = work.actor().scope(RecordKind::Child);
    let vault = work.vault();
    let child = match children::find_visible(work.connection(), vault, &incident.child_id, &scope) {
        Ok(child) => Some(child),
        Err(cpims_db::DbError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    check_child(work.actor().principal()?, child.as_ref(), incident)?;
    work.create(&[incident])
}

/// Registers new incidents as `create` does, together (a sync batch's creates), with one lookup for
/// all their children: per incident, in order, the stored incident or its refusal.
pub fn create_many(
    work: &mut UnitOfWork<'_>,
    built: Vec<Incident>,
) -> Result<Vec<Result<Incident, ApiError>>, ApiError> {
    let mut child_ids: Vec<String> = built.iter().map(|i| i.child_id.clone()).collect();
    child_ids.sort_unstable();
    child_ids.dedup();
    let scope = work.actor().scope(RecordKind::Child);
    let vault = work.vault();
    let known: HashMap<String, Child> =
        children::visible_by_ids(work.connection(), vault, &child_ids, &scope)?
            .into_iter()
            .map(|child| (child.meta.id.clone(), child))
            .collect();
    let principal = work.actor().principal()?;
    let checked = built
        .into_iter()
        .map(|incident| {
            check_child(principal, known.get(&incident.child_id), &incident).map(|()| incident)
        })
        .collect();
    super::create_together(work, checked, create)
}

/// The child (as the caller sees it, if at all) must be writable by the caller, not anonymised, and
/// under 18 on the day of the incident.
fn check_child(
    principal: &Principal,
    child: Option<&Child>,
    incident: &Incident,
) -> Result<(), ApiError> {
    let no_such_child =
        || ApiError::validation("child_id", "no such child in your agency's records");
    let child = child.ok_or_else(no_such_child)?;
    if !super::children::actions(principal, child).contains(&Action::Update) {
        return Err(no_such_child());
    }
    super::refuse_anonymised(&child.meta)?;
    check_child_age_at(child.date_of_birth, incident.occurred_on)
        .map_err(|message| ApiError::validation("occurred_on", message))
}

/// Changes an incident the caller may update, at the version it last read: `edit` gives the next
/// state from the current one.
pub fn update(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: i64,
    edit: impl FnOnce(&Incident) -> Result<Incident, ApiError>,
) -> Result<Incident, ApiError> {
    super::edit(work, id, expected_version, edit, store_update)
}

/// Stores `next` as the next version of `current` (already loaded and authorised). The child cannot
/// change and must be under 18 on `occurred_on`.
pub fn store_update(
    work: &mut UnitOfWork<'_>,
    current: Incident,
    next: Incident,
) -> Result<Incident, ApiError> {
    if next.child_id != current.child_id {
        return Err(ApiError::validation("child_id", "cannot be changed"));
    }
    let vault = work.vault();
    let child = children::find_visible(
        work.connection(),
        vault,
        &current.child_id,
        &ReadScope::Everything,
    )?;
    check_child_age_at(child.date_of_birth, next.occurred_on)
        .map_err(|message| ApiError::validation("occurred_on", message))?;
    work.update(&current, next)
}

/// Moves an incident the caller may update along its workflow; an illegal move answers 409 with
/// the allowed ones.
pub fn transition(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: i64,
    requested: IncidentMove,
) -> Result<Incident, ApiError> {
    let incident = find_for::<Incident>(work, id, Action::Update)?;
    check_version(incident.meta.version, Some(expected_version))?;
    check_incident_transition(incident.status, requested.to)?;
    let closure_reason = match requested.to {
        IncidentStatus::Closed => requested
            .closure_reason
            .map(|reason| reason.trim().to_owned())
            .filter(|reason| !reason.is_empty()),
        _ => None,
    };
    if requested.to.needs_closure_reason() && closure_reason.is_none() {
        return Err(ApiError::validation(
            "closure_reason",
            "is required when closing an incident",
        ));
    }
    let note = requested
        .note
        .map(|note| note.trim().to_owned())
        .filter(|note| !note.is_empty());
    apply_move(work, incident, requested.to, closure_reason, note)
}

/// Writes a decided status change of an incident (a caller's move, or a referral's follow-up).
pub fn apply_move(
    work: &mut UnitOfWork<'_>,
    incident: Incident,
    to: IncidentStatus,
    closure_reason: Option<String>,
    note: Option<String>,
) -> Result<Incident, ApiError> {
    let mut next = incident.clone();
    next.status = to;
    next.closure_reason = closure_reason.clone();
    let movement = StatusMove {
        from: incident.status.as_str(),
        to: to.as_str(),
        note,
        closure_reason,
    };
    work.transition(&incident, next, movement)
}

/// Soft-deletes an incident without live referrals.
pub fn delete(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: Option<i64>,
) -> Result<(), ApiError> {
    let incident = find_for::<Incident>(work, id, Action::Delete)?;
    check_version(incident.meta.version, expected_version)?;
    if referrals::count_live_for_incident(work.connection(), &incident.meta.id)? > 0 {
        return Err(ApiError::Conflict(
            "the incident still has referrals; delete them first".to_owned(),
        ));
    }
    work.delete(&incident)
}
