//! Incidents: complaints or violations concerning one child, with their status workflow.

pub mod create;
pub mod delete;
pub mod dto;
pub mod get;
pub mod history;
pub mod list;
pub mod list_dto;
pub mod transition;
pub mod transitions;
pub mod update;
