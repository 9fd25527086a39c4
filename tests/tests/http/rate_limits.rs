//! The database-kept request counters (`cpims_db::repo::rate_limits`) against the backend under test:
//! fixed windows per bucket and client, shared by every connection (so by every server instance).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use cpims_db::repo::rate_limits::{self, RateDecision, RatePolicy};
use cpims_db::{DatabaseTarget, DbPool, PoolSettings};
use cpims_tests::{TestApp, TestDatabase};

const POLICY: RatePolicy = RatePolicy {
    limit: 20,
    window: Duration::seconds(3_600),
};

fn migrated_pool(database: &TestDatabase) -> DbPool {
    let target = DatabaseTarget::from_url(Some(&database.url)).unwrap();
    let settings = PoolSettings {
        max_size: 6,
        ..PoolSettings::default()
    };
    let pool = cpims_db::build_pool(&target, &settings).unwrap();
    let mut connection = cpims_db::checkout(&pool).unwrap();
    cpims_db::migrate::run_pending_migrations(&mut connection).unwrap();
    pool
}

fn noon() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 3)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

fn hit(pool: &DbPool, bucket: &str, client: &str, now: NaiveDateTime) -> RateDecision {
    let mut connection = cpims_db::checkout(pool).unwrap();
    rate_limits::hit(&mut connection, bucket, client, now, &POLICY).unwrap()
}

#[test]
fn twenty_hits_a_window_then_refused_until_the_window_ends() {
    let database = TestDatabase::create();
    let pool = migrated_pool(&database);
    let start = noon();
    for n in 0..20 {
        let at = start + Duration::seconds(n * 60);
        assert_eq!(
            hit(&pool, "public_complaint", "client-a", at),
            RateDecision::Allowed,
            "hit {}",
            n + 1
        );
    }
    // The 21st, 30 minutes into the window: refused until the window's end, 30 minutes away.
    let refused_at = start + Duration::minutes(30);
    assert_eq!(
        hit(&pool, "public_complaint", "client-a", refused_at),
        RateDecision::Limited {
            retry_after_secs: 1_800
        }
    );
    // Refused hits do not move the window: later in it, less time is left.
    let later = start + Duration::minutes(59) + Duration::milliseconds(30_500);
    assert_eq!(
        hit(&pool, "public_complaint", "client-a", later),
        RateDecision::Limited {
            retry_after_secs: 30
        }
    );
    // Another client, and the same client on another bucket, count on their own.
    assert_eq!(
        hit(&pool, "public_complaint", "client-b", refused_at),
        RateDecision::Allowed
    );
    assert_eq!(
        hit(&pool, "public_status", "client-a", refused_at),
        RateDecision::Allowed
    );
    // The window ends an hour after its first hit; the next hit starts a new one.
    let next_window = start + Duration::minutes(60);
    for n in 0..20 {
        assert_eq!(
            hit(&pool, "public_complaint", "client-a", next_window),
            RateDecision::Allowed,
            "hit {} of the new window",
            n + 1
        );
    }
    match hit(&pool, "public_complaint", "client-a", next_window) {
        RateDecision::Limited { retry_after_secs } => {
            assert!(
                (1..=3_600).contains(&retry_after_secs),
                "{retry_after_secs}"
            )
        }
        RateDecision::Allowed => panic!("the new window has its limit too"),
    }
}

#[test]
fn a_second_bucket_is_independent_of_a_full_first() {
    let database = TestDatabase::create();
    let pool = migrated_pool(&database);
    let now = noon();
    for _ in 0..20 {
        assert_eq!(hit(&pool, "first", "client", now), RateDecision::Allowed);
    }
    assert!(matches!(
        hit(&pool, "first", "client", now),
        RateDecision::Limited { .. }
    ));
    for _ in 0..20 {
        assert_eq!(hit(&pool, "second", "client", now), RateDecision::Allowed);
    }
    assert!(matches!(
        hit(&pool, "second", "client", now),
        RateDecision::Limited { .. }
    ));
}

#[test]
fn concurrent_hits_from_many_connections_never_pass_the_limit() {
    let database = TestDatabase::create();
    let pool = migrated_pool(&database);
    let now = noon();
    // Six connections, as six server instances would, each racing to the same client's first hit.
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                (0..6)
                    .filter(|_| hit(&pool, "public_status", "crowd", now) == RateDecision::Allowed)
                    .count()
            })
        })
        .collect();
    let allowed: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(allowed, 20, "36 hits, exactly the limit of 20 allowed");
}

#[test]
fn pruning_deletes_only_ended_windows() {
    let database = TestDatabase::create();
    let pool = migrated_pool(&database);
    let start = noon();
    hit(&pool, "public_status", "old", start);
    hit(&pool, "public_status", "new", start + Duration::minutes(90));
    let mut connection = cpims_db::checkout(&pool).unwrap();
    let pruned = rate_limits::prune(
        &mut connection,
        start + Duration::minutes(90) - POLICY.window,
    )
    .unwrap();
    assert_eq!(pruned, 1);
    drop(connection);
    // The pruned client starts afresh; the kept one still has its count (19 more, then refused).
    for _ in 0..19 {
        assert_eq!(
            hit(&pool, "public_status", "new", start + Duration::minutes(91)),
            RateDecision::Allowed
        );
    }
    assert!(matches!(
        hit(&pool, "public_status", "new", start + Duration::minutes(91)),
        RateDecision::Limited { .. }
    ));
}

#[tokio::test]
async fn enforce_counts_each_forwarded_client_under_a_hash_and_answers_429() {
    use actix_web::test::TestRequest;
    use cpims_api::error::ApiError;
    use cpims_api::rate_limit::enforce;
    use diesel::{QueryDsl, RunQueryDsl};

    let app = TestApp::spawn_with(&[
        ("CPIMS_TRUSTED_PROXIES", "127.0.0.1"),
        ("CPIMS_PUBLIC_STATUS_LIMIT", "2"),
    ])
    .await;
    let state = actix_web::web::Data::new(app.state.clone());
    let policy = state.config.public_limits.status;
    let from = |client: &str| {
        TestRequest::default()
            .peer_addr("127.0.0.1:40000".parse().unwrap())
            .insert_header(("x-forwarded-for", client))
            .to_http_request()
    };
    for _ in 0..2 {
        enforce(&state, &from("203.0.113.1"), "public_status", policy)
            .await
            .unwrap();
    }
    match enforce(&state, &from("203.0.113.1"), "public_status", policy).await {
        Err(ApiError::TooManyRequests { retry_after_secs }) => {
            assert!(
                (1..=3_600).contains(&retry_after_secs),
                "{retry_after_secs}"
            )
        }
        other => panic!("the third check is refused: {other:?}"),
    }
    enforce(&state, &from("203.0.113.2"), "public_status", policy)
        .await
        .unwrap();
    // Addresses are not stored, only their keyed hashes.
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    let clients: Vec<String> = rate_limits::request_rate_limits::table
        .select(rate_limits::request_rate_limits::client)
        .load(&mut connection)
        .unwrap();
    drop(connection);
    assert_eq!(clients.len(), 2);
    assert!(clients
        .iter()
        .all(|c| c.len() == 64 && !c.contains("203.0")));
    // A new window an hour later.
    app.state.clock.advance(Duration::hours(1));
    enforce(&state, &from("203.0.113.1"), "public_status", policy)
        .await
        .unwrap();
}
