//! `POST /api/v1/auth/token`

use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::repo::users;
use cpims_domain::user::{normalise_username, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::password::{decoy_hash, verify_password};
use crate::auth::throttle;
use crate::client_address::client_address;
use crate::error::{ApiError, Problem};
use crate::extract::json::{FieldRules, ValidJson};
use crate::request_id::RequestId;
use crate::state::AppState;

/// Credentials.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
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
        (status = 429, description = "Too many failed logins: try again after Retry-After seconds", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn issue_token(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone());
    let TokenRequest { username, password } = body.into_inner()?;
    let username = normalise_username(&username).ok();
    // Behind a trusted reverse proxy, the address it forwarded for: each client is throttled alone.
    let address = client_address(&request, &state.config.trusted_proxies).map(|ip| ip.to_string());
    let subjects = throttle::subjects(username.as_deref().unwrap_or("-"), address.as_deref());

    let (pool, locked_subjects, name) = (state.pool.clone(), subjects.clone(), username.clone());
    let found = web::block(move || -> Result<_, ApiError> {
        throttle::refuse_if_locked(&pool, &locked_subjects)?;
        let mut connection = cpims_db::checkout(&pool)?;
        Ok(match &name {
            Some(name) => users::find_credentials(&mut connection, name)?,
            None => None,
        })
    })
    .await??;
    let (user, stored_hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    // The same argon2 work whether or not the user exists, outside any database connection.
    let verified = state
        .login
        .hash_work(move || {
            verify_password(
                &password,
                stored_hash.as_deref().unwrap_or_else(|| decoy_hash()),
            )
        })
        .await?;
    let succeeded = user.as_ref().is_some_and(|user| verified && user.active);
    let event = login_event(user.as_ref(), verified, username, request_id);
    let (pool, policy) = (state.pool.clone(), state.login.policy);
    web::block(move || -> Result<(), ApiError> {
        let mut connection = cpims_db::checkout(&pool)?;
        cpims_db::write_transaction(&mut connection, |connection| {
            audit::append(connection, &[event]).map_err(ApiError::from)
        })?;
        drop(connection);
        if succeeded {
            throttle::record_success(&pool, &subjects[0])
        } else {
            throttle::record_failure(&pool, &policy, &subjects)
        }
    })
    .await??;
    let user = user.filter(|_| succeeded).ok_or(ApiError::Unauthorized)?;
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

/// The audit entry of a login attempt: `login` by the user, or `login_failed` with the normalised
/// username (never the raw input or the password) and why it failed.
fn login_event(
    user: Option<&User>,
    verified: bool,
    username: Option<String>,
    request_id: Option<String>,
) -> AuditEvent {
    let succeeded = user.is_some_and(|user| verified && user.active);
    let reason = match user {
        None => "unknown_user",
        Some(_) if !verified => "wrong_password",
        Some(_) => "inactive",
    };
    AuditEvent {
        actor_user_id: user.filter(|_| succeeded).map(|user| user.id.clone()),
        actor_agency_id: user
            .filter(|_| succeeded)
            .map(|user| user.agency_id.clone()),
        action: if succeeded { "login" } else { "login_failed" }.to_owned(),
        record_type: user.map(|_| "user".to_owned()),
        record_id: user.map(|user| user.id.clone()),
        request_id,
        detail: if succeeded {
            None
        } else {
            Some(serde_json::json!({"username": username, "reason": reason}).to_string())
        },
    }
}
