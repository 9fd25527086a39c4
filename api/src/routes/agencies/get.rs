//! `GET /api/v1/agencies/{id}`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::repo::agencies;

use super::dto::AgencyResponse;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::params::parse_id;
use crate::state::AppState;

/// One agency of the directory.
#[utoipa::path(
    get,
    path = "/api/v1/agencies/{id}",
    tag = "agencies",
    params(("id" = String, Path, description = "Agency id")),
    responses(
        (status = 200, description = "The agency", body = AgencyResponse, headers(("ETag" = String))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_agency(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if !caller.0.may_read_agency_directory() {
        return Err(ApiError::NotFound);
    }
    let id = parse_id(&path.into_inner())?;
    let agency = with_connection(&state, move |connection| {
        Ok(agencies::find(connection, &id)?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(agency.version)))
        .json(AgencyResponse::from(agency)))
}
