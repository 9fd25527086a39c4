//! Children: registered by their agency's case workers, read by those the policy allows.

pub mod access_log;
pub mod create;
pub mod delete;
pub mod dto;
pub mod get;
pub mod history;
pub mod list;
pub mod store;
pub mod update;

use cpims_domain::access::{allowed_actions, Action, RecordFacts, RecordKind};
use cpims_domain::principal::Principal;
use cpims_domain::records::Child;
use std::collections::BTreeSet;

/// What the caller may do to a child it can see (visibility was decided by the scoped query).
pub fn child_actions(principal: &Principal, child: &Child) -> BTreeSet<Action> {
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
