//! `PATCH /api/v1/incidents/{id}`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_domain::access::RecordKind;

use super::dto::{IncidentInput, IncidentPatch, IncidentResponse};
use crate::app;
use crate::app::execute::{command, Target};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::extract::patch::merge_patch;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::state::AppState;

/// Changes an incident (owning agency); needs `If-Match`. The merged record is validated as a create
/// would be, and the child must still have been under 18 on `occurred_on`. Status changes go through
/// the transitions endpoint.
#[utoipa::path(
    patch,
    path = "/api/v1/incidents/{id}",
    tag = "incidents",
    params(
        ("id" = String, Path, description = "Incident id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 400 when not a version number, quoted or bare"),
    ),
    request_body = IncidentPatch,
    responses(
        (status = 200, description = "Updated", body = IncidentResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Read-only access to this incident", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id already used, or the incident was anonymised under the retention policy (detail: \"anonymised under the retention policy\"; it is never changed again)", body = Problem, content_type = "application/problem+json"),
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
pub async fn update_incident(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<IncidentPatch>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let expected_version = required_if_match(&request)?;
    let patch = body.into_inner()?;
    let target = Target::new(RecordKind::Incident, &id, "update");
    let updated = command(&state, caller, target, move |work| {
        app::incidents::update(work, &id, expected_version, |current| {
            let merged = merge_patch(&IncidentInput::from_incident(current), &patch)?;
            let mut next = current.clone();
            merged.apply_to(&mut next);
            Ok(next)
        })
        .map(IncidentResponse::from)
        .and_then(|response| {
            let time = work.time().clone();
            one_with_deadlines(work.connection(), &time, RecordKind::Incident, response)
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(updated.version)))
        .json(updated))
}
