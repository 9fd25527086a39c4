//! Idempotency keys: claiming a (caller, key) pair for one request, recording its response for replay,
//! and releasing the claim when the request failed so the client may retry.
//!
//! The claim is a plain INSERT guarded by the primary key, so several server instances on one database
//! agree on which request does the work (MultiConnection has no `ON CONFLICT`, so the unique violation
//! is caught instead).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::vault::Vault;

diesel::table! {
    idempotency_keys (user_id, idempotency_key) {
        user_id -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        state -> Text,
        response_status -> Nullable<Integer>,
        response_content_type -> Nullable<Text>,
        response_etag -> Nullable<Text>,
        response_location -> Nullable<Text>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

const IN_PROGRESS: &str = "in_progress";
const COMPLETED: &str = "completed";

/// The response of a completed request, as recorded for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: i32,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is now this request's: do the work, then [`complete`] or [`release`].
    Claimed,
    /// The key was used for a different request (another method, path, query or body).
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
    /// The first request with this key finished; here is its response.
    Completed(StoredResponse),
}

#[derive(Insertable)]
#[diesel(table_name = idempotency_keys)]
struct NewClaimRow<'a> {
    user_id: &'a str,
    idempotency_key: &'a str,
    request_hash: &'a str,
    state: &'a str,
    created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
struct KeyRow {
    request_hash: String,
    state: String,
    response_status: Option<i32>,
    response_content_type: Option<String>,
    response_etag: Option<String>,
    response_location: Option<String>,
    response_body: Option<String>,
    created_at: NaiveDateTime,
}

/// Claims `key` for `user_id`'s request with hash `request_hash`. A claim created before
/// `expired_before` no longer counts: it is deleted and the key claimed afresh.
pub fn claim(
    connection: &mut AnyConnection,
    vault: &Vault,
    user_id: &str,
    key: &str,
    request_hash: &str,
    now: NaiveDateTime,
    expired_before: NaiveDateTime,
) -> Result<Claim, DbError> {
    // Two rounds: the second follows the removal of an expired (or vanished) claim.
    for _ in 0..2 {
        let inserted = diesel::insert_into(idempotency_keys::table)
            .values(NewClaimRow {
                user_id,
                idempotency_key: key,
                request_hash,
                state: IN_PROGRESS,
                created_at: now,
            })
            .execute(connection);
        match inserted {
            Ok(_) => return Ok(Claim::Claimed),
            Err(error) => match DbError::from(error) {
                DbError::Duplicate(_) => {}
                other => return Err(other),
            },
        }
        let existing = idempotency_keys::table
            .filter(idempotency_keys::user_id.eq(user_id))
            .filter(idempotency_keys::idempotency_key.eq(key))
            .select(KeyRow::as_select())
            .first(connection)
            .optional()?;
        let Some(row) = existing else {
            continue;
        };
        if row.created_at < expired_before {
            diesel::delete(
                idempotency_keys::table
                    .filter(idempotency_keys::user_id.eq(user_id))
                    .filter(idempotency_keys::idempotency_key.eq(key))
                    .filter(idempotency_keys::created_at.eq(row.created_at)),
            )
            .execute(connection)?;
            continue;
        }
        return classify(vault, user_id, key, row, request_hash);
    }
    // Someone else re-claimed the expired key between our delete and insert: treat it as running.
    Ok(Claim::InProgress)
}

/// The record id a stored response body is sealed under: the claim's own key.
pub(crate) fn sealing_id(user_id: &str, key: &str) -> String {
    format!("idempotency:{user_id}:{key}")
}

fn classify(
    vault: &Vault,
    user_id: &str,
    key: &str,
    row: KeyRow,
    request_hash: &str,
) -> Result<Claim, DbError> {
    if row.request_hash != request_hash {
        return Ok(Claim::Mismatch);
    }
    Ok(
        match (row.state.as_str(), row.response_status, row.response_body) {
            (COMPLETED, Some(status), Some(body)) => Claim::Completed(StoredResponse {
                status,
                content_type: row.response_content_type,
                etag: row.response_etag,
                location: row.response_location,
                body: vault.open(&sealing_id(user_id, key), "response_body", &body)?,
            }),
            _ => Claim::InProgress,
        },
    )
}

/// Records the response of the request holding the claim, for replay.
pub fn complete(
    connection: &mut AnyConnection,
    vault: &Vault,
    user_id: &str,
    key: &str,
    request_hash: &str,
    response: &StoredResponse,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    // Replayed bodies hold the records they answered with, personal data included.
    let body = vault.seal(&sealing_id(user_id, key), "response_body", &response.body)?;
    diesel::update(
        idempotency_keys::table
            .filter(idempotency_keys::user_id.eq(user_id))
            .filter(idempotency_keys::idempotency_key.eq(key))
            .filter(idempotency_keys::request_hash.eq(request_hash))
            .filter(idempotency_keys::state.eq(IN_PROGRESS)),
    )
    .set((
        idempotency_keys::state.eq(COMPLETED),
        idempotency_keys::response_status.eq(Some(response.status)),
        idempotency_keys::response_content_type.eq(response.content_type.as_deref()),
        idempotency_keys::response_etag.eq(response.etag.as_deref()),
        idempotency_keys::response_location.eq(response.location.as_deref()),
        idempotency_keys::response_body.eq(Some(body.as_str())),
        idempotency_keys::completed_at.eq(Some(now)),
    ))
    .execute(connection)?;
    Ok(())
}

/// Gives up an unfinished claim so that the client may retry with the same key.
pub fn release(
    connection: &mut AnyConnection,
    user_id: &str,
    key: &str,
    request_hash: &str,
) -> Result<(), DbError> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::user_id.eq(user_id))
            .filter(idempotency_keys::idempotency_key.eq(key))
            .filter(idempotency_keys::request_hash.eq(request_hash))
            .filter(idempotency_keys::state.eq(IN_PROGRESS)),
    )
    .execute(connection)?;
    Ok(())
}
