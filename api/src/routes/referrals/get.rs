//! `GET /api/v1/referrals/{id}`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::repo::referrals;
use cpims_domain::access::{read_scope, RecordKind};

use super::dto::ReferralResponse;
use crate::app::disclosure::disclose_one;
use crate::app::execute::audit_denial;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::params::parse_id;
use crate::extract::purpose::Purpose;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::state::AppState;

/// One referral, if the caller's scope includes it; the read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/referrals/{id}",
    tag = "referrals",
    params(("id" = String, Path, description = "Referral id")),
    responses(
        (status = 200, description = "The referral", body = ReferralResponse, headers(("ETag" = String))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_referral(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let denial = caller.denial(RecordKind::Referral, &id, "read");
    let scope = read_scope(&caller.0, RecordKind::Referral);
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let (referral, shaped) = audit_denial(
        &state,
        denial,
        with_connection(&state, move |connection| {
            let record = referrals::find_visible(connection, &vault, &id, &scope)?;
            let response = ReferralResponse::from(record);
            let response = one_with_deadlines(connection, &time, RecordKind::Referral, response)?;
            let shaped = disclose_one(
                connection,
                &scope,
                RecordKind::Referral,
                time.now,
                (&response.id, &response.agency_id),
                &response,
            )?;
            Ok((response, shaped))
        })
        .await,
    )
    .await?;
    let agencies = [
        referral.from_agency_id.as_str(),
        referral.to_agency_id.as_str(),
    ];
    let caller = caller.reading(&purpose, agencies)?;
    // Answered only once the read's audit entry is committed, in a commit shared with concurrent reads.
    state
        .read_audit
        .record(vec![caller.audit(
            "read",
            RecordKind::Referral,
            &referral.id,
        )])
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_value(referral.version)))
        .json(shaped))
}
