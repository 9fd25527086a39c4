//! The `cpims-bench` binary: one whole benchmark run, its settings, its report and its exit status.
//!
//! Settings (environment): `CPIMS_BENCH_SCALE` (default 1.0; 0.01 for a smoke run),
//! `CPIMS_BENCH_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`),
//! `CPIMS_BENCH_SERVER_BIN` (default: `cpims` beside this binary), `CPIMS_BENCH_OUT` (default
//! `<target>/bench/results.json`), `CPIMS_BENCH_BULK_CONCURRENCY` (default 2),
//! `CPIMS_BENCH_STATS_REPETITIONS` (default 11), `CPIMS_BENCH_BACKENDS` (`postgres`, `sqlite` or both,
//! the default: which backends' steps run, for profiling one of them). Only 127.0.0.1 is ever sent to.

mod api;
mod load;
mod pgsql;
mod report;
mod server;
mod stats_data;
mod steps;
mod sweep;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use report::Results;

/// The harness's error type: anything, with its message.
pub type BoxResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// What a run is configured with.
pub struct Settings {
    pub scale: f64,
    pub server_binary: PathBuf,
    pub output: PathBuf,
    pub postgres_server: String,
    pub bulk_concurrency: usize,
    pub stats_repetitions: usize,
    pub run_postgres: bool,
    pub run_sqlite: bool,
}

impl Settings {
    fn from_env() -> BoxResult<Self> {
        let var = |key: &str| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
        let scale: f64 = match var("CPIMS_BENCH_SCALE") {
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|_| "CPIMS_BENCH_SCALE must be a number")?,
            None => 1.0,
        };
        if !(scale > 0.0 && scale <= 10.0) {
            return Err("CPIMS_BENCH_SCALE must be above 0 and at most 10".into());
        }
        let number = |key: &str, default: usize| -> BoxResult<usize> {
            match var(key) {
                Some(raw) => Ok(raw
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("{key} must be a whole number"))?
                    .clamp(1, 1000)),
                None => Ok(default),
            }
        };
        let exe = std::env::current_exe()?;
        let release_dir = exe.parent().ok_or("cannot locate the bench binary")?;
        let server_binary = var("CPIMS_BENCH_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| release_dir.join("cpims"));
        let output = var("CPIMS_BENCH_OUT")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                release_dir
                    .parent()
                    .unwrap_or(release_dir)
                    .join("bench")
                    .join("results.json")
            });
        let backends = var("CPIMS_BENCH_BACKENDS").unwrap_or_else(|| "postgres,sqlite".into());
        let backends: Vec<&str> = backends.split(',').map(str::trim).collect();
        if backends.is_empty()
            || backends
                .iter()
                .any(|backend| !matches!(*backend, "postgres" | "sqlite"))
        {
            return Err("CPIMS_BENCH_BACKENDS lists postgres, sqlite or both".into());
        }
        Ok(Settings {
            run_postgres: backends.contains(&"postgres"),
            run_sqlite: backends.contains(&"sqlite"),
            scale,
            server_binary,
            output,
            postgres_server: pgsql::server_url(),
            bulk_concurrency: number("CPIMS_BENCH_BULK_CONCURRENCY", 2)?,
            stats_repetitions: number("CPIMS_BENCH_STATS_REPETITIONS", 11)?,
        })
    }

    /// A step size: the full size times the scale, never below `minimum`.
    pub fn count(&self, full: usize, minimum: usize) -> usize {
        ((full as f64 * self.scale).round() as usize).max(minimum)
    }
}

fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("cpims-bench: {error}");
            return ExitCode::from(2);
        }
    };
    if !settings.server_binary.is_file() {
        eprintln!(
            "cpims-bench: no server binary at {} (build it with `cargo build --release --bin cpims`)",
            settings.server_binary.display()
        );
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cpims-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let results = runtime.block_on(run(&settings));
    println!();
    println!(
        "CP-IMS benchmark, scale {} ({:.0} s)",
        settings.scale,
        started.elapsed().as_secs_f64()
    );
    println!("{}", results.table());
    match results.write(&settings.output) {
        Ok(()) => println!("results written to {}", settings.output.display()),
        Err(error) => {
            eprintln!(
                "cpims-bench: writing {}: {error}",
                settings.output.display()
            );
            return ExitCode::FAILURE;
        }
    }
    if results.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs the PostgreSQL steps on a fresh database (dropped afterwards), then the SQLite step.
async fn run(settings: &Settings) -> Results {
    let mut results = Results {
        scale: settings.scale,
        ..Results::default()
    };
    if settings.run_postgres {
        let name = format!("cpims_bench_{}", chrono::Utc::now().format("%Y%m%d%H%M%S"));
        match pgsql::create_database(&settings.postgres_server, &name) {
            Ok(()) => {
                let url = pgsql::with_database(&settings.postgres_server, &name);
                if let Err(error) = steps::postgres(settings, &url, &mut results).await {
                    results.failures.push(format!("postgres steps: {error}"));
                }
                if let Err(error) = pgsql::drop_database(&settings.postgres_server, &name) {
                    results.failures.push(format!("dropping {name}: {error}"));
                }
            }
            Err(error) => results
                .failures
                .push(format!("creating database {name}: {error}")),
        }
    }
    if settings.run_sqlite {
        if let Err(error) = steps::sqlite(settings, &mut results).await {
            results.failures.push(format!("sqlite step: {error}"));
        }
    }
    results
}
