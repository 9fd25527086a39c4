//! `GET /api/v1/incidents/{id}/history`

use actix_web::{web, HttpResponse};
use cpims_db::repo::{audit, history, incidents};
use cpims_domain::access::{read_scope, Action, RecordKind};

use crate::app::disclosure::disclose_history;
use crate::app::execute::with_connection;
use crate::app::require;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::extract::purpose::Purpose;
use crate::routes::changes::HistoryList;
use crate::state::AppState;

/// The field-level change history of an incident: who changed which field, when, from what to what.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}/history",
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id")),
    responses(
        (status = 200, description = "The history, oldest first", body = HistoryList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not view this incident's history", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn incident_history(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let scope = read_scope(&caller.0, RecordKind::Incident);
    let vault = state.vault.clone();
    let now = state.clock.now();
    let entries = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let incident = incidents::find_visible(connection, &vault, &id, &scope)?;
            let caller = caller.reading(&purpose, [incident.meta.agency_id.as_str()])?;
            require(
                &crate::app::incidents::actions(&caller.0, &incident),
                Action::ViewHistory,
            )?;
            let entries =
                history::of_record(connection, &vault, RecordKind::Incident, &incident.meta.id)?;
            let entries = disclose_history(
                connection,
                (&scope, RecordKind::Incident, now),
                (&incident.meta.id, &incident.meta.agency_id),
                entries,
            )?;
            audit::append(
                connection,
                &[caller.audit("read_history", RecordKind::Incident, &incident.meta.id)],
            )?;
            Ok(entries)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(HistoryList::from(entries)))
}
