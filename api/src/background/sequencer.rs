//! The background sequencer: every server settles pending audit entries and change-feed entries
//! shortly after they commit, so the chain and the feed stay current even when nobody reads them.
//! Several servers on one database may all run it; the head-row locks keep them from colliding.

use std::sync::Weak;
use std::time::Duration;

use cpims_db::DbPool;

/// Starts the sequencer on the current Tokio runtime; it stops once `alive` can no longer be upgraded.
pub fn spawn(pool: DbPool, interval: Duration, alive: Weak<()>) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(run(pool, interval, alive));
        }
        Err(_) => tracing::warn!("no async runtime: background sequencer not started"),
    }
}

async fn run(pool: DbPool, interval: Duration, alive: Weak<()>) {
    loop {
        if alive.upgrade().is_none() {
            return;
        }
        let pool_for_work = pool.clone();
        let settled = tokio::task::spawn_blocking(move || {
            let mut connection = cpims_db::checkout(&pool_for_work)?;
            cpims_db::repo::sequencer::settle(&mut connection)
        })
        .await;
        match settled {
            Ok(Ok(_)) => {}
            // Readers settle before they read, so a pass missed while the database is away loses
            // nothing: the entries wait in the inbox.
            Ok(Err(error)) => tracing::debug!(%error, "background sequencing pass failed"),
            Err(error) => tracing::warn!(%error, "background sequencing pass panicked"),
        }
        tokio::time::sleep(interval).await;
    }
}
