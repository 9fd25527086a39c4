//! PostgreSQL: `pg_dump --format=custom` (one consistent snapshot while the server runs) and
//! `pg_restore --no-owner` into an empty database, in one transaction so a failed restore leaves the
//! database empty and the restore can simply be run again.

use std::path::{Path, PathBuf};
use std::process::Command;

use cpims_db::backup::{contents, sealed_key_ids};
use cpims_db::repo::sequencer;
use cpims_db::{DbPool, Vault};

use super::{check_restored, claim, failed, find_tool, Checked, Copied};
use crate::config::Config;
use crate::error::ApiError;

pub(super) fn backup(config: &Config, url: &str, out: &Path) -> Result<Copied, ApiError> {
    let pg_dump = tool(
        "pg_dump",
        &format!(
            "pg_dump --format=custom --file {} \"$DATABASE_URL\"",
            out.display()
        ),
    )?;
    let pool = pool(config)?;
    let mut connection = cpims_db::checkout(&pool).map_err(failed("connecting"))?;
    // Chain what is pending, so the dump holds a settled chain as far as it goes.
    sequencer::settle(&mut connection).map_err(failed("settling pending audit entries"))?;
    // Read before the dump: a value in the dump is under one of these keys, or, written during the
    // dump, under the servers' current key, which the report adds.
    let keys = sealed_key_ids(&mut connection).map_err(failed("reading key ids"))?;
    drop(connection);

    claim(out)?;
    let (url, password) = split_password(url);
    let dumped = run(
        Command::new(pg_dump)
            .arg("--format=custom")
            .arg("--file")
            .arg(out)
            .arg(url),
        password,
    );
    if let Err(error) = dumped {
        // pg_dump may have written part of an archive: no half backup stays behind.
        let _ = std::fs::remove_file(out);
        return Err(ApiError::Operation(format!("pg_dump failed: {error}")));
    }
    let bytes = std::fs::metadata(out)
        .map_err(|error| ApiError::Operation(format!("reading {}: {error}", out.display())))?
        .len();
    Ok(Copied {
        bytes,
        keys,
        audit_entries_verified: None,
    })
}

pub(super) fn restore(
    config: &Config,
    url: &str,
    from: &Path,
    vault: &Vault,
) -> Result<Checked, ApiError> {
    let pg_restore = tool(
        "pg_restore",
        &format!(
            "pg_restore --dbname \"$DATABASE_URL\" --no-owner {}",
            from.display()
        ),
    )?;
    let pool = pool(config)?;
    let mut connection = cpims_db::checkout(&pool).map_err(failed("connecting"))?;
    let found = contents(&mut connection).map_err(failed("inspecting the target database"))?;
    if found.records > 0 {
        return Err(ApiError::Operation(format!(
            "the target database is not empty: it holds {} agencies, users and children; restore \
             only into a new, empty database (createdb)",
            found.records
        )));
    }
    if found.tables > 0 {
        // pg_restore would collide with every table; a database that has been migrated has been
        // served from, so it is not the operator's intended target either.
        return Err(ApiError::Operation(
            "the target database is not empty: it has tables already; restore only into a new, \
             empty database (createdb)"
                .to_owned(),
        ));
    }
    drop(connection);

    let (url, password) = split_password(url);
    run(
        Command::new(pg_restore)
            .arg("--dbname")
            .arg(url)
            .arg("--no-owner")
            .arg("--single-transaction")
            .arg("--exit-on-error")
            .arg(from),
        password,
    )
    .map_err(|error| {
        ApiError::Operation(format!(
            "pg_restore failed, and restored nothing (one transaction): {error}"
        ))
    })?;

    let mut connection = cpims_db::checkout(&pool).map_err(failed("connecting"))?;
    check_restored(
        &mut connection,
        vault,
        "The records are restored in the target database: start the server with the right key to \
         read them; they need no second restore.",
    )
}

fn pool(config: &Config) -> Result<DbPool, ApiError> {
    cpims_db::build_pool(&config.database, &config.pool).map_err(failed("connecting"))
}

/// A PostgreSQL client tool from PATH, or what to install and run instead.
fn tool(name: &str, by_hand: &str) -> Result<PathBuf, ApiError> {
    find_tool(name).ok_or_else(|| {
        ApiError::Operation(format!(
            "{name} is not on PATH. Install the PostgreSQL client tools of the server's major \
             version or newer (Debian, Ubuntu: `sudo apt-get install postgresql-client`) and run \
             this again, or run `{by_hand}` where they are installed"
        ))
    })
}

/// Runs a client tool, handing it the password through the environment; the error is the tool's own
/// message.
fn run(command: &mut Command, password: Option<String>) -> Result<(), String> {
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().map_err(|error| error.to_string())?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(format!("{} ({})", stderr.trim(), output.status))
}

/// Moves a password out of a PostgreSQL URL, so it reaches the tool through PGPASSWORD instead of
/// its command line, which every local user can read (ps, /proc).
fn split_password(url: &str) -> (String, Option<String>) {
    let unchanged = || (url.to_owned(), None);
    let Some(authority_start) = url.find("://").map(|index| index + 3) else {
        return unchanged();
    };
    let rest = &url[authority_start..];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return unchanged();
    };
    let Some(colon) = authority[..at].find(':') else {
        return unchanged();
    };
    let password = percent_decode(&authority[colon + 1..at]);
    let stripped = format!(
        "{}{}",
        &url[..authority_start + colon],
        &url[authority_start + at..]
    );
    (stripped, Some(password))
}

/// Decodes `%XX` escapes, as URLs carry reserved characters of a password.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::split_password;

    #[test]
    fn a_password_leaves_the_url_and_the_rest_stays() {
        assert_eq!(
            split_password("postgres://cpims:s%40cret@db:5432/cpims?sslmode=require"),
            (
                "postgres://cpims@db:5432/cpims?sslmode=require".to_owned(),
                Some("s@cret".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5432/x"),
            ("postgres://postgres@127.0.0.1:5432/x".to_owned(), None)
        );
        assert_eq!(
            split_password("postgresql://db/x"),
            ("postgresql://db/x".to_owned(), None)
        );
    }
}
