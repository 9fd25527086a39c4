//! `POST /api/v1/users`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::page::{new_id, now};
use cpims_db::repo::{agencies, users};
use cpims_domain::user::{check_password, normalise_username, User};

use super::dto::{CreateUserRequest, UserResponse};
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::auth::password::hash_password;
use crate::error::{ApiError, FieldError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::state::AppState;

/// Creates a user account in an existing agency (admin only).
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserResponse, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_user(
    state: web::Data<AppState>,
    gated: AdminCaller,
    body: ValidJson<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let request = body.into_inner()?;
    let mut errors = Vec::new();
    let username = normalise_username(&request.username)
        .map_err(|problem| errors.push(FieldError::new("username", problem.to_string())))
        .unwrap_or_default();
    if let Err(problem) = check_password(&request.password) {
        errors.push(FieldError::new("password", problem.to_string()));
    }
    let agency_id = uuid::Uuid::parse_str(&request.agency_id)
        .map(|id| id.to_string())
        .map_err(|_| errors.push(FieldError::new("agency_id", "no such agency")))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let timestamp = now();
    let user = User {
        id: new_id(),
        username,
        display_name: request.display_name.trim().to_owned(),
        agency_id,
        role: request.role,
        active: request.active.unwrap_or(true),
        version: 1,
        created_at: timestamp,
        updated_at: timestamp,
        created_by: Some(caller.0.user_id.clone()),
    };
    let stored = user.clone();
    let password = request.password;
    // Hash before taking a connection: argon2 is slow and must not hold one of the pool's few.
    let password_hash = state
        .login
        .hash_work(move || hash_password(&password))
        .await??;
    with_connection(&state, move |connection| {
        agencies::find(connection, &stored.agency_id).map_err(|error| match error {
            cpims_db::DbError::NotFound => ApiError::validation("agency_id", "no such agency"),
            other => other.into(),
        })?;
        users::insert(connection, &stored, &password_hash).map_err(|error| match error {
            cpims_db::DbError::Duplicate(_) => {
                ApiError::Conflict("this username is taken".to_owned())
            }
            other => other.into(),
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(user.version)))
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .json(UserResponse::from(user)))
}
