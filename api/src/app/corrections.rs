//! Corrections on upgrade: stored records a release found wrong are corrected by `cpims` at startup,
//! after the migrations, as the system's own edits through the unit of work, so each corrected record
//! gets a new version, a history entry showing the old and new value, an audit entry and a change-feed
//! entry (sync clients pick the correction up). A migration queues a correction by name; it stays queued
//! until it has gone through every record, and each record's correction is idempotent, so an interrupted
//! run (or two instances starting together) simply finishes on the next start.

use cpims_db::repo::corrections;
use cpims_db::{DbPool, Vault};
use cpims_domain::access::ReadScope;
use cpims_domain::records::Incident;
use cpims_domain::taxonomy::incident_legal_references;

use super::deadlines::Timekeeping;
use super::{Actor, CaseRecord, UnitOfWork};
use crate::error::ApiError;

/// The actor the corrections' history and audit entries name.
const JOB: Actor<'static> = Actor::System { job: "upgrade" };

/// Incidents cited every province's child protection act (and other provincial statutes); each now
/// cites its own province's only, keeping what its users added.
pub const LEGAL_REFERENCES_BY_PROVINCE: &str = "legal_references_by_province";

/// Incidents read per page while looking for ones to correct.
const PAGE: i64 = 500;

/// A correction retried this often when another writer changes the record at the same moment.
const ATTEMPTS: usize = 3;

/// What a startup's corrections changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CorrectionReport {
    /// The corrections that ran to completion.
    pub completed: Vec<String>,
    /// Records given a new version.
    pub corrected: usize,
}

/// Runs every queued correction this release knows; unknown ones (queued by a newer release) are left
/// queued.
pub fn run_pending(
    pool: &DbPool,
    vault: &Vault,
    time: &Timekeeping,
) -> Result<CorrectionReport, ApiError> {
    let mut connection = cpims_db::checkout(pool)?;
    let mut report = CorrectionReport::default();
    for name in corrections::pending(&mut connection)? {
        let corrected = match name.as_str() {
            LEGAL_REFERENCES_BY_PROVINCE => {
                legal_references_by_province(&mut connection, vault, time)?
            }
            other => {
                tracing::warn!(correction = other, "unknown data correction left queued");
                continue;
            }
        };
        corrections::done(&mut connection, &name)?;
        report.corrected += corrected;
        report.completed.push(name);
    }
    Ok(report)
}

/// Gives every live incident the references of its category in its own province, plus its users'
/// additions; answers how many changed.
fn legal_references_by_province(
    connection: &mut cpims_db::AnyConnection,
    vault: &Vault,
    time: &Timekeeping,
) -> Result<usize, ApiError> {
    let mut corrected = 0;
    let mut after: Option<String> = None;
    loop {
        let page = corrections::incident_law_page(connection, after.as_deref(), PAGE)?;
        let Some(last) = page.last() else {
            return Ok(corrected);
        };
        after = Some(last.id.clone());
        for incident in page {
            let wanted = incident_legal_references(
                &incident.category,
                &incident.province,
                &incident.legal_references,
                None,
            );
            if wanted != incident.legal_references {
                corrected += correct_incident(connection, vault, time, &incident.id)?;
            }
        }
    }
}

/// Corrects one incident in its own transaction (read again inside it): 1 when it changed, 0 when it
/// needed nothing by then.
fn correct_incident(
    connection: &mut cpims_db::AnyConnection,
    vault: &Vault,
    time: &Timekeeping,
    id: &str,
) -> Result<usize, ApiError> {
    let mut attempt = 1;
    loop {
        let outcome = cpims_db::write_transaction(connection, |connection| {
            let mut work = UnitOfWork::new(connection, vault, JOB, time.clone());
            let current =
                Incident::find_visible(work.connection(), vault, id, &ReadScope::Everything)?;
            if current.meta.anonymised_at.is_some() {
                return Ok(0);
            }
            let references = incident_legal_references(
                &current.category,
                &current.province,
                &current.legal_references,
                None,
            );
            if references == current.legal_references {
                return Ok(0);
            }
            let mut next = current.clone();
            next.legal_references = references;
            work.update(&current, next)?;
            Ok(1)
        });
        match outcome {
            // Changed by someone else meanwhile (or deleted): read it again.
            Err(ApiError::PreconditionFailed { .. }) if attempt < ATTEMPTS => attempt += 1,
            Err(ApiError::NotFound) => return Ok(0),
            other => return other,
        }
    }
}
