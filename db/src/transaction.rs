//! Write transactions that behave the same on both backends.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use parking_lot::Mutex;

use crate::connection::{AnyConnection, SQLITE_BUSY_TIMEOUT};

/// SQLite lets one transaction write at a time. Writers of this process take turns on this lock,
/// so a waiting writer is woken the moment the one before it commits. SQLite's own busy handler
/// sleeps between retries instead (up to 100 ms each), so a writer that lost a race waited far longer
/// than the commit it waited for (`make bench`: p99 of concurrent creates 80 -> 57 ms, throughput
/// unchanged). One lock serves every SQLite database of the process, which is one in production;
/// writers from other processes on the same file still meet busy_timeout.
static SQLITE_WRITER: Mutex<()> = Mutex::new(());

/// Runs `work` in a transaction that is committed only if it returns `Ok`.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, taking the write lock up front: a
/// deferred transaction that reads and then writes can fail with `SQLITE_BUSY` when two writers
/// race, which busy_timeout cannot cure. It waits its turn on [`SQLITE_WRITER`] first, for as long
/// as busy_timeout would have allowed. Inside a transaction it runs as a savepoint.
pub fn write_transaction<T, E, F>(connection: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let nested = sqlite(connection).map(|sqlite| {
        AnsiTransactionManager::transaction_manager_status_mut(sqlite)
            .transaction_depth()
            .is_ok_and(|depth| depth.is_some())
    });
    // PostgreSQL, or already inside a transaction (which then becomes a savepoint).
    if nested != Some(false) {
        return connection.transaction(work);
    }
    let Some(_turn) = SQLITE_WRITER.try_lock_for(SQLITE_BUSY_TIMEOUT) else {
        return Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::Unknown,
            Box::new(crate::error::SQLITE_LOCKED.to_owned()),
        )
        .into());
    };
    with_sqlite(connection, |sqlite| {
        AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
    })?;
    let outcome = work(connection);
    match outcome {
        Ok(value) => match with_sqlite(connection, AnsiTransactionManager::commit_transaction) {
            Ok(()) => Ok(value),
            Err(commit_error) => {
                let _ = with_sqlite(connection, AnsiTransactionManager::rollback_transaction);
                Err(commit_error.into())
            }
        },
        Err(error) => {
            with_sqlite(connection, AnsiTransactionManager::rollback_transaction)?;
            Err(error)
        }
    }
}

fn sqlite(connection: &mut AnyConnection) -> Option<&mut SqliteConnection> {
    match connection {
        AnyConnection::Sqlite(sqlite) => Some(sqlite),
        AnyConnection::Postgresql(_) => None,
    }
}

fn with_sqlite(
    connection: &mut AnyConnection,
    step: impl FnOnce(&mut SqliteConnection) -> diesel::QueryResult<()>,
) -> diesel::QueryResult<()> {
    match sqlite(connection) {
        Some(sqlite) => step(sqlite),
        None => Err(diesel::result::Error::BrokenTransactionManager),
    }
}

/// Runs `work` in a savepoint inside the current transaction: on `Err` only its own writes are undone.
pub fn savepoint<T, E, F>(connection: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    connection.transaction(work)
}
