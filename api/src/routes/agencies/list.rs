//! `GET /api/v1/agencies`

use actix_web::{web, HttpResponse};
use cpims_db::repo::agencies::{self, AgencyFilter};

use super::dto::{AgencyList, AgencyListQuery, AgencyResponse};
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::{encode_cursor, page_request};
use crate::state::AppState;

/// The agency directory, newest first, with filters.
#[utoipa::path(
    get,
    path = "/api/v1/agencies",
    tag = "agencies",
    params(AgencyListQuery),
    responses(
        (status = 200, description = "A page of agencies", body = AgencyList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_agencies(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<AgencyListQuery>,
) -> Result<HttpResponse, ApiError> {
    if !caller.0.may_read_agency_directory() {
        return Err(ApiError::Forbidden);
    }
    let query = query.into_inner();
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let filter = AgencyFilter {
        kind: query.kind,
        province: query.province,
        district: query.district,
        service: query.service,
        active: query.active,
    };
    let page = with_connection(&state, move |connection| {
        Ok(agencies::list(connection, &filter, &page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AgencyList {
        data: page.items.into_iter().map(AgencyResponse::from).collect(),
        next_cursor: page.next_after.as_deref().map(encode_cursor),
    }))
}
