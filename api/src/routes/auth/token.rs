//! `POST /api/v1/auth/token`

use actix_web::{web, HttpResponse};
use cpims_db::repo::users;
use cpims_domain::user::normalise_username;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::password::{decoy_hash, verify_password};
use crate::error::{ApiError, Problem};
use crate::extract::json::{FieldRules, ValidJson};
use crate::routes::support::with_connection;
use crate::state::AppState;

/// Credentials.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[validate(length(min = 1, max = 64))]
    pub username: String,
    #[validate(length(min = 1, max = 256))]
    #[schema(format = Password)]
    pub password: String,
}

/// An access token for the `Authorization: Bearer` header.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Exchanges a username and password for a short-lived access token. A wrong username and a wrong
/// password get the same answer, after the same work.
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Token issued", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong credentials or inactive account", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn issue_token(
    state: web::Data<AppState>,
    body: ValidJson<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let TokenRequest { username, password } = body.into_inner()?;
    let user = with_connection(&state, move |connection| {
        let found = match normalise_username(&username) {
            Ok(username) => users::find_credentials(connection, &username)?,
            Err(_) => None,
        };
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, decoy_hash().to_owned()),
        };
        let verified = verify_password(&password, &hash);
        Ok(user.filter(|user| verified && user.active))
    })
    .await?
    .ok_or(ApiError::Unauthorized)?;
    let access_token = state
        .tokens
        .issue(&user.id, user.role.as_str(), &user.agency_id)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.lifetime_secs,
    }))
}

impl FieldRules for TokenRequest {}
