//! Anonymised records stay anonymised: after `cpims retention run`, an edit, a status move, a
//! milestone or a sync upsert of an anonymised child, incident or referral answers 409 ("anonymised
//! under the retention policy"), and a sync can neither recreate the record by its external id nor
//! give it back its personal fields. The other items of the batch go through.

use cpims_tests::{with_purpose, Cast, Reply, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const DETAIL: &str = "anonymised under the retention policy";

/// A child, its closed incident and a cancelled referral, all with external ids, anonymised by a
/// retention run; answers their ids.
async fn anonymised_case(app: &TestApp, cast: &Cast) -> (String, String, String) {
    let batch = json!({
        "children": [{"external_id": "PB-C-9", "sex": "female", "date_of_birth": "2010-02-02",
                      "province": "Punjab", "district": "Multan", "given_name": "Rabia",
                      "guardian_phone": "0300-7654321"}],
        "incidents": [{"external_id": "PB-I-9", "child_external_id": "PB-C-9", "category": "neglect",
                       "occurred_on": "2015-03-01", "reported_on": "2015-03-02",
                       "intake_channel": "helpline_1121", "province": "Punjab", "risk_level": "high",
                       "narrative": "Left alone for days."}],
        "referrals": [{"external_id": "PB-R-9", "incident_external_id": "PB-I-9",
                       "to_agency_id": cast.cso, "service": "psychosocial", "reason": "Counselling"}]
    });
    let created = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(batch),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let ids: Vec<String> = created.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "created", "{r}");
            r["id"].as_str().unwrap().to_owned()
        })
        .collect();
    let (child, incident, referral) = (ids[0].clone(), ids[1].clone(), ids[2].clone());
    let cancelled = app
        .call_if_match(
            Method::POST,
            &format!("/api/v1/referrals/{referral}/transitions"),
            &cast.worker_a,
            1,
            json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let closed = app
        .call_if_match(
            Method::POST,
            &format!("/api/v1/incidents/{incident}/transitions"),
            &cast.worker_a,
            1,
            json!({"status": "closed", "closure_reason": "Family supported"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    for statement in [
        "UPDATE incidents SET updated_at = '2012-03-04 05:06:07' WHERE status = 'closed'",
        "UPDATE children SET updated_at = '2012-03-04 05:06:07'",
    ] {
        diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut *connection).unwrap();
    }
    drop(connection);
    let (pool, vault) = (app.state.pool.clone(), app.state.vault.clone());
    let report = tokio::task::spawn_blocking(move || {
        cpims_api::app::retention::run(&pool, &vault, 10, cpims_db::page::now()).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        (report.children, report.incidents, report.referrals),
        (1, 1, 1)
    );
    (child, incident, referral)
}

async fn version(app: &TestApp, cast: &Cast, path: &str) -> i64 {
    let reply = app
        .call(Method::GET, &with_purpose(path), &cast.admin, None)
        .await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.body["version"].as_i64().unwrap()
}

fn assert_anonymised(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 409, "{what}: {}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{what}"
    );
    assert_eq!(reply.body["detail"], DETAIL, "{what}: {}", reply.body);
}

#[tokio::test]
async fn edits_moves_and_milestones_of_anonymised_records_answer_409() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (child, incident, referral) = anonymised_case(&app, &cast).await;
    for (path, body) in [
        (
            format!("/api/v1/children/{child}"),
            json!({"given_name": "Rabia"}),
        ),
        (
            format!("/api/v1/incidents/{incident}"),
            json!({"narrative": "Left alone for days."}),
        ),
        (
            format!("/api/v1/referrals/{referral}"),
            json!({"reason": "Counselling"}),
        ),
    ] {
        // At the version the caller last read, or any other: the answer is the same.
        let current = version(&app, &cast, &path).await;
        for at in [current, 1] {
            let reply = app
                .call_if_match(Method::PATCH, &path, &cast.worker_a, at, body.clone())
                .await;
            assert_anonymised(&reply, &path);
        }
        assert_eq!(
            version(&app, &cast, &path).await,
            current,
            "{path} unchanged"
        );
    }
    let incident_path = format!("/api/v1/incidents/{incident}");
    let reopen = app
        .call_if_match(
            Method::POST,
            &format!("{incident_path}/transitions"),
            &cast.worker_a,
            version(&app, &cast, &incident_path).await,
            json!({"status": "under_assessment", "note": "New report from the school"}),
        )
        .await;
    assert_anonymised(&reopen, "incident transition");
    let referral_path = format!("/api/v1/referrals/{referral}");
    let accept = app
        .call_if_match(
            Method::POST,
            &format!("{referral_path}/transitions"),
            &cast.partner,
            version(&app, &cast, &referral_path).await,
            json!({"status": "accepted"}),
        )
        .await;
    // The CSO no longer sees the cancelled referral at all; the owner's move is refused as anonymised.
    assert_eq!(accept.status, 404, "{}", accept.body);
    let cancel = app
        .call_if_match(
            Method::POST,
            &format!("{referral_path}/transitions"),
            &cast.worker_a,
            version(&app, &cast, &referral_path).await,
            json!({"status": "cancelled"}),
        )
        .await;
    assert_anonymised(&cancel, "referral transition");
    let milestone = app
        .call(
            Method::POST,
            &format!("{incident_path}/milestones"),
            &cast.worker_a,
            Some(
                json!({"type": "police_report", "at": "2015-03-03T10:00:00Z",
                        "note": "Reported at Multan Cantt"}),
            ),
        )
        .await;
    assert_anonymised(&milestone, "milestone");
    let new_incident = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            &cast.worker_a,
            Some(
                json!({"child_id": child, "category": "neglect", "occurred_on": "2015-04-01",
                        "reported_on": "2015-04-02", "intake_channel": "helpline_1121",
                        "province": "Punjab", "risk_level": "high"}),
            ),
        )
        .await;
    assert_anonymised(&new_incident, "a new incident of the anonymised child");
    let child_now = app
        .call(
            Method::GET,
            &with_purpose(&format!("/api/v1/children/{child}")),
            &cast.admin,
            None,
        )
        .await;
    assert_eq!(child_now.status, 200, "{}", child_now.body);
    assert!(child_now.body["given_name"].is_null(), "{}", child_now.body);
}

fn results(reply: &Reply) -> Vec<Value> {
    reply.body["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_sync_cannot_restore_or_recreate_anonymised_records_and_other_items_go_through() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let (child, incident, referral) = anonymised_case(&app, &cast).await;
    let versions = [
        version(&app, &cast, &format!("/api/v1/children/{child}")).await,
        version(&app, &cast, &format!("/api/v1/incidents/{incident}")).await,
        version(&app, &cast, &format!("/api/v1/referrals/{referral}")).await,
    ];
    // The client's copy, personal fields and all, sent back; and one new child beside it.
    let batch = json!({
        "children": [
            {"external_id": "PB-C-9", "sex": "female", "date_of_birth": "2010-02-02",
             "province": "Punjab", "district": "Multan", "given_name": "Rabia",
             "guardian_phone": "0300-7654321"},
            {"external_id": "PB-C-10", "sex": "male", "province": "Punjab", "given_name": "Ali"}
        ],
        "incidents": [
            {"external_id": "PB-I-9", "child_external_id": "PB-C-9", "category": "neglect",
             "occurred_on": "2015-03-01", "reported_on": "2015-03-02",
             "intake_channel": "helpline_1121", "province": "Punjab", "risk_level": "high",
             "narrative": "Left alone for days."},
            {"external_id": "PB-I-10", "child_external_id": "PB-C-9", "category": "neglect",
             "occurred_on": "2015-05-01", "reported_on": "2015-05-02",
             "intake_channel": "helpline_1121", "province": "Punjab", "risk_level": "high"}
        ],
        "referrals": [
            {"external_id": "PB-R-9", "incident_external_id": "PB-I-9", "to_agency_id": cast.cso,
             "service": "psychosocial", "reason": "Counselling"}
        ]
    });
    let reply = app
        .call(
            Method::POST,
            "/api/v1/sync/batch",
            &cast.sync_a,
            Some(batch),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let results = results(&reply);
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        vec!["conflict", "created", "conflict", "conflict", "conflict"],
        "{results:?}"
    );
    for index in [0, 2, 3, 4] {
        let result = &results[index];
        assert_eq!(
            result["errors"],
            json!([{"field": "external_id", "message": DETAIL}]),
            "{result}"
        );
    }
    // The stored records are named, at their (unchanged) versions, in their anonymised form.
    assert_eq!(results[0]["id"], json!(child));
    assert_eq!(results[0]["version"], versions[0]);
    assert!(results[0]["record"]["given_name"].is_null());
    assert_eq!(results[2]["id"], json!(incident));
    assert!(results[2]["record"]["narrative"].is_null());
    assert_eq!(results[4]["id"], json!(referral));
    assert!(results[3]["id"].is_null(), "no incident was created");

    for (path, expected) in [
        (format!("/api/v1/children/{child}"), versions[0]),
        (format!("/api/v1/incidents/{incident}"), versions[1]),
        (format!("/api/v1/referrals/{referral}"), versions[2]),
    ] {
        assert_eq!(version(&app, &cast, &path).await, expected, "{path}");
    }
    let child_now = app
        .call(
            Method::GET,
            &with_purpose(&format!("/api/v1/children/{child}")),
            &cast.admin,
            None,
        )
        .await;
    assert_eq!(child_now.status, 200, "{}", child_now.body);
    assert!(child_now.body["given_name"].is_null());
    assert!(child_now.body["guardian_phone"].is_null());
    for (kind, external_id) in [("children", "PB-C-9"), ("incidents", "PB-I-9")] {
        let listed = app
            .call(
                Method::GET,
                &with_purpose(&format!("/api/v1/{kind}?external_id={external_id}")),
                &cast.admin,
                None,
            )
            .await;
        assert_eq!(
            listed.body["data"].as_array().unwrap().len(),
            1,
            "{kind} {external_id} not recreated: {}",
            listed.body
        );
    }
    let incidents = app
        .call(
            Method::GET,
            &with_purpose(&format!("/api/v1/incidents?child_id={child}")),
            &cast.admin,
            None,
        )
        .await;
    assert_eq!(incidents.body["data"].as_array().unwrap().len(), 1);
}
