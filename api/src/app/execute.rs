//! Running a command or query off the actix workers: pool checkout and diesel work inside
//! `web::block`, a write transaction around every unit of work, and the audit entry of a denied
//! request.

use actix_web::web;
use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::AnyConnection;
use cpims_domain::access::RecordKind;

use super::{Actor, UnitOfWork};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

/// The record a request names, so a 404 can be audited as a denial of it.
pub struct Target {
    pub kind: RecordKind,
    pub id: String,
    /// What the caller tried: `read`, `update`, `transition`, `delete`, ...
    pub operation: &'static str,
}

impl Target {
    pub fn new(kind: RecordKind, id: &str, operation: &'static str) -> Self {
        Target {
            kind,
            id: id.to_owned(),
            operation,
        }
    }
}

/// Runs `work` with a pooled connection on the blocking thread pool (checkout included).
pub async fn with_connection<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut connection = cpims_db::checkout(&pool)?;
        work(&mut connection)
    })
    .await?
}

/// Runs a command on an existing record: one unit of work for `caller` in a write transaction. A 404
/// (out of scope or unknown: not told apart) is audited as a denial of `target`.
pub async fn command<T, F>(
    state: &AppState,
    caller: Authenticated,
    target: Target,
    work: F,
) -> Result<T, ApiError>
where
    F: FnOnce(&mut UnitOfWork<'_>) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let denial = caller.denial(target.kind, &target.id, target.operation);
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let outcome = with_connection(state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            work(&mut UnitOfWork::new(
                connection,
                &vault,
                Actor::User(&caller),
                time,
            ))
        })
    })
    .await;
    audit_denial(state, denial, outcome).await
}

/// Runs a command that names no existing record (a referral's creation, a sync batch) in a write
/// transaction.
pub async fn write<T, F>(state: &AppState, caller: Authenticated, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut UnitOfWork<'_>) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let vault = state.vault.clone();
    let time = state.timekeeping();
    with_connection(state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            work(&mut UnitOfWork::new(
                connection,
                &vault,
                Actor::User(&caller),
                time,
            ))
        })
    })
    .await
}

/// Runs a command that creates one record. On SQLite, concurrent creates share one commit (each in
/// its own savepoint; see `background::write_batch`), since one writer at a time would otherwise queue
/// every create behind the last one's commit.
pub async fn create<T, F>(state: &AppState, caller: Authenticated, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut UnitOfWork<'_>) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let work = move |connection: &mut AnyConnection| {
        work(&mut UnitOfWork::new(
            connection,
            &vault,
            Actor::User(&caller),
            time,
        ))
    };
    match &state.sqlite_creates {
        Some(batcher) => batcher.run(work).await,
        None => {
            with_connection(state, move |connection| {
                cpims_db::write_transaction(connection, work)
            })
            .await
        }
    }
}

/// Passes `outcome` through, first recording `denial` when it is a 404 (the record is outside the caller's
/// scope, or unknown: the two are not told apart, as the answer does not tell them apart either). The
/// entry is appended in its own small write transaction, so it stays although the request fails.
pub async fn audit_denial<T>(
    state: &AppState,
    denial: AuditEvent,
    outcome: Result<T, ApiError>,
) -> Result<T, ApiError> {
    if !matches!(outcome, Err(ApiError::NotFound)) {
        return outcome;
    }
    with_connection(state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            Ok(audit::append(connection, &[denial])?)
        })
    })
    .await?;
    outcome
}
