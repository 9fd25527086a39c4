//! `GET /api/v1/users/{id}`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::repo::users;

use super::dto::UserResponse;
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::params::parse_id;
use crate::state::AppState;

/// One user account (admin only).
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserResponse, headers(("ETag" = String))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_user(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let user = with_connection(&state, move |connection| Ok(users::find(connection, &id)?)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(user.version)))
        .json(UserResponse::from(user)))
}
