//! Wire types of a complaint's routing suggestions and of the case made of it.

use chrono::NaiveDate;
use cpims_domain::case::{PerpetratorRelationship, RiskLevel};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::dto::ComplaintResponse;
use crate::error::FieldError;
use crate::extract::json::FieldRules;
use crate::routes::children::dto::ChildInput;
use crate::routes::incidents::dto::IncidentResponse;

/// An agency suggested for a complaint, with the reasons.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingSuggestion {
    pub agency_id: String,
    pub name: String,
    /// Higher is a better match; only the order is meaningful.
    pub score: u32,
    pub reasons: Vec<String>,
}

/// Suggested agencies, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingList {
    pub data: Vec<RoutingSuggestion>,
}

/// Making a case of an accepted complaint: a new child or an existing one, and the incident's facts
/// the complaint does not carry.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MakeCaseRequest {
    /// A new child (the fields of `POST /api/v1/children`); or give `child_id`.
    #[validate(nested)]
    pub child: Option<ChildInput>,
    /// An existing child of the caller's agency; or give `child`.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub child_id: Option<String>,
    /// When it happened; by default the day the complaint was received.
    pub occurred_on: Option<NaiveDate>,
    /// By default from the complaint's urgency (medium when unset).
    pub risk_level: Option<RiskLevel>,
    pub perpetrator_relationship: Option<PerpetratorRelationship>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

impl FieldRules for MakeCaseRequest {
    fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = match &self.child {
            Some(child) => child
                .field_errors()
                .into_iter()
                .map(|error| error.nested_in("child"))
                .collect(),
            None => Vec::new(),
        };
        if self.child.is_some() == self.child_id.is_some() {
            errors.push(FieldError::new(
                "child_id",
                "give either child (a new child) or child_id (an existing one), not both",
            ));
        }
        errors
    }
}

/// The case made of a complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct MadeCase {
    pub complaint: ComplaintResponse,
    pub incident: IncidentResponse,
}
