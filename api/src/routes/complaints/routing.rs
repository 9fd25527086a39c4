//! `GET /api/v1/complaints/{id}/routing`

use actix_web::{web, HttpResponse};
use cpims_db::repo::{audit, complaints};
use cpims_domain::access::{read_scope, RecordKind};

use super::case_dto::{RoutingList, RoutingSuggestion};
use crate::app;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::state::AppState;

/// The competent agencies for a complaint, best first, each with its reasons: jurisdiction (the
/// agency's province and district against the child's), the services the category needs, and that
/// it is active. A missing or abducted child also brings in the district's police. Triage may pick
/// another agency.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{id}/routing",
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    responses(
        (status = 200, description = "Suggested agencies, best first", body = RoutingList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn complaint_routing(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let scope = read_scope(&caller.0, RecordKind::Complaint);
    let vault = state.vault.clone();
    let suggestions = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let complaint = complaints::find_visible(connection, &vault, &id, &scope)?;
            let suggestions = app::complaints::routing(connection, &complaint)?;
            audit::append(
                connection,
                &[caller.audit("read_routing", RecordKind::Complaint, &complaint.meta.id)],
            )?;
            Ok(suggestions)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(RoutingList {
        data: suggestions
            .into_iter()
            .map(|s| RoutingSuggestion {
                agency_id: s.agency_id,
                name: s.name,
                score: s.score,
                reasons: s.reasons,
            })
            .collect(),
    }))
}
