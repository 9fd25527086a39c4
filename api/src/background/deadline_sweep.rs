//! The deadline sweep between requests: every server sweeps on an interval; the claims in the
//! database keep several servers from raising an alert twice (see `app::alerts`).

use std::sync::{Arc, Weak};
use std::time::Duration;

use cpims_db::DbPool;
use cpims_domain::deadlines::Rule;

use crate::app::deadlines::Timekeeping;
use crate::clock::Clock;

/// Starts the sweep on the current Tokio runtime; it stops once `alive` can no longer be upgraded.
pub fn spawn(pool: DbPool, clock: Clock, rules: Arc<[Rule]>, interval: Duration, alive: Weak<()>) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(run(pool, clock, rules, interval, alive));
        }
        Err(_) => tracing::warn!("no async runtime: deadline sweep not started"),
    }
}

async fn run(pool: DbPool, clock: Clock, rules: Arc<[Rule]>, interval: Duration, alive: Weak<()>) {
    loop {
        tokio::time::sleep(interval).await;
        if alive.upgrade().is_none() {
            return;
        }
        let pool = pool.clone();
        let time = Timekeeping::new(clock.now(), rules.clone());
        let swept =
            tokio::task::spawn_blocking(move || crate::app::alerts::sweep(&pool, &time)).await;
        match swept {
            Ok(Ok(report)) if report.due_soon + report.overdue > 0 => {
                tracing::info!(
                    due_soon = report.due_soon,
                    overdue = report.overdue,
                    "deadline alerts raised"
                );
            }
            Ok(Ok(_)) => {}
            // Nothing is lost: the deadlines stay unclaimed until the next pass.
            Ok(Err(error)) => tracing::debug!(%error, "deadline sweep failed"),
            Err(error) => tracing::warn!(%error, "deadline sweep panicked"),
        }
    }
}
