//! `Idempotency-Key` on POST: replays of the first response, refusal of a reused key, concurrent
//! duplicates, per-caller scope, expiry, and requests without a key.

use cpims_db::repo::idempotency::idempotency_keys;
use cpims_tests::{with_purpose, Cast, Reply, TestApp};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::Method;
use serde_json::{json, Value};

const REFERRALS: &str = "/api/v1/referrals";

fn referral_body(incident_id: &str, to_agency_id: &str, reason: &str) -> Value {
    json!({"incident_id": incident_id, "to_agency_id": to_agency_id, "service": "psychosocial",
           "urgency": "high", "reason": reason, "due_by": "2099-01-01"})
}

async fn post_keyed(app: &TestApp, path: &str, token: &str, key: &str, payload: &Value) -> Reply {
    let request = app
        .request(Method::POST, path)
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(payload);
    Reply::from(request.send().await.unwrap()).await
}

/// A cast and an incident of bureau A ready to be referred to the CSO.
async fn scenario(app: &TestApp) -> (Cast, String) {
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Zainab").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    (cast, incident["id"].as_str().unwrap().to_owned())
}

async fn referral_count(app: &TestApp, cast: &Cast) -> usize {
    let list = app
        .call(Method::GET, &with_purpose(REFERRALS), &cast.admin, None)
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["data"].as_array().unwrap().len()
}

fn set_key_row(app: &TestApp, key: &str, created_at: Option<chrono::NaiveDateTime>, state: &str) {
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    let rows = idempotency_keys::table.filter(idempotency_keys::idempotency_key.eq(key));
    let updated = match created_at {
        Some(time) => diesel::update(rows)
            .set((
                idempotency_keys::created_at.eq(time),
                idempotency_keys::state.eq(state),
            ))
            .execute(&mut *connection),
        None => diesel::update(rows)
            .set(idempotency_keys::state.eq(state))
            .execute(&mut *connection),
    };
    assert_eq!(updated.unwrap(), 1, "one stored row for key {key}");
}

#[tokio::test]
async fn a_repeat_with_the_same_key_and_body_replays_the_first_response_and_creates_one_referral() {
    let app = TestApp::spawn().await;
    let (cast, incident_id) = scenario(&app).await;
    let body = referral_body(&incident_id, &cast.cso, "Counselling needed");

    let first = post_keyed(&app, REFERRALS, &cast.worker_a, "retry-1", &body).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.header("idempotent-replayed"), None);
    let second = post_keyed(&app, REFERRALS, &cast.worker_a, "retry-1", &body).await;
    assert_eq!(second.status, 201, "{}", second.body);
    assert_eq!(second.body, first.body, "the stored body is replayed");
    assert_eq!(second.header("etag"), first.header("etag"));
    assert!(first.header("etag").is_some());
    assert_eq!(second.header("location"), first.header("location"));
    assert_eq!(second.header("content-type"), Some("application/json"));
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        referral_count(&app, &cast).await,
        1,
        "the work was done once"
    );
}

#[tokio::test]
async fn the_same_key_with_a_different_body_is_refused_with_422_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let (cast, incident_id) = scenario(&app).await;
    let first = post_keyed(
        &app,
        REFERRALS,
        &cast.worker_a,
        "k-1",
        &referral_body(&incident_id, &cast.cso, "Counselling needed"),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);

    let changed = referral_body(&incident_id, &cast.cso, "Something else");
    let reused = post_keyed(&app, REFERRALS, &cast.worker_a, "k-1", &changed).await;
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert_eq!(reused.error_fields(), vec!["Idempotency-Key"]);
    assert_eq!(
        reused.header("content-type"),
        Some("application/problem+json")
    );
    let child = app.create_child(&cast.worker_a, "Other").await;
    let elsewhere = post_keyed(&app, "/api/v1/incidents", &cast.worker_a, "k-1", &child).await;
    assert_eq!(
        elsewhere.status, 422,
        "the key is bound to its endpoint too"
    );
    assert_eq!(referral_count(&app, &cast).await, 1);
}

#[tokio::test]
async fn concurrent_duplicates_create_exactly_one_referral() {
    let app = TestApp::spawn().await;
    let (cast, incident_id) = scenario(&app).await;
    for round in 0..4 {
        let key = format!("concurrent-{round}");
        let body = referral_body(&incident_id, &cast.cso, &format!("Round {round}"));
        let (one, two) = tokio::join!(
            post_keyed(&app, REFERRALS, &cast.worker_a, &key, &body),
            post_keyed(&app, REFERRALS, &cast.worker_a, &key, &body),
        );
        let mut statuses = [one.status, two.status];
        statuses.sort_unstable();
        assert!(
            statuses == [201, 201] || statuses == [201, 409],
            "{statuses:?}: {} / {}",
            one.body,
            two.body
        );
        let replayed = [&one, &two]
            .iter()
            .filter(|reply| reply.header("idempotent-replayed") == Some("true"))
            .count();
        if statuses == [201, 201] {
            assert_eq!(replayed, 1, "one of two 201s is the replay");
            assert_eq!(one.body, two.body);
        } else {
            assert_eq!(replayed, 0);
        }
        assert_eq!(referral_count(&app, &cast).await, round + 1);
    }
}

#[tokio::test]
async fn a_repeat_while_the_first_is_still_running_answers_409() {
    let app = TestApp::spawn().await;
    let (cast, incident_id) = scenario(&app).await;
    let body = referral_body(&incident_id, &cast.cso, "Counselling needed");
    let first = post_keyed(&app, REFERRALS, &cast.worker_a, "slow", &body).await;
    assert_eq!(first.status, 201);
    // Put the stored claim back to the state it has while its request runs.
    set_key_row(&app, "slow", None, "in_progress");

    let repeat = post_keyed(&app, REFERRALS, &cast.worker_a, "slow", &body).await;
    assert_eq!(repeat.status, 409, "{}", repeat.body);
    assert_eq!(
        repeat.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(referral_count(&app, &cast).await, 1);
}

#[tokio::test]
async fn different_callers_may_use_the_same_key_independently() {
    let app = TestApp::spawn().await;
    let (cast, incident_id) = scenario(&app).await;
    let body = referral_body(&incident_id, &cast.cso, "Counselling needed");
    let worker = post_keyed(&app, REFERRALS, &cast.worker_a, "shared", &body).await;
    let sync = post_keyed(&app, REFERRALS, &cast.sync_a, "shared", &body).await;
    assert_eq!((worker.status, sync.status), (201, 201), "{}", sync.body);
    assert_eq!(sync.header("idempotent-replayed"), None);
    assert_ne!(worker.body["id"], sync.body["id"]);
    assert_eq!(referral_count(&app, &cast).await, 2);
}

#[tokio::test]
async fn an_expired_key_is_processed_anew() {
    let app = TestApp::spawn_with(&[("CPIMS_IDEMPOTENCY_TTL_SECS", "3600")]).await;
    let (cast, incident_id) = scenario(&app).await;
    let body = referral_body(&incident_id, &cast.cso, "Counselling needed");
    let first = post_keyed(&app, REFERRALS, &cast.worker_a, "old", &body).await;
    assert_eq!(first.status, 201);
    let within = post_keyed(&app, REFERRALS, &cast.worker_a, "old", &body).await;
    assert_eq!(within.header("idempotent-replayed"), Some("true"));

    let two_hours_ago = chrono::Utc::now().naive_utc() - chrono::TimeDelta::hours(2);
    set_key_row(&app, "old", Some(two_hours_ago), "completed");
    let after = post_keyed(&app, REFERRALS, &cast.worker_a, "old", &body).await;
    assert_eq!(after.status, 201, "{}", after.body);
    assert_eq!(after.header("idempotent-replayed"), None);
    assert_ne!(after.body["id"], first.body["id"]);
    assert_eq!(referral_count(&app, &cast).await, 2);
    let again = post_keyed(&app, REFERRALS, &cast.worker_a, "old", &body).await;
    assert_eq!(again.body["id"], after.body["id"], "the new claim is kept");
}

#[tokio::test]
async fn posts_without_the_header_behave_as_before() {
    let app = TestApp::spawn().await;
    let (cast, incident_id) = scenario(&app).await;
    let body = referral_body(&incident_id, &cast.cso, "Counselling needed");
    for _ in 0..2 {
        let reply = app
            .call(Method::POST, REFERRALS, &cast.worker_a, Some(body.clone()))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        assert_eq!(reply.header("idempotent-replayed"), None);
    }
    assert_eq!(referral_count(&app, &cast).await, 2);
}

#[tokio::test]
async fn a_malformed_key_is_refused_and_an_unauthenticated_request_still_answers_401() {
    let app = TestApp::spawn().await;
    let (cast, incident_id) = scenario(&app).await;
    let body = referral_body(&incident_id, &cast.cso, "Counselling needed");
    for key in ["x".repeat(256), "has space".to_owned()] {
        let reply = post_keyed(&app, REFERRALS, &cast.worker_a, &key, &body).await;
        assert_eq!(reply.status, 422, "{key}: {}", reply.body);
        assert_eq!(reply.error_fields(), vec!["Idempotency-Key"]);
    }
    let longest = post_keyed(&app, REFERRALS, &cast.worker_a, &"y".repeat(255), &body).await;
    assert_eq!(longest.status, 201, "{}", longest.body);

    let anonymous = post_keyed(&app, REFERRALS, "not-a-token", "anon", &body).await;
    assert_eq!(anonymous.status, 401);
    let anonymous = post_keyed(
        &app,
        REFERRALS,
        "not-a-token",
        "x".repeat(300).as_str(),
        &body,
    )
    .await;
    assert_eq!(anonymous.status, 401, "authentication is checked first");
    assert_eq!(referral_count(&app, &cast).await, 1);
}

#[tokio::test]
async fn an_oversized_body_with_a_key_still_answers_413() {
    let app = TestApp::spawn_with(&[("CPIMS_MAX_BODY_BYTES", "2048")]).await;
    let (cast, incident_id) = scenario(&app).await;
    let body = referral_body(&incident_id, &cast.cso, &"long ".repeat(1_000));
    let reply = post_keyed(&app, REFERRALS, &cast.worker_a, "big", &body).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(referral_count(&app, &cast).await, 0);
}

#[tokio::test]
async fn a_sync_batch_larger_than_an_ordinary_body_is_replayed_by_its_key_too() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let narrative = "Reported by a neighbour; the child was seen at the kiln again. ".repeat(150);
    let incidents: Vec<serde_json::Value> = (0..130)
        .map(|n| {
            json!({"external_id": format!("PB-BIG-I-{n}"), "child_external_id": "PB-BIG-C",
                   "category": "child_labour", "occurred_on": "2024-03-01",
                   "reported_on": "2024-03-02", "intake_channel": "helpline_1121",
                   "province": "Punjab", "risk_level": "high", "narrative": narrative})
        })
        .collect();
    let body = json!({
        "children": [{"external_id": "PB-BIG-C", "sex": "female", "province": "Punjab"}],
        "incidents": incidents,
    });
    let size = serde_json::to_vec(&body).unwrap().len();
    assert!(
        size > 1_048_576,
        "larger than the ordinary body limit: {size} bytes"
    );
    let first = post_keyed(
        &app,
        "/api/v1/sync/batch",
        &cast.sync_a,
        "big-batch-1",
        &body,
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.header("idempotent-replayed"), None);
    let second = post_keyed(
        &app,
        "/api/v1/sync/batch",
        &cast.sync_a,
        "big-batch-1",
        &body,
    )
    .await;
    assert_eq!(second.status, 200);
    assert_eq!(
        second.header("idempotent-replayed"),
        Some("true"),
        "replayed, not run again"
    );
    assert_eq!(second.body, first.body);
}
