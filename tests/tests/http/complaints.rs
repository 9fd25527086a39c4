//! Complaints end to end: public intake, triage following the routing suggestion, acceptance, the case
//! made of it, what the complainant sees, and who else sees nothing.

mod public;
mod workflow;

use cpims_tests::{Cast, Reply, TestApp, TEST_PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

use crate::unit_of_work::assert_chain_intact;

/// The oldest commission (the administrators' own, where public complaints land) and a token of an
/// intake officer there.
pub async fn intake(app: &TestApp, cast: &Cast) -> (String, String) {
    let commissions = app
        .call(
            Method::GET,
            "/api/v1/agencies?kind=commission",
            &cast.admin,
            None,
        )
        .await;
    assert_eq!(commissions.status, 200, "{}", commissions.body);
    let oldest = commissions.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|agency| agency["created_at"].as_str().unwrap().to_owned())
        .unwrap();
    let ncrc = oldest["id"].as_str().unwrap().to_owned();
    app.create_user(&cast.admin, "intake", &ncrc, "intake_officer")
        .await;
    (ncrc, app.login("intake", TEST_PASSWORD).await)
}

/// A complaint as the public form sends it.
pub fn public_complaint() -> Value {
    json!({
        "channel": "web_form",
        "complainant_type": "neighbour",
        "complainant_name": "Samina Bibi",
        "complainant_phone": "0300-7654321",
        "contact_consent": true,
        "preferred_language": "urdu",
        "child_name": "Ayesha",
        "child_age_years": 9,
        "child_sex": "female",
        "province": "Punjab",
        "district": "Lahore",
        "location_detail": "House 12, Street 4, Shadbagh",
        "category": "sexual_abuse",
        "narrative": "The girl next door was hurt by a relative; she is afraid to go home.",
        "immediate_danger": true
    })
}

/// Sends a public request from the test client's own address (no token).
pub async fn public_call(app: &TestApp, path: &str, payload: Value) -> Reply {
    let response = app
        .request(Method::POST, path)
        .json(&payload)
        .send()
        .await
        .unwrap();
    Reply::from(response).await
}

/// Checks a public complaint's progress.
pub async fn progress(app: &TestApp, reference: &str, code: &str) -> Reply {
    public_call(
        app,
        "/api/v1/public/complaints/status",
        json!({"reference": reference, "tracking_code": code}),
    )
    .await
}

/// Moves a complaint with `If-Match` at its current version; returns the reply.
pub async fn move_complaint(app: &TestApp, token: &str, complaint: &Value, change: Value) -> Reply {
    let path = format!(
        "/api/v1/complaints/{}/transitions",
        complaint["id"].as_str().unwrap()
    );
    let version = complaint["version"].as_i64().unwrap();
    app.call_if_match(Method::POST, &path, token, version, change)
        .await
}

#[actix_web::test]
async fn a_public_complaint_becomes_a_case_that_both_agencies_follow() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (ncrc, intake) = intake(&app, &cast).await;

    let filed = public_call(&app, "/api/v1/public/complaints", public_complaint()).await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let reference = filed.body["reference"].as_str().unwrap().to_owned();
    let code = filed.body["tracking_code"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("CP-"), "{reference}");
    assert!(
        code.replace('-', "").len() >= 26,
        "at least 128 bits: {code}"
    );
    let seen = progress(&app, &reference, &code).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["status"], "received");

    // The commission's intake officer finds it in the triage queue, received by the commission.
    let queue = app
        .call(
            Method::GET,
            "/api/v1/complaints?status=received,declined",
            &intake,
            None,
        )
        .await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let complaint = queue.body["data"][0].clone();
    assert_eq!(complaint["reference"], reference.as_str(), "{}", queue.body);
    assert_eq!(complaint["agency_id"], ncrc.as_str());
    assert_eq!(complaint["filed_publicly"], true);
    assert_eq!(complaint["complainant_name"], "Samina Bibi");
    let triage_deadline = &complaint["deadlines"][0];
    assert_eq!(triage_deadline["rule"], "complaint_triage");

    // Routing suggests the Punjab bureau first, saying why.
    let id = complaint["id"].as_str().unwrap().to_owned();
    let routing = app
        .call(
            Method::GET,
            &format!("/api/v1/complaints/{id}/routing"),
            &intake,
            None,
        )
        .await;
    assert_eq!(routing.status, 200, "{}", routing.body);
    let best = &routing.body["data"][0];
    assert_eq!(
        best["agency_id"],
        cast.bureau_a.as_str(),
        "{}",
        routing.body
    );
    let reasons: Vec<&str> = best["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("jurisdiction")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("services")),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"active"), "{reasons:?}");

    let triaged = move_complaint(
        &app,
        &intake,
        &complaint,
        json!({"status": "triaged", "urgency": "critical"}),
    )
    .await;
    assert_eq!(triaged.status, 200, "{}", triaged.body);
    assert!(
        triaged.body["deadlines"][0]["met_at"].is_string(),
        "triage met: {}",
        triaged.body
    );
    let assigned = move_complaint(&app, &intake, &triaged.body,
        json!({"status": "assigned", "assigned_agency_id": best["agency_id"], "note": "Punjab bureau, Lahore"})).await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);

    // The Punjab bureau sees it whole once assigned, and accepts; Sindh never sees it.
    let as_bureau = app
        .call(
            Method::GET,
            &format!("/api/v1/complaints/{id}"),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(as_bureau.status, 200, "{}", as_bureau.body);
    assert_eq!(as_bureau.body["narrative"], public_complaint()["narrative"]);
    for outsider in [&cast.worker_b, &cast.partner, &cast.analyst] {
        let refused = app
            .call(
                Method::GET,
                &format!("/api/v1/complaints/{id}"),
                outsider,
                None,
            )
            .await;
        assert_eq!(refused.status, 404, "{}", refused.body);
    }
    let accepted = move_complaint(&app, &cast.worker_a, &as_bureau.body,
        json!({"status": "accepted", "public_message": "A child protection officer is visiting the family."})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let seen = progress(&app, &reference, &code).await;
    assert_eq!(seen.body["status"], "in_progress");
    assert_eq!(
        seen.body["public_message"],
        "A child protection officer is visiting the family."
    );
    let public_fields: Vec<&String> = seen.body.as_object().unwrap().keys().collect();
    assert_eq!(
        public_fields,
        ["public_message", "reference", "status", "updated_at"]
    );

    // A child's own faults are named under `child.`; a case names exactly one child.
    let case_path = format!("/api/v1/complaints/{id}/case");
    let faulty = app
        .call(
            Method::POST,
            &case_path,
            &cast.worker_a,
            Some(json!({"child": {"sex": "female", "province": "Punjab", "district": "Karachi Central"},
                        "child_id": cast.bureau_a})),
        )
        .await;
    assert_eq!(faulty.status, 422, "{}", faulty.body);
    let mut fields = faulty.error_fields();
    fields.sort();
    assert_eq!(fields, ["child.district", "child_id"], "{}", faulty.body);
    // The bureau makes it a case: a new child and an incident, linked both ways.
    let made = app
        .request(Method::POST, &format!("/api/v1/complaints/{id}/case"))
        .bearer_auth(&cast.worker_a)
        .header("If-Match", format!("\"{}\"", accepted.body["version"]))
        .json(&json!({"child": {"given_name": "Ayesha", "sex": "female", "estimated_age_years": 9,
                                "age_is_estimated": true, "province": "Punjab", "district": "Lahore"},
                      "risk_level": "critical"}))
        .send()
        .await
        .unwrap();
    let made = Reply::from(made).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let incident = &made.body["incident"];
    assert_eq!(made.body["complaint"]["status"], "converted");
    assert_eq!(made.body["complaint"]["incident_id"], incident["id"]);
    assert_eq!(incident["complaint_id"], id.as_str());
    assert_eq!(incident["category"], "sexual_abuse");
    assert_eq!(incident["intake_channel"], "online_form");
    assert_eq!(incident["agency_id"], cast.bureau_a.as_str());
    let stored = app
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{}", incident["id"].as_str().unwrap()),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(stored.body["complaint_id"], id.as_str());
    assert_eq!(
        progress(&app, &reference, &code).await.body["status"],
        "in_progress"
    );

    // Both agencies hear of the complaint on their change feeds; the audit chain holds.
    for token in [&intake, &cast.worker_a] {
        let feed = app
            .call(Method::GET, "/api/v1/sync/changes?limit=500", token, None)
            .await;
        assert_eq!(feed.status, 200, "{}", feed.body);
        let complaint_items: Vec<&Value> = feed.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["record_type"] == "complaint" && item["id"] == id.as_str())
            .collect();
        assert!(!complaint_items.is_empty(), "{}", feed.body);
        let last = complaint_items.last().unwrap();
        assert_eq!(last["record"]["status"], "converted", "{last}");
    }
    let moves = app
        .call(
            Method::GET,
            &format!("/api/v1/complaints/{id}/transitions"),
            &cast.worker_a,
            None,
        )
        .await;
    let path: Vec<(&str, &str)> = moves.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["from_status"].as_str().unwrap(),
                m["to_status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        path,
        [
            ("received", "triaged"),
            ("triaged", "assigned"),
            ("assigned", "accepted"),
            ("accepted", "converted")
        ]
    );
    assert_chain_intact(&app, &cast.admin).await;
}
