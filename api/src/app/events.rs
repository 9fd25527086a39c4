//! The events case changes raise for webhooks, queued in the outbox inside the change's own write
//! transaction. Payloads carry ids and statuses only, never a child's personal data.

use cpims_db::repo::changes::grantees;
use cpims_db::repo::webhook_outbox::{self, NewEvent};
use cpims_db::repo::webhooks;
use cpims_db::AnyConnection;
use cpims_domain::access::RecordKind;
use cpims_domain::case::{IncidentStatus, ReferralStatus};
use cpims_domain::complaint::{Complaint, ComplaintStatus};
use cpims_domain::records::{Incident, Referral};
use serde_json::{json, Value};

use crate::error::ApiError;

/// Every event type a subscription may ask for.
pub const EVENT_TYPES: [&str; 10] = [
    "referral.created",
    "referral.updated",
    "referral.status_changed",
    "referral.deleted",
    "incident.status_changed",
    "deadline.due_soon",
    "deadline.overdue",
    "complaint.received",
    "complaint.assigned",
    "complaint.status_changed",
];

/// What happened to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralEvent {
    Created,
    /// Its details changed; its status did not.
    Updated,
    StatusChanged {
        from: ReferralStatus,
    },
    Deleted,
}

impl ReferralEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralEvent::Created => "referral.created",
            ReferralEvent::Updated => "referral.updated",
            ReferralEvent::StatusChanged { .. } => "referral.status_changed",
            ReferralEvent::Deleted => "referral.deleted",
        }
    }
}

/// Queues a referral event for the subscriptions of the referring and the receiving agency.
pub fn referral_event(
    connection: &mut AnyConnection,
    referral: &Referral,
    event: ReferralEvent,
) -> Result<(), ApiError> {
    let mut payload = base(
        event.as_str(),
        RecordKind::Referral,
        &referral.meta.id,
        referral.meta.version,
    );
    payload["status"] = json!(referral.status.as_str());
    if let ReferralEvent::StatusChanged { from } = event {
        payload["from_status"] = json!(from.as_str());
    }
    payload["agency_id"] = json!(referral.meta.agency_id);
    payload["to_agency_id"] = json!(referral.to_agency_id);
    let audience = vec![
        referral.meta.agency_id.clone(),
        referral.to_agency_id.clone(),
    ];
    queue(connection, &payload, &audience)
}

/// Queues `incident.status_changed` for the subscriptions of the owner and of every agency a live
/// referral grants sight of the incident.
pub fn incident_status_changed(
    connection: &mut AnyConnection,
    incident: &Incident,
    from: IncidentStatus,
    grants_completed_after: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let mut payload = base(
        "incident.status_changed",
        RecordKind::Incident,
        &incident.meta.id,
        incident.meta.version,
    );
    payload["status"] = json!(incident.status.as_str());
    payload["from_status"] = json!(from.as_str());
    payload["agency_id"] = json!(incident.meta.agency_id);
    let mut audience = vec![incident.meta.agency_id.clone()];
    for agency in grantees(
        connection,
        RecordKind::Incident,
        &incident.meta.id,
        grants_completed_after,
    )? {
        if !audience.contains(&agency) {
            audience.push(agency);
        }
    }
    queue(connection, &payload, &audience)
}

/// Queues `complaint.received` (a new complaint), or `complaint.status_changed` and, on assignment,
/// `complaint.assigned`, for the subscriptions of the receiving and the assigned agency.
pub fn complaint_event(
    connection: &mut AnyConnection,
    complaint: &Complaint,
    from: Option<ComplaintStatus>,
) -> Result<(), ApiError> {
    let mut audience = vec![complaint.meta.agency_id.clone()];
    if let Some(assigned) = &complaint.assigned_agency_id {
        if !audience.contains(assigned) {
            audience.push(assigned.clone());
        }
    }
    let mut events = Vec::new();
    match from {
        None => events.push("complaint.received"),
        Some(_) => {
            events.push("complaint.status_changed");
            if complaint.status == ComplaintStatus::Assigned {
                events.push("complaint.assigned");
            }
        }
    }
    for event in events {
        let mut payload = base(
            event,
            RecordKind::Complaint,
            &complaint.meta.id,
            complaint.meta.version,
        );
        payload["reference"] = json!(complaint.reference);
        payload["status"] = json!(complaint.status.as_str());
        if let Some(from) = from {
            payload["from_status"] = json!(from.as_str());
        }
        payload["agency_id"] = json!(complaint.meta.agency_id);
        payload["assigned_agency_id"] = json!(complaint.assigned_agency_id);
        payload["immediate_danger"] = json!(complaint.immediate_danger);
        queue(connection, &payload, &audience)?;
    }
    Ok(())
}

fn base(event: &str, record_type: RecordKind, record_id: &str, version: i64) -> Value {
    json!({
        "event_id": cpims_db::page::new_id(),
        "event": event,
        "occurred_at": cpims_db::page::now().and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "record_type": record_type.as_str(),
        "record_id": record_id,
        "version": version,
    })
}

fn queue(
    connection: &mut AnyConnection,
    payload: &Value,
    audience: &[String],
) -> Result<(), ApiError> {
    let text = |key: &str| payload[key].as_str().unwrap_or_default().to_owned();
    let event_type = text("event");
    let subscriptions = webhooks::subscribed(connection, audience, &event_type)?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let body = serde_json::to_string(payload)
        .map_err(|error| ApiError::Internal(format!("webhook payload: {error}")))?;
    let event = NewEvent {
        event_id: &text("event_id"),
        event_type: &event_type,
        record_type: &text("record_type"),
        record_id: &text("record_id"),
        payload: &body,
    };
    webhook_outbox::enqueue(connection, &event, &subscriptions)?;
    Ok(())
}
