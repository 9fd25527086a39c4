//! `GET /api/v1/webhooks`

use actix_web::{web, HttpResponse};
use cpims_db::repo::webhooks;

use super::dto::{WebhookList, WebhookListQuery, WebhookResponse};
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::extract::params::{encode_cursor, page_request};
use crate::state::AppState;

/// Webhook subscriptions, newest first (admin only); secrets are never shown.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    params(WebhookListQuery),
    responses(
        (status = 200, description = "A page of subscriptions", body = WebhookList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    query: web::Query<WebhookListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let agency_id = query.agency_id;
    let page = with_connection(&state, move |connection| {
        Ok(webhooks::list(connection, agency_id.as_deref(), &page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(WebhookList {
        data: page.items.into_iter().map(WebhookResponse::from).collect(),
        next_cursor: page.next_after.as_deref().map(encode_cursor),
    }))
}
