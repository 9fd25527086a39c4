//! `GET /api/v1/stats/complaints`

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use cpims_db::repo::stats::complaint_facts;
use cpims_domain::stats::{complaint_stats_view, ComplaintDimension};
use cpims_domain::tabulation::tabulate_complaints;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

use super::table::{shape, StatsTable};
use super::{audit_query, disclosure_of, on_analytics, params, rows, scope_of};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::list_query::ListQuery;
use crate::routes::schemas;
use crate::state::AppState;

/// Grouping, period (on receipt) and filters for complaint counts. Every dimension is also a filter
/// (exact value).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ComplaintStatsQuery {
    /// Up to four comma-separated dimensions: channel, complainant_type, category, province,
    /// district, status, closure_reason, month.
    #[param(style = Form, explode = false, schema_with = schemas::complaint_group_by)]
    pub group_by: Option<String>,
    /// Received on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Received on or before this day (UTC); not before `from`.
    pub to: Option<NaiveDate>,
    #[param(schema_with = schemas::complaint_channel)]
    pub channel: Option<String>,
    #[param(schema_with = schemas::complainant_type)]
    pub complainant_type: Option<String>,
    #[param(schema_with = schemas::category)]
    pub category: Option<String>,
    #[param(schema_with = schemas::province)]
    pub province: Option<String>,
    #[param(schema_with = schemas::district)]
    pub district: Option<String>,
    #[param(schema_with = schemas::complaint_status)]
    pub status: Option<String>,
    #[param(schema_with = schemas::complaint_closure_reason)]
    pub closure_reason: Option<String>,
    /// The month of receipt (UTC).
    #[param(schema_with = schemas::month)]
    pub month: Option<String>,
}

/// A validated complaint query: the dimensions to group by, the filters to apply to the fetched
/// facts, and the filters to echo.
struct ComplaintGrouping {
    group_by: Vec<ComplaintDimension>,
    filters: Vec<(ComplaintDimension, String)>,
    echoed: Map<String, Value>,
}

impl ComplaintStatsQuery {
    /// The grouping and filters to apply; 422 with every problem found.
    fn validate(&self) -> Result<ComplaintGrouping, ApiError> {
        use ComplaintDimension as D;
        let mut errors = Vec::new();
        let group_by = params::group_by(self.group_by.as_deref(), &mut errors);
        let given = [
            (D::Channel, &self.channel),
            (D::ComplainantType, &self.complainant_type),
            (D::Category, &self.category),
            (D::Province, &self.province),
            (D::District, &self.district),
            (D::Status, &self.status),
            (D::ClosureReason, &self.closure_reason),
            (D::Month, &self.month),
        ];
        let (filters, mut echoed) = params::filters(&given, &mut errors);
        params::check_period(self.from, self.to, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        params::echo_period(&mut echoed, self.from, self.to);
        Ok(ComplaintGrouping {
            group_by,
            filters,
            echoed,
        })
    }
}

/// Counts of complaints per combination of dimensions, with the median hours from receipt to first
/// triage and to acceptance by the assigned agency. Deleted complaints are never counted. Intake
/// officers, case workers and sync clients count their own agency's complaints (received or
/// assigned); analysts every agency's; all of them under the same disclosure control as incident
/// statistics. Admins and monitors get exact figures. `Accept: text/csv` returns the same table as
/// CSV.
#[utoipa::path(
    get,
    path = "/api/v1/stats/complaints",
    tag = "statistics",
    params(ComplaintStatsQuery),
    responses(
        (status = 200, description = "The table (CSV with `Accept: text/csv`)", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role gets no complaint statistics", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown dimension or filter value", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn complaint_stats(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    query: ListQuery<ComplaintStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let view = complaint_stats_view(&caller.0).ok_or(ApiError::Forbidden)?;
    let grouping = query.validate()?;
    let scope = scope_of(&view);
    let (from, to) = (query.from, query.to);
    let facts = on_analytics(&state, move |connection| {
        Ok(complaint_facts(connection, &scope, from, to, None)?)
    })
    .await?;
    let detail = params::audit_detail("complaints", &grouping.group_by);
    audit_query(&state, &caller, detail).await?;
    let disclosure = disclosure_of(&view, &state);
    let facts = rows::complaint_facts(facts);
    let ComplaintGrouping {
        group_by,
        filters,
        echoed,
    } = grouping;
    let tabulated = tabulate_complaints(&facts, &group_by, &filters, disclosure);
    let reply = shape(&group_by, tabulated, echoed, disclosure);
    Ok(reply.respond(&request, "complaint-statistics"))
}
