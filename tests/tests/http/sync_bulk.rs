//! A sync batch's creates are written together; each must still be recorded exactly as a single
//! create is (history, audit, change feed), and one bad item must still fail alone.

use cpims_tests::{with_purpose, Cast, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn child(external_id: &str, given_name: &str) -> Value {
    json!({"external_id": external_id, "sex": "female", "date_of_birth": "2015-05-05",
           "province": "Punjab", "given_name": given_name})
}

fn incident(external_id: &str, child_external_id: &str, occurred_on: &str) -> Value {
    json!({"external_id": external_id, "child_external_id": child_external_id, "category": "neglect",
           "occurred_on": occurred_on, "reported_on": "2024-06-02", "intake_channel": "walk_in",
           "province": "Punjab", "risk_level": "low"})
}

async fn sync(app: &TestApp, cast: &Cast, body: Value) -> Vec<Value> {
    let reply = app
        .call(Method::POST, "/api/v1/sync/batch", &cast.sync_a, Some(body))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["results"].as_array().unwrap().clone()
}

fn statuses(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

async fn data(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let reply = app.call(Method::GET, path, token, None).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn batched_creates_are_each_recorded_like_a_single_create() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let results = sync(
        &app,
        &cast,
        json!({
            "children": [child("B-1", "Sana"), child("B-2", "Hina"), child("B-1", "Sana Bibi"), child("B-3", "Amna")],
            "incidents": [
                incident("BI-1", "B-1", "2024-06-01"),
                incident("BI-2", "B-2", "2014-06-01"),
                incident("BI-3", "B-3", "2024-06-01")
            ]
        }),
    )
    .await;
    assert_eq!(
        statuses(&results),
        vec!["created", "created", "updated", "created", "created", "invalid", "created"],
        "a repeated external id updates what the batch created; an incident before the child's birth \
         fails alone: {results:?}"
    );
    assert_eq!(results[5]["errors"][0]["field"], "occurred_on");
    assert_eq!(results[2]["id"], results[0]["id"]);
    assert_eq!(results[2]["version"], 2);

    let repeated = app
        .call(
            Method::GET,
            &format!("/api/v1/children/{}", results[0]["id"].as_str().unwrap()),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(repeated.body["given_name"], "Sana Bibi");
    assert_eq!(repeated.body["version"], 2);

    for (result, record_type, path) in [
        (&results[1], "child", "children"),
        (&results[3], "child", "children"),
        (&results[4], "incident", "incidents"),
        (&results[6], "incident", "incidents"),
    ] {
        let id = result["id"].as_str().unwrap();
        let history = data(
            &app,
            &cast.worker_a,
            &format!("/api/v1/{path}/{id}/history"),
        )
        .await;
        assert!(
            history.len() >= 5 && history.iter().all(|h| h["version"] == 1),
            "{record_type} {id} has its version-1 history: {history:?}"
        );
        let fields: Vec<&str> = history
            .iter()
            .map(|h| h["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&"province"), "{fields:?}");
        let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
        let audit = cpims_db::repo::audit::of_record(&mut connection, record_type, id).unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|entry| entry.action == "create")
                .count(),
            1,
            "{record_type} {id} has one create audit entry"
        );
    }
    let sana = data(
        &app,
        &cast.worker_a,
        &format!(
            "/api/v1/children/{}/history",
            results[0]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert!(
        sana.iter()
            .any(|h| h["version"] == 2 && h["field"] == "given_name"),
        "the update is version 2 of the batch's create: {sana:?}"
    );

    let feed = data(&app, &cast.sync_a, "/api/v1/sync/changes?limit=100").await;
    let mut fed: Vec<(String, i64)> = feed
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["version"].as_i64().unwrap(),
            )
        })
        .collect();
    fed.sort();
    let mut expected: Vec<(String, i64)> = [0, 1, 3, 4, 6]
        .iter()
        .map(|&i| (results[i]["id"].as_str().unwrap().to_owned(), 1))
        .chain([(results[0]["id"].as_str().unwrap().to_owned(), 2)])
        .collect();
    expected.sort();
    assert_eq!(fed, expected, "every version is in the change feed once");
}

#[tokio::test]
async fn a_taken_external_id_fails_only_its_own_create() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let first = sync(&app, &cast, json!({"children": [child("GONE-1", "Zara")]})).await;
    let gone = first[0]["id"].as_str().unwrap();
    let deleted = app
        .call_if_match(
            Method::DELETE,
            &format!("/api/v1/children/{gone}"),
            &cast.worker_a,
            1,
            json!({}),
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);

    // The deleted child keeps its external id, so writing the three together is refused and the
    // batch falls back to one create at a time.
    let results = sync(
        &app,
        &cast,
        json!({"children": [child("NEW-1", "Iqra"), child("GONE-1", "Zara"), child("NEW-2", "Aqsa")]}),
    )
    .await;
    assert_eq!(statuses(&results), vec!["created", "invalid", "created"]);
    assert_eq!(results[1]["errors"][0]["field"], "external_id");
    for result in [&results[0], &results[2]] {
        let id = result["id"].as_str().unwrap();
        let history = data(
            &app,
            &cast.worker_a,
            &format!("/api/v1/children/{id}/history"),
        )
        .await;
        assert!(!history.is_empty(), "child {id} has its history");
    }
    let children = data(&app, &cast.admin, &with_purpose("/api/v1/children")).await;
    let mut external_ids: Vec<&str> = children
        .iter()
        .map(|c| c["external_id"].as_str().unwrap())
        .collect();
    external_ids.sort_unstable();
    assert_eq!(external_ids, vec!["NEW-1", "NEW-2"], "nothing half-written");
}

/// The `record_history` rows of one record: (version, field, new value as stored).
fn stored_history(app: &TestApp, record_id: &str) -> Vec<(i64, String, Option<String>)> {
    use cpims_db::schema::record_history;
    use diesel::prelude::*;
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    record_history::table
        .filter(record_history::record_id.eq(record_id))
        .order(record_history::id.asc())
        .select((
            record_history::version,
            record_history::field,
            record_history::new_value,
        ))
        .load(&mut *connection)
        .unwrap()
}

#[tokio::test]
async fn a_creation_is_one_sealed_history_row_read_back_field_by_field() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let results = sync(&app, &cast, json!({"children": [child("H-1", "Sana")]})).await;
    let id = results[0]["id"].as_str().unwrap().to_owned();

    let stored = stored_history(&app, &id);
    assert_eq!(
        stored.len(),
        1,
        "one row for the whole creation: {stored:?}"
    );
    assert_eq!((stored[0].0, stored[0].1.as_str()), (1, "*"));
    let sealed = stored[0].2.as_deref().unwrap();
    assert!(
        sealed.starts_with("enc:") && !sealed.contains("Sana"),
        "the snapshot holds the name, so it is sealed"
    );

    let history = data(
        &app,
        &cast.worker_a,
        &format!("/api/v1/children/{id}/history"),
    )
    .await;
    let fields: Vec<(&str, &Value, &Value)> = history
        .iter()
        .map(|h| {
            (
                h["field"].as_str().unwrap(),
                &h["old_value"],
                &h["new_value"],
            )
        })
        .collect();
    let named: Vec<&str> = fields.iter().map(|(field, _, _)| *field).collect();
    let mut sorted = named.clone();
    sorted.sort_unstable();
    assert_eq!(named, sorted, "field by field, in field order");
    for (field, value) in [
        ("given_name", json!("Sana")),
        ("sex", json!("female")),
        ("date_of_birth", json!("2015-05-05")),
        ("province", json!("Punjab")),
        ("external_id", json!("H-1")),
    ] {
        assert!(
            fields.contains(&(field, &Value::Null, &value)),
            "{field} set to {value} at creation: {fields:?}"
        );
    }
    assert!(
        !named.contains(&"version") && !named.contains(&"*") && !named.contains(&"family_name"),
        "untracked and unset fields are not listed: {named:?}"
    );
    assert!(history.iter().all(|h| h["version"] == 1));

    // A later change is still recorded field by field, after the expanded creation.
    let renamed = app
        .call_if_match(
            Method::PATCH,
            &format!("/api/v1/children/{id}"),
            &cast.worker_a,
            1,
            json!({"given_name": "Sana Bibi"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(stored_history(&app, &id).len(), 2);
    let history = data(
        &app,
        &cast.worker_a,
        &format!("/api/v1/children/{id}/history"),
    )
    .await;
    let last = history.last().unwrap();
    assert_eq!(
        (
            &last["version"],
            &last["field"],
            &last["old_value"],
            &last["new_value"]
        ),
        (
            &json!(2),
            &json!("given_name"),
            &json!("Sana"),
            &json!("Sana Bibi")
        )
    );
    assert_eq!(history.len(), fields.len() + 1);
}
