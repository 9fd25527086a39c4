//! Referrals: an incident referred from one agency to another for a service, and their workflow.

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
use cpims_domain::records::Referral;

/// What the caller may do to a referral it can see.
pub fn referral_actions(principal: &Principal, referral: &Referral) -> BTreeSet<Action> {
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
