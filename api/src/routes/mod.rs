//! Every route, wired in one place. Each resource answers 405 with `Allow` for methods it lacks.

pub mod agencies;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod children;
pub mod complaints;
pub mod deadlines;
pub mod docs;
pub mod health;
pub mod incidents;
pub mod me;
pub mod milestones;
pub mod public;
pub mod referrals;
pub mod schemas;
pub mod stats;
pub mod sync;
pub mod taxonomy;
pub mod users;
pub mod webhooks;

use actix_web::http::header;
use actix_web::{web, HttpResponse, ResponseError};

use crate::error::ApiError;

/// A sync batch of up to a thousand records needs more room than a single record.
const BATCH_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// A public complaint is a form's worth of text; anything larger is not one.
const PUBLIC_BODY_LIMIT: usize = 16 * 1024;

/// The largest body a request to `path` may send: the sync batch's, or `default`. The idempotency
/// guard buffers bodies before routing and must allow what the route allows.
pub fn body_limit(path: &str, default: usize) -> usize {
    if path == "/api/v1/sync/batch" {
        BATCH_BODY_LIMIT
    } else {
        default
    }
}

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
            web::resource("/children")
                .route(web::get().to(children::list::list_children))
                .route(web::post().to(children::create::create_child))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/children/{id}")
                .route(web::get().to(children::get::get_child))
                .route(web::patch().to(children::update::update_child))
                .route(web::delete().to(children::delete::delete_child))
                .default_service(not_allowed("GET, PATCH, DELETE")),
        )
        .service(
            web::resource("/children/{id}/history")
                .route(web::get().to(children::history::child_history))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/children/{id}/access-log")
                .route(web::get().to(children::access_log::child_access_log))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/audit")
                .route(web::get().to(audit::list::list_audit))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/audit/verify")
                .route(web::get().to(audit::verify::verify_audit))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/incidents")
                .route(web::get().to(incidents::list::list_incidents))
                .route(web::post().to(incidents::create::create_incident))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/incidents/{id}")
                .route(web::get().to(incidents::get::get_incident))
                .route(web::patch().to(incidents::update::update_incident))
                .route(web::delete().to(incidents::delete::delete_incident))
                .default_service(not_allowed("GET, PATCH, DELETE")),
        )
        .service(
            web::resource("/incidents/{id}/history")
                .route(web::get().to(incidents::history::incident_history))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/incidents/{id}/transitions")
                .route(web::get().to(incidents::transitions::incident_transitions))
                .route(web::post().to(incidents::transition::transition_incident))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/complaints")
                .route(web::get().to(complaints::list::list_complaints))
                .route(web::post().to(complaints::create::create_complaint))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/complaints/{id}")
                .route(web::get().to(complaints::get::get_complaint))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/complaints/{id}/transitions")
                .route(web::get().to(complaints::transitions::complaint_transitions))
                .route(web::post().to(complaints::transition::transition_complaint))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/complaints/{id}/history")
                .route(web::get().to(complaints::history::complaint_history))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/complaints/{id}/routing")
                .route(web::get().to(complaints::routing::complaint_routing))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/complaints/{id}/case")
                .route(web::post().to(complaints::case::make_case))
                .default_service(not_allowed("POST")),
        )
        .service(
            web::resource("/public/complaints")
                .app_data(actix_web::web::PayloadConfig::new(PUBLIC_BODY_LIMIT))
                .route(web::post().to(public::file::file_public_complaint))
                .default_service(not_allowed("POST")),
        )
        .service(
            web::resource("/public/complaints/status")
                .app_data(actix_web::web::PayloadConfig::new(PUBLIC_BODY_LIMIT))
                .route(web::post().to(public::status::public_complaint_status))
                .default_service(not_allowed("POST")),
        )
        .service(
            web::resource("/deadlines")
                .route(web::get().to(deadlines::list::list_deadlines))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/incidents/{id}/milestones")
                .route(web::get().to(milestones::list::list_milestones))
                .route(web::post().to(milestones::create::record_milestone))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/incidents/{id}/milestones/{milestone_id}/withdrawal")
                .route(web::post().to(milestones::withdraw::withdraw_milestone))
                .default_service(not_allowed("POST")),
        )
        .service(
            web::resource("/referrals")
                .route(web::get().to(referrals::list::list_referrals))
                .route(web::post().to(referrals::create::create_referral))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/referrals/{id}")
                .route(web::get().to(referrals::get::get_referral))
                .route(web::patch().to(referrals::update::update_referral))
                .route(web::delete().to(referrals::delete::delete_referral))
                .default_service(not_allowed("GET, PATCH, DELETE")),
        )
        .service(
            web::resource("/referrals/{id}/history")
                .route(web::get().to(referrals::history::referral_history))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/referrals/{id}/transitions")
                .route(web::get().to(referrals::transitions::referral_transitions))
                .route(web::post().to(referrals::transition::transition_referral))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/stats/incidents")
                .route(web::get().to(stats::incidents::incident_stats))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/stats/referrals")
                .route(web::get().to(stats::referrals::referral_stats))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/stats/complaints")
                .route(web::get().to(stats::complaints::complaint_stats))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/stats/deadlines")
                .route(web::get().to(stats::deadlines::deadline_stats))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/stats/kpis")
                .route(web::get().to(stats::kpis::kpis))
                .default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/sync/batch")
                .app_data(actix_web::web::PayloadConfig::new(BATCH_BODY_LIMIT))
                .route(web::post().to(sync::batch::batch))
                .default_service(not_allowed("POST")),
        )
        .service(
            web::resource("/sync/changes")
                .route(web::get().to(sync::changes::changes))
                .default_service(not_allowed("GET")),
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
        )
        .service(
            web::resource("/webhooks")
                .route(web::get().to(webhooks::list::list_webhooks))
                .route(web::post().to(webhooks::create::create_webhook))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/webhooks/{id}")
                .route(web::delete().to(webhooks::delete::delete_webhook))
                .default_service(not_allowed("DELETE")),
        )
        .service(
            web::resource("/webhooks/{id}/deliveries")
                .route(web::get().to(webhooks::deliveries::webhook_deliveries))
                .default_service(not_allowed("GET")),
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
        )
        .service(
            web::resource("/api-docs/openapi.json")
                .route(web::get().to(docs::spec::openapi_document))
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
