//! Group commit of read audit entries: a read's entries are handed to one writer thread, which
//! appends everything that arrived meanwhile in a single INSERT and COMMIT and then releases each
//! waiting request. A read is answered only after its entry is durable, but concurrent reads share one
//! commit instead of each paying for its own.

use std::sync::mpsc;

use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::DbPool;

use crate::error::ApiError;

/// Entries of this many requests at most go into one commit.
const MAX_REQUESTS_PER_COMMIT: usize = 512;

struct Pending {
    events: Vec<AuditEvent>,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// The handle requests record their read entries through; cheap to clone.
#[derive(Clone)]
pub struct AuditBatcher {
    sender: mpsc::Sender<Pending>,
}

impl AuditBatcher {
    /// Starts the writer thread; it ends when the last handle is dropped.
    pub fn start(pool: DbPool) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::channel::<Pending>();
        std::thread::Builder::new()
            .name("cpims-audit-batch".to_owned())
            .spawn(move || write_batches(&pool, &receiver))?;
        Ok(AuditBatcher { sender })
    }

    /// Returns once `events` are committed (to the audit inbox, chained shortly after).
    pub async fn record(&self, events: Vec<AuditEvent>) -> Result<(), ApiError> {
        if events.is_empty() {
            return Ok(());
        }
        let (done, committed) = tokio::sync::oneshot::channel();
        self.sender
            .send(Pending { events, done })
            .map_err(|_| ApiError::Internal("the audit writer has stopped".to_owned()))?;
        match committed.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(cpims_db::DbError::Unavailable(message).into()),
            Err(_) => Err(ApiError::Internal(
                "the audit writer has stopped".to_owned(),
            )),
        }
    }
}

fn write_batches(pool: &DbPool, receiver: &mpsc::Receiver<Pending>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_REQUESTS_PER_COMMIT {
            match receiver.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let events: Vec<AuditEvent> = batch
            .iter()
            .flat_map(|pending| pending.events.iter().cloned())
            .collect();
        let outcome = cpims_db::checkout(pool).and_then(|mut connection| {
            cpims_db::write_transaction(&mut connection, |connection| {
                audit::append(connection, &events)
            })
        });
        let outcome = outcome.map_err(|error| {
            tracing::warn!(%error, entries = events.len(), "read audit entries not committed");
            error.to_string()
        });
        for pending in batch {
            // A request that gave up waiting has nobody to tell.
            let _ = pending.done.send(outcome.clone());
        }
    }
}
