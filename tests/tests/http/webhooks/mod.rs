//! Webhooks end to end: a real HTTP receiver in the test gets signed events, once per delivery and in
//! order per record, gets them again after it recovers from failing, and a second server on the same
//! database delivers what the first one left in the outbox.

mod delivery;
mod receiver;
mod registration;
mod restart;

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

use receiver::Hit;

/// The signing secret every test subscription uses.
const SECRET: &str = "a webhook secret of some length";

/// Whether a request was about a referral.
pub fn is_referral(hit: &Hit) -> bool {
    hit.body["record_type"] == "referral"
}

/// The requests the receiver accepted.
pub fn delivered(hits: &[Hit]) -> Vec<&Hit> {
    hits.iter().filter(|hit| hit.answered == 204).collect()
}

/// Webhook settings for a test server: local http targets, fast polling and retries.
pub fn settings() -> Vec<(&'static str, &'static str)> {
    vec![
        ("CPIMS_WEBHOOK_ALLOW_HTTP_HOSTS", "127.0.0.1"),
        ("CPIMS_WEBHOOK_RETRY_BASE_MS", "20"),
        ("CPIMS_WEBHOOK_POLL_MS", "20"),
        ("CPIMS_WEBHOOK_MAX_ATTEMPTS", "1000"),
    ]
}

/// Registers a subscription for `agency` as `token`'s admin; returns its JSON.
pub async fn subscribe(
    app: &TestApp,
    token: &str,
    url: String,
    agency: &str,
    events: &[&str],
) -> Value {
    let reply = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            token,
            Some(json!({"url": url, "event_types": events, "secret": SECRET, "agency_id": agency})),
        )
        .await;
    assert_eq!(reply.status, 201, "subscription registered: {}", reply.body);
    assert!(
        reply.body.get("secret").is_none(),
        "the secret is write-only"
    );
    reply.body
}

/// Moves a referral to `status` from `version`.
pub async fn move_referral(app: &TestApp, token: &str, id: &str, version: i64, status: &str) {
    let reply = app
        .call_if_match(
            Method::POST,
            &format!("/api/v1/referrals/{id}/transitions"),
            token,
            version,
            json!({"status": status}),
        )
        .await;
    assert_eq!(
        reply.status, 200,
        "referral moved to {status}: {}",
        reply.body
    );
}
