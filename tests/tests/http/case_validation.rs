//! Bad input to case records answers 422 (or 409/412/428) naming every offending field, and writes nothing.

use std::collections::BTreeSet;

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;

fn fields(reply: &cpims_tests::Reply) -> BTreeSet<String> {
    reply.error_fields().into_iter().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn child_rules_are_checked_together() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_a,
            Some(json!({"sex": "female", "date_of_birth": "2099-01-01", "province": "Sindh", "district": "Lahore",
                        "identifier": "12345", "guardian_phone": "call me", "given_name": "x".repeat(101)})),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        fields(&reply),
        set(&[
            "date_of_birth",
            "district",
            "identifier",
            "guardian_phone",
            "given_name"
        ])
    );
    let too_old = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_a,
            Some(json!({"sex": "male", "date_of_birth": "1990-01-01", "province": "Punjab"})),
        )
        .await;
    assert_eq!(fields(&too_old), set(&["date_of_birth"]));
    let listed = app
        .call(Method::GET, "/api/v1/children", &cast.admin, None)
        .await;
    assert!(
        listed.body["data"].as_array().unwrap().is_empty(),
        "nothing written"
    );
}

#[tokio::test]
async fn incident_rules_are_checked_together() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Gul").await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            &cast.worker_a,
            Some(json!({"child_id": child["id"], "category": "child_marriage", "subcategory": "rape",
                        "occurred_on": "2024-06-01", "reported_on": "2024-05-01", "intake_channel": "walk_in",
                        "province": "Punjab", "district": "Karachi East", "risk_level": "low"})),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        fields(&reply),
        set(&["subcategory", "reported_on", "district"])
    );

    let adult = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            &cast.worker_a,
            Some(json!({"child_id": child["id"], "category": "neglect", "occurred_on": "2034-01-01",
                        "reported_on": "2034-01-02", "intake_channel": "walk_in", "province": "Punjab",
                        "risk_level": "low"})),
        )
        .await;
    assert_eq!(adult.status, 422, "future dates: {}", adult.body);

    let other = app.create_child(&cast.worker_b, "Someone else's").await;
    let foreign = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            &cast.worker_a,
            Some(json!({"child_id": other["id"], "category": "neglect", "occurred_on": "2024-01-01",
                        "reported_on": "2024-01-02", "intake_channel": "walk_in", "province": "Punjab",
                        "risk_level": "low"})),
        )
        .await;
    assert_eq!(foreign.status, 422);
    assert_eq!(fields(&foreign), set(&["child_id"]));
    let listed = app
        .call(Method::GET, "/api/v1/incidents", &cast.admin, None)
        .await;
    assert!(
        listed.body["data"].as_array().unwrap().is_empty(),
        "nothing written"
    );
}

#[tokio::test]
async fn a_child_must_be_under_18_at_every_incident() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Hina").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    let older = app
        .call_if_match(
            Method::PATCH,
            &path,
            &cast.worker_a,
            1,
            json!({"date_of_birth": "2005-01-01"}),
        )
        .await;
    assert_eq!(older.status, 422, "{}", older.body);
    assert_eq!(fields(&older), set(&["date_of_birth"]));
    let incident_path = format!("/api/v1/incidents/{}", incident["id"].as_str().unwrap());
    let before_birth = app
        .call_if_match(
            Method::PATCH,
            &incident_path,
            &cast.worker_a,
            1,
            json!({"occurred_on": "2014-01-01", "reported_on": "2014-01-02"}),
        )
        .await;
    assert_eq!(before_birth.status, 422);
    assert_eq!(fields(&before_birth), set(&["occurred_on"]));
    let child_id_change = app
        .call_if_match(
            Method::PATCH,
            &incident_path,
            &cast.worker_a,
            1,
            json!({"child_id": child["id"]}),
        )
        .await;
    assert_eq!(child_id_change.status, 422, "child_id cannot be changed");
}

#[tokio::test]
async fn referral_targets_must_exist_be_active_be_other_and_offer_the_service() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Iqra").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let refer = |to: &str, service: &str| json!({"incident_id": incident["id"], "to_agency_id": to, "service": service, "reason": "Needs help"});
    let cases = [
        (
            refer("01900000-0000-7000-8000-000000000000", "psychosocial"),
            "to_agency_id",
        ),
        (refer(&cast.bureau_a, "psychosocial"), "to_agency_id"),
        (refer(&cast.cso, "shelter"), "service"),
    ];
    for (body, field) in cases {
        let reply = app
            .call(
                Method::POST,
                "/api/v1/referrals",
                &cast.worker_a,
                Some(body),
            )
            .await;
        assert_eq!(reply.status, 422, "{}", reply.body);
        assert_eq!(fields(&reply), set(&[field]));
    }
    let cso = app
        .call(
            Method::GET,
            &format!("/api/v1/agencies/{}", cast.cso),
            &cast.admin,
            None,
        )
        .await;
    let deactivate = app
        .call_if_match(
            Method::PATCH,
            &format!("/api/v1/agencies/{}", cast.cso),
            &cast.admin,
            cso.body["version"].as_i64().unwrap(),
            json!({"active": false}),
        )
        .await;
    assert_eq!(deactivate.status, 200);
    let inactive = app
        .call(
            Method::POST,
            "/api/v1/referrals",
            &cast.worker_a,
            Some(refer(&cast.cso, "psychosocial")),
        )
        .await;
    assert_eq!(fields(&inactive), set(&["to_agency_id"]));
    let listed = app
        .call(Method::GET, "/api/v1/referrals", &cast.admin, None)
        .await;
    assert!(
        listed.body["data"].as_array().unwrap().is_empty(),
        "nothing written"
    );
}

#[tokio::test]
async fn external_ids_are_unique_within_an_agency_and_findable() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let body = json!({"external_id": "PB-2024-001", "sex": "male", "province": "Punjab"});
    let first = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_a,
            Some(body.clone()),
        )
        .await;
    assert_eq!(first.status, 201);
    let again = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_a,
            Some(body.clone()),
        )
        .await;
    assert_eq!(again.status, 409);
    let other_agency = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_b,
            Some(json!({"external_id": "PB-2024-001", "sex": "male", "province": "Sindh"})),
        )
        .await;
    assert_eq!(
        other_agency.status, 201,
        "another agency may use the same number"
    );
    let found = app
        .call(
            Method::GET,
            "/api/v1/children?external_id=PB-2024-001",
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(found.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["data"][0]["id"], first.body["id"]);
}

#[tokio::test]
async fn concurrent_updates_from_one_version_let_exactly_one_win() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Javeria").await;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    let (a, b) = tokio::join!(
        app.call_if_match(
            Method::PATCH,
            &path,
            &cast.worker_a,
            1,
            json!({"given_name": "A"})
        ),
        app.call_if_match(
            Method::PATCH,
            &path,
            &cast.worker_a,
            1,
            json!({"given_name": "B"})
        ),
    );
    let mut statuses = vec![a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, vec![200, 412]);
    let history = app
        .call(
            Method::GET,
            &format!("{path}/history"),
            &cast.worker_a,
            None,
        )
        .await;
    let name_changes = history.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "given_name" && h["version"] == 2)
        .count();
    assert_eq!(
        name_changes, 1,
        "one history row for the one winning change"
    );
}
