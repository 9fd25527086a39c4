//! The audit log: every read and write of a case record is an entry, the entries form a verifiable hash
//! chain, and a failed request leaves no entry behind.

use cpims_db::repo::audit;
use cpims_domain::audit::{verify_chain, GENESIS_HASH};
use cpims_tests::{with_purpose, TestApp};
use reqwest::Method;
use serde_json::json;

fn whole_chain(app: &TestApp) -> Vec<audit::AuditRow> {
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    audit::range(&mut connection, 0, 100_000).unwrap()
}

#[tokio::test]
async fn every_read_and_write_is_chained_and_the_chain_verifies() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Kiran").await;
    let child_id = child["id"].as_str().unwrap();
    app.call(
        Method::GET,
        &format!("/api/v1/children/{child_id}"),
        &cast.worker_a,
        None,
    )
    .await;
    app.call(
        Method::GET,
        &with_purpose("/api/v1/children"),
        &cast.monitor,
        None,
    )
    .await;
    let patched = app
        .call_if_match(
            Method::PATCH,
            &format!("/api/v1/children/{child_id}"),
            &cast.worker_a,
            1,
            json!({"disability": true}),
        )
        .await;
    assert_eq!(patched.status, 200);

    let rows = whole_chain(&app);
    let about_child: Vec<(&str, Option<&str>)> = rows
        .iter()
        .filter(|row| row.record_id.as_deref() == Some(child_id))
        .map(|row| (row.action.as_str(), row.actor_user_id.as_deref()))
        .collect();
    let actions: Vec<&str> = about_child.iter().map(|(action, _)| *action).collect();
    assert_eq!(actions, vec!["create", "read", "read", "update"]);
    assert!(
        rows.iter().all(|row| row.request_id.is_some()),
        "entries carry the request id"
    );

    let records: Vec<_> = rows.iter().map(|row| row.record()).collect();
    let entries = records
        .iter()
        .zip(&rows)
        .map(|(record, row)| (record, row.prev_hash.as_str(), row.hash.as_str()));
    assert_eq!(verify_chain(Some(GENESIS_HASH), entries), Ok(rows.len()));

    // Editing any stored entry breaks verification at that entry.
    let mut tampered = records.clone();
    tampered[1].actor_user_id = Some("someone-else".to_owned());
    let entries = tampered
        .iter()
        .zip(&rows)
        .map(|(record, row)| (record, row.prev_hash.as_str(), row.hash.as_str()));
    assert_eq!(verify_chain(Some(GENESIS_HASH), entries), Err(1));
}

#[tokio::test]
async fn a_refused_write_leaves_no_audit_entry_and_no_change() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Laila").await;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    let before = whole_chain(&app).len();
    let stale = app
        .call_if_match(
            Method::PATCH,
            &path,
            &cast.worker_a,
            9,
            json!({"given_name": "X"}),
        )
        .await;
    assert_eq!(stale.status, 412);
    let invalid = app
        .call_if_match(
            Method::PATCH,
            &path,
            &cast.worker_a,
            1,
            json!({"province": "Narnia"}),
        )
        .await;
    assert_eq!(invalid.status, 422);
    let outsider = app
        .call_if_match(
            Method::PATCH,
            &path,
            &cast.worker_b,
            1,
            json!({"given_name": "X"}),
        )
        .await;
    assert_eq!(outsider.status, 404);
    let after = whole_chain(&app);
    let denied = after.iter().filter(|row| row.action == "denied").count();
    assert_eq!(denied, 1, "the out-of-scope write is recorded as denied");
    assert_eq!(
        after.len() - denied,
        before,
        "failed writes appended nothing else"
    );
    let history = app
        .call(
            Method::GET,
            &format!("{path}/history"),
            &cast.worker_a,
            None,
        )
        .await;
    assert!(history.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|entry| entry["version"] == 1));
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let creations = (0..8)
        .map(|index| app.create_child(&cast.worker_a, if index % 2 == 0 { "Even" } else { "Odd" }));
    futures_util::future::join_all(creations).await;
    let rows = whole_chain(&app);
    let seqs: Vec<i64> = rows.iter().map(|row| row.seq).collect();
    let expected: Vec<i64> = (1..=i64::try_from(rows.len()).unwrap()).collect();
    assert_eq!(seqs, expected, "no gaps, no duplicates");
    let records: Vec<_> = rows.iter().map(|row| row.record()).collect();
    let entries = records
        .iter()
        .zip(&rows)
        .map(|(record, row)| (record, row.prev_hash.as_str(), row.hash.as_str()));
    assert_eq!(verify_chain(Some(GENESIS_HASH), entries), Ok(rows.len()));
}
