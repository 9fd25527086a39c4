//! `GET /api/v1/audit/verify`

use actix_web::{web, HttpResponse};
use cpims_db::repo::audit::{self, VERIFY_PAGE_SIZE};

use super::dto::ChainReportResponse;
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// Walks the whole audit hash chain and checks it against the stored head (administrators). Any edited,
/// deleted, reordered or inserted entry, or a cut-off tail, is reported; the check is itself audited.
#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    responses(
        (status = 200, description = "The verification report (200 whether or not the chain is intact)", body = ChainReportResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn verify_audit(
    state: web::Data<AppState>,
    caller: AdminCaller,
) -> Result<HttpResponse, ApiError> {
    let caller = caller.0;
    let report = with_connection(&state, move |connection| {
        let report = audit::verify(connection, None, VERIFY_PAGE_SIZE)?;
        let event = audit::AuditEvent {
            detail: serde_json::to_string(&report).ok(),
            ..caller.audit_of("audit_verify", None, None)
        };
        cpims_db::write_transaction(connection, |connection| {
            audit::append(connection, &[event]).map_err(ApiError::from)
        })?;
        Ok(report)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChainReportResponse::from(report)))
}
