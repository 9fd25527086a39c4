//! Straight-to-PostgreSQL work: the bench database's life, the ceilings the API is compared with, and
//! the statistics data set loaded by SQL.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

use crate::load::{LoadOutcome, LoadPlan};
use crate::BoxResult;

/// The server URL the bench creates its database on (`CPIMS_BENCH_POSTGRES_URL`).
pub fn server_url() -> String {
    std::env::var("CPIMS_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Replaces the database name in a PostgreSQL URL, keeping credentials, host and query.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |index| index + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |index| after_scheme + index);
    match query {
        Some(query) => format!("{}/{database}?{query}", &base[..host_end]),
        None => format!("{}/{database}", &base[..host_end]),
    }
}

/// Creates a fresh database named `name` on the server.
pub fn create_database(server: &str, name: &str) -> BoxResult<()> {
    let mut admin = PgConnection::establish(server)?;
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
    Ok(())
}

/// Drops the database, closing any connections still open to it.
pub fn drop_database(server: &str, name: &str) -> BoxResult<()> {
    let mut admin = PgConnection::establish(server)?;
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)?;
    Ok(())
}

/// A SQL string literal.
fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[derive(QueryableByName)]
struct AgencyRow {
    #[diesel(sql_type = Text)]
    agency_id: String,
}

#[derive(QueryableByName)]
#[allow(dead_code)]
struct ChildRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
}

/// The agency that owns a child.
pub fn agency_of(url: &str, child_id: &str) -> BoxResult<String> {
    let mut connection = PgConnection::establish(url)?;
    let row: AgencyRow = diesel::sql_query("SELECT agency_id FROM children WHERE id = $1")
        .bind::<Text, _>(child_id)
        .get_result(&mut connection)?;
    Ok(row.agency_id)
}

/// Runs `operation` from `plan.concurrency` threads, each on its own connection, within the plan's
/// bounds. Connections are opened before the clock starts.
fn run_threads<F>(url: &str, plan: LoadPlan, operation: F) -> BoxResult<LoadOutcome>
where
    F: Fn(&mut PgConnection, usize) -> diesel::QueryResult<()> + Sync,
{
    let threads = plan.concurrency.max(1);
    let mut connections = Vec::with_capacity(threads);
    for _ in 0..threads {
        connections.push(PgConnection::establish(url)?);
    }
    let next = AtomicUsize::new(0);
    let barrier = Barrier::new(threads + 1);
    let (outcome, started) = std::thread::scope(|scope| {
        let handles: Vec<_> = connections
            .into_iter()
            .map(|mut connection| {
                let (next, barrier, operation) = (&next, &barrier, &operation);
                scope.spawn(move || {
                    let mut share = LoadOutcome::default();
                    barrier.wait();
                    let deadline = Instant::now() + plan.time_limit;
                    loop {
                        let sequence = next.fetch_add(1, Ordering::Relaxed);
                        if sequence >= plan.requests || Instant::now() >= deadline {
                            break;
                        }
                        let sent = Instant::now();
                        let result = operation(&mut connection, sequence);
                        share.latencies.push(sent.elapsed());
                        share.completed += 1;
                        if let Err(error) = result {
                            share.failures += 1;
                            share.first_failure.get_or_insert(error.to_string());
                        }
                    }
                    share
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        let mut total = LoadOutcome::default();
        for handle in handles {
            if let Ok(share) = handle.join() {
                total.completed += share.completed;
                total.failures += share.failures;
                if total.first_failure.is_none() {
                    total.first_failure = share.first_failure;
                }
                total.latencies.extend(share.latencies);
            } else {
                total.failures += 1;
                total
                    .first_failure
                    .get_or_insert("worker thread panicked".into());
            }
        }
        (total, started)
    });
    let mut outcome = outcome;
    outcome.elapsed = started.elapsed();
    outcome.latencies.sort_unstable();
    Ok(outcome)
}

/// Single-row INSERT transactions of an incident row like the API's.
pub fn insert_ceiling(url: &str, children: &[String], plan: LoadPlan) -> BoxResult<LoadOutcome> {
    let first = children.first().ok_or("no fixture children")?;
    let agency = agency_of(url, first)?;
    run_threads(url, plan, |connection, sequence| {
        let child = &children[sequence % children.len()];
        diesel::sql_query(
            "INSERT INTO incidents (id, agency_id, child_id, category, legal_references, occurred_on, \
             reported_on, intake_channel, province, district, urban_rural, perpetrator_relationship, \
             registered_with_police, risk_level, narrative, status, version, created_at, updated_at, \
             created_by) VALUES ($1, $2, $3, 'child_labour', '[\"Employment of Children Act 1991\"]', \
             '2024-05-01', '2024-05-03', 'helpline_1121', 'Punjab', 'Lahore', 'urban', 'employer', 'no', \
             'high', 'Found working at a kiln.', 'open', 1, now(), now(), $4)",
        )
        .bind::<Text, _>(uuid::Uuid::now_v7().to_string())
        .bind::<Text, _>(&agency)
        .bind::<Text, _>(child)
        .bind::<Text, _>("bench-ceiling")
        .execute(connection)
        .map(|_| ())
    })
}

/// Single-row primary-key SELECTs of whole child rows.
pub fn select_ceiling(url: &str, children: &[String], plan: LoadPlan) -> BoxResult<LoadOutcome> {
    if children.is_empty() {
        return Err("no fixture children".into());
    }
    run_threads(url, plan, |connection, sequence| {
        diesel::sql_query("SELECT * FROM children WHERE id = $1")
            .bind::<Text, _>(&children[sequence % children.len()])
            .get_result::<ChildRow>(connection)
            .map(|_| ())
    })
}

/// Multi-row INSERTs (one statement and transaction per 1,000 rows) of the rows the sync step sends,
/// into copies of the children and incidents tables; returns the records written per second.
pub fn multi_row_insert(
    url: &str,
    agency: &str,
    records: usize,
    concurrency: usize,
) -> BoxResult<f64> {
    let mut connection = PgConnection::establish(url)?;
    connection.batch_execute(
        "CREATE TABLE bench_raw_children (LIKE children INCLUDING ALL); \
         CREATE TABLE bench_raw_incidents (LIKE incidents INCLUDING ALL)",
    )?;
    let batches = records.div_ceil(crate::api::BATCH_ITEMS);
    let plan = LoadPlan {
        requests: batches,
        concurrency,
        time_limit: Duration::from_secs(300),
    };
    let child_id = |n: usize| format!("00000000-0000-7000-8000-{n:012}");
    let agency = literal(agency);
    let rows = |batch: usize| {
        let start = batch * crate::api::BATCH_ITEMS;
        start..(start + crate::api::BATCH_ITEMS).min(records)
    };
    let children = run_threads(url, plan, |connection, batch| {
        let values: Vec<String> = rows(batch)
            .map(|n| {
                format!(
                    "({}, {agency}, 'bulk-child-{n}', 'Ayesha', 'Bench', 'female', '2015-03-01', \
                     '3520212345671', 'Punjab', 'Lahore', 'urban', 'Guardian', '03001234567', now(), \
                     now(), 'bench')",
                    literal(&child_id(n))
                )
            })
            .collect();
        diesel::sql_query(format!(
            "INSERT INTO bench_raw_children (id, agency_id, external_id, given_name, family_name, sex, \
             date_of_birth, identifier, province, district, urban_rural, guardian_name, guardian_phone, \
             created_at, updated_at, created_by) VALUES {}",
            values.join(", ")
        ))
        .execute(connection)
        .map(|_| ())
    })?;
    let incidents = run_threads(url, plan, |connection, batch| {
        let values: Vec<String> = rows(batch)
            .map(|n| {
                format!(
                    "({}, {agency}, 'bulk-incident-{n}', {}, 'child_labour', \
                     '[\"Employment of Children Act 1991\"]', '2024-05-01', '2024-05-03', \
                     'helpline_1121', 'Punjab', 'Lahore', 'urban', 'employer', 'no', 'high', \
                     'Found working at a kiln.', 'open', now(), now(), 'bench')",
                    literal(&uuid::Uuid::now_v7().to_string()),
                    literal(&child_id(n))
                )
            })
            .collect();
        diesel::sql_query(format!(
            "INSERT INTO bench_raw_incidents (id, agency_id, external_id, child_id, category, \
             legal_references, occurred_on, reported_on, intake_channel, province, district, \
             urban_rural, perpetrator_relationship, registered_with_police, risk_level, narrative, \
             status, created_at, updated_at, created_by) VALUES {}",
            values.join(", ")
        ))
        .execute(connection)
        .map(|_| ())
    })?;
    connection.batch_execute("DROP TABLE bench_raw_incidents; DROP TABLE bench_raw_children")?;
    for outcome in [&children, &incidents] {
        if outcome.failures > 0 || outcome.completed < batches {
            let reason = outcome
                .first_failure
                .clone()
                .unwrap_or_else(|| "time limit".into());
            return Err(format!("raw multi-row INSERT failed: {reason}").into());
        }
    }
    Ok(crate::load::per_second(
        2 * records,
        children.elapsed + incidents.elapsed,
    ))
}
