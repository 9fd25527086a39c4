//! CP-IMS storage: one diesel code path over PostgreSQL and SQLite, with pool, migrations and queries.

/// Inserts `$rows` (one row or many) into `$table` and gives the number written. Multi-row VALUES is
/// backend-specific under `MultiConnection`, so the insert runs on the concrete connection.
macro_rules! insert_rows {
    ($connection:expr, $table:expr, $rows:expr) => {
        match $connection {
            $crate::connection::AnyConnection::Postgresql(pg) => {
                diesel::insert_into($table).values($rows).execute(pg)
            }
            $crate::connection::AnyConnection::Sqlite(sqlite) => {
                diesel::insert_into($table).values($rows).execute(sqlite)
            }
        }
    };
}

/// Inserts a slice of rows like `insert_rows!`, but a lone row as a single-row INSERT: diesel keeps that
/// as a prepared statement on the connection, while a multi-row INSERT (whose text depends on the row
/// count) is parsed and planned anew every time, and most writes insert one row per table.
macro_rules! insert_slice {
    ($connection:expr, $table:expr, $rows:expr) => {{
        let rows: &[_] = $rows;
        match rows {
            [row] => insert_rows!($connection, $table, row),
            rows => insert_rows!($connection, $table, rows),
        }
    }};
}

pub mod backup;
pub mod codec;
pub mod connection;
pub mod error;
pub mod migrate;
pub mod page;
pub mod pool;
pub mod repo;
pub mod schema;
pub mod scope;
pub mod transaction;
pub mod vault;

pub use connection::{AnyConnection, DatabaseTarget};
pub use diesel::result as diesel_result;
pub use error::DbError;
pub use pool::{build_pool, checkout, DbPool, PoolSettings};
pub use transaction::{savepoint, write_transaction};
pub use vault::Vault;
