//! Building and running the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, DefaultHeaders};
use actix_web::web::{self, PayloadConfig, QueryConfig};
use actix_web::{App, HttpResponse, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::auth::throttle::LoginGuard;
use crate::auth::token::TokenKeys;
use crate::background::webhooks::worker::WorkerSettings;
use crate::config::{Config, ConfigError};
use crate::routes;
use crate::state::AppState;
use crate::telemetry::CpimsRootSpan;
use cpims_db::repo::login_throttle::ThrottlePolicy;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Database(#[from] cpims_db::DbError),
    #[error("cannot bind {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

/// Opens the pool, applies pending migrations (and the corrections of stored records they queue) and
/// loads the signing secret.
pub fn prepare_state(config: Config) -> Result<AppState, StartupError> {
    let secret = crate::secrets::jwt_secret(&config)?;
    let vault = std::sync::Arc::new(crate::secrets::vault(&config)?);
    let pool = cpims_db::build_pool(&config.database, &config.pool)?;
    let mut connection = cpims_db::checkout(&pool)?;
    let applied = cpims_db::migrate::run_pending_migrations(&mut connection)?;
    drop(connection);
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    let tokens = TokenKeys::new(secret.as_bytes(), config.token_lifetime_secs);
    let read_audit =
        crate::background::audit_batch::AuditBatcher::start(pool.clone()).map_err(|error| {
            cpims_db::DbError::Internal(format!("cannot start the audit writer: {error}"))
        })?;
    let sqlite_creates = match &config.database {
        cpims_db::DatabaseTarget::Sqlite(_) => Some(
            crate::background::write_batch::WriteBatcher::start(pool.clone()).map_err(|error| {
                cpims_db::DbError::Internal(format!("cannot start the write batch writer: {error}"))
            })?,
        ),
        cpims_db::DatabaseTarget::Postgres(_) => None,
    };
    let analytics_pool = match &config.analytics_database {
        Some(replica) => cpims_db::build_pool(replica, &config.pool)?,
        None => pool.clone(),
    };
    let login = LoginGuard::new(
        ThrottlePolicy {
            max_failures: config.login_max_failures,
            window: chrono::Duration::seconds(config.login_window_secs),
            lock: chrono::Duration::seconds(config.login_lock_secs),
        },
        config.password_hash_concurrency,
    );
    let config_spans = config.deadline_spans.clone();
    let state = AppState {
        pool,
        analytics_pool,
        tokens,
        login,
        config,
        vault,
        read_audit,
        sqlite_creates,
        clock: crate::clock::Clock::system(),
        rules: cpims_domain::deadlines::rules_in_force(&config_spans).into(),
    };
    // Records an upgrade found wrong are corrected before anyone reads them (see app::corrections).
    let corrected =
        crate::app::corrections::run_pending(&state.pool, &state.vault, &state.timekeeping())
            .map_err(|error| {
                cpims_db::DbError::Internal(format!("correcting stored records failed: {error:?}"))
            })?;
    if !corrected.completed.is_empty() {
        tracing::info!(
            corrections = ?corrected.completed,
            records = corrected.corrected,
            "corrected stored records"
        );
    }
    Ok(state)
}

/// Starts serving on an already-bound listener; the returned server runs when awaited. The webhook
/// delivery worker and the background sequencer start with it and stop once the server is stopped or
/// dropped.
pub fn serve(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let workers = state.config.workers;
    let alive = Arc::new(());
    crate::background::webhooks::worker::spawn(
        state.pool.clone(),
        WorkerSettings::from_config(&state.config),
        Arc::downgrade(&alive),
    );
    crate::background::sequencer::spawn(
        state.pool.clone(),
        state.config.sequencer_interval,
        Arc::downgrade(&alive),
    );
    crate::background::deadline_sweep::spawn(
        state.pool.clone(),
        state.clock.clone(),
        state.rules.clone(),
        state.config.deadline_sweep_interval,
        Arc::downgrade(&alive),
    );
    // Every window's length (but at least a minute, at most an hour) between prunes of ended windows.
    let longest_window = state.config.public_limits.longest_window();
    crate::background::rate_limit_prune::spawn(
        state.pool.clone(),
        state.clock.clone(),
        longest_window,
        longest_window
            .to_std()
            .unwrap_or(Duration::from_secs(3_600))
            .clamp(Duration::from_secs(60), Duration::from_secs(3_600)),
        Arc::downgrade(&alive),
    );
    let header_timeout = state.config.client_header_timeout;
    let data = web::Data::new(state);
    let mut server = HttpServer::new(move || {
        // The factory owns the worker's liveness token: it lives exactly as long as the server.
        let _alive = &alive;
        let config = &data.config;
        let cors = config
            .cors_origins
            .iter()
            .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
            .allowed_methods(["GET", "POST", "PATCH", "DELETE"])
            .allowed_headers([
                "authorization",
                "content-type",
                "if-match",
                "idempotency-key",
                "x-request-id",
            ])
            .expose_headers([
                "etag",
                "location",
                "x-request-id",
                "retry-after",
                "idempotent-replayed",
            ])
            .max_age(600);
        App::new()
            .app_data(data.clone())
            .app_data(PayloadConfig::new(config.max_body_bytes))
            .app_data(QueryConfig::default().error_handler(crate::extract::query_error))
            .wrap(cors)
            .wrap(TracingLogger::<CpimsRootSpan>::new())
            .wrap(from_fn(crate::request_id::attach))
            .configure(routes::probes)
            .service(
                web::scope("/api/v1")
                    .wrap(from_fn(crate::idempotency::guard))
                    .wrap(
                        DefaultHeaders::new()
                            .add(("Cache-Control", "no-store"))
                            .add(("X-Content-Type-Options", "nosniff")),
                    )
                    .configure(routes::api_v1),
            )
            .service(web::resource("/docs").to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header(("Location", "/docs/"))
                    .finish()
            }))
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .config(SwaggerConfig::from("/api-docs/openapi.json")),
            )
            .default_service(web::to(routes::not_found))
    })
    .client_request_timeout(header_timeout)
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// Binds the configured address and starts serving.
pub fn bind_and_serve(state: AppState) -> Result<(Server, std::net::SocketAddr), StartupError> {
    let address = state.config.bind.clone();
    let listener = TcpListener::bind(&address).map_err(|source| StartupError::Bind {
        address: address.clone(),
        source,
    })?;
    let local = listener
        .local_addr()
        .map_err(|source| StartupError::Bind { address, source })?;
    let server = serve(state, listener).map_err(|source| StartupError::Bind {
        address: local.to_string(),
        source,
    })?;
    Ok((server, local))
}
