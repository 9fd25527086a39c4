//! Compliance statistics: met, met late, overdue and open per rule, the share met on time and the
//! median lateness; exact for the NCRC's monitors, under disclosure control for analysts.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

use super::{hold, incident_of, pkt};

async fn fir(app: &TestApp, token: &str, incident: &Value, at: &str) {
    let path = format!(
        "/api/v1/incidents/{}/milestones",
        incident["id"].as_str().unwrap()
    );
    let reply = app
        .call(
            Method::POST,
            &path,
            token,
            Some(json!({"type": "fir_registered", "at": pkt(at)})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

fn row<'a>(table: &'a Value, rule: &str) -> &'a Value {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} row in {table}"))
}

#[tokio::test]
async fn fir_deadlines_met_late_and_missed_are_counted_per_rule_with_the_share_met_on_time() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    hold(&app, "2026-03-02 10:00");
    let (day_before, day) = ("2026-03-01", "2026-03-02");
    let on_time = incident_of(&app, &cast.worker_a, "missing_child", day_before, day).await;
    let late = incident_of(
        &app,
        &cast.worker_a,
        "abduction_kidnapping",
        day_before,
        day,
    )
    .await;
    incident_of(&app, &cast.worker_a, "missing_child", day_before, day).await;
    hold(&app, "2026-03-02 11:10");
    fir(&app, &cast.worker_a, &on_time, "2026-03-02 11:00").await;
    hold(&app, "2026-03-02 12:40");
    fir(&app, &cast.worker_a, &late, "2026-03-02 12:30").await;
    incident_of(&app, &cast.worker_a, "sexual_abuse", day_before, day).await;

    // The work queue over the same four deadlines: soonest due first, paged, filtered.
    let page = |path: String| {
        let app = &app;
        let token = cast.worker_a.clone();
        async move {
            let reply = app.call(Method::GET, &path, &token, None).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            reply.body
        }
    };
    let first = page("/api/v1/deadlines?limit=3".to_owned()).await;
    let rules: Vec<&str> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules, ["fir_registration"; 3],
        "the FIR clocks fall due first"
    );
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = page(format!("/api/v1/deadlines?limit=3&cursor={cursor}")).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["data"][0]["rule"], "medical_exam");
    assert!(second["next_cursor"].is_null());
    let exams =
        page("/api/v1/deadlines?rule=medical_exam&record_type=incident&province=Punjab".to_owned())
            .await;
    assert_eq!(exams["data"].as_array().unwrap().len(), 1, "{exams}");
    let referrals = page("/api/v1/deadlines?record_type=referral".to_owned()).await;
    assert_eq!(referrals["data"], json!([]));
    let elsewhere = page("/api/v1/deadlines?province=Sindh".to_owned()).await;
    assert_eq!(elsewhere["data"], json!([]));

    let exact = app
        .call(
            Method::GET,
            "/api/v1/stats/deadlines?group_by=rule&from=2026-03-02&to=2026-03-02",
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(exact.status, 200, "{}", exact.body);
    assert_eq!(exact.body["disclosure_control"], false);
    let fir_row = row(&exact.body, "fir_registration");
    assert_eq!(fir_row["count"], 3, "{fir_row}");
    assert_eq!(
        (
            &fir_row["met"],
            &fir_row["met_late"],
            &fir_row["overdue"],
            &fir_row["open"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(0)),
        "{fir_row}"
    );
    assert_eq!(fir_row["share_met_on_time"], 0.333);
    assert_eq!(fir_row["median_hours_late"], 0.5);
    let exam = row(&exact.body, "medical_exam");
    assert_eq!(
        (&exam["count"], &exam["open"]),
        (&json!(1), &json!(1)),
        "{exam}"
    );

    let next_day = app
        .call(
            Method::GET,
            "/api/v1/stats/deadlines?group_by=rule&from=2026-03-03",
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(
        next_day.body["rows"],
        json!([]),
        "nothing fell due on later days"
    );

    let protected = app
        .call(
            Method::GET,
            "/api/v1/stats/deadlines?group_by=rule",
            &cast.analyst,
            None,
        )
        .await;
    assert_eq!(protected.status, 200, "{}", protected.body);
    assert_eq!(protected.body["disclosure_control"], true);
    for row in protected.body["rows"].as_array().unwrap() {
        assert_eq!(
            row["suppressed"], true,
            "cells of 3 and 1 are below the minimum: {row}"
        );
        assert!(
            row["met"].is_null() && row["share_met_on_time"].is_null(),
            "{row}"
        );
    }
    let refused = app
        .call(
            Method::GET,
            "/api/v1/stats/deadlines?group_by=rule,colour&rule=fastest",
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["group_by", "rule"], "{}", refused.body);
}
