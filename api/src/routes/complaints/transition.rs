//! `POST /api/v1/complaints/{id}/transitions`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_domain::access::RecordKind;

use super::dto::{ComplaintResponse, ComplaintTransitionRequest};
use crate::app;
use crate::app::complaints::ComplaintMove;
use crate::app::execute::{command, Target};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::state::AppState;

/// Moves a complaint along its workflow: received → triaged (with `urgency`) → assigned (with
/// `assigned_agency_id`) → accepted or declined (by the assigned agency; a decline needs a `note`
/// and returns the complaint to triage); any open status → closed (with `closure_reason`, and
/// `duplicate_of` for duplicates). `public_message` changes what the complainant reads. An illegal
/// move answers 409 listing the allowed next statuses.
#[utoipa::path(
    post,
    path = "/api/v1/complaints/{id}/transitions",
    tag = "complaints",
    params(
        ("id" = String, Path, description = "Complaint id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 400 when not a version number, quoted or bare"),
    ),
    request_body = ComplaintTransitionRequest,
    responses(
        (status = 200, description = "Moved", body = ComplaintResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The move belongs to the other agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal transition; `allowed_next` lists the legal ones", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn transition_complaint(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<ComplaintTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let expected_version = required_if_match(&request)?;
    let change = body.into_inner()?;
    let requested = ComplaintMove {
        to: Some(change.status),
        note: change.note,
        urgency: change.urgency,
        assigned_agency_id: change.assigned_agency_id,
        closure_reason: change.closure_reason,
        duplicate_of: change.duplicate_of,
        public_message: change.public_message,
    };
    let target = Target::new(RecordKind::Complaint, &id, "transition");
    let moved = command(&state, caller, target, move |work| {
        let moved = app::complaints::transition(work, &id, expected_version, requested)?;
        let time = work.time().clone();
        let response = ComplaintResponse::from(moved);
        one_with_deadlines(work.connection(), &time, RecordKind::Complaint, response)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(moved.version)))
        .json(moved))
}
