//! `PATCH /api/v1/referrals/{id}`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cpims_db::repo::referrals;
use cpims_domain::access::{read_scope, Action, RecordKind};

use super::dto::{ReferralInput, ReferralPatch, ReferralResponse};
use super::referral_actions;
use super::store;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, required_if_match};
use crate::extract::json::ValidJson;
use crate::routes::records::audit_denial;
use crate::routes::records::{merge_patch, require};
use crate::routes::support::{parse_id, with_connection};
use crate::state::AppState;

/// Changes a referral's urgency, reason, due date or external id (referring agency); needs `If-Match`.
/// Status changes go through the transitions endpoint.
#[utoipa::path(
    patch,
    path = "/api/v1/referrals/{id}",
    tag = "referrals",
    params(
        ("id" = String, Path, description = "Referral id"),
        ("If-Match" = String, Header, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The ETag last read, e.g. \"3\"; 428 when absent, 400 when not a version number, quoted or bare"),
    ),
    request_body = ReferralPatch,
    responses(
        (status = 200, description = "Updated", body = ReferralResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Read-only access to this referral", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id already used", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_referral(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<ReferralPatch>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial("referral", &id, "update");
    let expected_version = required_if_match(&request)?;
    let patch = body.into_inner()?;
    let scope = read_scope(&caller.0, RecordKind::Referral);
    let vault = state.vault.clone();
    let updated = audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            cpims_db::write_transaction(connection, |connection| {
                let referral = referrals::find_visible(connection, &vault, &id, &scope)?;
                require(&referral_actions(&caller.0, &referral), Action::Update)?;
                if referral.meta.version != expected_version {
                    return Err(ApiError::PreconditionFailed {
                        current: referral.meta.version,
                    });
                }
                let merged = merge_patch(&ReferralInput::from_referral(&referral), &patch)?;
                Ok(ReferralResponse::from(store::update(
                    connection, &vault, &caller, referral, merged,
                )?))
            })
        })
        .await,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(updated.version)))
        .json(updated))
}
