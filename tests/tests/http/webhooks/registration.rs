//! Registering subscriptions: admins only, https or allowed http hosts, write-only secrets.

use reqwest::Method;
use serde_json::json;

use super::SECRET;
use cpims_tests::TestApp;

#[tokio::test]
async fn only_admins_register_https_or_allowed_http_targets() {
    let app = TestApp::spawn_with(&[("CPIMS_WEBHOOK_ALLOW_HTTP_HOSTS", "127.0.0.1")]).await;
    let cast = app.cast().await;
    let body =
        |url: &str| json!({"url": url, "event_types": ["referral.created"], "secret": SECRET});
    let reply = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            &cast.worker_a,
            Some(body("https://a.example/h")),
        )
        .await;
    assert_eq!(reply.status, 403);
    let reply = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            &cast.admin,
            Some(body("http://a.example/h")),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), ["url"]);
    let reply = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            &cast.admin,
            Some(json!({"url": "https://a.example/h", "event_types": ["referral.eaten"], "secret": "short"})),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), ["event_types", "secret"]);
    let created = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            &cast.admin,
            Some(body("https://a.example/h")),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let list = app
        .call(Method::GET, "/api/v1/webhooks", &cast.admin, None)
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    assert!(
        !list.body.to_string().contains(SECRET),
        "secrets are never shown"
    );
    let path = format!("/api/v1/webhooks/{}", created.body["id"].as_str().unwrap());
    assert_eq!(
        app.call(Method::DELETE, &path, &cast.admin, None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.call(Method::DELETE, &path, &cast.admin, None)
            .await
            .status,
        404
    );
}
