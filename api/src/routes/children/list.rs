//! `GET /api/v1/children`

use actix_web::{web, HttpResponse};
use cpims_db::repo::children::{self, ChildFilter};
use cpims_domain::access::{read_scope, RecordKind};

use super::dto::{ChildList, ChildListQuery, ChildResponse};
use crate::app::disclosure::disclose_page;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::{encode_cursor, page_request};
use crate::extract::purpose::Purpose;
use crate::state::AppState;

/// Children in the caller's scope, newest first; each returned child's read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/children",
    tag = "children",
    params(ChildListQuery),
    responses(
        (status = 200, description = "A page of children", body = ChildList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_children(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    query: web::Query<ChildListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let (name, identifier) = query.lookups()?;
    let mut looked_up: Vec<&'static str> = Vec::new();
    if name.is_some() {
        looked_up.extend(["given_name", "family_name"]);
    }
    if identifier.is_some() {
        looked_up.push("identifier");
    }
    if query.external_id.is_some() {
        looked_up.push("external_id");
    }
    let filter = ChildFilter {
        name,
        identifier,
        province: query.province,
        district: query.district,
        sex: query.sex,
        agency_id: query.agency_id,
        external_id: query.external_id,
    };
    let scope = read_scope(&caller.0, RecordKind::Child);
    let vault = state.vault.clone();
    let now = state.clock.now();
    let (data, next_after) = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let page = children::list(connection, &vault, &scope, &filter, &page)?;
            let owners = page.items.iter().map(|c| [c.meta.agency_id.as_str()]);
            let caller = caller.reading_all(&purpose, owners)?;
            let responses: Vec<ChildResponse> =
                page.items.into_iter().map(ChildResponse::from).collect();
            let (data, seen) = disclose_page(
                connection,
                (&scope, RecordKind::Child, now),
                &responses,
                |child| (&child.id, &child.agency_id),
                &looked_up,
            )?;
            caller.audit_reads(
                connection,
                RecordKind::Child,
                seen.iter().map(String::as_str),
            )?;
            Ok((data, page.next_after))
        })
    })
    .await?;
    // Shaped per record (need to know), so the page is built as JSON; its schema is `ChildList`.
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "data": data,
        "next_cursor": next_after.as_deref().map(encode_cursor),
    })))
}
