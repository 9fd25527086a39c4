//! The audit log's API and tools: chain verification finds every kind of tampering, `/audit` searches
//! and pages, a child's access log is shown only to those entitled, and logins, denials and statistics
//! queries are recorded. Tampering with the stored chain is in `chain`.

use cpims_api::audit_cli;
use cpims_db::repo::audit::{self, AuditRow};
use cpims_db::AnyConnection;
use cpims_domain::audit::ChainReport;
use cpims_tests::{with_purpose, Cast, TestApp, TEST_PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

mod chain;

/// A child created, read and updated by worker A, read by the monitor; returns the child's id.
async fn workflow(app: &TestApp, cast: &Cast) -> String {
    let child = app.create_child(&cast.worker_a, "Kiran").await;
    let id = child["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/children/{id}");
    assert_eq!(
        app.call(Method::GET, &path, &cast.worker_a, None)
            .await
            .status,
        200
    );
    let patch = json!({"disability": true});
    let patched = app
        .call_if_match(Method::PATCH, &path, &cast.worker_a, 1, patch)
        .await;
    assert_eq!(patched.status, 200);
    assert_eq!(
        app.call(Method::GET, &with_purpose(&path), &cast.monitor, None)
            .await
            .status,
        200
    );
    id
}

fn with_db<T>(app: &TestApp, work: impl FnOnce(&mut AnyConnection) -> T) -> T {
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    work(&mut connection)
}

fn rows(app: &TestApp) -> Vec<AuditRow> {
    with_db(app, |c| audit::range(c, 0, 100_000).unwrap())
}

fn verify(app: &TestApp, head: Option<&std::path::Path>) -> ChainReport {
    audit_cli::verify(&app.state.pool, head).unwrap()
}

fn entries(reply: &Value) -> Vec<Value> {
    reply["data"].as_array().unwrap().clone()
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let me = app.call(Method::GET, "/api/v1/me", token, None).await;
    me.body["user"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_audit_log_is_searched_by_field_and_time_and_paged() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child_id = workflow(&app, &cast).await;
    let worker_a = user_id(&app, &cast.worker_a).await;
    let search = |query: String| {
        let app = &app;
        let token = cast.admin.clone();
        async move {
            app.call(Method::GET, &format!("/api/v1/audit?{query}"), &token, None)
                .await
        }
    };

    let about = search(format!("record_type=child&record_id={child_id}")).await;
    assert_eq!(about.status, 200);
    let actions: Vec<&str> = about.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["read", "update", "read", "create"],
        "newest first"
    );
    let first = &about.body["data"][3];
    for field in [
        "seq",
        "occurred_at",
        "actor_agency_id",
        "request_id",
        "detail",
        "hash",
    ] {
        assert!(first.get(field).is_some(), "{field}");
    }

    let by_actor = search(format!("actor_user_id={worker_a}&action=update")).await;
    assert_eq!(entries(&by_actor.body).len(), 1);
    let by_agency = search(format!("agency_id={}&record_type=child", cast.bureau_a)).await;
    assert_eq!(entries(&by_agency.body).len(), 3);
    let future = search("from=2999-01-01".into()).await;
    assert!(entries(&future.body).is_empty());
    let today = chrono::Utc::now().date_naive();
    let bounded = search(format!("record_id={child_id}&from={today}&to={today}")).await;
    assert_eq!(entries(&bounded.body).len(), 4);
    let past = search(format!("record_id={child_id}&to=2000-01-01T00:00:00Z")).await;
    assert!(entries(&past.body).is_empty());

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("record_id={child_id}&limit=3&cursor={cursor}"),
            None => format!("record_id={child_id}&limit=3"),
        };
        let page = search(query).await;
        seen.extend(
            entries(&page.body)
                .iter()
                .map(|e| e["seq"].as_i64().unwrap()),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut expected: Vec<i64> = entries(&about.body)
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, expected);

    for bad in [
        "limit=0",
        "limit=501",
        "cursor=nonsense",
        "from=yesterday",
        "colour=red",
    ] {
        assert_eq!(search(bad.into()).await.status, 422, "{bad}");
    }
    let monitor = app
        .call(
            Method::GET,
            "/api/v1/audit?action=create",
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(monitor.status, 200);
    let worker = app
        .call(Method::GET, "/api/v1/audit", &cast.worker_a, None)
        .await;
    assert_eq!(worker.status, 403);
    let reads = search("action=audit_read".into()).await;
    assert!(entries(&reads.body).len() >= 9, "searching is audited");
}

#[tokio::test]
async fn a_childs_access_log_shows_who_did_what_to_those_entitled() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child_id = workflow(&app, &cast).await;
    let (worker_a, monitor) = (
        user_id(&app, &cast.worker_a).await,
        user_id(&app, &cast.monitor).await,
    );
    let path = format!("/api/v1/children/{child_id}/access-log");

    let log = app.call(Method::GET, &path, &cast.worker_a, None).await;
    assert_eq!(log.status, 200, "{}", log.body);
    let who: Vec<(String, String)> = entries(&log.body)
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().into(),
                e["actor_user_id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("read", &monitor),
        ("update", &worker_a),
        ("read", &worker_a),
        ("create", &worker_a),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, u)| ((*a).to_owned(), (*u).clone()))
        .collect();
    assert_eq!(who, expected);
    for token in [&cast.admin, &cast.monitor] {
        let stated = with_purpose(&path);
        assert_eq!(
            app.call(Method::GET, &stated, token, None).await.status,
            200
        );
    }
    let again = app
        .call(Method::GET, &with_purpose(&path), &cast.admin, None)
        .await;
    assert_eq!(
        again.body["data"][0]["action"], "read_access_log",
        "looking is logged"
    );

    assert_eq!(
        app.call(Method::GET, &path, &cast.worker_b, None)
            .await
            .status,
        404
    );
    let incident = app.create_incident(&cast.worker_a, &child_id).await;
    app.create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
        .await;
    let child_path = format!("/api/v1/children/{child_id}");
    assert_eq!(
        app.call(Method::GET, &child_path, &cast.partner, None)
            .await
            .status,
        200
    );
    assert_eq!(
        app.call(Method::GET, &path, &cast.partner, None)
            .await
            .status,
        403
    );
    assert_eq!(
        app.call(Method::GET, &path, &cast.sync_a, None)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn logins_denials_and_statistics_queries_are_audited() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Laila").await;
    let child_id = child["id"].as_str().unwrap();
    let worker_b = user_id(&app, &cast.worker_b).await;
    let refused = app
        .request(Method::POST, "/api/v1/auth/token")
        .json(&json!({"username": " Worker.A ", "password": "not the password at all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let unknown = app
        .request(Method::POST, "/api/v1/auth/token")
        .json(&json!({"username": "nobody", "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 401);
    let outsider = format!("/api/v1/children/{child_id}");
    assert_eq!(
        app.call(Method::GET, &outsider, &cast.worker_b, None)
            .await
            .status,
        404
    );
    let stats = app
        .call(
            Method::GET,
            "/api/v1/stats/incidents?group_by=province",
            &cast.analyst,
            None,
        )
        .await;
    assert_eq!(stats.status, 200);

    let all = rows(&app);
    let logins = all.iter().filter(|r| r.action == "login").count();
    assert!(logins >= 7, "the cast's logins: {logins}");
    let failed: Vec<&AuditRow> = all.iter().filter(|r| r.action == "login_failed").collect();
    assert_eq!(failed.len(), 2);
    let detail = failed[0].detail.clone().unwrap();
    assert!(
        detail.contains("\"worker.a\"") && detail.contains("wrong_password"),
        "{detail}"
    );
    assert!(!detail.contains("not the password") && failed[0].actor_user_id.is_none());
    assert!(failed[1].detail.clone().unwrap().contains("unknown_user"));
    assert!(all
        .iter()
        .all(|r| !r.detail.clone().unwrap_or_default().contains(TEST_PASSWORD)));

    let denied: Vec<&AuditRow> = all.iter().filter(|r| r.action == "denied").collect();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].actor_user_id.as_deref(), Some(worker_b.as_str()));
    assert_eq!(
        (
            denied[0].record_type.as_deref(),
            denied[0].record_id.as_deref()
        ),
        (Some("child"), Some(child_id))
    );
    let stats_query = all.iter().find(|r| r.action == "stats_query").unwrap();
    assert!(stats_query.detail.clone().unwrap().contains("province"));
    assert!(verify(&app, None).ok);
}
