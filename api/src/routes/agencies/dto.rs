//! Wire types of the agency directory.

use chrono::{DateTime, Utc};
use cpims_domain::agency::{Agency, AgencyKind, Service};
use cpims_domain::contact::normalise_phone;
use cpims_domain::location::check_location;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::FieldError;
use crate::extract::json::FieldRules;
use crate::extract::params::{double_option, utc};

/// A new agency.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgencyRequest {
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub name: String,
    pub kind: AgencyKind,
    /// A province or territory name from `/api/v1/taxonomy`.
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub province: String,
    /// A district of that province, from `/api/v1/taxonomy`.
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub district: Option<String>,
    /// The services this agency offers; referrals may ask only for these.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub services: Vec<Service>,
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254, format = Email)]
    pub contact_email: Option<String>,
    /// 10 to 15 digits, optionally starting with +; spaces, dashes, dots and brackets ignored.
    #[validate(length(max = 32))]
    #[schema(
        max_length = 32,
        pattern = r"^\s*\+?[ ().-]*([0-9][ ().-]*){10,15}\s*$"
    )]
    pub contact_phone: Option<String>,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub address: Option<String>,
    /// Defaults to true.
    pub active: Option<bool>,
}

/// Changes to an agency; absent fields are left alone, `null` clears an optional field.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgencyRequest {
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub name: Option<String>,
    pub kind: Option<AgencyKind>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub province: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub district: Option<Option<String>>,
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub services: Option<Vec<Service>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254, format = Email)]
    pub contact_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    #[validate(length(max = 32))]
    #[schema(max_length = 32)]
    pub contact_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub address: Option<Option<String>>,
    pub active: Option<bool>,
}

/// An agency in the directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyResponse {
    pub id: String,
    pub name: String,
    pub kind: AgencyKind,
    pub province: String,
    pub district: Option<String>,
    pub services: Vec<Service>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<String>,
}

impl From<Agency> for AgencyResponse {
    fn from(agency: Agency) -> Self {
        AgencyResponse {
            id: agency.id,
            name: agency.name,
            kind: agency.kind,
            province: agency.province,
            district: agency.district,
            services: agency.services,
            contact_email: agency.contact_email,
            contact_phone: agency.contact_phone,
            address: agency.address,
            active: agency.active,
            version: agency.version,
            created_at: utc(agency.created_at),
            updated_at: utc(agency.updated_at),
            created_by: agency.created_by,
        }
    }
}

/// A page of agencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyList {
    pub data: Vec<AgencyResponse>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Filters and paging for the agency directory.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgencyListQuery {
    pub kind: Option<AgencyKind>,
    pub province: Option<String>,
    pub district: Option<String>,
    /// Only agencies offering this service.
    pub service: Option<Service>,
    pub active: Option<bool>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: the id of its last record; older records follow.
    #[param(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub cursor: Option<String>,
}

/// Checks the rules the derive cannot express (place names against the taxonomy, phone shape) and
/// normalises the phone number; returns every offending field at once.
pub fn check_agency(agency: &mut Agency) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Err(problem) = check_location(&agency.province, agency.district.as_deref()) {
        errors.push(FieldError::new(problem.field(), problem.to_string()));
    }
    if let Some(phone) = &agency.contact_phone {
        match normalise_phone(phone) {
            Ok(normalised) => agency.contact_phone = Some(normalised),
            Err(problem) => errors.push(FieldError::new("contact_phone", problem.to_string())),
        }
    }
    errors
}

impl FieldRules for CreateAgencyRequest {
    fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(problem) = check_location(
            self.province.trim(),
            self.district.as_deref().map(str::trim),
        ) {
            errors.push(FieldError::new(problem.field(), problem.to_string()));
        }
        if let Some(Err(problem)) = self.contact_phone.as_deref().map(normalise_phone) {
            errors.push(FieldError::new("contact_phone", problem.to_string()));
        }
        errors
    }
}

/// PATCH rules depend on the stored record too; they are checked once the change is applied.
impl FieldRules for UpdateAgencyRequest {}
