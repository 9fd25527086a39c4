//! Every route, wired in one place. Each resource answers 405 with `Allow` for methods it lacks.

pub mod agencies;
pub mod auth;
pub mod health;
pub mod me;
pub mod support;
pub mod taxonomy;
pub mod users;

use actix_web::http::header;
use actix_web::{web, HttpResponse, ResponseError};

use crate::error::ApiError;

/// Routes under `/api/v1`.
pub fn api_v1(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/auth/token")
                .route(web::post().to(auth::token::issue_token))
                .default_service(not_allowed("POST")),
        )
        .service(
            web::resource("/me")
                .route(web::get().to(me::get::get_me))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/taxonomy")
                .route(web::get().to(taxonomy::get::get_taxonomy))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/agencies")
                .route(web::get().to(agencies::list::list_agencies))
                .route(web::post().to(agencies::create::create_agency))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/agencies/{id}")
                .route(web::get().to(agencies::get::get_agency))
                .route(web::patch().to(agencies::update::update_agency))
                .default_service(not_allowed("GET, PATCH")),
        )
        .service(
            web::resource("/users")
                .route(web::get().to(users::list::list_users))
                .route(web::post().to(users::create::create_user))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/users/{id}")
                .route(web::get().to(users::get::get_user))
                .route(web::patch().to(users::update::update_user))
                .default_service(not_allowed("GET, PATCH")),
        );
}

/// Probes outside the versioned API.
pub fn probes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/healthz")
                .route(web::get().to(health::healthz::healthz))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/readyz")
                .route(web::get().to(health::readyz::readyz))
                .default_service(not_allowed("GET")),
        );
}

fn not_allowed(allow: &'static str) -> actix_web::Route {
    web::to(move || async move {
        let mut response = ApiError::MethodNotAllowed.error_response();
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static(allow));
        response
    })
}

/// Anything no route matches.
pub async fn not_found() -> HttpResponse {
    ApiError::NotFound.error_response()
}
