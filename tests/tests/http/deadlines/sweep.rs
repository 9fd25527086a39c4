//! A critical referral left unanswered: overdue after four hours, its alert raised once though two
//! servers on one database sweep at the same moment.

use chrono::Duration;
use cpims_api::app::alerts::{sweep, SweepReport};
use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::json;

use super::{deadline, hold, incident_of, instant, pkt, read};
use crate::unit_of_work::{subscribe, webhook_settings, Feed};

async fn sweep_at(app: &TestApp) -> SweepReport {
    let (pool, time) = (app.state.pool.clone(), app.state.timekeeping());
    tokio::task::spawn_blocking(move || sweep(&pool, &time))
        .await
        .unwrap()
        .unwrap()
}

/// The deadline events queued for `subscription`, as (event, rule, record id).
async fn alerts(app: &TestApp, subscription: &str) -> Vec<(String, String, String)> {
    use cpims_db::repo::webhooks::webhook_outbox;
    use diesel::prelude::*;
    let pool = app.state.pool.clone();
    let subscription = subscription.to_owned();
    let payloads: Vec<String> = tokio::task::spawn_blocking(move || {
        let mut connection = cpims_db::checkout(&pool).unwrap();
        webhook_outbox::table
            .filter(webhook_outbox::subscription_id.eq(subscription))
            .filter(webhook_outbox::event_type.like("deadline.%"))
            .order(webhook_outbox::seq.asc())
            .select(webhook_outbox::payload)
            .load(&mut *connection)
            .unwrap()
    })
    .await
    .unwrap();
    payloads
        .iter()
        .map(|payload| {
            let event: serde_json::Value = serde_json::from_str(payload).unwrap();
            assert!(event.get("reason").is_none() && event.get("narrative").is_none());
            let text = |key: &str| event[key].as_str().unwrap().to_owned();
            (text("event"), text("rule"), text("record_id"))
        })
        .collect()
}

#[tokio::test]
async fn a_critical_referral_unanswered_for_four_hours_is_overdue_and_alerted_once_by_two_servers()
{
    let first = TestApp::spawn_with(&webhook_settings()).await;
    let second = TestApp::spawn_on(first.database.shared(), &webhook_settings()).await;
    let cast = first.cast().await;
    let hook = subscribe(
        &first,
        &cast.admin,
        &cast.cso,
        &["deadline.due_soon", "deadline.overdue"],
    )
    .await;
    for app in [&first, &second] {
        hold(app, "2026-03-02 10:00");
    }
    let incident = incident_of(
        &first,
        &cast.worker_a,
        "child_labour",
        "2026-03-01",
        "2026-03-02",
    )
    .await;
    let reply = first
        .call(
            Method::POST,
            "/api/v1/referrals",
            &cast.worker_a,
            Some(
                json!({"incident_id": incident["id"], "to_agency_id": cast.cso,
                        "service": "psychosocial", "urgency": "critical",
                        "reason": "Counselling needed"}),
            ),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let id = reply.body["id"].as_str().unwrap().to_owned();
    let response = deadline(&reply.body, "referral_response");
    assert_eq!(instant(&response["due_at"]), pkt("2026-03-02 14:00"));
    assert_eq!(response["state"], "open");

    assert_eq!(
        sweep_at(&first).await,
        SweepReport::default(),
        "nothing due yet"
    );
    for app in [&first, &second] {
        hold(app, "2026-03-02 13:00");
    }
    let soon = sweep_at(&second).await;
    assert_eq!(soon.due_soon, 1, "one hour's lead");
    assert_eq!(
        sweep_at(&first).await,
        SweepReport::default(),
        "raised once"
    );

    let mut receiver = Feed::new(&first, &cast.partner);
    receiver.next().await;
    for app in [&first, &second] {
        app.state.clock.advance(Duration::minutes(61));
    }
    let path = format!("/api/v1/referrals/{id}");
    let overdue = read(&first, &cast.partner, &path).await;
    assert_eq!(deadline(&overdue, "referral_response")["state"], "overdue");
    let (a, b) = tokio::join!(sweep_at(&first), sweep_at(&second));
    assert_eq!(
        a.overdue + b.overdue,
        1,
        "one alert between two servers: {a:?} {b:?}"
    );
    assert_eq!(sweep_at(&second).await.overdue, 0, "and never again");
    assert_eq!(
        alerts(&first, &hook).await,
        vec![
            (
                "deadline.due_soon".to_owned(),
                "referral_response".to_owned(),
                id.clone()
            ),
            (
                "deadline.overdue".to_owned(),
                "referral_response".to_owned(),
                id.clone()
            ),
        ]
    );
    let fed = receiver.next().await;
    assert!(
        fed.iter()
            .any(|(kind, record, _, _)| kind == "referral" && *record == id),
        "the overdue referral is on the receiver's feed: {fed:?}"
    );

    let version = overdue["version"].as_i64().unwrap();
    let accepted = first
        .call_if_match(
            Method::POST,
            &format!("{path}/transitions"),
            &cast.partner,
            version,
            json!({"status": "accepted"}),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(
        deadline(&accepted.body, "referral_response")["state"],
        "met_late"
    );
    assert_eq!(
        deadline(&accepted.body, "referral_completion")["state"],
        "not_applicable",
        "no due_by"
    );
}
