//! `cpims backup` and `cpims restore`: a consistent copy of a live database that is checked before it
//! is trusted, and a restore that only ever fills an empty database and proves that the configured
//! keys open what it restored. Keys are never inside a backup: the report names the ones to keep.

mod postgres;
mod sqlite;

use std::collections::BTreeSet;
use std::path::Path;

use cpims_db::repo::audit::{self, VERIFY_PAGE_SIZE};
use cpims_db::{AnyConnection, DatabaseTarget, DbError, Vault};
use serde::Serialize;

use crate::config::Config;
use crate::error::ApiError;

/// What `cpims backup` wrote, printed as one line of JSON.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    /// `sqlite` or `postgresql`.
    pub backend: &'static str,
    pub file: String,
    pub bytes: u64,
    /// Ids of the data keys the backup's sealed values are under, and the current key's.
    pub keys: Vec<String>,
    /// Audit entries whose chain was verified on the copy (SQLite, where the copy is a database).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_entries_verified: Option<i64>,
    /// Which key files to keep with the backup, and why separately.
    pub keep: String,
}

/// What `cpims restore` restored and checked, printed as one line of JSON.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub backend: &'static str,
    pub from: String,
    /// The database restored into, without credentials.
    pub target: String,
    pub audit_entries_verified: i64,
    /// Ids of the data keys the restored values are under; the configured keys hold every one.
    pub keys: Vec<String>,
    /// Whether a sealed value was opened with the configured key (false only when none is stored).
    pub sealed_value_opened: bool,
}

/// What a backend's backup hands back to be reported.
struct Copied {
    bytes: u64,
    keys: BTreeSet<String>,
    audit_entries_verified: Option<i64>,
}

/// Writes a backup of the configured database to `out`, which must not exist yet.
pub fn backup(config: &Config, out: &Path) -> Result<BackupReport, ApiError> {
    let vault = existing_vault(config)?;
    let (backend, copied) = match &config.database {
        DatabaseTarget::Sqlite(path) => ("sqlite", sqlite::backup(config, path, out)?),
        DatabaseTarget::Postgres(url) => ("postgresql", postgres::backup(config, url, out)?),
    };
    let mut keys = copied.keys;
    // New values are sealed under the current key, so it belongs with the backup even before any is.
    keys.insert(vault.current_key_id().to_owned());
    let keys: Vec<String> = keys.into_iter().collect();
    Ok(BackupReport {
        backend,
        file: out.display().to_string(),
        bytes: copied.bytes,
        keep: keep_note(config, &vault, &keys),
        keys,
        audit_entries_verified: copied.audit_entries_verified,
    })
}

/// Restores the backup `from` into the configured database, which must be empty; fails unless the
/// configured keys open the restored personal data.
pub fn restore(config: &Config, from: &Path) -> Result<RestoreReport, ApiError> {
    let vault = existing_vault(config)?;
    if !from.is_file() {
        return Err(ApiError::Operation(format!(
            "{} does not exist or is not a file",
            from.display()
        )));
    }
    let (backend, checked) = match &config.database {
        DatabaseTarget::Sqlite(path) => ("sqlite", sqlite::restore(from, path, &vault)?),
        DatabaseTarget::Postgres(url) => {
            ("postgresql", postgres::restore(config, url, from, &vault)?)
        }
    };
    Ok(RestoreReport {
        backend,
        from: from.display().to_string(),
        target: config.database.describe(),
        audit_entries_verified: checked.audit_entries,
        keys: checked.keys,
        sealed_value_opened: checked.opened,
    })
}

/// A report as printed: one line of JSON.
pub fn report_json(report: &impl Serialize) -> String {
    serde_json::to_string(report).unwrap_or_default()
}

fn existing_vault(config: &Config) -> Result<Vault, ApiError> {
    crate::secrets::existing_vault(config).map_err(|error| ApiError::Operation(error.to_string()))
}

/// Wraps a storage error with what was being done, for the operator (`ApiError::Internal` would
/// hide the message, as it must from HTTP clients).
fn failed(doing: &'static str) -> impl Fn(DbError) -> ApiError {
    move |error| ApiError::Operation(format!("{doing}: {error}"))
}

/// The sentence telling the operator which keys to keep with the backup.
fn keep_note(config: &Config, vault: &Vault, keys: &[String]) -> String {
    let [data_source, index_source] = crate::secrets::key_sources(config);
    let retired = if keys.iter().any(|id| id != vault.current_key_id()) {
        ", and CPIMS_DATA_KEYS_OLD for the ids of retired keys"
    } else {
        ""
    };
    let which = if keys.len() == 1 {
        "key with id"
    } else {
        "keys with ids"
    };
    format!(
        "The backup holds no key: keep the data {which} {} ({data_source}{retired}) and the \
         index key ({index_source}) with this backup, but stored separately from it; without them \
         its personal data cannot be read or found.",
        keys.join(", ")
    )
}

/// Creates `out` empty, so that no backup ever overwrites a file (two backups racing for one name
/// included); the backend then writes into it.
fn claim(out: &Path) -> Result<(), ApiError> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(ApiError::Operation(format!(
                "{} exists: a backup never overwrites a file; choose a new name",
                out.display()
            )))
        }
        Err(error) => Err(ApiError::Operation(format!(
            "cannot create {}: {error}",
            out.display()
        ))),
    }
}

/// A program on PATH, for the PostgreSQL client tools.
fn find_tool(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// What restoring checked on the restored database.
struct Checked {
    audit_entries: i64,
    keys: Vec<String>,
    opened: bool,
}

/// Verifies the audit chain, and that the vault holds every key a stored value is sealed under and
/// opens one of them. `aftermath` says what state a failure leaves the target in.
fn check_restored(
    connection: &mut AnyConnection,
    vault: &Vault,
    aftermath: &str,
) -> Result<Checked, ApiError> {
    let report = audit::verify(connection, None, VERIFY_PAGE_SIZE)
        .map_err(failed("verifying the restored audit chain"))?;
    if !report.ok {
        return Err(ApiError::Operation(format!(
            "the backup's audit chain does not verify (first bad entry {}): the backup is damaged \
             or was altered. {aftermath}",
            report.first_bad_entry.unwrap_or(0)
        )));
    }
    let keys: Vec<String> = cpims_db::backup::sealed_key_ids(connection)
        .map_err(failed("reading the restored key ids"))?
        .into_iter()
        .collect();
    let missing: Vec<&str> = keys
        .iter()
        .map(String::as_str)
        .filter(|id| !vault.holds_key(id))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::Operation(format!(
            "the backup's personal data is sealed under key {}, which CPIMS_DATA_KEY / \
             CPIMS_DATA_KEYS_OLD do not hold: configure the data key kept with the backup. \
             {aftermath}",
            missing.join(", ")
        )));
    }
    let sample = cpims_db::backup::sample_sealed_value(connection)
        .map_err(failed("reading a restored sealed value"))?;
    if let Some((child_id, sealed)) = &sample {
        vault.open(child_id, "given_name", sealed).map_err(|_| {
            ApiError::Operation(format!(
                "a restored child's name does not open with the configured data key although \
                 its key id matches: the backup is damaged. {aftermath}"
            ))
        })?;
    }
    Ok(Checked {
        audit_entries: report.entries_checked,
        keys,
        opened: sample.is_some(),
    })
}
