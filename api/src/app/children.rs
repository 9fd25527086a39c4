//! Commands on children: create (one or a batch), update and delete.

use std::collections::BTreeSet;

use cpims_db::repo::{children, incidents};
use cpims_domain::access::{allowed_actions, Action, RecordFacts, RecordKind};
use cpims_domain::incident::check_child_age_at;
use cpims_domain::principal::Principal;
use cpims_domain::records::Child;

use super::{check_version, find_for, UnitOfWork};
use crate::error::ApiError;

/// What the caller may do to a child it can see (visibility was decided by the scoped query).
pub fn actions(principal: &Principal, child: &Child) -> BTreeSet<Action> {
    allowed_actions(
        principal,
        &RecordFacts {
            kind: RecordKind::Child,
            owner_agency_id: &child.meta.agency_id,
            granted_to_caller: child.meta.agency_id != principal.agency_id,
            receiving_agency_id: None,
            referral_status: None,
        },
    )
}

/// Registers a new child.
pub fn create(work: &mut UnitOfWork<'_>, child: &Child) -> Result<(), ApiError> {
    work.create(&[child])
}

/// Registers new children as `create` does, together (a sync batch's creates): per child, in order,
/// the stored child or its refusal.
pub fn create_many(
    work: &mut UnitOfWork<'_>,
    built: Vec<Child>,
) -> Result<Vec<Result<Child, ApiError>>, ApiError> {
    super::create_together(work, built.into_iter().map(Ok).collect(), create)
}

/// Changes a child the caller may update, at the version it last read: `edit` gives the next state
/// from the current one.
pub fn update(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: i64,
    edit: impl FnOnce(&Child) -> Result<Child, ApiError>,
) -> Result<Child, ApiError> {
    super::edit(work, id, expected_version, edit, store_update)
}

/// Stores `next` as the next version of `current` (already loaded and authorised); the child must stay
/// under 18 at each of its incidents.
pub fn store_update(
    work: &mut UnitOfWork<'_>,
    current: Child,
    next: Child,
) -> Result<Child, ApiError> {
    if let Some(date_of_birth) = next.date_of_birth {
        let vault = work.vault();
        for incident in incidents::of_child(work.connection(), vault, &current.meta.id)? {
            if let Err(message) = check_child_age_at(Some(date_of_birth), incident.occurred_on) {
                return Err(ApiError::validation("date_of_birth", message));
            }
        }
    }
    work.update(&current, next)
}

/// Soft-deletes a child without live incidents.
pub fn delete(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: Option<i64>,
) -> Result<(), ApiError> {
    let child = find_for::<Child>(work, id, Action::Delete)?;
    check_version(child.meta.version, expected_version)?;
    if children::has_live_incidents(work.connection(), &child.meta.id)? {
        return Err(ApiError::Conflict(
            "the child still has incidents; delete them first".to_owned(),
        ));
    }
    work.delete(&child)
}
