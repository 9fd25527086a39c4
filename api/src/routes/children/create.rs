//! `POST /api/v1/children`

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::dto::{ChildInput, ChildResponse};
use crate::app;
use crate::auth::gate::CaseWriter;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::state::AppState;

/// Registers a child in the caller's agency (admin, case_worker, sync_client).
#[utoipa::path(
    post,
    path = "/api/v1/children",
    tag = "children",
    request_body = ChildInput,
    responses(
        (status = 201, description = "Created", body = ChildResponse, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not register children", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id already used", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_child(
    state: web::Data<AppState>,
    gated: CaseWriter,
    body: ValidJson<ChildInput>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let child = body
        .into_inner()?
        .into_child(app::new_meta(&caller, state.clock.now()));
    let response = ChildResponse::from(child.clone());
    app::execute::create(&state, caller, move |work| {
        app::children::create(work, &child)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(response.version)))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/children/{}", response.id),
        ))
        .json(response))
}
