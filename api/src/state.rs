//! What every handler shares: the pool, the token keys and the configuration.

use std::sync::Arc;

use cpims_db::{DbPool, Vault};

use cpims_domain::deadlines::Rule;

use crate::app::deadlines::Timekeeping;
use crate::auth::throttle::LoginGuard;
use crate::auth::token::TokenKeys;
use crate::clock::Clock;
use crate::config::Config;

/// Application state, cloned cheaply into each worker.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    /// Where statistics are read: a replica's pool when configured, else the primary's.
    pub analytics_pool: DbPool,
    pub tokens: TokenKeys,
    pub login: LoginGuard,
    pub config: Config,
    /// Seals and opens personal data; computes blind indexes.
    pub vault: Arc<Vault>,
    /// Group commit of read audit entries.
    pub read_audit: crate::background::audit_batch::AuditBatcher,
    /// Group commit of single-record creates, on SQLite only (see `write_batch`).
    pub sqlite_creates: Option<crate::background::write_batch::WriteBatcher>,
    /// The time writes are stamped with and deadlines measured against (tests hold and move it).
    pub clock: Clock,
    /// The deadline rules in force (operators' durations applied).
    pub rules: Arc<[Rule]>,
}

impl AppState {
    /// The time and rules a unit of work starting now runs with.
    pub fn timekeeping(&self) -> Timekeeping {
        Timekeeping::new(self.clock.now(), self.rules.clone())
            .with_partner_access_days(self.config.partner_access_days)
    }

    /// Referrals completed at or before this instant no longer show their receiver the child and
    /// incident (`CPIMS_PARTNER_ACCESS_DAYS` before now).
    pub fn grants_completed_after(&self) -> chrono::NaiveDateTime {
        self.timekeeping().grants_completed_after
    }
}
