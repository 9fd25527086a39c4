//! The change feed: commit order without gaps under concurrent writers, scoped audiences, tombstones.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

type Seen = Vec<(String, String, i64, String)>;

/// Reads the feed from `cursor` until a page comes back empty; returns the items and the new cursor.
async fn drain(
    app: &TestApp,
    token: &str,
    mut cursor: Option<String>,
    seen: &mut Seen,
) -> Option<String> {
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/sync/changes?limit=7&since={cursor}"),
            None => "/api/v1/sync/changes?limit=7".to_owned(),
        };
        let page = app.call(Method::GET, &path, token, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let data = page.body["data"].as_array().unwrap();
        for item in data {
            seen.push((
                item["record_type"].as_str().unwrap().to_owned(),
                item["id"].as_str().unwrap().to_owned(),
                item["version"].as_i64().unwrap(),
                item["change"].as_str().unwrap().to_owned(),
            ));
        }
        cursor = page.body["next_cursor"].as_str().map(str::to_owned);
        if data.is_empty() {
            return cursor;
        }
    }
}

#[tokio::test]
async fn a_reader_following_the_feed_sees_every_committed_change_exactly_once() {
    let app = TestApp::spawn_with(&[("CPIMS_WORKERS", "4"), ("CPIMS_DB_POOL_SIZE", "12")]).await;
    let cast = app.cast().await;
    let writers_done = AtomicBool::new(false);
    let writers = async {
        let mut created = Vec::new();
        for round in 0..6 {
            let batch = (0..5).map(|index| {
                app.create_child(
                    &cast.worker_a,
                    if (round + index) % 2 == 0 { "A" } else { "B" },
                )
            });
            for child in futures_util::future::join_all(batch).await {
                created.push(child["id"].as_str().unwrap().to_owned());
            }
            let paths: Vec<String> = created
                .iter()
                .rev()
                .take(2)
                .map(|id| format!("/api/v1/children/{id}"))
                .collect();
            let updates = paths.iter().map(|path| {
                app.call_if_match(
                    Method::PATCH,
                    path,
                    &cast.sync_a,
                    1,
                    json!({"disability": true}),
                )
            });
            for reply in futures_util::future::join_all(updates).await {
                assert_eq!(reply.status, 200);
            }
        }
        writers_done.store(true, Ordering::SeqCst);
        created
    };
    let reader = async {
        let mut seen = Seen::new();
        let mut cursor = None;
        while !writers_done.load(Ordering::SeqCst) {
            cursor = drain(&app, &cast.sync_a, cursor, &mut seen).await;
            tokio::task::yield_now().await;
        }
        (seen, cursor)
    };
    let (created, (mut seen, cursor)) = tokio::join!(writers, reader);
    drain(&app, &cast.sync_a, cursor, &mut seen).await;

    let mut expected: BTreeSet<(String, String, i64)> = created
        .iter()
        .map(|id| ("child".to_owned(), id.clone(), 1))
        .collect();
    for round in 0..6 {
        for id in created[..(round + 1) * 5].iter().rev().take(2) {
            expected.insert(("child".to_owned(), id.clone(), 2));
        }
    }
    let mut counts: BTreeMap<(String, String, i64), usize> = BTreeMap::new();
    for (kind, id, version, _) in &seen {
        *counts
            .entry((kind.clone(), id.clone(), *version))
            .or_default() += 1;
    }
    assert!(
        counts.values().all(|n| *n == 1),
        "every change exactly once: {counts:?}"
    );
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), expected);
}

#[tokio::test]
async fn the_feed_follows_referral_grants_with_upserts_and_tombstones() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Mahnoor").await;
    let incident = app
        .create_incident(&cast.worker_a, child["id"].as_str().unwrap())
        .await;
    let mut partner_seen = Seen::new();
    let cursor = drain(&app, &cast.partner, None, &mut partner_seen).await;
    assert!(partner_seen.is_empty(), "nothing referred yet");

    let referral = app
        .create_referral(&cast.worker_a, incident["id"].as_str().unwrap(), &cast.cso)
        .await;
    let cursor = drain(&app, &cast.partner, cursor, &mut partner_seen).await;
    let kinds: BTreeSet<(String, String)> = partner_seen
        .iter()
        .map(|(k, _, _, c)| (k.clone(), c.clone()))
        .collect();
    let upserts: BTreeSet<(String, String)> = ["child", "incident", "referral"]
        .iter()
        .map(|k| ((*k).to_owned(), "upsert".to_owned()))
        .collect();
    assert_eq!(
        kinds, upserts,
        "the CSO receives the referral and the child and incident it grants"
    );

    let path = format!(
        "/api/v1/referrals/{}/transitions",
        referral["id"].as_str().unwrap()
    );
    assert_eq!(
        app.call_if_match(
            Method::POST,
            &path,
            &cast.worker_a,
            1,
            json!({"status": "cancelled"})
        )
        .await
        .status,
        200
    );
    let mut after_cancel = Seen::new();
    drain(&app, &cast.partner, cursor, &mut after_cancel).await;
    let kinds: BTreeSet<(String, String)> = after_cancel
        .iter()
        .map(|(k, _, _, c)| (k.clone(), c.clone()))
        .collect();
    let tombstones: BTreeSet<(String, String)> = ["child", "incident", "referral"]
        .iter()
        .map(|k| ((*k).to_owned(), "tombstone".to_owned()))
        .collect();
    assert_eq!(
        kinds, tombstones,
        "a cancelled referral leaves the CSO's scope with all it granted"
    );

    let mut outsider = Seen::new();
    drain(&app, &cast.worker_b, None, &mut outsider).await;
    assert!(outsider.is_empty(), "another bureau sees none of it");
    let mut owner = Seen::new();
    drain(&app, &cast.worker_a, None, &mut owner).await;
    assert!(
        owner.iter().all(|(_, _, _, change)| change == "upsert"),
        "the owner keeps seeing its records"
    );
    let page = app
        .call(Method::GET, "/api/v1/sync/changes", &cast.worker_a, None)
        .await;
    let record: &Value = &page.body["data"][0]["record"];
    assert_eq!(
        record["id"], child["id"],
        "items carry the record as the caller may see it"
    );
    assert_eq!(
        app.call(Method::GET, "/api/v1/sync/changes", &cast.analyst, None)
            .await
            .status,
        403
    );
    assert_eq!(
        app.call(
            Method::GET,
            "/api/v1/sync/changes?since=bogus",
            &cast.worker_a,
            None
        )
        .await
        .status,
        422
    );
}

#[tokio::test]
async fn deletions_reach_the_feed_as_tombstones() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Nimra").await;
    let id = child["id"].as_str().unwrap();
    assert_eq!(
        app.call_if_match(
            Method::DELETE,
            &format!("/api/v1/children/{id}"),
            &cast.worker_a,
            1,
            json!({})
        )
        .await
        .status,
        204
    );
    let mut seen = Seen::new();
    drain(&app, &cast.sync_a, None, &mut seen).await;
    assert_eq!(
        seen,
        vec![
            ("child".to_owned(), id.to_owned(), 1, "tombstone".to_owned()),
            ("child".to_owned(), id.to_owned(), 2, "tombstone".to_owned())
        ],
        "the create is no longer visible and the delete is a tombstone"
    );
}
