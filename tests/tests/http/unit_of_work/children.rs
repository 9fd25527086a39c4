//! Children: create, patch and delete.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;

use super::{
    assert_chain_intact, assert_creation_snapshot, at_version, audited_writes, by, change,
    changes_at, history, user_id, Feed,
};

#[tokio::test]
async fn each_child_write_advances_the_version_once_with_its_history_audit_entry_and_feed_change() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let worker = user_id(&app, &cast.worker_a).await;
    let (worker, bureau) = (worker.as_str(), cast.bureau_a.as_str());
    let mut owner = Feed::new(&app, &cast.sync_a);
    let mut outsider = Feed::new(&app, &cast.worker_b);
    assert!(owner.next().await.is_empty() && outsider.next().await.is_empty());

    let child = app.create_child(&cast.worker_a, "Ayesha").await;
    let id = child["id"].as_str().unwrap();
    let path = format!("/api/v1/children/{id}");
    let record = at_version(&app, &cast.worker_a, &path, 1).await;
    let created = history(&app, &cast.worker_a, &path).await;
    assert_creation_snapshot(&created, &record, worker);
    assert_eq!(
        audited_writes(&app, &cast.admin, "child", id).await,
        by(&[("create", worker, bureau)])
    );
    assert_eq!(owner.next().await, vec![change("child", id, 1, "upsert")]);
    assert_chain_intact(&app, &cast.admin).await;

    let patched = app
        .call_if_match(
            Method::PATCH,
            &path,
            &cast.worker_a,
            1,
            json!({"given_name": "Ayesha B.", "disability": true}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.header("etag"), Some("\"2\""));
    at_version(&app, &cast.worker_a, &path, 2).await;
    let after_patch = history(&app, &cast.worker_a, &path).await;
    assert_eq!(
        changes_at(&after_patch, 1),
        changes_at(&created, 1),
        "the creation is left as it was"
    );
    assert_eq!(
        changes_at(&after_patch, 2),
        vec![
            json!({"field": "disability", "old_value": false, "new_value": true}),
            json!({"field": "given_name", "old_value": "Ayesha", "new_value": "Ayesha B."}),
        ]
    );
    assert_eq!(after_patch.len(), created.len() + 2, "nothing else");
    assert!(after_patch
        .iter()
        .all(|e| e["changed_by"] == worker && e["changed_by_agency_id"] == bureau));
    assert_eq!(
        audited_writes(&app, &cast.admin, "child", id).await,
        by(&[("create", worker, bureau), ("update", worker, bureau)])
    );
    assert_eq!(owner.next().await, vec![change("child", id, 2, "upsert")]);
    assert_chain_intact(&app, &cast.admin).await;

    let deleted = app
        .call_if_match(Method::DELETE, &path, &cast.worker_a, 2, json!({}))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(
        app.call(Method::GET, &path, &cast.worker_a, None)
            .await
            .status,
        404
    );
    assert_eq!(
        audited_writes(&app, &cast.admin, "child", id).await,
        by(&[
            ("create", worker, bureau),
            ("update", worker, bureau),
            ("delete", worker, bureau)
        ])
    );
    assert_eq!(
        owner.next().await,
        vec![change("child", id, 3, "tombstone")]
    );
    assert!(outsider.next().await.is_empty(), "another bureau sees none");
    assert_chain_intact(&app, &cast.admin).await;
}
