//! The `cpims` subcommands besides `serve`: bootstrapping the first administrator, the demo data
//! set, the audit chain from the command line, key rotation, and backups and restores. Retention is
//! an `app` command.

pub mod admin;
pub mod audit;
pub mod backup;
pub mod keys;
pub mod seed;
