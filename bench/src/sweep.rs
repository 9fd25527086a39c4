//! Step 8: the deadline sweep. A million open deadlines are loaded by SQL (one per incident of the
//! statistics data set), of which ten thousand have fallen due; `cpims deadlines sweep` then raises
//! their alerts while incidents are created at concurrency 32, and the step reports how long the
//! sweep took and the create rate while it ran.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::Client;

use crate::load::{self, LoadPlan, RequestFactory};
use crate::report::Sweep;
use crate::server::ServerProcess;
use crate::BoxResult;

/// Loads `total` open deadlines on the statistics incidents `1..=total`, the first `due` of them
/// past their due time (and so past their due-soon time) and not yet alerted.
pub fn load_deadlines(url: &str, agency: &str, total: usize, due: usize) -> BoxResult<Duration> {
    let started = Instant::now();
    let mut connection = PgConnection::establish(url)?;
    let agency = agency.replace('\'', "''");
    diesel::sql_query(format!(
        "INSERT INTO deadlines (id, record_type, record_id, rule, agency_id, province, district, \
         started_at, due_at, soon_at, met_at, due_soon_alert, overdue_alert, updated_at) \
         SELECT md5('bench-deadline-' || g)::uuid::text, 'incident', \
         md5('stats-incident-' || g)::uuid::text, 'fir_registration', '{agency}', 'Punjab', \
         'Lahore', now() - interval '3 hours', due, due - interval '30 minutes', NULL, NULL, NULL, \
         now() \
         FROM generate_series(1, {total}) AS g, \
         LATERAL (SELECT CASE WHEN g <= {due} THEN now() - interval '1 hour' \
                  ELSE now() + interval '30 days' END AS due) AS d"
    ))
    .execute(&mut connection)?;
    connection.batch_execute("VACUUM ANALYZE deadlines")?;
    Ok(started.elapsed())
}

/// What the sweep printed.
#[derive(serde::Deserialize)]
struct SweepReport {
    overdue: usize,
    due_soon: usize,
    seconds: f64,
}

/// Runs one sweep while `factory` creates at concurrency 32; the create rate is counted from the
/// creates started while the sweep ran.
pub async fn measure(
    client: &Client,
    server: &ServerProcess,
    factory: RequestFactory,
    creates: usize,
) -> BoxResult<Sweep> {
    let starts: Arc<Mutex<Vec<Instant>>> = Arc::new(Mutex::new(Vec::with_capacity(creates)));
    let recorded = Arc::clone(&starts);
    let counting: RequestFactory = Arc::new(move |client: &Client, n: usize| {
        if let Ok(mut starts) = recorded.lock() {
            starts.push(Instant::now());
        }
        factory(client, n)
    });
    let plan = LoadPlan {
        requests: creates,
        concurrency: 32,
        time_limit: Duration::from_secs(120),
    };
    let load = load::run(client, plan, counting, None);
    let mut command = server.command();
    command
        .args(["deadlines", "sweep"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let sweep = async move {
        // Let the create load reach its pace first.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let began = Instant::now();
        let output = tokio::task::spawn_blocking(move || command.output()).await??;
        let ended = Instant::now();
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((began, ended, output))
    };
    let (outcome, swept) = tokio::join!(load, sweep);
    let outcome = outcome?;
    let (began, ended, output) = swept?;
    if !output.status.success() {
        return Err(format!(
            "cpims deadlines sweep failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    let report: SweepReport = serde_json::from_slice(&output.stdout)?;
    let during = starts
        .lock()
        .map_err(|_| "the create counter was poisoned")?
        .iter()
        .filter(|start| (began..=ended).contains(start))
        .count();
    println!(
        "  sweep: {} overdue and {} due-soon alerts in {:.2} s; {} creates started meanwhile \
         ({} of {} creates in all, {} failed)",
        report.overdue,
        report.due_soon,
        report.seconds,
        during,
        outcome.completed,
        creates,
        outcome.failures
    );
    Ok(Sweep {
        alerts: report.overdue + report.due_soon,
        seconds: report.seconds,
        creates_per_s_during: load::per_second(during, ended - began),
        creates_per_s_overall: outcome.per_second(),
        create_failures: outcome.failures,
    })
}
