//! `POST /api/v1/incidents`

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::dto::{IncidentInput, IncidentResponse};
use crate::app;
use crate::auth::gate::CaseWriter;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::routes::deadlines::dto::attach;
use crate::state::AppState;

/// Registers an incident concerning a child of the caller's agency; it starts `open`.
#[utoipa::path(
    post,
    path = "/api/v1/incidents",
    tag = "incidents",
    request_body = IncidentInput,
    responses(
        (status = 201, description = "Created", body = IncidentResponse, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not register incidents", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id already used, or the child was anonymised under the retention policy", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_incident(
    state: web::Data<AppState>,
    gated: CaseWriter,
    body: ValidJson<IncidentInput>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let incident = body
        .into_inner()?
        .into_incident(app::new_meta(&caller, state.clock.now()));
    let time = state.timekeeping();
    let mut response = IncidentResponse::from(incident.clone());
    let deadlines = app::deadlines::of_new(&time, &[&incident]);
    attach(std::slice::from_mut(&mut response), &deadlines, &time);
    app::execute::create(&state, caller, move |work| {
        app::incidents::create(work, &incident)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(response.version)))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/incidents/{}", response.id),
        ))
        .json(response))
}
