//! `GET /api/v1/webhooks/{id}/deliveries`

use actix_web::{web, HttpResponse};
use cpims_db::repo::webhooks;

use super::dto::{DeliveryList, DeliveryListQuery, DeliveryResponse};
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::extract::params::{
    decode_seq_cursor, encode_seq_cursor, parse_id, DEFAULT_LIMIT, MAX_LIMIT,
};
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
    let before = query
        .cursor
        .as_deref()
        .map(|cursor| decode_seq_cursor("cursor", cursor))
        .transpose()?;
    let (rows, more) = with_connection(&state, move |connection| {
        webhooks::find(connection, &id)?;
        Ok(webhooks::deliveries(connection, &id, before, limit)?)
    })
    .await?;
    let next_cursor = if more {
        rows.last().map(|row| encode_seq_cursor(row.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(DeliveryList {
        data: rows.into_iter().map(DeliveryResponse::from).collect(),
        next_cursor,
    }))
}
