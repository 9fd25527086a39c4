//! `POST /api/v1/referrals`

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::dto::{ReferralInput, ReferralResponse};
use crate::app;
use crate::auth::gate::CaseWriter;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::state::AppState;
use cpims_domain::access::RecordKind;

/// Refers an incident of the caller's agency to another agency for a service; it starts `pending`.
/// The target must exist, be active, not be the caller's agency, and offer the service.
#[utoipa::path(
    post,
    path = "/api/v1/referrals",
    tag = "referrals",
    request_body = ReferralInput,
    responses(
        (status = 201, description = "Created", body = ReferralResponse, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not refer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id already used, or the incident was anonymised under the retention policy", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_referral(
    state: web::Data<AppState>,
    gated: CaseWriter,
    body: ValidJson<ReferralInput>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let referral = body
        .into_inner()?
        .into_referral(app::new_meta(&caller, state.clock.now()));
    let response = app::execute::write(&state, caller, move |work| {
        let stored = app::referrals::create(work, referral)?;
        let time = work.time().clone();
        let response = ReferralResponse::from(stored);
        one_with_deadlines(work.connection(), &time, RecordKind::Referral, response)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(response.version)))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/referrals/{}", response.id),
        ))
        .json(response))
}
