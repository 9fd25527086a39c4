//! Embedded migrations, one directory per backend holding the same logical schema.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::connection::AnyConnection;
use crate::error::DbError;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Applies every pending migration for the connection's backend; returns how many ran.
pub fn run_pending_migrations(connection: &mut AnyConnection) -> Result<usize, DbError> {
    let applied = match connection {
        AnyConnection::Postgresql(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS),
        AnyConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|error| DbError::Internal(format!("migration failed: {error}")))?;
    Ok(applied.len())
}
