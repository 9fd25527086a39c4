//! Per-client request limits for endpoints anyone may call (the public complaint endpoints): a
//! fixed-window counter per bucket and client address, kept in the database so that every server
//! instance sharing it enforces the same limit (`cpims_db::repo::rate_limits`).
//!
//! The client is the address from [`crate::client_address`], stored only as a keyed hash (the blind
//! index key): addresses are personal data. Requests whose address cannot be told share one `unknown`
//! client.

use std::net::IpAddr;

use actix_web::{web, HttpRequest};
use chrono::Duration;
use cpims_db::repo::rate_limits;
use cpims_db::Vault;

pub use cpims_db::repo::rate_limits::{RateDecision, RatePolicy};

use crate::client_address::client_address;
use crate::error::ApiError;
use crate::state::AppState;

/// The client every request without a known address counts against (no hash looks like it).
pub const UNKNOWN_CLIENT: &str = "unknown";

/// The limits of the public endpoints, per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLimits {
    /// Complaints filed (`CPIMS_PUBLIC_COMPLAINT_LIMIT` per `CPIMS_PUBLIC_LIMIT_WINDOW_SECS`).
    pub complaints: RatePolicy,
    /// Status checks (`CPIMS_PUBLIC_STATUS_LIMIT` per `CPIMS_PUBLIC_LIMIT_WINDOW_SECS`).
    pub status: RatePolicy,
}

impl PublicLimits {
    /// The limits from their settings' values; the error names the setting that is out of range.
    pub fn from_settings(complaints: u64, status: u64, window_secs: u64) -> Result<Self, String> {
        let limit = |value: u64, setting: &str| match u32::try_from(value) {
            Ok(0) => Err(format!("{setting} must be at least 1")),
            Ok(limit) => Ok(limit),
            Err(_) => Err(format!("{setting} too large")),
        };
        if !(1..=31_536_000).contains(&window_secs) {
            return Err(
                "CPIMS_PUBLIC_LIMIT_WINDOW_SECS must be between 1 and 31536000 (a year)".to_owned(),
            );
        }
        let window = Duration::seconds(i64::try_from(window_secs).unwrap_or(3_600));
        Ok(PublicLimits {
            complaints: RatePolicy {
                limit: limit(complaints, "CPIMS_PUBLIC_COMPLAINT_LIMIT")?,
                window,
            },
            status: RatePolicy {
                limit: limit(status, "CPIMS_PUBLIC_STATUS_LIMIT")?,
                window,
            },
        })
    }

    /// The longest window in use: counters older than it are of ended windows and may be pruned.
    pub fn longest_window(&self) -> Duration {
        self.complaints.window.max(self.status.window)
    }
}

/// The key a client's counters are kept under: a keyed hash of its address, or [`UNKNOWN_CLIENT`].
pub fn client_key(vault: &Vault, address: Option<IpAddr>) -> String {
    match address {
        Some(address) => vault.blind_index("client_address", &address.to_canonical().to_string()),
        None => UNKNOWN_CLIENT.to_owned(),
    }
}

/// Counts the request against `bucket` for its client; 429 with `Retry-After` once the client is
/// over `policy` for the current window.
pub async fn enforce(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    bucket: &'static str,
    policy: RatePolicy,
) -> Result<(), ApiError> {
    let address = client_address(request, &state.config.trusted_proxies);
    let client = client_key(&state.vault, address);
    let (pool, now) = (state.pool.clone(), state.clock.now());
    let decision = web::block(move || -> Result<RateDecision, ApiError> {
        let mut connection = cpims_db::checkout(&pool)?;
        Ok(rate_limits::hit(
            &mut connection,
            bucket,
            &client,
            now,
            &policy,
        )?)
    })
    .await??;
    match decision {
        RateDecision::Allowed => Ok(()),
        RateDecision::Limited { retry_after_secs } => {
            Err(ApiError::TooManyRequests { retry_after_secs })
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::{Config, ConfigError};

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_trust_no_proxy_and_allow_ten_filings_and_twenty_checks_an_hour() {
        let config = config(&[]).unwrap();
        assert!(config.trusted_proxies.is_empty());
        let hour = Duration::seconds(3_600);
        assert_eq!(
            config.public_limits.complaints,
            RatePolicy {
                limit: 10,
                window: hour
            }
        );
        assert_eq!(
            config.public_limits.status,
            RatePolicy {
                limit: 20,
                window: hour
            }
        );
    }

    #[test]
    fn settings_are_read() {
        let config = config(&[
            ("CPIMS_TRUSTED_PROXIES", "10.0.0.0/8, ::1"),
            ("CPIMS_PUBLIC_COMPLAINT_LIMIT", "3"),
            ("CPIMS_PUBLIC_STATUS_LIMIT", "7"),
            ("CPIMS_PUBLIC_LIMIT_WINDOW_SECS", "60"),
        ])
        .unwrap();
        assert!(config.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        assert_eq!(config.public_limits.complaints.limit, 3);
        assert_eq!(config.public_limits.status.limit, 7);
        assert_eq!(config.public_limits.longest_window(), Duration::seconds(60));
    }

    #[test]
    fn bad_settings_are_refused_by_name() {
        for (setting, value) in [
            ("CPIMS_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"),
            ("CPIMS_PUBLIC_COMPLAINT_LIMIT", "0"),
            ("CPIMS_PUBLIC_COMPLAINT_LIMIT", "ten"),
            ("CPIMS_PUBLIC_STATUS_LIMIT", "99999999999"),
            ("CPIMS_PUBLIC_LIMIT_WINDOW_SECS", "0"),
        ] {
            let error = config(&[(setting, value)]).unwrap_err();
            assert!(error.0.contains(setting), "{value}: {error}");
        }
    }

    #[test]
    fn clients_are_kept_as_keyed_hashes() {
        let vault = Vault::new(&[1; 32], &[], &[2; 32]).unwrap();
        let v4 = client_key(&vault, "198.51.100.1".parse().ok());
        assert!(!v4.contains("198.51"));
        assert_eq!(v4.len(), 64);
        assert_eq!(v4, client_key(&vault, "::ffff:198.51.100.1".parse().ok()));
        assert_ne!(v4, client_key(&vault, "198.51.100.2".parse().ok()));
        assert_eq!(client_key(&vault, None), UNKNOWN_CLIENT);
    }
}
