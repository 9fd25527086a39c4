//! `DELETE /api/v1/incidents/{id}`

use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::repo::{audit, incidents, referrals};
use cpims_domain::access::{read_scope, Action, RecordKind};

use super::incident_actions;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::routes::publish;
use crate::routes::records::audit_denial;
use crate::routes::records::{optional_if_match, require};
use crate::routes::support::{parse_id, with_connection};
use crate::state::AppState;

/// Soft-deletes an incident (owning agency's case workers and admins). Sync clients see a tombstone.
/// An incident with live referrals cannot be deleted: delete the referrals first.
#[utoipa::path(
    delete,
    path = "/api/v1/incidents/{id}",
    tag = "incidents",
    params(
        ("id" = String, Path, description = "Incident id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "Optional: the ETag last read; 400 when not a version number, quoted or bare"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not delete this incident", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The incident still has referrals", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_incident(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial("incident", &id, "delete");
    let expected = optional_if_match(&request)?;
    let scope = read_scope(&caller.0, RecordKind::Incident);
    let vault = state.vault.clone();
    audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            cpims_db::write_transaction(connection, |connection| {
                let incident = incidents::find_visible(connection, &vault, &id, &scope)?;
                require(&incident_actions(&caller.0, &incident), Action::Delete)?;
                if expected.is_some_and(|version| version != incident.meta.version) {
                    return Err(ApiError::PreconditionFailed {
                        current: incident.meta.version,
                    });
                }
                if referrals::count_live_for_incident(connection, &incident.meta.id)? > 0 {
                    return Err(ApiError::Conflict(
                        "the incident still has referrals; delete them first".to_owned(),
                    ));
                }
                incidents::soft_delete(
                    connection,
                    &incident.meta.id,
                    incident.meta.version,
                    cpims_db::page::now(),
                )?;
                audit::append(
                    connection,
                    &[caller.audit("delete", "incident", &incident.meta.id)],
                )?;
                publish::case_deleted(
                    connection,
                    "incident",
                    &incident.meta.id,
                    incident.meta.version + 1,
                    &incident.meta.agency_id,
                )?;
                Ok(())
            })
        })
        .await,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
