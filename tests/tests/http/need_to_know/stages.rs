//! The role x stage x field matrix: for every service code and every referral status, the fields a
//! receiving partner gets through GET, list, lookup and the change feed are exactly its view's.

use std::collections::{BTreeMap, BTreeSet};

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::Value;

use super::*;

struct Case {
    service: &'static str,
    child: Value,
    incident: Value,
    referral: Value,
}

/// Every read path's view of one case, as the partner gets it.
async fn check_views(
    app: &TestApp,
    partner: &str,
    cases: &[Case],
    expected: impl Fn(&Case) -> (BTreeSet<String>, BTreeSet<String>),
    stage: &str,
) {
    let children = app
        .call(Method::GET, "/api/v1/children?limit=500", partner, None)
        .await;
    let incidents = app
        .call(Method::GET, "/api/v1/incidents?limit=500", partner, None)
        .await;
    let feed = app
        .call(
            Method::GET,
            "/api/v1/sync/changes?limit=1000",
            partner,
            None,
        )
        .await;
    assert_eq!(feed.status, 200, "{}", feed.body);
    let latest: BTreeMap<String, Value> = feed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| (entry["id"].as_str().unwrap().to_owned(), entry.clone()))
        .collect();
    let listed = |list: &Value, id: &str| {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|record| record["id"] == id)
            .cloned()
    };
    for case in cases {
        let (child_fields, incident_fields) = expected(case);
        let child_id = case.child["id"].as_str().unwrap();
        let incident_id = case.incident["id"].as_str().unwrap();
        let what = format!("{} while {stage}", case.service);
        let got = app
            .call(
                Method::GET,
                &format!("/api/v1/children/{child_id}"),
                partner,
                None,
            )
            .await;
        assert_eq!(got.status, 200, "{what}: {}", got.body);
        assert_eq!(keys(&got.body), child_fields, "child GET, {what}");
        let got = app
            .call(
                Method::GET,
                &format!("/api/v1/incidents/{incident_id}"),
                partner,
                None,
            )
            .await;
        assert_eq!(got.status, 200, "{what}: {}", got.body);
        assert_eq!(keys(&got.body), incident_fields, "incident GET, {what}");
        let in_list =
            listed(&children.body, child_id).unwrap_or_else(|| panic!("child list, {what}"));
        assert_eq!(keys(&in_list), child_fields, "child list, {what}");
        let in_list =
            listed(&incidents.body, incident_id).unwrap_or_else(|| panic!("incident list, {what}"));
        assert_eq!(keys(&in_list), incident_fields, "incident list, {what}");
        let fed = &latest[child_id];
        assert_eq!(fed["change"], "upsert", "{what}");
        assert_eq!(keys(&fed["record"]), child_fields, "child feed, {what}");
        let fed = &latest[incident_id];
        assert_eq!(
            keys(&fed["record"]),
            incident_fields,
            "incident feed, {what}"
        );
        let referral = app
            .call(
                Method::GET,
                &format!(
                    "/api/v1/referrals/{}",
                    case.referral["id"].as_str().unwrap()
                ),
                partner,
                None,
            )
            .await;
        assert_eq!(referral.status, 200);
        for withheld in ["external_id", "created_by"] {
            assert!(
                referral.body.get(withheld).is_none(),
                "referral {withheld}, {what}"
            );
        }
    }
    // A lookup finds a child only when the view includes the field looked up.
    let found = |reply: &cpims_tests::Reply| -> BTreeSet<String> {
        reply.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let by_identifier = app
        .call(
            Method::GET,
            "/api/v1/children?identifier=3520212345671",
            partner,
            None,
        )
        .await;
    assert_eq!(by_identifier.status, 200, "{}", by_identifier.body);
    let expected_ids: BTreeSet<String> = cases
        .iter()
        .filter(|case| expected(case).0.contains("identifier"))
        .map(|case| case.child["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        found(&by_identifier),
        expected_ids,
        "identifier lookup while {stage}"
    );
    let by_name = app
        .call(
            Method::GET,
            "/api/v1/children?name=Ayesha%20Khan",
            partner,
            None,
        )
        .await;
    assert_eq!(by_name.status, 200, "{}", by_name.body);
    let expected_ids: BTreeSet<String> = cases
        .iter()
        .filter(|case| expected(case).0.contains("family_name"))
        .map(|case| case.child["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(found(&by_name), expected_ids, "name lookup while {stage}");
}

#[tokio::test]
async fn every_service_shows_exactly_its_view_at_every_stage_and_nothing_after_the_grace_period() {
    let app = TestApp::spawn().await;
    crate::deadlines::hold(&app, "2026-11-02 10:00");
    let cast = app.cast().await;
    let (provider_id, partner) = provider(&app, &cast.admin).await;
    let taxonomy = app
        .call(Method::GET, "/api/v1/taxonomy", &cast.admin, None)
        .await
        .body;
    let mut cases = Vec::new();
    for service in SERVICES {
        let (child, incident, referral) =
            referred(&app, &cast.worker_a, &provider_id, service, false).await;
        cases.push(Case {
            service,
            child,
            incident,
            referral,
        });
    }
    let minimal = |_: &Case| (set(CHILD_MINIMAL), set(INCIDENT_MINIMAL));
    check_views(&app, &partner, &cases, minimal, "pending").await;

    let serving = |case: &Case| {
        let (child, incident) = profile(&taxonomy, case.service);
        let mut child_fields = set(CHILD_MINIMAL);
        child_fields.extend(child);
        let mut incident_fields = set(INCIDENT_MINIMAL);
        incident_fields.extend(incident);
        (child_fields, incident_fields)
    };
    for (status, stage) in [
        ("accepted", "accepted"),
        ("in_progress", "in progress"),
        ("completed", "completed"),
    ] {
        for case in &mut cases {
            case.referral = move_referral(&app, &partner, &case.referral, status).await;
        }
        check_views(&app, &partner, &cases, serving, stage).await;
    }

    // 29 days after completion the view stands; 31 days after, the child and incident are gone.
    app.state.clock.advance(chrono::Duration::days(29));
    check_views(&app, &partner, &cases, serving, "completed 29 days ago").await;
    app.state.clock.advance(chrono::Duration::days(2));
    let feed = app
        .call(
            Method::GET,
            "/api/v1/sync/changes?limit=1000",
            &partner,
            None,
        )
        .await;
    for case in &cases {
        for (kind, record) in [("children", &case.child), ("incidents", &case.incident)] {
            let id = record["id"].as_str().unwrap();
            let got = app
                .call(Method::GET, &format!("/api/v1/{kind}/{id}"), &partner, None)
                .await;
            assert_eq!(
                got.status, 404,
                "{kind} of {} 31 days after completion",
                case.service
            );
            let fed: Vec<&Value> = feed.body["data"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["id"] == id)
                .collect();
            assert!(
                fed.iter()
                    .all(|entry| entry["change"] == "tombstone" && entry.get("record").is_none()),
                "{kind} feed"
            );
        }
        let referral = app
            .call(
                Method::GET,
                &format!(
                    "/api/v1/referrals/{}",
                    case.referral["id"].as_str().unwrap()
                ),
                &partner,
                None,
            )
            .await;
        assert_eq!(
            referral.status, 200,
            "the receiver keeps its own record of the referral"
        );
    }
    let children = app
        .call(Method::GET, "/api/v1/children", &partner, None)
        .await;
    assert_eq!(children.body["data"], serde_json::json!([]));
    // Later changes no longer reach the partner's feed at all.
    let cursor = feed.body["next_cursor"].as_str().unwrap().to_owned();
    let child_path = format!(
        "/api/v1/children/{}",
        cases[0].child["id"].as_str().unwrap()
    );
    let patched = app
        .call_if_match(
            Method::PATCH,
            &child_path,
            &cast.worker_a,
            1,
            serde_json::json!({"languages": ["ur", "pa"]}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let later = app
        .call(
            Method::GET,
            &format!("/api/v1/sync/changes?since={cursor}"),
            &partner,
            None,
        )
        .await;
    assert_eq!(later.body["data"], serde_json::json!([]), "{}", later.body);
    // The owner still sees everything.
    let owner_view = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/children/{}",
                cases[0].child["id"].as_str().unwrap()
            ),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(owner_view.status, 200);
    for field in [
        "family_name",
        "identifier",
        "guardian_phone",
        "external_id",
        "created_by",
        "urban_rural",
    ] {
        assert!(
            owner_view.body.get(field).is_some(),
            "the owner sees {field}"
        );
    }
}
