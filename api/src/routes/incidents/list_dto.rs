//! Wire types of the incident list: the page and its filters.

use chrono::NaiveDate;
use cpims_domain::case::{IncidentStatus, RiskLevel};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::IncidentResponse;

/// A page of incidents.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentList {
    pub data: Vec<IncidentResponse>,
    pub next_cursor: Option<String>,
}

/// Filters and paging for incidents.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncidentListQuery {
    pub status: Option<IncidentStatus>,
    pub category: Option<String>,
    pub province: Option<String>,
    pub district: Option<String>,
    pub child_id: Option<String>,
    /// Reported on or after this date.
    pub reported_from: Option<NaiveDate>,
    /// Reported on or before this date.
    pub reported_to: Option<NaiveDate>,
    pub risk_level: Option<RiskLevel>,
    pub external_id: Option<String>,
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
