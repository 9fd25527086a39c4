//! `GET /api/v1/incidents/{id}/transitions`

use actix_web::{web, HttpResponse};
use cpims_db::repo::{audit, incidents, transitions};
use cpims_domain::access::{read_scope, RecordKind};

use crate::app::disclosure::disclose_transitions;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::extract::purpose::Purpose;
use crate::routes::changes::TransitionList;
use crate::state::AppState;

/// Every status change of an incident: who, which agency, when, from, to, note.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}/transitions",
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id")),
    responses(
        (status = 200, description = "The transitions, oldest first", body = TransitionList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn incident_transitions(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let scope = read_scope(&caller.0, RecordKind::Incident);
    let vault = state.vault.clone();
    let now = state.clock.now();
    let list = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let incident = incidents::find_visible(connection, &vault, &id, &scope)?;
            let caller = caller.reading(&purpose, [incident.meta.agency_id.as_str()])?;
            let list = transitions::of_record(
                connection,
                &vault,
                RecordKind::Incident,
                &incident.meta.id,
            )?;
            let list = disclose_transitions(
                connection,
                (&scope, RecordKind::Incident, now),
                (&incident.meta.id, &incident.meta.agency_id),
                list,
            )?;
            audit::append(
                connection,
                &[caller.audit("read_transitions", RecordKind::Incident, &incident.meta.id)],
            )?;
            Ok(list)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(TransitionList::from(list)))
}
