//! `GET /api/v1/incidents/{id}`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::repo::incidents;
use cpims_domain::access::{read_scope, RecordKind};

use super::dto::IncidentResponse;
use crate::app::disclosure::disclose_one;
use crate::app::execute::audit_denial;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::params::parse_id;
use crate::extract::purpose::Purpose;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::state::AppState;

/// One incident, if the caller's scope includes it; the read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}",
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id")),
    responses(
        (status = 200, description = "The incident", body = IncidentResponse, headers(("ETag" = String))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_incident(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial(RecordKind::Incident, &id, "read");
    let scope = read_scope(&caller.0, RecordKind::Incident);
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let (incident, shaped) = audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            let record = incidents::find_visible(connection, &vault, &id, &scope)?;
            let response = IncidentResponse::from(record);
            let response = one_with_deadlines(connection, &time, RecordKind::Incident, response)?;
            let shaped = disclose_one(
                connection,
                &scope,
                RecordKind::Incident,
                time.now,
                (&response.id, &response.agency_id),
                &response,
            )?;
            Ok((response, shaped))
        })
        .await,
    )
    .await?;
    let caller = caller.reading(&purpose, [incident.agency_id.as_str()])?;
    // Answered only once the read's audit entry is committed, in a commit shared with concurrent reads.
    state
        .read_audit
        .record(vec![caller.audit(
            "read",
            RecordKind::Incident,
            &incident.id,
        )])
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(incident.version)))
        .json(shaped))
}
