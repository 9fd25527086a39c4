//! `GET /api/v1/stats/kpis`: the NCRC Action Plan indicators for a period, overall and by province.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use cpims_db::repo::deadlines::compliance_rows;
use cpims_db::repo::stats::{
    complaint_facts, incident_facts, referral_facts, transition_facts, StatsScope,
};
use cpims_db::{AnyConnection, DbError};
use cpims_domain::access::RecordKind;
use cpims_domain::deadlines::end_of_day_pkt;
use cpims_domain::stats::IncidentDimension;
use cpims_domain::tabulation::{tabulate_kpis, Disclosure, KpiFacts, KpiFigures, Kpis};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{audit_query, disclosure_of, on_analytics, rows, scope_of, view_of};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::routes::schemas;
use crate::state::AppState;

/// The period and optional province.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KpiQuery {
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period.
    pub to: NaiveDate,
    #[param(schema_with = schemas::province)]
    pub province: Option<String>,
}

/// The indicators of one province.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceKpis {
    pub province: String,
    #[serde(flatten)]
    pub figures: KpiFigures,
}

/// The indicators for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct KpiResponse {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub province: Option<String>,
    pub overall: KpiFigures,
    pub by_province: Vec<ProvinceKpis>,
    pub disclosure_control: bool,
    pub min_cell: u64,
}

impl KpiQuery {
    /// 422 for a period that ends before it starts or a province that does not exist.
    fn validate(&self) -> Result<(), ApiError> {
        if self.from > self.to {
            return Err(ApiError::validation("to", "must not be before from"));
        }
        if self
            .province
            .as_deref()
            .is_some_and(|p| !IncidentDimension::Province.accepts(p))
        {
            return Err(ApiError::validation(
                "province",
                "unknown province or territory",
            ));
        }
        Ok(())
    }
}

/// What the indicators up to `to` are computed from: records in scope and their status changes.
fn fetch_facts(
    connection: &mut AnyConnection,
    scope: &StatsScope,
    to: NaiveDate,
    province: Option<&str>,
) -> Result<KpiFacts, DbError> {
    let incidents = incident_facts(connection, scope, to, province)?;
    let incident_moves = transition_facts(connection, RecordKind::Incident, to)?;
    let referrals = referral_facts(connection, scope, None, Some(to), province)?;
    let referral_moves = transition_facts(connection, RecordKind::Referral, to)?;
    let complaints = complaint_facts(connection, scope, None, Some(to), province)?;
    let complaint_moves = transition_facts(connection, RecordKind::Complaint, to)?;
    let agency = match scope {
        StatsScope::AllAgencies => None,
        StatsScope::Agency(agency) => Some(agency.as_str()),
    };
    let period_end = end_of_day_pkt(to).naive_utc() + chrono::Duration::seconds(1);
    let deadlines = compliance_rows(connection, agency, None, Some(period_end))?
        .into_iter()
        .filter(|row| province.is_none_or(|province| row.province == province))
        .collect();
    Ok(KpiFacts {
        incidents: rows::incident_facts(incidents),
        incident_moves: rows::transition_facts(incident_moves),
        referrals: rows::referral_facts(referrals),
        referral_moves: rows::transition_facts(referral_moves),
        deadlines: rows::deadline_facts(deadlines),
        complaints: rows::complaint_facts(complaints),
        complaint_moves: rows::transition_facts(complaint_moves),
    })
}

impl KpiResponse {
    fn shape(query: KpiQuery, kpis: Kpis, disclosure: Disclosure) -> Self {
        KpiResponse {
            from: query.from,
            to: query.to,
            province: query.province,
            overall: kpis.overall,
            by_province: kpis
                .by_province
                .into_iter()
                .map(|(province, figures)| ProvinceKpis { province, figures })
                .collect(),
            disclosure_control: disclosure.protected,
            min_cell: disclosure.min_cell,
        }
    }
}

/// The NCRC Action Plan indicators for a period: complaints received, addressed and open at the
/// period's end (these count incidents); referrals made, accepted, completed, declined and overdue;
/// acceptance and completion rates and the median time to first response; the share of statutory
/// deadlines met on time; complaint intake (`intake_*`: complaints received, first triaged, made into
/// a case and closed in the period, and the median hours from receipt to triage and to acceptance);
/// overall and by province.
#[utoipa::path(
    get,
    path = "/api/v1/stats/kpis",
    tag = "statistics",
    params(KpiQuery),
    responses(
        (status = 200, description = "The indicators", body = KpiResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role gets no statistics", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid period or province", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn kpis(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<KpiQuery>,
) -> Result<HttpResponse, ApiError> {
    let view = view_of(&caller)?;
    let query = query.into_inner();
    query.validate()?;
    let scope = scope_of(&view);
    let (to, province) = (query.to, query.province.clone());
    let facts = on_analytics(&state, move |connection| {
        Ok(fetch_facts(connection, &scope, to, province.as_deref())?)
    })
    .await?;
    let detail = format!("kpis {}..{}", query.from, query.to);
    audit_query(&state, &caller, detail).await?;
    let disclosure = disclosure_of(&view, &state);
    let kpis = tabulate_kpis(&facts, query.from, query.to, disclosure);
    Ok(HttpResponse::Ok().json(KpiResponse::shape(query, kpis, disclosure)))
}
