//! `GET /api/v1/stats/deadlines`

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use cpims_db::repo::deadlines::compliance_rows;
use cpims_db::repo::stats::StatsScope;
use cpims_domain::deadlines::end_of_day_pkt;
use cpims_domain::stats::DeadlineDimension;
use cpims_domain::tabulation::tabulate_deadlines;
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

/// Grouping, period (on the due time) and filters for deadline compliance.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadlineStatsQuery {
    /// Up to four comma-separated dimensions: rule, province, district, agency, month.
    #[param(style = Form, explode = false, schema_with = schemas::deadline_group_by)]
    pub group_by: Option<String>,
    /// Due on or after this day (Pakistan time).
    pub from: Option<NaiveDate>,
    /// Due on or before this day (Pakistan time); not before `from`.
    pub to: Option<NaiveDate>,
    #[param(schema_with = schemas::deadline_rule)]
    pub rule: Option<String>,
    #[param(schema_with = schemas::province)]
    pub province: Option<String>,
    #[param(schema_with = schemas::district)]
    pub district: Option<String>,
    /// The agency owning the records.
    #[param(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub agency: Option<String>,
    #[param(schema_with = schemas::month)]
    pub month: Option<String>,
}

struct DeadlineGrouping {
    group_by: Vec<DeadlineDimension>,
    filters: Vec<(DeadlineDimension, String)>,
    echoed: Map<String, Value>,
}

impl DeadlineStatsQuery {
    fn validate(&self) -> Result<DeadlineGrouping, ApiError> {
        use DeadlineDimension as D;
        let mut errors = Vec::new();
        let group_by = params::group_by(self.group_by.as_deref(), &mut errors);
        let given = [
            (D::Rule, &self.rule),
            (D::Province, &self.province),
            (D::District, &self.district),
            (D::Agency, &self.agency),
            (D::Month, &self.month),
        ];
        let (filters, mut echoed) = params::filters(&given, &mut errors);
        params::check_period(self.from, self.to, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        params::echo_period(&mut echoed, self.from, self.to);
        Ok(DeadlineGrouping {
            group_by,
            filters,
            echoed,
        })
    }
}

/// Compliance with statutory and service deadlines per combination of dimensions: how many were met
/// on time, met late, are overdue or still open (due soon included), the share met on time of those
/// met or overdue, and the median hours late of those met late. Counts and figures are under the same
/// disclosure control as incident statistics below `monitor`; the NCRC's own view is exact.
#[utoipa::path(
    get,
    path = "/api/v1/stats/deadlines",
    tag = "statistics",
    params(DeadlineStatsQuery),
    responses(
        (status = 200, description = "The table (CSV with `Accept: text/csv`)", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role gets no statistics", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown dimension or filter value", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn deadline_stats(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    query: ListQuery<DeadlineStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let view = view_of(&caller)?;
    let grouping = query.validate()?;
    let agency = match scope_of(&view) {
        StatsScope::AllAgencies => None,
        StatsScope::Agency(agency) => Some(agency),
    };
    // A day counts in Pakistan time: from the end of the day before `from` to the end of `to`.
    let from = query
        .from
        .and_then(|day| day.pred_opt())
        .map(|day| end_of_day_pkt(day).naive_utc() + chrono::Duration::seconds(1));
    let to = query
        .to
        .map(|day| end_of_day_pkt(day).naive_utc() + chrono::Duration::seconds(1));
    let stored = on_analytics(&state, move |connection| {
        Ok(compliance_rows(connection, agency.as_deref(), from, to)?)
    })
    .await?;
    let detail = params::audit_detail("deadlines", &grouping.group_by);
    audit_query(&state, &caller, detail).await?;
    let disclosure = disclosure_of(&view, &state);
    let facts = rows::deadline_facts(stored);
    let DeadlineGrouping {
        group_by,
        filters,
        echoed,
    } = grouping;
    let now = state.clock.now();
    let tabulated = tabulate_deadlines(&facts, &group_by, &filters, now, disclosure);
    let reply = shape(&group_by, tabulated, echoed, disclosure);
    Ok(reply.respond(&request, "deadline-compliance"))
}
