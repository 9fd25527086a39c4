//! Personal data protection: values encrypted at rest yet served and found by lookup, key rotation,
//! and retention's anonymisation that leaves statistics unchanged.

mod anonymised;
mod at_rest;
mod retention;
mod rotation;

use cpims_tests::{Backend, TestApp};

/// Everything the database holds, as raw bytes: the SQLite files (main, WAL), or a `pg_dump`.
pub fn raw_storage(app: &TestApp) -> Vec<u8> {
    match app.database.backend {
        Backend::Sqlite => {
            let path = app.database.sqlite_path().expect("SQLite path");
            let dir = path.parent().expect("SQLite directory");
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .to_string();
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(dir).expect("directory lists") {
                let entry = entry.expect("entry");
                if entry.file_name().to_string_lossy().starts_with(&name) {
                    bytes.extend(std::fs::read(entry.path()).expect("file reads"));
                }
            }
            assert!(bytes.len() > 4096, "the database files were read");
            bytes
        }
        Backend::Postgres => {
            let output = std::process::Command::new("pg_dump")
                .arg("--no-owner")
                .arg(&app.database.url)
                .output()
                .expect("pg_dump runs (postgresql-client is installed)");
            assert!(
                output.status.success(),
                "pg_dump failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(
                String::from_utf8_lossy(&output.stdout).contains("CREATE TABLE public.children"),
                "the dump holds the schema"
            );
            output.stdout
        }
    }
}

/// Whether `needle` occurs anywhere in `haystack`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}
