//! `GET /api/v1/incidents`

use actix_web::{web, HttpResponse};
use cpims_db::repo::incidents::{self, IncidentFilter};
use cpims_domain::access::{read_scope, RecordKind};

use super::dto::{IncidentList, IncidentListQuery, IncidentResponse};
use crate::app::disclosure::disclose_page;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::{encode_cursor, page_request};
use crate::extract::purpose::Purpose;
use crate::routes::deadlines::dto::with_deadlines;
use crate::state::AppState;

/// Incidents in the caller's scope, newest first; each returned incident's read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/incidents",
    tag = "incidents",
    params(IncidentListQuery),
    responses(
        (status = 200, description = "A page of incidents", body = IncidentList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_incidents(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    query: web::Query<IncidentListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let filter = IncidentFilter {
        status: query.status,
        category: query.category,
        province: query.province,
        district: query.district,
        child_id: query.child_id,
        reported_from: query.reported_from,
        reported_to: query.reported_to,
        risk_level: query.risk_level,
        external_id: query.external_id,
    };
    let looked_up: &[&str] = if filter.external_id.is_some() {
        &["external_id"]
    } else {
        &[]
    };
    let scope = read_scope(&caller.0, RecordKind::Incident);
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let page = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let page = incidents::list(connection, &vault, &scope, &filter, &page)?;
            let owners = page.items.iter().map(|i| [i.meta.agency_id.as_str()]);
            let caller = caller.reading_all(&purpose, owners)?;
            let responses = page.items.into_iter().map(IncidentResponse::from).collect();
            let data = with_deadlines(connection, &time, RecordKind::Incident, responses)?;
            let (data, seen) = disclose_page(
                connection,
                (&scope, RecordKind::Incident, time.now),
                &data,
                |incident| (&incident.id, &incident.agency_id),
                looked_up,
            )?;
            caller.audit_reads(
                connection,
                RecordKind::Incident,
                seen.iter().map(String::as_str),
            )?;
            Ok((data, page.next_after))
        })
    })
    .await?;
    // Shaped per record (need to know), so the page is built as JSON; its schema is `IncidentList`.
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "data": page.0,
        "next_cursor": page.1.as_deref().map(encode_cursor),
    })))
}
