//! Wire types for a record's history and status transitions, shared by every case record.

use chrono::{DateTime, Utc};
use cpims_db::repo::history::HistoryEntry;
use cpims_db::repo::transitions::Transition;
use serde::Serialize;
use utoipa::ToSchema;

use crate::extract::params::utc;

/// One changed field of one version.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryResponse {
    /// The version the change produced.
    pub version: i64,
    pub field: String,
    /// The JSON value before (null when unset): any JSON type.
    pub old_value: serde_json::Value,
    /// The JSON value after (null when cleared): any JSON type.
    pub new_value: serde_json::Value,
    pub changed_by: String,
    pub changed_by_agency_id: String,
    pub changed_at: DateTime<Utc>,
}

/// A record's field-level history, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryList {
    pub data: Vec<HistoryEntryResponse>,
}

impl From<Vec<HistoryEntry>> for HistoryList {
    fn from(entries: Vec<HistoryEntry>) -> Self {
        let parse = |text: Option<String>| {
            text.and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or(serde_json::Value::Null)
        };
        HistoryList {
            data: entries
                .into_iter()
                .map(|entry| HistoryEntryResponse {
                    version: entry.version,
                    field: entry.field,
                    old_value: parse(entry.old_value),
                    new_value: parse(entry.new_value),
                    changed_by: entry.changed_by,
                    changed_by_agency_id: entry.changed_by_agency_id,
                    changed_at: utc(entry.changed_at),
                })
                .collect(),
        }
    }
}

/// One status change.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionResponse {
    pub id: String,
    pub from_status: String,
    pub to_status: String,
    pub note: Option<String>,
    pub closure_reason: Option<String>,
    pub actor_user_id: String,
    pub actor_agency_id: String,
    pub occurred_at: DateTime<Utc>,
}

/// A record's status transitions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionList {
    pub data: Vec<TransitionResponse>,
}

impl From<Vec<Transition>> for TransitionList {
    fn from(transitions: Vec<Transition>) -> Self {
        TransitionList {
            data: transitions
                .into_iter()
                .map(|t| TransitionResponse {
                    id: t.id,
                    from_status: t.from_status,
                    to_status: t.to_status,
                    note: t.note,
                    closure_reason: t.closure_reason,
                    actor_user_id: t.actor_user_id,
                    actor_agency_id: t.actor_agency_id,
                    occurred_at: utc(t.occurred_at),
                })
                .collect(),
        }
    }
}
