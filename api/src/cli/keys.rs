//! `cpims keys rotate`: re-seals every personal value under the current data key, so that a retired
//! key can then be removed from `CPIMS_DATA_KEYS_OLD`. Resumable: each page commits on its own, and a
//! rerun skips what is already under the current key.

use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::repo::reseal::{self, ResealReport};
use cpims_db::{DbPool, Vault};

/// Re-seals up to `budget` rows (all when `None`) and records the run in the audit chain.
pub fn rotate(pool: &DbPool, vault: &Vault, budget: Option<usize>) -> Result<ResealReport, String> {
    let mut connection = cpims_db::checkout(pool).map_err(|error| error.to_string())?;
    let report =
        reseal::reseal_all(&mut connection, vault, budget).map_err(|error| error.to_string())?;
    let detail = report_json(vault, &report);
    let event = AuditEvent {
        actor_user_id: None,
        actor_agency_id: None,
        action: "keys_rotate".to_owned(),
        record_type: None,
        record_id: None,
        request_id: Some("cli".to_owned()),
        detail: Some(detail),
    };
    cpims_db::write_transaction(&mut connection, |connection| {
        audit::append(connection, &[event])
    })
    .map_err(|error| error.to_string())?;
    Ok(report)
}

/// The report as printed: one line of JSON.
pub fn report_json(vault: &Vault, report: &ResealReport) -> String {
    serde_json::json!({
        "key_id": vault.current_key_id(),
        "children": report.children,
        "incidents": report.incidents,
        "referrals": report.referrals,
        "history_entries": report.history_entries,
        "transition_notes": report.transition_notes,
        "milestone_texts": report.milestone_texts,
        "complaints": report.complaints,
        "idempotent_responses": report.idempotent_responses,
        "complete": !report.incomplete,
    })
    .to_string()
}
