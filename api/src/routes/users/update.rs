//! `PATCH /api/v1/users/{id}`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::page::now;
use cpims_db::repo::{agencies, users};
use cpims_domain::user::check_password;

use super::dto::{UpdateUserRequest, UserResponse};
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::auth::password::hash_password;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::state::AppState;

/// Changes a user account (admin only); needs `If-Match`. Admins cannot deactivate or demote
/// themselves, so the system is never left without a working administrator by accident.
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(
        ("id" = String, Path, description = "User id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 400 when not a version number, quoted or bare"),
    ),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = UserResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would lock the caller out", body = Problem, content_type = "application/problem+json"),
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
pub async fn update_user(
    state: web::Data<AppState>,
    gated: AdminCaller,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let id = parse_id(&path.into_inner())?;
    let expected_version = required_if_match(&request)?;
    let changes = body.into_inner()?;
    if let Some(password) = &changes.password {
        check_password(password)
            .map_err(|problem| ApiError::validation("password", problem.to_string()))?;
    }
    let caller_id = caller.0.user_id.clone();
    // Hash before taking a connection: argon2 is slow and must not hold one of the pool's few.
    let new_hash = match changes.password.clone() {
        Some(password) => Some(
            state
                .login
                .hash_work(move || hash_password(&password))
                .await??,
        ),
        None => None,
    };
    let updated = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let mut user = users::find(connection, &id)?;
            if user.version != expected_version {
                return Err(ApiError::PreconditionFailed {
                    current: user.version,
                });
            }
            let demotes_self = user.id == caller_id
                && (changes.active == Some(false)
                    || changes.role.is_some_and(|role| role != user.role));
            if demotes_self {
                return Err(ApiError::Conflict(
                    "you cannot deactivate your own account or change your own role".to_owned(),
                ));
            }
            if let Some(display_name) = changes.display_name {
                user.display_name = display_name.trim().to_owned();
            }
            if let Some(agency_id) = changes.agency_id {
                let missing = || ApiError::validation("agency_id", "no such agency");
                let agency_id = uuid::Uuid::parse_str(&agency_id)
                    .map_err(|_| missing())?
                    .to_string();
                agencies::find(connection, &agency_id).map_err(|error| match error {
                    cpims_db::DbError::NotFound => missing(),
                    other => other.into(),
                })?;
                user.agency_id = agency_id;
            }
            if let Some(role) = changes.role {
                user.role = role;
            }
            if let Some(active) = changes.active {
                user.active = active;
            }
            user.version = expected_version + 1;
            user.updated_at = now();
            users::update(connection, &user, new_hash.as_deref(), expected_version)?;
            Ok(user)
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(updated.version)))
        .json(UserResponse::from(updated)))
}
