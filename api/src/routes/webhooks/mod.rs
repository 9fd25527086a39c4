//! Webhook subscriptions: admins register, list and remove them and read their delivery logs.

pub mod create;
pub mod delete;
pub mod deliveries;
pub mod dto;
pub mod list;
