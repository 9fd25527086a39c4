//! `GET /api/v1/complaints/{id}/transitions`

use actix_web::{web, HttpResponse};
use cpims_db::repo::{audit, complaints, transitions};
use cpims_domain::access::{read_scope, RecordKind};

use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::routes::changes::TransitionList;
use crate::state::AppState;

/// Every status change of a complaint: who, which agency, when, from, to, note.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{id}/transitions",
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    responses(
        (status = 200, description = "The transitions, oldest first", body = TransitionList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn complaint_transitions(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let scope = read_scope(&caller.0, RecordKind::Complaint);
    let vault = state.vault.clone();
    let list = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let complaint = complaints::find_visible(connection, &vault, &id, &scope)?;
            let list = transitions::of_record(
                connection,
                &vault,
                RecordKind::Complaint,
                &complaint.meta.id,
            )?;
            audit::append(
                connection,
                &[caller.audit(
                    "read_transitions",
                    RecordKind::Complaint,
                    &complaint.meta.id,
                )],
            )?;
            Ok(list)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(TransitionList::from(list)))
}
