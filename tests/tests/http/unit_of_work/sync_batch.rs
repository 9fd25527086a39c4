//! The sync batch: each item is written as the single-record endpoint would write it.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;

use super::{
    assert_chain_intact, assert_creation_snapshot, at_version, audited_writes, by, change,
    changes_at, history, user_id, Feed,
};

#[tokio::test]
async fn a_sync_batch_writes_each_item_with_the_version_history_audit_entry_and_feed_change_of_a_single_write(
) {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (worker, client) = (
        user_id(&app, &cast.worker_a).await,
        user_id(&app, &cast.sync_a).await,
    );
    let (worker, client, bureau) = (worker.as_str(), client.as_str(), cast.bureau_a.as_str());
    let existing = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_a,
            Some(
                json!({"external_id": "PB-C-OLD", "sex": "male", "province": "Punjab",
                        "district": "Multan", "given_name": "Omar"}),
            ),
        )
        .await;
    assert_eq!(existing.status, 201, "{}", existing.body);
    let old_id = existing.body["id"].as_str().unwrap();
    let mut owner = Feed::new(&app, &cast.sync_a);
    assert_eq!(
        owner.next().await,
        vec![change("child", old_id, 1, "upsert")]
    );

    let batch = json!({
        "children": [
            {"external_id": "PB-C-NEW", "sex": "female", "date_of_birth": "2014-02-02",
             "province": "Punjab", "given_name": "Rabia"},
            {"external_id": "PB-C-OLD", "base_version": 1, "sex": "male", "province": "Punjab",
             "district": "Multan", "given_name": "Omar B."}
        ],
        "incidents": [
            {"external_id": "PB-I-NEW", "child_external_id": "PB-C-NEW", "category": "child_labour",
             "occurred_on": "2024-03-01", "reported_on": "2024-03-02",
             "intake_channel": "helpline_1121", "province": "Punjab", "risk_level": "high"}
        ]
    });
    let reply = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(batch),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let results: Vec<(String, String, String, i64)> = reply.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["errors"].as_array().unwrap().is_empty(), "{r}");
            let text = |key: &str| r[key].as_str().unwrap().to_owned();
            let version = r["version"].as_i64().unwrap();
            (
                text("record_type"),
                text("external_id"),
                text("status"),
                version,
            )
        })
        .collect();
    let result = |kind: &str, ext: &str, status: &str, version: i64| {
        (kind.to_owned(), ext.to_owned(), status.to_owned(), version)
    };
    assert_eq!(
        results,
        vec![
            result("child", "PB-C-NEW", "created", 1),
            result("child", "PB-C-OLD", "updated", 2),
            result("incident", "PB-I-NEW", "created", 1),
        ]
    );
    let ids: Vec<&str> = reply.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let (new_id, incident_id) = (ids[0], ids[2]);
    assert_eq!(ids[1], old_id, "matched by external id");

    let new_path = format!("/api/v1/children/{new_id}");
    let new_child = at_version(&app, &cast.worker_a, &new_path, 1).await;
    assert_creation_snapshot(
        &history(&app, &cast.worker_a, &new_path).await,
        &new_child,
        client,
    );
    let incident_path = format!("/api/v1/incidents/{incident_id}");
    let incident = at_version(&app, &cast.worker_a, &incident_path, 1).await;
    assert_eq!(
        (&incident["child_id"], &incident["status"]),
        (&json!(new_id), &json!("open"))
    );
    assert_creation_snapshot(
        &history(&app, &cast.worker_a, &incident_path).await,
        &incident,
        client,
    );
    let old_path = format!("/api/v1/children/{old_id}");
    let old_child = at_version(&app, &cast.worker_a, &old_path, 2).await;
    assert_eq!(old_child["given_name"], "Omar B.");
    let old_history = history(&app, &cast.worker_a, &old_path).await;
    assert_eq!(
        changes_at(&old_history, 2),
        vec![json!({"field": "given_name", "old_value": "Omar", "new_value": "Omar B."})]
    );
    assert!(old_history.iter().all(|e| e["version"].as_i64() <= Some(2)));
    assert_eq!(
        old_history.last().unwrap()["changed_by"],
        client,
        "the update is the sync client's"
    );

    assert_eq!(
        audited_writes(&app, &cast.admin, "child", new_id).await,
        by(&[("create", client, bureau)])
    );
    assert_eq!(
        audited_writes(&app, &cast.admin, "incident", incident_id).await,
        by(&[("create", client, bureau)])
    );
    assert_eq!(
        audited_writes(&app, &cast.admin, "child", old_id).await,
        by(&[("create", worker, bureau), ("update", client, bureau)])
    );
    let mut changes = owner.next().await;
    changes.sort();
    let mut expected = vec![
        change("child", new_id, 1, "upsert"),
        change("child", old_id, 2, "upsert"),
        change("incident", incident_id, 1, "upsert"),
    ];
    expected.sort();
    assert_eq!(changes, expected, "one change per item");
    assert_chain_intact(&app, &cast.admin).await;
}
