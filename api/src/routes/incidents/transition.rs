//! `POST /api/v1/incidents/{id}/transitions`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::repo::transitions::{self, Transition};
use cpims_db::repo::{audit, incidents};
use cpims_domain::access::{read_scope, Action, RecordKind};
use cpims_domain::case::IncidentStatus;
use cpims_domain::workflow::check_incident_transition;

use super::dto::{IncidentResponse, IncidentTransitionRequest};
use super::incident_actions;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::routes::publish;
use crate::routes::records::audit_denial;
use crate::routes::records::{record_history, require};
use crate::routes::support::{parse_id, with_connection};
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
pub async fn transition_incident(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<IncidentTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial("incident", &id, "transition");
    let expected_version = required_if_match(&request)?;
    let change = body.into_inner()?;
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
                check_incident_transition(incident.status, change.status)?;
                let closure_reason = match change.status {
                    IncidentStatus::Closed => {
                        change.closure_reason.map(|reason| reason.trim().to_owned())
                    }
                    _ => None,
                };
                let note = change
                    .note
                    .map(|note| note.trim().to_owned())
                    .filter(|note| !note.is_empty());
                let moved = move_incident(
                    connection,
                    &vault,
                    &caller,
                    incident,
                    change.status,
                    closure_reason,
                    note,
                )?;
                Ok(moved)
            })
        })
        .await,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(updated.version)))
        .json(updated))
}

/// Writes a status change of an incident with its transition row, history and audit entry. Also used
/// when a referral moves its incident along.
pub fn move_incident(
    connection: &mut cpims_db::AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    mut incident: cpims_domain::records::Incident,
    to: IncidentStatus,
    closure_reason: Option<String>,
    note: Option<String>,
) -> Result<IncidentResponse, ApiError> {
    let before = IncidentResponse::from(incident.clone());
    let from = incident.status;
    let expected_version = incident.meta.version;
    let now = cpims_db::page::now();
    incident.status = to;
    incident.closure_reason = closure_reason.clone();
    incident.meta.version = expected_version + 1;
    incident.meta.updated_at = now;
    incidents::update(connection, vault, &incident, expected_version)?;
    transitions::insert(
        connection,
        vault,
        &Transition {
            id: cpims_db::page::new_id(),
            record_type: "incident".to_owned(),
            record_id: incident.meta.id.clone(),
            from_status: from.as_str().to_owned(),
            to_status: to.as_str().to_owned(),
            note,
            closure_reason,
            actor_user_id: caller.0.user_id.clone(),
            actor_agency_id: caller.0.agency_id.clone(),
            occurred_at: now,
        },
    )?;
    let after = IncidentResponse::from(incident.clone());
    record_history(
        connection,
        vault,
        caller,
        "incident",
        &incident.meta.id,
        incident.meta.version,
        Some(&before),
        &after,
    )?;
    audit::append(
        connection,
        &[caller.audit("transition", "incident", &incident.meta.id)],
    )?;
    publish::case_upserted(
        connection,
        "incident",
        &incident.meta.id,
        incident.meta.version,
        &incident.meta.agency_id,
    )?;
    crate::webhooks::events::incident_status_changed(connection, &incident, from)?;
    Ok(after)
}
