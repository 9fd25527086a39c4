//! SQLite: `VACUUM INTO` a new file while the server runs, then prove the copy sound before calling
//! it a backup; restore through a staging file beside the target that is checked whole and only then
//! put in place, so a refused restore leaves nothing behind.

use std::path::{Path, PathBuf};

use cpims_db::backup::{integrity_problems, open_sqlite, use_rollback_journal, vacuum_into};
use cpims_db::repo::audit::{self, VERIFY_PAGE_SIZE};
use cpims_db::repo::sequencer;
use cpims_db::{AnyConnection, Vault};

use super::{check_restored, claim, failed, Checked, Copied};
use crate::config::Config;
use crate::error::ApiError;

pub(super) fn backup(config: &Config, source: &Path, out: &Path) -> Result<Copied, ApiError> {
    // Opening a missing file would create an empty database and back that up.
    if !source.is_file() {
        return Err(ApiError::Operation(format!(
            "{} does not exist: DATABASE_URL names no database to back up",
            source.display()
        )));
    }
    claim(out)?;
    let copied = copy_and_check(config, out);
    if copied.is_err() {
        remove_with_sidecars(out);
    }
    copied
}

fn copy_and_check(config: &Config, out: &Path) -> Result<Copied, ApiError> {
    // The pool's connections wait for the server's writers (busy_timeout) instead of failing.
    let pool = cpims_db::build_pool(&config.database, &config.pool)
        .map_err(failed("opening the database"))?;
    let mut source = cpims_db::checkout(&pool).map_err(failed("opening the database"))?;
    // Chain what is pending first, so the copy holds a settled chain; entries written after this
    // are settled in the copy when it is verified below.
    sequencer::settle(&mut source).map_err(failed("settling pending audit entries"))?;
    vacuum_into(&mut source, out).map_err(failed("copying the database"))?;
    drop(source);

    let mut copy = open_sqlite(out).map_err(failed("opening the copy"))?;
    let checked = check_copy(&mut copy).map_err(|error| {
        ApiError::Operation(format!(
            "the copy in {} is unusable: {error}",
            out.display()
        ))
    })?;
    let keys = cpims_db::backup::sealed_key_ids(&mut copy).map_err(failed("reading key ids"))?;
    drop(copy);
    let bytes = std::fs::metadata(out)
        .map_err(|error| ApiError::Operation(format!("reading {}: {error}", out.display())))?
        .len();
    Ok(Copied {
        bytes,
        keys,
        audit_entries_verified: Some(checked),
    })
}

/// Makes the copy one self-contained file, then checks its pages and its audit chain; returns the
/// number of audit entries verified.
fn check_copy(copy: &mut AnyConnection) -> Result<i64, ApiError> {
    check_pages(copy)?;
    let report =
        audit::verify(copy, None, VERIFY_PAGE_SIZE).map_err(failed("verifying the audit chain"))?;
    if !report.ok {
        return Err(ApiError::Operation(format!(
            "its audit chain does not verify (first bad entry {})",
            report.first_bad_entry.unwrap_or(0)
        )));
    }
    Ok(report.entries_checked)
}

/// Switches a copy to a rollback journal (one self-contained file) and runs `PRAGMA
/// integrity_check` on it.
fn check_pages(copy: &mut AnyConnection) -> Result<(), ApiError> {
    use_rollback_journal(copy).map_err(failed("setting the journal mode"))?;
    let problems = integrity_problems(copy).map_err(failed("checking integrity"))?;
    if !problems.is_empty() {
        return Err(ApiError::Operation(format!(
            "PRAGMA integrity_check reports: {}",
            problems.join("; ")
        )));
    }
    Ok(())
}

pub(super) fn restore(from: &Path, target: &Path, vault: &Vault) -> Result<Checked, ApiError> {
    refuse_unless_empty(target)?;
    let directory = target
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory).map_err(|error| {
        ApiError::Operation(format!("cannot create {}: {error}", directory.display()))
    })?;
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cpims.sqlite3".to_owned());
    // Beside the target, so that putting it in place is a link or rename within one file system.
    let staging = Staging(directory.join(format!(".{name}.restoring")));
    // A leftover of an interrupted restore is ours to replace.
    remove_with_sidecars(&staging.0);
    std::fs::copy(from, &staging.0).map_err(|error| {
        ApiError::Operation(format!(
            "copying {} to {}: {error}",
            from.display(),
            staging.0.display()
        ))
    })?;

    let nothing_restored = "Nothing was restored.";
    let mut connection = open_sqlite(&staging.0).map_err(failed("opening the backup"))?;
    check_pages(&mut connection).map_err(|error| {
        ApiError::Operation(format!(
            "{} is not a usable backup: {error}. {nothing_restored}",
            from.display()
        ))
    })?;
    let checked = check_restored(&mut connection, vault, nothing_restored)?;
    drop(connection);
    std::fs::File::open(&staging.0)
        .and_then(|file| file.sync_all())
        .map_err(|error| ApiError::Operation(format!("syncing the restored file: {error}")))?;

    refuse_unless_empty(target)?;
    place(&staging.0, target)?;
    // The new directory entry must reach the disk too; a file system that cannot sync a directory
    // has nothing to sync.
    let _ = std::fs::File::open(directory).and_then(|dir| dir.sync_all());
    Ok(checked)
}

/// Refuses a target that holds a database: restoring never replaces data.
fn refuse_unless_empty(target: &Path) -> Result<(), ApiError> {
    let holds_data = |path: &Path| std::fs::metadata(path).is_ok_and(|meta| meta.len() > 0);
    if holds_data(target) || holds_data(&sidecar(target, "-wal")) {
        return Err(ApiError::Operation(format!(
            "the target database {} is not empty: restore only where no database exists (move \
             that one aside first, with its -wal file, while no server runs on it)",
            target.display()
        )));
    }
    Ok(())
}

/// Puts the checked staging file in place without replacing a file that appeared meanwhile.
fn place(staging: &Path, target: &Path) -> Result<(), ApiError> {
    if std::fs::metadata(target).is_ok_and(|meta| meta.len() == 0) {
        std::fs::remove_file(target).map_err(|error| {
            ApiError::Operation(format!("removing the empty {}: {error}", target.display()))
        })?;
    }
    let placed = match std::fs::hard_link(staging, target) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ApiError::Operation(format!(
                "a database appeared at {} during the restore: restore only where no database \
                 exists; nothing was restored",
                target.display()
            )));
        }
        // File systems without hard links: a rename, just after the emptiness check.
        Err(_) => std::fs::rename(staging, target),
    };
    placed.map_err(|error| {
        ApiError::Operation(format!(
            "putting the restored database at {}: {error}",
            target.display()
        ))
    })
}

/// The staging file, removed (with any journal SQLite left beside it) however the restore ends.
struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        remove_with_sidecars(&self.0);
    }
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        // Absent files are the usual case: nothing to remove.
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
}
