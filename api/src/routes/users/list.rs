//! `GET /api/v1/users`

use actix_web::{web, HttpResponse};
use cpims_db::repo::users::{self, UserFilter};

use super::dto::{UserList, UserListQuery, UserResponse};
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, Problem};
use crate::extract::params::{encode_cursor, page_request};
use crate::state::AppState;

/// User accounts, newest first (admin only).
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(UserListQuery),
    responses(
        (status = 200, description = "A page of users", body = UserList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_users(
    state: web::Data<AppState>,
    _admin: AdminCaller,
    query: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let filter = UserFilter {
        agency_id: query.agency_id,
        role: query.role,
        active: query.active,
    };
    let page = with_connection(&state, move |connection| {
        Ok(users::list(connection, &filter, &page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserList {
        data: page.items.into_iter().map(UserResponse::from).collect(),
        next_cursor: page.next_after.as_deref().map(encode_cursor),
    }))
}
