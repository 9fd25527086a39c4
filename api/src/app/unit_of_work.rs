//! The unit of work: the one place a case record's write and everything that must commit with it are
//! written (version, row, status transition, history, audit entry, change feed, webhook events). A
//! command decides what changes and calls [`UnitOfWork::create`], [`UnitOfWork::update`],
//! [`UnitOfWork::transition`] or [`UnitOfWork::delete`]; it never lists those steps itself.

use chrono::NaiveDateTime;
use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::repo::changes::ChangeKind;
use cpims_db::repo::history as history_rows;
use cpims_db::repo::transitions::{self, Transition};
use cpims_db::{AnyConnection, Vault};
use cpims_domain::access::RecordKind;
use cpims_domain::case::ReferralStatus;

use super::case_record::{CaseRecord, Written};
use super::deadlines::Timekeeping;
use super::{feed, history, Actor};
use crate::error::ApiError;

/// A record whose personal data retention erased, as its new version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anonymised {
    pub kind: RecordKind,
    pub id: String,
    pub version: i64,
    pub owner: String,
    /// A referral's receiving agency and status.
    pub receiver: Option<(String, Option<ReferralStatus>)>,
}

/// A status change, recorded as a transition row with who, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMove {
    pub from: &'static str,
    pub to: &'static str,
    pub note: Option<String>,
    pub closure_reason: Option<String>,
}

/// One actor's writes inside one database transaction.
pub struct UnitOfWork<'a> {
    connection: &'a mut AnyConnection,
    vault: &'a Vault,
    actor: Actor<'a>,
    time: Timekeeping,
}

impl<'a> UnitOfWork<'a> {
    /// A unit of work on a connection that is already inside a write transaction.
    pub fn new(
        connection: &'a mut AnyConnection,
        vault: &'a Vault,
        actor: Actor<'a>,
        time: Timekeeping,
    ) -> Self {
        UnitOfWork {
            connection,
            vault,
            actor,
            time,
        }
    }

    /// For lookups a command makes before deciding.
    pub fn connection(&mut self) -> &mut AnyConnection {
        self.connection
    }

    pub fn vault(&self) -> &'a Vault {
        self.vault
    }

    pub fn actor(&self) -> Actor<'a> {
        self.actor
    }

    /// The same transaction for another actor (a demo partner answering a referral in seed-demo).
    pub fn acting_as<'b>(&'b mut self, actor: Actor<'b>) -> UnitOfWork<'b> {
        UnitOfWork::new(self.connection, self.vault, actor, self.time.clone())
    }

    /// Runs `work` in a savepoint: when it fails, nothing it wrote stays (one item of a batch).
    pub fn savepoint<T>(
        &mut self,
        work: impl FnOnce(&mut UnitOfWork<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let (vault, actor, time) = (self.vault, self.actor, self.time.clone());
        cpims_db::savepoint(self.connection, |connection| {
            work(&mut UnitOfWork::new(connection, vault, actor, time))
        })
    }

    /// The time the unit of work stamps on what it writes (one instant for all of it).
    pub fn now(&self) -> NaiveDateTime {
        self.time.now
    }

    /// The time and the deadline rules in force.
    pub fn time(&self) -> &Timekeeping {
        &self.time
    }

    /// Stores new records (version 1): their rows, one creation snapshot each, a `create` audit
    /// entry each, and the change feed; one statement per table.
    pub fn create<R: CaseRecord>(&mut self, records: &[&R]) -> Result<(), ApiError> {
        R::insert_rows(self.connection, self.vault, records).map_err(external_id_conflict)?;
        let (by, by_agency) = self.actor.author();
        let mut entries = Vec::with_capacity(records.len());
        let mut events = Vec::with_capacity(records.len());
        for record in records {
            let meta = record.meta();
            let wire = R::Wire::from((*record).clone());
            let at = (meta.id.as_str(), 1, self.time.now);
            let author = (by.as_str(), by_agency.as_str());
            entries.extend(history::entries(author, R::KIND, at, None, &wire)?);
            events.push(self.actor.audit("create", R::KIND, &meta.id));
        }
        history_rows::insert_all(self.connection, self.vault, &entries)?;
        audit::append(self.connection, &events)?;
        R::keep_deadlines(self.connection, &self.time, &Written::Created(records))?;
        R::publish(
            self.connection,
            self.vault,
            &self.time,
            Written::Created(records),
        )
    }

    /// Stores `after` as the next version of `before`; answers what was stored.
    pub fn update<R: CaseRecord>(&mut self, before: &R, after: R) -> Result<R, ApiError> {
        self.write_next(before, after, None)
    }

    /// Stores `after`, a status move of `before`, as its next version with the transition row.
    pub fn transition<R: CaseRecord>(
        &mut self,
        before: &R,
        after: R,
        movement: StatusMove,
    ) -> Result<R, ApiError> {
        self.write_next(before, after, Some(movement))
    }

    /// Records a step of a record that is not one of its fields (a milestone recorded or withdrawn) as
    /// its next version: a history entry for `field` (`change` = old and new value), an audit entry
    /// `action`, its deadlines recomputed and the change feed. The caller need not send `If-Match`:
    /// the step is appended, not an edit of what the caller read.
    pub fn annotate<R: CaseRecord>(
        &mut self,
        record: &R,
        action: &'static str,
        field: &str,
        change: (Option<String>, Option<String>),
    ) -> Result<R, ApiError> {
        let author = self.actor.user()?;
        let now = self.now();
        let mut after = record.clone();
        let expected_version = record.meta().version;
        after.meta_mut().version = expected_version + 1;
        after.meta_mut().updated_at = now;
        R::update_row(self.connection, self.vault, &after, expected_version).map_err(|error| {
            match error {
                cpims_db::DbError::VersionMismatch { .. } => ApiError::Conflict(
                    "the record changed at the same moment; send the request again".to_owned(),
                ),
                other => other.into(),
            }
        })?;
        let meta = after.meta();
        let entry = history_rows::HistoryEntry {
            id: cpims_db::page::new_id(),
            record_type: R::KIND.as_str().to_owned(),
            record_id: meta.id.clone(),
            version: meta.version,
            field: field.to_owned(),
            old_value: change.0,
            new_value: change.1,
            changed_by: author.0.user_id.clone(),
            changed_by_agency_id: author.0.agency_id.clone(),
            changed_at: now,
        };
        history_rows::insert_all(self.connection, self.vault, &[entry])?;
        audit::append(
            self.connection,
            &[self.actor.audit(action, R::KIND, &meta.id)],
        )?;
        let written = Written::Updated {
            before: record,
            after: &after,
        };
        R::keep_deadlines(self.connection, &self.time, &written)?;
        R::publish(self.connection, self.vault, &self.time, written)?;
        Ok(after)
    }

    /// Soft-deletes a record: everyone who saw it gets a tombstone.
    pub fn delete<R: CaseRecord>(&mut self, record: &R) -> Result<(), ApiError> {
        let meta = record.meta();
        R::soft_delete(self.connection, &meta.id, meta.version, self.now())?;
        let event = self.actor.audit("delete", R::KIND, &meta.id);
        audit::append(self.connection, &[event])?;
        let mut gone = record.clone();
        gone.meta_mut().version += 1;
        let written = Written::Deleted { gone: &gone };
        R::keep_deadlines(self.connection, &self.time, &written)?;
        R::publish(self.connection, self.vault, &self.time, written)
    }

    /// Records that retention erased the personal data of records in place (the rows are rewritten by
    /// the retention repository): an `anonymise` audit entry each, and the change feed, so sync
    /// clients erase their copies too.
    pub fn anonymised(&mut self, records: &[Anonymised]) -> Result<(), ApiError> {
        let events: Vec<AuditEvent> = records
            .iter()
            .map(|record| self.actor.audit("anonymise", record.kind, &record.id))
            .collect();
        audit::append(self.connection, &events)?;
        let mut referrals = Vec::new();
        for record in records {
            match record.kind {
                RecordKind::Child | RecordKind::Incident | RecordKind::Complaint => {
                    feed::case_changed(
                        self.connection,
                        record.kind,
                        (&record.id, record.version, &record.owner),
                        ChangeKind::Upsert,
                        self.time.grants_completed_after,
                    )?
                }
                RecordKind::Referral => referrals.push(record),
            }
        }
        feed::referrals_anonymised(self.connection, &referrals)
    }

    fn write_next<R: CaseRecord>(
        &mut self,
        before: &R,
        mut after: R,
        movement: Option<StatusMove>,
    ) -> Result<R, ApiError> {
        // A job (a correction on upgrade) may write too; history and transitions then name it.
        let (by, by_agency) = self.actor.author();
        let expected_version = before.meta().version;
        let now = self.now();
        after.meta_mut().version = expected_version + 1;
        after.meta_mut().updated_at = now;
        R::update_row(self.connection, self.vault, &after, expected_version)
            .map_err(external_id_conflict)?;
        let meta = after.meta().clone();
        let moved = movement.is_some();
        let action = match movement {
            Some(movement) => {
                let row = Transition {
                    id: cpims_db::page::new_id(),
                    record_type: R::KIND.as_str().to_owned(),
                    record_id: meta.id.clone(),
                    from_status: movement.from.to_owned(),
                    to_status: movement.to.to_owned(),
                    note: movement.note,
                    closure_reason: movement.closure_reason,
                    actor_user_id: by.clone(),
                    actor_agency_id: by_agency.clone(),
                    occurred_at: now,
                };
                transitions::insert(self.connection, self.vault, &row)?;
                "transition"
            }
            None => "update",
        };
        let old = R::Wire::from(before.clone());
        let new = R::Wire::from(after.clone());
        let at = (meta.id.as_str(), meta.version, now);
        let author = (by.as_str(), by_agency.as_str());
        let entries = history::entries(author, R::KIND, at, Some(&old), &new)?;
        history_rows::insert_all(self.connection, self.vault, &entries)?;
        audit::append(
            self.connection,
            &[self.actor.audit(action, R::KIND, &meta.id)],
        )?;
        let written = if moved {
            Written::Moved {
                before,
                after: &after,
            }
        } else {
            Written::Updated {
                before,
                after: &after,
            }
        };
        R::keep_deadlines(self.connection, &self.time, &written)?;
        R::publish(self.connection, self.vault, &self.time, written)?;
        Ok(after)
    }
}

/// A duplicate `external_id` within the agency is a conflict the client can act on.
pub fn external_id_conflict(error: cpims_db::DbError) -> ApiError {
    match error {
        cpims_db::DbError::Duplicate(_) => ApiError::Conflict(
            "external_id is already used by another record of your agency".to_owned(),
        ),
        other => other.into(),
    }
}
