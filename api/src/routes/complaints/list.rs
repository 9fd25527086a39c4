//! `GET /api/v1/complaints`

use actix_web::{web, HttpResponse};
use cpims_db::repo::complaints::{self, ComplaintFilter};
use cpims_domain::access::{read_scope, RecordKind};
use cpims_domain::complaint::ComplaintStatus;

use super::dto::{ComplaintList, ComplaintListQuery, ComplaintResponse};
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::list_query::ListQuery;
use crate::extract::params::{encode_cursor, page_request};
use crate::routes::deadlines::dto::with_deadlines;
use crate::state::AppState;

/// Complaints the caller's agency received or was assigned, newest first; each read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/complaints",
    tag = "complaints",
    params(ComplaintListQuery),
    responses(
        (status = 200, description = "A page of complaints", body = ComplaintList),
        (status = 400, description = "Malformed query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter values", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_complaints(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: ListQuery<ComplaintListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let mut statuses = Vec::new();
    for code in query.status.iter().flat_map(|list| list.split(',')) {
        let status = ComplaintStatus::parse(code.trim()).ok_or_else(|| {
            ApiError::validation(
                "status",
                "one of: received, triaged, assigned, declined, accepted, converted, closed \
                 (comma-separated)",
            )
        })?;
        statuses.push(status);
    }
    let filter = ComplaintFilter {
        statuses,
        channel: query.channel,
        province: query.province,
        district: query.district,
        category: query.category,
        assigned_agency_id: query.assigned_agency_id,
        urgency: query.urgency,
        immediate_danger: query.immediate_danger,
    };
    let scope = read_scope(&caller.0, RecordKind::Complaint);
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let (data, next) = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let page = complaints::list(connection, &vault, &scope, &filter, &page)?;
            caller.audit_reads(
                connection,
                RecordKind::Complaint,
                page.items.iter().map(|c| c.meta.id.as_str()),
            )?;
            let responses = page
                .items
                .into_iter()
                .map(ComplaintResponse::from)
                .collect();
            let data = with_deadlines(connection, &time, RecordKind::Complaint, responses)?;
            Ok((data, page.next_after))
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(ComplaintList {
        data,
        next_cursor: next.as_deref().map(encode_cursor),
    }))
}
