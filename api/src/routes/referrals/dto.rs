//! Wire types of referrals.

use chrono::{DateTime, NaiveDate, Utc};
use cpims_domain::agency::Service;
use cpims_domain::case::{ReferralStatus, Urgency};
use cpims_domain::records::Referral;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::FieldError;
use crate::extract::json::FieldRules;
use crate::extract::params::{double_option, utc};

fn medium() -> Urgency {
    Urgency::Medium
}

/// A referral as submitted; the referring agency is the caller's. Also the shape a PATCH is merged into.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub external_id: Option<String>,
    /// The incident being referred; one the caller's agency owns. Cannot be changed later.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub incident_id: String,
    /// The receiving agency: active, not the caller's own, and offering `service`. Cannot be changed later.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub to_agency_id: String,
    /// Cannot be changed later.
    pub service: Service,
    #[serde(default = "medium")]
    pub urgency: Urgency,
    /// Why the child is referred; not blank. Personal data.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub reason: String,
    /// The date by which the receiving agency should act.
    pub due_by: Option<NaiveDate>,
    /// Let the receiving agency read the incident's narrative once it has accepted the referral.
    /// Off unless set: a service provider otherwise sees only its service profile's fields.
    #[serde(default)]
    pub share_narrative: bool,
}

impl FieldRules for ReferralInput {
    fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if uuid::Uuid::parse_str(&self.incident_id).is_err() {
            errors.push(FieldError::new(
                "incident_id",
                "no such incident in your agency's records",
            ));
        }
        if uuid::Uuid::parse_str(&self.to_agency_id).is_err() {
            errors.push(FieldError::new("to_agency_id", "no such agency"));
        }
        if self.reason.trim().is_empty() {
            errors.push(FieldError::new("reason", "must not be blank"));
        }
        errors
    }
}

impl ReferralInput {
    /// The create form of a stored referral, for merge-patching.
    pub fn from_referral(referral: &Referral) -> Self {
        ReferralInput {
            external_id: referral.meta.external_id.clone(),
            incident_id: referral.incident_id.clone(),
            to_agency_id: referral.to_agency_id.clone(),
            service: referral.service,
            urgency: referral.urgency,
            reason: referral.reason.clone(),
            due_by: referral.due_by,
            share_narrative: referral.share_narrative,
        }
    }

    /// Copies the (already validated) changeable fields onto a referral.
    pub fn apply_to(self, referral: &mut Referral) {
        referral.meta.external_id = self
            .external_id
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        referral.incident_id = self.incident_id;
        referral.to_agency_id = self.to_agency_id;
        referral.service = self.service;
        referral.urgency = self.urgency;
        referral.reason = self.reason.trim().to_owned();
        referral.due_by = self.due_by;
        referral.share_narrative = self.share_narrative;
    }
}

/// Changes to a referral by the referring agency: urgency, reason, due date, external id.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralPatch {
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub external_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<NaiveDate>, nullable)]
    pub due_by: Option<Option<NaiveDate>>,
    /// Share (or stop sharing) the incident's narrative with the receiving agency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_narrative: Option<bool>,
}

/// Field rules are checked on the merged record, not on the patch alone.
impl FieldRules for ReferralPatch {}

/// A referral as returned. The receiving agency does not receive `external_id` or `created_by` (the
/// referring agency's own bookkeeping); withheld fields are absent, not null.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferralResponse {
    pub id: String,
    /// The owning agency: the referring agency, the same as `from_agency_id`.
    pub agency_id: String,
    /// The referring agency's own number; withheld from the receiving agency.
    pub external_id: Option<String>,
    pub incident_id: String,
    pub child_id: String,
    /// The referring agency (the owner).
    pub from_agency_id: String,
    pub to_agency_id: String,
    pub service: Service,
    pub urgency: Urgency,
    pub reason: String,
    pub due_by: Option<NaiveDate>,
    pub status: ReferralStatus,
    /// Past `due_by` and not completed, declined or cancelled.
    pub overdue: bool,
    pub province: String,
    /// When the receiving agency first accepted or declined.
    pub first_response_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The receiving agency may read the incident's narrative once it accepts.
    pub share_narrative: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Withheld from the receiving agency (the referrer's own user).
    pub created_by: Option<String>,
    /// The record's deadlines (statutory and service clocks; see `deadline_rules` in the taxonomy).
    pub deadlines: Vec<crate::routes::deadlines::dto::DeadlineView>,
}

impl From<Referral> for ReferralResponse {
    fn from(referral: Referral) -> Self {
        let overdue = referral.is_overdue(chrono::Utc::now().date_naive());
        ReferralResponse {
            id: referral.meta.id,
            agency_id: referral.meta.agency_id.clone(),
            external_id: referral.meta.external_id,
            incident_id: referral.incident_id,
            child_id: referral.child_id,
            from_agency_id: referral.meta.agency_id,
            to_agency_id: referral.to_agency_id,
            service: referral.service,
            urgency: referral.urgency,
            reason: referral.reason,
            due_by: referral.due_by,
            status: referral.status,
            overdue,
            province: referral.province,
            first_response_at: referral.first_response_at.map(utc),
            completed_at: referral.completed_at.map(utc),
            share_narrative: referral.share_narrative,
            version: referral.meta.version,
            created_at: utc(referral.meta.created_at),
            updated_at: utc(referral.meta.updated_at),
            created_by: referral.meta.created_by,
            deadlines: Vec::new(),
        }
    }
}

/// A page of referrals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralList {
    pub data: Vec<ReferralResponse>,
    pub next_cursor: Option<String>,
}

/// Filters and paging for referrals.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReferralListQuery {
    pub status: Option<ReferralStatus>,
    pub to_agency_id: Option<String>,
    pub from_agency_id: Option<String>,
    pub service: Option<Service>,
    pub incident_id: Option<String>,
    /// `true`: only referrals past `due_by` and not completed, declined or cancelled.
    pub overdue: Option<bool>,
    pub external_id: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: the id of its last record; older records follow.
    #[param(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub cursor: Option<String>,
    /// Read by the `Purpose` extractor (`extract/purpose.rs`), which the contract documents on every
    /// operation that takes it; here only so that the query is not refused as unknown.
    #[param(ignore)]
    pub purpose: Option<String>,
    #[param(ignore)]
    pub purpose_reference: Option<String>,
}

/// A status change: the receiving agency accepts, declines, starts (`in_progress`) and completes; the
/// referring agency cancels.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralTransitionRequest {
    pub status: ReferralStatus,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

impl FieldRules for ReferralTransitionRequest {}

impl ReferralInput {
    /// A new record of the caller's agency (`meta`) from this validated input; not yet stored.
    pub fn into_referral(self, meta: cpims_domain::records::RecordMeta) -> Referral {
        let mut referral = Referral {
            meta,
            incident_id: String::new(),
            child_id: String::new(),
            to_agency_id: String::new(),
            service: Service::Other,
            urgency: Urgency::Medium,
            reason: String::new(),
            due_by: None,
            status: ReferralStatus::Pending,
            province: String::new(),
            first_response_at: None,
            completed_at: None,
            share_narrative: false,
        };
        self.apply_to(&mut referral);
        referral
    }
}

impl crate::routes::deadlines::dto::CarriesDeadlines for ReferralResponse {
    fn record_id(&self) -> &str {
        &self.id
    }
    fn deadlines_mut(&mut self) -> &mut Vec<crate::routes::deadlines::dto::DeadlineView> {
        &mut self.deadlines
    }
}
