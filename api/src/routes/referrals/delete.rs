//! `DELETE /api/v1/referrals/{id}`

use actix_web::{web, HttpRequest, HttpResponse};
use cpims_domain::access::RecordKind;

use crate::app;
use crate::app::execute::{command, Target};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::required_if_match;
use crate::extract::params::parse_id;
use crate::state::AppState;

/// Soft-deletes a referral (the referring agency's case workers and admins), e.g. one entered in
/// error. The receiving agency loses sight of it; sync clients see a tombstone.
#[utoipa::path(
    delete,
    path = "/api/v1/referrals/{id}",
    tag = "referrals",
    params(
        ("id" = String, Path, description = "Referral id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 412 when stale, 400 when not a version number, quoted or bare"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not delete this referral", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_referral(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let expected = Some(required_if_match(&request)?);
    let target = Target::new(RecordKind::Referral, &id, "delete");
    command(&state, caller, target, move |work| {
        app::referrals::delete(work, &id, expected)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
