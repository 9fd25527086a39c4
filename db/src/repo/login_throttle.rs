//! Failed-login counters and account locks, per subject (`user:<name>` or `addr:<ip>`).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;

diesel::table! {
    login_throttle (subject) {
        subject -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

/// When failures lock a subject out, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub max_failures: i32,
    pub window: Duration,
    pub lock: Duration,
}

/// The latest time until which any of the subjects is locked, if one is locked at `now`.
pub fn locked_until(
    connection: &mut AnyConnection,
    subjects: &[String],
    now: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, DbError> {
    let locks: Vec<Option<NaiveDateTime>> = login_throttle::table
        .filter(login_throttle::subject.eq_any(subjects))
        .select(login_throttle::locked_until)
        .load(connection)?;
    Ok(locks
        .into_iter()
        .flatten()
        .filter(|until| *until > now)
        .max())
}

/// Counts a failure against a subject; call inside a write transaction. Returns the lock it caused.
pub fn record_failure(
    connection: &mut AnyConnection,
    subject: &str,
    now: NaiveDateTime,
    policy: &ThrottlePolicy,
) -> Result<Option<NaiveDateTime>, DbError> {
    let existing: Option<(i32, NaiveDateTime)> = login_throttle::table
        .find(subject)
        .select((login_throttle::failures, login_throttle::window_started_at))
        .first(connection)
        .optional()?;
    let (failures, window_started_at) = match existing {
        Some((failures, started)) if started + policy.window > now => (failures + 1, started),
        _ => (1, now),
    };
    let locked_until = (failures >= policy.max_failures).then(|| now + policy.lock);
    let values = (
        login_throttle::failures.eq(failures),
        login_throttle::window_started_at.eq(window_started_at),
        login_throttle::locked_until.eq(locked_until),
    );
    let changed = diesel::update(login_throttle::table.find(subject))
        .set(values)
        .execute(connection)?;
    if changed == 0 {
        // A concurrent first failure may insert the row between our update and insert; the savepoint
        // keeps that race from aborting the whole transaction on PostgreSQL.
        let inserted = crate::transaction::savepoint(connection, |connection| {
            diesel::insert_into(login_throttle::table)
                .values((login_throttle::subject.eq(subject), values))
                .execute(connection)
                .map_err(DbError::from)
        });
        match inserted {
            Err(DbError::Duplicate(_)) => {
                diesel::update(login_throttle::table.find(subject))
                    .set(values)
                    .execute(connection)?;
            }
            other => {
                other?;
            }
        }
    }
    Ok(locked_until)
}

/// Forgets a subject's failures (after a successful login).
pub fn clear(connection: &mut AnyConnection, subject: &str) -> Result<(), DbError> {
    diesel::delete(login_throttle::table.find(subject)).execute(connection)?;
    Ok(())
}
