//! Black-box HTTP tests of the whole service, against the backend named by `CPIMS_TEST_BACKEND`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod agencies;
mod auth;
mod contract;
mod conventions;
mod schema;
mod users;
