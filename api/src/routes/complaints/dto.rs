//! Wire types of complaints as staff see them.

use chrono::{DateTime, Utc};
use cpims_domain::case::{Sex, Urgency};
use cpims_domain::complaint::{
    ComplainantType, Complaint, ComplaintChannel, ComplaintClosureReason, ComplaintStatus,
    Language, CHILD_AGES,
};
use cpims_domain::contact::normalise_phone;
use cpims_domain::incident::check_category;
use cpims_domain::location::check_location;
use cpims_domain::records::RecordMeta;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::FieldError;
use crate::extract::json::FieldRules;
use crate::extract::params::{trimmed, utc, whole_number};
use crate::routes::deadlines::dto::{CarriesDeadlines, DeadlineView};
use crate::routes::schemas;

/// A complaint as registered by intake staff, and the fields a member of the public may send.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintInput {
    /// How the complaint arrived. The public endpoint takes `web_form`, `citizen_portal`,
    /// `helpline_1121` or `helpline_1099` (default `web_form`).
    #[serde(default = "web_form")]
    pub channel: ComplaintChannel,
    pub complainant_type: ComplainantType,
    /// Personal data. Leave out to complain anonymously.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub complainant_name: Option<String>,
    /// Personal data; 10 to 15 digits, with an optional leading `+`.
    #[validate(length(max = 40))]
    #[schema(
        max_length = 40,
        pattern = r"^\s*\+?[ ().-]*([0-9][ ().-]*){10,15}\s*$"
    )]
    pub complainant_phone: Option<String>,
    /// Whether the complainant agrees to be contacted about the complaint.
    #[serde(default)]
    pub contact_consent: bool,
    pub preferred_language: Option<Language>,
    /// Personal data.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub child_name: Option<String>,
    /// 0 to 17: a complaint concerns a child.
    #[serde(default, deserialize_with = "whole_number")]
    #[validate(range(min = 0, max = 17))]
    #[schema(minimum = 0, maximum = 17)]
    pub child_age_years: Option<i32>,
    pub child_sex: Option<Sex>,
    /// A province or territory name from `/api/v1/taxonomy`: where the child is.
    #[validate(length(max = 100))]
    #[schema(schema_with = schemas::province)]
    pub province: String,
    /// A district of that province.
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub district: Option<String>,
    /// Where to find the child (village, street, school). Personal data.
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    pub location_detail: Option<String>,
    /// A category code from `/api/v1/taxonomy`.
    #[validate(length(max = 64))]
    #[schema(schema_with = schemas::category)]
    pub category: String,
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub subcategory: Option<String>,
    /// What happened, in the complainant's words. Personal data.
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_length = 1, max_length = 10000)]
    pub narrative: Option<String>,
    /// The child is in danger right now: triage is due within the hour.
    #[serde(default)]
    pub immediate_danger: bool,
}

fn web_form() -> ComplaintChannel {
    ComplaintChannel::WebForm
}

impl FieldRules for ComplaintInput {
    fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(problem) = check_location(&self.province, self.district.as_deref()) {
            errors.push(FieldError::new(problem.field(), problem.to_string()));
        }
        if let Err((field, message)) = check_category(&self.category, self.subcategory.as_deref()) {
            errors.push(FieldError::new(field, message));
        }
        if let Some(Err(problem)) = self.complainant_phone.as_deref().map(normalise_phone) {
            errors.push(FieldError::new("complainant_phone", problem.to_string()));
        }
        if self
            .child_age_years
            .is_some_and(|age| !CHILD_AGES.contains(&age))
        {
            errors.push(FieldError::new("child_age_years", "must be 0 to 17"));
        }
        errors
    }
}

impl ComplaintInput {
    /// A new complaint received by `meta`'s agency at `meta.created_at`; not yet stored.
    pub fn into_complaint(self, meta: RecordMeta, reference: String, public: bool) -> Complaint {
        let text = trimmed;
        Complaint {
            received_at: meta.created_at,
            meta,
            reference,
            channel: self.channel,
            complainant_type: self.complainant_type,
            complainant_name: text(self.complainant_name),
            complainant_phone: self
                .complainant_phone
                .as_deref()
                .and_then(|raw| normalise_phone(raw).ok()),
            contact_consent: self.contact_consent,
            preferred_language: self.preferred_language,
            child_name: text(self.child_name),
            child_age_years: self.child_age_years,
            child_sex: self.child_sex,
            province: self.province,
            district: text(self.district),
            location_detail: text(self.location_detail),
            category: self.category,
            subcategory: text(self.subcategory),
            narrative: text(self.narrative),
            immediate_danger: self.immediate_danger,
            urgency: None,
            assigned_agency_id: None,
            incident_id: None,
            duplicate_of: None,
            closure_reason: None,
            public_message: None,
            filed_publicly: public,
            status: ComplaintStatus::Received,
            triaged_at: None,
            accepted_at: None,
            closed_at: None,
        }
    }
}

/// A complaint as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintResponse {
    pub id: String,
    pub reference: String,
    /// The agency that received the complaint.
    pub agency_id: String,
    pub received_at: DateTime<Utc>,
    pub channel: ComplaintChannel,
    pub complainant_type: ComplainantType,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub contact_consent: bool,
    pub preferred_language: Option<Language>,
    pub child_name: Option<String>,
    pub child_age_years: Option<i32>,
    pub child_sex: Option<Sex>,
    pub province: String,
    pub district: Option<String>,
    pub location_detail: Option<String>,
    pub category: String,
    pub subcategory: Option<String>,
    pub narrative: Option<String>,
    pub immediate_danger: bool,
    /// Set at triage.
    pub urgency: Option<Urgency>,
    pub assigned_agency_id: Option<String>,
    /// The case made from the complaint.
    pub incident_id: Option<String>,
    /// The complaint this one repeats.
    pub duplicate_of: Option<String>,
    pub closure_reason: Option<ComplaintClosureReason>,
    /// What the complainant reads on a status check (a default text when unset).
    pub public_message: Option<String>,
    /// Filed through the public endpoint, with a tracking code.
    pub filed_publicly: bool,
    pub status: ComplaintStatus,
    pub triaged_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<String>,
    /// `complaint_triage` and `complaint_acceptance`.
    pub deadlines: Vec<DeadlineView>,
}

impl From<Complaint> for ComplaintResponse {
    fn from(c: Complaint) -> Self {
        ComplaintResponse {
            id: c.meta.id,
            reference: c.reference,
            agency_id: c.meta.agency_id,
            received_at: utc(c.received_at),
            channel: c.channel,
            complainant_type: c.complainant_type,
            complainant_name: c.complainant_name,
            complainant_phone: c.complainant_phone,
            contact_consent: c.contact_consent,
            preferred_language: c.preferred_language,
            child_name: c.child_name,
            child_age_years: c.child_age_years,
            child_sex: c.child_sex,
            province: c.province,
            district: c.district,
            location_detail: c.location_detail,
            category: c.category,
            subcategory: c.subcategory,
            narrative: c.narrative,
            immediate_danger: c.immediate_danger,
            urgency: c.urgency,
            assigned_agency_id: c.assigned_agency_id,
            incident_id: c.incident_id,
            duplicate_of: c.duplicate_of,
            closure_reason: c.closure_reason,
            public_message: c.public_message,
            filed_publicly: c.filed_publicly,
            status: c.status,
            triaged_at: c.triaged_at.map(utc),
            accepted_at: c.accepted_at.map(utc),
            closed_at: c.closed_at.map(utc),
            version: c.meta.version,
            created_at: utc(c.meta.created_at),
            updated_at: utc(c.meta.updated_at),
            created_by: c.meta.created_by,
            deadlines: Vec::new(),
        }
    }
}

impl CarriesDeadlines for ComplaintResponse {
    fn record_id(&self) -> &str {
        &self.id
    }
    fn deadlines_mut(&mut self) -> &mut Vec<DeadlineView> {
        &mut self.deadlines
    }
}

/// A page of complaints.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintList {
    pub data: Vec<ComplaintResponse>,
    pub next_cursor: Option<String>,
}

/// Filters and paging for complaints.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ComplaintListQuery {
    /// One or more statuses, comma-separated or as repeated keys (the triage queue is
    /// `received,declined`).
    pub status: Option<String>,
    pub channel: Option<ComplaintChannel>,
    pub province: Option<String>,
    pub district: Option<String>,
    pub category: Option<String>,
    pub assigned_agency_id: Option<String>,
    pub urgency: Option<Urgency>,
    pub immediate_danger: Option<bool>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; older complaints follow.
    #[param(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub cursor: Option<String>,
}

/// A move of a complaint along its workflow.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintTransitionRequest {
    pub status: ComplaintStatus,
    /// Why; required when declining (the reason goes back to triage).
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Required when moving to `triaged`.
    pub urgency: Option<Urgency>,
    /// Required when moving to `assigned`: an active agency.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub assigned_agency_id: Option<String>,
    /// Required when moving to `closed` (not `converted`: making a case converts).
    pub closure_reason: Option<ComplaintClosureReason>,
    /// Required with `closure_reason: duplicate`: the complaint this one repeats.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub duplicate_of: Option<String>,
    /// What the complainant will read on a status check from now on. No names, no internal notes.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub public_message: Option<String>,
}

impl FieldRules for ComplaintTransitionRequest {
    fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let blank = |value: &Option<String>| value.as_deref().is_none_or(|v| v.trim().is_empty());
        match self.status {
            ComplaintStatus::Triaged if self.urgency.is_none() => {
                errors.push(FieldError::new("urgency", "is required when triaging"));
            }
            ComplaintStatus::Assigned if blank(&self.assigned_agency_id) => errors.push(
                FieldError::new("assigned_agency_id", "is required when assigning"),
            ),
            ComplaintStatus::Declined if blank(&self.note) => errors.push(FieldError::new(
                "note",
                "is required when declining: triage needs the reason",
            )),
            ComplaintStatus::Closed => match self.closure_reason {
                None => errors.push(FieldError::new(
                    "closure_reason",
                    "is required when closing",
                )),
                Some(reason) if !reason.may_be_given() => errors.push(FieldError::new(
                    "closure_reason",
                    "converted is set by making a case (POST /api/v1/complaints/{id}/case)",
                )),
                Some(ComplaintClosureReason::Duplicate) if blank(&self.duplicate_of) => errors
                    .push(FieldError::new(
                        "duplicate_of",
                        "is required when closing as a duplicate",
                    )),
                Some(_) => {}
            },
            _ => {}
        }
        errors
    }
}
