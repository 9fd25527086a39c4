//! `POST /api/v1/incidents/{id}/transitions`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_domain::access::RecordKind;

use super::dto::{IncidentResponse, IncidentTransitionRequest};
use crate::app;
use crate::app::execute::{command, Target};
use crate::app::incidents::IncidentMove;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::state::AppState;

/// Moves an incident along its workflow (owning agency): open → under_assessment → referred →
/// in_service → closed; any status may close (with a `closure_reason`); closed reopens to
/// under_assessment. An illegal move answers 409 listing the allowed next statuses.
#[utoipa::path(
    post,
    path = "/api/v1/incidents/{id}/transitions",
    tag = "incidents",
    params(
        ("id" = String, Path, description = "Incident id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 400 when not a version number, quoted or bare"),
    ),
    request_body = IncidentTransitionRequest,
    responses(
        (status = 200, description = "Moved", body = IncidentResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Read-only access to this incident", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal transition (`allowed_next` lists the legal ones), or the incident was anonymised under the retention policy (detail: \"anonymised under the retention policy\")", body = Problem, content_type = "application/problem+json"),
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
pub async fn transition_incident(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<IncidentTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let expected_version = required_if_match(&request)?;
    let change = body.into_inner()?;
    let requested = IncidentMove {
        to: change.status,
        note: change.note,
        closure_reason: change.closure_reason,
    };
    let target = Target::new(RecordKind::Incident, &id, "transition");
    let moved = command(&state, caller, target, move |work| {
        let moved = app::incidents::transition(work, &id, expected_version, requested)?;
        let time = work.time().clone();
        let response = IncidentResponse::from(moved);
        one_with_deadlines(work.connection(), &time, RecordKind::Incident, response)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(moved.version)))
        .json(moved))
}
