//! Signed webhooks: the events case changes raise, their signatures, and the background worker that
//! delivers them from the outbox.

pub mod events;
pub mod signature;
pub mod worker;
