//! `cpims audit verify` and `cpims audit export`: checking the audit chain from the command line and
//! exporting its head, to be kept outside the database.

use std::path::Path;

use cpims_db::repo::audit::{self, AuditEvent, VERIFY_PAGE_SIZE};
use cpims_db::DbPool;
use cpims_domain::audit::{ChainAnchor, ChainReport};

/// Walks the whole chain; with `head_file`, also checks that the chain still extends the head exported
/// there (nothing was cut off since).
pub fn verify(pool: &DbPool, head_file: Option<&Path>) -> Result<ChainReport, String> {
    let anchor = head_file.map(read_anchor).transpose()?;
    let mut connection = cpims_db::checkout(pool).map_err(|error| error.to_string())?;
    audit::verify(&mut connection, anchor, VERIFY_PAGE_SIZE).map_err(|error| error.to_string())
}

/// Records the export in the chain, then returns the head that includes it.
pub fn export(pool: &DbPool) -> Result<ChainAnchor, String> {
    let mut connection = cpims_db::checkout(pool).map_err(|error| error.to_string())?;
    let event = AuditEvent {
        actor_user_id: None,
        actor_agency_id: None,
        action: "audit_export".to_owned(),
        record_type: None,
        record_id: None,
        request_id: Some("cli".to_owned()),
        detail: None,
    };
    cpims_db::write_transaction(&mut connection, |connection| {
        audit::append(connection, &[event])?;
        audit::head(connection)
    })
    .map_err(|error| error.to_string())
}

/// The exported head as written to a file: `{"entries": N, "hash": "..."}`.
pub fn anchor_json(anchor: &ChainAnchor) -> String {
    let mut json = serde_json::to_string_pretty(anchor).unwrap_or_default();
    json.push('\n');
    json
}

/// Reads a head written by [`export`].
pub fn read_anchor(path: &Path) -> Result<ChainAnchor, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("reading {}: {error}", path.display()))?;
    let anchor: ChainAnchor = serde_json::from_str(&text)
        .map_err(|error| format!("{} is not an exported chain head: {error}", path.display()))?;
    let hex_digest = anchor.hash.len() == 64 && anchor.hash.chars().all(|c| c.is_ascii_hexdigit());
    if anchor.entries < 0 || !hex_digest {
        return Err(format!("{} is not an exported chain head", path.display()));
    }
    Ok(anchor)
}

/// The report as printed: one line of JSON.
pub fn report_json(report: &ChainReport) -> String {
    serde_json::to_string(report).unwrap_or_default()
}
