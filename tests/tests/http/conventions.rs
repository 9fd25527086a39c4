use cpims_tests::{TestApp, TEST_PASSWORD};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn health_and_readiness_answer_without_auth() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let reply =
            cpims_tests::Reply::from(app.request(Method::GET, path).send().await.unwrap()).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.body["status"], "ok");
    }
}

#[tokio::test]
async fn the_suite_runs_on_the_requested_backend() {
    let app = TestApp::spawn().await;
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    let is_postgres = matches!(&mut *connection, cpims_db::AnyConnection::Postgresql(_));
    assert_eq!(
        is_postgres,
        cpims_tests::backend() == cpims_tests::Backend::Postgres
    );
}

#[tokio::test]
async fn malformed_json_is_400_and_wrong_content_type_is_415() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let malformed = app
        .request(Method::POST, "/api/v1/agencies")
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        malformed.headers()["content-type"],
        "application/problem+json"
    );
    let trailing = app
        .request(Method::POST, "/api/v1/agencies")
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"name\": \"A\", \"kind\": \"cso\", \"province\": \"Punjab\"} []")
        .send()
        .await
        .unwrap();
    assert_eq!(trailing.status(), 400);
    let text = app
        .request(Method::POST, "/api/v1/agencies")
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
}

#[tokio::test]
async fn unknown_fields_are_rejected_naming_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &admin,
            Some(json!({"name": "Extra", "kind": "cso", "province": "Punjab", "is_admin": true})),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), vec!["is_admin"]);
}

#[tokio::test]
async fn bodies_that_are_not_objects_are_422_and_write_nothing() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    // serde would read `[]` as a batch of nothing and a positional array as a child.
    let child_as_array = json!([null, "Canary", null, "female"]);
    for (path, body) in [
        ("/api/v1/sync/batch", json!([])),
        ("/api/v1/sync/batch", json!([[], [], []])),
        ("/api/v1/children", child_as_array),
        ("/api/v1/children", json!("child")),
        ("/api/v1/children", json!(null)),
        ("/api/v1/incidents", json!(42)),
    ] {
        let reply = app
            .call(Method::POST, path, &cast.worker_a, Some(body.clone()))
            .await;
        assert_eq!(reply.status, 422, "{path} {body}: {}", reply.body);
        assert_eq!(reply.error_fields(), vec!["body"], "{path} {body}");
    }
    let truncated = app
        .request(Method::POST, "/api/v1/sync/batch")
        .bearer_auth(&cast.worker_a)
        .header("content-type", "application/json")
        .body("[1, 2")
        .send()
        .await
        .unwrap();
    assert_eq!(truncated.status(), 400, "malformed stays a syntax error");
    let listed = app
        .call(Method::GET, "/api/v1/children", &cast.admin, None)
        .await;
    assert_eq!(listed.body["data"], json!([]), "nothing was written");
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let app = TestApp::spawn_with(&[("CPIMS_MAX_BODY_BYTES", "2048")]).await;
    let admin = app.admin_token().await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &admin,
            Some(json!({"name": "Big", "kind": "cso", "province": "Punjab", "address": "x".repeat(4096)})),
        )
        .await;
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn unsupported_methods_are_405_with_allow_and_unknown_paths_404() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let reply = app
        .call(Method::DELETE, "/api/v1/agencies", &admin, None)
        .await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, POST"));
    assert_eq!(reply.body["status"], 405);
    let missing = app
        .call(Method::GET, "/api/v1/nothing-here", &admin, None)
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::spawn().await;
    let given = app
        .request(Method::GET, "/healthz")
        .header("x-request-id", "bureau-sync-42")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "bureau-sync-42");
    let generated = app.request(Method::GET, "/healthz").send().await.unwrap();
    let id = generated.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    let hostile = app
        .request(Method::GET, "/healthz")
        .header("x-request-id", "a b<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(hostile.headers()["x-request-id"], "a b<script>");
}

#[tokio::test]
async fn api_responses_are_not_cached() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for (token, status) in [(admin.as_str(), 200), ("bad", 401)] {
        let reply = app.call(Method::GET, "/api/v1/me", token, None).await;
        assert_eq!(reply.status, status);
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::spawn_with(&[("CPIMS_CORS_ORIGINS", "https://bureau.example.pk")]).await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/api/v1/agencies")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("https://bureau.example.pk").await.unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://bureau.example.pk"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    let closed = TestApp::spawn().await;
    let response = closed
        .request(Method::OPTIONS, "/api/v1/agencies")
        .header("origin", "https://bureau.example.pk")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "no origins by default"
    );
}

#[tokio::test]
async fn the_taxonomy_serves_deadline_durations_as_the_operator_set_them() {
    let app = TestApp::spawn_with(&[("CPIMS_DEADLINE_FIR_REGISTRATION", "3h")]).await;
    let admin = app.admin_token().await;
    let reply = app
        .call(Method::GET, "/api/v1/taxonomy", &admin, None)
        .await;
    let fir = reply.body["deadline_rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["code"] == "fir_registration")
        .cloned()
        .unwrap();
    assert_eq!(fir["duration"], "3h");
    assert_eq!(
        fir["met_by"], "milestone:fir_registered",
        "events never change"
    );
}

#[tokio::test]
async fn taxonomy_serves_places_categories_and_code_lists() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "Analysts", "other").await;
    app.create_user(&admin, "analyst", agency["id"].as_str().unwrap(), "analyst")
        .await;
    let analyst = app.login("analyst", TEST_PASSWORD).await;
    let reply = app
        .call(Method::GET, "/api/v1/taxonomy", &analyst, None)
        .await;
    assert_eq!(reply.status, 200);
    let provinces = reply.body["provinces"].as_array().unwrap();
    assert_eq!(provinces.len(), 7);
    let punjab = provinces.iter().find(|p| p["name"] == "Punjab").unwrap();
    assert!(punjab["districts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == "Lahore"));
    let abuse = reply.body["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "sexual_abuse")
        .unwrap();
    assert!(abuse["subcategories"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["code"] == "gang_rape"));
    assert!(!abuse["legal_references"].as_array().unwrap().is_empty());
    assert!(reply.body["services"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "psychosocial"));
    assert_eq!(reply.body["roles"].as_array().unwrap().len(), 7);
    assert!(reply.body["intake_channels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "helpline_1121"));
    let rules = reply.body["deadline_rules"].as_array().unwrap();
    let fir = rules
        .iter()
        .find(|rule| rule["code"] == "fir_registration")
        .unwrap();
    assert_eq!(fir["duration"], "2h");
    assert_eq!(fir["starts"], "created");
    assert_eq!(fir["met_by"], "milestone:fir_registered");
    assert_eq!(fir["source_kind"], "secondary");
    assert_eq!(
        fir["categories"],
        serde_json::json!(["missing_child", "abduction_kidnapping"])
    );
    assert_eq!(rules.len(), 9);
    assert!(reply.body["milestone_types"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "produced_before_court"));
    assert_eq!(
        app.request(Method::GET, "/api/v1/taxonomy")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn authentication_and_role_are_checked_before_the_body() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    for (token, expected) in [
        ("not-a-token", 401),
        (cast.analyst.as_str(), 403),
        (cast.partner.as_str(), 403),
    ] {
        for body in ["{\"bogus\": ", "{\"bogus\": 1}"] {
            let response = app
                .request(Method::POST, "/api/v1/children")
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), expected, "{body}");
        }
    }
    let users = app
        .call(
            Method::POST,
            "/api/v1/users",
            &cast.worker_a,
            Some(json!({"nonsense": true})),
        )
        .await;
    assert_eq!(users.status, 403);
}
