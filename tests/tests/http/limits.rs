//! Limits answer fast and cleanly instead of hurting the server.

use cpims_tests::TestApp;
use reqwest::Method;

#[tokio::test]
async fn hostile_bodies_and_paging_are_refused_without_a_server_error() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let nested = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let wide = format!("[{}1]", "1,".repeat(400_000));
    let oversized = format!("{{\"given_name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    for (what, body, allowed) in [
        ("deeply nested", nested, &[400_u16, 413, 422][..]),
        ("huge array", wide, &[413, 422][..]),
        ("over the body limit", oversized, &[413][..]),
    ] {
        let response = app
            .request(Method::POST, "/api/v1/children")
            .bearer_auth(&cast.worker_a)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!(allowed.contains(&status), "{what}: {status}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
    }
    for query in ["limit=501", "limit=0", "limit=-1", "limit=abc"] {
        let reply = app
            .call(
                Method::GET,
                &format!("/api/v1/children?{query}"),
                &cast.worker_a,
                None,
            )
            .await;
        assert_eq!(reply.status, 422, "{query}");
    }
    let listed = app
        .call(Method::GET, "/api/v1/children", &cast.admin, None)
        .await;
    assert!(
        listed.body["data"].as_array().unwrap().is_empty(),
        "nothing was written"
    );
    let headers = app
        .call(Method::GET, "/api/v1/me", &cast.worker_a, None)
        .await;
    assert_eq!(headers.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn a_runaway_statement_is_cancelled_as_unavailable_not_an_internal_error() {
    // Statement timeouts are PostgreSQL's; this runs in the suite's PostgreSQL pass.
    if cpims_tests::backend() != cpims_tests::Backend::Postgres {
        return;
    }
    use diesel::RunQueryDsl;
    let database = cpims_tests::TestDatabase::create();
    let target = cpims_db::DatabaseTarget::from_url(Some(&database.url)).unwrap();
    let settings = cpims_db::PoolSettings {
        statement_timeout: std::time::Duration::from_millis(200),
        ..cpims_db::PoolSettings::default()
    };
    let pool = cpims_db::build_pool(&target, &settings).unwrap();
    let mut connection = cpims_db::checkout(&pool).unwrap();
    let outcome = diesel::sql_query("SELECT pg_sleep(5)").execute(&mut *connection);
    let error = cpims_db::DbError::from(outcome.unwrap_err());
    assert!(
        matches!(error, cpims_db::DbError::Unavailable(_)),
        "{error:?}"
    );
    assert_eq!(
        diesel::sql_query("SELECT 1")
            .execute(&mut *connection)
            .unwrap(),
        1,
        "the connection is usable again"
    );
}
