//! No delivery is lost across a restart: a second server on the same database delivers the outbox.

use std::net::TcpListener;

use actix_web::dev::ServerHandle;
use cpims_api::config::Config;
use cpims_api::state::AppState;
use cpims_tests::{TestApp, TestDatabase, TEST_DATA_KEY, TEST_INDEX_KEY, TEST_JWT_SECRET};
use serde_json::Value;

use super::receiver::Receiver;
use super::{delivered, settings, subscribe};

/// Starts a server over an existing database; returns its state, address and stop handle.
async fn start_on(url: &str) -> (AppState, String, ServerHandle) {
    let mut pairs: Vec<(String, String)> = vec![
        ("DATABASE_URL".into(), url.to_owned()),
        ("CPIMS_JWT_SECRET".into(), TEST_JWT_SECRET.into()),
        ("CPIMS_DATA_KEY".into(), TEST_DATA_KEY.into()),
        ("CPIMS_INDEX_KEY".into(), TEST_INDEX_KEY.into()),
        ("CPIMS_WORKERS".into(), "1".into()),
    ];
    pairs.extend(
        settings()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let config =
        Config::from_lookup(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
            .unwrap();
    let state = tokio::task::spawn_blocking(move || cpims_api::server::prepare_state(config))
        .await
        .unwrap()
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = cpims_api::server::serve(state.clone(), listener).unwrap();
    let handle = server.handle();
    tokio::spawn(server);
    (state, format!("http://127.0.0.1:{port}"), handle)
}

#[tokio::test]
async fn events_left_in_the_outbox_are_delivered_by_the_next_server() {
    let receiver = Receiver::start();
    receiver.fail(true);
    let database = TestDatabase::create();
    let url = database.url.clone();
    let (state, address, first) = start_on(&url).await;
    let app = TestApp {
        address,
        client: reqwest::Client::new(),
        state,
        database,
    };
    let cast = app.cast().await;
    let subscription = subscribe(
        &app,
        &cast.admin,
        format!("{}/bureau", receiver.base),
        &cast.bureau_a,
        &["referral.created"],
    )
    .await;
    let child = app.create_child(&cast.worker_a, "Zarmina").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let referral = app
        .create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
        .await;
    receiver
        .wait_for("/bureau", "a failed first attempt", |hits| !hits.is_empty())
        .await;
    first.stop(true).await;

    receiver.fail(false);
    let (_state, second_address, second) = start_on(&url).await;
    let hits = receiver
        .wait_for("/bureau", "delivery by the second server", |hits| {
            !delivered(hits).is_empty()
        })
        .await;
    let ok = delivered(&hits);
    assert_eq!(ok[0].body["record_id"], referral["id"]);
    assert!(ok[0].signature_valid);
    let log = app
        .client
        .get(format!(
            "{second_address}/api/v1/webhooks/{}/deliveries",
            subscription["id"].as_str().unwrap()
        ))
        .bearer_auth(&cast.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(log.status(), 200);
    let log: Value = log.json().await.unwrap();
    assert!(log["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["succeeded"] == true));
    second.stop(true).await;
}
