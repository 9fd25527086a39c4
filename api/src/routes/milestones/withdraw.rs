//! `POST /api/v1/incidents/{id}/milestones/{milestone_id}/withdrawal`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_domain::access::RecordKind;

use super::dto::{MilestoneWithdrawal, MilestoneWritten};
use crate::app;
use crate::app::execute::{command, Target};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::state::AppState;

/// Withdraws a mistaken milestone with a reason; it is kept, marked withdrawn, and meets no deadline
/// any more (a deadline it met opens again). Milestones are never edited or deleted.
#[utoipa::path(
    post,
    path = "/api/v1/incidents/{id}/milestones/{milestone_id}/withdrawal",
    tag = "milestones",
    params(
        ("id" = String, Path, description = "Incident id"),
        ("milestone_id" = String, Path, description = "Milestone id"),
    ),
    request_body = MilestoneWithdrawal,
    responses(
        (status = 200, description = "Withdrawn", body = MilestoneWritten, headers(("ETag" = String, description = "The incident's new version"))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the owning agency nor working a police or court referral of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope, or no such milestone of it", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn, or the incident was anonymised under the retention policy", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn withdraw_milestone(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
    body: ValidJson<MilestoneWithdrawal>,
) -> Result<HttpResponse, ApiError> {
    let (id, milestone_id) = path.into_inner();
    let id = parse_id(&id)?;
    let milestone_id = parse_id(&milestone_id)?;
    let reason = body.into_inner()?.reason;
    let target = Target::new(RecordKind::Incident, &id, "milestone_withdraw");
    let written = command(&state, caller, target, move |work| {
        let recorded = app::milestones::withdraw(work, &id, &milestone_id, reason)?;
        super::written(work, recorded)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(written.incident_version)))
        .json(written))
}
