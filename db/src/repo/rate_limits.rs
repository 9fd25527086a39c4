//! Fixed-window request counters per bucket (what is limited, e.g. `public_complaint`) and client
//! (a keyed hash of the client's address), kept in the database so that every server instance sharing
//! it enforces the same limit.
//!
//! Each hit runs in a write transaction as conditional updates, which PostgreSQL re-checks against the
//! latest row after waiting for a concurrent writer's lock (and SQLite runs one writer at a time), so
//! concurrent hits from several instances never count past the limit. The first hit of a client
//! inserts the row under a savepoint, so a concurrent first insert is retried as an update instead of
//! aborting the transaction.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;

diesel::table! {
    request_rate_limits (bucket, client) {
        bucket -> Text,
        client -> Text,
        window_started_at -> Timestamp,
        hits -> Integer,
    }
}

/// How many hits a client may make per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatePolicy {
    pub limit: u32,
    pub window: Duration,
}

/// Whether a hit is let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    /// Over the limit: the window ends in `retry_after_secs` seconds (at least 1).
    Limited {
        retry_after_secs: u64,
    },
}

/// Counts a hit of `client` against `bucket` at `now`. A window starts at a client's first hit and
/// lasts `policy.window`; within it the first `policy.limit` hits are allowed and the rest refused
/// (refused hits are not counted and do not move the window). Runs its own write transaction (a
/// savepoint when called inside one).
pub fn hit(
    connection: &mut AnyConnection,
    bucket: &str,
    client: &str,
    now: NaiveDateTime,
    policy: &RatePolicy,
) -> Result<RateDecision, DbError> {
    let window = policy.window.max(Duration::seconds(1));
    if policy.limit == 0 {
        return Ok(limited(now, window, now));
    }
    let limit = i32::try_from(policy.limit).unwrap_or(i32::MAX);
    crate::transaction::write_transaction(connection, |connection| {
        // A counter is not worth a disk flush: a hit lost in a crash lets one request more through.
        if matches!(connection, AnyConnection::Postgresql(_)) {
            diesel::sql_query("SET LOCAL synchronous_commit TO OFF").execute(connection)?;
        }
        if let Some(decision) = count(connection, bucket, client, now, window, limit)? {
            return Ok(decision);
        }
        let inserted = crate::transaction::savepoint(connection, |connection| {
            diesel::insert_into(request_rate_limits::table)
                .values((
                    request_rate_limits::bucket.eq(bucket),
                    request_rate_limits::client.eq(client),
                    request_rate_limits::window_started_at.eq(now),
                    request_rate_limits::hits.eq(1),
                ))
                .execute(connection)
                .map_err(DbError::from)
        });
        match inserted {
            Ok(_) => Ok(RateDecision::Allowed),
            // Another instance counted this client's first hit in between: count against its row.
            Err(DbError::Duplicate(_)) => count(connection, bucket, client, now, window, limit)?
                .ok_or_else(|| DbError::Internal("a rate-limit row vanished".to_owned())),
            Err(other) => Err(other),
        }
    })
}

/// Counts a hit against an existing row; `None` when the client has no row yet.
fn count(
    connection: &mut AnyConnection,
    bucket: &str,
    client: &str,
    now: NaiveDateTime,
    window: Duration,
    limit: i32,
) -> Result<Option<RateDecision>, DbError> {
    // A window that started at or before this instant has ended.
    let ended_by = now.checked_sub_signed(window).unwrap_or(NaiveDateTime::MIN);
    let row = request_rate_limits::table
        .filter(request_rate_limits::bucket.eq(bucket))
        .filter(request_rate_limits::client.eq(client));
    // An UPDATE and the SELECT after it see different snapshots on PostgreSQL: a first hit committed
    // in between shows up only in the SELECT. Such a row, still under its limit, is counted again
    // rather than taken for a full window.
    for _ in 0..3 {
        let restarted =
            diesel::update(row.filter(request_rate_limits::window_started_at.le(ended_by)))
                .set((
                    request_rate_limits::window_started_at.eq(now),
                    request_rate_limits::hits.eq(1),
                ))
                .execute(connection)?;
        if restarted > 0 {
            return Ok(Some(RateDecision::Allowed));
        }
        let counted = diesel::update(
            row.filter(request_rate_limits::window_started_at.gt(ended_by))
                .filter(request_rate_limits::hits.lt(limit)),
        )
        .set(request_rate_limits::hits.eq(request_rate_limits::hits + 1))
        .execute(connection)?;
        if counted > 0 {
            return Ok(Some(RateDecision::Allowed));
        }
        let stored: Option<(NaiveDateTime, i32)> = row
            .select((
                request_rate_limits::window_started_at,
                request_rate_limits::hits,
            ))
            .first(connection)
            .optional()?;
        match stored {
            None => return Ok(None),
            Some((started, hits)) if started > ended_by && hits >= limit => {
                return Ok(Some(limited(started, window, now)));
            }
            Some(_) => continue,
        }
    }
    Err(DbError::Internal(
        "a rate-limit row kept changing under three attempts to count a hit".to_owned(),
    ))
}

fn limited(started: NaiveDateTime, window: Duration, now: NaiveDateTime) -> RateDecision {
    let window_ends = started
        .checked_add_signed(window)
        .unwrap_or(NaiveDateTime::MAX);
    let left_ms = window_ends
        .signed_duration_since(now)
        .num_milliseconds()
        .max(0);
    let seconds = left_ms.saturating_add(999) / 1000;
    RateDecision::Limited {
        retry_after_secs: u64::try_from(seconds).unwrap_or(1).max(1),
    }
}

/// Deletes the counters of windows that started before `older_than` (call it with `now` minus the
/// longest window in use, so only ended windows go); returns how many rows were deleted.
pub fn prune(connection: &mut AnyConnection, older_than: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(
        request_rate_limits::table.filter(request_rate_limits::window_started_at.lt(older_than)),
    )
    .execute(connection)?)
}
