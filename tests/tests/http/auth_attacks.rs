//! Forged, expired, early, tampered and stale tokens are all refused with 401.

use base64::Engine;
use cpims_tests::{TestApp, TEST_JWT_SECRET, TEST_PASSWORD};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

fn sign(claims: &Value, secret: &str, algorithm: Algorithm) -> String {
    encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn unsigned(claims: &Value) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.",
        engine.encode(br#"{"alg":"none","typ":"JWT"}"#),
        engine.encode(claims.to_string())
    )
}

#[tokio::test]
async fn forged_and_stale_tokens_answer_401() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let genuine = claims_of(&admin);
    let now = chrono::Utc::now().timestamp();
    let with = |changes: &[(&str, Value)]| {
        let mut claims = genuine.clone();
        for (key, value) in changes {
            claims[*key] = value.clone();
        }
        claims
    };
    let forged = [
        ("alg none", unsigned(&genuine)),
        (
            "another secret",
            sign(
                &genuine,
                "a different secret that is long enough to sign",
                Algorithm::HS256,
            ),
        ),
        (
            "HS512 instead of the pinned HS256",
            sign(&genuine, TEST_JWT_SECRET, Algorithm::HS512),
        ),
        (
            "expired",
            sign(
                &with(&[
                    ("exp", json!(now - 120)),
                    ("iat", json!(now - 1000)),
                    ("nbf", json!(now - 1000)),
                ]),
                TEST_JWT_SECRET,
                Algorithm::HS256,
            ),
        ),
        (
            "not yet valid",
            sign(
                &with(&[("nbf", json!(now + 3600))]),
                TEST_JWT_SECRET,
                Algorithm::HS256,
            ),
        ),
        ("role escalated in the payload", {
            let mut parts: Vec<String> = admin.split('.').map(str::to_owned).collect();
            let mut claims = genuine.clone();
            claims["role"] = json!("monitor");
            parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
            parts.join(".")
        }),
        ("missing exp", {
            let mut claims = genuine.clone();
            claims.as_object_mut().unwrap().remove("exp");
            sign(&claims, TEST_JWT_SECRET, Algorithm::HS256)
        }),
        (
            "unknown subject",
            sign(
                &with(&[("sub", json!("01900000-0000-7000-8000-000000000000"))]),
                TEST_JWT_SECRET,
                Algorithm::HS256,
            ),
        ),
    ];
    for (what, token) in forged {
        let reply = app.call(Method::GET, "/api/v1/me", &token, None).await;
        assert_eq!(reply.status, 401, "{what}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json"),
            "{what}"
        );
    }
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", &admin, None)
            .await
            .status,
        200,
        "the genuine token still works"
    );
}

#[tokio::test]
async fn a_correctly_signed_token_with_a_role_the_user_no_longer_has_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "Test Bureau", "bureau").await;
    app.create_user(
        &admin,
        "plain.worker",
        agency["id"].as_str().unwrap(),
        "case_worker",
    )
    .await;
    let token = app.login("plain.worker", TEST_PASSWORD).await;
    let mut claims = claims_of(&token);
    claims["role"] = json!("admin");
    let escalated = sign(&claims, TEST_JWT_SECRET, Algorithm::HS256);
    assert_eq!(
        app.call(Method::GET, "/api/v1/users", &escalated, None)
            .await
            .status,
        401
    );
    let mut moved = claims_of(&token);
    moved["agency"] = admin_agency(&app, &admin).await;
    let other_agency = sign(&moved, TEST_JWT_SECRET, Algorithm::HS256);
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", &other_agency, None)
            .await
            .status,
        401
    );
}

async fn admin_agency(app: &TestApp, admin: &str) -> Value {
    app.call(Method::GET, "/api/v1/me", admin, None).await.body["agency"]["id"].clone()
}
