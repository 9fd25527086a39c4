//! Referrals: an incident referred from one agency to another for a service, and their workflow.

pub mod create;
pub mod delete;
pub mod dto;
pub mod get;
pub mod history;
pub mod list;
pub mod transition;
pub mod transitions;
pub mod update;
