//! History through need to know: a receiving agency sees the history of the fields it may see, and
//! only from when its referral gave it sight.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;

use super::*;

#[tokio::test]
async fn a_receiving_bureau_sees_history_of_its_fields_since_the_referral() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    // Bureau B offers psychosocial support (the cast's agencies do): its case worker may read history.
    let (child, _, referral) =
        referred(&app, &cast.worker_a, &cast.bureau_b, "psychosocial", false).await;
    let child_path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    move_referral(&app, &cast.worker_b, &referral, "accepted").await;
    let current = app
        .call(Method::GET, &child_path, &cast.worker_a, None)
        .await;
    let patched = app
        .call_if_match(
            Method::PATCH,
            &child_path,
            &cast.worker_a,
            current.body["version"].as_i64().unwrap(),
            json!({"guardian_phone": "0321-7654321", "identifier": "35202-7654321-3",
                   "family_name": "Bibi"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);

    let history = app
        .call(
            Method::GET,
            &format!("{child_path}/history"),
            &cast.worker_b,
            None,
        )
        .await;
    assert_eq!(history.status, 200, "{}", history.body);
    let fields: Vec<&str> = history.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["guardian_phone"],
        "only the visible field changed since the referral"
    );
    let owner = app
        .call(
            Method::GET,
            &format!("{child_path}/history"),
            &cast.worker_a,
            None,
        )
        .await;
    let owner_fields: Vec<&str> = owner.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["field"].as_str().unwrap())
        .collect();
    for field in ["identifier", "family_name", "given_name"] {
        assert!(
            owner_fields.contains(&field),
            "the owner sees {field}'s history"
        );
    }

    // Incident moves: the receiver sees those since the referral, without the owner's notes.
    let incident_id = referral["incident_id"].as_str().unwrap();
    let incident = app
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{incident_id}"),
            &cast.worker_a,
            None,
        )
        .await;
    let moved = app
        .call_if_match(
            Method::POST,
            &format!("/api/v1/incidents/{incident_id}/transitions"),
            &cast.worker_a,
            incident.body["version"].as_i64().unwrap(),
            json!({"status": "closed", "closure_reason": "resolved", "note": "Family relocated to Multan"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let owner_moves = app
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{incident_id}/transitions"),
            &cast.worker_a,
            None,
        )
        .await;
    assert!(owner_moves
        .body
        .to_string()
        .contains("Family relocated to Multan"));
    let receiver_moves = app
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{incident_id}/transitions"),
            &cast.worker_b,
            None,
        )
        .await;
    assert_eq!(receiver_moves.status, 200, "{}", receiver_moves.body);
    let text = receiver_moves.body.to_string();
    assert!(text.contains("\"to_status\":\"closed\""), "{text}");
    assert!(
        !text.contains("Multan") && !text.contains("resolved"),
        "{text}"
    );

    // The receiving bureau's view of the child itself is the psychosocial profile, not the whole child.
    let seen = app
        .call(Method::GET, &child_path, &cast.worker_b, None)
        .await;
    assert_eq!(seen.body["guardian_phone"], "+923217654321");
    assert!(seen.body.get("identifier").is_none() && seen.body.get("family_name").is_none());
}
