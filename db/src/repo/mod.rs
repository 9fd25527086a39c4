//! Repositories: the queries for each table, written once for both backends.

pub mod agencies;
pub mod audit;
pub mod changes;
pub mod children;
pub mod history;
pub mod idempotency;
pub mod incidents;
pub mod referrals;
pub mod stats;
pub mod transitions;
pub mod users;
