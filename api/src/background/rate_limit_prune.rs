//! Pruning of the request rate-limit counters: every server deletes, on an interval, the counters
//! of windows that have ended, so the table holds about one row per client seen in the last window.
//! Several servers may all run it; a delete of rows already gone is harmless.

use std::sync::Weak;
use std::time::Duration;

use cpims_db::DbPool;

use crate::clock::Clock;

/// Starts the pruning on the current Tokio runtime; it stops once `alive` can no longer be upgraded.
/// Counters whose window started more than `longest_window` ago are deleted every `interval`.
pub fn spawn(
    pool: DbPool,
    clock: Clock,
    longest_window: chrono::Duration,
    interval: Duration,
    alive: Weak<()>,
) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(run(pool, clock, longest_window, interval, alive));
        }
        Err(_) => tracing::warn!("no async runtime: rate-limit pruning not started"),
    }
}

async fn run(
    pool: DbPool,
    clock: Clock,
    longest_window: chrono::Duration,
    interval: Duration,
    alive: Weak<()>,
) {
    loop {
        tokio::time::sleep(interval).await;
        if alive.upgrade().is_none() {
            return;
        }
        let pool = pool.clone();
        let older_than = clock
            .now()
            .checked_sub_signed(longest_window)
            .unwrap_or(chrono::NaiveDateTime::MIN);
        let pruned = tokio::task::spawn_blocking(move || {
            let mut connection = cpims_db::checkout(&pool)?;
            cpims_db::repo::rate_limits::prune(&mut connection, older_than)
        })
        .await;
        match pruned {
            Ok(Ok(rows)) => tracing::debug!(rows, "rate-limit counters pruned"),
            // Nothing is lost: the ended windows are pruned on the next pass.
            Ok(Err(error)) => tracing::debug!(%error, "rate-limit pruning failed"),
            Err(error) => tracing::warn!(%error, "rate-limit pruning panicked"),
        }
    }
}
