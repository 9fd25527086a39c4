//! `GET /api/v1/referrals`

use actix_web::{web, HttpResponse};
use cpims_db::repo::referrals::{self, ReferralFilter};
use cpims_domain::access::{read_scope, RecordKind};

use super::dto::{ReferralList, ReferralListQuery, ReferralResponse};
use crate::app::disclosure::disclose_page;
use crate::app::execute::with_connection;
use crate::app::today;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::{encode_cursor, page_request};
use crate::extract::purpose::Purpose;
use crate::routes::deadlines::dto::with_deadlines;
use crate::state::AppState;

/// Referrals from or to the caller's agency (all, for admin and monitor), newest first; each returned
/// referral's read is audited. A CSO lists its incoming work with `to_agency_id` or `status=pending`.
#[utoipa::path(
    get,
    path = "/api/v1/referrals",
    tag = "referrals",
    params(ReferralListQuery),
    responses(
        (status = 200, description = "A page of referrals", body = ReferralList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_referrals(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    query: web::Query<ReferralListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let filter = ReferralFilter {
        status: query.status,
        to_agency_id: query.to_agency_id,
        from_agency_id: query.from_agency_id,
        service: query.service,
        incident_id: query.incident_id,
        overdue_on: query.overdue.filter(|overdue| *overdue).map(|_| today()),
        external_id: query.external_id,
    };
    let looked_up: &[&str] = if filter.external_id.is_some() {
        &["external_id"]
    } else {
        &[]
    };
    let scope = read_scope(&caller.0, RecordKind::Referral);
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let page = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let page = referrals::list(connection, &vault, &scope, &filter, &page)?;
            let parties = page
                .items
                .iter()
                .map(|r| [r.meta.agency_id.as_str(), r.to_agency_id.as_str()]);
            let caller = caller.reading_all(&purpose, parties)?;
            let responses = page.items.into_iter().map(ReferralResponse::from).collect();
            let data = with_deadlines(connection, &time, RecordKind::Referral, responses)?;
            let (data, seen) = disclose_page(
                connection,
                (&scope, RecordKind::Referral, time.now),
                &data,
                |referral| (&referral.id, &referral.agency_id),
                looked_up,
            )?;
            caller.audit_reads(
                connection,
                RecordKind::Referral,
                seen.iter().map(String::as_str),
            )?;
            Ok((data, page.next_after))
        })
    })
    .await?;
    // Shaped per record (need to know), so the page is built as JSON; its schema is `ReferralList`.
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "data": page.0,
        "next_cursor": page.1.as_deref().map(encode_cursor),
    })))
}
