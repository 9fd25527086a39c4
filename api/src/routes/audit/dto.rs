//! Wire types of the audit log: entries, pages, filters, cursors and the chain report.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};
use cpims_db::repo::audit::{AuditPage, AuditRow};
use cpims_domain::audit::ChainReport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::purpose::recorded_purpose;
use crate::error::ApiError;
use crate::extract::params::{decode_seq_cursor, encode_seq_cursor, DEFAULT_LIMIT, MAX_LIMIT};

/// One audit entry, as stored in the chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryResponse {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// RFC 3339, UTC, microseconds.
    pub occurred_at: String,
    pub actor_user_id: Option<String>,
    pub actor_agency_id: Option<String>,
    /// What happened: `create`, `read`, `update`, `delete`, `transition`, `denied`, `login`,
    /// `login_failed`, `stats_query`, `audit_read`, ...
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
    /// On a read by an administrator or a monitor: the purpose of access it stated (read from
    /// `detail`, where the chain records it).
    pub purpose: Option<String>,
    /// The reference stated with the purpose, if any.
    pub purpose_reference: Option<String>,
    /// hex(SHA-256(previous hash || entry)).
    pub hash: String,
}

impl From<AuditRow> for AuditEntryResponse {
    fn from(row: AuditRow) -> Self {
        let (purpose, purpose_reference) = recorded_purpose(row.detail.as_deref());
        AuditEntryResponse {
            purpose,
            purpose_reference,
            seq: row.seq,
            occurred_at: row.occurred_at,
            actor_user_id: row.actor_user_id,
            actor_agency_id: row.actor_agency_id,
            action: row.action,
            record_type: row.record_type,
            record_id: row.record_id,
            request_id: row.request_id,
            detail: row.detail,
            hash: row.hash,
        }
    }
}

/// A page of audit entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    pub data: Vec<AuditEntryResponse>,
    pub next_cursor: Option<String>,
}

impl From<AuditPage> for AuditList {
    fn from(page: AuditPage) -> Self {
        AuditList {
            data: page
                .rows
                .into_iter()
                .map(AuditEntryResponse::from)
                .collect(),
            next_cursor: page.next_before.map(encode_seq_cursor),
        }
    }
}

/// Filters and paging for the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditListQuery {
    pub actor_user_id: Option<String>,
    /// The acting user's agency.
    pub agency_id: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub action: Option<String>,
    /// From this time (RFC 3339) or the start of this date, inclusive.
    pub from: Option<String>,
    /// Up to this time (RFC 3339) or the end of this date, inclusive.
    pub to: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: an entry's `seq`; the entries below it follow.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// Paging of the entries about one record.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccessLogQuery {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: an entry's `seq`; the entries below it follow.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Read by the `Purpose` extractor (`extract/purpose.rs`), which the contract documents on every
    /// operation that takes it; here only so that the query is not refused as unknown.
    #[param(ignore)]
    pub purpose: Option<String>,
    #[param(ignore)]
    pub purpose_reference: Option<String>,
}

/// The result of walking the whole hash chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainReportResponse {
    /// Whether every entry links to the one before, hashes correctly, and the stored head names the last.
    pub ok: bool,
    /// Entries found intact, from the first.
    pub entries_checked: i64,
    /// Seq of the first bad (edited, missing, moved or inserted) entry; null when the chain is intact.
    pub first_bad_entry: Option<i64>,
}

impl From<ChainReport> for ChainReportResponse {
    fn from(report: ChainReport) -> Self {
        ChainReportResponse {
            ok: report.ok,
            entries_checked: report.entries_checked,
            first_bad_entry: report.first_bad_entry,
        }
    }
}

/// Checks `limit` and decodes `cursor` (the seq to continue below); 422 when either is unusable.
pub fn audit_page(
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<(i64, Option<i64>), ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let before = cursor
        .map(|cursor| decode_seq_cursor("cursor", cursor))
        .transpose()?;
    Ok((limit, before))
}

/// A time bound as the stored entries' text: `from` is the instant given or the start of the date;
/// `to` becomes the exclusive bound just after the instant or at the start of the next day.
pub fn time_bound(field: &str, raw: Option<&str>, end: bool) -> Result<Option<String>, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
        return Ok(None);
    };
    let instant = if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        let time = time.with_timezone(&Utc);
        if end {
            time.checked_add_signed(TimeDelta::microseconds(1))
        } else {
            Some(time)
        }
    } else if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let date = if end { date.succ_opt() } else { Some(date) };
        date.and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|time| time.and_utc())
    } else {
        None
    };
    instant
        .map(|time| Some(time.to_rfc3339_opts(SecondsFormat::Micros, true)))
        .ok_or_else(|| ApiError::validation(field, "must be an RFC 3339 time or a YYYY-MM-DD date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_bounds_accept_instants_and_dates() {
        let bound = |raw, end| time_bound("from", Some(raw), end).ok().flatten();
        assert_eq!(
            bound("2026-11-25", false).as_deref(),
            Some("2026-11-25T00:00:00.000000Z")
        );
        assert_eq!(
            bound("2026-11-25", true).as_deref(),
            Some("2026-11-26T00:00:00.000000Z")
        );
        assert_eq!(
            bound("2026-11-25T12:00:00+05:00", true).as_deref(),
            Some("2026-11-25T07:00:00.000001Z")
        );
        assert!(time_bound("to", Some("yesterday"), true).is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(
            audit_page(None, Some("42")).ok(),
            Some((DEFAULT_LIMIT, Some(42)))
        );
        assert!(audit_page(None, Some("garbage!")).is_err());
        assert!(audit_page(Some(0), None).is_err());
        assert!(audit_page(Some(500), None).is_ok());
    }
}
