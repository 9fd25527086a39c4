//! `POST /api/v1/public/complaints/status`

use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use cpims_domain::complaint::normalise_tracking_code;

use super::dto::{PublicStatusRequest, PublicStatusResponse};
use cpims_db::repo::audit::{self, AuditEvent};
use cpims_domain::access::RecordKind;

use super::file::PUBLIC_USER;
use crate::app;
use crate::app::execute::with_connection;
use crate::error::{ApiError, Problem};
use crate::extract::json::ValidJson;
use crate::extract::params::utc;
use crate::rate_limit;
use crate::request_id::RequestId;
use crate::state::AppState;

/// A public complaint's progress, for whoever holds its reference and tracking code: `received`,
/// `in_progress` or `closed`, and a message from the agency. A wrong code and an unknown reference
/// get the same 404. Limited per client address (429 with `Retry-After`). A POST, so the code never
/// sits in a URL or a proxy's log.
#[utoipa::path(
    post,
    path = "/api/v1/public/complaints/status",
    tag = "public",
    request_body = PublicStatusRequest,
    responses(
        (status = 200, description = "The complaint's progress", body = PublicStatusResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No complaint with this reference and code (or public intake is off)", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many checks from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
pub async fn public_complaint_status(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<PublicStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    super::require_enabled(&state)?;
    rate_limit::enforce(
        &state,
        &request,
        "public_status",
        state.config.public_limits.status,
    )
    .await?;
    let asked = body.into_inner()?;
    let hash = state.vault.blind_index(
        "complaint_tracking_code",
        &normalise_tracking_code(&asked.tracking_code),
    );
    let reference = asked.reference.trim().to_owned();
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone());
    let vault = state.vault.clone();
    let progress = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let progress = app::complaints::public_progress(connection, &vault, &reference, &hash)?;
            let event = AuditEvent {
                actor_user_id: Some(PUBLIC_USER.to_owned()),
                actor_agency_id: None,
                action: "public_status_check".to_owned(),
                record_type: Some(RecordKind::Complaint.as_str().to_owned()),
                record_id: Some(progress.complaint_id.clone()),
                request_id,
                detail: None,
            };
            audit::append(connection, &[event])?;
            Ok(progress)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(PublicStatusResponse {
        reference: progress.reference,
        status: progress.status,
        updated_at: utc(progress.updated_at),
        public_message: progress.message,
    }))
}
