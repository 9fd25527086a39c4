//! The application layer: one function per command and query on case records. Every write runs
//! through one [`UnitOfWork`], which writes the record together with its version, history, status
//! transition, audit entry, change-feed entry and webhook events in the caller's transaction. Handlers,
//! the sync batch, seed-demo and retention all call these functions; none of them writes those steps.
//!
//! The domain decides (state machines, rules, access policy); this layer loads, asks the domain, and
//! applies the answer through the unit of work.

pub mod actor;
pub mod alerts;
pub mod case_record;
pub mod children;
pub mod complaints;
pub mod corrections;
pub mod deadlines;
pub mod disclosure;
pub mod events;
pub mod execute;
pub mod feed;
pub mod history;
pub mod incidents;
pub mod milestones;
pub mod purpose;
pub mod referrals;
pub mod retention;
pub mod unit_of_work;

pub use actor::Actor;
pub use case_record::{CaseRecord, Written};
pub use unit_of_work::{StatusMove, UnitOfWork};

use std::collections::BTreeSet;

use cpims_domain::access::Action;
use cpims_domain::records::RecordMeta;

use crate::auth::Authenticated;
use crate::error::ApiError;

/// Refuses with 403, saying who may, when a visible record does not allow the action (invisible
/// records are 404 earlier).
pub fn require(allowed: &BTreeSet<Action>, action: Action) -> Result<(), ApiError> {
    if allowed.contains(&action) {
        Ok(())
    } else {
        Err(ApiError::NotAllowed(action.refusal()))
    }
}

/// 412 unless the stored version is the one the caller last read.
pub fn check_version(current: i64, expected: Option<i64>) -> Result<(), ApiError> {
    match expected {
        Some(expected) if expected != current => Err(ApiError::PreconditionFailed { current }),
        _ => Ok(()),
    }
}

/// The record of kind `R` in the actor's scope (404 otherwise), if the actor may do `action` to it
/// (403 otherwise) and, for any change, it is not anonymised (409 otherwise).
pub fn find_for<R: CaseRecord>(
    work: &mut UnitOfWork<'_>,
    id: &str,
    action: Action,
) -> Result<R, ApiError> {
    let scope = work.actor().scope(R::KIND);
    let vault = work.vault();
    let record = R::find_visible(work.connection(), vault, id, &scope)?;
    require(&R::actions(work.actor().principal()?, &record), action)?;
    if !matches!(action, Action::Read | Action::ViewHistory | Action::Delete) {
        refuse_anonymised(record.meta())?;
    }
    Ok(record)
}

/// 409 for a record retention anonymised: an edit, a status move or a sync could only bring back
/// what the retention policy erased. (Reading it, and deleting it, stay possible.)
pub fn refuse_anonymised(meta: &RecordMeta) -> Result<(), ApiError> {
    match meta.anonymised_at {
        Some(_) => Err(ApiError::Anonymised),
        None => Ok(()),
    }
}

/// Changes a record the actor may update, at the version it last read: `edit` gives the next state
/// from the current one, and `store` keeps it under the kind's rules.
pub fn edit<R: CaseRecord>(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: i64,
    edit: impl FnOnce(&R) -> Result<R, ApiError>,
    store: impl FnOnce(&mut UnitOfWork<'_>, R, R) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    let current: R = find_for(work, id, Action::Update)?;
    check_version(current.meta().version, Some(expected_version))?;
    let next = edit(&current)?;
    store(work, current, next)
}

/// Creates the records that passed their checks together, in one statement per table inside a
/// savepoint (a bureau's first sync is thousands of new records). Should that be refused (another
/// writer took one of the external ids meanwhile, say), it is rolled back and the records are created
/// one at a time with `alone`, so that only the offending record fails.
pub fn create_together<R: CaseRecord>(
    work: &mut UnitOfWork<'_>,
    checked: Vec<Result<R, ApiError>>,
    alone: impl Fn(&mut UnitOfWork<'_>, &R) -> Result<(), ApiError>,
) -> Result<Vec<Result<R, ApiError>>, ApiError> {
    let outcome = {
        let ready: Vec<&R> = checked.iter().filter_map(|c| c.as_ref().ok()).collect();
        if ready.is_empty() {
            return Ok(checked);
        }
        work.savepoint(|work| work.create(&ready))
    };
    match outcome {
        Ok(()) => Ok(checked),
        Err(error) if error.refuses_the_record() => Ok(checked
            .into_iter()
            .map(|check| {
                let record = check?;
                work.savepoint(|work| alone(work, &record))?;
                Ok(record)
            })
            .collect()),
        Err(error) => Err(error),
    }
}

/// The calendar day in Pakistan (Asia/Karachi) at `now` (UTC): ages and days count in local time.
pub fn pakistan_date(now: chrono::NaiveDateTime) -> chrono::NaiveDate {
    now.and_utc()
        .with_timezone(&cpims_domain::deadlines::pakistan())
        .date_naive()
}

/// Today's date in UTC, for date rules.
pub fn today() -> chrono::NaiveDate {
    cpims_db::page::now().date()
}

/// Bookkeeping for a record the caller is creating in its own agency at `now`.
pub fn new_meta(caller: &Authenticated, now: chrono::NaiveDateTime) -> RecordMeta {
    RecordMeta {
        id: cpims_db::page::new_id(),
        agency_id: caller.0.agency_id.clone(),
        external_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: Some(caller.0.user_id.clone()),
        anonymised_at: None,
    }
}
