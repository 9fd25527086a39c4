//! The server's secrets: the JWT signing secret, the data key personal values are sealed under and the
//! blind-index key. Each is configured, or, under the embedded SQLite default only, generated once and
//! kept beside the database (mode 0600); under PostgreSQL a missing one refuses the start.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use cpims_db::vault::KEY_BYTES;
use cpims_db::Vault;
use rand::RngCore;

use crate::config::{Config, ConfigError, DataKey};

const JWT_SECRET_FILE: &str = "jwt_secret";
const DATA_KEY_FILE: &str = "data_key";
const INDEX_KEY_FILE: &str = "index_key";

/// Returns the configured secret; under SQLite without one, reads or creates a generated secret.
pub fn jwt_secret(config: &Config) -> Result<String, ConfigError> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.clone());
    }
    kept_secret(config, "CPIMS_JWT_SECRET", JWT_SECRET_FILE, 48, |kept| {
        (kept.len() >= 32).then(|| kept.to_owned())
    })
}

/// The vault of configured (or, under SQLite, generated and kept) keys.
pub fn vault(config: &Config) -> Result<Vault, ConfigError> {
    let data_key = match &config.data_key {
        Some(key) => key.clone(),
        None => kept_key(config, "CPIMS_DATA_KEY", DATA_KEY_FILE)?,
    };
    let index_key = match &config.index_key {
        Some(key) => key.clone(),
        None => kept_key(config, "CPIMS_INDEX_KEY", INDEX_KEY_FILE)?,
    };
    let retired: Vec<[u8; KEY_BYTES]> = config.data_keys_old.iter().map(|key| key.0).collect();
    Vault::new(&data_key.0, &retired, &index_key.0).map_err(ConfigError)
}

/// The vault of configured or already kept keys, never generating one: a backup or a restore must use
/// the keys the data is sealed under, and a fresh key would only hide that they are missing.
pub fn existing_vault(config: &Config) -> Result<Vault, ConfigError> {
    let data_key = match &config.data_key {
        Some(key) => key.clone(),
        None => existing_kept_key(config, "CPIMS_DATA_KEY", DATA_KEY_FILE)?,
    };
    let index_key = match &config.index_key {
        Some(key) => key.clone(),
        None => existing_kept_key(config, "CPIMS_INDEX_KEY", INDEX_KEY_FILE)?,
    };
    let retired: Vec<[u8; KEY_BYTES]> = config.data_keys_old.iter().map(|key| key.0).collect();
    Vault::new(&data_key.0, &retired, &index_key.0).map_err(ConfigError)
}

/// Where the data key and the blind-index key come from, to tell an operator what to keep: the
/// setting's name, or the file kept beside the embedded database.
pub fn key_sources(config: &Config) -> [String; 2] {
    let source = |configured: bool, setting: &str, file: &str| match config.secrets_dir() {
        Some(dir) if !configured => dir.join(file).display().to_string(),
        _ => setting.to_owned(),
    };
    [
        source(config.data_key.is_some(), "CPIMS_DATA_KEY", DATA_KEY_FILE),
        source(
            config.index_key.is_some(),
            "CPIMS_INDEX_KEY",
            INDEX_KEY_FILE,
        ),
    ]
}

fn existing_kept_key(config: &Config, setting: &str, file: &str) -> Result<DataKey, ConfigError> {
    let Some(dir) = config.secrets_dir() else {
        return Err(ConfigError(format!(
            "{setting} must be set when the database is PostgreSQL"
        )));
    };
    let path = dir.join(file);
    let kept = std::fs::read_to_string(&path).map_err(|_| {
        ConfigError(format!(
            "{setting} is unset and {} does not exist: set {setting}, or put the backed-up {file} \
             file there",
            path.display()
        ))
    })?;
    DataKey::parse(kept.trim(), setting)
}

fn kept_key(config: &Config, setting: &str, file: &str) -> Result<DataKey, ConfigError> {
    let encoded = kept_secret(config, setting, file, KEY_BYTES, |kept| {
        DataKey::parse(kept, setting).ok().map(|_| kept.to_owned())
    })?;
    DataKey::parse(&encoded, setting)
}

/// Reads the secret kept in `file` beside the SQLite database if `accept` takes it, else generates
/// `bytes` random bytes, keeps them base64-encoded and returns them. Refuses under PostgreSQL.
fn kept_secret(
    config: &Config,
    setting: &str,
    file: &str,
    bytes: usize,
    accept: impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let Some(dir) = config.secrets_dir() else {
        return Err(ConfigError(format!(
            "{setting} must be set when the database is PostgreSQL"
        )));
    };
    let path = dir.join(file);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if let Some(secret) = accept(existing.trim()) {
            tracing::warn!(path = %path.display(), "{setting} is unset; using the generated value kept beside the database");
            return Ok(secret);
        }
        return Err(ConfigError(format!(
            "{} does not hold a usable {setting}; restore it or set {setting}",
            path.display()
        )));
    }
    let mut random = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let secret = base64::engine::general_purpose::STANDARD.encode(random);
    write_private(&dir, &path, &secret).map_err(|error| {
        ConfigError(format!(
            "cannot keep {setting} at {}: {error}",
            path.display()
        ))
    })?;
    tracing::warn!(path = %path.display(), "{setting} is unset; generated one and kept it beside the database. Set {setting} in production, and back it up: {}", loss_without(setting));
    Ok(secret)
}

/// What losing a generated secret costs, for the warning that asks to back it up.
fn loss_without(setting: &str) -> &'static str {
    match setting {
        "CPIMS_DATA_KEY" => "without it the personal data cannot be read",
        "CPIMS_INDEX_KEY" => "without it lookups by name and identifier stop matching",
        // The JWT secret only signs tokens: a new one logs everybody out, no data is lost.
        _ => "without it every issued token stops working (no data is lost)",
    }
}

fn write_private(dir: &Path, path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn config(pairs: &[(&str, String)]) -> Config {
        Config::from_lookup(|key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        })
        .unwrap()
    }

    #[test]
    fn postgres_without_a_data_or_index_key_refuses_to_start() {
        let url = ("DATABASE_URL", "postgres://u@127.0.0.1:5432/db".to_owned());
        let without_data = config(&[url.clone(), ("CPIMS_INDEX_KEY", KEY.to_owned())]);
        let refusal = vault(&without_data).unwrap_err().to_string();
        assert!(refusal.contains("CPIMS_DATA_KEY"), "{refusal}");
        let without_index = config(&[url.clone(), ("CPIMS_DATA_KEY", KEY.to_owned())]);
        assert!(vault(&without_index)
            .unwrap_err()
            .to_string()
            .contains("CPIMS_INDEX_KEY"));
        let both = config(&[
            url,
            ("CPIMS_DATA_KEY", KEY.to_owned()),
            ("CPIMS_INDEX_KEY", KEY.to_owned()),
        ]);
        assert!(vault(&both).is_ok());
    }

    #[test]
    fn an_existing_vault_is_never_generated_and_names_the_missing_key() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("cpims.sqlite3").display());
        let embedded = config(&[("DATABASE_URL", url)]);
        let refusal = existing_vault(&embedded).unwrap_err().to_string();
        assert!(refusal.contains("CPIMS_DATA_KEY") && refusal.contains("data_key"));
        assert!(
            !dir.path().join(DATA_KEY_FILE).exists(),
            "nothing generated"
        );
        let generated = vault(&embedded).unwrap();
        let existing = existing_vault(&embedded).unwrap();
        assert_eq!(existing.current_key_id(), generated.current_key_id());
        let [data, index] = key_sources(&embedded);
        assert!(data.ends_with(DATA_KEY_FILE) && index.ends_with(INDEX_KEY_FILE));
    }

    #[test]
    fn sqlite_keys_are_generated_once_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("cpims.sqlite3").display());
        let embedded = config(&[("DATABASE_URL", url)]);
        let first = vault(&embedded).unwrap();
        let sealed = first.seal("r", "f", "kept").unwrap();
        let again = vault(&embedded).unwrap();
        assert_eq!(again.open("r", "f", &sealed).unwrap(), "kept");
        assert_eq!(first.blind_index("p", "v"), again.blind_index("p", "v"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(DATA_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
