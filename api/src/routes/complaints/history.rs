//! `GET /api/v1/complaints/{id}/history`

use actix_web::{web, HttpResponse};
use cpims_db::repo::{audit, complaints, history};
use cpims_domain::access::{read_scope, Action, RecordKind};

use crate::app::execute::with_connection;
use crate::app::require;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::routes::changes::HistoryList;
use crate::state::AppState;

/// The field-level change history of a complaint: who changed which field, when, from what to what.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{id}/history",
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    responses(
        (status = 200, description = "The history, oldest first", body = HistoryList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not view this complaint's history", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn complaint_history(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let scope = read_scope(&caller.0, RecordKind::Complaint);
    let vault = state.vault.clone();
    let entries = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let complaint = complaints::find_visible(connection, &vault, &id, &scope)?;
            require(
                &crate::app::complaints::actions(&caller.0, &complaint),
                Action::ViewHistory,
            )?;
            let entries = history::of_record(
                connection,
                &vault,
                RecordKind::Complaint,
                &complaint.meta.id,
            )?;
            audit::append(
                connection,
                &[caller.audit("read_history", RecordKind::Complaint, &complaint.meta.id)],
            )?;
            Ok(entries)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(HistoryList::from(entries)))
}
