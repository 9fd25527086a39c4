//! `POST /api/v1/referrals/{id}/transitions`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_domain::access::RecordKind;

use super::dto::{ReferralResponse, ReferralTransitionRequest};
use crate::app;
use crate::app::disclosure::disclose_one;
use crate::app::execute::{command, Target};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::state::AppState;

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
        (status = 409, description = "Illegal transition (`allowed_next` lists the legal ones), or the referral was anonymised under the retention policy (detail: \"anonymised under the retention policy\")", body = Problem, content_type = "application/problem+json"),
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
    let expected_version = required_if_match(&request)?;
    let change = body.into_inner()?;
    let target = Target::new(RecordKind::Referral, &id, "transition");
    let moved = command(&state, caller, target, move |work| {
        let moved =
            app::referrals::transition(work, &id, expected_version, change.status, change.note)?;
        let time = work.time().clone();
        let scope = work.actor().scope(RecordKind::Referral);
        let response = ReferralResponse::from(moved.referral);
        let response =
            one_with_deadlines(work.connection(), &time, RecordKind::Referral, response)?;
        let shaped = disclose_one(
            work.connection(),
            &scope,
            RecordKind::Referral,
            time.now,
            (&response.id, &response.agency_id),
            &response,
        )?;
        Ok((response.version, shaped))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(moved.0)))
        .json(moved.1))
}
