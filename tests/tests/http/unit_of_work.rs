//! One write, one consistent whole: for every command family, each write leaves the record, its field
//! history, the audit chain and the change feed (and, where the family has them, transition rows and
//! webhook outbox events) in step, each exactly once. Guards moving every write onto one unit of work:
//! a step that goes missing, or runs twice, fails a count here.

use cpims_db::repo::webhooks::webhook_outbox;
use cpims_db::AnyConnection;
use cpims_tests::TestApp;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

mod children;
mod incidents;
mod referrals;
mod sync_batch;

/// A change as the feed lists it: record type, id, version, `upsert` or `tombstone`.
pub type Change = (String, String, i64, String);

pub fn change(record_type: &str, id: &str, version: i64, kind: &str) -> Change {
    (
        record_type.to_owned(),
        id.to_owned(),
        version,
        kind.to_owned(),
    )
}

/// A reader of one caller's change feed, continuing where it last stopped.
pub struct Feed<'a> {
    app: &'a TestApp,
    token: String,
    cursor: Option<String>,
}

impl<'a> Feed<'a> {
    pub fn new(app: &'a TestApp, token: &str) -> Self {
        Feed {
            app,
            token: token.to_owned(),
            cursor: None,
        }
    }

    /// The changes committed since the previous call; each upsert carries the record at the version
    /// it announces (the feed is read right after each write).
    pub async fn next(&mut self) -> Vec<Change> {
        let mut seen = Vec::new();
        loop {
            let path = match &self.cursor {
                Some(cursor) => format!("/api/v1/sync/changes?limit=1000&since={cursor}"),
                None => "/api/v1/sync/changes?limit=1000".to_owned(),
            };
            let page = self.app.call(Method::GET, &path, &self.token, None).await;
            assert_eq!(page.status, 200, "{}", page.body);
            let data = page.body["data"].as_array().unwrap();
            for item in data {
                let version = item["version"].as_i64().unwrap();
                if item["change"] == "upsert" {
                    assert_eq!(item["record"]["version"], version, "{item}");
                }
                seen.push(change(
                    item["record_type"].as_str().unwrap(),
                    item["id"].as_str().unwrap(),
                    version,
                    item["change"].as_str().unwrap(),
                ));
            }
            self.cursor = page.body["next_cursor"].as_str().map(str::to_owned);
            if data.is_empty() {
                return seen;
            }
        }
    }
}

/// The id of `token`'s user.
pub async fn user_id(app: &TestApp, token: &str) -> String {
    let me = app.call(Method::GET, "/api/v1/me", token, None).await;
    me.body["user"]["id"].as_str().unwrap().to_owned()
}

/// Reads a record, checks that body and ETag are at `version`, and returns the body.
pub async fn at_version(app: &TestApp, token: &str, path: &str, version: i64) -> Value {
    let reply = app.call(Method::GET, path, token, None).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    assert_eq!(reply.body["version"], version, "{path}");
    let etag = format!("\"{version}\"");
    assert_eq!(reply.header("etag"), Some(etag.as_str()), "{path}");
    reply.body
}

/// A record's field history, oldest first.
pub async fn history(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let reply = app
        .call(Method::GET, &format!("{path}/history"), token, None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["data"].as_array().unwrap().clone()
}

/// The history entries of one version as `{field, old_value, new_value}`, in stored order.
pub fn changes_at(history: &[Value], version: i64) -> Vec<Value> {
    history
        .iter()
        .filter(|entry| entry["version"] == version)
        .map(|entry| {
            json!({"field": entry["field"], "old_value": entry["old_value"],
                   "new_value": entry["new_value"]})
        })
        .collect()
}

/// The history holds exactly one creation snapshot, at version 1 and by `actor`, whose fields are the
/// record's as created (every field set, each once).
pub fn assert_creation_snapshot(history: &[Value], record: &Value, actor: &str) {
    let created: Vec<&Value> = history.iter().filter(|e| e["version"] == 1).collect();
    assert!(!created.is_empty(), "a creation snapshot: {history:?}");
    let mut fields: Vec<&str> = created
        .iter()
        .map(|entry| {
            let field = entry["field"].as_str().unwrap();
            assert_eq!(entry["old_value"], Value::Null, "{entry}");
            assert_eq!(entry["new_value"], record[field], "{field} as created");
            assert_eq!(entry["changed_by"], actor);
            field
        })
        .collect();
    // Bookkeeping, and deadlines, which are derived from the record and never written by a caller.
    let untracked = [
        "version",
        "updated_at",
        "created_at",
        "created_by",
        "id",
        "deadlines",
    ];
    let set = record
        .as_object()
        .unwrap()
        .iter()
        .filter(|(field, value)| !value.is_null() && !untracked.contains(&field.as_str()))
        .count();
    let total = fields.len();
    fields.sort_unstable();
    fields.dedup();
    assert_eq!(
        (fields.len(), total),
        (set, set),
        "one entry per field set: {fields:?}"
    );
}

/// The audit entries about a record that are neither reads nor denials, oldest first, as (action, actor user id,
/// actor agency id); searched as `admin`.
pub async fn audited_writes(
    app: &TestApp,
    admin: &str,
    record_type: &str,
    id: &str,
) -> Vec<(String, String, String)> {
    let path = format!("/api/v1/audit?record_type={record_type}&record_id={id}&limit=500");
    let reply = app.call(Method::GET, &path, admin, None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["next_cursor"], Value::Null);
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let mut writes: Vec<(String, String, String)> = reply.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| {
            let action = entry["action"].as_str().unwrap();
            !action.starts_with("read") && action != "denied"
        })
        .map(|entry| {
            (
                text(&entry["action"]),
                text(&entry["actor_user_id"]),
                text(&entry["actor_agency_id"]),
            )
        })
        .collect();
    writes.reverse();
    writes
}

/// `(action, user, agency)` expectations, for comparing with [`audited_writes`].
pub fn by(entries: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    entries
        .iter()
        .map(|(a, u, g)| ((*a).to_owned(), (*u).to_owned(), (*g).to_owned()))
        .collect()
}

/// `GET /api/v1/audit/verify` finds the chain intact.
pub async fn assert_chain_intact(app: &TestApp, admin: &str) {
    let reply = app
        .call(Method::GET, "/api/v1/audit/verify", admin, None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["ok"], true, "{}", reply.body);
    assert_eq!(reply.body["first_bad_entry"], Value::Null);
}

/// A record's status moves, oldest first, as (from, to, note, closure reason, actor agency).
pub async fn moves(app: &TestApp, token: &str, path: &str) -> Vec<[Value; 5]> {
    let reply = app
        .call(Method::GET, &format!("{path}/transitions"), token, None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let fields = ["from_status", "to_status", "note", "closure_reason"];
    reply.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let [a, b, c, d] = fields.map(|field| t[field].clone());
            [a, b, c, d, t["actor_agency_id"].clone()]
        })
        .collect()
}

/// Webhook settings under which a subscription to an unreachable local URL is accepted; each event
/// is tried once, and its outbox row stays.
pub fn webhook_settings() -> [(&'static str, &'static str); 2] {
    [
        ("CPIMS_WEBHOOK_ALLOW_HTTP_HOSTS", "127.0.0.1"),
        ("CPIMS_WEBHOOK_MAX_ATTEMPTS", "1"),
    ]
}

/// Subscribes `agency` to `events` (as `admin`); returns the subscription's id.
pub async fn subscribe(app: &TestApp, admin: &str, agency: &str, events: &[&str]) -> String {
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": events,
                      "secret": "a webhook secret of some length", "agency_id": agency});
    let reply = app
        .call(Method::POST, "/api/v1/webhooks", admin, Some(body))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}

/// The events queued for a subscription about one record, oldest first, as
/// (event, from status, status, version).
pub async fn queued(
    app: &TestApp,
    subscription: &str,
    record_id: &str,
) -> Vec<(String, String, String, i64)> {
    let pool = app.state.pool.clone();
    let (subscription, record_id) = (subscription.to_owned(), record_id.to_owned());
    let payloads: Vec<String> = tokio::task::spawn_blocking(move || {
        let mut pooled = cpims_db::checkout(&pool).unwrap();
        let connection: &mut AnyConnection = &mut pooled;
        webhook_outbox::table
            .filter(webhook_outbox::subscription_id.eq(subscription))
            .filter(webhook_outbox::record_id.eq(record_id))
            .order(webhook_outbox::seq.asc())
            .select(webhook_outbox::payload)
            .load(connection)
            .unwrap()
    })
    .await
    .unwrap();
    payloads
        .iter()
        .map(|payload| {
            let event: Value = serde_json::from_str(payload).unwrap();
            let text = |key: &str| event[key].as_str().unwrap_or_default().to_owned();
            (
                text("event"),
                text("from_status"),
                text("status"),
                event["version"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// A `queued` expectation.
pub fn event(name: &str, from: &str, to: &str, version: i64) -> (String, String, String, i64) {
    (name.to_owned(), from.to_owned(), to.to_owned(), version)
}
