//! `GET /api/v1/stats/incidents`

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use cpims_db::repo::stats::{incident_counts, DateField, IncidentCountQuery};
use cpims_domain::disclosure::{release_exact, release_protected, StatCell};
use cpims_domain::stats::{parse_group_by, IncidentDimension, StatsView};
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

/// Grouping, period and filters for incident counts. Every dimension is also a filter (exact value).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncidentStatsQuery {
    /// Up to four comma-separated dimensions: province, district, category, subcategory, sex,
    /// age_band, year, quarter, month, urban_rural, perpetrator_relationship, intake_channel,
    /// registered_with_police, status, risk_level.
    #[param(style = Form, explode = false, schema_with = schemas::incident_group_by)]
    pub group_by: Option<String>,
    /// `occurred_on` (default) or `reported_on`: the date `from`/`to` and the time dimensions use.
    #[param(schema_with = schemas::date_field)]
    pub date_field: Option<String>,
    pub from: Option<NaiveDate>,
    /// Not before `from`.
    pub to: Option<NaiveDate>,
    #[param(schema_with = schemas::province)]
    pub province: Option<String>,
    #[param(schema_with = schemas::district)]
    pub district: Option<String>,
    #[param(schema_with = schemas::category)]
    pub category: Option<String>,
    #[param(schema_with = schemas::subcategory)]
    pub subcategory: Option<String>,
    #[param(schema_with = schemas::sex)]
    pub sex: Option<String>,
    #[param(schema_with = schemas::age_band)]
    pub age_band: Option<String>,
    #[param(schema_with = schemas::year)]
    pub year: Option<String>,
    #[param(schema_with = schemas::quarter)]
    pub quarter: Option<String>,
    #[param(schema_with = schemas::month)]
    pub month: Option<String>,
    #[param(schema_with = schemas::urban_rural)]
    pub urban_rural: Option<String>,
    #[param(schema_with = schemas::perpetrator_relationship)]
    pub perpetrator_relationship: Option<String>,
    #[param(schema_with = schemas::intake_channel)]
    pub intake_channel: Option<String>,
    #[param(schema_with = schemas::registered_with_police)]
    pub registered_with_police: Option<String>,
    #[param(schema_with = schemas::incident_status)]
    pub status: Option<String>,
    #[param(schema_with = schemas::risk_level)]
    pub risk_level: Option<String>,
}

impl IncidentStatsQuery {
    fn filters(&self) -> Vec<(IncidentDimension, &Option<String>)> {
        use IncidentDimension as D;
        vec![
            (D::Province, &self.province),
            (D::District, &self.district),
            (D::Category, &self.category),
            (D::Subcategory, &self.subcategory),
            (D::Sex, &self.sex),
            (D::AgeBand, &self.age_band),
            (D::Year, &self.year),
            (D::Quarter, &self.quarter),
            (D::Month, &self.month),
            (D::UrbanRural, &self.urban_rural),
            (D::PerpetratorRelationship, &self.perpetrator_relationship),
            (D::IntakeChannel, &self.intake_channel),
            (D::RegisteredWithPolice, &self.registered_with_police),
            (D::Status, &self.status),
            (D::RiskLevel, &self.risk_level),
        ]
    }
}

/// Counts of incidents and of distinct children per combination of up to four dimensions. Deleted
/// records are never counted. Analysts, case workers and sync clients get disclosure control: counts
/// below the minimum cell are null with `suppressed: true`, and enough other cells are suppressed that
/// none can be recomputed from the rest. `Accept: text/csv` returns the same table as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/stats/incidents",
    tag = "statistics",
    params(IncidentStatsQuery),
    responses(
        (status = 200, description = "The table (CSV with `Accept: text/csv`)", content((StatsTable = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role gets no statistics", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown dimension or filter value", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn incident_stats(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    query: web::Query<IncidentStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let view = view_of(&caller)?;
    let query = query.into_inner();
    let mut errors = Vec::new();
    let group_by = parse_group_by(query.group_by.as_deref(), IncidentDimension::parse)
        .map_err(|message| errors.push(FieldError::new("group_by", message)))
        .unwrap_or_default();
    let date_field = match query.date_field.as_deref() {
        None | Some("occurred_on") => DateField::OccurredOn,
        Some("reported_on") => DateField::ReportedOn,
        Some(_) => {
            errors.push(FieldError::new(
                "date_field",
                "must be occurred_on or reported_on",
            ));
            DateField::OccurredOn
        }
    };
    let mut filters = Vec::new();
    let mut echoed = Map::new();
    for (dimension, value) in query.filters() {
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
    for (name, date) in [("from", query.from), ("to", query.to)] {
        if let Some(date) = date {
            echoed.insert(name.to_owned(), Value::String(date.to_string()));
        }
    }
    let date_name = if date_field == DateField::ReportedOn {
        "reported_on"
    } else {
        "occurred_on"
    };
    echoed.insert("date_field".to_owned(), Value::String(date_name.to_owned()));
    let count_query = IncidentCountQuery {
        group_by: group_by.clone(),
        filters,
        date_field,
        from: query.from,
        to: query.to,
        scope: scope_of(&view),
    };
    let counts = on_analytics(&state, move |connection| {
        Ok(incident_counts(connection, &count_query)?)
    })
    .await?;
    let detail = format!(
        "incidents group_by={}",
        group_by
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    audit_query(&state, &caller, detail).await?;

    let cells: Vec<StatCell> = counts
        .iter()
        .map(|cell| StatCell {
            key: cell
                .key
                .iter()
                .map(|value| value.clone().unwrap_or_default())
                .collect(),
            count: u64::try_from(cell.count).unwrap_or(0),
            children: u64::try_from(cell.children).unwrap_or(0),
        })
        .collect();
    let k = state.config.stats_min_cell;
    let protected = view != StatsView::ExactAll;
    let released = if protected {
        release_protected(&cells, k)
    } else {
        release_exact(&cells)
    };
    let rows = released
        .cells
        .iter()
        .zip(&counts)
        .map(|(cell, raw)| {
            let mut row = Map::new();
            for (dimension, value) in group_by.iter().zip(&raw.key) {
                row.insert(
                    dimension.as_str().to_owned(),
                    value.clone().map_or(Value::Null, Value::String),
                );
            }
            row.insert(
                "count".to_owned(),
                cell.count.map_or(Value::Null, Value::from),
            );
            row.insert(
                "children".to_owned(),
                cell.children.map_or(Value::Null, Value::from),
            );
            row.insert("suppressed".to_owned(), Value::Bool(cell.suppressed));
            row
        })
        .collect();
    let table = StatsTable {
        group_by: group_by.iter().map(|d| d.as_str().to_owned()).collect(),
        rows,
        total: released.total,
        filters: echoed,
        disclosure_control: protected,
        min_cell: k,
    };
    if wants_csv(&request) {
        return Ok(csv_response(
            &table,
            &["count", "children", "suppressed"],
            "incident-statistics",
        ));
    }
    Ok(HttpResponse::Ok().json(table))
}
