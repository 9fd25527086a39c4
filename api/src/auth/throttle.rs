//! Login throttling: repeated failures for one username or from one address lock further attempts
//! for a while (429 with `Retry-After`), and password hashing runs under a small concurrency limit
//! so a login flood cannot take every core from other requests.

use std::sync::Arc;

use cpims_db::repo::login_throttle::{self, ThrottlePolicy};
use cpims_db::DbPool;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// The throttling policy and the permits for password hashing, shared by all workers.
#[derive(Clone, Debug)]
pub struct LoginGuard {
    pub policy: ThrottlePolicy,
    hashers: Arc<Semaphore>,
}

impl LoginGuard {
    pub fn new(policy: ThrottlePolicy, concurrent_hashes: usize) -> Self {
        Self {
            policy,
            hashers: Arc::new(Semaphore::new(concurrent_hashes.max(1))),
        }
    }

    /// Runs CPU-heavy password work on the blocking pool, at most the configured number at a time.
    pub async fn hash_work<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit =
            self.hashers.acquire().await.map_err(|_| {
                ApiError::Unavailable("password hashing is shutting down".to_owned())
            })?;
        Ok(actix_web::web::block(work).await?)
    }
}

/// The throttling subjects of a login attempt.
pub fn subjects(username: &str, address: Option<&str>) -> Vec<String> {
    let mut subjects = vec![format!("user:{username}")];
    if let Some(address) = address {
        subjects.push(format!("addr:{address}"));
    }
    subjects
}

/// Refuses with 429 while any subject is locked.
pub fn refuse_if_locked(pool: &DbPool, subjects: &[String]) -> Result<(), ApiError> {
    let mut connection = cpims_db::checkout(pool)?;
    let now = cpims_db::page::now();
    match login_throttle::locked_until(&mut connection, subjects, now)? {
        Some(until) => {
            let seconds = (until - now).num_seconds().max(1);
            Err(ApiError::TooManyRequests {
                retry_after_secs: u64::try_from(seconds).unwrap_or(1),
            })
        }
        None => Ok(()),
    }
}

/// How many more failures an address may make than a username before it is locked: many people can
/// share one address (an office, a mobile carrier's NAT), so one person's typos must not lock them all.
const ADDRESS_ALLOWANCE: i32 = 4;

/// Counts a failed attempt against every subject.
pub fn record_failure(
    pool: &DbPool,
    policy: &ThrottlePolicy,
    subjects: &[String],
) -> Result<(), ApiError> {
    let mut connection = cpims_db::checkout(pool)?;
    let now = cpims_db::page::now();
    let address_policy = ThrottlePolicy {
        max_failures: policy.max_failures.saturating_mul(ADDRESS_ALLOWANCE),
        ..*policy
    };
    cpims_db::write_transaction(&mut connection, |connection| {
        for subject in subjects {
            let policy = if subject.starts_with("addr:") {
                &address_policy
            } else {
                policy
            };
            login_throttle::record_failure(connection, subject, now, policy)?;
        }
        Ok(())
    })
}

/// Forgets the username's failures after a successful login (the address keeps its count: one address
/// guessing many accounts stays throttled).
pub fn record_success(pool: &DbPool, username_subject: &str) -> Result<(), ApiError> {
    let mut connection = cpims_db::checkout(pool)?;
    Ok(login_throttle::clear(&mut connection, username_subject)?)
}
