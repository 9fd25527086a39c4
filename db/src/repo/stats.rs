//! Aggregate queries for statistics: grouped incident counts in SQL, and the referral and transition
//! facts that medians and KPIs are computed from.

use chrono::{NaiveDate, NaiveDateTime};
use cpims_domain::access::{Grantee, ReadScope, RecordKind};
use cpims_domain::stats::IncidentDimension;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::codec::date_to_text;
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::{agencies, complaints, incidents, referrals, status_transitions};
use crate::scope::complaints_filter;

/// Which date a period filter and the time dimensions use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    OccurredOn,
    ReportedOn,
}

/// Whose records are counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsScope {
    AllAgencies,
    /// Records owned by the agency (incidents), from or to it (referrals), or received by it or
    /// assigned to it (complaints).
    Agency(String),
}

/// A grouped incident count request. Filter values must already be checked with
/// [`IncidentDimension::accepts`]; they come from closed sets.
#[derive(Debug, Clone)]
pub struct IncidentCountQuery {
    pub group_by: Vec<IncidentDimension>,
    pub filters: Vec<(IncidentDimension, String)>,
    pub date_field: DateField,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub scope: StatsScope,
}

/// One non-empty cell: the dimension values (in `group_by` order; None where the value is unknown),
/// the number of incidents and of distinct children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupedCount {
    pub key: Vec<Option<String>>,
    pub count: i64,
    pub children: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = Nullable<Text>)]
    d1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    d2: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    d3: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    d4: Option<String>,
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = BigInt)]
    children: i64,
}

/// A SQL string literal. Only ever given values from closed sets or parsed dates and ids; quotes are
/// doubled all the same.
fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Whole years between the child's date of birth and the incident, in SQL both backends understand
/// (dates are ISO text).
const AGE_SQL: &str = "(CAST(substr(i.occurred_on, 1, 4) AS INTEGER) - CAST(substr(c.date_of_birth, 1, 4) AS INTEGER) \
     - CASE WHEN substr(i.occurred_on, 6, 5) < substr(c.date_of_birth, 6, 5) THEN 1 ELSE 0 END)";

fn age_band_sql() -> String {
    let band = |age: &str| {
        format!(
            "CASE WHEN {age} BETWEEN 0 AND 5 THEN '0-5' WHEN {age} BETWEEN 6 AND 10 THEN '6-10' \
             WHEN {age} BETWEEN 11 AND 15 THEN '11-15' WHEN {age} BETWEEN 16 AND 17 THEN '16-17' \
             ELSE 'unknown' END"
        )
    };
    format!(
        "(CASE WHEN i.age_at_occurrence IS NOT NULL THEN {} WHEN c.date_of_birth IS NOT NULL THEN {} \
         WHEN c.estimated_age_years IS NOT NULL THEN {} ELSE 'unknown' END)",
        band("i.age_at_occurrence"),
        band(AGE_SQL),
        band("c.estimated_age_years")
    )
}

/// The SQL expression of a dimension over `incidents i JOIN children c`.
fn dimension_sql(dimension: IncidentDimension, date_column: &str) -> String {
    match dimension {
        IncidentDimension::Province => "i.province".to_owned(),
        IncidentDimension::District => "i.district".to_owned(),
        IncidentDimension::Category => "i.category".to_owned(),
        IncidentDimension::Subcategory => "i.subcategory".to_owned(),
        IncidentDimension::Sex => "c.sex".to_owned(),
        IncidentDimension::AgeBand => age_band_sql(),
        IncidentDimension::Year => format!("substr({date_column}, 1, 4)"),
        IncidentDimension::Quarter => format!(
            "(substr({date_column}, 1, 4) || '-Q' || CAST((CAST(substr({date_column}, 6, 2) AS INTEGER) + 2) / 3 AS TEXT))"
        ),
        IncidentDimension::Month => format!("substr({date_column}, 1, 7)"),
        IncidentDimension::UrbanRural => "i.urban_rural".to_owned(),
        IncidentDimension::PerpetratorRelationship => "i.perpetrator_relationship".to_owned(),
        IncidentDimension::IntakeChannel => "i.intake_channel".to_owned(),
        IncidentDimension::RegisteredWithPolice => "i.registered_with_police".to_owned(),
        IncidentDimension::Status => "i.status".to_owned(),
        IncidentDimension::RiskLevel => "i.risk_level".to_owned(),
    }
}

/// Builds the grouped count statement (exposed for tests that compare it with plain SQL).
pub fn incident_count_sql(query: &IncidentCountQuery) -> String {
    let date_column = match query.date_field {
        DateField::OccurredOn => "i.occurred_on",
        DateField::ReportedOn => "i.reported_on",
    };
    let mut select = Vec::new();
    for slot in 0..4 {
        let expression = query.group_by.get(slot).map_or_else(
            || "CAST(NULL AS TEXT)".to_owned(),
            |d| dimension_sql(*d, date_column),
        );
        select.push(format!("{expression} AS d{}", slot + 1));
    }
    let mut conditions = vec!["i.deleted_at IS NULL".to_owned()];
    if let StatsScope::Agency(agency) = &query.scope {
        conditions.push(format!("i.agency_id = {}", literal(agency)));
    }
    if let Some(from) = query.from {
        conditions.push(format!("{date_column} >= {}", literal(&date_to_text(from))));
    }
    if let Some(to) = query.to {
        conditions.push(format!("{date_column} <= {}", literal(&date_to_text(to))));
    }
    for (dimension, value) in &query.filters {
        conditions.push(format!(
            "{} = {}",
            dimension_sql(*dimension, date_column),
            literal(value)
        ));
    }
    let positions: Vec<String> = (1..=query.group_by.len()).map(|p| p.to_string()).collect();
    let grouping = if positions.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {0} ORDER BY {0}", positions.join(", "))
    };
    format!(
        "SELECT {}, COUNT(*) AS count, COUNT(DISTINCT i.child_id) AS children \
         FROM incidents i JOIN children c ON c.id = i.child_id WHERE {}{}",
        select.join(", "),
        conditions.join(" AND "),
        grouping
    )
}

/// Counts incidents (and distinct children) per non-empty cell.
pub fn incident_counts(
    connection: &mut AnyConnection,
    query: &IncidentCountQuery,
) -> Result<Vec<GroupedCount>, DbError> {
    let rows: Vec<CountRow> = diesel::sql_query(incident_count_sql(query)).load(connection)?;
    let dimensions = query.group_by.len();
    Ok(rows
        .into_iter()
        .filter(|row| row.count > 0)
        .map(|row| GroupedCount {
            key: [row.d1, row.d2, row.d3, row.d4]
                .into_iter()
                .take(dimensions)
                .collect(),
            count: row.count,
            children: row.children,
        })
        .collect())
}

/// What referral statistics and KPIs are computed from.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ReferralFact {
    pub id: String,
    pub service: String,
    pub status: String,
    pub to_agency_kind: String,
    pub province: String,
    pub due_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
}

/// Live referrals in scope created in `[from, to]` (whole days, UTC), optionally in one province.
pub fn referral_facts(
    connection: &mut AnyConnection,
    scope: &StatsScope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    province: Option<&str>,
) -> Result<Vec<ReferralFact>, DbError> {
    let mut query = referrals::table
        .inner_join(agencies::table.on(agencies::id.eq(referrals::to_agency_id)))
        .filter(referrals::deleted_at.is_null())
        .select((
            referrals::id,
            referrals::service,
            referrals::status,
            agencies::kind,
            referrals::province,
            referrals::due_by,
            referrals::created_at,
            referrals::first_response_at,
            referrals::completed_at,
        ))
        .into_boxed();
    if let StatsScope::Agency(agency) = scope {
        query = query.filter(
            referrals::agency_id
                .eq(agency.clone())
                .or(referrals::to_agency_id.eq(agency.clone())),
        );
    }
    if let Some(from) = from.and_then(|day| day.and_hms_opt(0, 0, 0)) {
        query = query.filter(referrals::created_at.ge(from));
    }
    if let Some(to) = to
        .and_then(|day| day.succ_opt())
        .and_then(|day| day.and_hms_opt(0, 0, 0))
    {
        query = query.filter(referrals::created_at.lt(to));
    }
    if let Some(province) = province {
        query = query.filter(referrals::province.eq(province.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// What complaint statistics and KPIs are computed from (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ComplaintFact {
    pub id: String,
    pub channel: String,
    pub complainant_type: String,
    pub category: String,
    pub province: String,
    pub district: Option<String>,
    pub status: String,
    pub closure_reason: Option<String>,
    pub received_at: NaiveDateTime,
    pub triaged_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
}

/// Live complaints in scope received in `[from, to]` (whole days, UTC), optionally in one province.
pub fn complaint_facts(
    connection: &mut AnyConnection,
    scope: &StatsScope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    province: Option<&str>,
) -> Result<Vec<ComplaintFact>, DbError> {
    let mut query = complaints::table
        .filter(complaints::deleted_at.is_null())
        .select((
            complaints::id,
            complaints::channel,
            complaints::complainant_type,
            complaints::category,
            complaints::province,
            complaints::district,
            complaints::status,
            complaints::closure_reason,
            complaints::received_at,
            complaints::triaged_at,
            complaints::accepted_at,
        ))
        .into_boxed();
    if let StatsScope::Agency(agency) = scope {
        // Complaints have no referral grants, so the completion cut-off plays no part.
        query = query.filter(complaints_filter(&ReadScope::OwnedOrGranted(Grantee::new(
            agency.clone(),
            chrono::NaiveDateTime::MIN,
        ))));
    }
    if let Some(from) = from.and_then(|day| day.and_hms_opt(0, 0, 0)) {
        query = query.filter(complaints::received_at.ge(from));
    }
    if let Some(to) = to
        .and_then(|day| day.succ_opt())
        .and_then(|day| day.and_hms_opt(0, 0, 0))
    {
        query = query.filter(complaints::received_at.lt(to));
    }
    if let Some(province) = province {
        query = query.filter(complaints::province.eq(province.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// An incident as KPIs need it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct IncidentFact {
    pub id: String,
    pub province: String,
    pub reported_on: String,
}

/// Live incidents in scope reported on or before `until`, optionally in one province.
pub fn incident_facts(
    connection: &mut AnyConnection,
    scope: &StatsScope,
    until: NaiveDate,
    province: Option<&str>,
) -> Result<Vec<IncidentFact>, DbError> {
    let mut query = incidents::table
        .filter(incidents::deleted_at.is_null())
        .filter(incidents::reported_on.le(date_to_text(until)))
        .select((incidents::id, incidents::province, incidents::reported_on))
        .into_boxed();
    if let StatsScope::Agency(agency) = scope {
        query = query.filter(incidents::agency_id.eq(agency.clone()));
    }
    if let Some(province) = province {
        query = query.filter(incidents::province.eq(province.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// A status change as KPIs need it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct TransitionFact {
    pub record_id: String,
    pub to_status: String,
    pub occurred_at: NaiveDateTime,
}

/// Every transition of one record type up to `until` (inclusive, whole day), oldest first.
pub fn transition_facts(
    connection: &mut AnyConnection,
    record_type: RecordKind,
    until: NaiveDate,
) -> Result<Vec<TransitionFact>, DbError> {
    let end = until
        .succ_opt()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MAX);
    Ok(status_transitions::table
        .filter(status_transitions::record_type.eq(record_type.as_str()))
        .filter(status_transitions::occurred_at.lt(end))
        .order((
            status_transitions::occurred_at.asc(),
            status_transitions::id.asc(),
        ))
        .select((
            status_transitions::record_id,
            status_transitions::to_status,
            status_transitions::occurred_at,
        ))
        .load(connection)?)
}
