//! `DELETE /api/v1/referrals/{id}`

use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::repo::{audit, referrals};
use cpims_domain::access::{read_scope, Action, RecordKind};

use super::referral_actions;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::routes::publish;
use crate::routes::records::audit_denial;
use crate::routes::records::{optional_if_match, require};
use crate::routes::support::{parse_id, with_connection};
use crate::state::AppState;
use crate::webhooks::events::ReferralEvent;

/// Soft-deletes a referral (the referring agency's case workers and admins), e.g. one entered in
/// error. The receiving agency loses sight of it; sync clients see a tombstone.
#[utoipa::path(
    delete,
    path = "/api/v1/referrals/{id}",
    tag = "referrals",
    params(
        ("id" = String, Path, description = "Referral id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "Optional: the ETag last read; 400 when not a version number, quoted or bare"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not delete this referral", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
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
    let denial = caller.denial("referral", &id, "delete");
    let expected = optional_if_match(&request)?;
    let scope = read_scope(&caller.0, RecordKind::Referral);
    let vault = state.vault.clone();
    audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            cpims_db::write_transaction(connection, |connection| {
                let referral = referrals::find_visible(connection, &vault, &id, &scope)?;
                require(&referral_actions(&caller.0, &referral), Action::Delete)?;
                if expected.is_some_and(|version| version != referral.meta.version) {
                    return Err(ApiError::PreconditionFailed {
                        current: referral.meta.version,
                    });
                }
                referrals::soft_delete(
                    connection,
                    &referral.meta.id,
                    referral.meta.version,
                    cpims_db::page::now(),
                )?;
                audit::append(
                    connection,
                    &[caller.audit("delete", "referral", &referral.meta.id)],
                )?;
                let mut gone = referral.clone();
                gone.meta.version += 1;
                publish::referral_changed(
                    connection,
                    &vault,
                    &gone,
                    referral.status.grants_access(),
                    ReferralEvent::Deleted,
                )?;
                Ok(())
            })
        })
        .await,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
