//! `GET /healthz`: the process is alive.

use actix_web::web::Json;

use super::HealthResponse;

/// The process is up. It does not touch the database.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "Alive", body = HealthResponse)))]
pub async fn healthz() -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok".to_owned(),
    })
}
