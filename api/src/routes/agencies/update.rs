//! `PATCH /api/v1/agencies/{id}`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::page::now;
use cpims_db::repo::agencies;
use cpims_domain::agency::normalise_services;

use super::dto::{check_agency, AgencyResponse, UpdateAgencyRequest};
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::extract::params::{parse_id, trimmed};
use crate::state::AppState;

/// Changes an agency (admin only); needs `If-Match` with the ETag last read.
#[utoipa::path(
    patch,
    path = "/api/v1/agencies/{id}",
    tag = "agencies",
    params(
        ("id" = String, Path, description = "Agency id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 400 when not a version number, quoted or bare"),
    ),
    request_body = UpdateAgencyRequest,
    responses(
        (status = 200, description = "Updated", body = AgencyResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Name taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_agency(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<UpdateAgencyRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let expected_version = required_if_match(&request)?;
    let changes = body.into_inner()?;
    let updated = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let mut agency = agencies::find(connection, &id)?;
            if agency.version != expected_version {
                return Err(ApiError::PreconditionFailed {
                    current: agency.version,
                });
            }
            if let Some(name) = changes.name {
                let name = name.trim().to_owned();
                if agencies::find_by_name(connection, &name)?
                    .is_some_and(|other| other.id != agency.id)
                {
                    return Err(ApiError::Conflict(
                        "an agency with this name already exists".to_owned(),
                    ));
                }
                agency.name = name;
            }
            if let Some(kind) = changes.kind {
                agency.kind = kind;
            }
            if let Some(province) = changes.province {
                agency.province = province.trim().to_owned();
            }
            if let Some(district) = changes.district {
                agency.district = trimmed(district);
            }
            if let Some(services) = changes.services {
                agency.services = normalise_services(services);
            }
            if let Some(email) = changes.contact_email {
                agency.contact_email = trimmed(email);
            }
            if let Some(phone) = changes.contact_phone {
                agency.contact_phone = trimmed(phone);
            }
            if let Some(address) = changes.address {
                agency.address = trimmed(address);
            }
            if let Some(active) = changes.active {
                agency.active = active;
            }
            let errors = check_agency(&mut agency);
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            agency.version = expected_version + 1;
            agency.updated_at = now();
            agencies::update(connection, &agency, expected_version)?;
            Ok(agency)
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(updated.version)))
        .json(AgencyResponse::from(updated)))
}
