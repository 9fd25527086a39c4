//! Wire types of incidents.

use chrono::{DateTime, NaiveDate, Utc};
use cpims_domain::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, RiskLevel,
    UrbanRural,
};
use cpims_domain::incident::{check_category, check_incident_dates};
use cpims_domain::location::check_location;
use cpims_domain::records::Incident;
use cpims_domain::taxonomy::incident_legal_references;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::app::today;
use crate::error::FieldError;
use crate::extract::json::FieldRules;
use crate::extract::params::{double_option, utc};
use crate::routes::schemas;

pub use super::list_dto::{IncidentList, IncidentListQuery};

fn unknown_place() -> UrbanRural {
    UrbanRural::Unknown
}
fn unknown_relationship() -> PerpetratorRelationship {
    PerpetratorRelationship::Unknown
}
fn unknown_registration() -> PoliceRegistration {
    PoliceRegistration::Unknown
}

/// An incident as submitted; also the shape a PATCH is merged into.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub external_id: Option<String>,
    /// The child the incident concerns; a child of the caller's agency. Cannot be changed later.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub child_id: String,
    /// A category code from `/api/v1/taxonomy`.
    #[validate(length(max = 64))]
    #[schema(schema_with = schemas::category)]
    pub category: String,
    /// A sub-category of that category.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub subcategory: Option<String>,
    /// Extra legal references. The taxonomy's references of the category in the incident's province
    /// (federal law, that province's statutes and child protection act) are always included, and
    /// recomputed when the category or province changes; another province's statute the taxonomy
    /// attaches to the category is dropped, anything else is kept.
    #[serde(default)]
    #[validate(length(max = 30))]
    #[schema(max_items = 30)]
    pub legal_references: Vec<String>,
    pub occurred_on: NaiveDate,
    /// Not before `occurred_on` and not in the future.
    pub reported_on: NaiveDate,
    pub intake_channel: IntakeChannel,
    /// A province or territory name from `/api/v1/taxonomy`.
    #[validate(length(max = 100))]
    #[schema(schema_with = schemas::province)]
    pub province: String,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub district: Option<String>,
    #[serde(default = "unknown_place")]
    pub urban_rural: UrbanRural,
    #[serde(default = "unknown_relationship")]
    pub perpetrator_relationship: PerpetratorRelationship,
    #[serde(default = "unknown_registration")]
    pub registered_with_police: PoliceRegistration,
    pub risk_level: RiskLevel,
    /// What happened, in the case worker's words. Personal data.
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub narrative: Option<String>,
}

impl FieldRules for IncidentInput {
    fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(problem) = check_location(&self.province, self.district.as_deref()) {
            errors.push(FieldError::new(problem.field(), problem.to_string()));
        }
        if let Err((field, message)) = check_category(&self.category, self.subcategory.as_deref()) {
            errors.push(FieldError::new(field, message));
        }
        for (field, message) in check_incident_dates(self.occurred_on, self.reported_on, today()) {
            errors.push(FieldError::new(field, message));
        }
        for (index, reference) in self.legal_references.iter().enumerate() {
            if reference.trim().is_empty() || reference.chars().count() > 200 {
                errors.push(FieldError::new(
                    format!("legal_references[{index}]"),
                    "must be 1 to 200 characters",
                ));
            }
        }
        if uuid::Uuid::parse_str(&self.child_id).is_err() {
            errors.push(FieldError::new(
                "child_id",
                "no such child in your agency's records",
            ));
        }
        errors
    }
}

impl IncidentInput {
    /// The create form of a stored incident, for merge-patching.
    pub fn from_incident(incident: &Incident) -> Self {
        IncidentInput {
            external_id: incident.meta.external_id.clone(),
            child_id: incident.child_id.clone(),
            category: incident.category.clone(),
            subcategory: incident.subcategory.clone(),
            legal_references: incident.legal_references.clone(),
            occurred_on: incident.occurred_on,
            reported_on: incident.reported_on,
            intake_channel: incident.intake_channel,
            province: incident.province.clone(),
            district: incident.district.clone(),
            urban_rural: incident.urban_rural,
            perpetrator_relationship: incident.perpetrator_relationship,
            registered_with_police: incident.registered_with_police,
            risk_level: incident.risk_level,
            narrative: incident.narrative.clone(),
        }
    }

    /// Copies the (already validated) input onto an incident (a new one, or the current state of the
    /// one being edited); the taxonomy's legal references of its category and province are merged with
    /// the caller's own.
    pub fn apply_to(self, incident: &mut Incident) {
        let text =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        // An edit that changes the category drops the old category's references too.
        let previous_category = Some(incident.category.as_str()).filter(|c| !c.is_empty());
        let references = incident_legal_references(
            &self.category,
            &self.province,
            &self.legal_references,
            previous_category,
        );
        incident.meta.external_id = text(self.external_id);
        incident.child_id = self.child_id;
        incident.category = self.category;
        incident.subcategory = text(self.subcategory);
        incident.legal_references = references;
        incident.occurred_on = self.occurred_on;
        incident.reported_on = self.reported_on;
        incident.intake_channel = self.intake_channel;
        incident.province = self.province;
        incident.district = text(self.district);
        incident.urban_rural = self.urban_rural;
        incident.perpetrator_relationship = self.perpetrator_relationship;
        incident.registered_with_police = self.registered_with_police;
        incident.risk_level = self.risk_level;
        incident.narrative = text(self.narrative);
    }
}

/// Changes to an incident: any subset of the fields except `child_id`; `null` clears an optional field.
/// Status changes go through `/transitions`.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentPatch {
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub external_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub subcategory: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_references: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurred_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intake_channel: Option<IntakeChannel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub district: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urban_rural: Option<UrbanRural>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perpetrator_relationship: Option<PerpetratorRelationship>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_with_police: Option<PoliceRegistration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<RiskLevel>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub narrative: Option<Option<String>>,
}

/// Field rules are checked on the merged record, not on the patch alone.
impl FieldRules for IncidentPatch {}

/// An incident as returned.
///
/// The owning agency, monitors and administrators receive every field. An agency that sees the
/// incident only through referrals addressed to it receives, while a referral is pending, `child_id`,
/// `category`, `subcategory`, `legal_references`, `province`, `district`, `risk_level` and `status`;
/// once it accepts (and for `CPIMS_PARTNER_ACCESS_DAYS` after completing) also its service's profile
/// (`service_profiles` in `/api/v1/taxonomy`), and `narrative` only when the referral has
/// `share_narrative: true`. It never receives `external_id`, `created_by`, `closure_reason` or
/// `complaint_id`. Withheld fields are absent, not null.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncidentResponse {
    pub id: String,
    pub agency_id: String,
    pub external_id: Option<String>,
    pub child_id: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub legal_references: Vec<String>,
    #[schema(required = false)]
    pub occurred_on: NaiveDate,
    #[schema(required = false)]
    pub reported_on: NaiveDate,
    #[schema(required = false)]
    pub intake_channel: IntakeChannel,
    pub province: String,
    pub district: Option<String>,
    #[schema(required = false)]
    pub urban_rural: UrbanRural,
    #[schema(required = false)]
    pub perpetrator_relationship: PerpetratorRelationship,
    #[schema(required = false)]
    pub registered_with_police: PoliceRegistration,
    pub risk_level: RiskLevel,
    pub narrative: Option<String>,
    pub status: IncidentStatus,
    pub closure_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<String>,
    /// The complaint this case was made from (`POST /api/v1/complaints/{id}/case`), if any.
    pub complaint_id: Option<String>,
    /// The record's deadlines (statutory and service clocks; see `deadline_rules` in the taxonomy).
    pub deadlines: Vec<crate::routes::deadlines::dto::DeadlineView>,
}

impl From<Incident> for IncidentResponse {
    fn from(incident: Incident) -> Self {
        IncidentResponse {
            id: incident.meta.id,
            agency_id: incident.meta.agency_id,
            external_id: incident.meta.external_id,
            child_id: incident.child_id,
            category: incident.category,
            subcategory: incident.subcategory,
            legal_references: incident.legal_references,
            occurred_on: incident.occurred_on,
            reported_on: incident.reported_on,
            intake_channel: incident.intake_channel,
            province: incident.province,
            district: incident.district,
            urban_rural: incident.urban_rural,
            perpetrator_relationship: incident.perpetrator_relationship,
            registered_with_police: incident.registered_with_police,
            risk_level: incident.risk_level,
            narrative: incident.narrative,
            status: incident.status,
            closure_reason: incident.closure_reason,
            version: incident.meta.version,
            created_at: utc(incident.meta.created_at),
            updated_at: utc(incident.meta.updated_at),
            created_by: incident.meta.created_by,
            complaint_id: incident.complaint_id,
            deadlines: Vec::new(),
        }
    }
}

/// A status change.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentTransitionRequest {
    pub status: IncidentStatus,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Required when closing.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub closure_reason: Option<String>,
}

impl FieldRules for IncidentTransitionRequest {
    fn field_errors(&self) -> Vec<FieldError> {
        let missing_reason = self
            .closure_reason
            .as_deref()
            .is_none_or(|reason| reason.trim().is_empty());
        if self.status.needs_closure_reason() && missing_reason {
            vec![FieldError::new(
                "closure_reason",
                "is required when closing an incident",
            )]
        } else {
            Vec::new()
        }
    }
}

impl IncidentInput {
    /// A new record of the caller's agency (`meta`) from this validated input; not yet stored.
    pub fn into_incident(self, meta: cpims_domain::records::RecordMeta) -> Incident {
        let today = meta.created_at.date();
        let mut incident = Incident {
            meta,
            child_id: String::new(),
            category: String::new(),
            subcategory: None,
            legal_references: Vec::new(),
            occurred_on: today,
            reported_on: today,
            intake_channel: IntakeChannel::Other,
            province: String::new(),
            district: None,
            urban_rural: UrbanRural::Unknown,
            perpetrator_relationship: PerpetratorRelationship::Unknown,
            registered_with_police: PoliceRegistration::Unknown,
            risk_level: RiskLevel::Medium,
            narrative: None,
            status: IncidentStatus::Open,
            closure_reason: None,
            complaint_id: None,
        };
        self.apply_to(&mut incident);
        incident
    }
}

impl crate::routes::deadlines::dto::CarriesDeadlines for IncidentResponse {
    fn record_id(&self) -> &str {
        &self.id
    }
    fn deadlines_mut(&mut self) -> &mut Vec<crate::routes::deadlines::dto::DeadlineView> {
        &mut self.deadlines
    }
}
