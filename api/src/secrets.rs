//! The JWT signing secret: configured, or generated once and kept beside the embedded database.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use rand::RngCore;

use crate::config::{Config, ConfigError};

const SECRET_FILE: &str = "jwt_secret";

/// Returns the configured secret; under SQLite without one, reads or creates a generated secret
/// (mode 0600); under PostgreSQL without one, refuses to start.
pub fn jwt_secret(config: &Config) -> Result<String, ConfigError> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.clone());
    }
    let Some(dir) = config.secrets_dir() else {
        return Err(ConfigError(
            "CPIMS_JWT_SECRET must be set when the database is PostgreSQL".to_owned(),
        ));
    };
    let path = dir.join(SECRET_FILE);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            tracing::warn!(path = %path.display(), "CPIMS_JWT_SECRET is unset; using the generated secret kept beside the database");
            return Ok(existing);
        }
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::STANDARD.encode(bytes);
    write_private(&dir, &path, &secret).map_err(|error| {
        ConfigError(format!(
            "cannot keep the JWT secret at {}: {error}",
            path.display()
        ))
    })?;
    tracing::warn!(path = %path.display(), "CPIMS_JWT_SECRET is unset; generated a secret and kept it beside the database. Set CPIMS_JWT_SECRET in production");
    Ok(secret)
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
