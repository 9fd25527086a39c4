//! Complaints: what reaches the system before anyone knows whether it is a case; triage, routing,
//! assignment and the case made of it.

pub mod case;
pub mod case_dto;
pub mod create;
pub mod dto;
pub mod get;
pub mod history;
pub mod list;
pub mod routing;
pub mod transition;
pub mod transitions;
