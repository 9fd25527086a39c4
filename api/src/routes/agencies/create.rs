//! `POST /api/v1/agencies`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::page::{new_id, now};
use cpims_db::repo::agencies;
use cpims_domain::agency::{normalise_services, Agency};

use super::dto::{check_agency, AgencyResponse, CreateAgencyRequest};
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::extract::params::trimmed;
use crate::state::AppState;

/// Registers an agency (admin only).
#[utoipa::path(
    post,
    path = "/api/v1/agencies",
    tag = "agencies",
    request_body = CreateAgencyRequest,
    responses(
        (status = 201, description = "Created", body = AgencyResponse, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An agency with this name exists", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_agency(
    state: web::Data<AppState>,
    gated: AdminCaller,
    body: ValidJson<CreateAgencyRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let request = body.into_inner()?;
    let timestamp = now();
    let mut agency = Agency {
        id: new_id(),
        name: request.name.trim().to_owned(),
        kind: request.kind,
        province: request.province.trim().to_owned(),
        district: trimmed(request.district),
        services: normalise_services(request.services),
        contact_email: trimmed(request.contact_email),
        contact_phone: trimmed(request.contact_phone),
        address: trimmed(request.address),
        active: request.active.unwrap_or(true),
        version: 1,
        created_at: timestamp,
        updated_at: timestamp,
        created_by: Some(caller.0.user_id.clone()),
    };
    let errors = check_agency(&mut agency);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let stored = agency.clone();
    with_connection(&state, move |connection| {
        if agencies::find_by_name(connection, &stored.name)?.is_some() {
            return Err(ApiError::Conflict(
                "an agency with this name already exists".to_owned(),
            ));
        }
        agencies::insert(connection, &stored).map_err(|error| match error {
            cpims_db::DbError::Duplicate(_) => {
                ApiError::Conflict("an agency with this name already exists".to_owned())
            }
            other => other.into(),
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(agency.version)))
        .insert_header((header::LOCATION, format!("/api/v1/agencies/{}", agency.id)))
        .json(AgencyResponse::from(agency)))
}
