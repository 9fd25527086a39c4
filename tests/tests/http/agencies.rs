use std::collections::HashSet;

use cpims_tests::{TestApp, TEST_PASSWORD};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn admin_creates_an_agency_and_every_role_reads_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &admin,
            Some(json!({"name": "Rozan Helpline", "kind": "cso", "province": "Islamabad Capital Territory",
                        "district": "Islamabad", "services": ["psychosocial", "legal_aid", "psychosocial"],
                        "contact_email": "help@rozan.example", "contact_phone": "0300-1234567"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.header("etag"), Some("\"1\""));
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/agencies/{id}").as_str())
    );
    assert_eq!(
        created.body["services"],
        json!(["legal_aid", "psychosocial"]),
        "sorted, deduplicated"
    );
    assert_eq!(created.body["contact_phone"], "+923001234567", "normalised");
    assert_eq!(created.body["version"], 1);
    assert_eq!(created.body["active"], true);

    let partner = app
        .create_user(&admin, "cso.partner", id, "referral_partner")
        .await;
    assert_eq!(partner["role"], "referral_partner");
    let token = app.login("cso.partner", TEST_PASSWORD).await;
    let fetched = app
        .call(Method::GET, &format!("/api/v1/agencies/{id}"), &token, None)
        .await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, created.body);
    let listed = app
        .call(
            Method::GET,
            "/api/v1/agencies?service=psychosocial",
            &token,
            None,
        )
        .await;
    assert_eq!(listed.status, 200);
    assert!(listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == id));
}

#[tokio::test]
async fn non_admins_cannot_write_agencies() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "KP CPWC", "bureau").await;
    app.create_user(
        &admin,
        "kp.worker",
        agency["id"].as_str().unwrap(),
        "case_worker",
    )
    .await;
    let worker = app.login("kp.worker", TEST_PASSWORD).await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &worker,
            Some(json!({"name": "Mine", "kind": "cso", "province": "Punjab"})),
        )
        .await;
    assert_eq!(reply.status, 403);
    let listed = app
        .call(Method::GET, "/api/v1/agencies", &admin, None)
        .await;
    assert_eq!(
        listed.body["data"].as_array().unwrap().len(),
        2,
        "nothing was written"
    );
}

#[tokio::test]
async fn invalid_district_is_422_naming_the_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &admin,
            Some(json!({"name": "Wrong Place", "kind": "cso", "province": "Sindh", "district": "Lahore"})),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(reply.error_fields(), vec!["district"]);
    let listed = app
        .call(Method::GET, "/api/v1/agencies", &admin, None)
        .await;
    assert!(listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["name"] != "Wrong Place"));
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &admin,
            Some(json!({"name": "X", "kind": "cso", "province": "Narnia", "contact_email": "not-an-email",
                        "contact_phone": "12"})),
        )
        .await;
    assert_eq!(reply.status, 422);
    let fields: HashSet<String> = reply.error_fields().into_iter().collect();
    let expected: HashSet<String> = ["name", "contact_email", "province", "contact_phone"]
        .iter()
        .map(|f| (*f).to_owned())
        .collect();
    assert_eq!(fields, expected, "{}", reply.body);
}

#[tokio::test]
async fn unknown_enum_codes_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &admin,
            Some(json!({"name": "Odd", "kind": "bureau", "province": "Punjab", "services": ["shelter", "magic"]})),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), vec!["services[1]"]);
}

#[tokio::test]
async fn duplicate_agency_names_conflict_regardless_of_case() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_agency(&admin, "Balochistan CPC", "bureau").await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &admin,
            Some(json!({"name": "balochistan cpc", "kind": "bureau", "province": "Balochistan"})),
        )
        .await;
    assert_eq!(reply.status, 409);
}

#[tokio::test]
async fn patch_needs_if_match_and_rejects_a_stale_version() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "Punjab CPWB", "bureau").await;
    let path = format!("/api/v1/agencies/{}", agency["id"].as_str().unwrap());

    let missing = app
        .call(
            Method::PATCH,
            &path,
            &admin,
            Some(json!({"address": "Lahore"})),
        )
        .await;
    assert_eq!(missing.status, 428);

    let patch = |version: &'static str, payload: serde_json::Value| {
        app.request(Method::PATCH, &path)
            .bearer_auth(&admin)
            .header("If-Match", version)
            .json(&payload)
            .send()
    };
    let first = cpims_tests::Reply::from(
        patch("\"1\"", json!({"address": "Lahore", "district": null}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.header("etag"), Some("\"2\""));
    assert_eq!(first.body["version"], 2);
    assert_eq!(first.body["address"], "Lahore");
    assert_eq!(
        first.body["district"],
        serde_json::Value::Null,
        "null clears a field"
    );
    assert_eq!(
        first.body["services"],
        json!(["legal_aid", "psychosocial"]),
        "absent fields are kept"
    );

    let stale =
        cpims_tests::Reply::from(patch("\"1\"", json!({"address": "Multan"})).await.unwrap()).await;
    assert_eq!(stale.status, 412);
    assert_eq!(
        stale.header("etag"),
        Some("\"2\""),
        "the current version is given back"
    );
    let current = app.call(Method::GET, &path, &admin, None).await;
    assert_eq!(
        current.body["address"], "Lahore",
        "the stale write changed nothing"
    );

    let invalid =
        cpims_tests::Reply::from(patch("\"2\"", json!({"district": "Quetta"})).await.unwrap())
            .await;
    assert_eq!(invalid.status, 422);
    assert_eq!(
        app.call(Method::GET, &path, &admin, None).await.body["version"],
        2
    );
}

#[tokio::test]
async fn concurrent_patches_from_the_same_version_let_exactly_one_win() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "ICT CPI", "bureau").await;
    let path = format!("/api/v1/agencies/{}", agency["id"].as_str().unwrap());
    let send = |address: &'static str| {
        app.request(Method::PATCH, &path)
            .bearer_auth(&admin)
            .header("If-Match", "\"1\"")
            .json(&json!({"address": address}))
            .send()
    };
    let (a, b, c) = tokio::join!(send("A"), send("B"), send("C"));
    let mut statuses: Vec<u16> = [a, b, c]
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![200, 412, 412]);
    assert_eq!(
        app.call(Method::GET, &path, &admin, None).await.body["version"],
        2
    );
}

#[tokio::test]
async fn lists_page_through_every_agency_once_newest_first() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for index in 0..6 {
        app.create_agency(&admin, &format!("Agency {index}"), "cso")
            .await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/agencies?limit=3&kind=cso".to_owned();
    loop {
        let page = app.call(Method::GET, &path, &admin, None).await;
        assert_eq!(page.status, 200);
        let data = page.body["data"].as_array().unwrap();
        assert!(data.len() <= 3);
        seen.extend(data.iter().map(|a| a["name"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/agencies?limit=3&kind=cso&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<String> = (0..6).rev().map(|i| format!("Agency {i}")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn bad_paging_and_filters_are_422() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for query in [
        "limit=0",
        "limit=501",
        "cursor=garbage",
        "kind=spaceship",
        "unknown_filter=1",
    ] {
        let reply = app
            .call(
                Method::GET,
                &format!("/api/v1/agencies?{query}"),
                &admin,
                None,
            )
            .await;
        assert_eq!(reply.status, 422, "{query}: {}", reply.body);
    }
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for id in ["01900000-0000-7000-8000-000000000000", "not-a-uuid"] {
        let reply = app
            .call(Method::GET, &format!("/api/v1/agencies/{id}"), &admin, None)
            .await;
        assert_eq!(reply.status, 404);
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
    }
}
