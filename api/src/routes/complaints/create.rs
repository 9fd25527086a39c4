//! `POST /api/v1/complaints`

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::dto::{ComplaintInput, ComplaintResponse};
use crate::app;
use crate::auth::gate::ComplaintTaker;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::routes::deadlines::dto::attach;
use crate::state::AppState;

/// Registers a complaint received by the caller's agency (intake officers, case workers,
/// administrators). It starts `received`, with a readable `reference` and a triage deadline.
#[utoipa::path(
    post,
    path = "/api/v1/complaints",
    tag = "complaints",
    request_body = ComplaintInput,
    responses(
        (status = 201, description = "Registered", body = ComplaintResponse, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not register complaints", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_complaint(
    state: web::Data<AppState>,
    gated: ComplaintTaker,
    body: ValidJson<ComplaintInput>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let input = body.into_inner()?;
    let meta = app::new_meta(&caller, state.clock.now());
    let time = state.timekeeping();
    let response = app::execute::write(&state, caller, move |work| {
        let year = chrono::Datelike::year(&work.now().date());
        let reference = app::complaints::fresh_reference(work.connection(), year)?;
        let complaint = input.into_complaint(meta, reference, false);
        app::complaints::register(work, &complaint, None)?;
        let mut response = ComplaintResponse::from(complaint.clone());
        attach(
            std::slice::from_mut(&mut response),
            &app::deadlines::of_new(&time, &[&complaint]),
            &time,
        );
        Ok(response)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(response.version)))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/complaints/{}", response.id),
        ))
        .json(response))
}
