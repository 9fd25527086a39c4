//! Referrals: created by a bureau, accepted, started and completed by the receiving CSO (the incident
//! following), and a second one cancelled by the bureau.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

use super::{
    assert_chain_intact, at_version, audited_writes, by, change, changes_at, event, history, moves,
    queued, subscribe, user_id, webhook_settings, Feed,
};

/// The fields a version of a record changed, as history lists them.
fn fields_at(history: &[Value], version: i64) -> Vec<String> {
    changes_at(history, version)
        .iter()
        .map(|entry| entry["field"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_referral_move_records_itself_and_the_incident_it_carries_once_for_both_agencies() {
    let app = TestApp::spawn_with(&webhook_settings()).await;
    let cast = app.cast().await;
    let (worker, partner) = (
        user_id(&app, &cast.worker_a).await,
        user_id(&app, &cast.partner).await,
    );
    let (bureau, cso) = (cast.bureau_a.as_str(), cast.cso.as_str());
    let events = [
        "referral.created",
        "referral.status_changed",
        "incident.status_changed",
    ];
    let hook = subscribe(&app, &cast.admin, cso, &events).await;
    let child = app.create_child(&cast.worker_a, "Chanda").await;
    let child_id = child["id"].as_str().unwrap();
    let incident = app.create_incident(&cast.worker_a, child_id).await;
    let incident_id = incident["id"].as_str().unwrap();
    let incident_path = format!("/api/v1/incidents/{incident_id}");
    let mut owner = Feed::new(&app, &cast.sync_a);
    let mut receiver = Feed::new(&app, &cast.partner);
    assert_eq!(owner.next().await.len(), 2, "child and incident");
    assert!(receiver.next().await.is_empty(), "nothing referred yet");

    let referral = app
        .create_referral(&cast.worker_a, incident_id, &cast.cso)
        .await;
    let id = referral["id"].as_str().unwrap();
    let path = format!("/api/v1/referrals/{id}");
    at_version(&app, &cast.worker_a, &path, 1).await;
    assert_eq!(
        owner.next().await,
        vec![change("referral", id, 1, "upsert")]
    );
    assert_eq!(
        receiver.next().await,
        vec![
            change("referral", id, 1, "upsert"),
            change("child", child_id, 1, "upsert"),
            change("incident", incident_id, 1, "upsert"),
        ],
        "the grant brings the child and incident"
    );

    let mut incident_version = 1;
    for (version, status, incident_status) in [
        (1, "accepted", Some("referred")),
        (2, "in_progress", Some("in_service")),
        (3, "completed", None),
    ] {
        let reply = app
            .call_if_match(
                Method::POST,
                &format!("{path}/transitions"),
                &cast.partner,
                version,
                json!({"status": status, "note": format!("CSO: {status}")}),
            )
            .await;
        assert_eq!(reply.status, 200, "{status}: {}", reply.body);
        at_version(&app, &cast.worker_a, &path, version + 1).await;
        let mut expected = vec![change("referral", id, version + 1, "upsert")];
        if incident_status.is_some() {
            incident_version += 1;
            expected.push(change("incident", incident_id, incident_version, "upsert"));
        }
        let current = at_version(&app, &cast.worker_a, &incident_path, incident_version).await;
        let expected_status = incident_status.unwrap_or("in_service");
        assert_eq!(current["status"], expected_status, "after {status}");
        assert_eq!(owner.next().await, expected, "owner after {status}");
        if status == "accepted" {
            // Acceptance widens the receiver's view (need to know): the child comes again; the
            // incident comes with its follow-up move.
            expected.insert(1, change("child", child_id, 1, "upsert"));
        }
        assert_eq!(receiver.next().await, expected, "receiver after {status}");
    }
    let done = at_version(&app, &cast.worker_a, &path, 4).await;
    assert!(done["first_response_at"].is_string() && done["completed_at"].is_string());

    let trail = history(&app, &cast.worker_a, &path).await;
    assert_eq!(fields_at(&trail, 2), ["first_response_at", "status"]);
    assert_eq!(fields_at(&trail, 3), ["status"]);
    assert_eq!(fields_at(&trail, 4), ["completed_at", "status"]);
    let statuses: Vec<(Value, Value)> = trail
        .iter()
        .filter(|e| e["field"] == "status")
        .map(|e| (e["old_value"].clone(), e["new_value"].clone()))
        .collect();
    let pair = |a: Value, b: &str| (a, json!(b));
    assert_eq!(
        statuses,
        vec![
            pair(Value::Null, "pending"),
            pair(json!("pending"), "accepted"),
            pair(json!("accepted"), "in_progress"),
            pair(json!("in_progress"), "completed"),
        ]
    );
    let incident_trail = history(&app, &cast.worker_a, &incident_path).await;
    let status_move =
        |from: &str, to: &str| vec![json!({"field": "status", "old_value": from, "new_value": to})];
    assert_eq!(
        changes_at(&incident_trail, 2),
        status_move("open", "referred")
    );
    assert_eq!(
        changes_at(&incident_trail, 3),
        status_move("referred", "in_service")
    );
    assert!(incident_trail
        .iter()
        .filter(|e| e["version"] != 1)
        .all(|e| e["changed_by"] == partner.as_str() && e["changed_by_agency_id"] == cso));
    assert!(incident_trail
        .iter()
        .all(|e| e["version"].as_i64() <= Some(3)));

    let note = |status: &str| json!(format!("CSO: {status}"));
    let step =
        |from: &str, to: &str, note: Value| [json!(from), json!(to), note, Value::Null, json!(cso)];
    assert_eq!(
        moves(&app, &cast.worker_a, &path).await,
        vec![
            step("pending", "accepted", note("accepted")),
            step("accepted", "in_progress", note("in_progress")),
            step("in_progress", "completed", note("completed")),
        ]
    );
    let follows = |to: &str| json!(format!("referral {id} moved to {to}"));
    assert_eq!(
        moves(&app, &cast.worker_a, &incident_path).await,
        vec![
            step("open", "referred", follows("accepted")),
            step("referred", "in_service", follows("in_progress")),
        ]
    );

    let (worker, partner) = (worker.as_str(), partner.as_str());
    let transition = ("transition", partner, cso);
    assert_eq!(
        audited_writes(&app, &cast.admin, "referral", id).await,
        by(&[
            ("create", worker, bureau),
            transition,
            transition,
            transition
        ])
    );
    assert_eq!(
        audited_writes(&app, &cast.admin, "incident", incident_id).await,
        by(&[("create", worker, bureau), transition, transition])
    );
    assert_eq!(
        audited_writes(&app, &cast.admin, "child", child_id).await,
        by(&[("create", worker, bureau)])
    );
    let moved = "referral.status_changed";
    assert_eq!(
        queued(&app, &hook, id).await,
        vec![
            event("referral.created", "", "pending", 1),
            event(moved, "pending", "accepted", 2),
            event(moved, "accepted", "in_progress", 3),
            event(moved, "in_progress", "completed", 4),
        ]
    );
    let followed = "incident.status_changed";
    assert_eq!(
        queued(&app, &hook, incident_id).await,
        vec![
            event(followed, "open", "referred", 2),
            event(followed, "referred", "in_service", 3),
        ]
    );
    assert_chain_intact(&app, &cast.admin).await;

    // A second case, referred and then cancelled by the bureau: the CSO loses sight of all three.
    let child = app.create_child(&cast.worker_a, "Dua").await;
    let child_id = child["id"].as_str().unwrap();
    let incident = app.create_incident(&cast.worker_a, child_id).await;
    let incident_id = incident["id"].as_str().unwrap();
    let second = app
        .create_referral(&cast.worker_a, incident_id, &cast.cso)
        .await;
    let second_id = second["id"].as_str().unwrap();
    let second_path = format!("/api/v1/referrals/{second_id}");
    assert_eq!(owner.next().await.len(), 3);
    assert_eq!(receiver.next().await.len(), 3);
    let cancelled = app
        .call_if_match(
            Method::POST,
            &format!("{second_path}/transitions"),
            &cast.worker_a,
            1,
            json!({"status": "cancelled", "note": "Entered in error"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    at_version(&app, &cast.worker_a, &second_path, 2).await;
    assert_eq!(
        owner.next().await,
        vec![change("referral", second_id, 2, "upsert")]
    );
    assert_eq!(
        receiver.next().await,
        vec![
            change("referral", second_id, 2, "tombstone"),
            change("child", child_id, 1, "tombstone"),
            change("incident", incident_id, 1, "tombstone"),
        ]
    );
    assert_eq!(
        moves(&app, &cast.worker_a, &second_path).await,
        vec![[
            json!("pending"),
            json!("cancelled"),
            json!("Entered in error"),
            Value::Null,
            json!(bureau)
        ]]
    );
    // The referrer withdrawing a pending referral is no answer from the receiver: only the status
    // changes, and `first_response_at` stays unset (response-time statistics count answers only).
    let second_trail = history(&app, &cast.worker_a, &second_path).await;
    assert_eq!(
        changes_at(&second_trail, 2),
        vec![json!({"field": "status", "old_value": "pending", "new_value": "cancelled"})]
    );
    assert!(second_trail
        .iter()
        .all(|e| e["version"].as_i64() <= Some(2)));
    let by_worker = ("transition", worker, bureau);
    assert_eq!(
        audited_writes(&app, &cast.admin, "referral", second_id).await,
        by(&[("create", worker, bureau), by_worker])
    );
    at_version(
        &app,
        &cast.worker_a,
        &format!("/api/v1/incidents/{incident_id}"),
        1,
    )
    .await;
    assert_eq!(
        audited_writes(&app, &cast.admin, "incident", incident_id).await,
        by(&[("create", worker, bureau)]),
        "a cancellation does not move the incident"
    );
    assert_eq!(
        queued(&app, &hook, second_id).await,
        vec![
            event("referral.created", "", "pending", 1),
            event(moved, "pending", "cancelled", 2),
        ]
    );
    assert!(queued(&app, &hook, incident_id).await.is_empty());
    assert_chain_intact(&app, &cast.admin).await;
}
