//! The connection pool and the one way handlers get at a connection.

use std::time::Duration;

use crate::connection::{AnyConnection, ConnectionManager, DatabaseTarget};
use crate::error::DbError;

/// A pool of connections to the configured backend.
pub type DbPool = r2d2::Pool<ConnectionManager>;
/// A connection checked out of the pool.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// How the pool is sized and how long a request may wait for a connection.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_size: u32,
    pub checkout_timeout: Duration,
    /// PostgreSQL cancels a statement running longer than this (0 disables the limit).
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: 10,
            checkout_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

/// Builds the pool, creating the SQLite file's directory when needed. Does not wait for the database:
/// a server started before its database answers 503 until the database is back.
pub fn build_pool(target: &DatabaseTarget, settings: &PoolSettings) -> Result<DbPool, DbError> {
    if let Some(path) = target.sqlite_path() {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|error| {
                DbError::Internal(format!("cannot create {}: {error}", dir.display()))
            })?;
        }
    }
    // SQLite allows one writer at a time; a small pool avoids piling writers onto busy_timeout.
    let max_size = match target {
        DatabaseTarget::Sqlite(_) => settings.max_size.min(4),
        DatabaseTarget::Postgres(_) => settings.max_size,
    };
    // Checkouts are not tested with a round trip: a PostgreSQL connection that loses its server is
    // reported broken by the manager when it is returned (see `ConnectionHealth`) and replaced, so the
    // server recovers by itself once the database is back.
    Ok(r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(settings.checkout_timeout)
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager::new(
            target.clone(),
            u64::try_from(settings.statement_timeout.as_millis()).unwrap_or(u64::MAX),
        )))
}

/// Checks a connection out of the pool; a timeout means the database is unavailable.
pub fn checkout(pool: &DbPool) -> Result<PooledConnection, DbError> {
    pool.get()
        .map_err(|error| DbError::Unavailable(error.to_string()))
}

/// Runs `SELECT 1`, for readiness checks.
pub fn ping(connection: &mut AnyConnection) -> Result<(), DbError> {
    use diesel::RunQueryDsl;
    diesel::sql_query("SELECT 1").execute(connection)?;
    Ok(())
}
