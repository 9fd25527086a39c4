//! `DELETE /api/v1/children/{id}`

use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::repo::{audit, children};
use cpims_domain::access::{read_scope, Action, RecordKind};

use super::child_actions;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::routes::publish;
use crate::routes::records::audit_denial;
use crate::routes::records::{optional_if_match, require};
use crate::routes::support::{parse_id, with_connection};
use crate::state::AppState;

/// Soft-deletes a child (owning agency's case workers and admins). Sync clients see a tombstone.
/// A child with live incidents cannot be deleted: delete the incidents first.
#[utoipa::path(
    delete,
    path = "/api/v1/children/{id}",
    tag = "children",
    params(
        ("id" = String, Path, description = "Child id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "Optional: the ETag last read; 400 when not a version number, quoted or bare"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not delete this child", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such child in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The child still has incidents", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_child(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial("child", &id, "delete");
    let expected = optional_if_match(&request)?;
    let scope = read_scope(&caller.0, RecordKind::Child);
    let vault = state.vault.clone();
    audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            cpims_db::write_transaction(connection, |connection| {
                let child = children::find_visible(connection, &vault, &id, &scope)?;
                require(&child_actions(&caller.0, &child), Action::Delete)?;
                if expected.is_some_and(|version| version != child.meta.version) {
                    return Err(ApiError::PreconditionFailed {
                        current: child.meta.version,
                    });
                }
                if children::has_live_incidents(connection, &child.meta.id)? {
                    return Err(ApiError::Conflict(
                        "the child still has incidents; delete them first".to_owned(),
                    ));
                }
                children::soft_delete(
                    connection,
                    &child.meta.id,
                    child.meta.version,
                    cpims_db::page::now(),
                )?;
                audit::append(
                    connection,
                    &[caller.audit("delete", "child", &child.meta.id)],
                )?;
                publish::case_deleted(
                    connection,
                    "child",
                    &child.meta.id,
                    child.meta.version + 1,
                    &child.meta.agency_id,
                )?;
                Ok(())
            })
        })
        .await,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
