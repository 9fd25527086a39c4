//! Repositories: the queries for each table, written once for both backends.

pub mod agencies;
pub mod audit;
pub mod changes;
pub mod children;
pub mod complaints;
pub mod corrections;
pub mod deadlines;
pub mod grants;
pub mod history;
pub mod idempotency;
pub mod incidents;
pub mod login_throttle;
pub mod milestones;
pub mod rate_limits;
pub mod referrals;
pub mod reseal;
mod reseal_complaints;
pub mod retention;
pub mod sequencer;
pub mod stats;
pub mod transitions;
pub mod users;
mod versioned;
pub mod webhook_outbox;
pub mod webhooks;
