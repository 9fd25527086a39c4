//! Purpose of access (issue 18): an administrator's or a monitor's read of another agency's child,
//! incident or referral states why, or answers 428; the purpose lands in the audit chain and the
//! child's access log. Own-agency reads, other roles and statistics need none.

use cpims_tests::{Reply, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const PURPOSES: [&str; 5] = [
    "oversight_inquiry",
    "complaint_inquiry",
    "data_quality",
    "audit",
    "legal_request",
];

/// A GET with an `X-Access-Purpose` header.
async fn get_stating(app: &TestApp, path: &str, token: &str, purpose: &str) -> Reply {
    let request = app
        .request(Method::GET, path)
        .bearer_auth(token)
        .header("X-Access-Purpose", purpose);
    Reply::from(request.send().await.unwrap()).await
}

/// A child, an incident and a referral of bureau A (its case worker's), as their read paths.
async fn bureau_a_records(app: &TestApp, cast: &cpims_tests::Cast) -> (String, Vec<String>) {
    let child = app.create_child(&cast.worker_a, "Dua").await;
    let child_id = child["id"].as_str().unwrap().to_owned();
    let incident = app.create_incident(&cast.worker_a, &child_id).await;
    let incident_id = incident["id"].as_str().unwrap();
    let referral = app
        .create_referral(&cast.worker_a, incident_id, &cast.cso)
        .await;
    let referral_id = referral["id"].as_str().unwrap();
    let paths = vec![
        "/api/v1/children".to_owned(),
        "/api/v1/children?name=Dua%20Khan".to_owned(),
        "/api/v1/children?identifier=35202-1234567-1".to_owned(),
        format!("/api/v1/children/{child_id}"),
        format!("/api/v1/children/{child_id}/history"),
        format!("/api/v1/children/{child_id}/access-log"),
        "/api/v1/incidents".to_owned(),
        format!("/api/v1/incidents/{incident_id}"),
        format!("/api/v1/incidents/{incident_id}/history"),
        format!("/api/v1/incidents/{incident_id}/transitions"),
        "/api/v1/referrals".to_owned(),
        format!("/api/v1/referrals/{referral_id}"),
        format!("/api/v1/referrals/{referral_id}/history"),
        format!("/api/v1/referrals/{referral_id}/transitions"),
        "/api/v1/sync/changes".to_owned(),
    ];
    (child_id, paths)
}

fn with_query(path: &str, query: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}{query}")
}

#[tokio::test]
async fn nation_wide_reads_without_a_purpose_answer_428_listing_the_purposes() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (_, paths) = bureau_a_records(&app, &cast).await;
    for token in [&cast.monitor, &cast.admin] {
        for path in &paths {
            let reply = app.call(Method::GET, path, token, None).await;
            assert_eq!(reply.status, 428, "GET {path}: {}", reply.body);
            assert_eq!(
                reply.header("content-type"),
                Some("application/problem+json")
            );
            assert_eq!(reply.body["purposes"], json!(PURPOSES), "GET {path}");
            let detail = reply.body["detail"].as_str().unwrap();
            assert!(detail.contains("X-Access-Purpose"), "{detail}");

            let stated = get_stating(&app, path, token, "oversight_inquiry").await;
            assert_eq!(
                stated.status, 200,
                "GET {path} with a purpose: {}",
                stated.body
            );
            let by_query = app
                .call(Method::GET, &with_query(path, "purpose=audit"), token, None)
                .await;
            assert_eq!(
                by_query.status, 200,
                "GET {path}?purpose=: {}",
                by_query.body
            );
        }
    }
}

#[tokio::test]
async fn the_access_log_shows_the_purpose_and_reference_of_each_read() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (child_id, _) = bureau_a_records(&app, &cast).await;
    let path = format!("/api/v1/children/{child_id}");
    let read = get_stating(
        &app,
        &path,
        &cast.monitor,
        "complaint_inquiry; ref=NCRC-2026-114",
    )
    .await;
    assert_eq!(read.status, 200, "{}", read.body);
    let history =
        format!("{path}/history?purpose=legal_request&purpose_reference=Order%2012%2F2026");
    assert_eq!(
        app.call(Method::GET, &history, &cast.admin, None)
            .await
            .status,
        200
    );

    let log = app
        .call(
            Method::GET,
            &format!("{path}/access-log?purpose=audit"),
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.body);
    let entries = log.body["data"].as_array().unwrap();
    let entry = |action: &str| -> &Value {
        entries
            .iter()
            .find(|entry| entry["action"] == action)
            .unwrap_or_else(|| panic!("no {action} entry in {entries:?}"))
    };
    let read = entry("read");
    assert_eq!(read["purpose"], "complaint_inquiry");
    assert_eq!(read["purpose_reference"], "NCRC-2026-114");
    let history = entry("read_history");
    assert_eq!(history["purpose"], "legal_request");
    assert_eq!(history["purpose_reference"], "Order 12/2026");
    // The case worker's own create states no purpose and needs none.
    assert_eq!(entry("create")["purpose"], Value::Null);

    // The bureau's case worker sees in its own access log why the monitor looked.
    let own_log = app
        .call(
            Method::GET,
            &format!("{path}/access-log"),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(own_log.status, 200);
    let looked = own_log.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "read_access_log")
        .unwrap();
    assert_eq!(looked["purpose"], "audit");
    assert_eq!(looked["purpose_reference"], Value::Null);

    // The purpose is part of the hash-chained entry: the chain still verifies.
    let verify = app
        .call(Method::GET, "/api/v1/audit/verify", &cast.admin, None)
        .await;
    assert_eq!(verify.body["ok"], true, "{}", verify.body);
}

#[tokio::test]
async fn own_agency_reads_other_roles_and_statistics_need_no_purpose() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (_, paths) = bureau_a_records(&app, &cast).await;
    for path in &paths {
        let reply = app.call(Method::GET, path, &cast.worker_a, None).await;
        assert_eq!(reply.status, 200, "case worker GET {path}: {}", reply.body);
    }
    let admins_own = app.create_child(&cast.admin, "Sana").await;
    let own_path = format!("/api/v1/children/{}", admins_own["id"].as_str().unwrap());
    for path in [own_path.clone(), format!("{own_path}/history")] {
        let reply = app.call(Method::GET, &path, &cast.admin, None).await;
        assert_eq!(reply.status, 200, "admin GET {path}: {}", reply.body);
    }
    // A monitor of another agency still needs one for the admin's child.
    assert_eq!(
        app.call(Method::GET, &own_path, &cast.monitor, None)
            .await
            .status,
        428
    );
    for token in [&cast.monitor, &cast.admin, &cast.analyst] {
        let stats = app
            .call(
                Method::GET,
                "/api/v1/stats/incidents?group_by=province",
                token,
                None,
            )
            .await;
        assert_eq!(stats.status, 200, "{}", stats.body);
    }
    // An id that names no record is a 404 before any purpose is asked for.
    let missing = "/api/v1/children/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    assert_eq!(
        app.call(Method::GET, missing, &cast.monitor, None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn malformed_purposes_answer_422_naming_the_header_or_parameter() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (child_id, _) = bureau_a_records(&app, &cast).await;
    let path = format!("/api/v1/children/{child_id}");
    for value in ["curiosity", "audit; NCRC-1", "audit; ref="] {
        let reply = get_stating(&app, &path, &cast.monitor, value).await;
        assert_eq!(reply.status, 422, "{value}: {}", reply.body);
        assert_eq!(reply.error_fields(), ["X-Access-Purpose"], "{value}");
    }
    let long = "x".repeat(101);
    for (query, field) in [
        ("purpose=curiosity", "purpose"),
        ("purpose=audit&purpose_reference=a%0Ab", "purpose_reference"),
        (
            &*format!("purpose=audit&purpose_reference={long}"),
            "purpose_reference",
        ),
        ("purpose_reference=NCRC-1", "purpose_reference"),
    ] {
        for token in [&cast.monitor, &cast.worker_a] {
            let reply = app
                .call(Method::GET, &with_query(&path, query), token, None)
                .await;
            assert_eq!(reply.status, 422, "{query}: {}", reply.body);
            assert_eq!(reply.error_fields(), [field], "{query}");
        }
    }
    // Lists too, where the query struct refuses unknown parameters but knows these.
    let reply = app
        .call(
            Method::GET,
            "/api/v1/children?purpose=nosy",
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(reply.error_fields(), ["purpose"]);
}
