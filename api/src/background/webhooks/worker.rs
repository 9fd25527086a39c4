//! The webhook delivery worker: a background task inside the server that claims due outbox rows,
//! POSTs each signed event to its subscription's URL, records every attempt and backs off
//! exponentially after a failure, giving up after the configured number of attempts.
//!
//! It runs while the server does: it holds a weak reference to a token owned by the server's app
//! factory and stops at its next poll once the server (and so the token) is gone.

use std::sync::Weak;
use std::time::{Duration, Instant};

use cpims_db::repo::webhook_outbox::{self, AttemptOutcome, Claimed};
use cpims_db::DbPool;

use super::signature::{sign, EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::config::Config;

/// How long one delivery may take before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claim keeps other workers off a row: longer than any delivery can take.
const LEASE: Duration = Duration::from_secs(60);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3_600);
/// Rows claimed per poll.
const CLAIM_BATCH: i64 = 20;
/// The most of a receiver's error body kept in the delivery log.
const MAX_ERROR_CHARS: usize = 300;

/// What the worker needs from the configuration.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub retry_base: Duration,
    pub max_attempts: u32,
    pub poll_interval: Duration,
}

impl WorkerSettings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            retry_base: config.webhook_retry_base,
            max_attempts: config.webhook_max_attempts,
            poll_interval: config.webhook_poll_interval,
        }
    }

    /// The wait before the next attempt after `attempts_made` failed ones: base × 2^(attempts − 1).
    pub fn backoff(&self, attempts_made: u32) -> Duration {
        let exponent = attempts_made.saturating_sub(1).min(20);
        self.retry_base
            .saturating_mul(1_u32 << exponent)
            .min(MAX_BACKOFF)
    }
}

/// Starts the worker on the current Tokio runtime; it stops once `alive` can no longer be upgraded.
/// Without a runtime (never the case under `serve`) nothing is started and a warning is logged.
pub fn spawn(pool: DbPool, settings: WorkerSettings, alive: Weak<()>) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(run(pool, settings, alive));
        }
        Err(_) => tracing::warn!("no async runtime: webhook delivery worker not started"),
    }
}

async fn run(pool: DbPool, settings: WorkerSettings, alive: Weak<()>) {
    let client = match reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "webhook delivery worker cannot build its HTTP client");
            return;
        }
    };
    loop {
        if alive.upgrade().is_none() {
            tracing::debug!("server stopped: webhook delivery worker exits");
            return;
        }
        let claimed = claim(&pool).await;
        let busy = !claimed.is_empty();
        for row in claimed {
            let outcome = deliver(&client, &row, &settings).await;
            let pool = pool.clone();
            let settled = tokio::task::spawn_blocking(move || {
                let mut connection = cpims_db::checkout(&pool)?;
                webhook_outbox::settle(&mut connection, &row, &outcome)
            })
            .await;
            match settled {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "webhook attempt not recorded"),
                Err(error) => tracing::warn!(%error, "webhook attempt not recorded"),
            }
        }
        if !busy {
            tokio::time::sleep(settings.poll_interval).await;
        }
    }
}

async fn claim(pool: &DbPool) -> Vec<Claimed> {
    let pool = pool.clone();
    let claimed = tokio::task::spawn_blocking(move || {
        let mut connection = cpims_db::checkout(&pool)?;
        let now = cpims_db::page::now();
        let lease_until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        webhook_outbox::claim_due(&mut connection, now, lease_until, CLAIM_BATCH)
    })
    .await;
    match claimed {
        Ok(Ok(rows)) => rows,
        Ok(Err(error)) => {
            tracing::warn!(%error, "webhook outbox cannot be read");
            Vec::new()
        }
        Err(error) => {
            tracing::warn!(%error, "webhook outbox cannot be read");
            Vec::new()
        }
    }
}

async fn deliver(
    client: &reqwest::Client,
    row: &Claimed,
    settings: &WorkerSettings,
) -> AttemptOutcome {
    let timestamp = chrono::Utc::now().timestamp();
    let started = Instant::now();
    let attempted_at = cpims_db::page::now();
    let sent = client
        .post(&row.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, sign(&row.secret, timestamp, &row.payload))
        .header(EVENT_ID_HEADER, &row.event_id)
        .header(EVENT_HEADER, &row.event_type)
        .body(row.payload.clone())
        .send()
        .await;
    let (status_code, error) = match sent {
        Ok(response) if response.status().is_success() => {
            (Some(i32::from(response.status().as_u16())), None)
        }
        Ok(response) => {
            let status = response.status();
            (
                Some(i32::from(status.as_u16())),
                Some(format!("receiver answered {status}")),
            )
        }
        Err(error) => (None, Some(describe(&error))),
    };
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let succeeded = error.is_none();
    let attempts_made = u32::try_from(row.attempts).unwrap_or(0).saturating_add(1);
    let retry_at = (!succeeded && attempts_made < settings.max_attempts).then(|| {
        cpims_db::page::now()
            + chrono::Duration::from_std(settings.backoff(attempts_made)).unwrap_or_default()
    });
    if let Some(error) = &error {
        tracing::info!(
            event_id = %row.event_id,
            subscription_id = %row.subscription_id,
            attempt = attempts_made,
            given_up = retry_at.is_none(),
            %error,
            "webhook delivery failed"
        );
    }
    AttemptOutcome {
        succeeded,
        status_code,
        error,
        duration_ms,
        attempted_at,
        retry_at,
    }
}

/// A transport error in words, without the URL (which may carry a token in its query).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_redirect() {
        "redirect refused"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    if let Some(source) = std::error::Error::source(error) {
        text.push_str(": ");
        text.push_str(&source.to_string());
    }
    text.chars().take(MAX_ERROR_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_is_capped() {
        let settings = WorkerSettings {
            retry_base: Duration::from_millis(100),
            max_attempts: 8,
            poll_interval: Duration::from_millis(10),
        };
        assert_eq!(settings.backoff(1), Duration::from_millis(100));
        assert_eq!(settings.backoff(2), Duration::from_millis(200));
        assert_eq!(settings.backoff(4), Duration::from_millis(800));
        assert_eq!(settings.backoff(60), MAX_BACKOFF);
    }
}
