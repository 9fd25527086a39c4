//! Configuration from the environment (and an optional `.env`); every setting is in `.env.example`.

use cpims_domain::deadlines::{parse_span, RuleCode, Span};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::client_address::TrustedProxies;
use crate::rate_limit::PublicLimits;
use cpims_db::connection::DEFAULT_SQLITE_PATH;
use cpims_db::{DatabaseTarget, PoolSettings};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseTarget,
    pub bind: String,
    /// `None` means: generate and keep one beside the embedded database (SQLite only).
    pub jwt_secret: Option<String>,
    pub token_lifetime_secs: i64,
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
    pub pool: PoolSettings,
    pub max_body_bytes: usize,
    pub workers: Option<usize>,
    /// Longest a client may take to send a request's body once the server reads it; past it, 408.
    pub body_timeout: Duration,
    /// Longest a client may take to send a request's head; past it, actix answers 408 and closes.
    pub client_header_timeout: Duration,
    /// Failed logins per username or address within the window that lock further attempts.
    pub login_max_failures: i32,
    pub login_window_secs: i64,
    pub login_lock_secs: i64,
    /// Password hashes computed at once; the rest queue.
    pub password_hash_concurrency: usize,
    /// Smallest statistics cell shown to roles under disclosure control (never below 3).
    pub stats_min_cell: u64,
    /// A PostgreSQL read replica for statistics; `None` reads the primary.
    pub analytics_database: Option<DatabaseTarget>,
    /// How long an `Idempotency-Key` is remembered, in seconds.
    pub idempotency_ttl_secs: i64,
    /// Webhook delivery: hosts whose `http://` targets are accepted (otherwise only `https://`).
    pub webhook_allow_http_hosts: Vec<String>,
    /// Webhook delivery: the first retry's delay; each further retry doubles it.
    pub webhook_retry_base: Duration,
    /// Webhook delivery: attempts per event before it is marked failed (at least 1).
    pub webhook_max_attempts: u32,
    /// Webhook delivery: how often the worker looks for due events.
    pub webhook_poll_interval: Duration,
    /// The key personal data is sealed under; `None`: generate and keep one beside the embedded database.
    pub data_key: Option<DataKey>,
    /// Retired data keys that may still open values sealed before a rotation.
    pub data_keys_old: Vec<DataKey>,
    /// The blind-index key; `None`: generate and keep one beside the embedded database.
    pub index_key: Option<DataKey>,
    /// Years after closure before a record is anonymised by `cpims retention run`.
    pub retention_years: u32,
    /// Days after a referral's completion that its receiving agency keeps its view of the child and
    /// incident (`CPIMS_PARTNER_ACCESS_DAYS`, default 30, 0 to 3650).
    pub partner_access_days: u32,
    /// Operators' deadline durations (`CPIMS_DEADLINE_<RULE>`, e.g. `CPIMS_DEADLINE_FIR_REGISTRATION=3h`).
    pub deadline_spans: Vec<(RuleCode, Span)>,
    /// How often each server sweeps deadlines for alerts (`CPIMS_DEADLINE_SWEEP_INTERVAL_MS`).
    pub deadline_sweep_interval: Duration,
    /// How often the background sequencer chains pending audit entries and numbers pending changes.
    pub sequencer_interval: Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`CPIMS_TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// Per-address limits of the public endpoints (`CPIMS_PUBLIC_*_LIMIT`, `..._WINDOW_SECS`).
    pub public_limits: PublicLimits,
    /// Whether the public complaint endpoints answer (`CPIMS_PUBLIC_INTAKE=off` makes them 404).
    pub public_intake: bool,
    /// The agency public complaints land with: an id or its exact name (`CPIMS_PUBLIC_INTAKE_AGENCY`);
    /// unset, the oldest active commission.
    pub public_intake_agency: Option<String>,
}

/// A 32-byte key from configuration; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(pub [u8; cpims_db::vault::KEY_BYTES]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// Parses base64 of exactly 32 bytes; `setting` names the variable in the error.
    pub fn parse(encoded: &str, setting: &str) -> Result<Self, ConfigError> {
        cpims_db::vault::parse_key(encoded, setting)
            .map(DataKey)
            .map_err(ConfigError)
    }
}

/// A setting that is present but unusable.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads settings through `lookup`, so tests can configure without touching the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |key: &str| lookup(key).filter(|value| !value.trim().is_empty());
        let database = DatabaseTarget::from_url(get("DATABASE_URL").as_deref())
            .map_err(|error| ConfigError(error.to_string()))?;
        let number = |key: &str, default: u64| -> Result<u64, ConfigError> {
            match get(key) {
                None => Ok(default),
                Some(raw) => raw
                    .trim()
                    .parse()
                    .map_err(|_| ConfigError(format!("{key} must be a whole number"))),
            }
        };
        let log_format = match get("CPIMS_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(_) => return Err(ConfigError("CPIMS_LOG_FORMAT must be text or json".into())),
        };
        let token_lifetime_secs = number("CPIMS_TOKEN_TTL_SECS", 900)?;
        if token_lifetime_secs == 0 || token_lifetime_secs > 86_400 {
            return Err(ConfigError(
                "CPIMS_TOKEN_TTL_SECS must be between 1 and 86400".into(),
            ));
        }
        let idempotency_ttl_secs = i64::try_from(number("CPIMS_IDEMPOTENCY_TTL_SECS", 86_400)?)
            .map_err(|_| ConfigError("CPIMS_IDEMPOTENCY_TTL_SECS too large".into()))?;
        if idempotency_ttl_secs == 0 {
            return Err(ConfigError(
                "CPIMS_IDEMPOTENCY_TTL_SECS must be at least 1".into(),
            ));
        }
        let jwt_secret = get("CPIMS_JWT_SECRET");
        if jwt_secret.as_ref().is_some_and(|secret| secret.len() < 32) {
            return Err(ConfigError(
                "CPIMS_JWT_SECRET must be at least 32 characters".into(),
            ));
        }
        let workers = match number("CPIMS_WORKERS", 0)? {
            0 => None,
            n => Some(
                usize::try_from(n).map_err(|_| ConfigError("CPIMS_WORKERS too large".into()))?,
            ),
        };
        let analytics_database = match get("CPIMS_ANALYTICS_DATABASE_URL") {
            None => None,
            Some(url) => match DatabaseTarget::from_url(Some(&url)) {
                Ok(target @ DatabaseTarget::Postgres(_)) => Some(target),
                _ => {
                    return Err(ConfigError(
                        "CPIMS_ANALYTICS_DATABASE_URL must be a postgres:// URL".to_owned(),
                    ))
                }
            },
        };
        let webhook_max_attempts = u32::try_from(number("CPIMS_WEBHOOK_MAX_ATTEMPTS", 8)?)
            .map_err(|_| ConfigError("CPIMS_WEBHOOK_MAX_ATTEMPTS too large".into()))?;
        if webhook_max_attempts == 0 {
            return Err(ConfigError(
                "CPIMS_WEBHOOK_MAX_ATTEMPTS must be at least 1".into(),
            ));
        }
        let key = |setting: &str| {
            get(setting)
                .map(|raw| DataKey::parse(&raw, setting))
                .transpose()
        };
        let data_keys_old = list(get("CPIMS_DATA_KEYS_OLD"))
            .iter()
            .map(|raw| DataKey::parse(raw, "each key of CPIMS_DATA_KEYS_OLD"))
            .collect::<Result<Vec<_>, _>>()?;
        let retention_years = u32::try_from(number("CPIMS_RETENTION_YEARS", 10)?)
            .map_err(|_| ConfigError("CPIMS_RETENTION_YEARS too large".into()))?;
        if !(1..=100).contains(&retention_years) {
            return Err(ConfigError(
                "CPIMS_RETENTION_YEARS must be between 1 and 100".into(),
            ));
        }
        let mut deadline_spans = Vec::new();
        for code in RuleCode::ALL {
            let key = format!("CPIMS_DEADLINE_{}", code.as_str().to_ascii_uppercase());
            if let Some(raw) = get(&key) {
                let span =
                    parse_span(&raw).map_err(|error| ConfigError(format!("{key}: {error}")))?;
                deadline_spans.push((*code, span));
            }
        }
        let seconds = |key: &str, default: u64| -> Result<i64, ConfigError> {
            i64::try_from(number(key, default)?.max(1))
                .map_err(|_| ConfigError(format!("{key} too large")))
        };
        let public_intake = match get("CPIMS_PUBLIC_INTAKE").as_deref().map(str::trim) {
            None | Some("on") => true,
            Some("off") => false,
            Some(_) => return Err(ConfigError("CPIMS_PUBLIC_INTAKE must be on or off".into())),
        };
        Ok(Config {
            public_intake,
            public_intake_agency: get("CPIMS_PUBLIC_INTAKE_AGENCY").map(|v| v.trim().to_owned()),
            trusted_proxies: TrustedProxies::parse(
                &get("CPIMS_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|error| ConfigError(format!("CPIMS_TRUSTED_PROXIES: {error}")))?,
            public_limits: PublicLimits::from_settings(
                number("CPIMS_PUBLIC_COMPLAINT_LIMIT", 10)?,
                number("CPIMS_PUBLIC_STATUS_LIMIT", 20)?,
                number("CPIMS_PUBLIC_LIMIT_WINDOW_SECS", 3_600)?,
            )
            .map_err(ConfigError)?,
            data_key: key("CPIMS_DATA_KEY")?,
            data_keys_old,
            index_key: key("CPIMS_INDEX_KEY")?,
            retention_years,
            partner_access_days: u32::try_from(number("CPIMS_PARTNER_ACCESS_DAYS", 30)?)
                .ok()
                .filter(|days| *days <= 3_650)
                .ok_or_else(|| {
                    ConfigError("CPIMS_PARTNER_ACCESS_DAYS must be between 0 and 3650".into())
                })?,
            deadline_spans,
            deadline_sweep_interval: Duration::from_millis(
                number("CPIMS_DEADLINE_SWEEP_INTERVAL_MS", 30_000)?.clamp(100, 3_600_000),
            ),
            sequencer_interval: Duration::from_millis(
                number("CPIMS_SEQUENCER_INTERVAL_MS", 50)?.clamp(1, 60_000),
            ),
            login_max_failures: i32::try_from(number("CPIMS_LOGIN_MAX_FAILURES", 5)?.max(1))
                .map_err(|_| ConfigError("CPIMS_LOGIN_MAX_FAILURES too large".into()))?,
            login_window_secs: seconds("CPIMS_LOGIN_WINDOW_SECS", 900)?,
            login_lock_secs: seconds("CPIMS_LOGIN_LOCK_SECS", 900)?,
            password_hash_concurrency: usize::try_from(
                number("CPIMS_PASSWORD_HASH_CONCURRENCY", 2)?.max(1),
            )
            .map_err(|_| ConfigError("CPIMS_PASSWORD_HASH_CONCURRENCY too large".into()))?,
            webhook_allow_http_hosts: list(get("CPIMS_WEBHOOK_ALLOW_HTTP_HOSTS")),
            webhook_retry_base: Duration::from_millis(
                number("CPIMS_WEBHOOK_RETRY_BASE_MS", 1_000)?.max(1),
            ),
            webhook_max_attempts,
            webhook_poll_interval: Duration::from_millis(
                number("CPIMS_WEBHOOK_POLL_MS", 500)?.max(10),
            ),
            stats_min_cell: number("CPIMS_STATS_MIN_CELL", 5)?.max(3),
            analytics_database,
            idempotency_ttl_secs,
            database,
            bind: get("CPIMS_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            jwt_secret,
            token_lifetime_secs: i64::try_from(token_lifetime_secs).unwrap_or(900),
            cors_origins: list(get("CPIMS_CORS_ORIGINS")),
            log_format,
            pool: PoolSettings {
                max_size: u32::try_from(number("CPIMS_DB_POOL_SIZE", 10)?.max(1))
                    .map_err(|_| ConfigError("CPIMS_DB_POOL_SIZE too large".into()))?,
                checkout_timeout: Duration::from_millis(number(
                    "CPIMS_DB_CHECKOUT_TIMEOUT_MS",
                    1_000,
                )?),
                statement_timeout: Duration::from_millis(number(
                    "CPIMS_DB_STATEMENT_TIMEOUT_MS",
                    30_000,
                )?),
            },
            max_body_bytes: usize::try_from(number("CPIMS_MAX_BODY_BYTES", 1_048_576)?)
                .map_err(|_| ConfigError("CPIMS_MAX_BODY_BYTES too large".into()))?,
            workers,
            body_timeout: Duration::from_millis(number("CPIMS_BODY_TIMEOUT_MS", 30_000)?.max(1)),
            client_header_timeout: Duration::from_millis(
                number("CPIMS_CLIENT_HEADER_TIMEOUT_MS", 5_000)?.max(1),
            ),
        })
    }

    /// Whether the database is the embedded default (no `DATABASE_URL`).
    pub fn is_embedded_default(&self) -> bool {
        self.database.sqlite_path() == Some(Path::new(DEFAULT_SQLITE_PATH))
    }

    /// The directory where generated secrets are kept, beside the SQLite file.
    pub fn secrets_dir(&self) -> Option<PathBuf> {
        self.database.sqlite_path().map(|path| {
            path.parent()
                .filter(|dir| !dir.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_owned()
        })
    }
}

/// A comma-separated setting as its non-blank items.
fn list(raw: Option<String>) -> Vec<String> {
    raw.map(|raw| {
        raw.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_are_the_embedded_database_on_localhost() {
        let config = config(&[]).ok();
        assert_eq!(
            config.as_ref().map(|c| c.bind.as_str()),
            Some("127.0.0.1:8080")
        );
        assert_eq!(config.as_ref().map(Config::is_embedded_default), Some(true));
        assert_eq!(config.as_ref().map(|c| c.token_lifetime_secs), Some(900));
        assert_eq!(
            config.as_ref().map(|c| c.idempotency_ttl_secs),
            Some(86_400)
        );
        assert_eq!(config.map(|c| c.cors_origins.len()), Some(0));
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(config(&[("CPIMS_TOKEN_TTL_SECS", "soon")]).is_err());
        assert!(config(&[("CPIMS_JWT_SECRET", "short")]).is_err());
        assert!(config(&[("CPIMS_LOG_FORMAT", "xml")]).is_err());
        assert!(config(&[("CPIMS_IDEMPOTENCY_TTL_SECS", "0")]).is_err());
        assert!(config(&[("CPIMS_IDEMPOTENCY_TTL_SECS", "a day")]).is_err());
        assert!(config(&[("DATABASE_URL", "mysql://x/y")]).is_err());
        assert!(config(&[("CPIMS_WEBHOOK_MAX_ATTEMPTS", "0")]).is_err());
        assert!(config(&[("CPIMS_DATA_KEY", "c2hvcnQ=")]).is_err());
        assert!(config(&[("CPIMS_INDEX_KEY", "not base64!")]).is_err());
        assert!(config(&[("CPIMS_DATA_KEYS_OLD", "c2hvcnQ=")]).is_err());
        assert!(config(&[("CPIMS_RETENTION_YEARS", "0")]).is_err());
        assert!(config(&[("CPIMS_DEADLINE_FIR_REGISTRATION", "2 hours")]).is_err());
        assert!(config(&[("CPIMS_DEADLINE_MEDICAL_EXAM", "0h")]).is_err());
    }

    #[test]
    fn keys_never_appear_in_debug_output() {
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let config = config(&[("CPIMS_DATA_KEY", key), ("CPIMS_INDEX_KEY", key)]);
        let printed = format!("{config:?}");
        assert!(config.is_ok());
        assert!(!printed.contains(key));
        assert!(!printed.contains("[0, 1, 2"));
    }

    #[test]
    fn operators_set_deadline_durations_by_rule_code() {
        let config = config(&[
            ("CPIMS_DEADLINE_FIR_REGISTRATION", "3h"),
            ("CPIMS_DEADLINE_REFERRAL_RESPONSE", "2d"),
        ]);
        let spans = config.map(|c| c.deadline_spans).unwrap_or_default();
        assert_eq!(
            spans,
            vec![
                (RuleCode::ReferralResponse, Span::Days(2)),
                (
                    RuleCode::FirRegistration,
                    Span::Exactly(chrono::Duration::hours(3))
                ),
            ]
        );
    }
}
