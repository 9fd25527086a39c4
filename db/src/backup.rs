//! What backups and restores ask of the database itself: SQLite's online copy and its integrity
//! check, whether a restore target is empty, and which data keys the stored personal values are
//! sealed under (keys are never inside a backup, so the operator must be told which to keep).

use std::collections::BTreeSet;
use std::path::Path;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::children;
use crate::vault::{KEY_ID_CHARS, PREFIX};

/// Every column that holds sealed values, as (table, column). Key rotation and the at-rest tests name
/// the same columns; milestones' notes and withdrawal reasons are sealed too.
pub const SEALED_COLUMNS: &[(&str, &str)] = &[
    ("children", "given_name"),
    ("children", "family_name"),
    ("children", "identifier"),
    ("children", "guardian_name"),
    ("children", "guardian_phone"),
    ("incidents", "narrative"),
    ("referrals", "reason"),
    ("record_history", "old_value"),
    ("record_history", "new_value"),
    ("idempotency_keys", "response_body"),
    ("status_transitions", "note"),
    ("milestones", "note"),
    ("milestones", "withdrawal_reason"),
];

/// Opens one connection to a SQLite file outside any pool: the pool's connections switch the file to
/// WAL, which would leave a backup as several files instead of one.
pub fn open_sqlite(path: &Path) -> Result<AnyConnection, DbError> {
    let url = path
        .to_str()
        .ok_or_else(|| DbError::Internal(format!("{} is not a UTF-8 path", path.display())))?;
    SqliteConnection::establish(url)
        .map(AnyConnection::Sqlite)
        .map_err(|error| DbError::Internal(format!("cannot open {}: {error}", path.display())))
}

/// Writes a consistent copy of a live SQLite database to `out` (which must not exist, or be empty).
/// `VACUUM INTO` reads inside one read transaction, so writers carry on and the copy is one moment of
/// the database; copying the file under WAL could miss committed pages or tear them.
pub fn vacuum_into(connection: &mut AnyConnection, out: &Path) -> Result<(), DbError> {
    let AnyConnection::Sqlite(sqlite) = connection else {
        return Err(DbError::Internal("VACUUM INTO is SQLite's".to_owned()));
    };
    let out = out
        .to_str()
        .ok_or_else(|| DbError::Internal(format!("{} is not a UTF-8 path", out.display())))?;
    // The target is an expression, so it is bound rather than quoted into the statement.
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(out)
        .execute(sqlite)?;
    Ok(())
}

/// Makes a SQLite file self-contained: rollback journal mode, so no `-wal` file belongs with it.
pub fn use_rollback_journal(connection: &mut AnyConnection) -> Result<(), DbError> {
    if let AnyConnection::Sqlite(sqlite) = connection {
        diesel::sql_query("PRAGMA journal_mode = DELETE").execute(sqlite)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// SQLite's `PRAGMA integrity_check`: the problems it lists, empty when it answers `ok`.
pub fn integrity_problems(connection: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    let AnyConnection::Sqlite(sqlite) = connection else {
        return Ok(Vec::new());
    };
    let rows = diesel::sql_query("PRAGMA integrity_check").load::<IntegrityRow>(sqlite)?;
    Ok(rows
        .into_iter()
        .map(|row| row.integrity_check)
        .filter(|line| line != "ok")
        .collect())
}

/// What a restore target already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contents {
    /// Tables of any kind (the schema of a server that started once counts).
    pub tables: i64,
    /// Agencies, users and children together, when those tables exist.
    pub records: i64,
}

impl Contents {
    pub fn is_empty(&self) -> bool {
        self.tables == 0 && self.records == 0
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Counts the tables, and the agencies, users and children if their tables exist.
pub fn contents(connection: &mut AnyConnection) -> Result<Contents, DbError> {
    let count = |connection: &mut AnyConnection, sql: &str| -> Result<i64, DbError> {
        Ok(diesel::sql_query(sql).get_result::<Count>(connection)?.n)
    };
    let (tables, core_tables) = match connection {
        AnyConnection::Postgresql(_) => (
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public' \
             AND table_name IN ('agencies', 'users', 'children')",
        ),
        AnyConnection::Sqlite(_) => (
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'",
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' \
             AND name IN ('agencies', 'users', 'children')",
        ),
    };
    let tables = count(connection, tables)?;
    let records = if count(connection, core_tables)? == 3 {
        count(
            connection,
            "SELECT (SELECT COUNT(*) FROM agencies) + (SELECT COUNT(*) FROM users) \
             + (SELECT COUNT(*) FROM children) AS n",
        )?
    } else {
        0
    };
    Ok(Contents { tables, records })
}

#[derive(QueryableByName)]
struct KeyId {
    #[diesel(sql_type = Text)]
    key_id: String,
}

/// The ids of every data key a stored value is sealed under, over every sealed column.
pub fn sealed_key_ids(connection: &mut AnyConnection) -> Result<BTreeSet<String>, DbError> {
    let mut ids = BTreeSet::new();
    // Ids have a fixed length, so SQL cuts them out and only the distinct ones leave the database.
    let start = PREFIX.len() + 1;
    for (table, column) in SEALED_COLUMNS {
        let rows = diesel::sql_query(format!(
            "SELECT DISTINCT substr({column}, {start}, {KEY_ID_CHARS}) AS key_id FROM {table} \
             WHERE {column} LIKE '{PREFIX}%'"
        ))
        .load::<KeyId>(connection)?;
        ids.extend(rows.into_iter().map(|row| row.key_id));
    }
    Ok(ids)
}

/// One child's sealed given name with the child's id (the value's associated data), to prove that a
/// key really opens what is stored; `None` when no child has a sealed given name.
pub fn sample_sealed_value(
    connection: &mut AnyConnection,
) -> Result<Option<(String, String)>, DbError> {
    let row = children::table
        .filter(children::given_name.like(format!("{PREFIX}%")))
        .select((children::id, children::given_name))
        .first::<(String, Option<String>)>(connection)
        .optional()?;
    Ok(row.and_then(|(id, value)| value.map(|value| (id, value))))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_empty_and_a_copy_keeps_its_rows() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = dir.path().join("source.sqlite3");
        let mut connection = open_sqlite(&source).expect("opens");
        assert!(contents(&mut connection).expect("counts").is_empty());
        crate::migrate::run_pending_migrations(&mut connection).expect("migrates");
        let migrated = contents(&mut connection).expect("counts");
        assert!(migrated.tables > 0 && migrated.records == 0);
        assert!(sealed_key_ids(&mut connection).expect("scans").is_empty());
        assert_eq!(sample_sealed_value(&mut connection).expect("reads"), None);
        let copy = dir.path().join("copy.sqlite3");
        vacuum_into(&mut connection, &copy).expect("copies");
        let mut copied = open_sqlite(&copy).expect("opens the copy");
        assert!(integrity_problems(&mut copied).expect("checks").is_empty());
        assert_eq!(
            contents(&mut copied).expect("counts").tables,
            migrated.tables
        );
        assert!(
            vacuum_into(&mut connection, &copy).is_err(),
            "never over a file"
        );
    }
}
