//! `PATCH /api/v1/children/{id}`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_domain::access::RecordKind;

use super::dto::{ChildInput, ChildPatch, ChildResponse};
use crate::app;
use crate::app::execute::{command, Target};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::extract::patch::merge_patch;
use crate::state::AppState;

/// Changes a child (owning agency); needs `If-Match`. The merged record is validated as a create would
/// be, and the child must still be under 18 at each of its incidents.
#[utoipa::path(
    patch,
    path = "/api/v1/children/{id}",
    tag = "children",
    params(
        ("id" = String, Path, description = "Child id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 400 when not a version number, quoted or bare"),
    ),
    request_body = ChildPatch,
    responses(
        (status = 200, description = "Updated", body = ChildResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Read-only access to this child", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such child in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id already used, or the child was anonymised under the retention policy (detail: \"anonymised under the retention policy\"; it is never changed again)", body = Problem, content_type = "application/problem+json"),
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
pub async fn update_child(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<ChildPatch>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let expected_version = required_if_match(&request)?;
    let patch = body.into_inner()?;
    let target = Target::new(RecordKind::Child, &id, "update");
    let updated = command(&state, caller, target, move |work| {
        app::children::update(work, &id, expected_version, |current| {
            let merged = merge_patch(&ChildInput::from_child(current), &patch)?;
            let mut next = current.clone();
            merged.apply_to(&mut next);
            Ok(next)
        })
        .map(ChildResponse::from)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(updated.version)))
        .json(updated))
}
