//! Creates arriving together (on SQLite they share one commit): each answers as it would alone, and a
//! refused one leaves the others written.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use cpims_tests::TestApp;

#[tokio::test]
async fn concurrent_creates_each_answer_as_alone_and_refusals_write_nothing() {
    let app = TestApp::spawn_with(&[("CPIMS_WORKERS", "4")]).await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Sana").await;
    let child_id = child["id"].as_str().unwrap().to_owned();

    // Sixteen distinct children, four claiming one external id (one may win), four incidents
    // about a child that does not exist and four about one that does, all at once.
    let mut bodies = Vec::new();
    for n in 0..16 {
        bodies.push((
            "/api/v1/children",
            json!({"external_id": format!("CC-{n}"), "sex": "female", "province": "Punjab"}),
        ));
    }
    for _ in 0..4 {
        bodies.push((
            "/api/v1/children",
            json!({"external_id": "CC-SHARED", "sex": "male", "province": "Punjab"}),
        ));
    }
    let incident = |child: &str| {
        json!({"child_id": child, "category": "child_labour", "occurred_on": "2024-05-01",
               "reported_on": "2024-05-03", "intake_channel": "helpline_1121", "province": "Punjab", "risk_level": "high"})
    };
    for _ in 0..4 {
        bodies.push((
            "/api/v1/incidents",
            incident("0190a000-0000-7000-8000-000000000000"),
        ));
        bodies.push(("/api/v1/incidents", incident(&child_id)));
    }
    let replies = join_all(
        bodies
            .iter()
            .map(|(path, body)| app.call(Method::POST, path, &cast.worker_a, Some(body.clone()))),
    )
    .await;

    let statuses: Vec<u16> = replies.iter().map(|reply| reply.status).collect();
    assert!(statuses[..16].iter().all(|s| *s == 201), "{statuses:?}");
    let shared: Vec<u16> = statuses[16..20].to_vec();
    assert_eq!(
        shared.iter().filter(|s| **s == 201).count(),
        1,
        "{shared:?}"
    );
    assert_eq!(
        shared.iter().filter(|s| **s == 409).count(),
        3,
        "{shared:?}"
    );
    for pair in statuses[20..].chunks(2) {
        assert_eq!(pair, [422, 201], "{statuses:?}");
    }

    // Every 201 is stored, readable and audited; nothing else was written.
    for reply in replies.iter().filter(|reply| reply.status == 201) {
        let id = reply.body["id"].as_str().unwrap();
        let kind = if reply.body.get("child_id").is_some() {
            "incident"
        } else {
            "child"
        };
        let path = format!(
            "/api/v1/{}/{id}",
            if kind == "child" {
                "children"
            } else {
                "incidents"
            }
        );
        let read = app.call(Method::GET, &path, &cast.worker_a, None).await;
        assert_eq!(read.status, 200, "{path}");
        assert_eq!(read.body["version"], 1);
        let audit = app
            .call(
                Method::GET,
                &format!("/api/v1/audit?record_type={kind}&record_id={id}&action=create"),
                &cast.admin,
                None,
            )
            .await;
        assert_eq!(audit.body["data"].as_array().unwrap().len(), 1, "{path}");
    }
    let children = app
        .call(
            Method::GET,
            "/api/v1/children?limit=500",
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(children.body["data"].as_array().unwrap().len(), 1 + 16 + 1);
    let incidents = app
        .call(
            Method::GET,
            "/api/v1/incidents?limit=500",
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(incidents.body["data"].as_array().unwrap().len(), 4);
}
