//! Repositories: the queries for each table, written once for both backends.

pub mod agencies;
pub mod users;
