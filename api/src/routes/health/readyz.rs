//! `GET /readyz`: the database answers.

use actix_web::{web, HttpResponse};

use super::HealthResponse;
use crate::app::execute::with_connection;
use crate::state::AppState;

/// Ready to serve: a connection was checked out and answered `SELECT 1`.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "Database reachable", body = HealthResponse),
        (status = 503, description = "Database unreachable", body = HealthResponse),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let outcome = with_connection(&state, |connection| Ok(cpims_db::pool::ping(connection)?)).await;
    match outcome {
        Ok(()) => HttpResponse::Ok().json(HealthResponse {
            status: "ok".to_owned(),
        }),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(HealthResponse {
                status: "unavailable".to_owned(),
            })
        }
    }
}
