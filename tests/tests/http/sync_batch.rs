//! The sync batch: upsert by external id, idempotent re-posts, conflicts on stale versions, and
//! independent items.

use cpims_tests::{with_purpose, Cast, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn batch(cast: &Cast) -> Value {
    json!({
        "children": [
            {"external_id": "PB-C-1", "sex": "female", "date_of_birth": "2014-02-02", "province": "Punjab", "given_name": "Rabia"},
            {"external_id": "PB-C-2", "sex": "male", "province": "Punjab", "district": "Multan"}
        ],
        "incidents": [
            {"external_id": "PB-I-1", "child_external_id": "PB-C-1", "category": "child_labour", "occurred_on": "2024-03-01",
             "reported_on": "2024-03-02", "intake_channel": "helpline_1121", "province": "Punjab", "risk_level": "high"}
        ],
        "referrals": [
            {"external_id": "PB-R-1", "incident_external_id": "PB-I-1", "to_agency_id": cast.cso, "service": "psychosocial",
             "reason": "Counselling"}
        ]
    })
}

fn statuses(reply: &cpims_tests::Reply) -> Vec<String> {
    reply.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn reposting_a_batch_creates_once_then_reports_unchanged() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let first = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(batch(&cast)),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(statuses(&first), vec!["created"; 4]);
    let kinds: Vec<&str> = first.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["record_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["child", "child", "incident", "referral"],
        "request order: children, incidents, referrals"
    );
    let second = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(batch(&cast)),
        )
        .await;
    assert_eq!(statuses(&second), vec!["unchanged"; 4]);
    for (a, b) in first.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(second.body["results"].as_array().unwrap())
    {
        assert_eq!(a["id"], b["id"]);
        assert_eq!(b["version"], 1, "no new version");
    }
    let children = app
        .call(
            Method::GET,
            &with_purpose("/api/v1/children"),
            &cast.admin,
            None,
        )
        .await;
    assert_eq!(
        children.body["data"].as_array().unwrap().len(),
        2,
        "no duplicates"
    );
    let incident_id = first.body["results"][2]["id"].as_str().unwrap();
    let history = app
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{incident_id}/history"),
            &cast.worker_a,
            None,
        )
        .await;
    assert!(
        history.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["version"] == 1),
        "no history for unchanged"
    );
    let referral = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/referrals/{}",
                first.body["results"][3]["id"].as_str().unwrap()
            ),
            &cast.partner,
            None,
        )
        .await;
    assert_eq!(referral.status, 200, "the referral reached the CSO");
}

#[tokio::test]
async fn a_stale_base_version_conflicts_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    app.call(
        Method::POST,
        "/api/v1/sync/batch",
        &cast.sync_a,
        Some(batch(&cast)),
    )
    .await;
    let update = |base: i64, name: &str| {
        json!({"children": [{"external_id": "PB-C-1", "base_version": base, "sex": "female", "date_of_birth": "2014-02-02",
                             "province": "Punjab", "given_name": name}]})
    };
    let updated = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(update(1, "Rabia B.")),
        )
        .await;
    assert_eq!(statuses(&updated), vec!["updated"]);
    assert_eq!(updated.body["results"][0]["version"], 2);
    let stale = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(update(1, "Someone else")),
        )
        .await;
    assert_eq!(statuses(&stale), vec!["conflict"]);
    assert_eq!(
        stale.body["results"][0]["record"]["given_name"], "Rabia B.",
        "the server's record comes back"
    );
    assert_eq!(stale.body["results"][0]["version"], 2);
    let id = updated.body["results"][0]["id"].as_str().unwrap();
    let current = app
        .call(
            Method::GET,
            &format!("/api/v1/children/{id}"),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(current.body["given_name"], "Rabia B.");
    assert_eq!(current.body["version"], 2);

    // A referral's conflict carries the server's record as a GET answers it, deadlines included.
    let referral = |base: i64, reason: &str| {
        json!({"referrals": [{"external_id": "PB-R-1", "base_version": base, "incident_external_id": "PB-I-1",
                              "to_agency_id": cast.cso, "service": "psychosocial", "reason": reason}]})
    };
    let moved = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(referral(1, "Counselling, twice a week")),
        )
        .await;
    assert_eq!(statuses(&moved), vec!["updated"], "{}", moved.body);
    let stale = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(referral(1, "Something else")),
        )
        .await;
    assert_eq!(statuses(&stale), vec!["conflict"]);
    let record = &stale.body["results"][0]["record"];
    let get = app
        .call(
            Method::GET,
            &format!("/api/v1/referrals/{}", record["id"].as_str().unwrap()),
            &cast.sync_a,
            None,
        )
        .await;
    assert_eq!(record["deadlines"], get.body["deadlines"]);
    assert_eq!(
        record["deadlines"][0]["rule"], "referral_response",
        "{record}"
    );
}

#[tokio::test]
async fn an_invalid_item_does_not_block_the_others() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let body = json!({
        "children": [
            {"external_id": "OK-1", "sex": "male", "province": "Punjab"},
            {"external_id": "BAD-1", "sex": "dragon", "province": "Punjab"},
            {"sex": "female", "province": "Punjab"},
            {"external_id": "BAD-2", "sex": "female", "province": "Sindh", "district": "Lahore"}
        ],
        "incidents": [
            {"external_id": "I-1", "child_external_id": "NOPE", "category": "neglect", "occurred_on": "2024-01-01",
             "reported_on": "2024-01-02", "intake_channel": "walk_in", "province": "Punjab", "risk_level": "low"},
            {"external_id": "I-2", "child_external_id": "OK-1", "category": "neglect", "occurred_on": "2024-01-01",
             "reported_on": "2024-01-02", "intake_channel": "walk_in", "province": "Punjab", "risk_level": "low"}
        ]
    });
    let reply = app
        .call(Method::POST, "/api/v1/sync/batch", &cast.sync_a, Some(body))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        statuses(&reply),
        vec!["created", "invalid", "invalid", "invalid", "invalid", "created"]
    );
    let results = reply.body["results"].as_array().unwrap();
    assert_eq!(results[1]["errors"][0]["field"], "sex");
    assert_eq!(
        results[2]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["field"] == "external_id")
            .count(),
        1
    );
    assert_eq!(results[3]["errors"][0]["field"], "district");
    assert_eq!(results[4]["errors"][0]["field"], "child_external_id");
    let children = app
        .call(
            Method::GET,
            &with_purpose("/api/v1/children"),
            &cast.admin,
            None,
        )
        .await;
    assert_eq!(
        children.body["data"].as_array().unwrap().len(),
        1,
        "invalid items wrote nothing"
    );
}

#[tokio::test]
async fn batches_are_for_writers_and_bounded() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.partner,
            Some(batch(&cast))
        )
        .await
        .status,
        403
    );
    let too_many: Vec<Value> = (0..1001)
        .map(|i| json!({"external_id": format!("X-{i}"), "sex": "male", "province": "Punjab"}))
        .collect();
    let reply = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(json!({"children": too_many})),
        )
        .await;
    assert_eq!(reply.status, 422);
    let children = app
        .call(
            Method::GET,
            &with_purpose("/api/v1/children"),
            &cast.admin,
            None,
        )
        .await;
    assert!(children.body["data"].as_array().unwrap().is_empty());
}
