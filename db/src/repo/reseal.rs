//! Key rotation: re-sealing every stored personal value under the vault's current key, a page of rows
//! per transaction, so that an interrupted run keeps what it did and the next run finishes the rest
//! (rows already under the current key are skipped). Values written before encryption are sealed and
//! their children given blind indexes on the way.
//!
//! A case-record row is rewritten only if its version is still the one read, so a rotation running
//! beside a live server never overwrites a newer change (that row is sealed under whatever key the
//! server uses, and a later run picks it up if that is still an old one).

use cpims_domain::protection::is_sealed_history_field;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::repo::children::lookup_indexes;
use crate::repo::idempotency::{idempotency_keys, sealing_id};
use crate::schema::{
    children, incidents, milestones, record_history, referrals, status_transitions,
};
use crate::transaction::write_transaction;
use crate::vault::Vault;

/// Rows read per transaction.
pub const PAGE_SIZE: i64 = 200;

/// What a run re-sealed, per table, and whether it stopped early at its row budget.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResealReport {
    pub children: usize,
    pub incidents: usize,
    pub referrals: usize,
    pub history_entries: usize,
    pub transition_notes: usize,
    /// Milestones whose note or withdrawal reason was re-sealed.
    pub milestone_texts: usize,
    pub idempotent_responses: usize,
    /// Complaints whose personal fields were re-sealed.
    pub complaints: usize,
    /// True when the run stopped at its budget; run again to finish.
    pub incomplete: bool,
}

impl ResealReport {
    fn total(&self) -> usize {
        self.children
            + self.incidents
            + self.referrals
            + self.history_entries
            + self.transition_notes
            + self.milestone_texts
            + self.idempotent_responses
            + self.complaints
    }
}

/// Re-seals values not yet under the current key, rewriting at most `budget` rows when given.
pub fn reseal_all(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<ResealReport, DbError> {
    let mut report = ResealReport::default();
    let left = |report: &ResealReport| budget.map(|budget| budget.saturating_sub(report.total()));
    report.children = reseal_children(connection, vault, left(&report))?;
    report.incidents = reseal_incidents(connection, vault, left(&report))?;
    report.referrals = reseal_referrals(connection, vault, left(&report))?;
    report.history_entries = reseal_history(connection, vault, left(&report))?;
    report.transition_notes = reseal_transition_notes(connection, vault, left(&report))?;
    report.milestone_texts = reseal_milestone_texts(connection, vault, left(&report))?;
    report.idempotent_responses = reseal_idempotency(connection, vault, left(&report))?;
    report.complaints =
        super::reseal_complaints::reseal_complaints(connection, vault, left(&report))?;
    report.incomplete = left(&report) == Some(0);
    Ok(report)
}

/// Opens and re-seals one value when it needs it; `None` when it is already under the current key.
pub(super) fn resealed(
    vault: &Vault,
    record_id: &str,
    field: &str,
    stored: Option<&str>,
) -> Result<Option<Option<String>>, DbError> {
    match stored {
        Some(stored) if vault.needs_resealing(stored) => {
            let plain = vault.open(record_id, field, stored)?;
            Ok(Some(Some(vault.seal(record_id, field, &plain)?)))
        }
        _ => Ok(None),
    }
}

/// Like [`resealed`], but always returns the value to store (the old one when unchanged).
pub(super) fn reseal_or_keep(
    vault: &Vault,
    record_id: &str,
    field: &str,
    stored: Option<String>,
    changed: &mut bool,
) -> Result<Option<String>, DbError> {
    match resealed(vault, record_id, field, stored.as_deref())? {
        Some(value) => {
            *changed = true;
            Ok(value)
        }
        None => Ok(stored),
    }
}

/// Walks a table's pages in key order; `rewrite` handles one page inside its own transaction and
/// returns how many rows it rewrote. Stops once `budget` rows are rewritten.
pub(super) fn paged<K: Clone>(
    connection: &mut AnyConnection,
    budget: Option<usize>,
    mut page: impl FnMut(
        &mut AnyConnection,
        Option<&K>,
        Option<usize>,
    ) -> Result<(usize, Option<K>), DbError>,
) -> Result<usize, DbError> {
    let mut done = 0;
    let mut after: Option<K> = None;
    loop {
        let left = budget.map(|budget| budget.saturating_sub(done));
        if left == Some(0) {
            return Ok(done);
        }
        let (rewritten, last) = write_transaction(connection, |connection| {
            page(connection, after.as_ref(), left)
        })?;
        done += rewritten;
        match last {
            Some(last) => after = Some(last),
            None => return Ok(done),
        }
    }
}

type ChildSealed = (
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn reseal_children(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<usize, DbError> {
    paged(
        connection,
        budget,
        |connection, after: Option<&String>, left| {
            let mut query = children::table
                .select((
                    children::id,
                    children::version,
                    children::given_name,
                    children::family_name,
                    children::identifier,
                    children::guardian_name,
                    children::guardian_phone,
                    children::name_index,
                    children::identifier_index,
                ))
                .order(children::id.asc())
                .limit(PAGE_SIZE)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(children::id.gt(after.clone()));
            }
            let rows: Vec<ChildSealed> = query.load(connection)?;
            let last = rows.last().map(|row| row.0.clone());
            let mut rewritten = 0;
            for (id, version, given, family, identifier, guardian, phone, name_ix, id_ix) in rows {
                if left.is_some_and(|left| rewritten >= left) {
                    return Ok((rewritten, Some(id)));
                }
                let mut changed = false;
                let given = reseal_or_keep(vault, &id, "given_name", given, &mut changed)?;
                let family = reseal_or_keep(vault, &id, "family_name", family, &mut changed)?;
                let identifier =
                    reseal_or_keep(vault, &id, "identifier", identifier, &mut changed)?;
                let guardian = reseal_or_keep(vault, &id, "guardian_name", guardian, &mut changed)?;
                let phone = reseal_or_keep(vault, &id, "guardian_phone", phone, &mut changed)?;
                let open = |field: &str, value: &Option<String>| {
                    vault.open_optional(&id, field, value.as_deref())
                };
                let (name_index, identifier_index) = lookup_indexes(
                    vault,
                    open("given_name", &given)?.as_deref(),
                    open("family_name", &family)?.as_deref(),
                    open("identifier", &identifier)?.as_deref(),
                );
                changed |= name_index != name_ix || identifier_index != id_ix;
                if !changed {
                    continue;
                }
                rewritten += diesel::update(
                    children::table
                        .filter(children::id.eq(&id))
                        .filter(children::version.eq(version)),
                )
                .set((
                    children::given_name.eq(given),
                    children::family_name.eq(family),
                    children::identifier.eq(identifier),
                    children::guardian_name.eq(guardian),
                    children::guardian_phone.eq(phone),
                    children::name_index.eq(name_index),
                    children::identifier_index.eq(identifier_index),
                ))
                .execute(connection)?;
            }
            Ok((rewritten, last))
        },
    )
}

fn reseal_incidents(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<usize, DbError> {
    paged(
        connection,
        budget,
        |connection, after: Option<&String>, left| {
            let mut query = incidents::table
                .select((incidents::id, incidents::version, incidents::narrative))
                .filter(incidents::narrative.is_not_null())
                .order(incidents::id.asc())
                .limit(PAGE_SIZE)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(incidents::id.gt(after.clone()));
            }
            let rows: Vec<(String, i64, Option<String>)> = query.load(connection)?;
            let last = rows.last().map(|row| row.0.clone());
            let mut rewritten = 0;
            for (id, version, narrative) in rows {
                if left.is_some_and(|left| rewritten >= left) {
                    return Ok((rewritten, Some(id)));
                }
                let Some(narrative) = resealed(vault, &id, "narrative", narrative.as_deref())?
                else {
                    continue;
                };
                rewritten += diesel::update(
                    incidents::table
                        .filter(incidents::id.eq(&id))
                        .filter(incidents::version.eq(version)),
                )
                .set(incidents::narrative.eq(narrative))
                .execute(connection)?;
            }
            Ok((rewritten, last))
        },
    )
}

fn reseal_referrals(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<usize, DbError> {
    paged(
        connection,
        budget,
        |connection, after: Option<&String>, left| {
            let mut query = referrals::table
                .select((referrals::id, referrals::version, referrals::reason))
                .order(referrals::id.asc())
                .limit(PAGE_SIZE)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(referrals::id.gt(after.clone()));
            }
            let rows: Vec<(String, i64, String)> = query.load(connection)?;
            let last = rows.last().map(|row| row.0.clone());
            let mut rewritten = 0;
            for (id, version, reason) in rows {
                if left.is_some_and(|left| rewritten >= left) {
                    return Ok((rewritten, Some(id)));
                }
                let Some(Some(reason)) = resealed(vault, &id, "reason", Some(&reason))? else {
                    continue;
                };
                rewritten += diesel::update(
                    referrals::table
                        .filter(referrals::id.eq(&id))
                        .filter(referrals::version.eq(version)),
                )
                .set(referrals::reason.eq(reason))
                .execute(connection)?;
            }
            Ok((rewritten, last))
        },
    )
}

type HistorySealed = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn reseal_history(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<usize, DbError> {
    paged(
        connection,
        budget,
        |connection, after: Option<&String>, left| {
            let mut query = record_history::table
                .select((
                    record_history::id,
                    record_history::record_type,
                    record_history::record_id,
                    record_history::field,
                    record_history::old_value,
                    record_history::new_value,
                ))
                .order(record_history::id.asc())
                .limit(PAGE_SIZE)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(record_history::id.gt(after.clone()));
            }
            let rows: Vec<HistorySealed> = query.load(connection)?;
            let last = rows.last().map(|row| row.0.clone());
            let mut rewritten = 0;
            for (id, record_type, record_id, field, old_value, new_value) in rows {
                if left.is_some_and(|left| rewritten >= left) {
                    return Ok((rewritten, Some(id)));
                }
                if !is_sealed_history_field(&record_type, &field) {
                    continue;
                }
                let sealed_field = crate::repo::history::sealed_field(&field);
                let mut changed = false;
                let old_value =
                    reseal_or_keep(vault, &record_id, &sealed_field, old_value, &mut changed)?;
                let new_value =
                    reseal_or_keep(vault, &record_id, &sealed_field, new_value, &mut changed)?;
                if !changed {
                    continue;
                }
                // History entries never change after they are written, so no version guard is needed.
                rewritten +=
                    diesel::update(record_history::table.filter(record_history::id.eq(&id)))
                        .set((
                            record_history::old_value.eq(old_value),
                            record_history::new_value.eq(new_value),
                        ))
                        .execute(connection)?;
            }
            Ok((rewritten, last))
        },
    )
}

fn reseal_transition_notes(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<usize, DbError> {
    paged(
        connection,
        budget,
        |connection, after: Option<&String>, left| {
            let mut query = status_transitions::table
                .select((status_transitions::id, status_transitions::note))
                .filter(status_transitions::note.is_not_null())
                .order(status_transitions::id.asc())
                .limit(PAGE_SIZE)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(status_transitions::id.gt(after.clone()));
            }
            let rows: Vec<(String, Option<String>)> = query.load(connection)?;
            let last = rows.last().map(|row| row.0.clone());
            let mut rewritten = 0;
            for (id, note) in rows {
                if left.is_some_and(|left| rewritten >= left) {
                    return Ok((rewritten, Some(id)));
                }
                let Some(note) = resealed(vault, &id, "note", note.as_deref())? else {
                    continue;
                };
                // Transitions never change after they are recorded.
                rewritten += diesel::update(
                    status_transitions::table.filter(status_transitions::id.eq(&id)),
                )
                .set(status_transitions::note.eq(note))
                .execute(connection)?;
            }
            Ok((rewritten, last))
        },
    )
}

fn reseal_milestone_texts(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<usize, DbError> {
    paged(
        connection,
        budget,
        |connection, after: Option<&String>, left| {
            let mut query = milestones::table
                .select((
                    milestones::id,
                    milestones::note,
                    milestones::withdrawal_reason,
                ))
                .filter(
                    milestones::note
                        .is_not_null()
                        .or(milestones::withdrawal_reason.is_not_null()),
                )
                .order(milestones::id.asc())
                .limit(PAGE_SIZE)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(milestones::id.gt(after.clone()));
            }
            let rows: Vec<(String, Option<String>, Option<String>)> = query.load(connection)?;
            let last = rows.last().map(|row| row.0.clone());
            let mut rewritten = 0;
            for (id, note, reason) in rows {
                if left.is_some_and(|left| rewritten >= left) {
                    return Ok((rewritten, Some(id)));
                }
                let mut changed = false;
                let read_reason = reason.clone();
                let note = reseal_or_keep(vault, &id, "note", note, &mut changed)?;
                let reason = reseal_or_keep(vault, &id, "withdrawal_reason", reason, &mut changed)?;
                if !changed {
                    continue;
                }
                // A withdrawal written meanwhile is not overwritten: the row is rewritten only as read.
                let row = milestones::table.filter(milestones::id.eq(&id));
                let values = (
                    milestones::note.eq(note),
                    milestones::withdrawal_reason.eq(reason),
                );
                rewritten += match read_reason {
                    Some(read) => {
                        diesel::update(row.filter(milestones::withdrawal_reason.eq(read)))
                            .set(values)
                            .execute(connection)?
                    }
                    None => diesel::update(row.filter(milestones::withdrawn_at.is_null()))
                        .set(values)
                        .execute(connection)?,
                };
            }
            Ok((rewritten, last))
        },
    )
}

fn reseal_idempotency(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<usize, DbError> {
    paged(
        connection,
        budget,
        |connection, after: Option<&(String, String)>, left| {
            let mut query = idempotency_keys::table
                .select((
                    idempotency_keys::user_id,
                    idempotency_keys::idempotency_key,
                    idempotency_keys::response_body,
                ))
                .filter(idempotency_keys::response_body.is_not_null())
                .order((
                    idempotency_keys::user_id.asc(),
                    idempotency_keys::idempotency_key.asc(),
                ))
                .limit(PAGE_SIZE)
                .into_boxed();
            if let Some((user, key)) = after {
                query = query.filter(
                    idempotency_keys::user_id
                        .gt(user.clone())
                        .or(idempotency_keys::user_id
                            .eq(user.clone())
                            .and(idempotency_keys::idempotency_key.gt(key.clone()))),
                );
            }
            let rows: Vec<(String, String, Option<String>)> = query.load(connection)?;
            let last = rows.last().map(|row| (row.0.clone(), row.1.clone()));
            let mut rewritten = 0;
            for (user_id, key, body) in rows {
                if left.is_some_and(|left| rewritten >= left) {
                    return Ok((rewritten, Some((user_id, key))));
                }
                let sealing = sealing_id(&user_id, &key);
                let Some(resealed_body) =
                    resealed(vault, &sealing, "response_body", body.as_deref())?
                else {
                    continue;
                };
                rewritten += diesel::update(
                    idempotency_keys::table
                        .filter(idempotency_keys::user_id.eq(&user_id))
                        .filter(idempotency_keys::idempotency_key.eq(&key))
                        .filter(idempotency_keys::response_body.eq(body)),
                )
                .set(idempotency_keys::response_body.eq(resealed_body))
                .execute(connection)?;
            }
            Ok((rewritten, last))
        },
    )
}
