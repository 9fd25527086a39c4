//! What the unit of work needs to know of each kind of case record: its rows, the form its history
//! records, and who hears of a change (change feed and webhook events).

use cpims_db::repo::changes::ChangeKind;
use cpims_db::repo::{children, complaints, incidents, referrals};
use cpims_db::{AnyConnection, DbError, Vault};
use std::collections::BTreeSet;

use cpims_domain::access::{Action, ReadScope, RecordKind};
use cpims_domain::complaint::Complaint;
use cpims_domain::principal::Principal;
use cpims_domain::records::{Child, Incident, RecordMeta, Referral};
use serde::Serialize;

use super::deadlines::{self, Timed, Timekeeping};
use super::events::{self, ReferralEvent};
use super::feed;
use crate::error::ApiError;
use crate::routes::children::dto::ChildResponse;
use crate::routes::complaints::dto::ComplaintResponse;
use crate::routes::incidents::dto::IncidentResponse;
use crate::routes::referrals::dto::ReferralResponse;

/// What a unit of work wrote, for the audience to hear of it.
pub enum Written<'a, R> {
    Created(&'a [&'a R]),
    Updated {
        before: &'a R,
        after: &'a R,
    },
    /// A status move (a transition row was written too).
    Moved {
        before: &'a R,
        after: &'a R,
    },
    /// Soft-deleted; `gone` carries the version the deletion took.
    Deleted {
        gone: &'a R,
    },
}

/// A kind of case record the unit of work can write.
pub trait CaseRecord: Clone + Sized {
    const KIND: RecordKind;
    /// The record as clients see it: the history records changes of this form, field by field.
    type Wire: Serialize + From<Self>;

    fn meta(&self) -> &RecordMeta;
    fn meta_mut(&mut self) -> &mut RecordMeta;
    /// What `principal` may do to a record it can see (the access policy's answer).
    fn actions(principal: &Principal, record: &Self) -> BTreeSet<Action>;
    fn find_visible(
        connection: &mut AnyConnection,
        vault: &Vault,
        id: &str,
        scope: &ReadScope,
    ) -> Result<Self, DbError>;
    fn insert_rows(
        connection: &mut AnyConnection,
        vault: &Vault,
        records: &[&Self],
    ) -> Result<(), DbError>;
    fn update_row(
        connection: &mut AnyConnection,
        vault: &Vault,
        record: &Self,
        expected_version: i64,
    ) -> Result<(), DbError>;
    fn soft_delete(
        connection: &mut AnyConnection,
        id: &str,
        expected_version: i64,
        at: chrono::NaiveDateTime,
    ) -> Result<(), DbError>;
    /// Brings the record's deadlines in line with what was written (kinds no rule times keep none).
    fn keep_deadlines(
        _connection: &mut AnyConnection,
        _time: &Timekeeping,
        _written: &Written<'_, Self>,
    ) -> Result<(), ApiError> {
        Ok(())
    }
    /// Tells the change feed and the webhook outbox what was written.
    fn publish(
        connection: &mut AnyConnection,
        vault: &Vault,
        time: &Timekeeping,
        written: Written<'_, Self>,
    ) -> Result<(), ApiError>;
}

/// Children and incidents are seen by their owner and the agencies a live referral grants them to.
fn publish_case<R: CaseRecord>(
    connection: &mut AnyConnection,
    time: &Timekeeping,
    written: &Written<'_, R>,
) -> Result<(), ApiError> {
    let cutoff = time.grants_completed_after;
    let owned = |record: &R| (record.meta().id.clone(), record.meta().agency_id.clone());
    match written {
        Written::Created(records) => {
            let created: Vec<(String, String)> = records.iter().map(|r| owned(r)).collect();
            feed::cases_created(connection, R::KIND, &created)
        }
        Written::Updated { after, .. } | Written::Moved { after, .. } => {
            let meta = after.meta();
            let at = (meta.id.as_str(), meta.version, meta.agency_id.as_str());
            feed::case_changed(connection, R::KIND, at, ChangeKind::Upsert, cutoff)
        }
        Written::Deleted { gone } => {
            let meta = gone.meta();
            let at = (meta.id.as_str(), meta.version, meta.agency_id.as_str());
            feed::case_changed(connection, R::KIND, at, ChangeKind::Tombstone, cutoff)
        }
    }
}

/// Deadlines for kinds that rules time: created with the record, recomputed on every change, removed
/// with it.
fn keep_timed<R: Timed + Clone>(
    connection: &mut AnyConnection,
    time: &Timekeeping,
    written: &Written<'_, R>,
) -> Result<(), ApiError> {
    match written {
        Written::Created(records) => deadlines::created(connection, time, records),
        Written::Updated { after, .. } | Written::Moved { after, .. } => {
            deadlines::refresh(connection, time, *after).map(|_| ())
        }
        Written::Deleted { gone } => deadlines::removed(connection, *gone),
    }
}

/// The row operations of a kind, the same for every kind but for the repository module.
macro_rules! stored_in {
    ($repo:ident, $commands:ident) => {
        fn meta(&self) -> &RecordMeta {
            &self.meta
        }
        fn meta_mut(&mut self) -> &mut RecordMeta {
            &mut self.meta
        }
        fn actions(principal: &Principal, record: &Self) -> BTreeSet<Action> {
            super::$commands::actions(principal, record)
        }
        fn find_visible(
            c: &mut AnyConnection,
            v: &Vault,
            id: &str,
            scope: &ReadScope,
        ) -> Result<Self, DbError> {
            $repo::find_visible(c, v, id, scope)
        }
        fn insert_rows(c: &mut AnyConnection, v: &Vault, rows: &[&Self]) -> Result<(), DbError> {
            $repo::insert_all(c, v, rows)
        }
        fn update_row(
            c: &mut AnyConnection,
            v: &Vault,
            record: &Self,
            expected: i64,
        ) -> Result<(), DbError> {
            $repo::update(c, v, record, expected)
        }
        fn soft_delete(
            c: &mut AnyConnection,
            id: &str,
            expected: i64,
            at: chrono::NaiveDateTime,
        ) -> Result<(), DbError> {
            $repo::soft_delete(c, id, expected, at)
        }
    };
}

impl CaseRecord for Child {
    const KIND: RecordKind = RecordKind::Child;
    type Wire = ChildResponse;
    stored_in!(children, children);

    fn publish(
        c: &mut AnyConnection,
        _: &Vault,
        time: &Timekeeping,
        written: Written<'_, Self>,
    ) -> Result<(), ApiError> {
        publish_case(c, time, &written)
    }
}

impl CaseRecord for Incident {
    const KIND: RecordKind = RecordKind::Incident;
    type Wire = IncidentResponse;
    stored_in!(incidents, incidents);

    fn keep_deadlines(
        c: &mut AnyConnection,
        time: &Timekeeping,
        written: &Written<'_, Self>,
    ) -> Result<(), ApiError> {
        keep_timed(c, time, written)
    }

    fn publish(
        c: &mut AnyConnection,
        _: &Vault,
        time: &Timekeeping,
        written: Written<'_, Self>,
    ) -> Result<(), ApiError> {
        publish_case(c, time, &written)?;
        match written {
            Written::Moved { before, after } => events::incident_status_changed(
                c,
                after,
                before.status,
                time.grants_completed_after,
            ),
            Written::Created(_) | Written::Updated { .. } | Written::Deleted { .. } => Ok(()),
        }
    }
}

impl CaseRecord for Referral {
    const KIND: RecordKind = RecordKind::Referral;
    type Wire = ReferralResponse;
    stored_in!(referrals, referrals);

    fn keep_deadlines(
        c: &mut AnyConnection,
        time: &Timekeeping,
        written: &Written<'_, Self>,
    ) -> Result<(), ApiError> {
        keep_timed(c, time, written)
    }

    fn publish(
        c: &mut AnyConnection,
        v: &Vault,
        time: &Timekeeping,
        written: Written<'_, Self>,
    ) -> Result<(), ApiError> {
        match written {
            Written::Created(records) => records.iter().try_for_each(|referral| {
                feed::referral_changed((c, v, time), referral, None, ReferralEvent::Created)
            }),
            Written::Updated { before, after } => {
                feed::referral_changed((c, v, time), after, Some(before), ReferralEvent::Updated)
            }
            Written::Moved { before, after } => {
                let event = ReferralEvent::StatusChanged {
                    from: before.status,
                };
                feed::referral_changed((c, v, time), after, Some(before), event)
            }
            Written::Deleted { gone } => {
                feed::referral_changed((c, v, time), gone, Some(gone), ReferralEvent::Deleted)
            }
        }
    }
}

impl CaseRecord for Complaint {
    const KIND: RecordKind = RecordKind::Complaint;
    type Wire = ComplaintResponse;
    stored_in!(complaints, complaints);

    fn keep_deadlines(
        c: &mut AnyConnection,
        time: &Timekeeping,
        written: &Written<'_, Self>,
    ) -> Result<(), ApiError> {
        keep_timed(c, time, written)
    }

    fn publish(
        c: &mut AnyConnection,
        _: &Vault,
        _: &Timekeeping,
        written: Written<'_, Self>,
    ) -> Result<(), ApiError> {
        match written {
            Written::Created(records) => records.iter().try_for_each(|complaint| {
                feed::complaint_changed(c, complaint, None)?;
                events::complaint_event(c, complaint, None)
            }),
            Written::Updated { before, after } => {
                feed::complaint_changed(c, after, before.assigned_agency_id.as_deref())
            }
            Written::Moved { before, after } => {
                feed::complaint_changed(c, after, before.assigned_agency_id.as_deref())?;
                events::complaint_event(c, after, Some(before.status))
            }
            // Complaints are closed, never deleted.
            Written::Deleted { gone } => Err(ApiError::Internal(format!(
                "complaint {} cannot be deleted",
                gone.meta.id
            ))),
        }
    }
}
