//! CP-IMS HTTP API, in rooms (docs/ARCHITECTURE.md):
//!
//! - `routes/`: one handler per file, wire types (DTOs), every route wired in `routes/mod.rs`;
//! - `app/`: the commands and queries, each write through one unit of work;
//! - `cli/`: the `cpims` subcommands other than `serve` (create-admin, seed-demo, audit, keys,
//!   backup, restore);
//! - `background/`: work the server does between requests (sequencer, webhook delivery, batched
//!   commits);
//! - the shell: server, configuration, state, authentication, errors, extractors, the contract.

pub mod app;
pub mod auth;
pub mod background;
pub mod cli;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod error;
pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod malloc_arenas;
pub mod openapi;
pub mod rate_limit;
pub mod request_id;
pub mod routes;
pub mod secrets;
pub mod server;
pub mod state;
pub mod telemetry;

// The paths the commands and their tests have always used.
pub use background::webhooks;
pub use cli::{admin, audit as audit_cli, keys as keys_cli, seed};
