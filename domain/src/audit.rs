//! The audit log's hash chain: how an entry is serialised and hashed, and how a run of entries is verified.
//!
//! Each hash covers the previous one, so editing, deleting, inserting or reordering any stored entry
//! breaks every link after it. The chain cannot show that entries were cut off the end; whoever verifies
//! it should compare the last hash with one recorded elsewhere.

use sha2::{Digest, Sha256};

mod walk;
pub use walk::{ChainAnchor, ChainReport, ChainWalk};

/// One audit entry as hashed. Times are RFC 3339 strings with microseconds, UTC
/// ("2026-11-25T10:00:00.123456Z").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub occurred_at: String,
    pub actor_user_id: Option<String>,
    pub actor_agency_id: Option<String>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

/// The `prev_hash` of the very first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Canonical, unambiguous serialisation: a JSON array of the fields in a fixed order.
///
/// JSON quoting means no field value can imitate a separator or a neighbouring field, and `null` keeps an
/// absent value distinct from an empty string. The order is part of the stored hashes: never change it.
pub fn canonical(record: &AuditRecord) -> String {
    serde_json::json!([
        record.seq,
        record.occurred_at,
        record.actor_user_id,
        record.actor_agency_id,
        record.action,
        record.record_type,
        record.record_id,
        record.request_id,
        record.detail,
    ])
    .to_string()
}

/// hex(SHA-256(prev_hash || canonical(record)))
///
/// Plain concatenation is unambiguous because `prev_hash` always has the fixed length of a hex digest.
pub fn chain_hash(prev_hash: &str, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(canonical(record).as_bytes());
    hex::encode(hasher.finalize())
}

/// Walks entries in order: each (record, prev_hash, hash) must have prev_hash == previous hash (GENESIS for
/// the first, unless `start_prev` given), hash == chain_hash, and seq strictly +1. Returns Ok(count) or
/// Err(index of first bad entry).
///
/// `start_prev` lets a long log be verified in pages, each starting from the last hash of the one before.
/// The seq check catches a deletion followed by re-hashing everything after it, which the links alone
/// would not.
pub fn verify_chain<'a>(
    start_prev: Option<&str>,
    entries: impl IntoIterator<Item = (&'a AuditRecord, &'a str, &'a str)>,
) -> Result<usize, usize> {
    let mut expected_prev = start_prev.unwrap_or(GENESIS_HASH);
    let mut last_seq: Option<i64> = None;
    let mut count = 0;
    for (index, (record, prev_hash, hash)) in entries.into_iter().enumerate() {
        let seq_follows = match last_seq {
            None => true,
            Some(last) => last.checked_add(1) == Some(record.seq),
        };
        if !seq_follows || prev_hash != expected_prev || hash != chain_hash(prev_hash, record) {
            return Err(index);
        }
        expected_prev = hash;
        last_seq = Some(record.seq);
        count = index + 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64) -> AuditRecord {
        AuditRecord {
            seq,
            occurred_at: format!("2026-11-25T10:00:{seq:02}.123456Z"),
            actor_user_id: Some("0193a0f0-0000-7000-8000-000000000001".into()),
            actor_agency_id: Some("0193a0f0-0000-7000-8000-0000000000aa".into()),
            action: "incident.read".into(),
            record_type: Some("incident".into()),
            record_id: Some(format!("incident-{seq}")),
            request_id: Some(format!("request-{seq}")),
            detail: None,
        }
    }

    /// A well-formed chain of `len` entries: (record, prev_hash, hash).
    fn chain(len: i64) -> Vec<(AuditRecord, String, String)> {
        let mut prev = GENESIS_HASH.to_string();
        let mut entries = Vec::new();
        for seq in 1..=len {
            let entry = record(seq);
            let hash = chain_hash(&prev, &entry);
            entries.push((entry, prev, hash.clone()));
            prev = hash;
        }
        entries
    }

    fn verify(entries: &[(AuditRecord, String, String)]) -> Result<usize, usize> {
        verify_chain(
            None,
            entries
                .iter()
                .map(|(record, prev, hash)| (record, prev.as_str(), hash.as_str())),
        )
    }

    /// Re-links every entry from `from` on, as an attacker with write access to the table would.
    fn rehash_from(entries: &mut [(AuditRecord, String, String)], from: usize) {
        for index in from..entries.len() {
            let prev = if index == 0 {
                GENESIS_HASH.to_string()
            } else {
                entries[index - 1].2.clone()
            };
            entries[index].2 = chain_hash(&prev, &entries[index].0);
            entries[index].1 = prev;
        }
    }

    #[test]
    fn canonical_form_is_a_json_array_in_field_order() {
        assert_eq!(
            canonical(&record(7)),
            r#"[7,"2026-11-25T10:00:07.123456Z","0193a0f0-0000-7000-8000-000000000001","0193a0f0-0000-7000-8000-0000000000aa","incident.read","incident","incident-7","request-7",null]"#
        );
    }

    #[test]
    fn absent_and_empty_fields_hash_differently() {
        let absent = record(1);
        let empty = AuditRecord {
            detail: Some(String::new()),
            ..record(1)
        };
        assert_ne!(
            chain_hash(GENESIS_HASH, &absent),
            chain_hash(GENESIS_HASH, &empty)
        );
    }

    #[test]
    fn values_cannot_spill_into_neighbouring_fields() {
        let honest = AuditRecord {
            record_id: Some("a".into()),
            request_id: Some("b\",\"c".into()),
            ..record(1)
        };
        let forged = AuditRecord {
            record_id: Some("a\",\"b".into()),
            request_id: Some("c".into()),
            ..record(1)
        };
        assert_ne!(canonical(&honest), canonical(&forged));
    }

    #[test]
    fn hash_is_sha256_hex_of_prev_and_canonical() {
        let entry = record(1);
        let expected = hex::encode(Sha256::digest(
            format!("{GENESIS_HASH}{}", canonical(&entry)).as_bytes(),
        ));
        let hash = chain_hash(GENESIS_HASH, &entry);
        assert_eq!(hash, expected);
        assert_eq!(hash.len(), GENESIS_HASH.len());
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn a_chain_verifies_in_pages() {
        let entries = chain(6);
        let (first, second) = entries.split_at(3);
        assert_eq!(verify(first), Ok(3));
        let resumed = verify_chain(
            Some(&first[2].2),
            second
                .iter()
                .map(|(record, prev, hash)| (record, prev.as_str(), hash.as_str())),
        );
        assert_eq!(resumed, Ok(3));
        let unanchored = verify_chain(
            None,
            second
                .iter()
                .map(|(record, prev, hash)| (record, prev.as_str(), hash.as_str())),
        );
        assert_eq!(unanchored, Err(0));
    }

    #[test]
    fn an_edited_entry_is_detected() {
        let mut entries = chain(5);
        entries[2].0.actor_user_id = Some("someone-else".into());
        assert_eq!(verify(&entries), Err(2));
    }

    #[test]
    fn an_edited_entry_with_its_own_hash_redone_breaks_the_next_link() {
        let mut entries = chain(5);
        entries[2].0.detail = Some("nothing happened".into());
        entries[2].2 = chain_hash(&entries[2].1, &entries[2].0);
        assert_eq!(verify(&entries), Err(3));
    }

    #[test]
    fn a_deleted_entry_is_detected() {
        let mut entries = chain(5);
        entries.remove(2);
        assert_eq!(verify(&entries), Err(2));
    }

    #[test]
    fn a_deleted_entry_is_detected_even_when_the_rest_is_rehashed() {
        let mut entries = chain(5);
        entries.remove(2);
        rehash_from(&mut entries, 2);
        assert_eq!(verify(&entries), Err(2));
    }

    #[test]
    fn a_deleted_first_entry_is_detected() {
        let mut entries = chain(3);
        entries.remove(0);
        assert_eq!(verify(&entries), Err(0));
    }

    #[test]
    fn reordered_entries_are_detected() {
        let mut entries = chain(5);
        entries.swap(1, 3);
        assert_eq!(verify(&entries), Err(1));
    }

    #[test]
    fn an_inserted_entry_is_detected() {
        let mut entries = chain(5);
        let forged = AuditRecord {
            action: "child.read".into(),
            ..record(3)
        };
        let prev = entries[1].2.clone();
        let hash = chain_hash(&prev, &forged);
        entries.insert(2, (forged, prev, hash));
        assert_eq!(verify(&entries), Err(3));
    }

    #[test]
    fn a_tampered_hash_or_link_is_detected() {
        let mut entries = chain(3);
        entries[1].2 = GENESIS_HASH.into();
        assert_eq!(verify(&entries), Err(1));

        let mut entries = chain(3);
        entries[0].1 = chain_hash(GENESIS_HASH, &record(0));
        assert_eq!(verify(&entries), Err(0));
    }
}
