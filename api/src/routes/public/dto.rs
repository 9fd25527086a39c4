//! Wire types of the public complaint endpoints.

use chrono::{DateTime, Utc};
use cpims_domain::complaint::{is_reference, PublicStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::error::FieldError;
use crate::extract::json::FieldRules;

/// What a complainant receives on filing: keep the reference and the tracking code; the code is
/// shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicComplaintFiled {
    /// A short readable reference, e.g. `CP-2026-7K3M9Q`.
    pub reference: String,
    /// The secret that, with the reference, shows the complaint's progress. Not stored by CP-IMS.
    pub tracking_code: String,
    pub status: PublicStatus,
    /// What happens next, in plain language.
    pub message: String,
}

/// A progress check.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicStatusRequest {
    #[validate(length(max = 32))]
    #[schema(max_length = 32, example = "CP-2026-7K3M9Q")]
    pub reference: String,
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub tracking_code: String,
}

impl FieldRules for PublicStatusRequest {
    fn field_errors(&self) -> Vec<FieldError> {
        if is_reference(self.reference.trim()) {
            Vec::new()
        } else {
            vec![FieldError::new(
                "reference",
                "a reference looks like CP-2026-7K3M9Q",
            )]
        }
    }
}

/// A complaint's progress as the complainant sees it: never a name, a narrative or an agency's
/// internal note.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusResponse {
    pub reference: String,
    /// `received` (waiting to be reviewed), `in_progress` (an agency is working on it) or `closed`.
    pub status: PublicStatus,
    pub updated_at: DateTime<Utc>,
    pub public_message: String,
}
