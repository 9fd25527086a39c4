//! Both backends hold the same logical schema after migrating.

use std::collections::BTreeSet;

use cpims_db::{AnyConnection, DatabaseTarget, PoolSettings};
use cpims_tests::{Backend, TestDatabase};
use diesel::sql_types::{Bool, Text};
use diesel::{QueryableByName, RunQueryDsl};

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

fn columns_of(database: &TestDatabase) -> BTreeSet<(String, String, bool)> {
    let target = DatabaseTarget::from_url(Some(&database.url)).unwrap();
    let pool = cpims_db::build_pool(&target, &PoolSettings::default()).unwrap();
    let mut connection = cpims_db::checkout(&pool).unwrap();
    cpims_db::migrate::run_pending_migrations(&mut connection).unwrap();
    let query = match &mut *connection {
        AnyConnection::Postgresql(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
             (is_nullable = 'YES') AS nullable FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '\\_\\_diesel%'"
        }
        AnyConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, \
             (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND m.name NOT LIKE '\\_\\_diesel%' ESCAPE '\\'"
        }
    };
    let rows: Vec<Column> = diesel::sql_query(query).load(&mut *connection).unwrap();
    rows.into_iter()
        .map(|c| (c.table_name, c.column_name, c.nullable))
        .collect()
}

#[test]
fn sqlite_and_postgres_hold_the_same_tables_and_columns() {
    // Needs both servers; it runs in the PostgreSQL pass of the suite (CI always runs it).
    if cpims_tests::backend() != Backend::Postgres {
        return;
    }
    let sqlite = columns_of(&TestDatabase::create_for(Backend::Sqlite));
    let postgres = columns_of(&TestDatabase::create_for(Backend::Postgres));
    assert!(
        sqlite.iter().any(|(table, _, _)| table == "users"),
        "{sqlite:?}"
    );
    assert_eq!(sqlite, postgres);
}
