//! `GET /api/v1/stats/referrals`

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use cpims_db::repo::stats::referral_facts;
use cpims_domain::stats::ReferralDimension;
use cpims_domain::tabulation::tabulate_referrals;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

use super::table::{shape, StatsTable};
use super::{audit_query, disclosure_of, on_analytics, params, rows, scope_of, view_of};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::list_query::ListQuery;
use crate::routes::schemas;
use crate::state::AppState;

/// Grouping, period (on creation) and filters for referral counts.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReferralStatsQuery {
    /// Up to four comma-separated dimensions: service, status, to_agency_kind, province, month.
    #[param(style = Form, explode = false, schema_with = schemas::referral_group_by)]
    pub group_by: Option<String>,
    /// Created on or after this day.
    pub from: Option<NaiveDate>,
    /// Created on or before this day; not before `from`.
    pub to: Option<NaiveDate>,
    #[param(schema_with = schemas::service)]
    pub service: Option<String>,
    #[param(schema_with = schemas::referral_status)]
    pub status: Option<String>,
    #[param(schema_with = schemas::agency_kind)]
    pub to_agency_kind: Option<String>,
    #[param(schema_with = schemas::province)]
    pub province: Option<String>,
    #[param(schema_with = schemas::month)]
    pub month: Option<String>,
}

impl ReferralStatsQuery {
    /// The grouping and filters to apply; 422 with every problem found.
    fn validate(&self) -> Result<ReferralGrouping, ApiError> {
        use ReferralDimension as D;
        let mut errors = Vec::new();
        let group_by = params::group_by(self.group_by.as_deref(), &mut errors);
        let given = [
            (D::Service, &self.service),
            (D::Status, &self.status),
            (D::ToAgencyKind, &self.to_agency_kind),
            (D::Province, &self.province),
            (D::Month, &self.month),
        ];
        let (filters, mut echoed) = params::filters(&given, &mut errors);
        params::check_period(self.from, self.to, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        params::echo_period(&mut echoed, self.from, self.to);
        Ok(ReferralGrouping {
            group_by,
            filters,
            echoed,
        })
    }
}

/// A validated referral query: the dimensions to group by, the filters to apply to the fetched facts,
/// and the filters to echo.
struct ReferralGrouping {
    group_by: Vec<ReferralDimension>,
    filters: Vec<(ReferralDimension, String)>,
    echoed: Map<String, Value>,
}

/// Counts of referrals per combination of dimensions, with the median and 90th percentile hours from
/// creation to first response (accept or decline) and to completion. Figures from fewer records than
/// the minimum cell are null; counts are under the same disclosure control as incident statistics.
#[utoipa::path(
    get,
    path = "/api/v1/stats/referrals",
    tag = "statistics",
    params(ReferralStatsQuery),
    responses(
        (status = 200, description = "The table (CSV with `Accept: text/csv`)", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role gets no statistics", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown dimension or filter value", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn referral_stats(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    query: ListQuery<ReferralStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let view = view_of(&caller)?;
    let grouping = query.validate()?;
    let scope = scope_of(&view);
    let (from, to) = (query.from, query.to);
    let facts = on_analytics(&state, move |connection| {
        Ok(referral_facts(connection, &scope, from, to, None)?)
    })
    .await?;
    let detail = params::audit_detail("referrals", &grouping.group_by);
    audit_query(&state, &caller, detail).await?;
    let disclosure = disclosure_of(&view, &state);
    let facts = rows::referral_facts(facts);
    let ReferralGrouping {
        group_by,
        filters,
        echoed,
    } = grouping;
    let tabulated = tabulate_referrals(&facts, &group_by, &filters, disclosure);
    let reply = shape(&group_by, tabulated, echoed, disclosure);
    Ok(reply.respond(&request, "referral-statistics"))
}
