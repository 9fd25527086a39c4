//! One connection type over both backends, and the r2d2 manager that opens it from a parsed target.

use std::path::{Path, PathBuf};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Where the data lives, decided from the `DATABASE_URL` scheme and never by trial and error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Postgres(String),
    Sqlite(PathBuf),
}

/// The embedded default used when `DATABASE_URL` is unset.
pub const DEFAULT_SQLITE_PATH: &str = "./data/cpims.sqlite3";

/// A `DATABASE_URL` that names no usable backend.
#[derive(Debug, thiserror::Error)]
#[error("DATABASE_URL must be postgres://..., postgresql://..., sqlite://PATH or a file path")]
pub struct UnsupportedDatabaseUrl;

impl DatabaseTarget {
    /// Parses `DATABASE_URL`; `None` selects the embedded SQLite default.
    pub fn from_url(url: Option<&str>) -> Result<Self, UnsupportedDatabaseUrl> {
        let url = match url.map(str::trim) {
            None | Some("") => return Ok(Self::Sqlite(PathBuf::from(DEFAULT_SQLITE_PATH))),
            Some(url) => url,
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(UnsupportedDatabaseUrl);
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// The SQLite file, when this target is SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(path) => Some(path),
            Self::Postgres(_) => None,
        }
    }

    /// A name for logs that never includes credentials.
    pub fn describe(&self) -> String {
        match self {
            Self::Postgres(_) => "postgresql".to_owned(),
            Self::Sqlite(path) => format!("sqlite:{}", path.display()),
        }
    }
}

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;
/// [`SQLITE_BUSY_TIMEOUT_MS`] as a duration.
pub(crate) const SQLITE_BUSY_TIMEOUT: std::time::Duration =
    std::time::Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS as u64);

/// Opens connections for the pool: SQLite's pragmas, and PostgreSQL's statement timeout so that a
/// runaway query frees its connection instead of holding it hostage.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DatabaseTarget,
    statement_timeout_ms: u64,
}

impl ConnectionManager {
    pub fn new(target: DatabaseTarget, statement_timeout_ms: u64) -> Self {
        Self {
            target,
            statement_timeout_ms,
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match &self.target {
            DatabaseTarget::Postgres(url) => {
                let mut connection =
                    PgConnection::establish(url).map_err(diesel::r2d2::Error::ConnectionError)?;
                connection.set_instrumentation(ConnectionHealth::default());
                connection
                    .batch_execute(&format!(
                        "SET statement_timeout = {}",
                        self.statement_timeout_ms
                    ))
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Postgresql(connection))
            }
            DatabaseTarget::Sqlite(path) => {
                let url = path.to_string_lossy();
                let mut connection = SqliteConnection::establish(&url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                connection
                    .batch_execute(&format!(
                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                         PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA synchronous = NORMAL;"
                    ))
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(connection))
            }
        }
    }

    fn is_valid(&self, connection: &mut AnyConnection) -> Result<(), Self::Error> {
        diesel::sql_query("SELECT 1")
            .execute(connection)
            .map(|_| ())
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, connection: &mut AnyConnection) -> bool {
        // A connection given back inside a transaction (its holder panicked, or a batch rolled back
        // only part of its savepoints) would turn the next holder's transaction into a savepoint
        // that never commits: it is discarded instead.
        if std::thread::panicking() || !outside_transaction(connection) {
            return true;
        }
        match connection {
            AnyConnection::Postgresql(pg) => pg
                .instrumentation()
                .downcast_ref::<ConnectionHealth>()
                .is_some_and(|health| health.lost),
            // A SQLite connection is a file handle: it cannot lose its server.
            AnyConnection::Sqlite(_) => false,
        }
    }
}

/// True when the connection's transaction manager is sound and no transaction is open.
fn outside_transaction(connection: &mut AnyConnection) -> bool {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let depth = match connection {
        AnyConnection::Postgresql(pg) => {
            AnsiTransactionManager::transaction_manager_status_mut(pg).transaction_depth()
        }
        AnyConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth()
        }
    };
    matches!(depth, Ok(None))
}

/// Watches a PostgreSQL connection's statements for the errors of a lost server (it restarted, or the
/// network dropped), so the pool discards the connection when it is returned instead of handing a dead
/// one out again, and without testing every checkout with a round trip.
#[derive(Debug, Default)]
struct ConnectionHealth {
    lost: bool,
}

impl Instrumentation for ConnectionHealth {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        use diesel::result::{DatabaseErrorKind, Error};
        if let InstrumentationEvent::FinishQuery {
            error: Some(Error::DatabaseError(kind, _)),
            ..
        } = event
        {
            if matches!(
                kind,
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand
            ) {
                self.lost = true;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn url_scheme_selects_the_backend() {
        assert_eq!(
            DatabaseTarget::from_url(None).ok(),
            Some(DatabaseTarget::Sqlite(PathBuf::from(DEFAULT_SQLITE_PATH)))
        );
        assert_eq!(
            DatabaseTarget::from_url(Some("postgres://u@h/db")).ok(),
            Some(DatabaseTarget::Postgres("postgres://u@h/db".into()))
        );
        assert_eq!(
            DatabaseTarget::from_url(Some("sqlite:///tmp/x.db")).ok(),
            Some(DatabaseTarget::Sqlite(PathBuf::from("/tmp/x.db")))
        );
        assert_eq!(
            DatabaseTarget::from_url(Some("data/x.db")).ok(),
            Some(DatabaseTarget::Sqlite(PathBuf::from("data/x.db")))
        );
        assert!(DatabaseTarget::from_url(Some("mysql://h/db")).is_err());
    }

    #[test]
    fn a_connection_given_back_inside_a_transaction_is_discarded() {
        use diesel::connection::TransactionManager;
        let dir = tempfile::tempdir().expect("temp dir");
        let target = DatabaseTarget::Sqlite(dir.path().join("pool.sqlite3"));
        let pool =
            crate::pool::build_pool(&target, &crate::pool::PoolSettings::default()).expect("pool");
        let mut connection = crate::pool::checkout(&pool).expect("checkout");
        <AnyConnection as Connection>::TransactionManager::begin_transaction(&mut *connection)
            .expect("begin");
        assert!(!outside_transaction(&mut connection));
        drop(connection);
        assert_eq!(
            pool.state().connections,
            0,
            "the open transaction was discarded"
        );

        let mut fresh = crate::pool::checkout(&pool).expect("checkout");
        assert!(outside_transaction(&mut fresh));
        drop(fresh);
        assert_eq!(pool.state().connections, 1, "a clean connection is kept");
    }
}
