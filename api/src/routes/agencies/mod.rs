//! The agency directory: admins register and edit agencies; every role reads it.

pub mod create;
pub mod dto;
pub mod get;
pub mod list;
pub mod update;
