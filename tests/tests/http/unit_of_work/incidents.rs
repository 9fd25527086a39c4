//! Incidents: create, patch, a move with a note, closing with a reason, delete.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

use super::{
    assert_chain_intact, assert_creation_snapshot, at_version, audited_writes, by, change,
    changes_at, event, history, moves, queued, subscribe, user_id, webhook_settings, Feed,
};

#[tokio::test]
async fn each_incident_write_and_move_is_recorded_once_in_history_transitions_audit_feed_and_outbox(
) {
    let app = TestApp::spawn_with(&webhook_settings()).await;
    let cast = app.cast().await;
    let worker = user_id(&app, &cast.worker_a).await;
    let (worker, bureau) = (worker.as_str(), cast.bureau_a.as_str());
    let hook = subscribe(
        &app,
        &cast.admin,
        bureau,
        &["incident.status_changed", "referral.status_changed"],
    )
    .await;
    let child = app.create_child(&cast.worker_a, "Bilal").await;
    let mut owner = Feed::new(&app, &cast.sync_a);
    assert_eq!(owner.next().await.len(), 1, "the child");

    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let id = incident["id"].as_str().unwrap();
    let path = format!("/api/v1/incidents/{id}");
    let record = at_version(&app, &cast.worker_a, &path, 1).await;
    assert_eq!(record["status"], "open");
    let created = history(&app, &cast.worker_a, &path).await;
    assert_creation_snapshot(&created, &record, worker);
    assert_eq!(
        owner.next().await,
        vec![change("incident", id, 1, "upsert")]
    );

    let patched = app
        .call_if_match(
            Method::PATCH,
            &path,
            &cast.worker_a,
            1,
            json!({"risk_level": "critical"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    at_version(&app, &cast.worker_a, &path, 2).await;
    assert_eq!(
        owner.next().await,
        vec![change("incident", id, 2, "upsert")]
    );

    let moved = app
        .call_if_match(
            Method::POST,
            &format!("{path}/transitions"),
            &cast.worker_a,
            2,
            json!({"status": "under_assessment", "note": "Home visit booked"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.header("etag"), Some("\"3\""));
    at_version(&app, &cast.worker_a, &path, 3).await;
    assert_eq!(
        owner.next().await,
        vec![change("incident", id, 3, "upsert")]
    );

    let closed = app
        .call_if_match(
            Method::POST,
            &format!("{path}/transitions"),
            &cast.worker_a,
            3,
            json!({"status": "closed", "closure_reason": "Family relocated", "note": "Moved away"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let record = at_version(&app, &cast.worker_a, &path, 4).await;
    assert_eq!(
        (&record["status"], &record["closure_reason"]),
        (&json!("closed"), &json!("Family relocated"))
    );
    assert_eq!(
        owner.next().await,
        vec![change("incident", id, 4, "upsert")]
    );

    let all = history(&app, &cast.worker_a, &path).await;
    assert_eq!(changes_at(&all, 1), changes_at(&created, 1));
    let entry = |field: &str, old: Value, new: Value| json!({"field": field, "old_value": old, "new_value": new});
    assert_eq!(
        changes_at(&all, 2),
        vec![entry("risk_level", json!("high"), json!("critical"))]
    );
    assert_eq!(
        changes_at(&all, 3),
        vec![entry("status", json!("open"), json!("under_assessment"))]
    );
    assert_eq!(
        changes_at(&all, 4),
        vec![
            entry("closure_reason", Value::Null, json!("Family relocated")),
            entry("status", json!("under_assessment"), json!("closed")),
        ]
    );
    assert_eq!(all.len(), created.len() + 4, "nothing else");
    assert_eq!(
        moves(&app, &cast.worker_a, &path).await,
        vec![
            [
                json!("open"),
                json!("under_assessment"),
                json!("Home visit booked"),
                Value::Null,
                json!(bureau)
            ],
            [
                json!("under_assessment"),
                json!("closed"),
                json!("Moved away"),
                json!("Family relocated"),
                json!(bureau)
            ],
        ]
    );
    assert_eq!(
        queued(&app, &hook, id).await,
        vec![
            event("incident.status_changed", "open", "under_assessment", 3),
            event("incident.status_changed", "under_assessment", "closed", 4),
        ],
        "one event per move, none for the create or the patch"
    );
    assert_eq!(
        audited_writes(&app, &cast.admin, "incident", id).await,
        by(&[
            ("create", worker, bureau),
            ("update", worker, bureau),
            ("transition", worker, bureau),
            ("transition", worker, bureau),
        ])
    );
    assert_chain_intact(&app, &cast.admin).await;

    let deleted = app
        .call_if_match(Method::DELETE, &path, &cast.worker_a, 4, json!({}))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(
        app.call(Method::GET, &path, &cast.worker_a, None)
            .await
            .status,
        404
    );
    assert_eq!(
        owner.next().await,
        vec![change("incident", id, 5, "tombstone")]
    );
    let writes = audited_writes(&app, &cast.admin, "incident", id).await;
    assert_eq!(writes.len(), 5, "{writes:?}");
    assert_eq!(writes[4], by(&[("delete", worker, bureau)])[0]);
    assert_eq!(
        queued(&app, &hook, id).await.len(),
        2,
        "no event for a delete"
    );
    assert_chain_intact(&app, &cast.admin).await;
}
