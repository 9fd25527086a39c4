//! A missing child's FIR clock: open, due soon, overdue, met late by a milestone, reopened when the
//! milestone is withdrawn; who may record milestones; what `at` may be.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;

use super::{deadline, hold, incident_of, instant, pkt, read};
use crate::unit_of_work::{history, Feed};

#[tokio::test]
async fn a_missing_child_reported_at_ten_has_an_fir_deadline_at_noon_met_late_by_an_fir_at_half_past_twelve(
) {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    hold(&app, "2026-03-02 10:00");
    let incident = incident_of(
        &app,
        &cast.worker_a,
        "missing_child",
        "2026-03-01",
        "2026-03-02",
    )
    .await;
    let id = incident["id"].as_str().unwrap();
    let path = format!("/api/v1/incidents/{id}");
    let fir = deadline(&incident, "fir_registration");
    assert_eq!(instant(&fir["due_at"]), pkt("2026-03-02 12:00"), "{fir}");
    assert_eq!(fir["state"], "open");
    assert!(fir["met_at"].is_null());
    assert_eq!(
        incident["deadlines"].as_array().unwrap().len(),
        1,
        "only the FIR rule applies to a missing child: {incident}"
    );

    hold(&app, "2026-03-02 11:29");
    assert_eq!(
        deadline(&read(&app, &cast.worker_a, &path).await, "fir_registration")["state"],
        "open"
    );
    hold(&app, "2026-03-02 11:30");
    assert_eq!(
        deadline(&read(&app, &cast.worker_a, &path).await, "fir_registration")["state"],
        "due_soon",
        "thirty minutes' lead"
    );
    hold(&app, "2026-03-02 12:00");
    assert_eq!(
        deadline(&read(&app, &cast.worker_a, &path).await, "fir_registration")["state"],
        "due_soon"
    );
    hold(&app, "2026-03-02 12:01");
    assert_eq!(
        deadline(&read(&app, &cast.worker_a, &path).await, "fir_registration")["state"],
        "overdue"
    );
    let queue = app
        .call(
            Method::GET,
            "/api/v1/deadlines?state=overdue",
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert_eq!(
        queue.body["data"].as_array().unwrap().len(),
        1,
        "{}",
        queue.body
    );
    assert_eq!(queue.body["data"][0]["record_id"], id);
    assert_eq!(queue.body["data"][0]["state"], "overdue");

    hold(&app, "2026-03-02 12:40");
    let mut feed = Feed::new(&app, &cast.sync_a);
    feed.next().await;
    let recorded = app
        .call(
            Method::POST,
            &format!("{path}/milestones"),
            &cast.worker_a,
            Some(
                json!({"type": "fir_registered", "at": pkt("2026-03-02 12:30"),
                        "note": "FIR 112/26, Model Town police station"}),
            ),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    assert_eq!(
        recorded.headers["etag"], "\"2\"",
        "a milestone is the incident's next version"
    );
    assert_eq!(recorded.body["incident_version"], 2);
    let fir = &recorded.body["deadlines"][0];
    assert_eq!(fir["state"], "met_late", "{}", recorded.body);
    assert_eq!(instant(&fir["met_at"]), pkt("2026-03-02 12:30"));
    let now = read(&app, &cast.worker_a, &path).await;
    assert_eq!(deadline(&now, "fir_registration")["state"], "met_late");
    assert_eq!(
        feed.next().await.len(),
        1,
        "the incident's new version is on the feed"
    );
    let entries = history(&app, &cast.worker_a, &path).await;
    assert!(
        entries
            .iter()
            .any(|entry| entry["version"] == 2 && entry["field"] == "milestones"),
        "{entries:?}"
    );
    let met = app
        .call(
            Method::GET,
            "/api/v1/deadlines?state=met_late",
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(
        met.body["data"].as_array().unwrap().len(),
        1,
        "{}",
        met.body
    );

    let milestone_id = recorded.body["milestone"]["id"].as_str().unwrap();
    let withdrawal = format!("{path}/milestones/{milestone_id}/withdrawal");
    let withdrawn = app
        .call(
            Method::POST,
            &withdrawal,
            &cast.worker_a,
            Some(json!({"reason": "wrong case"})),
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.body);
    assert_eq!(withdrawn.body["milestone"]["status"], "withdrawn");
    assert_eq!(
        withdrawn.body["deadlines"][0]["state"], "overdue",
        "withdrawal reopens it"
    );
    assert!(withdrawn.body["deadlines"][0]["met_at"].is_null());
    let again = app
        .call(
            Method::POST,
            &withdrawal,
            &cast.worker_a,
            Some(json!({"reason": "twice"})),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    let listed = read(&app, &cast.worker_a, &format!("{path}/milestones")).await;
    assert_eq!(
        listed["data"].as_array().unwrap().len(),
        1,
        "withdrawn, never deleted"
    );
    assert_eq!(listed["data"][0]["withdrawal_reason"], "wrong case");
}

#[tokio::test]
async fn a_milestone_cannot_be_in_the_future_or_before_the_incident_and_outsiders_cannot_record_one(
) {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    hold(&app, "2026-03-02 10:00");
    let incident = incident_of(
        &app,
        &cast.worker_a,
        "sexual_abuse",
        "2026-03-01",
        "2026-03-02",
    )
    .await;
    let path = format!(
        "/api/v1/incidents/{}/milestones",
        incident["id"].as_str().unwrap()
    );
    let rules: Vec<&str> = incident["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["medical_exam"],
        "the trial clock waits for a charge sheet"
    );
    for (at, why) in [
        (pkt("2026-03-02 10:01"), "in the future"),
        (pkt("2026-02-28 23:59"), "before occurred_on"),
    ] {
        let reply = app
            .call(
                Method::POST,
                &path,
                &cast.worker_a,
                Some(json!({"type": "medical_exam", "at": at})),
            )
            .await;
        assert_eq!(reply.status, 422, "{why}: {}", reply.body);
        assert_eq!(reply.body["errors"][0]["field"], "at", "{}", reply.body);
    }
    let unknown = app
        .call(
            Method::POST,
            &path,
            &cast.worker_a,
            Some(json!({"type": "confession", "at": pkt("2026-03-02 09:00")})),
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    let outsider = app
        .call(
            Method::POST,
            &path,
            &cast.worker_b,
            Some(json!({"type": "medical_exam", "at": pkt("2026-03-02 09:00")})),
        )
        .await;
    assert_eq!(
        outsider.status, 404,
        "another bureau does not see the incident"
    );
    let monitor = app
        .call(
            Method::POST,
            &path,
            &cast.monitor,
            Some(json!({"type": "medical_exam", "at": pkt("2026-03-02 09:00")})),
        )
        .await;
    assert_eq!(monitor.status, 403, "{}", monitor.body);
    let queue = app
        .call(Method::GET, "/api/v1/deadlines", &cast.worker_b, None)
        .await;
    assert_eq!(
        queue.body["data"],
        json!([]),
        "another bureau's queue is its own"
    );
    let charge = app
        .call(
            Method::POST,
            &path,
            &cast.worker_a,
            Some(json!({"type": "charge_sheet_filed", "at": pkt("2026-03-02 09:00")})),
        )
        .await;
    assert_eq!(charge.status, 201, "{}", charge.body);
    let trial = charge.body["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "rape_trial")
        .cloned()
        .unwrap();
    assert_eq!(trial["state"], "open");
}

#[tokio::test]
async fn the_police_desk_answering_a_referral_records_the_fir_but_a_counselling_partner_may_not() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let police = app
        .call(
            Method::POST,
            "/api/v1/agencies",
            &cast.admin,
            Some(json!({"name": "Lahore Police Child Desk", "kind": "police",
                        "province": "Punjab", "district": "Lahore", "services": ["police"]})),
        )
        .await;
    assert_eq!(police.status, 201, "{}", police.body);
    let police_id = police.body["id"].as_str().unwrap();
    app.create_user(&cast.admin, "desk.officer", police_id, "referral_partner")
        .await;
    let officer = app.login("desk.officer", cpims_tests::TEST_PASSWORD).await;
    hold(&app, "2026-03-02 10:00");
    let incident = incident_of(
        &app,
        &cast.worker_a,
        "missing_child",
        "2026-03-01",
        "2026-03-02",
    )
    .await;
    let id = incident["id"].as_str().unwrap();
    let path = format!("/api/v1/incidents/{id}/milestones");
    let fir = json!({"type": "fir_registered", "at": pkt("2026-03-02 10:30")});
    hold(&app, "2026-03-02 10:45");

    let counselling = app.create_referral(&cast.worker_a, id, &cast.cso).await;
    let accept = |referral: &serde_json::Value| {
        format!(
            "/api/v1/referrals/{}/transitions",
            referral["id"].as_str().unwrap()
        )
    };
    let accepted = app
        .call_if_match(
            Method::POST,
            &accept(&counselling),
            &cast.partner,
            1,
            json!({"status": "accepted"}),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let refused = app
        .call(Method::POST, &path, &cast.partner, Some(fir.clone()))
        .await;
    assert_eq!(
        refused.status, 403,
        "a counselling partner sees the incident but does not time it"
    );

    let referral = app
        .call(
            Method::POST,
            "/api/v1/referrals",
            &cast.worker_a,
            Some(
                json!({"incident_id": id, "to_agency_id": police_id, "service": "police",
                        "urgency": "critical", "reason": "Register the FIR"}),
            ),
        )
        .await;
    assert_eq!(referral.status, 201, "{}", referral.body);
    let pending = app
        .call(Method::POST, &path, &officer, Some(fir.clone()))
        .await;
    assert_eq!(
        pending.status, 403,
        "not before the desk accepts: {}",
        pending.body
    );
    let accepted = app
        .call_if_match(
            Method::POST,
            &accept(&referral.body),
            &officer,
            1,
            json!({"status": "accepted"}),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let recorded = app.call(Method::POST, &path, &officer, Some(fir)).await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    assert_eq!(recorded.body["deadlines"][0]["state"], "met");
    let owner_view = read(&app, &cast.worker_a, &format!("/api/v1/incidents/{id}")).await;
    assert_eq!(deadline(&owner_view, "fir_registration")["state"], "met");
}
