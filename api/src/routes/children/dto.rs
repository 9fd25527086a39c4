//! Wire types of children.

use chrono::{DateTime, NaiveDate, Utc};
use cpims_domain::case::{Sex, UrbanRural};
use cpims_domain::child::{check_date_of_birth, normalise_identifier};
use cpims_domain::contact::normalise_phone;
use cpims_domain::location::check_location;
use cpims_domain::records::Child;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::app::today;
use crate::error::FieldError;
use crate::extract::json::FieldRules;
use crate::extract::params::{double_option, double_whole_number, utc, whole_number};
use crate::routes::schemas;

pub use super::list_dto::{ChildList, ChildListQuery};

/// A child's details as submitted; also the shape a PATCH is merged into.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildInput {
    /// The owning agency's own record number, unique within the agency.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub external_id: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: Option<String>,
    pub sex: Sex,
    /// Not in the future and less than 25 years ago.
    pub date_of_birth: Option<NaiveDate>,
    /// When the date of birth is unknown.
    #[serde(default, deserialize_with = "whole_number")]
    #[validate(range(min = 0, max = 24))]
    #[schema(minimum = 0, maximum = 24)]
    pub estimated_age_years: Option<i32>,
    #[serde(default)]
    pub age_is_estimated: bool,
    /// B-Form or CNIC number: 13 digits, dashes and spaces ignored.
    #[validate(length(max = 20))]
    #[schema(max_length = 20, pattern = "^[ -]*([0-9][ -]*){13}$")]
    pub identifier: Option<String>,
    /// A province or territory name from `/api/v1/taxonomy`.
    #[validate(length(max = 100))]
    #[schema(schema_with = schemas::province)]
    pub province: String,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub district: Option<String>,
    #[serde(default = "unknown_place")]
    pub urban_rural: UrbanRural,
    #[serde(default)]
    pub disability: bool,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub guardian_name: Option<String>,
    /// 10 to 15 digits, optionally starting with +; spaces, dashes, dots and brackets ignored.
    #[validate(length(max = 32))]
    #[schema(
        max_length = 32,
        pattern = r"^\s*\+?[ ().-]*([0-9][ ().-]*){10,15}\s*$"
    )]
    pub guardian_phone: Option<String>,
    #[serde(default)]
    #[validate(length(max = 10))]
    #[schema(max_items = 10)]
    pub languages: Vec<String>,
}

fn unknown_place() -> UrbanRural {
    UrbanRural::Unknown
}

impl FieldRules for ChildInput {
    fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(problem) = check_location(&self.province, self.district.as_deref()) {
            errors.push(FieldError::new(problem.field(), problem.to_string()));
        }
        if let Some(Err(message)) = self
            .date_of_birth
            .map(|dob| check_date_of_birth(dob, today()))
        {
            errors.push(FieldError::new("date_of_birth", message));
        }
        if let Some(Err(problem)) = self.identifier.as_deref().map(normalise_identifier) {
            errors.push(FieldError::new("identifier", problem.to_string()));
        }
        if let Some(Err(problem)) = self.guardian_phone.as_deref().map(normalise_phone) {
            errors.push(FieldError::new("guardian_phone", problem.to_string()));
        }
        for (index, language) in self.languages.iter().enumerate() {
            if language.trim().is_empty() || language.chars().count() > 50 {
                errors.push(FieldError::new(
                    format!("languages[{index}]"),
                    "must be 1 to 50 characters",
                ));
            }
        }
        errors
    }
}

impl ChildInput {
    /// The create form of a stored child, for merge-patching.
    pub fn from_child(child: &Child) -> Self {
        ChildInput {
            external_id: child.meta.external_id.clone(),
            given_name: child.given_name.clone(),
            family_name: child.family_name.clone(),
            sex: child.sex,
            date_of_birth: child.date_of_birth,
            estimated_age_years: child.estimated_age_years,
            age_is_estimated: child.age_is_estimated,
            identifier: child.identifier.clone(),
            province: child.province.clone(),
            district: child.district.clone(),
            urban_rural: child.urban_rural,
            disability: child.disability,
            guardian_name: child.guardian_name.clone(),
            guardian_phone: child.guardian_phone.clone(),
            languages: child.languages.clone(),
        }
    }

    /// Copies the (already validated) input onto a child, normalising identifier and phone.
    pub fn apply_to(self, child: &mut Child) {
        let text =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        child.meta.external_id = text(self.external_id);
        child.given_name = text(self.given_name);
        child.family_name = text(self.family_name);
        child.sex = self.sex;
        child.date_of_birth = self.date_of_birth;
        child.estimated_age_years = self.estimated_age_years;
        child.age_is_estimated = self.age_is_estimated;
        child.identifier = self
            .identifier
            .as_deref()
            .and_then(|raw| normalise_identifier(raw).ok());
        child.province = self.province;
        child.district = text(self.district);
        child.urban_rural = self.urban_rural;
        child.disability = self.disability;
        child.guardian_name = text(self.guardian_name);
        child.guardian_phone = self
            .guardian_phone
            .as_deref()
            .and_then(|raw| normalise_phone(raw).ok());
        child.languages = self
            .languages
            .into_iter()
            .map(|l| l.trim().to_owned())
            .collect();
    }
}

/// Changes to a child: any subset of the fields; `null` clears an optional field.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildPatch {
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub external_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub given_name: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub family_name: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<NaiveDate>, nullable)]
    pub date_of_birth: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<i32>, nullable, minimum = 0, maximum = 24)]
    #[validate(range(min = 0, max = 24))]
    pub estimated_age_years: Option<Option<i32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_is_estimated: Option<bool>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub identifier: Option<Option<String>>,
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
    pub disability: Option<bool>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub guardian_name: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, nullable)]
    pub guardian_phone: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
}

/// Field rules are checked on the merged record, not on the patch alone.
impl FieldRules for ChildPatch {}

/// A child as returned.
///
/// The owning agency, monitors and administrators receive every field. An agency that sees the child
/// only through referrals addressed to it receives, while a referral is pending, `given_name`, `sex`,
/// the age fields, `province`, `district`, `languages` and `disability`; once it accepts (and for
/// `CPIMS_PARTNER_ACCESS_DAYS` after completing) also its service's profile (`service_profiles` in
/// `/api/v1/taxonomy`). It never receives `external_id` or `created_by`. Withheld fields are absent,
/// not null.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChildResponse {
    pub id: String,
    pub agency_id: String,
    pub external_id: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub sex: Sex,
    pub date_of_birth: Option<NaiveDate>,
    pub estimated_age_years: Option<i32>,
    /// Age in whole years today (Pakistan time): from `date_of_birth` when known, else
    /// `estimated_age_years`. Every agency that sees the child sees this, even when the date of birth
    /// is withheld.
    #[schema(minimum = 0)]
    pub age_years: Option<u32>,
    pub age_is_estimated: bool,
    pub identifier: Option<String>,
    pub province: String,
    pub district: Option<String>,
    /// Withheld from a receiving agency unless its service needs it (family tracing).
    #[schema(required = false)]
    pub urban_rural: UrbanRural,
    pub disability: bool,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<String>,
    pub languages: Vec<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<String>,
    /// The record's deadlines (statutory and service clocks; see `deadline_rules` in the taxonomy).
    /// No rule times a child, so a child's list is empty.
    pub deadlines: Vec<crate::routes::deadlines::dto::DeadlineView>,
}

impl From<Child> for ChildResponse {
    fn from(child: Child) -> Self {
        ChildResponse {
            id: child.meta.id,
            agency_id: child.meta.agency_id,
            external_id: child.meta.external_id,
            given_name: child.given_name,
            family_name: child.family_name,
            sex: child.sex,
            date_of_birth: child.date_of_birth,
            estimated_age_years: child.estimated_age_years,
            age_years: child
                .date_of_birth
                .and_then(|born| {
                    cpims_domain::child::age_on(
                        born,
                        crate::app::pakistan_date(cpims_db::page::now()),
                    )
                })
                .or_else(|| {
                    child
                        .estimated_age_years
                        .and_then(|age| u32::try_from(age).ok())
                }),
            age_is_estimated: child.age_is_estimated,
            identifier: child.identifier,
            province: child.province,
            district: child.district,
            urban_rural: child.urban_rural,
            disability: child.disability,
            guardian_name: child.guardian_name,
            guardian_phone: child.guardian_phone,
            languages: child.languages,
            version: child.meta.version,
            created_at: utc(child.meta.created_at),
            updated_at: utc(child.meta.updated_at),
            created_by: child.meta.created_by,
            deadlines: Vec::new(),
        }
    }
}

impl ChildInput {
    /// A new record of the caller's agency (`meta`) from this validated input; not yet stored.
    pub fn into_child(self, meta: cpims_domain::records::RecordMeta) -> Child {
        let mut child = Child {
            meta,
            given_name: None,
            family_name: None,
            sex: Sex::Unknown,
            date_of_birth: None,
            estimated_age_years: None,
            age_is_estimated: false,
            identifier: None,
            province: String::new(),
            district: None,
            urban_rural: UrbanRural::Unknown,
            disability: false,
            guardian_name: None,
            guardian_phone: None,
            languages: Vec::new(),
        };
        self.apply_to(&mut child);
        child
    }
}

impl crate::routes::deadlines::dto::CarriesDeadlines for ChildResponse {
    fn record_id(&self) -> &str {
        &self.id
    }
    fn deadlines_mut(&mut self) -> &mut Vec<crate::routes::deadlines::dto::DeadlineView> {
        &mut self.deadlines
    }
}
