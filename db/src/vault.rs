//! Personal data at rest: AES-256-GCM sealing of field values under a current key (retired keys may
//! still open), and keyed blind indexes (HMAC-SHA256 under a separate key) for exact-match lookups.
//!
//! A sealed value is text: `enc:v1:<key id>:<base64 of nonce || ciphertext || tag>`. The associated
//! data binds it to its record and field, so a value copied into another row or column fails to open.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::DbError;

/// What every sealed value starts with, before its key id.
pub const PREFIX: &str = "enc:v1:";
/// Bytes of the key digest a key id is the hex of.
const KEY_ID_BYTES: usize = 8;
/// Characters in a key id (hex), so SQL can cut the id out of a stored value without parsing it.
pub const KEY_ID_CHARS: usize = 2 * KEY_ID_BYTES;
const NONCE_BYTES: usize = 12;
/// Length in bytes of every key: AES-256 and the blind-index HMAC key alike.
pub const KEY_BYTES: usize = 32;

/// One AES-256-GCM key and the id written beside each value it seals.
struct DataKey {
    id: String,
    cipher: Aes256Gcm,
}

impl DataKey {
    fn new(bytes: &[u8; KEY_BYTES]) -> Self {
        // The id is a digest of the key, so it needs no configuration and reveals nothing about it.
        let digest = Sha256::new()
            .chain_update(b"cpims data key id\0")
            .chain_update(bytes)
            .finalize();
        DataKey {
            id: hex::encode(&digest[..KEY_ID_BYTES]),
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(*bytes)),
        }
    }
}

/// Seals and opens personal values and computes blind indexes; shared by every connection.
pub struct Vault {
    current: DataKey,
    retired: Vec<DataKey>,
    /// HMAC-SHA256 already keyed with the blind-index key; cloned for each index.
    index_mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("current_key_id", &self.current.id)
            .field("retired_keys", &self.retired.len())
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// A vault sealing under `current`, opening under it or any of `retired`, indexing under
    /// `index_key`.
    pub fn new(
        current: &[u8; KEY_BYTES],
        retired: &[[u8; KEY_BYTES]],
        index_key: &[u8; KEY_BYTES],
    ) -> Result<Self, String> {
        let index_mac = <Hmac<Sha256> as Mac>::new_from_slice(index_key)
            .map_err(|_| "the blind-index key is unusable".to_owned())?;
        Ok(Vault {
            current: DataKey::new(current),
            retired: retired.iter().map(DataKey::new).collect(),
            index_mac,
        })
    }

    /// The id of the key new values are sealed under.
    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    /// Whether the key with this id is configured, current or retired: values sealed under it open.
    pub fn holds_key(&self, key_id: &str) -> bool {
        std::iter::once(&self.current)
            .chain(&self.retired)
            .any(|key| key.id == key_id)
    }

    /// Seals a value for the field `field` of the record `record_id`.
    pub fn seal(&self, record_id: &str, field: &str, plaintext: &str) -> Result<String, DbError> {
        // A nonce from the thread's CSPRNG (ChaCha, seeded and periodically reseeded from the
        // operating system): a system call per sealed field cost a visible share of bulk sync.
        let nonce = Aes256Gcm::generate_nonce(&mut rand::thread_rng());
        let aad = associated_data(record_id, field);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: &aad,
        };
        let sealed = self
            .current
            .cipher
            .encrypt(&nonce, payload)
            .map_err(|_| DbError::Internal(format!("a {field} value cannot be sealed")))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!(
            "{PREFIX}{}:{}",
            self.current.id,
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
        ))
    }

    /// Seals an optional value.
    pub fn seal_optional(
        &self,
        record_id: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<Option<String>, DbError> {
        value
            .map(|value| self.seal(record_id, field, value))
            .transpose()
    }

    /// Opens a stored value. Text without the sealed prefix is a value written before encryption was
    /// introduced and is returned as it is (`cpims keys rotate` seals such values).
    pub fn open(&self, record_id: &str, field: &str, stored: &str) -> Result<String, DbError> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let failure = || DbError::Internal(format!("a sealed {field} value cannot be opened"));
        let (key_id, encoded) = rest.split_once(':').ok_or_else(failure)?;
        let key = std::iter::once(&self.current)
            .chain(&self.retired)
            .find(|key| key.id == key_id)
            .ok_or_else(|| {
                DbError::Internal(format!(
                    "a {field} value is sealed under key {key_id}, which is not configured"
                ))
            })?;
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(encoded)
            .map_err(|_| failure())?;
        if bytes.len() < NONCE_BYTES {
            return Err(failure());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| failure())?;
        let aad = associated_data(record_id, field);
        let plain = key
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| failure())?;
        String::from_utf8(plain).map_err(|_| failure())
    }

    /// Opens an optional stored value.
    pub fn open_optional(
        &self,
        record_id: &str,
        field: &str,
        stored: Option<&str>,
    ) -> Result<Option<String>, DbError> {
        stored
            .map(|stored| self.open(record_id, field, stored))
            .transpose()
    }

    /// Whether a stored value must be re-sealed to be under the current key (plaintext included).
    pub fn needs_resealing(&self, stored: &str) -> bool {
        match stored.strip_prefix(PREFIX) {
            Some(rest) => rest.split_once(':').map(|(id, _)| id) != Some(self.current.id.as_str()),
            None => true,
        }
    }

    /// The blind index of an already normalised value for one purpose (`name`, `identifier`): equal
    /// inputs give equal indexes, and without the index key nothing about the value can be learnt.
    pub fn blind_index(&self, purpose: &str, normalised: &str) -> String {
        let mut mac = self.index_mac.clone();
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(normalised.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn associated_data(record_id: &str, field: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(record_id.len() + field.len() + 1);
    aad.extend_from_slice(record_id.as_bytes());
    aad.push(b'/');
    aad.extend_from_slice(field.as_bytes());
    aad
}

/// Parses a base64 key of exactly 32 bytes; `what` names the setting in the error.
pub fn parse_key(encoded: &str, what: &str) -> Result<[u8; KEY_BYTES], String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| format!("{what} must be base64"))?;
    <[u8; KEY_BYTES]>::try_from(bytes.as_slice())
        .map_err(|_| format!("{what} must decode to {KEY_BYTES} bytes"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn vault(current: u8, retired: &[u8]) -> Vault {
        let retired: Vec<[u8; KEY_BYTES]> = retired.iter().map(|b| [*b; KEY_BYTES]).collect();
        Vault::new(&[current; KEY_BYTES], &retired, &[9; KEY_BYTES]).unwrap()
    }

    #[test]
    fn sealed_values_open_to_the_plaintext_and_hide_it() {
        let vault = vault(1, &[]);
        let sealed = vault.seal("rec-1", "given_name", "Zainab").unwrap();
        assert!(sealed.starts_with("enc:v1:"));
        assert!(!sealed.contains("Zainab"));
        assert_ne!(
            sealed,
            vault.seal("rec-1", "given_name", "Zainab").unwrap(),
            "fresh nonce"
        );
        assert_eq!(
            vault.open("rec-1", "given_name", &sealed).unwrap(),
            "Zainab"
        );
    }

    #[test]
    fn a_value_moved_to_another_record_or_field_does_not_open() {
        let vault = vault(1, &[]);
        let sealed = vault.seal("rec-1", "given_name", "Zainab").unwrap();
        assert!(vault.open("rec-2", "given_name", &sealed).is_err());
        assert!(vault.open("rec-1", "family_name", &sealed).is_err());
    }

    #[test]
    fn tampered_ciphertext_does_not_open() {
        let vault = vault(1, &[]);
        let mut sealed = vault.seal("rec-1", "narrative", "what happened").unwrap();
        let last = sealed.pop().unwrap();
        sealed.push(if last == 'A' { 'B' } else { 'A' });
        assert!(vault.open("rec-1", "narrative", &sealed).is_err());
    }

    #[test]
    fn retired_keys_open_and_unknown_keys_do_not() {
        let old = vault(1, &[]);
        let sealed = old.seal("r", "f", "v").unwrap();
        let rotated = vault(2, &[1]);
        assert_eq!(rotated.open("r", "f", &sealed).unwrap(), "v");
        assert!(rotated.needs_resealing(&sealed));
        assert!(!rotated.needs_resealing(&rotated.seal("r", "f", "v").unwrap()));
        assert!(vault(3, &[]).open("r", "f", &sealed).is_err());
        let old_id = old.current_key_id();
        assert_eq!(old_id.len(), KEY_ID_CHARS);
        assert!(sealed.starts_with(&format!("{PREFIX}{old_id}:")));
        assert!(rotated.holds_key(old_id) && rotated.holds_key(rotated.current_key_id()));
        assert!(!vault(3, &[]).holds_key(old_id));
    }

    #[test]
    fn plaintext_from_before_encryption_is_read_and_marked_for_sealing() {
        let vault = vault(1, &[]);
        assert_eq!(vault.open("r", "f", "legacy").unwrap(), "legacy");
        assert!(vault.needs_resealing("legacy"));
    }

    #[test]
    fn blind_indexes_are_stable_per_key_and_purpose() {
        let a = vault(1, &[]);
        assert_eq!(
            a.blind_index("name", "ali"),
            vault(2, &[]).blind_index("name", "ali")
        );
        assert_ne!(
            a.blind_index("name", "ali"),
            a.blind_index("identifier", "ali")
        );
        let other_index_key = Vault::new(&[1; KEY_BYTES], &[], &[8; KEY_BYTES]).unwrap();
        assert_ne!(
            a.blind_index("name", "ali"),
            other_index_key.blind_index("name", "ali")
        );
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        let encoded = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        assert_eq!(parse_key(&encoded, "K").unwrap(), [7u8; 32]);
        assert!(parse_key("not base64!", "K").is_err());
        assert!(parse_key(
            &base64::engine::general_purpose::STANDARD.encode([1u8; 16]),
            "K"
        )
        .is_err());
    }
}
