//! Repeated failed logins lock the account for a while: 429 with Retry-After, even for the right password.

use cpims_tests::{TestApp, TEST_PASSWORD};
use reqwest::Method;
use serde_json::json;

async fn attempt(app: &TestApp, username: &str, password: &str) -> cpims_tests::Reply {
    cpims_tests::Reply::from(
        app.request(Method::POST, "/api/v1/auth/token")
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn repeated_failures_lock_the_username_then_answer_429_with_retry_after() {
    let app = TestApp::spawn_with(&[
        ("CPIMS_LOGIN_MAX_FAILURES", "3"),
        ("CPIMS_LOGIN_LOCK_SECS", "600"),
    ])
    .await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Throttled Bureau", "bureau")
        .await;
    app.create_user(
        &admin,
        "target.user",
        agency["id"].as_str().unwrap(),
        "case_worker",
    )
    .await;
    for _ in 0..3 {
        assert_eq!(
            attempt(&app, "target.user", "not the password at all")
                .await
                .status,
            401
        );
    }
    let locked = attempt(&app, "target.user", TEST_PASSWORD).await;
    assert_eq!(locked.status, 429, "locked even with the right password");
    let retry_after: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    assert_eq!(
        locked.header("content-type"),
        Some("application/problem+json")
    );
    // Other accounts are unaffected (the address allowance is larger than one account's).
    assert_eq!(attempt(&app, "root.admin", TEST_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_success_before_the_limit_resets_the_count() {
    let app = TestApp::spawn_with(&[("CPIMS_LOGIN_MAX_FAILURES", "3")]).await;
    app.admin_token().await;
    for _ in 0..2 {
        assert_eq!(
            attempt(&app, "root.admin", "wrong password here")
                .await
                .status,
            401
        );
    }
    assert_eq!(attempt(&app, "root.admin", TEST_PASSWORD).await.status, 200);
    for _ in 0..2 {
        assert_eq!(
            attempt(&app, "root.admin", "wrong password here")
                .await
                .status,
            401
        );
    }
    assert_eq!(
        attempt(&app, "root.admin", TEST_PASSWORD).await.status,
        200,
        "the earlier failures were forgotten"
    );
}
