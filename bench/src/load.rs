//! The load generator: a bounded number of HTTP requests at a fixed concurrency, every status checked.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, RequestBuilder};

use crate::BoxResult;

/// Builds the request with the given sequence number.
pub type RequestFactory = Arc<dyn Fn(&Client, usize) -> RequestBuilder + Send + Sync>;

/// Checks a successful reply's body; an `Err` counts the request as failed.
pub type BodyCheck = Arc<dyn Fn(&[u8]) -> Result<(), String> + Send + Sync>;

/// How many requests, how many at once, and the longest the run may take.
#[derive(Debug, Clone, Copy)]
pub struct LoadPlan {
    pub requests: usize,
    pub concurrency: usize,
    pub time_limit: Duration,
}

/// What a run measured. A run with any failure is not a result, however fast it was.
#[derive(Debug, Clone, Default)]
pub struct LoadOutcome {
    pub completed: usize,
    pub failures: usize,
    pub first_failure: Option<String>,
    pub elapsed: Duration,
    /// Sorted request latencies.
    pub latencies: Vec<Duration>,
}

impl LoadOutcome {
    /// Completed requests per second of wall time.
    pub fn per_second(&self) -> f64 {
        per_second(self.completed, self.elapsed)
    }

    /// A latency percentile in milliseconds (0 when nothing completed).
    pub fn percentile_ms(&self, percent: f64) -> f64 {
        percentile_ms(&self.latencies, percent)
    }

    /// Merges another worker's share.
    fn absorb(&mut self, other: LoadOutcome) {
        self.completed += other.completed;
        self.failures += other.failures;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
        self.latencies.extend(other.latencies);
    }
}

/// `count` per `elapsed` second.
pub fn per_second(count: usize, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// The nearest-rank percentile of sorted durations, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], percent: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((percent / 100.0) * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

/// Sends `plan.requests` requests from `plan.concurrency` workers, stopping early at the time limit.
/// Every status is checked, and every successful body too when `check` is given.
pub async fn run(
    client: &Client,
    plan: LoadPlan,
    factory: RequestFactory,
    check: Option<BodyCheck>,
) -> BoxResult<LoadOutcome> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + plan.time_limit;
    let mut workers = Vec::with_capacity(plan.concurrency);
    for _ in 0..plan.concurrency.max(1) {
        let client = client.clone();
        let next = Arc::clone(&next);
        let factory = Arc::clone(&factory);
        let check = check.clone();
        workers.push(tokio::spawn(async move {
            let mut share = LoadOutcome::default();
            loop {
                let sequence = next.fetch_add(1, Ordering::Relaxed);
                if sequence >= plan.requests || Instant::now() >= deadline {
                    break;
                }
                let sent = Instant::now();
                let result = factory(&client, sequence).send().await;
                let outcome = match result {
                    Ok(response) => {
                        let status = response.status();
                        match response.bytes().await {
                            Ok(body) if status.is_success() => match &check {
                                Some(check) => check(&body),
                                None => Ok(()),
                            },
                            Ok(body) => Err(format!(
                                "HTTP {status}: {}",
                                String::from_utf8_lossy(&body[..body.len().min(300)])
                            )),
                            Err(error) => Err(format!("reading body: {error}")),
                        }
                    }
                    Err(error) => Err(format!("request: {error}")),
                };
                share.latencies.push(sent.elapsed());
                share.completed += 1;
                if let Err(message) = outcome {
                    share.failures += 1;
                    share.first_failure.get_or_insert(message);
                }
            }
            share
        }));
    }
    let mut total = LoadOutcome::default();
    for worker in workers {
        total.absorb(worker.await?);
    }
    total.elapsed = started.elapsed();
    total.latencies.sort_unstable();
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert!((percentile_ms(&sorted, 50.0) - 50.0).abs() < 1e-9);
        assert!((percentile_ms(&sorted, 99.0) - 99.0).abs() < 1e-9);
        assert_eq!(percentile_ms(&[], 50.0), 0.0);
    }
}
