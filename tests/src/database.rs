//! A fresh, isolated database per test: a temporary SQLite file, or a new PostgreSQL database that is
//! dropped afterwards.

use diesel::{Connection, PgConnection, RunQueryDsl};

/// The backend the suite runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Reads `CPIMS_TEST_BACKEND` (`sqlite` by default).
pub fn backend() -> Backend {
    match std::env::var("CPIMS_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("CPIMS_TEST_BACKEND must be sqlite or postgres, not {other}"),
    }
}

/// The PostgreSQL server URL used to create test databases.
pub fn postgres_admin_url() -> String {
    std::env::var("CPIMS_TEST_POSTGRES_URL")
        .expect("CPIMS_TEST_POSTGRES_URL must be set when CPIMS_TEST_BACKEND=postgres")
}

/// One test's database.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    postgres_name: Option<String>,
    _directory: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// Creates a database of the backend under test.
    pub fn create() -> Self {
        Self::create_for(backend())
    }

    /// The same database again, for a second server on it; dropping it leaves the database alone.
    pub fn shared(&self) -> Self {
        TestDatabase {
            url: self.url.clone(),
            backend: self.backend,
            postgres_name: None,
            _directory: None,
        }
    }

    /// The SQLite file, when the backend is SQLite.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.url
            .strip_prefix("sqlite://")
            .map(std::path::PathBuf::from)
    }

    /// Creates a database of the given backend.
    pub fn create_for(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let directory = tempfile::tempdir().unwrap();
                let url = format!(
                    "sqlite://{}",
                    directory.path().join("cpims.sqlite3").display()
                );
                TestDatabase {
                    url,
                    backend,
                    postgres_name: None,
                    _directory: Some(directory),
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("cpims_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin =
                    PgConnection::establish(&admin_url).expect("PostgreSQL is reachable");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .unwrap();
                TestDatabase {
                    url: with_database(&admin_url, &name),
                    backend,
                    postgres_name: Some(name),
                    _directory: None,
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(name) = &self.postgres_name {
            if let Ok(mut admin) = PgConnection::establish(&postgres_admin_url()) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}

/// Replaces the database name in a PostgreSQL URL, keeping credentials, host and query.
fn with_database(url: &str, database: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let after_scheme = without_query.find("://").map_or(0, |index| index + 3);
    let host_end = without_query[after_scheme..]
        .find('/')
        .map_or(without_query.len(), |i| after_scheme + i);
    let mut result = format!("{}/{}", &without_query[..host_end], database);
    if let Some(query) = query {
        result.push('?');
        result.push_str(query);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "x"),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
