//! Staff intake and the workflow's refusals: who may move what, what each move needs, and that a
//! decline returns the complaint to triage.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

use super::{intake, move_complaint};
use crate::unit_of_work::{event, queued, subscribe, webhook_settings};

fn staff_complaint() -> Value {
    json!({
        "channel": "helpline_1099",
        "complainant_type": "teacher",
        "contact_consent": false,
        "child_age_years": 12,
        "province": "Punjab",
        "district": "Lahore",
        "category": "child_marriage",
        "subcategory": "vani_swara",
        "narrative": "A pupil is to be given in marriage to settle a dispute."
    })
}

#[actix_web::test]
async fn triage_assignment_and_decline_follow_the_workflow() {
    let app = TestApp::spawn_with(&webhook_settings()).await;
    let cast = app.cast().await;
    let (ncrc, intake) = intake(&app, &cast).await;
    let complaint_events = [
        "complaint.received",
        "complaint.assigned",
        "complaint.status_changed",
    ];
    let receiver_hook = subscribe(&app, &cast.admin, &ncrc, &complaint_events).await;
    let assignee_hook = subscribe(&app, &cast.admin, &cast.bureau_b, &complaint_events).await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/complaints",
            &intake,
            Some(staff_complaint()),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["status"], "received");
    assert_eq!(created.header("etag"), Some("\"1\""));
    let complaint = created.body;

    // Analysts and partners may not register complaints.
    for token in [&cast.analyst, &cast.partner] {
        let refused = app
            .call(
                Method::POST,
                "/api/v1/complaints",
                token,
                Some(staff_complaint()),
            )
            .await;
        assert_eq!(refused.status, 403, "{}", refused.body);
    }

    let skipped = move_complaint(
        &app,
        &intake,
        &complaint,
        json!({"status": "assigned", "assigned_agency_id": cast.bureau_a}),
    )
    .await;
    assert_eq!(skipped.status, 409, "{}", skipped.body);
    assert_eq!(skipped.body["allowed_next"], json!(["triaged", "closed"]));
    let no_urgency = move_complaint(&app, &intake, &complaint, json!({"status": "triaged"})).await;
    assert_eq!(no_urgency.status, 422, "{}", no_urgency.body);
    assert_eq!(no_urgency.error_fields(), ["urgency"]);
    let no_reason = move_complaint(&app, &intake, &complaint, json!({"status": "closed"})).await;
    assert_eq!(no_reason.error_fields(), ["closure_reason"]);

    let triaged = move_complaint(
        &app,
        &intake,
        &complaint,
        json!({"status": "triaged", "urgency": "high"}),
    )
    .await;
    assert_eq!(triaged.status, 200, "{}", triaged.body);
    let stale = move_complaint(
        &app,
        &intake,
        &complaint,
        json!({"status": "closed", "closure_reason": "withdrawn"}),
    )
    .await;
    assert_eq!(stale.status, 412, "{}", stale.body);
    let unknown_agency = move_complaint(
        &app,
        &intake,
        &triaged.body,
        json!({"status": "assigned", "assigned_agency_id": "00000000-0000-4000-8000-000000000000"}),
    )
    .await;
    assert_eq!(
        unknown_agency.error_fields(),
        ["assigned_agency_id"],
        "{}",
        unknown_agency.body
    );
    let assigned = move_complaint(
        &app,
        &intake,
        &triaged.body,
        json!({"status": "assigned", "assigned_agency_id": cast.bureau_b}),
    )
    .await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);

    // Only the assigned agency answers; the receiver cannot accept for it.
    let not_yours =
        move_complaint(&app, &intake, &assigned.body, json!({"status": "accepted"})).await;
    assert_eq!(not_yours.status, 403, "{}", not_yours.body);
    let as_sindh = app
        .call(
            Method::GET,
            &format!("/api/v1/complaints/{}", complaint["id"].as_str().unwrap()),
            &cast.worker_b,
            None,
        )
        .await;
    let silent = move_complaint(
        &app,
        &cast.worker_b,
        &as_sindh.body,
        json!({"status": "declined"}),
    )
    .await;
    assert_eq!(
        silent.error_fields(),
        ["note"],
        "a decline says why: {}",
        silent.body
    );
    let declined = move_complaint(
        &app,
        &cast.worker_b,
        &as_sindh.body,
        json!({"status": "declined", "note": "The child lives in Punjab: outside our province."}),
    )
    .await;
    assert_eq!(declined.status, 200, "{}", declined.body);
    assert_eq!(declined.body["status"], "declined");

    // Back in triage's queue with the reason; re-triage ends the decliner's sight of it.
    let queue = app
        .call(
            Method::GET,
            "/api/v1/complaints?status=received,declined",
            &intake,
            None,
        )
        .await;
    assert_eq!(
        queue.body["data"][0]["id"], complaint["id"],
        "{}",
        queue.body
    );
    let repeated = app
        .call(
            Method::GET,
            "/api/v1/complaints?status=received&status=declined",
            &intake,
            None,
        )
        .await;
    assert_eq!(
        repeated.body, queue.body,
        "repeated keys list the same as a comma-separated list"
    );
    let retriaged = move_complaint(
        &app,
        &intake,
        &declined.body,
        json!({"status": "triaged", "urgency": "high"}),
    )
    .await;
    assert_eq!(retriaged.status, 200, "{}", retriaged.body);
    assert_eq!(retriaged.body["assigned_agency_id"], Value::Null);
    let gone = app
        .call(
            Method::GET,
            &format!("/api/v1/complaints/{}", complaint["id"].as_str().unwrap()),
            &cast.worker_b,
            None,
        )
        .await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    let id = complaint["id"].as_str().unwrap();
    assert_eq!(
        queued(&app, &receiver_hook, id).await,
        vec![
            event("complaint.received", "", "received", 1),
            event("complaint.status_changed", "received", "triaged", 2),
            event("complaint.status_changed", "triaged", "assigned", 3),
            event("complaint.assigned", "triaged", "assigned", 3),
            event("complaint.status_changed", "assigned", "declined", 4),
            event("complaint.status_changed", "declined", "triaged", 5),
        ]
    );
    assert_eq!(
        queued(&app, &assignee_hook, id).await,
        vec![
            event("complaint.status_changed", "triaged", "assigned", 3),
            event("complaint.assigned", "triaged", "assigned", 3),
            event("complaint.status_changed", "assigned", "declined", 4),
        ],
        "the assignee hears from its assignment until the complaint leaves it"
    );
    let feed = app
        .call(
            Method::GET,
            "/api/v1/sync/changes?limit=500",
            &cast.worker_b,
            None,
        )
        .await;
    let last = feed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|item| item["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(last["change"], "tombstone", "{last}");

    // Closing as a duplicate names the original; a case cannot be made of an unaccepted complaint.
    let original = app
        .call(
            Method::POST,
            "/api/v1/complaints",
            &intake,
            Some(staff_complaint()),
        )
        .await
        .body;
    let duplicate = move_complaint(
        &app,
        &intake,
        &retriaged.body,
        json!({"status": "closed", "closure_reason": "duplicate"}),
    )
    .await;
    assert_eq!(duplicate.error_fields(), ["duplicate_of"]);
    let closed = move_complaint(
        &app,
        &intake,
        &retriaged.body,
        json!({"status": "closed", "closure_reason": "duplicate", "duplicate_of": original["id"]}),
    )
    .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(closed.body["duplicate_of"], original["id"]);
    let converted = move_complaint(&app, &intake, &original, json!({"status": "converted"})).await;
    assert_eq!(converted.status, 409, "{}", converted.body);
    let history = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/complaints/{}/history",
                complaint["id"].as_str().unwrap()
            ),
            &intake,
            None,
        )
        .await;
    assert_eq!(history.status, 200, "{}", history.body);
    assert!(history.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["field"] == "closure_reason"));
}
