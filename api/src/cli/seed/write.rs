//! Carrying out the case plan: each child with its incidents, referrals and moves in one transaction,
//! through the same `app` commands as the API handlers (validation, access rules, state machines,
//! history, audit and change feed).

use cpims_db::AnyConnection;
use cpims_db::Vault;
use cpims_domain::access::may_create_case_records;
use cpims_domain::case::{IncidentStatus, ReferralStatus};
use cpims_domain::records::{Child, Referral};
use validator::Validate;

use super::accounts::{Cast, PartnerCast};
use super::plan::{ChildPlan, IncidentPlan, Step};
use crate::app::deadlines::Timekeeping;
use crate::app::incidents::IncidentMove;
use crate::app::{self, Actor, UnitOfWork};
use crate::auth::Authenticated;
use crate::error::{ApiError, FieldError};
use crate::extract::json::{flatten, FieldRules};
use crate::routes::referrals::dto::ReferralInput;
use cpims_domain::deadlines::RULES;

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
    let mut work = UnitOfWork::new(
        connection,
        vault,
        Actor::User(creator),
        // Demo records get the default rules' deadlines.
        Timekeeping::new(cpims_db::page::now(), RULES.into()),
    );
    let child =
        validated("child", plan.child.clone())?.into_child(app::new_meta(creator, work.now()));
    app::children::create(&mut work, &child).map_err(planned_wrongly)?;
    tally.children += 1;
    for incident in &plan.incidents {
        write_incident(&mut work, cast, creator, &child, incident, tally)?;
    }
    Ok(())
}

fn write_incident(
    work: &mut UnitOfWork<'_>,
    cast: &Cast,
    creator: &Authenticated,
    child: &Child,
    plan: &IncidentPlan,
    tally: &mut Tally,
) -> Result<(), ApiError> {
    let mut input = plan.incident.clone();
    input.child_id = child.meta.id.clone();
    let mut incident =
        validated("incident", input)?.into_incident(app::new_meta(creator, work.now()));
    app::incidents::create(work, &incident).map_err(planned_wrongly)?;
    let mut sent: Vec<(Referral, &PartnerCast)> = Vec::new();
    for step in &plan.steps {
        match step {
            Step::MoveIncident {
                to,
                note,
                closure_reason,
            } => {
                let requested = IncidentMove {
                    to: *to,
                    note: Some((*note).to_owned()),
                    closure_reason: closure_reason.map(str::to_owned),
                };
                incident = app::incidents::transition(
                    work,
                    &incident.meta.id,
                    incident.meta.version,
                    requested,
                )
                .map_err(|error| bug(&format!("demo incident move refused: {error:?}")))?;
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
                    share_narrative: false,
                };
                let referral =
                    validated("referral", input)?.into_referral(app::new_meta(creator, work.now()));
                let referral = app::referrals::create(work, referral).map_err(planned_wrongly)?;
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
                let note = Some(super::vocabulary::referral_note(*to).to_owned());
                let moved = app::referrals::transition(
                    &mut work.acting_as(Actor::User(actor)),
                    &referral.meta.id,
                    referral.meta.version,
                    *to,
                    note,
                )
                .map_err(|error| bug(&format!("demo referral move refused: {error:?}")))?;
                *referral = moved.referral;
                tally.transitions += 1;
                if let Some(followed) = moved.incident {
                    incident = followed;
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
