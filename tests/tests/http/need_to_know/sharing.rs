//! Narrative sharing, declines and cancellations, and several referrals for one child.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::Value;

use super::*;

#[tokio::test]
async fn the_narrative_needs_sharing_and_acceptance_and_declines_end_sight_at_once() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (provider_id, partner) = provider(&app, &cast.admin).await;
    let (_, shared_incident, shared) =
        referred(&app, &cast.worker_a, &provider_id, "psychosocial", true).await;
    let (_, private_incident, private) =
        referred(&app, &cast.worker_a, &provider_id, "psychosocial", false).await;
    let incident_path =
        |incident: &Value| format!("/api/v1/incidents/{}", incident["id"].as_str().unwrap());
    let pending = app
        .call(
            Method::GET,
            &incident_path(&shared_incident),
            &partner,
            None,
        )
        .await;
    assert!(pending.body.get("narrative").is_none(), "not while pending");
    let before = app
        .call(Method::GET, "/api/v1/sync/changes", &partner, None)
        .await;
    let cursor = before.body["next_cursor"].as_str().unwrap().to_owned();
    move_referral(&app, &partner, &shared, "accepted").await;
    move_referral(&app, &partner, &private, "accepted").await;
    // Acceptance widens the view, so the feed carries the incident again for the partner to re-read.
    let since = app
        .call(
            Method::GET,
            &format!("/api/v1/sync/changes?since={cursor}"),
            &partner,
            None,
        )
        .await;
    let refreshed = since.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["id"] == shared_incident["id"])
        .unwrap_or_else(|| {
            panic!(
                "no feed entry for the incident after acceptance: {}",
                since.body
            )
        });
    assert_eq!(refreshed["record"]["narrative"], "Found working at a kiln.");
    let accepted = app
        .call(
            Method::GET,
            &incident_path(&shared_incident),
            &partner,
            None,
        )
        .await;
    assert_eq!(accepted.body["narrative"], "Found working at a kiln.");
    let unshared = app
        .call(
            Method::GET,
            &incident_path(&private_incident),
            &partner,
            None,
        )
        .await;
    assert!(
        unshared.body.get("narrative").is_none(),
        "not shared: {}",
        unshared.body
    );

    // The referrer stops sharing: the narrative goes with the next read.
    let current = app
        .call(
            Method::GET,
            &format!("/api/v1/referrals/{}", shared["id"].as_str().unwrap()),
            &cast.worker_a,
            None,
        )
        .await;
    let patched = app
        .call_if_match(
            Method::PATCH,
            &format!("/api/v1/referrals/{}", shared["id"].as_str().unwrap()),
            &cast.worker_a,
            current.body["version"].as_i64().unwrap(),
            serde_json::json!({"share_narrative": false}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let after = app
        .call(
            Method::GET,
            &incident_path(&shared_incident),
            &partner,
            None,
        )
        .await;
    assert!(after.body.get("narrative").is_none());

    // Declined and cancelled referrals give nothing, at once.
    let (declined_child, _, declined) =
        referred(&app, &cast.worker_a, &provider_id, "medical", true).await;
    move_referral(&app, &partner, &declined, "declined").await;
    let (cancelled_child, _, cancelled) =
        referred(&app, &cast.worker_a, &provider_id, "medical", true).await;
    move_referral(&app, &cast.worker_a, &cancelled, "cancelled").await;
    for child in [&declined_child, &cancelled_child] {
        let got = app
            .call(
                Method::GET,
                &format!("/api/v1/children/{}", child["id"].as_str().unwrap()),
                &partner,
                None,
            )
            .await;
        assert_eq!(got.status, 404);
    }
}

#[tokio::test]
async fn several_referrals_for_one_child_give_the_widest_current_view() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (provider_id, partner) = provider(&app, &cast.admin).await;
    let (child, incident, medical) =
        referred(&app, &cast.worker_a, &provider_id, "medical", false).await;
    let legal = app
        .call(
            Method::POST,
            "/api/v1/referrals",
            &cast.worker_a,
            Some(serde_json::json!({"incident_id": incident["id"], "to_agency_id": provider_id,
                "service": "legal_aid", "urgency": "high", "reason": "Court case", "due_by": "2099-01-01"})),
        )
        .await;
    assert_eq!(legal.status, 201);
    let child_path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    move_referral(&app, &partner, &medical, "accepted").await;
    let view = app
        .call(Method::GET, &child_path, &partner, None)
        .await
        .body;
    assert!(view.get("date_of_birth").is_some(), "medical's profile");
    assert!(
        view.get("identifier").is_none(),
        "legal aid is still pending"
    );
    move_referral(&app, &partner, &legal.body, "accepted").await;
    let view = app
        .call(Method::GET, &child_path, &partner, None)
        .await
        .body;
    assert!(
        view.get("identifier").is_some(),
        "legal aid's profile too: {view}"
    );
}
