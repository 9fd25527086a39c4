//! Milestones and deadlines, black-box, with the server's clock held and moved (no test sleeps):
//! statutory clocks on incidents, service clocks on referrals, the work queue, and the sweep's
//! alerts raised once however many servers sweep.

mod compliance;
mod milestones;
mod sweep;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

/// A Pakistan-time wall clock reading (UTC+5), as the UTC instant it is.
pub fn pkt(text: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    chrono::FixedOffset::east_opt(5 * 3600)
        .unwrap()
        .from_local_datetime(&local)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// Holds the server's clock at a Pakistan-time reading.
pub fn hold(app: &TestApp, text: &str) {
    app.state.clock.hold_at(pkt(text));
}

/// Registers a child and an incident of `category` reported on `reported_on`; returns the incident.
pub async fn incident_of(
    app: &TestApp,
    token: &str,
    category: &str,
    occurred_on: &str,
    reported_on: &str,
) -> Value {
    let child = app.create_child(token, "Zainab").await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            token,
            Some(json!({"child_id": child["id"], "category": category,
                        "occurred_on": occurred_on, "reported_on": reported_on,
                        "intake_channel": "helpline_1121", "province": "Punjab",
                        "district": "Lahore", "risk_level": "high"})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

/// The deadline of `rule` a record carries.
pub fn deadline<'a>(record: &'a Value, rule: &str) -> &'a Value {
    record["deadlines"]
        .as_array()
        .unwrap_or_else(|| panic!("no deadlines on {record}"))
        .iter()
        .find(|deadline| deadline["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} deadline on {record}"))
}

/// An instant as the API writes it.
pub fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// The record at `path`, read by `token`.
pub async fn read(app: &TestApp, token: &str, path: &str) -> Value {
    let reply = app.call(Method::GET, path, token, None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}
