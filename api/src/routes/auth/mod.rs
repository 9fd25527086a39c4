//! Logging in.

pub mod token;
