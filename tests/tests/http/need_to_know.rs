//! Need to know over HTTP: what an agency that receives a referral reads of the child, the incident and
//! the referral, by the referral's stage and service, through every read path.

mod history;
mod sharing;
mod stages;

use std::collections::BTreeSet;

use cpims_tests::{TestApp, TEST_PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

pub const SERVICES: &[&str] = &[
    "legal_aid",
    "medical",
    "psychosocial",
    "shelter",
    "alternative_care",
    "education",
    "family_tracing",
    "rehabilitation",
    "livelihood",
    "police",
    "court",
    "other",
];

/// The child as a pending referral's receiver sees it (DESIGN.md's minimal view plus bookkeeping).
pub const CHILD_MINIMAL: &[&str] = &[
    "id",
    "agency_id",
    "version",
    "created_at",
    "updated_at",
    "deadlines",
    "given_name",
    "sex",
    "age_years",
    "estimated_age_years",
    "age_is_estimated",
    "province",
    "district",
    "languages",
    "disability",
];

pub const INCIDENT_MINIMAL: &[&str] = &[
    "id",
    "agency_id",
    "version",
    "created_at",
    "updated_at",
    "deadlines",
    "child_id",
    "category",
    "subcategory",
    "legal_references",
    "province",
    "district",
    "risk_level",
    "status",
];

/// A receiving agency offering every service, with a partner account; returns (agency id, token).
pub async fn provider(app: &TestApp, admin: &str) -> (String, String) {
    let agency = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            admin,
            Some(
                json!({"name": "Every Service CSO", "kind": "cso", "province": "Punjab",
                        "district": "Lahore", "services": SERVICES}),
            ),
        )
        .await;
    assert_eq!(agency.status, 201, "{}", agency.body);
    let agency_id = agency.body["id"].as_str().unwrap().to_owned();
    app.create_user(admin, "provider.partner", &agency_id, "referral_partner")
        .await;
    (
        agency_id,
        app.login("provider.partner", TEST_PASSWORD).await,
    )
}

/// A child and incident of bureau A, referred to `to` for `service`; returns (child, incident, referral).
pub async fn referred(
    app: &TestApp,
    token: &str,
    to: &str,
    service: &str,
    share_narrative: bool,
) -> (Value, Value, Value) {
    let child = app.create_child(token, "Ayesha").await;
    let incident = app
        .create_incident(token, child["id"].as_str().unwrap())
        .await;
    let referral = app
        .call(
            Method::POST,
            "/api/v1/referrals",
            token,
            Some(
                json!({"incident_id": incident["id"], "to_agency_id": to, "service": service,
                        "urgency": "high", "reason": "Needs the service", "due_by": "2099-01-01",
                        "share_narrative": share_narrative}),
            ),
        )
        .await;
    assert_eq!(referral.status, 201, "{}", referral.body);
    assert_eq!(referral.body["share_narrative"], json!(share_narrative));
    (child, incident, referral.body)
}

/// Moves a referral (as its receiver or sender) and returns the new body.
pub async fn move_referral(app: &TestApp, token: &str, referral: &Value, status: &str) -> Value {
    let path = format!(
        "/api/v1/referrals/{}/transitions",
        referral["id"].as_str().unwrap()
    );
    let current = app
        .call(
            Method::GET,
            &format!("/api/v1/referrals/{}", referral["id"].as_str().unwrap()),
            token,
            None,
        )
        .await;
    assert_eq!(current.status, 200, "{}", current.body);
    let version = current.body["version"].as_i64().unwrap();
    let reply = app
        .call_if_match(
            Method::POST,
            &path,
            token,
            version,
            json!({"status": status}),
        )
        .await;
    assert_eq!(reply.status, 200, "{status}: {}", reply.body);
    reply.body
}

/// The keys of a JSON object.
pub fn keys(record: &Value) -> BTreeSet<String> {
    record
        .as_object()
        .map(|fields| fields.keys().cloned().collect())
        .unwrap_or_default()
}

pub fn set(fields: &[&str]) -> BTreeSet<String> {
    fields.iter().map(|field| (*field).to_owned()).collect()
}

/// The profile of one service, as the taxonomy serves it: (child fields, incident fields).
pub fn profile(taxonomy: &Value, service: &str) -> (Vec<String>, Vec<String>) {
    let profile = taxonomy["need_to_know"]["service_profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|profile| profile["service"] == service)
        .unwrap_or_else(|| panic!("no profile for {service}"));
    let list = |key: &str| {
        profile[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|field| field.as_str().unwrap().to_owned())
            .collect()
    };
    (list("child"), list("incident"))
}

#[tokio::test]
async fn the_taxonomy_serves_the_profiles_the_design_names() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let taxonomy = app
        .call(Method::GET, "/api/v1/taxonomy", &admin, None)
        .await;
    assert_eq!(taxonomy.status, 200);
    let (child, _) = profile(&taxonomy.body, "medical");
    for field in ["date_of_birth", "guardian_name", "guardian_phone"] {
        assert!(child.iter().any(|f| f == field), "medical needs {field}");
    }
    assert!(
        !child.iter().any(|f| f == "identifier"),
        "medical needs no B-Form"
    );
    let (child, _) = profile(&taxonomy.body, "legal_aid");
    for field in ["family_name", "identifier"] {
        assert!(child.iter().any(|f| f == field), "legal aid needs {field}");
    }
    let (child, _) = profile(&taxonomy.body, "shelter");
    assert!(
        child.iter().any(|f| f == "guardian_name"),
        "shelter needs the guardian"
    );
    assert_eq!(
        taxonomy.body["need_to_know"]["partner_access_days"],
        json!(30)
    );
}
