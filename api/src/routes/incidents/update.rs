//! `PATCH /api/v1/incidents/{id}`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::repo::incidents;
use cpims_domain::access::{read_scope, Action, RecordKind};

use super::dto::{IncidentInput, IncidentPatch, IncidentResponse};
use super::incident_actions;
use super::store;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::routes::records::audit_denial;
use crate::routes::records::{merge_patch, require};
use crate::routes::support::{parse_id, with_connection};
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
        (status = 409, description = "external_id already used", body = Problem, content_type = "application/problem+json"),
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
    let denial = caller.denial("incident", &id, "update");
    let expected_version = required_if_match(&request)?;
    let patch = body.into_inner()?;
    let scope = read_scope(&caller.0, RecordKind::Incident);
    let vault = state.vault.clone();
    let updated = audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            cpims_db::write_transaction(connection, |connection| {
                let incident = incidents::find_visible(connection, &vault, &id, &scope)?;
                require(&incident_actions(&caller.0, &incident), Action::Update)?;
                if incident.meta.version != expected_version {
                    return Err(ApiError::PreconditionFailed {
                        current: incident.meta.version,
                    });
                }
                let merged = merge_patch(&IncidentInput::from_incident(&incident), &patch)?;
                Ok(IncidentResponse::from(store::update(
                    connection, &vault, &caller, incident, merged,
                )?))
            })
        })
        .await,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(updated.version)))
        .json(updated))
}
