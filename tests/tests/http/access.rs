//! Scoped access over HTTP: out-of-scope records answer 404 everywhere, and lists never include what a
//! single GET would refuse.

use cpims_tests::{with_purpose, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn another_bureau_cannot_read_list_update_transition_or_delete() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Dua").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let referral = app
        .create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
        .await;
    let records = [
        ("children", child["id"].as_str().unwrap()),
        ("incidents", incident["id"].as_str().unwrap()),
        ("referrals", referral["id"].as_str().unwrap()),
    ];
    for token in [&cast.worker_b, &cast.analyst] {
        for (kind, id) in records {
            let path = format!("/api/v1/{kind}/{id}");
            assert_eq!(
                app.call(Method::GET, &path, token, None).await.status,
                404,
                "GET {path}"
            );
            let patch = app
                .call_if_match(Method::PATCH, &path, token, 1, json!({}))
                .await;
            assert_eq!(patch.status, 404, "PATCH {path}");
            assert_eq!(
                app.call_if_match(Method::DELETE, &path, token, 1, json!({}))
                    .await
                    .status,
                404,
                "DELETE {path}"
            );
            assert_eq!(
                app.call(Method::GET, &format!("{path}/history"), token, None)
                    .await
                    .status,
                404
            );
            let listed = app
                .call(Method::GET, &format!("/api/v1/{kind}"), token, None)
                .await;
            assert_eq!(listed.status, 200);
            assert!(
                ids(&listed.body).is_empty(),
                "{kind} list is empty for an outsider"
            );
            let by_id_filter = app
                .call(
                    Method::GET,
                    &format!("/api/v1/{kind}?agency_id={}", cast.bureau_a),
                    token,
                    None,
                )
                .await;
            assert!(
                by_id_filter.status == 422 || ids(&by_id_filter.body).is_empty(),
                "filters cannot widen the scope"
            );
        }
        for kind in ["incidents", "referrals"] {
            let id = if kind == "incidents" {
                records[1].1
            } else {
                records[2].1
            };
            let path = format!("/api/v1/{kind}/{id}/transitions");
            let moved = app
                .call_if_match(Method::POST, &path, token, 1, json!({"status": "accepted"}))
                .await;
            assert!(
                moved.status == 404 || moved.status == 422,
                "transition {path}: {}",
                moved.status
            );
            let closed = app
                .call_if_match(
                    Method::POST,
                    &path,
                    token,
                    1,
                    json!({"status": "cancelled"}),
                )
                .await;
            assert!(
                closed.status == 404 || closed.status == 422,
                "transition {path}: {}",
                closed.status
            );
            assert_eq!(app.call(Method::GET, &path, token, None).await.status, 404);
        }
    }
    let untouched = app
        .call(
            Method::GET,
            &format!("/api/v1/children/{}", records[0].1),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(untouched.body["version"], 1);
}

#[tokio::test]
async fn roles_see_exactly_their_scope_in_lists_and_gets() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let referred = app.create_child(&cast.worker_a, "Referred").await;
    let private = app.create_child(&cast.worker_a, "Private").await;
    let other_bureau = app.create_child(&cast.worker_b, "Sindh child").await;
    let incident = app
        .create_incident(&cast.worker_a, referred["id"].as_str().unwrap())
        .await;
    app.create_incident(&cast.worker_a, private["id"].as_str().unwrap())
        .await;
    app.create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
        .await;
    let id = |child: &Value| child["id"].as_str().unwrap().to_owned();

    let expectations: Vec<(&str, &String, Vec<String>)> = vec![
        (
            "admin",
            &cast.admin,
            vec![id(&other_bureau), id(&private), id(&referred)],
        ),
        (
            "monitor",
            &cast.monitor,
            vec![id(&other_bureau), id(&private), id(&referred)],
        ),
        (
            "worker a",
            &cast.worker_a,
            vec![id(&private), id(&referred)],
        ),
        ("sync a", &cast.sync_a, vec![id(&private), id(&referred)]),
        ("worker b", &cast.worker_b, vec![id(&other_bureau)]),
        ("partner", &cast.partner, vec![id(&referred)]),
        ("analyst", &cast.analyst, vec![]),
    ];
    for (who, token, expected) in expectations {
        // Every role states a purpose here: only the nation-wide ones need it, none is refused for it.
        let listed = app
            .call(Method::GET, &with_purpose("/api/v1/children"), token, None)
            .await;
        assert_eq!(listed.status, 200, "{who}");
        assert_eq!(
            ids(&listed.body),
            expected,
            "{who} lists exactly its scope, newest first"
        );
        for child in [&referred, &private, &other_bureau] {
            let status = app
                .call(
                    Method::GET,
                    &with_purpose(&format!("/api/v1/children/{}", id(child))),
                    token,
                    None,
                )
                .await
                .status;
            let visible = expected.contains(&id(child));
            assert_eq!(
                status,
                if visible { 200 } else { 404 },
                "{who} GET agrees with the list"
            );
        }
    }
}

#[tokio::test]
async fn read_only_scopes_cannot_write() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Eman").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let referral = app
        .create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
        .await;
    let child_path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    // A refusal of a visible record says who may, rather than only "not permitted".
    let referral_path = format!("/api/v1/referrals/{}", referral["id"].as_str().unwrap());
    let history = app
        .call(
            Method::GET,
            &format!("{referral_path}/history"),
            &cast.partner,
            None,
        )
        .await;
    assert_eq!(history.status, 403, "{}", history.body);
    let detail = history.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("field history") && detail.contains("/transitions"),
        "{detail}"
    );
    let cancel = app
        .call_if_match(
            Method::POST,
            &format!("{referral_path}/transitions"),
            &cast.partner,
            1,
            json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(cancel.status, 403, "{}", cancel.body);
    assert!(cancel.body["detail"]
        .as_str()
        .unwrap()
        .contains("only the referring agency"));
    let incident_path = format!("/api/v1/incidents/{}", incident["id"].as_str().unwrap());
    for token in [&cast.partner, &cast.monitor] {
        assert_eq!(
            app.call(Method::GET, &with_purpose(&incident_path), token, None)
                .await
                .status,
            200
        );
        let patch = app
            .call_if_match(
                Method::PATCH,
                &child_path,
                token,
                1,
                json!({"given_name": "Changed"}),
            )
            .await;
        assert_eq!(patch.status, 403);
        assert_eq!(
            app.call_if_match(Method::DELETE, &incident_path, token, 1, json!({}))
                .await
                .status,
            403
        );
    }
    for (token, kind) in [
        (&cast.partner, "children"),
        (&cast.analyst, "incidents"),
        (&cast.monitor, "children"),
    ] {
        let created = app
            .call(
                Method::POST,
                &format!("/api/v1/{kind}"),
                token,
                Some(json!({"sex": "male", "province": "Punjab"})),
            )
            .await;
        assert_eq!(created.status, 403, "{kind}");
    }
    let after = app
        .call(Method::GET, &child_path, &cast.worker_a, None)
        .await;
    assert_eq!(after.body["given_name"], "Eman");
    assert_eq!(after.body["version"], 1);
}

#[tokio::test]
async fn sync_clients_write_but_do_not_delete_and_case_workers_delete_to_a_tombstone() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.sync_a, "Fiza").await;
    let path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    assert_eq!(
        app.call_if_match(Method::DELETE, &path, &cast.sync_a, 1, json!({}))
            .await
            .status,
        403
    );
    let unread = app.call(Method::DELETE, &path, &cast.worker_a, None).await;
    assert_eq!(unread.status, 428, "a delete names the version it saw");
    let stale = app
        .call_if_match(Method::DELETE, &path, &cast.worker_a, 7, json!({}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(
        app.call_if_match(Method::DELETE, &path, &cast.worker_a, 1, json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        app.call(Method::GET, &path, &cast.worker_a, None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.call(Method::GET, &path, &cast.admin, None).await.status,
        404
    );
    let listed = app
        .call(Method::GET, "/api/v1/children", &cast.admin, None)
        .await;
    assert!(ids(&listed.body).is_empty());
}
