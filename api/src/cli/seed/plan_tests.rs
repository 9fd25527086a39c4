//! Checks of the case plan that need no database: reproducibility, validity and coverage.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use cpims_domain::case::{IncidentStatus, ReferralStatus};
use cpims_domain::incident::check_child_age_at;
use cpims_domain::taxonomy::CATEGORIES;
use cpims_domain::workflow::{
    check_incident_transition, check_referral_transition, incident_follow_up,
};
use validator::Validate;

use super::*;
use crate::app::today;
use crate::cli::seed::cast::PARTNERS;
use crate::extract::json::FieldRules;

/// Walks an incident's steps through the state machines as the writer does; panics on an illegal move.
fn simulate(plan: &IncidentPlan) -> (IncidentStatus, Vec<ReferralStatus>, Vec<IncidentStatus>) {
    let mut incident = IncidentStatus::Open;
    let mut visited = vec![incident];
    let mut referrals = Vec::new();
    for step in &plan.steps {
        match step {
            Step::MoveIncident {
                to, closure_reason, ..
            } => {
                check_incident_transition(incident, *to).unwrap();
                assert_eq!(to.needs_closure_reason(), closure_reason.is_some());
                incident = *to;
            }
            Step::Refer {
                partner, service, ..
            } => {
                assert_ne!(
                    incident,
                    IncidentStatus::Closed,
                    "closed incidents are not referred"
                );
                assert!(PARTNERS[*partner].services.contains(service));
                referrals.push(ReferralStatus::Pending);
            }
            Step::MoveReferral { referral, to } => {
                let current = &mut referrals[*referral];
                check_referral_transition(*current, *to).unwrap();
                *current = *to;
                if let Some(next) = incident_follow_up(incident, *to) {
                    incident = next;
                }
            }
        }
        visited.push(incident);
    }
    (incident, referrals, visited)
}

#[test]
fn the_same_seed_plans_the_same_case_load_and_another_seed_does_not() {
    let day = today();
    let first = format!("{:?}", plan_cases(1121, day));
    assert_eq!(first, format!("{:?}", plan_cases(1121, day)));
    assert_ne!(first, format!("{:?}", plan_cases(1122, day)));
}

#[test]
fn every_planned_record_passes_the_api_validation() {
    for seed in [1121, 7] {
        for plan in plan_cases(seed, today()) {
            let child = &plan.child;
            assert!(child.validate().is_ok(), "{child:?}");
            assert!(
                child.field_errors().is_empty(),
                "{:?}",
                child.field_errors()
            );
            assert!(child.family_name.as_deref().unwrap().starts_with("Demo-"));
            if let Some(identifier) = &child.identifier {
                assert!(identifier.len() == 13 && identifier.starts_with("00000"));
            }
            for incident in &plan.incidents {
                let mut input = incident.incident.clone();
                input.child_id = uuid::Uuid::now_v7().to_string();
                assert!(input.validate().is_ok(), "{input:?}");
                assert!(
                    input.field_errors().is_empty(),
                    "{:?}",
                    input.field_errors()
                );
                assert_eq!(
                    check_child_age_at(child.date_of_birth, input.occurred_on),
                    Ok(())
                );
                assert_eq!(input.province, child.province);
            }
        }
    }
}

#[test]
fn planned_moves_are_legal_and_cover_every_status_and_category() {
    for seed in [1121, 1, 99] {
        let plans = plan_cases(seed, today());
        let mut incident_statuses = BTreeSet::new();
        let mut visited_statuses = BTreeSet::new();
        let mut referral_statuses = BTreeSet::new();
        let mut categories = BTreeSet::new();
        let (mut incidents, mut referrals) = (0, 0);
        for plan in &plans {
            for incident in &plan.incidents {
                let (status, sent, visited) = simulate(incident);
                incident_statuses.insert(status);
                visited_statuses.extend(visited);
                referrals += sent.len();
                referral_statuses.extend(sent);
                categories.insert(incident.incident.category.clone());
                incidents += 1;
            }
        }
        assert_eq!(plans.len(), CHILDREN);
        assert!((350..=470).contains(&incidents), "{incidents} incidents");
        assert!((120..=200).contains(&referrals), "{referrals} referrals");
        assert_eq!(
            referral_statuses.len(),
            ReferralStatus::ALL.len(),
            "{referral_statuses:?}"
        );
        assert_eq!(
            incident_statuses.len(),
            IncidentStatus::ALL.len(),
            "{incident_statuses:?}"
        );
        assert_eq!(visited_statuses.len(), IncidentStatus::ALL.len());
        assert_eq!(categories.len(), CATEGORIES.len(), "every category appears");
    }
}

#[test]
fn every_bureau_registers_children() {
    let plans = plan_cases(1121, today());
    let bureaus: BTreeSet<usize> = plans.iter().map(|plan| plan.bureau).collect();
    assert_eq!(bureaus.len(), BUREAUS.len());
    assert!(
        plans.iter().any(|plan| plan.by_sync),
        "sync clients register some children"
    );
}
