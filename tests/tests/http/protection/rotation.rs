//! `cpims keys rotate`: after a resumable rotation nothing is sealed under the retired key, and a
//! server that no longer has it reads every record, history entry and lookup as before.

use cpims_api::config::Config;
use cpims_tests::{TestApp, TEST_DATA_KEY, TEST_INDEX_KEY, TEST_JWT_SECRET, TEST_PASSWORD};
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use reqwest::Method;
use serde_json::json;

const NEW_DATA_KEY: &str = "bmV3LWRhdGEta2V5LWZvci1yb3RhdGlvbi10ZXN0cyE=";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Stored values still sealed under the key with id `key_id`, over every sealed column.
fn sealed_under(app: &TestApp, key_id: &str) -> i64 {
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    let prefix = format!("enc:v1:{key_id}:%");
    let columns = [
        ("children", "given_name"),
        ("children", "family_name"),
        ("children", "identifier"),
        ("children", "guardian_name"),
        ("children", "guardian_phone"),
        ("incidents", "narrative"),
        ("referrals", "reason"),
        ("record_history", "old_value"),
        ("record_history", "new_value"),
        ("idempotency_keys", "response_body"),
        ("status_transitions", "note"),
        ("complaints", "complainant_name"),
        ("complaints", "complainant_phone"),
        ("complaints", "child_name"),
        ("complaints", "location_detail"),
        ("complaints", "narrative"),
    ];
    columns
        .iter()
        .map(|(table, column)| {
            diesel::sql_query(format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE {column} LIKE '{prefix}'"
            ))
            .get_result::<Count>(&mut *connection)
            .unwrap()
            .n
        })
        .sum()
}

fn rotating_vault(app: &TestApp) -> cpims_db::Vault {
    let url = app.database.url.clone();
    let config = Config::from_lookup(|key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "CPIMS_JWT_SECRET" => Some(TEST_JWT_SECRET.to_owned()),
        "CPIMS_DATA_KEY" => Some(NEW_DATA_KEY.to_owned()),
        "CPIMS_DATA_KEYS_OLD" => Some(TEST_DATA_KEY.to_owned()),
        "CPIMS_INDEX_KEY" => Some(TEST_INDEX_KEY.to_owned()),
        _ => None,
    })
    .unwrap();
    cpims_api::secrets::vault(&config).unwrap()
}

#[tokio::test]
async fn rotation_reseals_everything_and_the_old_key_can_be_dropped() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let mut children = Vec::new();
    for index in 0..3 {
        let child = app
            .create_child(&cast.worker_a, &format!("Rotated{index}"))
            .await;
        let id = child["id"].as_str().unwrap().to_owned();
        let renamed = app
            .call_if_match(
                Method::PATCH,
                &format!("/api/v1/children/{id}"),
                &cast.worker_a,
                1,
                json!({"guardian_name": format!("Second guardian {index}")}),
            )
            .await;
        assert_eq!(renamed.status, 200);
        let incident = app.create_incident(&cast.worker_a, &id).await;
        let assessed = app
            .call_if_match(
                Method::POST,
                &format!(
                    "/api/v1/incidents/{}/transitions",
                    incident["id"].as_str().unwrap()
                ),
                &cast.worker_a,
                1,
                json!({"status": "under_assessment", "note": format!("Visited home {index}")}),
            )
            .await;
        assert_eq!(assessed.status, 200, "{}", assessed.body);
        if index == 0 {
            let milestone = app
                .call(
                    Method::POST,
                    &format!(
                        "/api/v1/incidents/{}/milestones",
                        incident["id"].as_str().unwrap()
                    ),
                    &cast.worker_a,
                    Some(
                        json!({"type": "police_report", "at": "2024-05-04T10:00:00Z",
                                "note": "Reported by the mother at the station"}),
                    ),
                )
                .await;
            assert_eq!(milestone.status, 201, "{}", milestone.body);
        }
        app.create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
            .await;
        children.push(id);
    }
    let complaint = app
        .call(
            Method::POST,
            "/api/v1/complaints",
            &cast.worker_a,
            Some(json!({"channel": "walk_in", "complainant_type": "relative",
                        "complainant_name": "Rotated Complainant", "complainant_phone": "0300-1112223",
                        "child_name": "Rotated Child", "location_detail": "Rotated street",
                        "province": "Punjab", "category": "neglect",
                        "narrative": "Left alone for days."})),
        )
        .await;
    assert_eq!(complaint.status, 201, "{}", complaint.body);
    let old_key_id = app.state.vault.current_key_id().to_owned();
    let before = sealed_under(&app, &old_key_id);
    assert!(
        before > 20,
        "the fixture sealed values under the old key ({before})"
    );

    // An interrupted run keeps its progress; the next finishes the rest; a third finds nothing.
    let vault = rotating_vault(&app);
    assert_ne!(vault.current_key_id(), old_key_id);
    let pool = app.state.pool.clone();
    let (first, second, third) = tokio::task::spawn_blocking(move || {
        let first = cpims_api::keys_cli::rotate(&pool, &vault, Some(2)).unwrap();
        let second = cpims_api::keys_cli::rotate(&pool, &vault, None).unwrap();
        let third = cpims_api::keys_cli::rotate(&pool, &vault, None).unwrap();
        (first, second, third)
    })
    .await
    .unwrap();
    assert!(first.incomplete);
    assert_eq!(first.children, 2);
    assert!(!second.incomplete);
    assert_eq!(second.children, 1);
    assert_eq!(second.incidents, 3);
    assert_eq!(second.referrals, 3);
    assert!(second.history_entries > 0);
    assert_eq!(second.transition_notes, 3);
    assert_eq!(second.milestone_texts, 1);
    assert_eq!(second.complaints, 1);
    assert_eq!(
        (
            third.children,
            third.incidents,
            third.referrals,
            third.history_entries
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(sealed_under(&app, &old_key_id), 0);

    // A server with only the new key reads everything; the blind indexes still find the children.
    let rotated = TestApp::spawn_on(
        app.database.shared(),
        &[
            ("CPIMS_DATA_KEY", NEW_DATA_KEY),
            ("CPIMS_DATA_KEYS_OLD", ""),
        ],
    )
    .await;
    let token = rotated.login("worker.a", TEST_PASSWORD).await;
    for (index, id) in children.iter().enumerate() {
        let child = rotated
            .call(Method::GET, &format!("/api/v1/children/{id}"), &token, None)
            .await;
        assert_eq!(child.status, 200, "{}", child.body);
        assert_eq!(child.body["given_name"], format!("Rotated{index}"));
        assert_eq!(
            child.body["guardian_name"],
            format!("Second guardian {index}")
        );
        let history = rotated
            .call(
                Method::GET,
                &format!("/api/v1/children/{id}/history"),
                &token,
                None,
            )
            .await;
        assert_eq!(history.status, 200);
        assert!(history.body.to_string().contains("Second guardian"));
    }
    let complaint = rotated
        .call(
            Method::GET,
            &format!(
                "/api/v1/complaints/{}",
                complaint.body["id"].as_str().unwrap()
            ),
            &token,
            None,
        )
        .await;
    assert_eq!(complaint.status, 200, "{}", complaint.body);
    assert_eq!(complaint.body["complainant_name"], "Rotated Complainant");
    assert_eq!(complaint.body["narrative"], "Left alone for days.");
    let incidents = rotated
        .call(Method::GET, "/api/v1/incidents", &token, None)
        .await;
    assert_eq!(incidents.status, 200);
    for incident in incidents.body["data"].as_array().unwrap() {
        assert_eq!(incident["narrative"], "Found working at a kiln.");
    }
    let found = rotated
        .call(
            Method::GET,
            "/api/v1/children?identifier=3520212345671",
            &token,
            None,
        )
        .await;
    assert_eq!(found.body["data"].as_array().unwrap().len(), 3);
    let audit = rotated
        .call(
            Method::GET,
            "/api/v1/audit?action=keys_rotate",
            &cast.admin,
            None,
        )
        .await;
    assert_eq!(audit.body["data"].as_array().unwrap().len(), 3);
}
