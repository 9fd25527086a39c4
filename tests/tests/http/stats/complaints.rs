//! Complaint statistics: counts per dimension, times to triage and acceptance, scope by role,
//! disclosure control, CSV and refusals. The clock is held, so every time is exact.

use chrono::{Duration, TimeZone, Utc};
use cpims_tests::{Cast, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

use crate::complaints::{intake, move_complaint};

/// What the tests need of the fixture: the commission's intake officer.
pub struct Fixture {
    pub intake: String,
}

async fn file(app: &TestApp, token: &str, channel: &str, province: &str, district: &str) -> Value {
    let category = if province == "Punjab" {
        "neglect"
    } else {
        "child_labour"
    };
    let complainant = if channel == "email" {
        "neighbour"
    } else {
        "teacher"
    };
    let reply = app
        .call(
            Method::POST,
            "/api/v1/complaints",
            token,
            Some(json!({"channel": channel, "complainant_type": complainant,
                        "contact_consent": false, "province": province, "district": district,
                        "category": category, "narrative": "A child needs help."})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

/// At 2026-03-02 00:00 UTC the commission's intake officer receives six helpline complaints (Punjab,
/// neglect) and two by email (Sindh, child labour); Sindh's bureau receives one walk-in. Then, hours
/// later: P1..P3 and E1 triaged at 2, 4, 6 and 8 h; P1 and P2 assigned to the Punjab bureau, which
/// accepts them at 10 and 20 h; P3 closed as not actionable and P4 withdrawn at 12 h; P1 made a
/// case at 30 h.
pub async fn fixture(app: &TestApp, cast: &Cast) -> Fixture {
    let (_, intake) = intake(app, cast).await;
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
    app.state.clock.hold_at(start);
    let at = |hours: i64| app.state.clock.hold_at(start + Duration::hours(hours));
    let mut punjab = Vec::new();
    for _ in 0..6 {
        punjab.push(file(app, &intake, "helpline_1121", "Punjab", "Lahore").await);
    }
    let mut sindh = Vec::new();
    for _ in 0..2 {
        sindh.push(file(app, &intake, "email", "Sindh", "Karachi East").await);
    }
    file(app, &cast.worker_b, "walk_in", "Sindh", "Karachi East").await;

    let triage = json!({"status": "triaged", "urgency": "high"});
    let mut triaged = Vec::new();
    for (hours, complaint) in [
        (2, &punjab[0]),
        (4, &punjab[1]),
        (6, &punjab[2]),
        (8, &sindh[0]),
    ] {
        at(hours);
        let reply = move_complaint(app, &intake, complaint, triage.clone()).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        triaged.push(reply.body);
    }
    at(9);
    let assign = json!({"status": "assigned", "assigned_agency_id": cast.bureau_a});
    let mut assigned = Vec::new();
    for complaint in &triaged[..2] {
        let reply = move_complaint(app, &intake, complaint, assign.clone()).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assigned.push(reply.body);
    }
    let mut accepted = Vec::new();
    for (hours, complaint) in [(10, &assigned[0]), (20, &assigned[1])] {
        at(hours);
        let accept = json!({"status": "accepted"});
        let reply = move_complaint(app, &cast.worker_a, complaint, accept).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        accepted.push(reply.body);
    }
    at(12);
    for (complaint, reason) in [(&triaged[2], "not_actionable"), (&punjab[3], "withdrawn")] {
        let close = json!({"status": "closed", "closure_reason": reason});
        let reply = move_complaint(app, &intake, complaint, close).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    at(30);
    let child = app.create_child(&cast.worker_a, "Complaint").await;
    let path = format!(
        "/api/v1/complaints/{}/case",
        accepted[0]["id"].as_str().unwrap()
    );
    let version = accepted[0]["version"].as_i64().unwrap();
    let made = app
        .call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            version,
            json!({"child_id": child["id"]}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    Fixture { intake }
}

async fn get(app: &TestApp, token: &str, query: &str) -> Value {
    let reply = app
        .call(
            Method::GET,
            &format!("/api/v1/stats/complaints?{query}"),
            token,
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    reply.body
}

/// The rows as (dimension values joined by `|`, count).
fn counts(table: &Value) -> Vec<(String, Value)> {
    let dimensions: Vec<&str> = table["group_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let key: Vec<String> = dimensions
                .iter()
                .map(|d| row[*d].as_str().unwrap_or("null").to_owned())
                .collect();
            (key.join("|"), row["count"].clone())
        })
        .collect()
}

fn pairs(expected: &[(&str, i64)]) -> Vec<(String, Value)> {
    expected
        .iter()
        .map(|(key, n)| ((*key).to_owned(), json!(n)))
        .collect()
}

#[tokio::test]
async fn complaint_counts_and_times_are_exact_for_monitors_by_every_dimension() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    fixture(&app, &cast).await;
    let m = &cast.monitor;
    let by_channel = get(&app, m, "group_by=channel").await;
    assert_eq!(
        counts(&by_channel),
        pairs(&[("email", 2), ("helpline_1121", 6), ("walk_in", 1)])
    );
    assert_eq!(by_channel["total"], 9);
    assert_eq!(by_channel["disclosure_control"], false);
    let helpline = &by_channel["rows"][1];
    assert_eq!(helpline["median_hours_to_triage"], 4.0, "2, 4 and 6 h");
    assert_eq!(helpline["median_hours_to_acceptance"], 15.0, "10 and 20 h");
    assert_eq!(by_channel["rows"][0]["median_hours_to_triage"], 8.0);
    assert_eq!(by_channel["rows"][2]["median_hours_to_triage"], Value::Null);
    let expected: [(&str, &[(&str, i64)]); 7] = [
        ("complainant_type", &[("neighbour", 2), ("teacher", 7)]),
        ("category", &[("child_labour", 3), ("neglect", 6)]),
        ("province", &[("Punjab", 6), ("Sindh", 3)]),
        ("district", &[("Karachi East", 3), ("Lahore", 6)]),
        (
            "status",
            &[
                ("accepted", 1),
                ("closed", 2),
                ("converted", 1),
                ("received", 4),
                ("triaged", 1),
            ],
        ),
        (
            "closure_reason",
            &[
                ("converted", 1),
                ("not_actionable", 1),
                ("null", 6),
                ("withdrawn", 1),
            ],
        ),
        ("month", &[("2026-03", 9)]),
    ];
    for (dimension, rows) in expected {
        let table = get(&app, m, &format!("group_by={dimension}")).await;
        let mut got = counts(&table);
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got, pairs(rows), "{dimension}");
    }
    let crossed = get(&app, m, "group_by=province,channel&status=received").await;
    assert_eq!(
        counts(&crossed),
        pairs(&[
            ("Punjab|helpline_1121", 2),
            ("Sindh|email", 1),
            ("Sindh|walk_in", 1)
        ])
    );
    assert_eq!(crossed["filters"], json!({"status": "received"}));
    let filtered = get(
        &app,
        m,
        "channel=email&province=Sindh&category=child_labour",
    )
    .await;
    assert_eq!(filtered["total"], 2);
    let repeated = get(&app, m, "group_by=province&group_by=channel").await;
    let comma = get(&app, m, "group_by=province,channel").await;
    assert_eq!(repeated["rows"], comma["rows"]);
    assert_eq!(
        get(&app, m, "from=2026-03-02&to=2026-03-02").await["total"],
        9
    );
    assert_eq!(get(&app, m, "from=2026-03-03").await["total"], 0);
    assert_eq!(get(&app, &cast.admin, "to=2026-03-01").await["total"], 0);
}

#[tokio::test]
async fn small_complaint_cells_are_suppressed_below_monitor_and_scoped_to_the_agency() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let fixture = fixture(&app, &cast).await;
    let analyst = get(&app, &cast.analyst, "group_by=channel").await;
    assert_eq!(analyst["disclosure_control"], true);
    for row in analyst["rows"].as_array().unwrap() {
        match row["count"].as_i64() {
            Some(count) => assert!(count >= 5, "{row}"),
            None => {
                assert_eq!(row["suppressed"], true);
                assert_eq!(row["median_hours_to_triage"], Value::Null);
            }
        }
    }
    let hidden: Vec<&str> = analyst["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["suppressed"] == true)
        .map(|row| row["channel"].as_str().unwrap())
        .collect();
    assert!(
        hidden.contains(&"email") && hidden.contains(&"walk_in"),
        "{analyst}"
    );
    if let Some(total) = analyst["total"].as_i64() {
        let shown: i64 = analyst["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|row| row["count"].as_i64())
            .sum();
        assert!(total == shown || total - shown >= 5, "{analyst}");
    }
    let admin = get(&app, &cast.admin, "group_by=channel").await;
    assert!(admin["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["suppressed"] == false));

    // The intake officer counts what the commission received: not the Sindh bureau's walk-in.
    let own = get(&app, &fixture.intake, "group_by=channel").await;
    assert_eq!(own["disclosure_control"], true);
    let channels: Vec<&str> = own["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["channel"].as_str().unwrap())
        .collect();
    assert_eq!(channels, ["email", "helpline_1121"]);
    // The Punjab bureau's case worker counts the two complaints assigned to it, nothing else.
    let assigned = get(&app, &cast.worker_a, "group_by=status").await;
    let statuses: Vec<&str> = assigned["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["accepted", "converted"]);

    let refused = app
        .call(Method::GET, "/api/v1/stats/complaints", &cast.partner, None)
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let unknown = app
        .call(
            Method::GET,
            "/api/v1/stats/complaints?group_by=colour",
            &cast.analyst,
            None,
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert_eq!(unknown.error_fields(), ["group_by"]);
    let bad = app
        .call(
            Method::GET,
            "/api/v1/stats/complaints?channel=pigeon&closure_reason=bored&group_by=sex",
            &cast.analyst,
            None,
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(
        bad.error_fields(),
        ["group_by", "channel", "closure_reason"]
    );
}

#[tokio::test]
async fn complaint_csv_equals_the_json_table() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    fixture(&app, &cast).await;
    let path = "/api/v1/stats/complaints?group_by=channel";
    let json = get(&app, &cast.monitor, "group_by=channel").await;
    let csv = app
        .request(Method::GET, path)
        .bearer_auth(&cast.monitor)
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
        Some("channel,count,median_hours_to_triage,median_hours_to_acceptance,suppressed")
    );
    let figure = |v: &Value| {
        v.as_f64()
            .map(|n| Value::from(n).to_string())
            .unwrap_or_default()
    };
    let expected: Vec<String> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{},{},{},{},{}",
                r["channel"].as_str().unwrap(),
                r["count"],
                figure(&r["median_hours_to_triage"]),
                figure(&r["median_hours_to_acceptance"]),
                r["suppressed"]
            )
        })
        .collect();
    assert_eq!(lines.map(str::to_owned).collect::<Vec<_>>(), expected);
}
