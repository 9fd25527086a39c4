use cpims_tests::{TestApp, TEST_PASSWORD};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn create_admin_then_token_then_me_answers_the_caller() {
    let app = TestApp::spawn().await;
    let token = app.admin_token().await;
    let me = app.call(Method::GET, "/api/v1/me", &token, None).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["user"]["username"], "root.admin");
    assert_eq!(me.body["user"]["role"], "admin");
    assert_eq!(me.body["agency"]["name"], "National Commission");
    assert_eq!(me.body["agency"]["kind"], "commission");
    assert!(
        me.body["user"].get("password").is_none() && me.body["user"].get("password_hash").is_none()
    );
}

#[tokio::test]
async fn token_response_has_the_documented_shape() {
    let app = TestApp::spawn().await;
    app.admin_token().await;
    let reply = cpims_tests::Reply::from(
        app.request(Method::POST, "/api/v1/auth/token")
            .json(&json!({"username": "ROOT.ADMIN", "password": TEST_PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200, "usernames are case-insensitive");
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 900);
    assert_eq!(
        reply.body["access_token"]
            .as_str()
            .map(|t| t.split('.').count()),
        Some(3)
    );
}

#[tokio::test]
async fn me_without_a_token_is_401_problem_json() {
    let app = TestApp::spawn().await;
    let response = app.request(Method::GET, "/api/v1/me").send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let reply = cpims_tests::Reply::from(response).await;
    assert_eq!(reply.body["status"], 401);
    assert_eq!(reply.body["title"], "Unauthorized");
}

#[tokio::test]
async fn garbage_and_foreign_tokens_are_401() {
    let app = TestApp::spawn().await;
    let token = app.admin_token().await;
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    for bad in [
        "not-a-jwt",
        tampered.as_str(),
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    ] {
        let reply = app.call(Method::GET, "/api/v1/me", bad, None).await;
        assert_eq!(reply.status, 401, "token {bad:?}");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_401() {
    let app = TestApp::spawn().await;
    app.admin_token().await;
    let mut bodies = Vec::new();
    for (username, password) in [
        ("root.admin", "wrong password entirely"),
        ("nobody.here", TEST_PASSWORD),
    ] {
        let reply = cpims_tests::Reply::from(
            app.request(Method::POST, "/api/v1/auth/token")
                .json(&json!({"username": username, "password": password}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, 401);
        bodies.push(reply.body);
    }
    assert_eq!(
        bodies[0], bodies[1],
        "the answer does not say which part was wrong"
    );
}

#[tokio::test]
async fn deactivating_a_user_ends_their_tokens_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "Lahore CSO", "cso").await;
    let user = app
        .create_user(
            &admin,
            "worker.one",
            agency["id"].as_str().unwrap(),
            "case_worker",
        )
        .await;
    let token = app.login("worker.one", TEST_PASSWORD).await;
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", &token, None)
            .await
            .status,
        200
    );

    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    let reply = app
        .request(Method::PATCH, &path)
        .bearer_auth(&admin)
        .header("If-Match", "\"1\"")
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", &token, None)
            .await
            .status,
        401
    );
    let login = app
        .request(Method::POST, "/api/v1/auth/token")
        .json(&json!({"username": "worker.one", "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 401, "an inactive user cannot log in");
}

#[tokio::test]
async fn a_token_issued_before_a_role_change_stops_working() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "Sindh Bureau", "bureau").await;
    let user = app
        .create_user(
            &admin,
            "analyst.one",
            agency["id"].as_str().unwrap(),
            "analyst",
        )
        .await;
    let token = app.login("analyst.one", TEST_PASSWORD).await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    let reply = app
        .request(Method::PATCH, &path)
        .bearer_auth(&admin)
        .header("If-Match", "\"1\"")
        .json(&json!({"role": "monitor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", &token, None)
            .await
            .status,
        401
    );
    let fresh = app.login("analyst.one", TEST_PASSWORD).await;
    let me = app.call(Method::GET, "/api/v1/me", &fresh, None).await;
    assert_eq!(me.body["user"]["role"], "monitor");
}
