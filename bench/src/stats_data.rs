//! The statistics step's data set, loaded straight by SQL (test data, not the measured path), and the
//! timing of the grouped count as plain SQL.

use std::time::{Duration, Instant};

use cpims_db::repo::stats::{incident_count_sql, DateField, IncidentCountQuery, StatsScope};
use cpims_domain::stats::IncidentDimension;
use cpims_domain::taxonomy::{CATEGORIES, PROVINCES};
use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

use crate::BoxResult;

/// The query string the API's statistics step sends.
pub const STATS_QUERY: &str = "group_by=province,category,month";

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// A SQL array of text literals.
fn text_array<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = values
        .map(|value| format!("'{}'", value.replace('\'', "''")))
        .collect();
    format!("ARRAY[{}]", quoted.join(", "))
}

/// Inserts `incidents` incidents (and a child for every ten) owned by `agency`, spread over every
/// province, category and month of 2021-2024, then analyses the tables.
pub fn load_incidents(url: &str, agency: &str, incidents: usize) -> BoxResult<Duration> {
    let started = Instant::now();
    let mut connection = PgConnection::establish(url)?;
    let children = (incidents / 10).max(1);
    let agency = agency.replace('\'', "''");
    let provinces = text_array(PROVINCES.iter().map(|province| province.name));
    let districts = text_array(
        PROVINCES
            .iter()
            .map(|province| province.districts.first().copied().unwrap_or("")),
    );
    let categories = text_array(CATEGORIES.iter().map(|category| category.code));
    diesel::sql_query(format!(
        "INSERT INTO children (id, agency_id, external_id, sex, date_of_birth, province, urban_rural, \
         created_at, updated_at, created_by) \
         SELECT md5('stats-child-' || g)::uuid::text, '{agency}', 'stats-child-' || g, \
         (ARRAY['female', 'male', 'other', 'unknown'])[1 + g % 4], \
         to_char(DATE '2006-01-01' + (g % 5000), 'YYYY-MM-DD'), 'Punjab', 'urban', now(), now(), 'bench' \
         FROM generate_series(1, {children}) AS g"
    ))
    .execute(&mut connection)?;
    diesel::sql_query(format!(
        "INSERT INTO incidents (id, agency_id, external_id, child_id, category, occurred_on, \
         reported_on, intake_channel, province, district, urban_rural, perpetrator_relationship, \
         registered_with_police, risk_level, status, created_at, updated_at, created_by) \
         SELECT md5('stats-incident-' || g)::uuid::text, '{agency}', 'stats-incident-' || g, \
         md5('stats-child-' || (1 + g % {children}))::uuid::text, \
         ({categories})[1 + g % cardinality({categories})], d, d, 'helpline_1121', \
         ({provinces})[1 + (g / 7) % cardinality({provinces})], \
         ({districts})[1 + (g / 7) % cardinality({districts})], 'urban', 'unknown', 'no', 'medium', \
         'open', now(), now(), 'bench' \
         FROM generate_series(1, {incidents}) AS g, \
         LATERAL (SELECT to_char(DATE '2021-01-01' + (g % 1461), 'YYYY-MM-DD') AS d) AS day"
    ))
    .execute(&mut connection)?;
    connection.batch_execute("VACUUM ANALYZE children")?;
    connection.batch_execute("VACUUM ANALYZE incidents")?;
    Ok(started.elapsed())
}

/// The grouped count the API runs for [`STATS_QUERY`] as an administrator.
fn grouped_count_sql() -> String {
    incident_count_sql(&IncidentCountQuery {
        group_by: vec![
            IncidentDimension::Province,
            IncidentDimension::Category,
            IncidentDimension::Month,
        ],
        filters: Vec::new(),
        date_field: DateField::OccurredOn,
        from: None,
        to: None,
        scope: StatsScope::AllAgencies,
    })
}

/// Runs the grouped count once unmeasured, then `repetitions` times; returns the sorted durations and
/// the number of incidents counted.
pub fn time_plain_sql(url: &str, repetitions: usize) -> BoxResult<(Vec<Duration>, i64)> {
    let mut connection = PgConnection::establish(url)?;
    let sql = grouped_count_sql();
    let rows: Vec<CountRow> = diesel::sql_query(&sql).load(&mut connection)?;
    let counted = rows.iter().map(|row| row.count).sum();
    let mut timings = Vec::with_capacity(repetitions);
    for _ in 0..repetitions {
        let started = Instant::now();
        let rows: Vec<CountRow> = diesel::sql_query(&sql).load(&mut connection)?;
        timings.push(started.elapsed());
        if rows.is_empty() {
            return Err("the grouped count returned no rows".into());
        }
    }
    timings.sort_unstable();
    Ok((timings, counted))
}
