//! `GET /api/v1/referrals/{id}/history`

use actix_web::{web, HttpResponse};
use cpims_db::repo::{audit, history, referrals};
use cpims_domain::access::{read_scope, Action, RecordKind};

use crate::app::disclosure::disclose_history;
use crate::app::execute::with_connection;
use crate::app::require;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::extract::purpose::Purpose;
use crate::routes::changes::HistoryList;
use crate::state::AppState;

/// The field-level change history of a referral: who changed which field, when, from what to what.
#[utoipa::path(
    get,
    path = "/api/v1/referrals/{id}/history",
    tag = "referrals",
    params(("id" = String, Path, description = "Referral id")),
    responses(
        (status = 200, description = "The history, oldest first", body = HistoryList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not view this referral's history", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn referral_history(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let scope = read_scope(&caller.0, RecordKind::Referral);
    let vault = state.vault.clone();
    let now = state.clock.now();
    let entries = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let referral = referrals::find_visible(connection, &vault, &id, &scope)?;
            let agencies = [
                referral.meta.agency_id.as_str(),
                referral.to_agency_id.as_str(),
            ];
            let caller = caller.reading(&purpose, agencies)?;
            require(
                &crate::app::referrals::actions(&caller.0, &referral),
                Action::ViewHistory,
            )?;
            let entries =
                history::of_record(connection, &vault, RecordKind::Referral, &referral.meta.id)?;
            let entries = disclose_history(
                connection,
                (&scope, RecordKind::Referral, now),
                (&referral.meta.id, &referral.meta.agency_id),
                entries,
            )?;
            audit::append(
                connection,
                &[caller.audit("read_history", RecordKind::Referral, &referral.meta.id)],
            )?;
            Ok(entries)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(HistoryList::from(entries)))
}
