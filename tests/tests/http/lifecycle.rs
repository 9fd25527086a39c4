//! A full referral life cycle: a bureau registers a child and an incident, refers it to a CSO, and
//! the CSO accepts, starts and completes it while the incident moves along.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

fn statuses(list: &Value) -> Vec<(String, String)> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["from_status"].as_str().unwrap().to_owned(),
                t["to_status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(from: &str, to: &str) -> (String, String) {
    (from.to_owned(), to.to_owned())
}

#[tokio::test]
async fn referral_life_cycle_moves_the_incident_and_is_recorded_everywhere() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Ayesha").await;
    assert_eq!(
        child["identifier"], "3520212345671",
        "B-Form normalised to 13 digits"
    );
    assert_eq!(child["guardian_phone"], "+923001234567");
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    assert_eq!(incident["status"], "open");
    assert!(
        !incident["legal_references"].as_array().unwrap().is_empty(),
        "taxonomy references attached"
    );
    let incident_id = incident["id"].as_str().unwrap();
    let incident_path = format!("/api/v1/incidents/{incident_id}");

    let moved = app
        .call_if_match(
            Method::POST,
            &format!("{incident_path}/transitions"),
            &cast.worker_a,
            1,
            json!({"status": "under_assessment", "note": "Home visit booked"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);

    let referral = app
        .create_referral(&cast.worker_a, incident_id, &cast.cso)
        .await;
    assert_eq!(referral["status"], "pending");
    assert_eq!(referral["from_agency_id"], cast.bureau_a.as_str());
    assert_eq!(referral["child_id"], child["id"]);
    let referral_path = format!("/api/v1/referrals/{}", referral["id"].as_str().unwrap());

    let incoming = app
        .call(
            Method::GET,
            "/api/v1/referrals?status=pending",
            &cast.partner,
            None,
        )
        .await;
    assert_eq!(incoming.status, 200);
    assert_eq!(incoming.body["data"].as_array().unwrap().len(), 1);
    let partner_child = app
        .call(
            Method::GET,
            &format!("/api/v1/children/{}", child["id"].as_str().unwrap()),
            &cast.partner,
            None,
        )
        .await;
    assert_eq!(partner_child.status, 200, "the CSO sees the referred child");

    let mut version = 1;
    for (status, incident_status) in [
        ("accepted", "referred"),
        ("in_progress", "in_service"),
        ("completed", "in_service"),
    ] {
        let reply = app
            .call_if_match(
                Method::POST,
                &format!("{referral_path}/transitions"),
                &cast.partner,
                version,
                json!({"status": status, "note": format!("CSO: {status}")}),
            )
            .await;
        assert_eq!(reply.status, 200, "{status}: {}", reply.body);
        assert_eq!(reply.body["status"], status);
        version = reply.body["version"].as_i64().unwrap();
        let current = app
            .call(Method::GET, &incident_path, &cast.worker_a, None)
            .await;
        assert_eq!(
            current.body["status"], incident_status,
            "after referral {status}"
        );
    }
    let done = app
        .call(Method::GET, &referral_path, &cast.worker_a, None)
        .await;
    assert!(done.body["first_response_at"].is_string() && done.body["completed_at"].is_string());

    let referral_transitions = app
        .call(
            Method::GET,
            &format!("{referral_path}/transitions"),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(
        statuses(&referral_transitions.body),
        vec![
            pair("pending", "accepted"),
            pair("accepted", "in_progress"),
            pair("in_progress", "completed")
        ]
    );
    assert_eq!(
        referral_transitions.body["data"][0]["actor_agency_id"],
        cast.cso.as_str()
    );
    assert_eq!(
        referral_transitions.body["data"][0]["note"],
        "CSO: accepted"
    );
    let incident_transitions = app
        .call(
            Method::GET,
            &format!("{incident_path}/transitions"),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(
        statuses(&incident_transitions.body),
        vec![
            pair("open", "under_assessment"),
            pair("under_assessment", "referred"),
            pair("referred", "in_service")
        ]
    );

    let history = app
        .call(
            Method::GET,
            &format!("{referral_path}/history"),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(history.status, 200);
    let status_changes: Vec<&Value> = history.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "status")
        .collect();
    assert_eq!(
        status_changes.len(),
        4,
        "created pending, then three moves: {}",
        history.body
    );
    assert_eq!(status_changes[3]["old_value"], "in_progress");
    assert_eq!(status_changes[3]["new_value"], "completed");

    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    let audit = cpims_db::repo::audit::of_record(
        &mut connection,
        "referral",
        referral["id"].as_str().unwrap(),
    )
    .unwrap();
    let actions: Vec<&str> = audit.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "transition").count(),
        3,
        "{actions:?}"
    );
    assert!(actions.contains(&"create") && actions.contains(&"read"));
}

#[tokio::test]
async fn closing_needs_a_reason_and_illegal_moves_list_the_allowed_ones() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Bilal").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let path = format!(
        "/api/v1/incidents/{}/transitions",
        incident["id"].as_str().unwrap()
    );

    let illegal = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            1,
            json!({"status": "in_service"}),
        )
        .await;
    assert_eq!(illegal.status, 409);
    let mut allowed: Vec<&str> = illegal.body["allowed_next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    allowed.sort_unstable();
    assert_eq!(allowed, vec!["closed", "under_assessment"]);

    let no_reason = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            1,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(no_reason.error_fields(), vec!["closure_reason"]);

    let missing_if_match = app
        .call(
            Method::POST,
            &path,
            &cast.worker_a,
            Some(json!({"status": "under_assessment"})),
        )
        .await;
    assert_eq!(missing_if_match.status, 428);

    let closed = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            1,
            json!({"status": "closed", "closure_reason": "Family relocated"}),
        )
        .await;
    assert_eq!(closed.status, 200);
    assert_eq!(closed.body["closure_reason"], "Family relocated");
    let reopened = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            2,
            json!({"status": "under_assessment"}),
        )
        .await;
    assert_eq!(reopened.status, 200);
    assert_eq!(reopened.body["closure_reason"], Value::Null);
    let stale = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            2,
            json!({"status": "closed", "closure_reason": "x"}),
        )
        .await;
    assert_eq!(stale.status, 412);
}

#[tokio::test]
async fn only_the_right_side_moves_a_referral() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Chanda").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let referral = app
        .create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
        .await;
    let path = format!(
        "/api/v1/referrals/{}/transitions",
        referral["id"].as_str().unwrap()
    );

    let referrer_accepts = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            1,
            json!({"status": "accepted"}),
        )
        .await;
    assert_eq!(referrer_accepts.status, 403);
    let receiver_cancels = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.partner,
            1,
            json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(receiver_cancels.status, 403);
    let outsider = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_b,
            1,
            json!({"status": "accepted"}),
        )
        .await;
    assert_eq!(outsider.status, 404);

    let cancelled = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            1,
            json!({"status": "cancelled", "note": "Entered in error"}),
        )
        .await;
    assert_eq!(cancelled.status, 200);
    let after = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.partner,
            2,
            json!({"status": "accepted"}),
        )
        .await;
    assert_eq!(
        after.status, 404,
        "a cancelled referral leaves the receiver's scope"
    );
    let child_path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    assert_eq!(
        app.call(Method::GET, &child_path, &cast.partner, None)
            .await
            .status,
        404,
        "and so does its child"
    );
    let again = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            2,
            json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(again.status, 403, "starting is the receiver's move");
}
