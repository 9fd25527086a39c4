//! Black-box HTTP tests of the whole service, against the backend named by `CPIMS_TEST_BACKEND`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod agencies;
mod audit;
mod audit_api;
mod auth;
mod auth_attacks;
mod backup;
mod case_validation;
mod complaints;
mod concurrent_creates;
mod contract;
mod conventions;
mod deadlines;
mod idempotency;
mod legal_references;
mod lifecycle;
mod limits;
mod log_canary;
mod login_throttle;
mod need_to_know;
mod protection;
mod purpose;
mod rate_limits;
mod schema;
mod seed;
mod stats;
mod sync_batch;
mod sync_bulk;
mod sync_feed;
mod timeouts;
mod unit_of_work;
mod users;
mod webhooks;
