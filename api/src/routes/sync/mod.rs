//! Synchronisation for bureau systems and CSO apps: bulk upsert by external id and the change feed.

pub mod batch;
mod batch_creates;
pub mod batch_items;
pub mod batch_kinds;
pub mod batch_parse;
pub mod changes;
