//! Request timeouts: a client that stalls is answered and cut off instead of holding a worker, and
//! what it started writes nothing.

use std::time::Duration;

use cpims_tests::TestApp;
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A second server on the same database with a short timeout, so that the first one's set-up requests
/// (argon2 logins on a busy machine) are never cut off.
async fn impatient(app: &TestApp, setting: &str) -> TestApp {
    TestApp::spawn_on(app.database.shared(), &[(setting, "400")]).await
}

/// Sends `bytes` and stops there, then reads the response head.
async fn stall(app: &TestApp, bytes: &[u8]) -> String {
    let host = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    // Bounded only so that a regression fails instead of hanging the suite.
    let head = tokio::time::timeout(Duration::from_secs(60), async {
        while !answer.windows(4).any(|window| window == b"\r\n\r\n") {
            let read = stream.read(&mut buffer).await.unwrap();
            if read == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..read]);
        }
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await;
    head.expect("the server answers a stalled request")
}

#[tokio::test]
async fn a_request_head_that_never_ends_gets_408() {
    let app = TestApp::spawn().await;
    let impatient = impatient(&app, "CPIMS_CLIENT_HEADER_TIMEOUT_MS").await;
    let head = stall(
        &impatient,
        b"GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
}

#[tokio::test]
async fn a_body_that_never_arrives_gets_408_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let impatient = impatient(&app, "CPIMS_BODY_TIMEOUT_MS").await;
    let request = format!(
        "POST /api/v1/children HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{{\"sex\": \"female\", ",
        cast.worker_a
    );
    let head = stall(&impatient, request.as_bytes()).await;
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{head}"
    );
    let listed = app
        .call(Method::GET, "/api/v1/children", &cast.admin, None)
        .await;
    assert_eq!(listed.status, 200);
    assert!(
        listed.body["data"].as_array().unwrap().is_empty(),
        "nothing was written"
    );
    let me = impatient
        .call(Method::GET, "/api/v1/me", &cast.worker_a, None)
        .await;
    assert_eq!(me.status, 200, "the impatient server still serves");

    // With an Idempotency-Key the stalled request claims nothing: a retry with the whole body succeeds.
    let keyed = request.replacen("\r\n\r\n", "\r\nIdempotency-Key: stalled-1\r\n\r\n", 1);
    let head = stall(&impatient, keyed.as_bytes()).await;
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    let retry = impatient
        .request(Method::POST, "/api/v1/children")
        .bearer_auth(&cast.worker_a)
        .header("Idempotency-Key", "stalled-1")
        .json(&serde_json::json!({"sex": "female", "province": "Punjab"}))
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), 201, "the key was left unclaimed");
}
