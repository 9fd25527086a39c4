//! Signed webhooks: their signatures, and the background worker that delivers them from the outbox
//! (the events themselves are queued by the unit of work, `app::events`).

pub mod signature;
pub mod worker;
