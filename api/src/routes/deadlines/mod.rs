//! Deadlines: the work queue (`GET /api/v1/deadlines`) and the form records carry them in.

pub mod dto;
pub mod list;
