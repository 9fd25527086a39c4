//! The time the server stamps on what it writes and measures deadlines against. In production it is
//! the system clock; a test holds the clock at an instant and moves it, so no test sleeps for time to
//! pass (the deadlines' `due_soon` and `overdue` are reached by moving the clock).

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// The server's clock; cheap to clone, every clone reads the same time.
#[derive(Clone, Default)]
pub struct Clock {
    held: Arc<RwLock<Option<NaiveDateTime>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock::default()
    }

    /// Now, in UTC, to the microsecond (what both databases store).
    pub fn now(&self) -> NaiveDateTime {
        let held = self.held.read().map(|held| *held).unwrap_or(None);
        held.unwrap_or_else(cpims_db::page::now)
    }

    /// Holds the clock at `at` (tests).
    pub fn hold_at(&self, at: DateTime<Utc>) {
        if let Ok(mut held) = self.held.write() {
            *held = Some(at.naive_utc());
        }
    }

    /// Moves a held clock (or the system time, holding it from then on) forward by `by` (tests).
    pub fn advance(&self, by: Duration) {
        let next = self.now() + by;
        if let Ok(mut held) = self.held.write() {
            *held = Some(next);
        }
    }
}
