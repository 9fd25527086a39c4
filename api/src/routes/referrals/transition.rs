//! `POST /api/v1/referrals/{id}/transitions`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::repo::transitions::{self, Transition};
use cpims_db::repo::{audit, incidents, referrals};
use cpims_domain::access::{read_scope, Action, ReadScope, RecordKind};
use cpims_domain::case::ReferralStatus;
use cpims_domain::workflow::{check_referral_transition, incident_follow_up};

use super::dto::{ReferralResponse, ReferralTransitionRequest};
use super::referral_actions;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::routes::incidents::transition::move_incident;
use crate::routes::publish;
use crate::routes::records::audit_denial;
use crate::routes::records::{record_history, require};
use crate::routes::support::{parse_id, with_connection};
use crate::state::AppState;
use crate::webhooks::events::ReferralEvent;

/// Moves a referral along its workflow: the receiving agency accepts or declines a pending referral,
/// starts (`in_progress`) and completes it; the referring agency cancels it before completion.
/// Accepting moves the incident to `referred`, starting moves it to `in_service`, when it was earlier
/// in its flow. An illegal move answers 409 listing the allowed next statuses.
#[utoipa::path(
    post,
    path = "/api/v1/referrals/{id}/transitions",
    tag = "referrals",
    params(
        ("id" = String, Path, description = "Referral id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 400 when not a version number, quoted or bare"),
    ),
    request_body = ReferralTransitionRequest,
    responses(
        (status = 200, description = "Moved", body = ReferralResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "This side of the referral may not make this move", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal transition; `allowed_next` lists the legal ones", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn transition_referral(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<ReferralTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial("referral", &id, "transition");
    let expected_version = required_if_match(&request)?;
    let change = body.into_inner()?;
    let scope = read_scope(&caller.0, RecordKind::Referral);
    let vault = state.vault.clone();
    let updated = audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            cpims_db::write_transaction(connection, |connection| {
                let mut referral = referrals::find_visible(connection, &vault, &id, &scope)?;
                let actions = referral_actions(&caller.0, &referral);
                let side = if change.status.referrer_moves_to() {
                    Action::TransitionAsReferrer
                } else {
                    Action::TransitionAsReceiver
                };
                require(&actions, side)?;
                if referral.meta.version != expected_version {
                    return Err(ApiError::PreconditionFailed {
                        current: referral.meta.version,
                    });
                }
                let from = referral.status;
                check_referral_transition(from, change.status)?;
                let before = ReferralResponse::from(referral.clone());
                let now = cpims_db::page::now();
                referral.status = change.status;
                if from == ReferralStatus::Pending && referral.first_response_at.is_none() {
                    referral.first_response_at = Some(now);
                }
                if change.status == ReferralStatus::Completed {
                    referral.completed_at = Some(now);
                }
                referral.meta.version = expected_version + 1;
                referral.meta.updated_at = now;
                referrals::update(connection, &vault, &referral, expected_version)?;
                let note = change
                    .note
                    .map(|note| note.trim().to_owned())
                    .filter(|note| !note.is_empty());
                transitions::insert(
                    connection,
                    &vault,
                    &Transition {
                        id: cpims_db::page::new_id(),
                        record_type: "referral".to_owned(),
                        record_id: referral.meta.id.clone(),
                        from_status: from.as_str().to_owned(),
                        to_status: change.status.as_str().to_owned(),
                        note,
                        closure_reason: None,
                        actor_user_id: caller.0.user_id.clone(),
                        actor_agency_id: caller.0.agency_id.clone(),
                        occurred_at: now,
                    },
                )?;
                let after = ReferralResponse::from(referral.clone());
                record_history(
                    connection,
                    &vault,
                    &caller,
                    "referral",
                    &referral.meta.id,
                    referral.meta.version,
                    Some(&before),
                    &after,
                )?;
                audit::append(
                    connection,
                    &[caller.audit("transition", "referral", &referral.meta.id)],
                )?;
                publish::referral_changed(
                    connection,
                    &vault,
                    &referral,
                    from.grants_access(),
                    ReferralEvent::StatusChanged { from },
                )?;
                // The incident belongs to the referring agency; the move follows from the receiver's act.
                let incident = incidents::find_visible(
                    connection,
                    &vault,
                    &referral.incident_id,
                    &ReadScope::Everything,
                )?;
                if let Some(next) = incident_follow_up(incident.status, change.status) {
                    let note = Some(format!(
                        "referral {} moved to {}",
                        referral.meta.id, change.status
                    ));
                    move_incident(connection, &vault, &caller, incident, next, None, note)?;
                }
                Ok(after)
            })
        })
        .await,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(updated.version)))
        .json(updated))
}
