//! Work the server does between requests: the sequencer that numbers audit and change-feed entries,
//! webhook delivery from the outbox, the group commits of read audit entries and SQLite creates, and
//! the pruning of ended rate-limit windows.

pub mod audit_batch;
pub mod deadline_sweep;
pub mod rate_limit_prune;
pub mod sequencer;
pub mod webhooks;
pub mod write_batch;
