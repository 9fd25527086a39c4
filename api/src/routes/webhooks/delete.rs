//! `DELETE /api/v1/webhooks/{id}`

use actix_web::{web, HttpResponse};
use cpims_db::repo::webhooks;

use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::state::AppState;

/// Removes a subscription (admin only) with its undelivered events and its delivery log.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            Ok::<_, ApiError>(webhooks::delete(connection, &id)?)
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
