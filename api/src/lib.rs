//! CP-IMS HTTP API: routes, handlers, wire types, authentication, error mapping and the OpenAPI contract.

pub mod admin;
pub mod app;
pub mod audit_batch;
pub mod audit_cli;
pub mod auth;
pub mod config;
pub mod error;
pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod keys_cli;
pub mod malloc_arenas;
pub mod openapi;
pub mod request_id;

pub mod routes;
pub mod secrets;
pub mod seed;
pub mod sequencer;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod webhooks;
pub mod write_batch;
