//! Wire types of the children list: the page, its filters and the name and B-Form lookups.

use cpims_domain::case::Sex;
use cpims_domain::child::normalise_identifier;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::ChildResponse;
use crate::error::FieldError;

/// A page of children.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildList {
    pub data: Vec<ChildResponse>,
    pub next_cursor: Option<String>,
}

/// Filters and paging for children.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChildListQuery {
    pub province: Option<String>,
    pub district: Option<String>,
    pub sex: Option<Sex>,
    pub agency_id: Option<String>,
    pub external_id: Option<String>,
    /// Exact match on the full name (given then family name), ignoring case, spacing, punctuation,
    /// diacritics and Urdu/Arabic letter variants. Matched through a keyed blind index: names are
    /// stored encrypted.
    pub name: Option<String>,
    /// Exact match on the B-Form / CNIC number (13 digits, dashes and spaces ignored), through a keyed
    /// blind index.
    #[param(pattern = "^[ -]*([0-9][ -]*){13}$")]
    pub identifier: Option<String>,
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

impl ChildListQuery {
    /// The name and identifier lookups, normalised; 422 naming each unusable one.
    pub fn lookups(&self) -> Result<(Option<String>, Option<String>), crate::error::ApiError> {
        let mut errors = Vec::new();
        let name = match self.name.as_deref() {
            None => None,
            Some(raw) if raw.chars().count() > 300 => {
                errors.push(FieldError::new("name", "must be at most 300 characters"));
                None
            }
            Some(raw) => match cpims_domain::protection::fold_name(raw) {
                folded if folded.is_empty() => {
                    errors.push(FieldError::new("name", "must contain a letter"));
                    None
                }
                folded => Some(folded),
            },
        };
        let identifier = match self.identifier.as_deref().map(normalise_identifier) {
            None => None,
            Some(Ok(digits)) => Some(digits),
            Some(Err(problem)) => {
                errors.push(FieldError::new("identifier", problem.to_string()));
                None
            }
        };
        if errors.is_empty() {
            Ok((name, identifier))
        } else {
            Err(crate::error::ApiError::Validation(errors))
        }
    }
}
