//! Canary values in every personal field never reach the database files, yet permitted callers get
//! them back and find the child by name and B-Form number.

use cpims_tests::{with_purpose, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

use super::{contains, raw_storage};

const GIVEN: &str = "Canaryzainab";
const FAMILY: &str = "Canarykhanum";
const IDENTIFIER: &str = "4210198765431";
const GUARDIAN: &str = "Canaryguardian";
const GUARDIAN_AFTER: &str = "Canarysecondguardian";
const PHONE_DIGITS: &str = "3217654329";
const NARRATIVE: &str = "Canarynarrative seen at the brick kiln";
const REASON: &str = "Canaryreason needs counselling";
const NOTE: &str = "Canarynote met the aunt in Lyari";

fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn personal_values_are_encrypted_at_rest_yet_served_and_found() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let created = app
        .request(Method::POST, "/api/v1/children")
        .bearer_auth(&cast.worker_a)
        .header("Idempotency-Key", "canary-child")
        .json(&json!({"given_name": GIVEN, "family_name": FAMILY, "sex": "female",
                      "date_of_birth": "2014-02-01", "province": "Sindh", "district": "Karachi East",
                      "identifier": "42101-9876543-1", "guardian_name": GUARDIAN,
                      "guardian_phone": format!("0{PHONE_DIGITS}")}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let child: Value = created.json().await.unwrap();
    let child_id = child["id"].as_str().unwrap().to_owned();
    let incident = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            &cast.worker_a,
            Some(json!({"child_id": child_id, "category": "child_labour", "occurred_on": "2024-05-01",
                        "reported_on": "2024-05-03", "intake_channel": "helpline_1121",
                        "province": "Sindh", "district": "Karachi East", "risk_level": "high",
                        "narrative": NARRATIVE})),
        )
        .await;
    assert_eq!(incident.status, 201, "{}", incident.body);
    let incident_id = incident.body["id"].as_str().unwrap().to_owned();
    let assessed = app
        .call_if_match(
            Method::POST,
            &format!("/api/v1/incidents/{incident_id}/transitions"),
            &cast.worker_a,
            1,
            json!({"status": "under_assessment", "note": NOTE}),
        )
        .await;
    assert_eq!(assessed.status, 200, "{}", assessed.body);
    let referral = app
        .call(
            Method::POST,
            "/api/v1/referrals",
            &cast.worker_a,
            Some(json!({"incident_id": incident_id, "to_agency_id": cast.cso,
                        "service": "psychosocial", "urgency": "high", "reason": REASON})),
        )
        .await;
    assert_eq!(referral.status, 201, "{}", referral.body);
    let referral_id = referral.body["id"].as_str().unwrap().to_owned();
    let child_path = format!("/api/v1/children/{child_id}");
    let patched = app
        .call_if_match(
            Method::PATCH,
            &child_path,
            &cast.worker_a,
            1,
            json!({"guardian_name": GUARDIAN_AFTER}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);

    // The owner reads every value back in plaintext, the history included.
    let read = app
        .call(Method::GET, &child_path, &cast.worker_a, None)
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["given_name"], GIVEN);
    assert_eq!(read.body["family_name"], FAMILY);
    assert_eq!(read.body["identifier"], IDENTIFIER);
    assert_eq!(read.body["guardian_name"], GUARDIAN_AFTER);
    assert!(read.body["guardian_phone"]
        .as_str()
        .unwrap()
        .contains(PHONE_DIGITS));
    let history = app
        .call(
            Method::GET,
            &format!("{child_path}/history"),
            &cast.worker_a,
            None,
        )
        .await;
    let history_text = history.body.to_string();
    assert!(history_text.contains(GUARDIAN) && history_text.contains(GUARDIAN_AFTER));
    let narrative = app
        .call(
            Method::GET,
            &with_purpose(&format!("/api/v1/incidents/{incident_id}")),
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(narrative.body["narrative"], NARRATIVE);
    let moves = app
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{incident_id}/transitions"),
            &cast.worker_a,
            None,
        )
        .await;
    assert!(moves.body.to_string().contains(NOTE), "{}", moves.body);
    let reason = app
        .call(
            Method::GET,
            &format!("/api/v1/referrals/{referral_id}"),
            &cast.partner,
            None,
        )
        .await;
    assert_eq!(reason.body["reason"], REASON);

    // An idempotent replay answers from the (sealed) stored response.
    let replay = app
        .request(Method::POST, "/api/v1/children")
        .bearer_auth(&cast.worker_a)
        .header("Idempotency-Key", "canary-child")
        .json(&json!({"given_name": GIVEN, "family_name": FAMILY, "sex": "female",
                      "date_of_birth": "2014-02-01", "province": "Sindh", "district": "Karachi East",
                      "identifier": "42101-9876543-1", "guardian_name": GUARDIAN,
                      "guardian_phone": format!("0{PHONE_DIGITS}")}))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let replayed: Value = replay.json().await.unwrap();
    assert_eq!(replayed["given_name"], GIVEN);

    // Exact-match lookups through the blind indexes, folded as documented, within scope only.
    let by_identifier = app
        .call(
            Method::GET,
            "/api/v1/children?identifier=42101-9876543-1",
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(ids(&by_identifier.body), vec![child_id.clone()]);
    let by_name = app
        .call(
            Method::GET,
            "/api/v1/children?name=%20%20CANARYZAINAB%20%20canarykhanum%20",
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(ids(&by_name.body), vec![child_id.clone()]);
    let partial = app
        .call(
            Method::GET,
            "/api/v1/children?name=Canaryzainab",
            &cast.worker_a,
            None,
        )
        .await;
    assert!(
        ids(&partial.body).is_empty(),
        "names match whole, not in part"
    );
    let other_bureau = app
        .call(
            Method::GET,
            "/api/v1/children?identifier=4210198765431",
            &cast.worker_b,
            None,
        )
        .await;
    assert_eq!(other_bureau.status, 200);
    assert!(ids(&other_bureau.body).is_empty(), "lookups keep to scope");

    // None of it is in the database files.
    let raw = raw_storage(&app);
    for canary in [
        GIVEN,
        FAMILY,
        IDENTIFIER,
        "42101-9876543-1",
        GUARDIAN,
        GUARDIAN_AFTER,
        PHONE_DIGITS,
        "Canarynarrative",
        "Canaryreason",
        "Canarynote",
    ] {
        assert!(!contains(&raw, canary), "{canary} is stored in plaintext");
    }
    assert!(contains(&raw, "enc:v1:"), "sealed values are stored");
}

#[tokio::test]
async fn urdu_names_are_found_across_letter_variants() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    // Written with Arabic yeh and teh marbuta; searched with Farsi yeh and heh goal, and harakat.
    let created = app
        .call(
            Method::POST,
            "/api/v1/children",
            &cast.worker_a,
            Some(
                json!({"given_name": "فاطمة", "family_name": "علي", "sex": "female",
                        "province": "Punjab", "district": "Lahore"}),
            ),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let query = "فاطمہ عَلی";
    let found = app
        .request(Method::GET, "/api/v1/children")
        .bearer_auth(&cast.worker_a)
        .query(&[("name", query)])
        .send()
        .await
        .unwrap();
    let found: Value = found.json().await.unwrap();
    assert_eq!(
        ids(&found),
        vec![created.body["id"].as_str().unwrap().to_owned()]
    );
}

#[tokio::test]
async fn unusable_lookups_are_rejected_with_422() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let reply = app
        .call(
            Method::GET,
            "/api/v1/children?identifier=12345&name=%20-%20",
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(reply.status, 422);
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["identifier", "name"]);
}
