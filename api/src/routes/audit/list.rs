//! `GET /api/v1/audit`

use actix_web::{web, HttpResponse};
use cpims_db::repo::audit::{self, AuditFilter};

use super::dto::{audit_page, time_bound, AuditList, AuditListQuery};
use super::AuditReader;
use crate::app::execute::with_connection;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// Searches the audit log (admin, monitor), newest first; the search itself is audited as `audit_read`.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditListQuery),
    responses(
        (status = 200, description = "A page of audit entries", body = AuditList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators and monitors read the audit log", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: AuditReader,
    query: web::Query<AuditListQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = caller.0;
    let query = query.into_inner();
    let (limit, before) = audit_page(query.limit, query.cursor.as_deref())?;
    let filter = AuditFilter {
        actor_user_id: query.actor_user_id,
        actor_agency_id: query.agency_id,
        record_type: query.record_type,
        record_id: query.record_id,
        action: query.action,
        from: time_bound("from", query.from.as_deref(), false)?,
        to: time_bound("to", query.to.as_deref(), true)?,
    };
    let detail = serde_json::json!({
        "actor_user_id": filter.actor_user_id,
        "agency_id": filter.actor_agency_id,
        "record_type": filter.record_type,
        "record_id": filter.record_id,
        "action": filter.action,
        "from": filter.from,
        "to": filter.to,
    })
    .to_string();
    let page = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let page = audit::search(connection, &filter, before, limit)?;
            let event = audit::AuditEvent {
                actor_user_id: Some(caller.0.user_id.clone()),
                actor_agency_id: Some(caller.0.agency_id.clone()),
                action: "audit_read".to_owned(),
                record_type: None,
                record_id: None,
                request_id: caller.1.clone(),
                detail: Some(detail),
            };
            audit::append(connection, &[event])?;
            Ok(page)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(AuditList::from(page)))
}
