//! Case records as stored: children, incidents and the referrals between agencies.

use chrono::{NaiveDate, NaiveDateTime};

use crate::agency::Service;
use crate::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, ReferralStatus,
    RiskLevel, Sex, UrbanRural, Urgency,
};

/// Bookkeeping every case record carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMeta {
    pub id: String,
    /// The owning agency (for referrals, the referring agency).
    pub agency_id: String,
    /// The owning agency's own record number, unique within that agency.
    pub external_id: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<String>,
    /// When retention erased the record's personal data; such a record is never written again.
    pub anonymised_at: Option<NaiveDateTime>,
}

/// A child; names, identifier and guardian details are personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub meta: RecordMeta,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub sex: Sex,
    pub date_of_birth: Option<NaiveDate>,
    pub estimated_age_years: Option<i32>,
    pub age_is_estimated: bool,
    pub identifier: Option<String>,
    pub province: String,
    pub district: Option<String>,
    pub urban_rural: UrbanRural,
    pub disability: bool,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<String>,
    pub languages: Vec<String>,
}

/// A complaint or violation concerning one child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub meta: RecordMeta,
    pub child_id: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub legal_references: Vec<String>,
    pub occurred_on: NaiveDate,
    pub reported_on: NaiveDate,
    pub intake_channel: IntakeChannel,
    pub province: String,
    pub district: Option<String>,
    pub urban_rural: UrbanRural,
    pub perpetrator_relationship: PerpetratorRelationship,
    pub registered_with_police: PoliceRegistration,
    pub risk_level: RiskLevel,
    pub narrative: Option<String>,
    pub status: IncidentStatus,
    pub closure_reason: Option<String>,
    /// The complaint this case was made from, if any.
    pub complaint_id: Option<String>,
}

/// An incident referred from one agency (the owner) to another for a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub meta: RecordMeta,
    pub incident_id: String,
    pub child_id: String,
    pub to_agency_id: String,
    pub service: Service,
    pub urgency: Urgency,
    pub reason: String,
    pub due_by: Option<NaiveDate>,
    pub status: ReferralStatus,
    pub province: String,
    pub first_response_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    /// The referring agency lets the receiver read the incident's narrative once it accepts.
    pub share_narrative: bool,
}

impl Referral {
    /// The referring agency.
    pub fn from_agency_id(&self) -> &str {
        &self.meta.agency_id
    }

    /// Past its due date and not finished one way or another.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.status.is_terminal() && self.due_by.is_some_and(|due| due < today)
    }
}
