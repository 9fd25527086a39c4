//! `GET /api/v1/stats/incidents`

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use cpims_db::repo::stats::{incident_counts, DateField, IncidentCountQuery, StatsScope};
use cpims_domain::stats::IncidentDimension;
use cpims_domain::tabulation::tabulate_incidents;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

use super::table::{shape, StatsTable};
use super::{audit_query, disclosure_of, on_analytics, params, rows, scope_of, view_of};
use crate::auth::Authenticated;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::list_query::ListQuery;
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
    fn filters(&self) -> [(IncidentDimension, &Option<String>); 15] {
        use IncidentDimension as D;
        [
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

    /// The count to run for `scope` and the filters to echo; 422 with every problem found.
    fn validate(
        &self,
        scope: StatsScope,
    ) -> Result<(IncidentCountQuery, Map<String, Value>), ApiError> {
        let mut errors = Vec::new();
        let group_by = params::group_by(self.group_by.as_deref(), &mut errors);
        let date_field = date_field(self.date_field.as_deref(), &mut errors);
        let (filters, mut echoed) = params::filters(&self.filters(), &mut errors);
        params::check_period(self.from, self.to, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        params::echo_period(&mut echoed, self.from, self.to);
        let date_name = match date_field {
            DateField::ReportedOn => "reported_on",
            DateField::OccurredOn => "occurred_on",
        };
        echoed.insert("date_field".to_owned(), Value::String(date_name.to_owned()));
        let count = IncidentCountQuery {
            group_by,
            filters,
            date_field,
            from: self.from,
            to: self.to,
            scope,
        };
        Ok((count, echoed))
    }
}

/// The date the period and the time dimensions use; `occurred_on` unless asked otherwise.
fn date_field(raw: Option<&str>, errors: &mut Vec<FieldError>) -> DateField {
    match raw {
        None | Some("occurred_on") => DateField::OccurredOn,
        Some("reported_on") => DateField::ReportedOn,
        Some(_) => {
            errors.push(FieldError::new(
                "date_field",
                "must be occurred_on or reported_on",
            ));
            DateField::OccurredOn
        }
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
    query: ListQuery<IncidentStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let view = view_of(&caller)?;
    let (count_query, echoed) = query.validate(scope_of(&view))?;
    let group_by = count_query.group_by.clone();
    let counts = on_analytics(&state, move |connection| {
        Ok(incident_counts(connection, &count_query)?)
    })
    .await?;
    audit_query(
        &state,
        &caller,
        params::audit_detail("incidents", &group_by),
    )
    .await?;
    let disclosure = disclosure_of(&view, &state);
    let tabulated = tabulate_incidents(&rows::counted_cells(counts), disclosure);
    Ok(shape(&group_by, tabulated, echoed, disclosure).respond(&request, "incident-statistics"))
}
