//! Group commit of single-record creates on SQLite. SQLite lets one transaction write at a time, so
//! with a transaction per request every create waits for the one before it to begin, work and
//! commit. Here concurrent creates are handed to one writer thread, which runs each in its own
//! savepoint of one shared transaction and commits once; every request is answered only after that
//! commit. A request whose work fails is rolled back to its savepoint alone, so it answers exactly
//! as it would have on its own. PostgreSQL runs writers side by side and does not use this.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use cpims_db::{AnyConnection, DbError, DbPool};

use crate::error::ApiError;

/// At most this many requests share one commit.
const MAX_REQUESTS_PER_COMMIT: usize = 64;

/// Tells a request how its batch ended: `None` once committed, else why it was not.
type Finish = Box<dyn FnOnce(Option<&DbError>) + Send>;

/// A request waiting for its write.
trait Job: Send {
    /// Runs the request's work in a savepoint of the batch's transaction.
    fn run(self: Box<Self>, connection: &mut AnyConnection) -> Finish;
    /// Answers a request whose work never ran.
    fn abandon(self: Box<Self>, error: &DbError);
}

struct Request<T, F> {
    work: F,
    done: tokio::sync::oneshot::Sender<Result<T, ApiError>>,
}

impl<T, F> Job for Request<T, F>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    fn run(self: Box<Self>, connection: &mut AnyConnection) -> Finish {
        let Request { work, done } = *self;
        let outcome = cpims_db::savepoint(connection, work);
        Box::new(move |failure: Option<&DbError>| {
            let reply = match failure {
                None => outcome,
                Some(error) => Err(batch_failure(error)),
            };
            // A request that gave up waiting has nobody to tell.
            let _ = done.send(reply);
        })
    }

    fn abandon(self: Box<Self>, error: &DbError) {
        let _ = self.done.send(Err(batch_failure(error)));
    }
}

/// The handle requests submit their writes through; cheap to clone.
#[derive(Clone)]
pub struct WriteBatcher {
    sender: mpsc::Sender<Box<dyn Job>>,
}

impl WriteBatcher {
    /// Starts the writer thread; it ends when the last handle is dropped.
    pub fn start(pool: DbPool) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("cpims-write-batch".to_owned())
            .spawn(move || write_batches(&pool, &receiver))?;
        Ok(WriteBatcher { sender })
    }

    /// Runs `work` in a savepoint of the next shared transaction and returns its outcome once that
    /// transaction has committed (or the reason it did not).
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let (done, finished) = tokio::sync::oneshot::channel();
        self.sender
            .send(Box::new(Request { work, done }))
            .map_err(|_| stopped())?;
        finished.await.map_err(|_| stopped())?
    }
}

fn stopped() -> ApiError {
    ApiError::Internal("the write batch writer has stopped".to_owned())
}

/// What a request answers when its batch was not committed: what its own failed commit would have.
fn batch_failure(error: &DbError) -> ApiError {
    match error {
        DbError::Unavailable(context) => ApiError::Unavailable(context.clone()),
        other => ApiError::Internal(other.to_string()),
    }
}

fn write_batches(pool: &DbPool, receiver: &mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = receiver.recv() {
        let mut waiting = VecDeque::from([first]);
        while waiting.len() < MAX_REQUESTS_PER_COMMIT {
            match receiver.try_recv() {
                Ok(next) => waiting.push_back(next),
                Err(_) => break,
            }
        }
        let mut finishes: Vec<Finish> = Vec::with_capacity(waiting.len());
        let outcome = cpims_db::checkout(pool).and_then(|mut connection| {
            cpims_db::write_transaction(&mut connection, |connection| {
                while let Some(job) = waiting.pop_front() {
                    // A panicking handler must not stop this thread, and with it every later
                    // create: the batch is rolled back and answered as failed instead (the pool
                    // discards a connection left inside a transaction).
                    match catch_unwind(AssertUnwindSafe(|| job.run(connection))) {
                        Ok(finish) => finishes.push(finish),
                        Err(_) => {
                            return Err(DbError::Internal("a batched write panicked".to_owned()))
                        }
                    }
                }
                Ok(())
            })
        });
        let failure = outcome.err();
        if let Some(error) = &failure {
            tracing::warn!(%error, requests = finishes.len() + waiting.len(), "batched writes not committed");
            for job in waiting.drain(..) {
                job.abandon(error);
            }
        }
        for finish in finishes {
            finish(failure.as_ref());
        }
    }
}
