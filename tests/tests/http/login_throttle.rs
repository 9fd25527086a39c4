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

async fn attempt_from(app: &TestApp, forwarded_for: &str, username: &str) -> u16 {
    app.request(Method::POST, "/api/v1/auth/token")
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"username": username, "password": "not the password at all"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// With one failure per username allowed, an address is locked after four (its allowance); each attempt
/// names a new username so that only the address's count matters.
async fn lock_out_address(app: &TestApp, forwarded_for: &str) {
    for n in 0..4 {
        let status = attempt_from(app, forwarded_for, &format!("nobody.{n}")).await;
        assert_eq!(status, 401, "failure {n} from {forwarded_for}");
    }
    assert_eq!(attempt_from(app, forwarded_for, "nobody.x").await, 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_throttled_alone() {
    let app = TestApp::spawn_with(&[
        ("CPIMS_LOGIN_MAX_FAILURES", "1"),
        ("CPIMS_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    lock_out_address(&app, "203.0.113.10").await;
    // Another client behind the same proxy is not locked out with the first.
    assert_eq!(attempt_from(&app, "203.0.113.11", "nobody.y").await, 401);
    // The client is the rightmost untrusted entry: a forged entry to its left does not escape.
    assert_eq!(
        attempt_from(&app, "198.51.100.77, 203.0.113.10", "nobody.z").await,
        429
    );
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarded_for_header_is_ignored() {
    let app = TestApp::spawn_with(&[("CPIMS_LOGIN_MAX_FAILURES", "1")]).await;
    lock_out_address(&app, "203.0.113.10").await;
    // The peer (127.0.0.1) is locked, whatever address the client claims.
    assert_eq!(attempt_from(&app, "203.0.113.11", "nobody.y").await, 429);
}
