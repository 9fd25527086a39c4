//! `GET /api/v1/referrals/{id}/transitions`

use actix_web::{web, HttpResponse};
use cpims_db::repo::{audit, referrals, transitions};
use cpims_domain::access::{read_scope, RecordKind};

use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::extract::purpose::Purpose;
use crate::routes::changes::TransitionList;
use crate::state::AppState;

/// Every status change of a referral: who, which agency, when, from, to, note.
#[utoipa::path(
    get,
    path = "/api/v1/referrals/{id}/transitions",
    tag = "referrals",
    params(("id" = String, Path, description = "Referral id")),
    responses(
        (status = 200, description = "The transitions, oldest first", body = TransitionList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn referral_transitions(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let scope = read_scope(&caller.0, RecordKind::Referral);
    let vault = state.vault.clone();
    let list = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let referral = referrals::find_visible(connection, &vault, &id, &scope)?;
            let agencies = [
                referral.meta.agency_id.as_str(),
                referral.to_agency_id.as_str(),
            ];
            let caller = caller.reading(&purpose, agencies)?;
            let list = transitions::of_record(
                connection,
                &vault,
                RecordKind::Referral,
                &referral.meta.id,
            )?;
            audit::append(
                connection,
                &[caller.audit("read_transitions", RecordKind::Referral, &referral.meta.id)],
            )?;
            Ok(list)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(TransitionList::from(list)))
}
