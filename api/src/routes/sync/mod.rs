//! Synchronisation for bureau systems and CSO apps: the change feed.

pub mod changes;
