//! Statistics: counts equal plain SQL, disclosure control holds against differencing, CSV equals JSON,
//! and KPIs equal hand-computed values.

mod complaint_kpis;
mod complaints;
mod queries;

use std::collections::BTreeMap;

use cpims_tests::{Cast, TestApp};
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};
use reqwest::Method;
use serde_json::{json, Value};

const PROVINCES: [(&str, &str); 3] = [
    ("Punjab", "Lahore"),
    ("Sindh", "Karachi East"),
    ("Balochistan", "Quetta"),
];
const CATEGORIES: [(&str, Option<&str>); 3] = [
    ("child_labour", None),
    ("neglect", None),
    ("sexual_abuse", Some("attempted")),
];

/// Forty incidents spread unevenly over provinces, categories, children and dates, so that some cells
/// are large and some small. One extra incident is deleted and must never be counted.
async fn fixture(app: &TestApp, cast: &Cast) {
    let mut children = Vec::new();
    for index in 0..10 {
        let reply = app
            .call(
                Method::POST,
                "/api/v1/children",
                &cast.worker_a,
                Some(json!({"sex": if index % 3 == 0 { "male" } else { "female" },
                            "date_of_birth": format!("{}-06-15", 2008 + index), "province": "Punjab"})),
            )
            .await;
        assert_eq!(reply.status, 201);
        children.push(reply.body["id"].as_str().unwrap().to_owned());
    }
    for index in 0..41_usize {
        let (province, district) = PROVINCES[(index * index) % 3];
        let (category, subcategory) = CATEGORIES[(index / 4) % 3];
        let risk_level = ["low", "medium", "high"][index % 3];
        let reply = app
            .call(
                Method::POST,
                "/api/v1/incidents",
                &cast.worker_a,
                Some(json!({"child_id": children[index % 10], "category": category, "subcategory": subcategory,
                            "occurred_on": format!("202{}-0{}-10", 3 + index % 2, 1 + index % 9),
                            "reported_on": "2025-01-15", "intake_channel": if index % 5 == 0 { "police" } else { "helpline_1121" },
                            "province": province, "district": district,
                            "risk_level": risk_level})),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        if index == 40 {
            let path = format!("/api/v1/incidents/{}", reply.body["id"].as_str().unwrap());
            assert_eq!(
                app.call_if_match(Method::DELETE, &path, &cast.worker_a, 1, json!({}))
                    .await
                    .status,
                204
            );
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn plain_sql(app: &TestApp, sql: &str) -> BTreeMap<Option<String>, i64> {
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    let rows: Vec<Count> = diesel::sql_query(sql).load(&mut *connection).unwrap();
    rows.into_iter().map(|row| (row.value, row.n)).collect()
}

fn served(table: &Value, dimension: &str) -> BTreeMap<Option<String>, i64> {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row[dimension].as_str().map(str::to_owned),
                row["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn exact_counts_match_plain_sql_for_every_dimension() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    fixture(&app, &cast).await;
    let live = "FROM incidents i JOIN children c ON c.id = i.child_id WHERE i.deleted_at IS NULL";
    let columns = [
        ("province", "i.province"),
        ("district", "i.district"),
        ("category", "i.category"),
        ("subcategory", "i.subcategory"),
        ("sex", "c.sex"),
        ("year", "substr(i.occurred_on, 1, 4)"),
        ("month", "substr(i.occurred_on, 1, 7)"),
        ("urban_rural", "i.urban_rural"),
        ("perpetrator_relationship", "i.perpetrator_relationship"),
        ("intake_channel", "i.intake_channel"),
        ("registered_with_police", "i.registered_with_police"),
        ("status", "i.status"),
        ("risk_level", "i.risk_level"),
    ];
    for (dimension, column) in columns {
        let table = app
            .call(
                Method::GET,
                &format!("/api/v1/stats/incidents?group_by={dimension}"),
                &cast.monitor,
                None,
            )
            .await;
        assert_eq!(table.status, 200, "{dimension}: {}", table.body);
        let expected = plain_sql(
            &app,
            &format!("SELECT {column} AS value, COUNT(*) AS n {live} GROUP BY {column}"),
        );
        assert_eq!(served(&table.body, dimension), expected, "{dimension}");
        assert_eq!(
            table.body["total"], 40,
            "{dimension}: the deleted incident is not counted"
        );
    }
    // Derived dimensions against values computed here from the fixture's own rules.
    let bands = app
        .call(
            Method::GET,
            "/api/v1/stats/incidents?group_by=age_band",
            &cast.admin,
            None,
        )
        .await;
    let band_total: i64 = served(&bands.body, "age_band").values().sum();
    assert_eq!(band_total, 40);
    let quarters = app
        .call(
            Method::GET,
            "/api/v1/stats/incidents?group_by=quarter&year=2023",
            &cast.admin,
            None,
        )
        .await;
    let expected_q1 = (0..40).filter(|i| i % 2 == 0 && (1 + i % 9) <= 3).count() as i64;
    assert_eq!(
        served(&quarters.body, "quarter").get(&Some("2023-Q1".to_owned())),
        Some(&expected_q1)
    );

    let combined = app
        .call(Method::GET, "/api/v1/stats/incidents?group_by=province,category&intake_channel=helpline_1121&from=2023-03-01&to=2024-06-30", &cast.admin, None)
        .await;
    assert_eq!(combined.status, 200);
    #[derive(QueryableByName)]
    struct Pair {
        #[diesel(sql_type = Text)]
        a: String,
        #[diesel(sql_type = Text)]
        b: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    let expected: Vec<Pair> = diesel::sql_query(format!(
        "SELECT i.province AS a, i.category AS b, COUNT(*) AS n {live} AND i.intake_channel = 'helpline_1121' \
         AND i.occurred_on >= '2023-03-01' AND i.occurred_on <= '2024-06-30' GROUP BY i.province, i.category"
    ))
    .load(&mut *connection)
    .unwrap();
    let expected: BTreeMap<(String, String), i64> =
        expected.into_iter().map(|p| ((p.a, p.b), p.n)).collect();
    let got: BTreeMap<(String, String), i64> = combined.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                (
                    r["province"].as_str().unwrap().to_owned(),
                    r["category"].as_str().unwrap().to_owned(),
                ),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

fn visible_sum(rows: &[&Value]) -> i64 {
    rows.iter().filter_map(|row| row["count"].as_i64()).sum()
}

#[tokio::test]
async fn analysts_never_see_small_cells_nor_recover_them_by_differencing() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    fixture(&app, &cast).await;
    let k = 5;
    let get = |query: &'static str| app.call(Method::GET, query, &cast.analyst, None);
    let table = get("/api/v1/stats/incidents?group_by=province,category").await;
    assert_eq!(table.status, 200);
    assert_eq!(table.body["disclosure_control"], true);
    let rows: Vec<&Value> = table.body["rows"].as_array().unwrap().iter().collect();
    assert!(
        rows.iter().any(|r| r["suppressed"] == true),
        "the fixture has small cells"
    );
    assert!(
        rows.iter().any(|r| r["suppressed"] == false),
        "and large ones"
    );
    for row in &rows {
        if let Some(count) = row["count"].as_i64() {
            assert!(count >= k, "no released cell below k: {row}");
        } else {
            assert_eq!(row["suppressed"], true);
        }
    }
    if let Some(total) = table.body["total"].as_i64() {
        let hidden = total - visible_sum(&rows);
        assert!(
            hidden == 0 || hidden >= k,
            "total minus visible cells reveals {hidden}"
        );
    }
    for (dimension, other) in [("province", "category"), ("category", "province")] {
        let margins = app
            .call(
                Method::GET,
                &format!("/api/v1/stats/incidents?group_by={dimension}"),
                &cast.analyst,
                None,
            )
            .await;
        for margin in margins.body["rows"].as_array().unwrap() {
            let Some(margin_count) = margin["count"].as_i64() else {
                continue;
            };
            let line: Vec<&Value> = rows
                .iter()
                .copied()
                .filter(|r| r[dimension] == margin[dimension])
                .collect();
            let hidden = margin_count - visible_sum(&line);
            assert!(
                hidden == 0 || hidden >= k,
                "{dimension} {} minus visible {other} cells reveals {hidden}",
                margin[dimension]
            );
        }
    }
    let exact = app
        .call(
            Method::GET,
            "/api/v1/stats/incidents?group_by=province,category",
            &cast.admin,
            None,
        )
        .await;
    assert!(
        exact.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["suppressed"] == false),
        "admins see exact counts"
    );
    assert_eq!(
        app.call(Method::GET, "/api/v1/stats/incidents", &cast.partner, None)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn csv_and_json_agree_and_formulas_cannot_sneak_in() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    fixture(&app, &cast).await;
    let path = "/api/v1/stats/incidents?group_by=province,risk_level";
    let json = app.call(Method::GET, path, &cast.analyst, None).await;
    let csv = app
        .request(Method::GET, path)
        .bearer_auth(&cast.analyst)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("province,risk_level,count,children,suppressed")
    );
    let expected: Vec<String> = json.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let figure = |v: &Value| v.as_i64().map(|n| n.to_string()).unwrap_or_default();
            format!(
                "{},{},{},{},{}",
                r["province"].as_str().unwrap(),
                r["risk_level"].as_str().unwrap(),
                figure(&r["count"]),
                figure(&r["children"]),
                r["suppressed"]
            )
        })
        .collect();
    assert_eq!(lines.map(str::to_owned).collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn kpis_match_hand_computed_values() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Kpi").await;
    let child_id = child["id"].as_str().unwrap();
    let mut incidents = Vec::new();
    for _ in 0..3 {
        incidents.push(
            app.create_incident(&cast.worker_a, child_id).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let refer = |incident: &str, due: &str| json!({"incident_id": incident, "to_agency_id": cast.cso, "service": "psychosocial", "reason": "Support", "due_by": due});
    let mut referrals = Vec::new();
    for (incident, due) in [
        (&incidents[0], "2099-01-01"),
        (&incidents[1], "2099-01-01"),
        (&incidents[2], "2024-06-01"),
        (&incidents[0], "2024-06-01"),
    ] {
        let reply = app
            .call(
                Method::POST,
                "/api/v1/referrals",
                &cast.worker_a,
                Some(refer(incident, due)),
            )
            .await;
        assert_eq!(reply.status, 201);
        referrals.push(reply.body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        move_referral(&app, &referrals[0], &cast.partner, 1, "accepted").await,
        200
    );
    assert_eq!(
        move_referral(&app, &referrals[0], &cast.partner, 2, "in_progress").await,
        200
    );
    assert_eq!(
        move_referral(&app, &referrals[0], &cast.partner, 3, "completed").await,
        200
    );
    assert_eq!(
        move_referral(&app, &referrals[1], &cast.partner, 1, "declined").await,
        200
    );
    assert_eq!(
        move_referral(&app, &referrals[3], &cast.worker_a, 1, "cancelled").await,
        200
    );
    let close = app
        .call_if_match(
            Method::POST,
            &format!("/api/v1/incidents/{}/transitions", incidents[2]),
            &cast.worker_a,
            1,
            json!({"status": "closed", "closure_reason": "Resolved"}),
        )
        .await;
    assert_eq!(close.status, 200);

    let today = chrono::Utc::now().date_naive();
    let reply = app
        .call(
            Method::GET,
            &format!("/api/v1/stats/kpis?from=2024-01-01&to={today}"),
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let overall = &reply.body["overall"];
    assert_eq!(overall["complaints_received"], 3);
    assert_eq!(overall["complaints_addressed"], 1);
    assert_eq!(overall["open_at_period_end"], 2);
    assert_eq!(overall["referrals_made"], 4);
    assert_eq!(overall["referrals_accepted"], 1);
    assert_eq!(overall["referrals_completed"], 1);
    assert_eq!(overall["referrals_declined"], 1);
    assert_eq!(
        overall["referrals_overdue"], 1,
        "the pending referral past its due date"
    );
    assert_eq!(overall["acceptance_rate"], 0.5);
    assert_eq!(overall["completion_rate"], 1.0);
    assert!(overall["median_hours_to_first_response"]
        .as_f64()
        .is_some_and(|h| (0.0..1.0).contains(&h)));
    let punjab = reply.body["by_province"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["province"] == "Punjab")
        .unwrap();
    assert_eq!(punjab["complaints_received"], 3);

    let analyst = app
        .call(
            Method::GET,
            &format!("/api/v1/stats/kpis?from=2024-01-01&to={today}"),
            &cast.analyst,
            None,
        )
        .await;
    assert_eq!(analyst.status, 200);
    for field in [
        "complaints_received",
        "referrals_made",
        "acceptance_rate",
        "median_hours_to_first_response",
    ] {
        assert_eq!(
            analyst.body["overall"][field],
            Value::Null,
            "{field} is too small to publish"
        );
    }
    let before = app
        .call(
            Method::GET,
            "/api/v1/stats/kpis?from=2020-01-01&to=2020-12-31",
            &cast.monitor,
            None,
        )
        .await;
    assert_eq!(before.body["overall"]["complaints_received"], 0);
}

async fn move_referral(app: &TestApp, id: &str, token: &str, version: i64, status: &str) -> u16 {
    let path = format!("/api/v1/referrals/{id}/transitions");
    app.call_if_match(
        Method::POST,
        &path,
        token,
        version,
        json!({"status": status}),
    )
    .await
    .status
}
