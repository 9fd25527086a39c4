//! Milestones as clients send and receive them.

use chrono::{DateTime, Utc};
use cpims_db::repo::milestones::Milestone;
use cpims_domain::deadlines::MilestoneType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::extract::json::FieldRules;
use crate::extract::params::utc;
use crate::routes::deadlines::dto::DeadlineView;

/// A milestone to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    /// What happened.
    #[serde(rename = "type")]
    pub milestone_type: MilestoneType,
    /// When it happened: not in the future, not before the incident's `occurred_on`.
    pub at: DateTime<Utc>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

impl FieldRules for MilestoneInput {}

/// Why a milestone is withdrawn.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneWithdrawal {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

impl FieldRules for MilestoneWithdrawal {
    fn field_errors(&self) -> Vec<crate::error::FieldError> {
        if self.reason.trim().is_empty() {
            vec![crate::error::FieldError::new("reason", "cannot be blank")]
        } else {
            Vec::new()
        }
    }
}

/// A milestone of an incident.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MilestoneResponse {
    pub id: String,
    pub incident_id: String,
    #[serde(rename = "type")]
    pub milestone_type: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_by_agency_id: String,
    pub recorded_at: DateTime<Utc>,
    /// `standing`, or `withdrawn` (it then meets no deadline).
    #[schema(example = "standing")]
    pub status: &'static str,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
}

impl From<Milestone> for MilestoneResponse {
    fn from(row: Milestone) -> Self {
        MilestoneResponse {
            id: row.id,
            incident_id: row.incident_id,
            milestone_type: row.milestone_type,
            at: utc(row.at),
            note: row.note,
            recorded_by: row.recorded_by,
            recorded_by_agency_id: row.recorded_by_agency_id,
            recorded_at: utc(row.recorded_at),
            status: if row.withdrawn_at.is_some() {
                "withdrawn"
            } else {
                "standing"
            },
            withdrawn_at: row.withdrawn_at.map(utc),
            withdrawn_by: row.withdrawn_by,
            withdrawal_reason: row.withdrawal_reason,
        }
    }
}

/// A milestone recorded or withdrawn, with what it did to its incident.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MilestoneWritten {
    pub milestone: MilestoneResponse,
    /// The incident's version after the change (its ETag).
    pub incident_version: i64,
    /// The incident's deadlines after the change.
    pub deadlines: Vec<DeadlineView>,
}

/// An incident's milestones, in the order they happened, withdrawn ones included.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneList {
    pub data: Vec<MilestoneResponse>,
}
