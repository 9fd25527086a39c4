//! `GET /api/v1/stats/referrals`

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use cpims_db::repo::stats::{referral_facts, ReferralFact};
use cpims_domain::disclosure::{
    percentile, release_exact, release_protected, safe_percentile, StatCell,
};
use cpims_domain::stats::{parse_group_by, ReferralDimension, StatsView};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

use super::csv::csv_response;
use super::table::StatsTable;
use super::{audit_query, on_analytics, scope_of, view_of, wants_csv};
use crate::auth::Authenticated;
use crate::error::{ApiError, FieldError, Problem};
use crate::routes::schemas;
use crate::state::AppState;

const FIGURES: &[&str] = &[
    "count",
    "median_hours_to_first_response",
    "p90_hours_to_first_response",
    "median_hours_to_completion",
    "p90_hours_to_completion",
    "suppressed",
];

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

fn value_of(fact: &ReferralFact, dimension: ReferralDimension) -> String {
    match dimension {
        ReferralDimension::Service => fact.service.clone(),
        ReferralDimension::Status => fact.status.clone(),
        ReferralDimension::ToAgencyKind => fact.to_agency_kind.clone(),
        ReferralDimension::Province => fact.province.clone(),
        ReferralDimension::Month => fact.created_at.format("%Y-%m").to_string(),
    }
}

fn hours(from: chrono::NaiveDateTime, to: Option<chrono::NaiveDateTime>) -> Option<f64> {
    // Precision to the second is plenty for medians reported in hours.
    #[allow(clippy::cast_precision_loss)]
    to.map(|to| (to - from).num_seconds() as f64 / 3600.0)
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
    query: web::Query<ReferralStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let view = view_of(&caller)?;
    let query = query.into_inner();
    let mut errors = Vec::new();
    let group_by = parse_group_by(query.group_by.as_deref(), ReferralDimension::parse)
        .map_err(|message| errors.push(FieldError::new("group_by", message)))
        .unwrap_or_default();
    let mut filters = Vec::new();
    let mut echoed = Map::new();
    for (dimension, value) in [
        (ReferralDimension::Service, &query.service),
        (ReferralDimension::Status, &query.status),
        (ReferralDimension::ToAgencyKind, &query.to_agency_kind),
        (ReferralDimension::Province, &query.province),
        (ReferralDimension::Month, &query.month),
    ] {
        if let Some(value) = value {
            if dimension.accepts(value) {
                filters.push((dimension, value.clone()));
                echoed.insert(dimension.as_str().to_owned(), Value::String(value.clone()));
            } else {
                errors.push(FieldError::new(
                    dimension.as_str(),
                    "is not a value this dimension can take",
                ));
            }
        }
    }
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if from > to {
            errors.push(FieldError::new("to", "must not be before from"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let scope = scope_of(&view);
    let (from, to) = (query.from, query.to);
    let facts = on_analytics(&state, move |connection| {
        Ok(referral_facts(connection, &scope, from, to, None)?)
    })
    .await?;
    let detail = format!(
        "referrals group_by={}",
        group_by
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    audit_query(&state, &caller, detail).await?;

    let mut groups: BTreeMap<Vec<String>, Vec<&ReferralFact>> = BTreeMap::new();
    for fact in facts
        .iter()
        .filter(|fact| filters.iter().all(|(d, v)| &value_of(fact, *d) == v))
    {
        groups
            .entry(group_by.iter().map(|d| value_of(fact, *d)).collect())
            .or_default()
            .push(fact);
    }
    let cells: Vec<StatCell> = groups
        .iter()
        .map(|(key, members)| StatCell {
            key: key.clone(),
            count: members.len() as u64,
            children: 0,
        })
        .collect();
    let k = state.config.stats_min_cell;
    let protected = view != StatsView::ExactAll;
    let released = if protected {
        release_protected(&cells, k)
    } else {
        release_exact(&cells)
    };
    let figure = |value: Option<f64>| {
        value.map_or(Value::Null, |v| Value::from((v * 100.0).round() / 100.0))
    };
    let rows = released
        .cells
        .iter()
        .zip(groups.values())
        .map(|(cell, members)| {
            let mut row = Map::new();
            for (dimension, value) in group_by.iter().zip(&cell.key) {
                row.insert(dimension.as_str().to_owned(), Value::String(value.clone()));
            }
            row.insert(
                "count".to_owned(),
                cell.count.map_or(Value::Null, Value::from),
            );
            let response: Vec<f64> = members
                .iter()
                .filter_map(|f| hours(f.created_at, f.first_response_at))
                .collect();
            let completion: Vec<f64> = members
                .iter()
                .filter_map(|f| hours(f.created_at, f.completed_at))
                .collect();
            // A suppressed cell shows no figure at all: a median over it would describe the few records.
            let shown = |values: &[f64], p: f64| match (cell.suppressed, protected) {
                (true, _) => None,
                (false, true) => safe_percentile(values, p, k),
                (false, false) => percentile(values, p),
            };
            row.insert(
                "median_hours_to_first_response".to_owned(),
                figure(shown(&response, 0.5)),
            );
            row.insert(
                "p90_hours_to_first_response".to_owned(),
                figure(shown(&response, 0.9)),
            );
            row.insert(
                "median_hours_to_completion".to_owned(),
                figure(shown(&completion, 0.5)),
            );
            row.insert(
                "p90_hours_to_completion".to_owned(),
                figure(shown(&completion, 0.9)),
            );
            row.insert("suppressed".to_owned(), Value::Bool(cell.suppressed));
            row
        })
        .collect();
    for (name, date) in [("from", from), ("to", to)] {
        if let Some(date) = date {
            echoed.insert(name.to_owned(), Value::String(date.to_string()));
        }
    }
    let table = StatsTable {
        group_by: group_by.iter().map(|d| d.as_str().to_owned()).collect(),
        rows,
        total: released.total,
        filters: echoed,
        disclosure_control: protected,
        min_cell: k,
    };
    if wants_csv(&request) {
        return Ok(csv_response(&table, FIGURES, "referral-statistics"));
    }
    Ok(HttpResponse::Ok().json(table))
}
