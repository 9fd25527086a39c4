//! Incidents: complaints or violations concerning one child, with their status workflow.

pub mod create;
pub mod delete;
pub mod dto;
pub mod get;
pub mod history;
pub mod list;
pub mod store;
pub mod transition;
pub mod transitions;
pub mod update;

use std::collections::BTreeSet;

use cpims_domain::access::{allowed_actions, Action, RecordFacts, RecordKind};
use cpims_domain::principal::Principal;
use cpims_domain::records::Incident;

/// What the caller may do to an incident it can see (visibility was decided by the scoped query).
pub fn incident_actions(principal: &Principal, incident: &Incident) -> BTreeSet<Action> {
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
