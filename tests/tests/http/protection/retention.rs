//! `cpims retention run`: cases closed longer ago than the retention period lose their personal data
//! (records, history, notes, lookups), the anonymisation is audited, open cases are untouched, and
//! statistics give the same numbers before and after.

use cpims_tests::{with_purpose, Cast, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const STATS_QUERIES: [&str; 4] = [
    "/api/v1/stats/incidents?group_by=province,category,month",
    "/api/v1/stats/incidents?group_by=age_band,sex",
    "/api/v1/stats/incidents?group_by=year,status&date_field=reported_on",
    "/api/v1/stats/incidents?group_by=quarter,risk_level&from=2015-06-01&to=2016-12-31",
];

async fn statistics(app: &TestApp, cast: &Cast) -> Vec<Value> {
    let mut tables = Vec::new();
    for query in STATS_QUERIES {
        let reply = app.call(Method::GET, query, &cast.monitor, None).await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.body);
        tables.push(json!({"rows": reply.body["rows"], "total": reply.body["total"]}));
    }
    tables
}

async fn incident(app: &TestApp, cast: &Cast, child_id: &str, occurred_on: &str) -> String {
    let reply = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            &cast.worker_a,
            Some(json!({"child_id": child_id, "category": "child_marriage", "subcategory": "vani_swara",
                        "occurred_on": occurred_on, "reported_on": occurred_on,
                        "intake_channel": "helpline_1121", "province": "Punjab", "district": "Multan",
                        "risk_level": "critical", "narrative": "Promised in settlement of a dispute."})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn close(app: &TestApp, cast: &Cast, incident_id: &str) {
    let current = app
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{incident_id}"),
            &cast.worker_a,
            None,
        )
        .await;
    let version = current.body["version"].as_i64().unwrap();
    let closed = app
        .call_if_match(
            Method::POST,
            &format!("/api/v1/incidents/{incident_id}/transitions"),
            &cast.worker_a,
            version,
            json!({"status": "closed", "closure_reason": "Marriage prevented",
                   "note": "Spoke with the jirga elders"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
}

/// Moves every closed incident's last change (and its child's) far into the past.
fn backdate_closed_cases(app: &TestApp) {
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    for statement in [
        "UPDATE incidents SET updated_at = '2012-03-04 05:06:07' WHERE status = 'closed'",
        "UPDATE children SET updated_at = '2012-03-04 05:06:07'",
    ] {
        diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut *connection).unwrap();
    }
}

#[tokio::test]
async fn expired_cases_are_anonymised_and_statistics_do_not_change() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    // Child A: two old cases, both closed, one referred then cancelled. Child B: one old closed case
    // and one still open. Both children share the B-Form number the harness gives every child.
    let child_a = app.create_child(&cast.worker_a, "Expired").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let child_b = app.create_child(&cast.worker_a, "Kept").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a_first = incident(&app, &cast, &child_a, "2015-06-17").await;
    let a_second = incident(&app, &cast, &child_a, "2016-11-30").await;
    let b_old = incident(&app, &cast, &child_b, "2015-08-09").await;
    let b_open = incident(&app, &cast, &child_b, "2016-01-20").await;
    let referral = app
        .create_referral(&cast.worker_a, &a_first, &cast.cso)
        .await;
    let referral_id = referral["id"].as_str().unwrap().to_owned();
    let cancelled = app
        .call_if_match(
            Method::POST,
            &format!("/api/v1/referrals/{referral_id}/transitions"),
            &cast.worker_a,
            1,
            json!({"status": "cancelled", "note": "Family moved to Quetta"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    for id in [&a_first, &a_second, &b_old] {
        close(&app, &cast, id).await;
    }
    backdate_closed_cases(&app);
    let before = statistics(&app, &cast).await;

    let pool = app.state.pool.clone();
    let vault = app.state.vault.clone();
    let (report, again) = tokio::task::spawn_blocking(move || {
        let now = cpims_db::page::now();
        let report = cpims_api::app::retention::run(&pool, &vault, 10, now).unwrap();
        let again = cpims_api::app::retention::run(&pool, &vault, 10, now).unwrap();
        (report, again)
    })
    .await
    .unwrap();
    assert_eq!(
        (report.incidents, report.referrals, report.children),
        (3, 1, 1)
    );
    assert_eq!(
        (again.incidents, again.referrals, again.children),
        (0, 0, 0)
    );
    assert_eq!(
        statistics(&app, &cast).await,
        before,
        "statistics unchanged"
    );

    // The admin reads bureau records, so it states a purpose; the audit log takes none.
    let get = |path: String| {
        let app = &app;
        let token = cast.admin.clone();
        let path = if path.starts_with("/api/v1/audit") {
            path
        } else {
            with_purpose(&path)
        };
        async move { app.call(Method::GET, &path, &token, None).await.body }
    };
    let a = get(format!("/api/v1/children/{child_a}")).await;
    for field in [
        "given_name",
        "family_name",
        "identifier",
        "guardian_name",
        "guardian_phone",
        "date_of_birth",
    ] {
        assert!(a[field].is_null(), "{field} erased: {a}");
    }
    assert_eq!(a["province"], "Punjab");
    assert_eq!(a["sex"], "female");
    let first = get(format!("/api/v1/incidents/{a_first}")).await;
    assert!(first["narrative"].is_null());
    assert_eq!(first["occurred_on"], "2015-06-01");
    assert_eq!(first["category"], "child_marriage");
    let history = get(format!("/api/v1/children/{child_a}/history")).await;
    assert!(!history.to_string().contains("Expired"), "history erased");
    let transitions = get(format!("/api/v1/referrals/{referral_id}/transitions")).await;
    assert!(!transitions.to_string().contains("Quetta"), "notes erased");
    assert_eq!(
        get(format!("/api/v1/referrals/{referral_id}")).await["reason"],
        ""
    );

    // Child B still has an open case: kept whole, as is that case.
    let b = get(format!("/api/v1/children/{child_b}")).await;
    assert_eq!(b["given_name"], "Kept");
    let open = get(format!("/api/v1/incidents/{b_open}")).await;
    assert_eq!(open["narrative"], "Promised in settlement of a dispute.");
    assert_eq!(open["occurred_on"], "2016-01-20");
    let b_closed = get(format!("/api/v1/incidents/{b_old}")).await;
    assert!(b_closed["narrative"].is_null());

    // The lookups no longer find the anonymised child; the audit chain records it all and holds.
    let found = get("/api/v1/children?identifier=3520212345671".to_owned()).await;
    let found: Vec<&str> = found["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(found, vec![child_b.as_str()]);
    let audit = get("/api/v1/audit?action=anonymise&limit=500".to_owned()).await;
    let mut audited: Vec<String> = audit["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["record_type"].as_str().unwrap(),
                e["record_id"].as_str().unwrap()
            )
        })
        .collect();
    audited.sort();
    let mut expected = vec![
        format!("child:{child_a}"),
        format!("incident:{a_first}"),
        format!("incident:{a_second}"),
        format!("incident:{b_old}"),
        format!("referral:{referral_id}"),
    ];
    expected.sort();
    assert_eq!(audited, expected);
    let verify = get("/api/v1/audit/verify".to_owned()).await;
    assert_eq!(verify["ok"], true, "{verify}");

    // The owner's change feed carries each anonymised record at its new version (so sync clients
    // erase their copies); the CSO, whose referral was cancelled, hears nothing of it.
    let mut owner_feed = Vec::new();
    let mut since = String::from("0");
    loop {
        let page = app
            .call(
                Method::GET,
                &format!("/api/v1/sync/changes?limit=500&since={since}"),
                &cast.worker_a,
                None,
            )
            .await;
        let data = page.body["data"].as_array().unwrap().clone();
        if data.is_empty() {
            break;
        }
        owner_feed.extend(data);
        since = page.body["next_cursor"].as_str().unwrap().to_owned();
    }
    for (kind, id) in [
        ("children", &child_a),
        ("incidents", &a_first),
        ("incidents", &a_second),
        ("incidents", &b_old),
        ("referrals", &referral_id),
    ] {
        let current = get(format!("/api/v1/{kind}/{id}")).await["version"].clone();
        let last = owner_feed
            .iter()
            .rev()
            .find(|item| item["id"] == json!(id))
            .unwrap_or_else(|| panic!("{kind} {id} missing from the owner's feed"));
        assert_eq!(last["version"], current, "{kind} {id}: {last}");
        assert_eq!(last["change"], "upsert", "{kind} {id}");
    }
    let cso_feed = app
        .call(
            Method::GET,
            "/api/v1/sync/changes?limit=500",
            &cast.partner,
            None,
        )
        .await;
    let referral_news: Vec<&Value> = cso_feed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["id"] == json!(referral_id))
        .collect();
    assert!(
        referral_news
            .iter()
            .all(|item| item["change"] == "tombstone"),
        "the CSO saw only the referral's withdrawal: {referral_news:?}"
    );
}
