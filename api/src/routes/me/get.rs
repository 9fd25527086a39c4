//! `GET /api/v1/me`

use actix_web::{web, HttpResponse};
use cpims_db::repo::{agencies, users};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::routes::agencies::dto::AgencyResponse;
use crate::routes::users::dto::UserResponse;
use crate::state::AppState;

/// The caller and their agency.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserResponse,
    pub agency: AgencyResponse,
}

/// Who the token belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "auth",
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_me(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.0;
    let (user, agency) = with_connection(&state, move |connection| {
        let user = users::find(connection, &principal.user_id)?;
        let agency = agencies::find(connection, &principal.agency_id)?;
        Ok((user, agency))
    })
    .await?;
    Ok(HttpResponse::Ok().json(MeResponse {
        user: user.into(),
        agency: agency.into(),
    }))
}
