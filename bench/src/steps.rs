//! The measured steps, in order: ceilings, create, read, bulk sync, statistics on PostgreSQL, then
//! create on SQLite.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Client;
use serde_json::{json, Value};

use crate::api::{self, BATCH_ITEMS};
use crate::load::{self, BodyCheck, LoadOutcome, LoadPlan, RequestFactory};
use crate::report::{Bulk, Results, Stats, Throughput};
use crate::server::ServerProcess;
use crate::{pgsql, stats_data, sweep, BoxResult, Settings};

/// A client that keeps a connection per concurrent worker and never waits forever.
pub fn client() -> BoxResult<Client> {
    Ok(Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(120))
        .build()?)
}

/// The longest each bulk sync phase (children, then incidents) may run.
const BULK_SECONDS: u64 = 120;

fn plan(requests: usize, concurrency: usize, seconds: u64) -> LoadPlan {
    LoadPlan {
        requests,
        concurrency,
        time_limit: Duration::from_secs(seconds),
    }
}

/// Prints a run's counts and notes a time-limited run; false (and a recorded failure) when any
/// request failed or none completed.
fn judged(name: &str, outcome: &LoadOutcome, plan: LoadPlan, results: &mut Results) -> bool {
    println!(
        "  {name}: {} of {} requests in {:.1} s, {} failed",
        outcome.completed,
        plan.requests,
        outcome.elapsed.as_secs_f64(),
        outcome.failures
    );
    if outcome.completed < plan.requests {
        let note = format!(
            "{name}: stopped at the {} s time limit after {} of {} requests",
            plan.time_limit.as_secs(),
            outcome.completed,
            plan.requests
        );
        println!("  {note}");
        results.notes.push(note);
    }
    if outcome.failures > 0 || outcome.completed == 0 {
        let first = outcome
            .first_failure
            .as_deref()
            .unwrap_or("nothing completed");
        results.failures.push(format!(
            "{name}: {} of {} requests failed; first: {first}",
            outcome.failures, outcome.completed
        ));
        return false;
    }
    true
}

fn throughput(outcome: &LoadOutcome, ceiling_rps: Option<f64>) -> Throughput {
    Throughput {
        rps: outcome.per_second(),
        p50_ms: outcome.percentile_ms(50.0),
        p99_ms: outcome.percentile_ms(99.0),
        ceiling_rps,
    }
}

fn create_factory(server: &ServerProcess, token: &str, children: &[String]) -> RequestFactory {
    let url = format!("{}/api/v1/incidents", server.base_url);
    let token = token.to_owned();
    let children = children.to_vec();
    Arc::new(move |client: &Client, n: usize| {
        client
            .post(&url)
            .bearer_auth(&token)
            .json(&api::incident_body(&children[n % children.len()]))
    })
}

/// Citizens filing public complaints behind a reverse proxy: 1,000 client addresses, each with its own
/// counter row in the limiter, as a public form's traffic arrives.
fn public_factory(server: &ServerProcess) -> RequestFactory {
    let url = format!("{}/api/v1/public/complaints", server.base_url);
    Arc::new(move |client: &Client, n: usize| {
        let citizen = format!("10.1.{}.{}", (n % 1000) / 250, (n % 250) + 1);
        client
            .post(&url)
            .header("X-Forwarded-For", citizen)
            .json(&serde_json::json!({
                "channel": "web_form",
                "complainant_type": "anonymous",
                "child_age_years": 10 + n % 8,
                "province": "Punjab",
                "district": "Lahore",
                "category": "child_labour",
                "narrative": "A benchmark complaint: a child working at a brick kiln.",
            }))
    })
}

/// Every item of a sync batch reply must have been created.
fn all_created() -> BodyCheck {
    Arc::new(|body: &[u8]| {
        let reply: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        let results = reply["results"]
            .as_array()
            .ok_or("no results in batch reply")?;
        match results.iter().find(|result| result["status"] != "created") {
            None => Ok(()),
            Some(result) => Err(format!("batch item not created: {result}")),
        }
    })
}

/// Syncs up to `records` children and then incidents for the children that were synced, in
/// 1,000-item batches, each phase bounded by `BULK_SECONDS`; returns the records synced per second.
async fn bulk_sync(
    client: &Client,
    server: &ServerProcess,
    token: &str,
    records: usize,
    concurrency: usize,
    results: &mut Results,
) -> BoxResult<Option<f64>> {
    let url = format!("{}/api/v1/sync/batch", server.base_url);
    let rows = move |batch: usize| {
        let start = batch * BATCH_ITEMS;
        start..(start + BATCH_ITEMS).min(records)
    };
    let (child_url, child_token) = (url.clone(), token.to_owned());
    let children: RequestFactory = Arc::new(move |client: &Client, batch: usize| {
        let items: Vec<Value> = rows(batch)
            .map(|n| api::child_item(&format!("bulk-child-{n}")))
            .collect();
        client
            .post(&child_url)
            .bearer_auth(&child_token)
            .json(&json!({ "children": items }))
    });
    let incident_token = token.to_owned();
    let incidents: RequestFactory = Arc::new(move |client: &Client, batch: usize| {
        let items: Vec<Value> = rows(batch)
            .map(|n| api::incident_item(&format!("bulk-incident-{n}"), &format!("bulk-child-{n}")))
            .collect();
        client
            .post(&url)
            .bearer_auth(&incident_token)
            .json(&json!({ "incidents": items }))
    });
    let child_plan = plan(records.div_ceil(BATCH_ITEMS), concurrency, BULK_SECONDS);
    let first = load::run(client, child_plan, children, Some(all_created())).await?;
    if !judged("bulk children", &first, child_plan, results) {
        return Ok(None);
    }
    // Batches are handed out in order and every one handed out completes, so 0..completed synced.
    let incident_plan = plan(first.completed, concurrency, BULK_SECONDS);
    let second = load::run(client, incident_plan, incidents, Some(all_created())).await?;
    if !judged("bulk incidents", &second, incident_plan, results) {
        return Ok(None);
    }
    let synced: usize = (0..first.completed)
        .chain(0..second.completed)
        .map(|batch| rows(batch).len())
        .sum();
    Ok(Some(load::per_second(
        synced,
        first.elapsed + second.elapsed,
    )))
}

/// Steps 1-5, 7 and 8 against a server over the PostgreSQL database at `url`.
pub async fn postgres(settings: &Settings, url: &str, results: &mut Results) -> BoxResult<()> {
    let workdir = tempfile::tempdir()?;
    let mut server = ServerProcess::start(&settings.server_binary, url, workdir.path()).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    results.idle_mb = Some(server.memory_mb()?.0);
    let client = client()?;
    println!("setup: fixtures through the API");
    let fixtures = api::prepare(&client, &server, settings.count(1000, 10)).await?;
    let first_child = fixtures.children.first().ok_or("no fixture children")?;
    let agency = pgsql::agency_of(url, first_child)?;

    println!("step 1: ceilings straight against PostgreSQL");
    let insert_plan = plan(settings.count(20_000, 200), 32, 30);
    let insert = pgsql::insert_ceiling(url, &fixtures.children, insert_plan)?;
    let insert_ok = judged("INSERT ceiling", &insert, insert_plan, results);
    let select_plan = plan(settings.count(100_000, 1000), 8, 30);
    let select = pgsql::select_ceiling(url, &fixtures.children, select_plan)?;
    let select_ok = judged("SELECT ceiling", &select, select_plan, results);

    println!("step 2: POST /api/v1/incidents at concurrency 32");
    let create_plan = plan(settings.count(20_000, 200), 32, 60);
    let factory = create_factory(&server, &fixtures.worker, &fixtures.children);
    let create = load::run(&client, create_plan, factory, None).await?;
    if judged("create", &create, create_plan, results) && insert_ok {
        results.create = Some(throughput(&create, Some(insert.per_second())));
    }

    println!("step 9: POST /api/v1/public/complaints at concurrency 32, through the rate limiter");
    let public_plan = plan(settings.count(20_000, 200), 32, 60);
    let public = load::run(&client, public_plan, public_factory(&server), None).await?;
    if judged("public intake", &public, public_plan, results) {
        let creates = results.create.map(|create| create.rps);
        results.public_intake = Some(throughput(&public, creates));
    }

    println!("step 3: GET /api/v1/children/{{id}} at concurrency 8");
    let read_plan = plan(settings.count(20_000, 200), 8, 60);
    let (read_base, read_token) = (server.base_url.clone(), fixtures.worker.clone());
    let ids = fixtures.children.clone();
    let factory: RequestFactory = Arc::new(move |client: &Client, n: usize| {
        client
            .get(format!(
                "{read_base}/api/v1/children/{}",
                ids[n % ids.len()]
            ))
            .bearer_auth(&read_token)
    });
    let read = load::run(&client, read_plan, factory, None).await?;
    if judged("read", &read, read_plan, results) && select_ok {
        results.read = Some(throughput(&read, Some(select.per_second())));
    }

    let records = settings.count(100_000, BATCH_ITEMS);
    let concurrency = settings.bulk_concurrency;
    println!("step 4: {records} children and {records} incidents through /api/v1/sync/batch");
    let synced = bulk_sync(
        &client,
        &server,
        &fixtures.sync,
        records,
        concurrency,
        results,
    )
    .await?;
    println!("step 4: the same rows as raw multi-row INSERTs");
    let raw = pgsql::multi_row_insert(url, &agency, records, concurrency)?;
    if let Some(records_per_s) = synced {
        results.bulk = Some(Bulk {
            records_per_s,
            ceiling_records_per_s: raw,
        });
    }
    results.peak_mb = Some(server.memory_mb()?.1);

    let incidents = settings.count(1_000_000, 10_000);
    println!("step 5: loading {incidents} incidents by SQL");
    let loaded = stats_data::load_incidents(url, &agency, incidents)?;
    println!("  loaded in {:.1} s", loaded.as_secs_f64());
    let repetitions = settings.stats_repetitions;
    let (sql_timings, counted) = stats_data::time_plain_sql(url, repetitions)?;
    println!("  plain SQL counts {counted} incidents");
    let stats_url = format!(
        "{}/api/v1/stats/incidents?{}",
        server.base_url,
        stats_data::STATS_QUERY
    );
    let admin = fixtures.admin.clone();
    let factory: RequestFactory =
        Arc::new(move |client: &Client, _| client.get(&stats_url).bearer_auth(&admin));
    let warm_up = load::run(&client, plan(1, 1, 300), Arc::clone(&factory), None).await?;
    let stats_plan = plan(repetitions, 1, 300);
    let stats = load::run(&client, stats_plan, factory, None).await?;
    if judged("stats warm-up", &warm_up, plan(1, 1, 300), results)
        && judged("stats", &stats, stats_plan, results)
    {
        results.stats = Some(Stats {
            p50_ms: stats.percentile_ms(50.0),
            sql_p50_ms: load::percentile_ms(&sql_timings, 50.0),
        });
    }

    let due = settings.count(10_000, 100);
    println!(
        "step 8: {incidents} open deadlines by SQL, {due} of them due; one sweep during creates"
    );
    let loaded = sweep::load_deadlines(url, &agency, incidents, due)?;
    println!("  loaded in {:.1} s", loaded.as_secs_f64());
    let factory = create_factory(&server, &fixtures.worker, &fixtures.children);
    match sweep::measure(&client, &server, factory, settings.count(20_000, 2000)).await {
        Ok(measured) => results.sweep = Some(measured),
        Err(error) => results.failures.push(format!("deadline sweep: {error}")),
    }
    server.stop()?;
    Ok(())
}

/// Step 6: create at concurrency 32 against a server on a fresh SQLite file.
pub async fn sqlite(settings: &Settings, results: &mut Results) -> BoxResult<()> {
    let workdir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}",
        workdir.path().join("cpims.sqlite3").display()
    );
    let mut server = ServerProcess::start(&settings.server_binary, &url, workdir.path()).await?;
    let client = client()?;
    let fixtures = api::prepare(&client, &server, settings.count(1000, 10)).await?;
    println!("step 6: POST /api/v1/incidents at concurrency 32 on SQLite");
    let create_plan = plan(settings.count(20_000, 200), 32, 60);
    let factory = create_factory(&server, &fixtures.worker, &fixtures.children);
    let create = load::run(&client, create_plan, factory, None).await?;
    if judged("sqlite create", &create, create_plan, results) {
        results.sqlite_create = Some(throughput(&create, None));
    }
    server.stop()?;
    Ok(())
}
