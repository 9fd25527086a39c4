//! Children: registered by their agency's case workers, read by those the policy allows.

pub mod access_log;
pub mod create;
pub mod delete;
pub mod dto;
pub mod get;
pub mod history;
pub mod list;
pub mod list_dto;
pub mod update;
