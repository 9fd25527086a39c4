//! The public endpoints: the same 404 for every wrong pair, per-address limits, a small body, and
//! an off switch.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;

use super::{intake, progress, public_call, public_complaint};

#[actix_web::test]
async fn wrong_reference_and_code_pairs_all_get_the_same_404() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    intake(&app, &cast).await;
    let first = public_call(&app, "/api/v1/public/complaints", public_complaint()).await;
    let second = public_call(&app, "/api/v1/public/complaints", public_complaint()).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let (reference, code) = (
        first.body["reference"].as_str().unwrap(),
        first.body["tracking_code"].as_str().unwrap(),
    );
    let other_code = second.body["tracking_code"].as_str().unwrap();
    let lowered = code.to_lowercase();
    assert_eq!(
        progress(&app, reference, &lowered).await.status,
        200,
        "codes read in any case"
    );
    let mut bodies = Vec::new();
    for (reference, code) in [
        (reference, other_code),
        (reference, "0000-0000-0000-0000-0000-0000-0000-0000"),
        ("CP-2026-000000", code),
        (reference, ""),
    ] {
        let refused = progress(&app, reference, code).await;
        assert_eq!(refused.status, 404, "{reference} {code}: {}", refused.body);
        bodies.push(refused.body["detail"].clone());
    }
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "{bodies:?}"
    );
    let malformed = progress(&app, "not-a-reference", code).await;
    assert_eq!(malformed.status, 422, "{}", malformed.body);
    assert_eq!(malformed.error_fields(), ["reference"]);
}

#[actix_web::test]
async fn the_twenty_first_status_check_from_one_address_within_the_window_gets_429() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    intake(&app, &cast).await;
    let filed = public_call(&app, "/api/v1/public/complaints", public_complaint()).await;
    let (reference, code) = (
        filed.body["reference"].as_str().unwrap().to_owned(),
        filed.body["tracking_code"].as_str().unwrap().to_owned(),
    );
    for check in 1..=20 {
        let seen = progress(&app, &reference, &code).await;
        assert_eq!(seen.status, 200, "check {check}: {}", seen.body);
    }
    let limited = progress(&app, &reference, &code).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    // Filing has its own allowance; an hour later the checks are allowed again.
    assert_eq!(
        public_call(&app, "/api/v1/public/complaints", public_complaint())
            .await
            .status,
        201
    );
    app.state.clock.advance(chrono::Duration::seconds(3601));
    assert_eq!(progress(&app, &reference, &code).await.status, 200);
}

#[actix_web::test]
async fn public_filings_take_only_public_channels_and_small_bodies() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    intake(&app, &cast).await;
    let mut staff_only = public_complaint();
    staff_only["channel"] = json!("referral_from_agency");
    staff_only["child_age_years"] = json!(18);
    staff_only["district"] = json!("Karachi Central");
    let refused = public_call(&app, "/api/v1/public/complaints", staff_only).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let mut fields = refused.error_fields();
    fields.sort();
    assert_eq!(fields, ["child_age_years", "district"], "{}", refused.body);
    let mut channel = public_complaint();
    channel["channel"] = json!("referral_from_agency");
    let refused = public_call(&app, "/api/v1/public/complaints", channel).await;
    assert_eq!(refused.error_fields(), ["channel"], "{}", refused.body);
    let mut internal = public_complaint();
    internal["urgency"] = json!("high");
    let refused = public_call(&app, "/api/v1/public/complaints", internal).await;
    assert_eq!(
        refused.status, 422,
        "unknown fields are refused: {}",
        refused.body
    );
    assert_eq!(refused.error_fields(), ["urgency"], "{}", refused.body);
    let mut huge = public_complaint();
    huge["location_detail"] = json!("x".repeat(20_000));
    let refused = public_call(&app, "/api/v1/public/complaints", huge).await;
    assert_eq!(refused.status, 413, "{}", refused.body);
    let listed = app
        .call(Method::GET, "/api/v1/complaints", &cast.admin, None)
        .await;
    assert_eq!(
        listed.body["data"].as_array().unwrap().len(),
        0,
        "nothing was stored"
    );
}

#[actix_web::test]
async fn public_intake_switched_off_answers_404_and_without_a_commission_503() {
    let off = TestApp::spawn_with(&[("CPIMS_PUBLIC_INTAKE", "off")]).await;
    let refused = public_call(&off, "/api/v1/public/complaints", public_complaint()).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    let on = TestApp::spawn().await;
    let unavailable = public_call(&on, "/api/v1/public/complaints", public_complaint()).await;
    assert_eq!(unavailable.status, 503, "{}", unavailable.body);
    assert_eq!(unavailable.header("retry-after"), Some("5"));
}
