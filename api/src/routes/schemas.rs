//! Contract schemas for closed value sets that live in the domain's code lists and taxonomy, so the
//! OpenAPI document states exactly the values the server accepts (used with `schema_with`).

use cpims_domain::agency::{AgencyKind, Service};
use cpims_domain::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, ReferralStatus,
    RiskLevel, Sex, UrbanRural,
};
use cpims_domain::complaint::{
    ComplainantType, ComplaintChannel, ComplaintClosureReason, ComplaintStatus,
};
use cpims_domain::stats::{
    ComplaintDimension, IncidentDimension, ReferralDimension, AGE_BANDS, MAX_GROUP_BY,
};
use cpims_domain::taxonomy::{CATEGORIES, PROVINCES};
use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, Type};
use utoipa::openapi::Array;

use crate::app::events::EVENT_TYPES;

/// A string that is one of `values` (duplicates dropped, order kept).
fn one_of<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> Object {
    let mut seen: Vec<&str> = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(seen))
        .description(Some(description))
        .build()
}

fn matching(pattern: &str, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .build()
}

/// A province or territory name from the taxonomy.
pub fn province() -> Object {
    one_of(
        PROVINCES.iter().map(|province| province.name),
        "A province or territory name from `/api/v1/taxonomy`.",
    )
}

/// A district name of any province (whether it belongs to the given province is checked apart).
pub fn district() -> Object {
    one_of(
        PROVINCES
            .iter()
            .flat_map(|province| province.districts.iter().copied()),
        "A district from `/api/v1/taxonomy`; it must belong to the province.",
    )
}

/// An incident category code from the taxonomy.
pub fn category() -> Object {
    one_of(
        CATEGORIES.iter().map(|category| category.code),
        "A category code from `/api/v1/taxonomy`.",
    )
}

/// A sub-category code of any category.
pub fn subcategory() -> Object {
    one_of(
        CATEGORIES
            .iter()
            .flat_map(|category| category.subcategories.iter().map(|sub| sub.code)),
        "A sub-category code from `/api/v1/taxonomy`.",
    )
}

/// The event types a webhook subscription may ask for: one to ten of them.
pub fn event_types() -> Array {
    ArrayBuilder::new()
        .items(one_of(EVENT_TYPES, "An event type."))
        .min_items(Some(1))
        .max_items(Some(10))
        .description(Some(
            "Any of `referral.created`, `referral.updated`, `referral.status_changed`, \
             `referral.deleted`, `incident.status_changed`, `deadline.due_soon`, \
             `deadline.overdue`.",
        ))
        .build()
}

/// A B-Form or CNIC number: 13 digits, with any spaces and dashes (which are ignored).
pub fn identifier() -> Object {
    matching(
        "^[ -]*([0-9][ -]*){13}$",
        "B-Form or CNIC number: 13 digits, dashes and spaces ignored.",
    )
}

/// A phone number: 10 to 15 digits, optionally after `+`, with spaces, dashes, dots and brackets.
pub fn phone() -> Object {
    matching(
        r"^\s*\+?[ ().-]*([0-9][ ().-]*){10,15}\s*$",
        "10 to 15 digits, optionally starting with +; spaces, dashes, dots and brackets ignored.",
    )
}

fn group_by<'a>(dimensions: impl IntoIterator<Item = &'a str>, description: &str) -> Array {
    ArrayBuilder::new()
        .items(one_of(dimensions, "A dimension."))
        .max_items(Some(MAX_GROUP_BY))
        .unique_items(true)
        .description(Some(description))
        .build()
}

/// Up to four distinct incident dimensions, comma-separated.
pub fn incident_group_by() -> Array {
    group_by(
        IncidentDimension::ALL.iter().map(|d| d.as_str()),
        "Up to four distinct comma-separated dimensions: province, district, category, \
         subcategory, sex, age_band, year, quarter, month, urban_rural, perpetrator_relationship, \
         intake_channel, registered_with_police, status, risk_level.",
    )
}

/// Up to four distinct referral dimensions, comma-separated.
pub fn referral_group_by() -> Array {
    group_by(
        ReferralDimension::ALL.iter().map(|d| d.as_str()),
        "Up to four distinct comma-separated dimensions: service, status, to_agency_kind, \
         province, month.",
    )
}

/// Up to four distinct complaint dimensions, comma-separated.
pub fn complaint_group_by() -> Array {
    group_by(
        ComplaintDimension::ALL.iter().map(|d| d.as_str()),
        "Up to four distinct comma-separated dimensions: channel, complainant_type, category, \
         province, district, status, closure_reason, month (of receipt, UTC).",
    )
}

pub fn complaint_channel() -> Object {
    one_of(
        ComplaintChannel::codes(),
        "How the complaint reached the system.",
    )
}

pub fn complainant_type() -> Object {
    one_of(ComplainantType::codes(), "Who made the complaint.")
}

pub fn complaint_status() -> Object {
    one_of(ComplaintStatus::codes(), "Complaint status.")
}

pub fn complaint_closure_reason() -> Object {
    one_of(
        ComplaintClosureReason::codes(),
        "Why the complaint was closed.",
    )
}

pub fn deadline_group_by() -> Array {
    group_by(
        cpims_domain::stats::DeadlineDimension::ALL
            .iter()
            .map(|d| d.as_str()),
        "Up to four distinct comma-separated dimensions: rule, province, district, agency, month \
         (the month the deadline fell due, Pakistan time).",
    )
}

pub fn deadline_rule() -> Object {
    one_of(
        cpims_domain::deadlines::RuleCode::ALL
            .iter()
            .map(|r| r.as_str()),
        "A deadline rule code.",
    )
}

/// Which incident date the period and time dimensions use.
pub fn date_field() -> Object {
    one_of(
        ["occurred_on", "reported_on"],
        "`occurred_on` (default) or `reported_on`: the date `from`/`to` and the time dimensions use.",
    )
}

pub fn sex() -> Object {
    one_of(Sex::codes(), "Sex.")
}

pub fn age_band() -> Object {
    one_of(AGE_BANDS.iter().copied(), "Age band at the incident.")
}

pub fn year() -> Object {
    matching("^[0-9]{4}$", "A year, e.g. 2024.")
}

pub fn quarter() -> Object {
    matching("^[0-9]{4}-Q[1-4]$", "A quarter, e.g. 2024-Q2.")
}

pub fn month() -> Object {
    matching("^[0-9]{4}-(0[1-9]|1[0-2])$", "A month, e.g. 2024-05.")
}

pub fn urban_rural() -> Object {
    one_of(UrbanRural::codes(), "Urban or rural.")
}

pub fn perpetrator_relationship() -> Object {
    one_of(
        PerpetratorRelationship::codes(),
        "Perpetrator's relationship.",
    )
}

pub fn intake_channel() -> Object {
    one_of(IntakeChannel::codes(), "Intake channel.")
}

pub fn registered_with_police() -> Object {
    one_of(
        PoliceRegistration::codes(),
        "Whether registered with the police.",
    )
}

pub fn incident_status() -> Object {
    one_of(IncidentStatus::codes(), "Incident status.")
}

pub fn risk_level() -> Object {
    one_of(RiskLevel::codes(), "Risk level.")
}

pub fn service() -> Object {
    one_of(Service::codes(), "Service.")
}

pub fn referral_status() -> Object {
    one_of(ReferralStatus::codes(), "Referral status.")
}

pub fn agency_kind() -> Object {
    one_of(AgencyKind::codes(), "The receiving agency's kind.")
}
