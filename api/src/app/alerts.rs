//! The deadline sweep: as time passes, deadlines fall due soon and then overdue. Each sweep claims
//! the deadlines whose moment has come (`cpims_db::repo::deadlines::claim_alerts`) and, in the same
//! transaction, queues a `deadline.due_soon` or `deadline.overdue` webhook event for each and puts its
//! record on the change feed, so sync clients fetch the record with its deadline's new state. The
//! claim is in the database, so each alert is raised once however many servers sweep, and across
//! restarts.

use std::collections::{BTreeSet, HashMap};

use cpims_db::repo::changes::{self, ChangeKind, NewChange};
use cpims_db::repo::deadlines::{self, Alert, Listeners, StoredDeadline};
use cpims_db::repo::webhook_outbox::{self, NewEvent};
use cpims_db::repo::webhooks;
use cpims_db::{AnyConnection, DbPool};
use cpims_domain::access::RecordKind;
use serde_json::json;

use super::deadlines::Timekeeping;
use crate::error::ApiError;

/// How many deadlines one transaction of a sweep claims.
pub const SWEEP_BATCH: i64 = 1000;

/// What one sweep raised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub due_soon: usize,
    pub overdue: usize,
}

/// Raises every alert whose moment has come by `time.now`, a batch per transaction.
pub fn sweep(pool: &DbPool, time: &Timekeeping) -> Result<SweepReport, ApiError> {
    let mut connection = cpims_db::checkout(pool)?;
    sweep_on(&mut connection, time)
}

/// [`sweep`] on a connection already checked out.
pub fn sweep_on(
    connection: &mut AnyConnection,
    time: &Timekeeping,
) -> Result<SweepReport, ApiError> {
    let mut report = SweepReport::default();
    // Overdue first: a deadline that went past due between sweeps is not announced as due soon.
    for alert in [Alert::Overdue, Alert::DueSoon] {
        loop {
            let raised = cpims_db::write_transaction(connection, |connection| {
                let token = cpims_db::page::new_id();
                let claimed =
                    deadlines::claim_alerts(connection, alert, time.now, &token, SWEEP_BATCH)?;
                announce(connection, alert, &claimed, time)?;
                Ok::<usize, ApiError>(claimed.len())
            })?;
            match alert {
                Alert::Overdue => report.overdue += raised,
                Alert::DueSoon => report.due_soon += raised,
            }
            if i64::try_from(raised).unwrap_or(i64::MAX) < SWEEP_BATCH {
                break;
            }
        }
    }
    Ok(report)
}

fn event_name(alert: Alert) -> &'static str {
    match alert {
        Alert::DueSoon => "deadline.due_soon",
        Alert::Overdue => "deadline.overdue",
    }
}

fn announce(
    connection: &mut AnyConnection,
    alert: Alert,
    claimed: &[StoredDeadline],
    time: &Timekeeping,
) -> Result<(), ApiError> {
    if claimed.is_empty() {
        return Ok(());
    }
    let ids_of = |kind: RecordKind| -> Vec<String> {
        let ids: BTreeSet<&str> = claimed
            .iter()
            .filter(|row| row.record_type == kind.as_str())
            .map(|row| row.record_id.as_str())
            .collect();
        ids.into_iter().map(str::to_owned).collect()
    };
    let mut listeners: HashMap<(RecordKind, String), Listeners> = HashMap::new();
    for (kind, found) in [
        (
            RecordKind::Incident,
            deadlines::incident_listeners(connection, &ids_of(RecordKind::Incident))?,
        ),
        (
            RecordKind::Referral,
            deadlines::referral_listeners(connection, &ids_of(RecordKind::Referral))?,
        ),
        (
            RecordKind::Complaint,
            deadlines::complaint_listeners(connection, &ids_of(RecordKind::Complaint))?,
        ),
    ] {
        for entry in found {
            listeners.insert((kind, entry.record_id.clone()), entry);
        }
    }
    let feed: Vec<NewChange> = listeners
        .iter()
        .map(|((kind, id), entry)| NewChange {
            record_type: *kind,
            record_id: id.clone(),
            version: entry.version,
            change: ChangeKind::Upsert,
            audience: entry.audience.clone(),
        })
        .collect();
    changes::publish(connection, &feed)?;

    let event = event_name(alert);
    let agencies: Vec<String> = listeners
        .values()
        .flat_map(|entry| entry.audience.iter().cloned())
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let subscriptions = webhooks::subscribed(connection, &agencies, event)?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let occurred_at = time
        .now
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    for row in claimed {
        let Some(kind) = RecordKind::parse(&row.record_type) else {
            continue;
        };
        let Some(entry) = listeners.get(&(kind, row.record_id.clone())) else {
            continue;
        };
        let audience: Vec<_> = subscriptions
            .iter()
            .filter(|subscription| entry.audience.contains(&subscription.agency_id))
            .cloned()
            .collect();
        if audience.is_empty() {
            continue;
        }
        let event_id = cpims_db::page::new_id();
        let payload = json!({
            "event_id": event_id,
            "event": event,
            "occurred_at": occurred_at,
            "record_type": row.record_type,
            "record_id": row.record_id,
            "version": entry.version,
            "deadline_id": row.id,
            "rule": row.rule,
            "due_at": row.due_at.map(|at| at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            "started_at": row.started_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
        let body = serde_json::to_string(&payload)
            .map_err(|error| ApiError::Internal(format!("webhook payload: {error}")))?;
        let new_event = NewEvent {
            event_id: &event_id,
            event_type: event,
            record_type: &row.record_type,
            record_id: &row.record_id,
            payload: &body,
        };
        webhook_outbox::enqueue(connection, &new_event, &audience)?;
    }
    Ok(())
}
