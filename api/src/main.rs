//! The `cpims` binary: serve (default), migrate, create-admin, seed-demo, openapi, audit, keys,
//! retention, deadlines, backup, restore.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cpims_api::config::Config;
use cpims_api::server::{self, StartupError};

#[derive(Parser)]
#[command(
    name = "cpims",
    version,
    about = "Child Protection Information Management System API"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an administrator; the password is read from standard input.
    CreateAdmin {
        #[arg(long)]
        username: String,
        /// The agency's name; created as a commission if it does not exist.
        #[arg(long)]
        agency: String,
    },
    /// Fill an empty database with a fictional demo data set and print the demo users' passwords.
    SeedDemo {
        /// The same seed gives the same records; passwords are new on every run.
        #[arg(long, default_value_t = cpims_api::seed::DEFAULT_SEED)]
        seed: u64,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Check the audit log's hash chain, or export its head to keep outside the database.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Manage the keys personal data is encrypted under.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
    /// Anonymise records past their retention period (`CPIMS_RETENTION_YEARS`).
    Retention {
        #[command(subcommand)]
        action: RetentionCommand,
    },
    /// Deadline alerts.
    Deadlines {
        #[command(subcommand)]
        action: DeadlinesCommand,
    },
    /// Write a consistent, checked backup of the database (while the server runs) to a new file;
    /// print a JSON report naming the keys to keep with it (a backup holds no key).
    Backup {
        /// The file to write; an existing file is never overwritten.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a backup into an empty database (DATABASE_URL), then check that the configured data
    /// key opens its personal data; print a JSON report.
    Restore {
        /// A file written by `cpims backup`.
        #[arg(long)]
        from: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum DeadlinesCommand {
    /// Raise now every due-soon and overdue alert not yet raised (what each server does every
    /// CPIMS_DEADLINE_SWEEP_INTERVAL_MS); print a JSON report with the time it took.
    Sweep,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Re-encrypt every personal value under CPIMS_DATA_KEY (values under the keys in
    /// CPIMS_DATA_KEYS_OLD, or not yet encrypted). Resumable: run it again after an interruption.
    Rotate {
        /// Stop after rewriting this many rows (the rest on the next run).
        #[arg(long)]
        limit: Option<usize>,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Anonymise incidents closed longer ago than the retention period, and their children once no
    /// open record needs them; print a JSON report.
    Run,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the whole chain and print a JSON report; exit 0 when intact, 1 when broken.
    Verify {
        /// A head written by `cpims audit export`: the chain must still extend it.
        #[arg(long)]
        head: Option<std::path::PathBuf>,
    },
    /// Write the chain head (`{"entries": N, "hash": "..."}`) to a file, or standard output.
    Export {
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let inherited_arenas = std::env::var_os(cpims_api::malloc_arenas::ARENA_VARIABLE);
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", cpims_api::openapi::openapi_json());
        return ExitCode::SUCCESS;
    }
    let serving = matches!(cli.command, None | Some(Command::Serve));
    let reexec_failure = serving
        .then(|| cpims_api::malloc_arenas::reexec_with_bounded_arenas(inherited_arenas.as_deref()))
        .flatten();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("cpims: {error}");
            return ExitCode::from(2);
        }
    };
    cpims_api::telemetry::init(config.log_format);
    if let Some(error) = reexec_failure {
        tracing::warn!(%error, "could not restart with bounded malloc arenas; running with glibc's defaults");
    }
    if let Some(Command::Audit { action }) = cli.command {
        return audit(config, action);
    }
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => migrate(config),
        Command::CreateAdmin { username, agency } => create_admin(config, &username, &agency),
        Command::SeedDemo { seed } => seed_demo(config, seed),
        Command::Keys {
            action: KeysCommand::Rotate { limit },
        } => rotate_keys(config, limit),
        Command::Retention {
            action: RetentionCommand::Run,
        } => run_retention(config),
        Command::Deadlines {
            action: DeadlinesCommand::Sweep,
        } => sweep_deadlines(config),
        Command::Backup { out } => cpims_api::cli::backup::backup(&config, &out)
            .map(|report| println!("{}", cpims_api::cli::backup::report_json(&report)))
            .map_err(|error| error.to_string()),
        Command::Restore { from } => cpims_api::cli::backup::restore(&config, &from)
            .map(|report| println!("{}", cpims_api::cli::backup::report_json(&report)))
            .map_err(|error| error.to_string()),
        Command::Openapi | Command::Audit { .. } => Ok(()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cpims: {message}");
            ExitCode::FAILURE
        }
    }
}

fn audit(config: Config, action: AuditCommand) -> ExitCode {
    let pool = match cpims_db::build_pool(&config.database, &config.pool) {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("cpims: {error}");
            return ExitCode::from(2);
        }
    };
    let outcome = match action {
        AuditCommand::Verify { head } => {
            cpims_api::audit_cli::verify(&pool, head.as_deref()).map(|report| {
                println!("{}", cpims_api::audit_cli::report_json(&report));
                report.ok
            })
        }
        AuditCommand::Export { out } => cpims_api::audit_cli::export(&pool).and_then(|anchor| {
            let json = cpims_api::audit_cli::anchor_json(&anchor);
            match out {
                Some(path) => std::fs::write(&path, json)
                    .map_err(|error| format!("writing {}: {error}", path.display())),
                None => {
                    print!("{json}");
                    Ok(())
                }
            }
            .map(|()| true)
        }),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("cpims: {message}");
            ExitCode::from(2)
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    let backend = config.database.describe();
    let state = server::prepare_state(config).map_err(|error| error.to_string())?;
    actix_web::rt::System::new().block_on(async move {
        let (server, address) = server::bind_and_serve(state).map_err(|error| error.to_string())?;
        tracing::info!(%address, %backend, "cpims listening");
        server.await.map_err(|error| error.to_string())
    })
}

fn migrate(config: Config) -> Result<(), String> {
    let pool = cpims_db::build_pool(&config.database, &config.pool).map_err(|e| e.to_string())?;
    let mut connection = cpims_db::checkout(&pool).map_err(|e| e.to_string())?;
    let applied =
        cpims_db::migrate::run_pending_migrations(&mut connection).map_err(|e| e.to_string())?;
    println!(
        "applied {applied} migration(s) to {}",
        config.database.describe()
    );
    Ok(())
}

fn create_admin(config: Config, username: &str, agency: &str) -> Result<(), String> {
    let state = server::prepare_state(config).map_err(|error: StartupError| error.to_string())?;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for {username} (at least 12 characters): ");
        let _ = std::io::stderr().flush();
    }
    let mut password = String::new();
    stdin
        .lock()
        .read_line(&mut password)
        .map_err(|error| format!("reading password: {error}"))?;
    let password = password.trim_end_matches(['\r', '\n']);
    let user = cpims_api::admin::create_admin(&state.pool, username, agency, password).map_err(
        |error| match error {
            cpims_api::error::ApiError::Validation(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        },
    )?;
    println!(
        "created admin {} (id {}) in agency {}",
        user.username, user.id, user.agency_id
    );
    Ok(())
}

fn rotate_keys(config: Config, limit: Option<usize>) -> Result<(), String> {
    let state = server::prepare_state(config).map_err(|error: StartupError| error.to_string())?;
    let report = cpims_api::keys_cli::rotate(&state.pool, &state.vault, limit)?;
    println!(
        "{}",
        cpims_api::keys_cli::report_json(&state.vault, &report)
    );
    Ok(())
}

fn run_retention(config: Config) -> Result<(), String> {
    let years = config.retention_years;
    let state = server::prepare_state(config).map_err(|error: StartupError| error.to_string())?;
    let report =
        cpims_api::app::retention::run(&state.pool, &state.vault, years, cpims_db::page::now())
            .map_err(|error| error.to_string())?;
    println!("{}", serde_json::to_string(&report).unwrap_or_default());
    Ok(())
}

fn sweep_deadlines(config: Config) -> Result<(), String> {
    let state = server::prepare_state(config).map_err(|error: StartupError| error.to_string())?;
    let started = std::time::Instant::now();
    let report = cpims_api::app::alerts::sweep(&state.pool, &state.timekeeping())
        .map_err(|error| error.to_string())?;
    let report = serde_json::json!({
        "due_soon": report.due_soon,
        "overdue": report.overdue,
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{report}");
    Ok(())
}

fn seed_demo(config: Config, seed: u64) -> Result<(), String> {
    let state = server::prepare_state(config).map_err(|error: StartupError| error.to_string())?;
    let started = std::time::Instant::now();
    let summary = cpims_api::seed::seed_demo(&state.pool, &state.vault, seed)
        .map_err(|error| error.to_string())?;
    let counts = |pairs: Vec<String>| pairs.join(", ");
    println!(
        "seeded demo data (seed {}) in {:.1} s: {} agencies, {} users, {} children, {} incidents, \
         {} referrals, {} status transitions",
        summary.seed,
        started.elapsed().as_secs_f64(),
        summary.agencies,
        summary.users.len(),
        summary.children,
        summary.incidents,
        summary.referrals,
        summary.transitions,
    );
    println!(
        "incidents by status: {}",
        counts(
            summary
                .incidents_by_status
                .iter()
                .map(|(status, count)| format!("{status} {count}"))
                .collect()
        )
    );
    println!(
        "referrals by status: {}",
        counts(
            summary
                .referrals_by_status
                .iter()
                .map(|(status, count)| format!("{status} {count}"))
                .collect()
        )
    );
    println!(
        "complaints by status: {}",
        counts(
            summary
                .complaints_by_status
                .iter()
                .map(|(status, count)| format!("{status} {count}"))
                .collect()
        )
    );
    println!();
    println!("Demo users (passwords are shown only now; an admin can set new ones with PATCH /api/v1/users/{{id}}):");
    println!(
        "{:<28} {:<17} {:<22} agency",
        "username", "role", "password"
    );
    for user in &summary.users {
        println!(
            "{:<28} {:<17} {:<22} {}",
            user.username,
            user.role.as_str(),
            user.password,
            user.agency
        );
    }
    Ok(())
}
