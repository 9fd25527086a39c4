//! `Authenticated`: the verified caller, re-checked against the user row on every request so that a
//! deactivated user, or one whose role or agency changed, is refused at once.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use cpims_db::repo::users;
use cpims_domain::access::purpose::StatedPurpose;
use cpims_domain::principal::Principal;

use crate::error::ApiError;
use crate::request_id::RequestId;
use crate::state::AppState;

/// The authenticated caller, with the id of the request being served and the purpose of access it
/// stated (both for audit entries). The purpose is attached by [`Authenticated::reading`] once the
/// records read are known (`app/purpose.rs`); the extractor leaves it empty.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal, pub Option<String>, pub Option<StatedPurpose>);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(request);
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone());
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let claims = state.tokens.verify(&token.ok_or(ApiError::Unauthorized)?)?;
            let pool = state.pool.clone();
            let user_id = claims.sub.clone();
            let user = web::block(move || {
                let mut connection = cpims_db::checkout(&pool)?;
                users::find(&mut connection, &user_id)
            })
            .await?;
            let user = match user {
                Ok(user) => user,
                Err(cpims_db::DbError::NotFound) => return Err(ApiError::Unauthorized),
                Err(other) => return Err(other.into()),
            };
            let still_valid =
                user.active && user.role.as_str() == claims.role && user.agency_id == claims.agency;
            if !still_valid {
                return Err(ApiError::Unauthorized);
            }
            let principal = Principal {
                user_id: user.id,
                agency_id: user.agency_id,
                role: user.role,
                grants_completed_after: state.grants_completed_after(),
            };
            Ok(Authenticated(principal, request_id, None))
        })
    }
}

fn bearer_token(request: &HttpRequest) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return None;
    }
    Some(token.trim().to_owned())
}
