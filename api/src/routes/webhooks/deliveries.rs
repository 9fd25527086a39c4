//! `GET /api/v1/webhooks/{id}/deliveries`

use actix_web::{web, HttpResponse};
use base64::Engine;
use cpims_db::repo::webhooks;

use super::dto::{DeliveryList, DeliveryListQuery, DeliveryResponse};
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::routes::support::{parse_id, with_connection, DEFAULT_LIMIT, MAX_LIMIT};
use crate::state::AppState;

/// A subscription's delivery log, newest attempt first (admin only): every attempt with the
/// receiver's status code or the transport error, and how long it took.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id"), DeliveryListQuery),
    responses(
        (status = 200, description = "A page of delivery attempts", body = DeliveryList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn webhook_deliveries(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    path: web::Path<String>,
    query: web::Query<DeliveryListQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let before = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let (rows, more) = with_connection(&state, move |connection| {
        webhooks::find(connection, &id)?;
        Ok(webhooks::deliveries(connection, &id, before, limit)?)
    })
    .await?;
    let next_cursor = if more {
        rows.last().map(|row| encode_cursor(row.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(DeliveryList {
        data: rows.into_iter().map(DeliveryResponse::from).collect(),
        next_cursor,
    }))
}

fn encode_cursor(id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("d{id}"))
}

fn decode_cursor(cursor: &str) -> Result<i64, ApiError> {
    let invalid = || ApiError::validation("cursor", "is not a cursor returned by this list");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix('d')
        .and_then(|id| id.parse().ok())
        .ok_or_else(invalid)
}
