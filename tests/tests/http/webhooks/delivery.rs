//! Signed delivery, order per record, the CSO's `referral.created`, and retries after failures.

use reqwest::Method;
use serde_json::Value;

use super::receiver::{Hit, Receiver};
use super::{delivered, is_referral, move_referral, settings, subscribe};
use cpims_tests::TestApp;

#[tokio::test]
async fn signed_events_arrive_once_in_order_and_are_retried_after_the_receiver_recovers() {
    let receiver = Receiver::start();
    let app = TestApp::spawn_with(&settings()).await;
    let cast = app.cast().await;
    let bureau = subscribe(
        &app,
        &cast.admin,
        format!("{}/bureau", receiver.base),
        &cast.bureau_a,
        &[
            "referral.created",
            "referral.status_changed",
            "incident.status_changed",
        ],
    )
    .await;
    subscribe(
        &app,
        &cast.admin,
        format!("{}/cso", receiver.base),
        &cast.cso,
        &["referral.created"],
    )
    .await;

    let child = app.create_child(&cast.worker_a, "Zarmina").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let referral = app
        .create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
        .await;
    let referral_id = referral["id"].as_str().unwrap().to_owned();
    move_referral(&app, &cast.partner, &referral_id, 1, "accepted").await;

    let cso_hits = receiver
        .wait_for("/cso", "the CSO's referral.created", |hits| {
            !hits.is_empty()
        })
        .await;
    assert_eq!(cso_hits[0].body["event"], "referral.created");
    assert_eq!(cso_hits[0].body["record_id"], referral_id.as_str());
    assert_eq!(cso_hits[0].body["to_agency_id"], cast.cso.as_str());

    let hits = receiver
        .wait_for("/bureau", "the bureau's first events", |hits| {
            delivered(hits)
                .iter()
                .filter(|hit| is_referral(hit))
                .count()
                >= 2
                && hits
                    .iter()
                    .any(|h| h.body["event"] == "incident.status_changed")
        })
        .await;
    let events: Vec<&str> = hits
        .iter()
        .filter(|hit| is_referral(hit))
        .map(|hit| hit.body["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["referral.created", "referral.status_changed"]);
    let accepted = hits
        .iter()
        .find(|h| h.body["event"] == "referral.status_changed")
        .unwrap();
    assert_eq!(accepted.body["from_status"], "pending");
    assert_eq!(accepted.body["status"], "accepted");
    assert_eq!(accepted.body["version"], 2);

    receiver.fail(true);
    move_referral(&app, &cast.partner, &referral_id, 2, "in_progress").await;
    let failed_attempts = |hits: &[Hit]| {
        hits.iter()
            .filter(|hit| hit.answered == 500 && hit.body["status"] == "in_progress")
            .count()
    };
    receiver
        .wait_for("/bureau", "failed attempts", |hits| {
            failed_attempts(hits) >= 2
        })
        .await;
    receiver.fail(false);
    let hits = receiver
        .wait_for("/bureau", "the retried delivery", |hits| {
            delivered(hits)
                .iter()
                .any(|h| h.body["status"] == "in_progress")
        })
        .await;

    for hit in &hits {
        assert!(hit.signature_valid, "signature verifies: {hit:?}");
        for personal in ["Zarmina", "Khan", "35202", "0300", "kiln", "Guardian"] {
            assert!(
                !hit.raw.contains(personal),
                "no personal data in {}",
                hit.raw
            );
        }
    }
    let ok = delivered(&hits);
    let mut ids: Vec<&str> = ok.iter().map(|hit| hit.event_id.as_str()).collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total, "each event is delivered once");
    let versions: Vec<i64> = ok
        .iter()
        .filter(|hit| is_referral(hit))
        .map(|hit| hit.body["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 3], "the referral's events arrive in order");
    let retried = hits
        .iter()
        .find(|h| h.body["status"] == "in_progress")
        .unwrap();
    assert!(
        hits.iter()
            .filter(|hit| hit.event_id == retried.event_id)
            .count()
            >= 3,
        "the event was attempted, failed and retried"
    );

    let log = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/webhooks/{}/deliveries",
                bureau["id"].as_str().unwrap()
            ),
            &cast.admin,
            None,
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.body);
    let attempts: Vec<&Value> = log.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|attempt| attempt["event_id"] == retried.event_id.as_str())
        .collect();
    assert!(attempts
        .iter()
        .any(|a| a["succeeded"] == true && a["status_code"] == 204));
    assert!(
        attempts
            .iter()
            .filter(|a| a["succeeded"] == false && a["status_code"] == 500)
            .count()
            >= 2,
        "the log shows the failed attempts: {attempts:?}"
    );
}
