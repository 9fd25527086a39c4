//! No personal data in logs: a full workflow with canary values in every personal field, logged at
//! debug level in both formats' JSON form, leaves none of them in the output.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use cpims_api::config::LogFormat;
use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::EnvFilter;

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buffer.clone());
        cpims_api::telemetry::install(
            LogFormat::Json,
            EnvFilter::new("debug"),
            BoxMakeWriter::new(move || writer.clone()),
        );
        buffer
    })
    .clone()
}

const CANARIES: [&str; 11] = [
    "Zubaidacanary",
    "Qasimcanary",
    "4220155555555",
    "Guardiancanary",
    "03455555555",
    "narrativecanary",
    "rejectedcanary",
    "Complainantcanary",
    "Placecanary",
    "Childcanary",
    "complaintnarrativecanary",
];

#[tokio::test]
async fn personal_data_never_reaches_the_logs() {
    let logs = captured_logs();
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_a,
            Some(json!({"given_name": CANARIES[0], "family_name": CANARIES[1], "identifier": "42201-5555555-5",
                        "guardian_name": CANARIES[3], "guardian_phone": "0345-5555555", "sex": "female",
                        "date_of_birth": "2016-01-01", "province": "Punjab"})),
        )
        .await;
    assert_eq!(child.status, 201);
    let child_id = child.body["id"].as_str().unwrap();
    let incident = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            &cast.worker_a,
            Some(json!({"child_id": child_id, "category": "neglect", "occurred_on": "2024-01-01", "reported_on": "2024-01-02",
                        "intake_channel": "walk_in", "province": "Punjab", "risk_level": "high",
                        "narrative": format!("The {} story", CANARIES[5])})),
        )
        .await;
    assert_eq!(incident.status, 201);
    app.call(
        Method::GET,
        &format!("/api/v1/children/{child_id}"),
        &cast.worker_a,
        None,
    )
    .await;
    app.call(
        Method::GET,
        &format!("/api/v1/children?external_id={}", CANARIES[0]),
        &cast.worker_a,
        None,
    )
    .await;
    let rejected = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_a,
            Some(json!({"sex": CANARIES[6], "province": "Punjab"})),
        )
        .await;
    assert_eq!(rejected.status, 422);
    let patched = app
        .call_if_match(
            Method::PATCH,
            &format!("/api/v1/children/{child_id}"),
            &cast.worker_a,
            1,
            json!({"given_name": format!("{}x", CANARIES[0])}),
        )
        .await;
    assert_eq!(patched.status, 200);
    app.call(
        Method::GET,
        &format!("/api/v1/children/{child_id}/history"),
        &cast.worker_a,
        None,
    )
    .await;
    // A public complaint (the receiving commission exists in the cast) and a wrong status check.
    let filed = app
        .request(Method::POST, "/api/v1/public/complaints")
        .json(
            &json!({"complainant_type": "parent_guardian", "complainant_name": CANARIES[7],
                      "location_detail": CANARIES[8], "child_name": CANARIES[9],
                      "narrative": CANARIES[10], "province": "Punjab", "category": "neglect"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), 201);
    let filed: serde_json::Value = filed.json().await.unwrap();
    app.request(Method::POST, "/api/v1/public/complaints/status")
        .json(&json!({"reference": filed["reference"], "tracking_code": CANARIES[10]}))
        .send()
        .await
        .unwrap();
    app.request(Method::POST, "/api/v1/auth/token")
        .json(&json!({"username": "worker.a", "password": CANARIES[2]}))
        .send()
        .await
        .unwrap();

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        text.contains("/api/v1/children"),
        "the capture holds the server's request logs"
    );
    for canary in CANARIES {
        let leak = text
            .lines()
            .find(|line| line.contains(canary))
            .unwrap_or_default();
        assert!(
            !text.contains(canary),
            "{canary} leaked into the logs: {leak}"
        );
    }
    assert!(
        !text.contains(&cast.worker_a),
        "no bearer token in the logs"
    );
}
