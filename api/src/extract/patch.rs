//! JSON merge patch (RFC 7396, top level) of a stored record's create-request form, validated as a
//! create would be.

use serde::de::DeserializeOwned;
use serde::Serialize;
use validator::Validate;

use crate::error::{ApiError, FieldError};
use crate::extract::json::{flatten, FieldRules};

/// Applies a JSON merge patch (RFC 7396, top level) to the create-request form of a stored record and
/// validates the result exactly as a create would, so a PATCH can never store what a POST would refuse.
pub fn merge_patch<C, P>(current: &C, patch: &P) -> Result<C, ApiError>
where
    C: Serialize + DeserializeOwned + Validate + FieldRules,
    P: Serialize,
{
    let encode = |error: serde_json::Error| ApiError::Internal(format!("patch encoding: {error}"));
    let mut merged = serde_json::to_value(current).map_err(encode)?;
    let patch = serde_json::to_value(patch).map_err(encode)?;
    if let (Some(target), Some(changes)) = (merged.as_object_mut(), patch.as_object()) {
        for (field, value) in changes {
            target.insert(field.clone(), value.clone());
        }
    }
    let candidate: C = serde_json::from_value(merged)
        .map_err(|error| ApiError::Validation(vec![FieldError::new("body", error.to_string())]))?;
    let mut errors = candidate
        .validate()
        .err()
        .map(|errors| flatten(&errors))
        .unwrap_or_default();
    errors.extend(candidate.field_errors());
    if errors.is_empty() {
        Ok(candidate)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors.dedup_by(|a, b| a.field == b.field);
        Err(ApiError::Validation(errors))
    }
}
