//! The `cpims` subcommands besides `serve`: bootstrapping the first administrator, the demo data
//! set, the audit chain from the command line, and key rotation. Retention is an `app` command.

pub mod admin;
pub mod audit;
pub mod keys;
pub mod seed;
