//! `GET /api/v1/children/{id}`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::repo::children;
use cpims_domain::access::{read_scope, RecordKind};

use super::dto::ChildResponse;
use crate::app::disclosure::disclose_one;
use crate::app::execute::audit_denial;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::params::parse_id;
use crate::extract::purpose::Purpose;
use crate::state::AppState;

/// One child, if the caller's scope includes it; the read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/children/{id}",
    tag = "children",
    params(("id" = String, Path, description = "Child id")),
    responses(
        (status = 200, description = "The child", body = ChildResponse, headers(("ETag" = String))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such child in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_child(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial(RecordKind::Child, &id, "read");
    let scope = read_scope(&caller.0, RecordKind::Child);
    let vault = state.vault.clone();
    let now = state.clock.now();
    let (child, shaped) = audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            let child = children::find_visible(connection, &vault, &id, &scope)?;
            let owner = (child.meta.id.as_str(), child.meta.agency_id.as_str());
            let shaped = disclose_one(
                connection,
                &scope,
                RecordKind::Child,
                now,
                owner,
                &ChildResponse::from(child.clone()),
            )?;
            Ok((child, shaped))
        })
        .await,
    )
    .await?;
    let caller = caller.reading(&purpose, [child.meta.agency_id.as_str()])?;
    // Answered only once the read's audit entry is committed, in a commit shared with concurrent reads.
    state
        .read_audit
        .record(vec![caller.audit(
            "read",
            RecordKind::Child,
            &child.meta.id,
        )])
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(child.meta.version)))
        .json(shaped))
}
