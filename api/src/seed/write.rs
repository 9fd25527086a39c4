//! Carrying out the case plan: each child with its incidents, referrals and moves in one transaction,
//! through the same validation, access rules, state machines, history, audit and change feed as the
//! API handlers (their shared `store` functions wherever there is one).

use cpims_db::page::{new_id, now};
use cpims_db::repo::transitions::{self, Transition};
use cpims_db::repo::{audit, referrals};
use cpims_db::AnyConnection;
use cpims_db::Vault;
use cpims_domain::access::{may_create_case_records, Action};
use cpims_domain::case::{IncidentStatus, ReferralStatus};
use cpims_domain::records::{Child, Incident, Referral};
use cpims_domain::workflow::{
    check_incident_transition, check_referral_transition, incident_follow_up,
};
use validator::Validate;

use super::accounts::{Cast, PartnerCast};
use super::plan::{ChildPlan, IncidentPlan, Step};
use crate::auth::Authenticated;
use crate::error::{ApiError, FieldError};
use crate::extract::json::{flatten, FieldRules};
use crate::routes::children::store as child_store;
use crate::routes::incidents::transition::move_incident;
use crate::routes::incidents::{incident_actions, store as incident_store};
use crate::routes::publish;
use crate::routes::records::{record_history, require};
use crate::routes::referrals::dto::{ReferralInput, ReferralResponse};
use crate::routes::referrals::{referral_actions, store as referral_store};
use crate::webhooks::events::ReferralEvent;

/// What was written, for the summary.
#[derive(Debug, Default)]
pub struct Tally {
    pub children: usize,
    pub incidents: Vec<IncidentStatus>,
    pub referrals: Vec<ReferralStatus>,
    pub transitions: usize,
}

/// Writes one planned child and everything that happens to its incidents.
pub fn write_child(
    connection: &mut AnyConnection,
    vault: &Vault,
    cast: &Cast,
    plan: &ChildPlan,
    tally: &mut Tally,
) -> Result<(), ApiError> {
    let bureau = cast
        .bureaus
        .get(plan.bureau)
        .ok_or_else(|| bug("the plan names an unknown bureau"))?;
    let creator = match (&bureau.sync, plan.by_sync) {
        (Some(sync), true) => sync,
        _ => &bureau.worker,
    };
    if !may_create_case_records(&creator.0) {
        return Err(forbidden("child"));
    }
    let child = child_store::build(creator, validated("child", plan.child.clone())?);
    child_store::insert(connection, vault, creator, &child).map_err(planned_wrongly)?;
    tally.children += 1;
    for incident in &plan.incidents {
        write_incident(connection, vault, cast, creator, &child, incident, tally)?;
    }
    Ok(())
}

fn write_incident(
    connection: &mut AnyConnection,
    vault: &Vault,
    cast: &Cast,
    creator: &Authenticated,
    child: &Child,
    plan: &IncidentPlan,
    tally: &mut Tally,
) -> Result<(), ApiError> {
    let mut input = plan.incident.clone();
    input.child_id = child.meta.id.clone();
    let mut incident = incident_store::build(creator, validated("incident", input)?);
    incident_store::insert(connection, vault, creator, &incident).map_err(planned_wrongly)?;
    let mut sent: Vec<(Referral, &PartnerCast)> = Vec::new();
    for step in &plan.steps {
        match step {
            Step::MoveIncident {
                to,
                note,
                closure_reason,
            } => {
                require(&incident_actions(&creator.0, &incident), Action::Update)
                    .map_err(|_| forbidden("incident"))?;
                check_incident_transition(incident.status, *to)
                    .map_err(|error| bug(&format!("demo incident: {error}")))?;
                if to.needs_closure_reason() && closure_reason.is_none() {
                    return Err(bug("a demo incident closes without a reason"));
                }
                let reason = closure_reason.map(str::to_owned);
                move_incident_along(connection, vault, creator, &mut incident, *to, reason, note)?;
                tally.transitions += 1;
            }
            Step::Refer {
                partner,
                service,
                urgency,
                due_by,
            } => {
                let partner = cast
                    .partners
                    .get(*partner)
                    .ok_or_else(|| bug("the plan names an unknown partner"))?;
                let input = ReferralInput {
                    external_id: None,
                    incident_id: incident.meta.id.clone(),
                    to_agency_id: partner.agency.id.clone(),
                    service: *service,
                    urgency: *urgency,
                    reason: super::vocabulary::referral_reason(*service).to_owned(),
                    due_by: Some(*due_by),
                };
                let referral = refer(connection, vault, creator, input)?;
                sent.push((referral, partner));
            }
            Step::MoveReferral { referral, to } => {
                let (referral, partner) = sent
                    .get_mut(*referral)
                    .ok_or_else(|| bug("the plan moves a referral it never made"))?;
                // Cancelling is the referrer's move; everything else is the receiving partner's.
                let actor = if to.referrer_moves_to() {
                    creator
                } else {
                    &partner.partner
                };
                move_referral(connection, vault, actor, referral, *to)?;
                tally.transitions += 1;
                if let Some(next) = incident_follow_up(incident.status, *to) {
                    let note = format!("referral {} moved to {to}", referral.meta.id);
                    move_incident_along(
                        connection,
                        vault,
                        actor,
                        &mut incident,
                        next,
                        None,
                        &note,
                    )?;
                    tally.transitions += 1;
                }
            }
        }
    }
    tally.incidents.push(incident.status);
    tally
        .referrals
        .extend(sent.iter().map(|(referral, _)| referral.status));
    Ok(())
}

/// Creates a referral through the store `POST /api/v1/referrals` uses, with all of its checks.
fn refer(
    connection: &mut AnyConnection,
    vault: &Vault,
    creator: &Authenticated,
    input: ReferralInput,
) -> Result<Referral, ApiError> {
    let mut referral = referral_store::build(creator, validated("referral", input)?);
    referral_store::insert(connection, vault, creator, &mut referral).map_err(planned_wrongly)?;
    Ok(referral)
}

/// Moves a referral as `POST /api/v1/referrals/{id}/transitions` does, with the same side check,
/// timestamps, transition row, history, audit entry and change-feed entry.
fn move_referral(
    connection: &mut AnyConnection,
    vault: &Vault,
    actor: &Authenticated,
    referral: &mut Referral,
    to: ReferralStatus,
) -> Result<(), ApiError> {
    let side = if to.referrer_moves_to() {
        Action::TransitionAsReferrer
    } else {
        Action::TransitionAsReceiver
    };
    require(&referral_actions(&actor.0, referral), side).map_err(|_| forbidden("referral"))?;
    let from = referral.status;
    check_referral_transition(from, to).map_err(|error| bug(&format!("demo referral: {error}")))?;
    let before = ReferralResponse::from(referral.clone());
    let expected_version = referral.meta.version;
    let timestamp = now();
    referral.status = to;
    if from == ReferralStatus::Pending && referral.first_response_at.is_none() {
        referral.first_response_at = Some(timestamp);
    }
    if to == ReferralStatus::Completed {
        referral.completed_at = Some(timestamp);
    }
    referral.meta.version = expected_version + 1;
    referral.meta.updated_at = timestamp;
    referrals::update(connection, vault, referral, expected_version)?;
    transitions::insert(
        connection,
        vault,
        &Transition {
            id: new_id(),
            record_type: "referral".to_owned(),
            record_id: referral.meta.id.clone(),
            from_status: from.as_str().to_owned(),
            to_status: to.as_str().to_owned(),
            note: Some(super::vocabulary::referral_note(to).to_owned()),
            closure_reason: None,
            actor_user_id: actor.0.user_id.clone(),
            actor_agency_id: actor.0.agency_id.clone(),
            occurred_at: timestamp,
        },
    )?;
    let after = ReferralResponse::from(referral.clone());
    let id = referral.meta.id.clone();
    record_history(
        connection,
        vault,
        actor,
        "referral",
        &id,
        referral.meta.version,
        Some(&before),
        &after,
    )?;
    audit::append(connection, &[actor.audit("transition", "referral", &id)])?;
    publish::referral_changed(
        connection,
        vault,
        referral,
        from.grants_access(),
        ReferralEvent::StatusChanged { from },
    )
}

/// Moves the incident through the API's own `move_incident` and keeps the local copy in step with it.
fn move_incident_along(
    connection: &mut AnyConnection,
    vault: &Vault,
    actor: &Authenticated,
    incident: &mut Incident,
    to: IncidentStatus,
    closure_reason: Option<String>,
    note: &str,
) -> Result<(), ApiError> {
    let moved = move_incident(
        connection,
        vault,
        actor,
        incident.clone(),
        to,
        closure_reason,
        Some(note.to_owned()),
    )?;
    incident.status = moved.status;
    incident.closure_reason = moved.closure_reason;
    incident.meta.version = moved.version;
    incident.meta.updated_at = moved.updated_at.naive_utc();
    Ok(())
}

/// Checks a planned input exactly as a request body is checked, so the seed never stores what the API
/// would refuse (and a later PATCH of a demo record never trips over its own data).
fn validated<T: Validate + FieldRules>(what: &str, input: T) -> Result<T, ApiError> {
    let mut errors = input
        .validate()
        .err()
        .map(|errors| flatten(&errors))
        .unwrap_or_default();
    errors.extend(input.field_errors());
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(bug(&format!(
            "demo {what} is invalid ({})",
            describe(&errors)
        )))
    }
}

/// A store refusing planned data (a 422 for a request) is a defect of the seed, so it says so.
fn planned_wrongly(error: ApiError) -> ApiError {
    match error {
        ApiError::Validation(errors) => bug(&format!("refused ({})", describe(&errors))),
        other => other,
    }
}

fn describe(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|error| format!("{}: {}", error.field, error.message))
        .collect();
    parts.join("; ")
}

fn bug(message: &str) -> ApiError {
    ApiError::Internal(format!("seed-demo: {message}"))
}

fn forbidden(what: &str) -> ApiError {
    bug(&format!("the acting demo user may not act on this {what}"))
}
