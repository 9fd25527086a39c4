//! `GET /api/v1/complaints/{id}`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::repo::complaints;
use cpims_domain::access::{read_scope, RecordKind};

use super::dto::ComplaintResponse;
use crate::app::execute::{audit_denial, with_connection};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::params::parse_id;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::state::AppState;

/// One complaint, if the caller's agency received it or it is assigned there; the read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{id}",
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    responses(
        (status = 200, description = "The complaint", body = ComplaintResponse, headers(("ETag" = String))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_complaint(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial(RecordKind::Complaint, &id, "read");
    let scope = read_scope(&caller.0, RecordKind::Complaint);
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let complaint = audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            let record = complaints::find_visible(connection, &vault, &id, &scope)?;
            let response = ComplaintResponse::from(record);
            one_with_deadlines(connection, &time, RecordKind::Complaint, response)
        })
        .await,
    )
    .await?;
    state
        .read_audit
        .record(vec![caller.audit(
            "read",
            RecordKind::Complaint,
            &complaint.id,
        )])
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(complaint.version)))
        .json(complaint))
}
