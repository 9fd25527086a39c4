//! Statistics queries: what is refused, and the two forms a list parameter may take.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn bad_statistics_queries_are_422() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    for query in [
        "group_by=colour",
        "group_by=province,province",
        "group_by=province,sex,year,month,status",
        "group_by=",
        "group_by=province,,sex",
        "group_by=province,%20sex",
        "province=Atlantis",
        "district=Lahore' OR '1'='1",
        "date_field=created_at",
        "from=2025-01-01&to=2024-01-01",
        "nonsense=1",
    ] {
        let reply = app
            .call(
                Method::GET,
                &format!("/api/v1/stats/incidents?{query}"),
                &cast.analyst,
                None,
            )
            .await;
        assert_eq!(reply.status, 422, "{query}: {}", reply.body);
    }
}

#[tokio::test]
async fn group_by_may_repeat_as_generated_clients_send_arrays() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Grouped").await;
    app.create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    for path in ["incidents", "referrals"] {
        let dimension = if path == "incidents" {
            "category"
        } else {
            "service"
        };
        let get = |query: String| {
            let app = &app;
            let admin = cast.admin.clone();
            async move {
                app.call(
                    Method::GET,
                    &format!("/api/v1/stats/{path}?{query}"),
                    &admin,
                    None,
                )
                .await
            }
        };
        let comma = get(format!("group_by=province,{dimension}")).await;
        let repeated = get(format!("group_by=province&group_by={dimension}")).await;
        assert_eq!(comma.status, 200, "{}", comma.body);
        assert_eq!(repeated.status, 200, "{}", repeated.body);
        assert_eq!(repeated.body["group_by"], json!(["province", dimension]));
        assert_eq!(repeated.body["rows"], comma.body["rows"]);
        let twice = get("group_by=province&group_by=province".to_owned()).await;
        assert_eq!(twice.status, 422, "a repeated dimension: {}", twice.body);
        let other = get("province=Punjab&province=Sindh".to_owned()).await;
        assert_eq!(other.status, 422, "filters take one value: {}", other.body);
    }
}
