//! Walking a whole stored chain: entry by entry from genesis, then against the stored head and an
//! anchor kept outside the database, so truncation and entries appended behind the head's back show too.

use serde::{Deserialize, Serialize};

use super::{chain_hash, AuditRecord, GENESIS_HASH};

/// A point the chain must still pass through: how many entries it had and the hash of the last one (the
/// genesis hash for none). The stored head is one; `cpims audit export` writes another to keep elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainAnchor {
    pub entries: i64,
    pub hash: String,
}

/// The outcome of walking a whole chain: `first_bad_entry` is the seq where it first fails (for a missing
/// entry, the seq that should have been there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub ok: bool,
    pub entries_checked: i64,
    pub first_bad_entry: Option<i64>,
}

/// Verifies a whole chain one entry at a time, as it is streamed from storage in seq order, starting at
/// seq 1 and the genesis hash. The walk stops trusting the chain at the first bad entry.
#[derive(Debug, Clone)]
pub struct ChainWalk {
    expected_prev: String,
    next_seq: i64,
    first_bad: Option<i64>,
    anchor: Option<ChainAnchor>,
    hash_at_anchor: Option<String>,
}

impl ChainWalk {
    /// A walk from genesis; `anchor`, when given, is a point the chain must still pass through.
    pub fn new(anchor: Option<ChainAnchor>) -> Self {
        ChainWalk {
            expected_prev: GENESIS_HASH.to_owned(),
            next_seq: 1,
            first_bad: None,
            anchor,
            hash_at_anchor: None,
        }
    }

    /// Checks the next stored entry; `false` once the chain is broken (nothing after that is trusted).
    pub fn check(&mut self, record: &AuditRecord, prev_hash: &str, hash: &str) -> bool {
        if self.first_bad.is_some() {
            return false;
        }
        if record.seq != self.next_seq
            || prev_hash != self.expected_prev
            || hash != chain_hash(prev_hash, record)
        {
            self.first_bad = Some(self.next_seq);
            return false;
        }
        if self.anchor.as_ref().map(|anchor| anchor.entries) == Some(record.seq) {
            self.hash_at_anchor = Some(hash.to_owned());
        }
        self.expected_prev = hash.to_owned();
        self.next_seq += 1;
        true
    }

    /// Whether an entry failed; later entries need not be read.
    pub fn is_broken(&self) -> bool {
        self.first_bad.is_some()
    }

    /// Ends the walk. The stored `head` must name exactly the last entry walked (entries cut off the end
    /// or appended behind the head's back are found), and the anchor must lie on the walked chain.
    pub fn finish(self, head: &ChainAnchor) -> ChainReport {
        let checked = self.next_seq - 1;
        let mut bad: Vec<i64> = self.first_bad.into_iter().collect();
        if self.first_bad.is_none() {
            if head.entries != checked {
                bad.push(head.entries.clamp(0, checked) + 1);
            } else if head.hash != self.expected_prev {
                bad.push(checked.max(1));
            }
        }
        if let Some(anchor) = &self.anchor {
            if anchor.entries > checked {
                bad.push(checked + 1);
            } else if anchor.entries <= 0 {
                if anchor.hash != GENESIS_HASH {
                    bad.push(1);
                }
            } else if self.hash_at_anchor.as_deref() != Some(anchor.hash.as_str()) {
                bad.push(anchor.entries);
            }
        }
        let first_bad_entry = bad.into_iter().min();
        ChainReport {
            ok: first_bad_entry.is_none(),
            entries_checked: checked,
            first_bad_entry,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(len: i64) -> Vec<(AuditRecord, String, String)> {
        let mut prev = GENESIS_HASH.to_string();
        let mut entries = Vec::new();
        for seq in 1..=len {
            let entry = AuditRecord {
                seq,
                occurred_at: format!("2026-11-25T10:00:{seq:02}.000000Z"),
                actor_user_id: None,
                actor_agency_id: None,
                action: "read".into(),
                record_type: Some("child".into()),
                record_id: Some(format!("child-{seq}")),
                request_id: None,
                detail: None,
            };
            let hash = chain_hash(&prev, &entry);
            entries.push((entry, prev, hash.clone()));
            prev = hash;
        }
        entries
    }

    fn walk_against(
        entries: &[(AuditRecord, String, String)],
        anchor: Option<ChainAnchor>,
        head: &ChainAnchor,
    ) -> ChainReport {
        let mut walk = ChainWalk::new(anchor);
        for (record, prev, hash) in entries {
            walk.check(record, prev, hash);
        }
        walk.finish(head)
    }

    fn head_of_five() -> ChainAnchor {
        ChainAnchor {
            entries: 5,
            hash: chain(5)[4].2.clone(),
        }
    }

    fn report(ok: bool, entries_checked: i64, first_bad_entry: Option<i64>) -> ChainReport {
        ChainReport {
            ok,
            entries_checked,
            first_bad_entry,
        }
    }

    #[test]
    fn a_walk_reports_the_seq_of_the_first_bad_entry() {
        let head = head_of_five();
        assert_eq!(walk_against(&chain(5), None, &head), report(true, 5, None));
        let mut edited = chain(5);
        edited[3].0.action = "nothing".into();
        assert_eq!(
            walk_against(&edited, None, &head),
            report(false, 3, Some(4))
        );
        let mut gap = chain(5);
        gap.remove(1);
        assert_eq!(walk_against(&gap, None, &head), report(false, 1, Some(2)));
        let mut swapped = chain(5);
        let (first, second) = (swapped[1].0.clone(), swapped[3].0.clone());
        swapped[1].0 = AuditRecord { seq: 2, ..second };
        swapped[3].0 = AuditRecord { seq: 4, ..first };
        assert_eq!(
            walk_against(&swapped, None, &head),
            report(false, 1, Some(2))
        );
    }

    #[test]
    fn a_walk_finds_entries_cut_off_or_appended_behind_the_head() {
        let head = head_of_five();
        assert_eq!(
            walk_against(&chain(6), None, &head),
            report(false, 6, Some(6))
        );
        assert_eq!(
            walk_against(&chain(3), None, &head),
            report(false, 3, Some(4))
        );
        let moved_head = ChainAnchor {
            entries: 5,
            hash: GENESIS_HASH.into(),
        };
        assert_eq!(
            walk_against(&chain(5), None, &moved_head).first_bad_entry,
            Some(5)
        );
        let empty = ChainAnchor {
            entries: 0,
            hash: GENESIS_HASH.into(),
        };
        assert_eq!(walk_against(&[], None, &empty), report(true, 0, None));
    }

    #[test]
    fn a_walk_checks_the_anchor_kept_elsewhere() {
        let anchor = |entries: i64| ChainAnchor {
            entries,
            hash: chain(entries)
                .last()
                .map(|(_, _, hash)| hash.clone())
                .unwrap_or_default(),
        };
        let head = head_of_five();
        assert!(walk_against(&chain(5), Some(anchor(4)), &head).ok);
        assert!(walk_against(&chain(5), Some(anchor(5)), &head).ok);
        let truncated = ChainAnchor {
            entries: 3,
            hash: chain(3)[2].2.clone(),
        };
        let report_cut = walk_against(&chain(3), Some(anchor(5)), &truncated);
        assert_eq!(report_cut, report(false, 3, Some(4)));

        // Rewritten from seq 2 on, head included: only the anchor kept elsewhere shows it.
        let mut rewritten = chain(5);
        rewritten[1].0.detail = Some("forged".into());
        let mut prev = rewritten[0].2.clone();
        for entry in rewritten.iter_mut().skip(1) {
            entry.1 = prev.clone();
            entry.2 = chain_hash(&prev, &entry.0);
            prev = entry.2.clone();
        }
        let forged_head = ChainAnchor {
            entries: 5,
            hash: prev,
        };
        assert_eq!(
            walk_against(&rewritten, None, &forged_head),
            report(true, 5, None)
        );
        let caught = walk_against(&rewritten, Some(anchor(4)), &forged_head);
        assert_eq!(caught, report(false, 5, Some(4)));
    }
}
