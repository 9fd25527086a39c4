//! Wire types of webhook subscriptions and their delivery log. The signing secret is write-only.

use chrono::{DateTime, Utc};
use cpims_db::repo::webhooks::{DeliveryRow, SubscriptionRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::app::events::EVENT_TYPES;
use crate::error::FieldError;
use crate::extract::json::FieldRules;
use crate::extract::params::utc;

/// The shortest signing secret accepted.
pub const MIN_SECRET_CHARS: usize = 16;

/// A new subscription.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where events are POSTed: an `https://` URL (`http://` only on hosts the server allows).
    #[validate(length(min = 8, max = 2000))]
    #[schema(min_length = 8, max_length = 2000)]
    pub url: String,
    /// Any of `referral.created`, `referral.updated`, `referral.status_changed`,
    /// `referral.deleted`, `incident.status_changed`, `deadline.due_soon`, `deadline.overdue`,
    /// `complaint.received`, `complaint.assigned`, `complaint.status_changed`.
    #[validate(length(min = 1, max = 10))]
    #[schema(schema_with = crate::routes::schemas::event_types)]
    pub event_types: Vec<String>,
    /// The HMAC-SHA256 signing key (16 to 256 characters). Never returned.
    #[validate(length(min = 16, max = 256))]
    #[schema(min_length = 16, max_length = 256)]
    pub secret: String,
    /// The agency whose records' events are delivered; defaults to the caller's agency.
    pub agency_id: Option<String>,
}

impl FieldRules for CreateWebhookRequest {
    fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(unknown) = self
            .event_types
            .iter()
            .find(|event| !EVENT_TYPES.contains(&event.as_str()))
        {
            errors.push(FieldError::new(
                "event_types",
                format!("unknown event type {unknown}"),
            ));
        }
        if self.secret.trim().chars().count() < MIN_SECRET_CHARS {
            errors.push(FieldError::new(
                "secret",
                format!("must be at least {MIN_SECRET_CHARS} characters"),
            ));
        }
        if self
            .agency_id
            .as_deref()
            .is_some_and(|id| uuid::Uuid::parse_str(id).is_err())
        {
            errors.push(FieldError::new("agency_id", "no such agency"));
        }
        errors
    }
}

/// A subscription as the API shows it (without its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    pub id: String,
    pub agency_id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

impl From<SubscriptionRow> for WebhookResponse {
    fn from(row: SubscriptionRow) -> Self {
        Self {
            event_types: row.events(),
            id: row.id,
            agency_id: row.agency_id,
            url: row.url,
            active: row.active,
            created_at: utc(row.created_at),
            created_by: row.created_by,
        }
    }
}

/// A page of subscriptions.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub data: Vec<WebhookResponse>,
    pub next_cursor: Option<String>,
}

/// Filters and paging of the subscription list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WebhookListQuery {
    /// Only this agency's subscriptions.
    pub agency_id: Option<String>,
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: the id of its last subscription; older ones follow.
    #[param(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub cursor: Option<String>,
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: i64,
    /// The event's id, the same on every attempt (`X-CPIMS-Event-Id`).
    pub event_id: String,
    pub event: String,
    /// 1 for the first attempt.
    pub attempt: i32,
    pub succeeded: bool,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub attempted_at: DateTime<Utc>,
}

impl From<DeliveryRow> for DeliveryResponse {
    fn from(row: DeliveryRow) -> Self {
        Self {
            id: row.id,
            event_id: row.event_id,
            event: row.event_type,
            attempt: row.attempt,
            succeeded: row.succeeded,
            status_code: row.status_code,
            error: row.error,
            duration_ms: row.duration_ms,
            attempted_at: utc(row.attempted_at),
        }
    }
}

/// A page of delivery attempts, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub data: Vec<DeliveryResponse>,
    pub next_cursor: Option<String>,
}

/// Paging of the delivery log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: the id of its last attempt; older attempts follow.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}
