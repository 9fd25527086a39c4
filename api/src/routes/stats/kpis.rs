//! `GET /api/v1/stats/kpis`: the NCRC Action Plan indicators for a period, overall and by province.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use cpims_db::repo::stats::{incident_facts, referral_facts, transition_facts};
use cpims_domain::disclosure::{
    percentile, rate, release_exact, release_protected, safe_percentile, safe_rate, StatCell,
};
use cpims_domain::stats::{IncidentDimension, StatsView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::kpi_tally::{tally, Tally};
use super::{audit_query, on_analytics, scope_of, view_of};
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

/// The indicators. Counts under disclosure control are null when small or when they would reveal
/// a small count; rates and medians are null when computed from fewer than the minimum cell.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct KpiFigures {
    /// Incidents reported in the period.
    pub complaints_received: Option<u64>,
    /// Incidents closed in the period.
    pub complaints_addressed: Option<u64>,
    /// Incidents reported by the period's end and not closed at its end.
    pub open_at_period_end: Option<u64>,
    /// Referrals created in the period.
    pub referrals_made: Option<u64>,
    /// Referrals accepted in the period.
    pub referrals_accepted: Option<u64>,
    /// Referrals completed in the period.
    pub referrals_completed: Option<u64>,
    /// Referrals declined in the period.
    pub referrals_declined: Option<u64>,
    /// Referrals past their due date at the period's end and not completed, declined or cancelled.
    pub referrals_overdue: Option<u64>,
    /// Of the referrals made in the period and answered by its end, the share accepted.
    pub acceptance_rate: Option<f64>,
    /// Of the referrals made in the period and accepted by its end, the share completed by its end.
    pub completion_rate: Option<f64>,
    /// Median hours from creation to first response, over referrals made in the period.
    pub median_hours_to_first_response: Option<f64>,
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

/// How to read one count indicator from a tally, and where to put it in the figures.
type Indicator = (fn(&Tally) -> u64, fn(&mut KpiFigures, Option<u64>));

/// Releases one count indicator across provinces; returns the per-province values and the overall.
fn release_indicator(
    tallies: &BTreeMap<String, Tally>,
    pick: impl Fn(&Tally) -> u64,
    protected: bool,
    k: u64,
) -> (BTreeMap<String, Option<u64>>, Option<u64>) {
    let cells: Vec<StatCell> = tallies
        .iter()
        .filter(|(_, tally)| pick(tally) > 0)
        .map(|(province, tally)| StatCell {
            key: vec![province.clone()],
            count: pick(tally),
            children: 0,
        })
        .collect();
    let released = if protected {
        release_protected(&cells, k)
    } else {
        release_exact(&cells)
    };
    let mut values: BTreeMap<String, Option<u64>> =
        tallies.keys().map(|p| (p.clone(), Some(0))).collect();
    for cell in released.cells {
        if let Some(province) = cell.key.first() {
            values.insert(province.clone(), cell.count);
        }
    }
    (
        values,
        released
            .total
            .or(if cells.is_empty() { Some(0) } else { None }),
    )
}

fn rates(tally: &Tally, protected: bool, k: u64) -> (Option<f64>, Option<f64>, Option<f64>) {
    let round = |v: f64| (v * 10_000.0).round() / 10_000.0;
    let fraction = |n, d| {
        if protected {
            safe_rate(n, d, k)
        } else {
            rate(n, d)
        }
    };
    let median = if protected {
        safe_percentile(&tally.response_hours, 0.5, k)
    } else {
        percentile(&tally.response_hours, 0.5)
    };
    (
        fraction(
            tally.cohort_accepted,
            tally.cohort_accepted + tally.cohort_declined,
        )
        .map(round),
        fraction(tally.cohort_completed, tally.cohort_accepted).map(round),
        median.map(|h| (h * 100.0).round() / 100.0),
    )
}

/// The NCRC Action Plan indicators for a period: complaints received, addressed and open at the
/// period's end; referrals made, accepted, completed, declined and overdue; acceptance and completion
/// rates and the median time to first response; overall and by province.
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
    if query.from > query.to {
        return Err(ApiError::validation("to", "must not be before from"));
    }
    if query
        .province
        .as_deref()
        .is_some_and(|p| !IncidentDimension::Province.accepts(p))
    {
        return Err(ApiError::validation(
            "province",
            "unknown province or territory",
        ));
    }
    let scope = scope_of(&view);
    let (to, province) = (query.to, query.province.clone());
    let (incidents, incident_moves, referrals, referral_moves) =
        on_analytics(&state, move |connection| {
            let incidents = incident_facts(connection, &scope, to, province.as_deref())?;
            let incident_moves = transition_facts(connection, "incident", to)?;
            let referrals =
                referral_facts(connection, &scope, None, Some(to), province.as_deref())?;
            let referral_moves = transition_facts(connection, "referral", to)?;
            Ok((incidents, incident_moves, referrals, referral_moves))
        })
        .await?;
    audit_query(
        &state,
        &caller,
        format!("kpis {}..{}", query.from, query.to),
    )
    .await?;

    let tallies = tally(
        &query,
        &incidents,
        &incident_moves,
        &referrals,
        &referral_moves,
    );
    let k = state.config.stats_min_cell;
    let protected = view != StatsView::ExactAll;
    let indicators: [Indicator; 8] = [
        (|t| t.received, |f, v| f.complaints_received = v),
        (|t| t.addressed, |f, v| f.complaints_addressed = v),
        (|t| t.open_at_end, |f, v| f.open_at_period_end = v),
        (|t| t.made, |f, v| f.referrals_made = v),
        (|t| t.accepted, |f, v| f.referrals_accepted = v),
        (|t| t.completed, |f, v| f.referrals_completed = v),
        (|t| t.declined, |f, v| f.referrals_declined = v),
        (|t| t.overdue, |f, v| f.referrals_overdue = v),
    ];
    let mut overall = KpiFigures::default();
    let mut by_province: BTreeMap<String, KpiFigures> = tallies
        .keys()
        .map(|p| (p.clone(), KpiFigures::default()))
        .collect();
    for (pick, set) in indicators {
        let (values, total) = release_indicator(&tallies, pick, protected, k);
        set(&mut overall, total);
        for (province, value) in values {
            if let Some(figures) = by_province.get_mut(&province) {
                set(figures, value);
            }
        }
    }
    let mut combined = Tally::default();
    for (province, tally) in &tallies {
        combined.cohort_accepted += tally.cohort_accepted;
        combined.cohort_declined += tally.cohort_declined;
        combined.cohort_completed += tally.cohort_completed;
        combined.response_hours.extend(&tally.response_hours);
        if let Some(figures) = by_province.get_mut(province) {
            (
                figures.acceptance_rate,
                figures.completion_rate,
                figures.median_hours_to_first_response,
            ) = rates(tally, protected, k);
        }
    }
    (
        overall.acceptance_rate,
        overall.completion_rate,
        overall.median_hours_to_first_response,
    ) = rates(&combined, protected, k);
    Ok(HttpResponse::Ok().json(KpiResponse {
        from: query.from,
        to: query.to,
        province: query.province,
        overall,
        by_province: by_province
            .into_iter()
            .map(|(province, figures)| ProvinceKpis { province, figures })
            .collect(),
        disclosure_control: protected,
        min_cell: k,
    }))
}
