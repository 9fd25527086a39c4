//! `GET /api/v1/sync/changes`

use actix_web::{web, HttpResponse};
use cpims_db::repo::changes::since;
use cpims_db::repo::{children, complaints, incidents, referrals};
use cpims_domain::access::{read_scope, RecordKind};
use cpims_domain::user::Role;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::app::deadlines::Timekeeping;
use crate::app::disclosure::Disclosure;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::{decode_seq_cursor, encode_seq_cursor};
use crate::extract::purpose::Purpose;
use crate::routes::children::dto::ChildResponse;
use crate::routes::complaints::dto::ComplaintResponse;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::routes::incidents::dto::IncidentResponse;
use crate::routes::referrals::dto::ReferralResponse;
use crate::state::AppState;

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;

/// Where to continue the feed.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `next_cursor` of the previous page, a position in the feed (decimal); the changes after it
    /// follow. Absent (or `0`) to start from the beginning.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub since: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Read by the `Purpose` extractor (`extract/purpose.rs`), which the contract documents on every
    /// operation that takes it; here only so that the query is not refused as unknown.
    #[param(ignore)]
    pub purpose: Option<String>,
    #[param(ignore)]
    pub purpose_reference: Option<String>,
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeItem {
    /// `child`, `incident` or `referral`.
    pub record_type: String,
    pub id: String,
    /// The record's version this change produced.
    pub version: i64,
    /// `upsert`, or `tombstone` when the record was deleted or left the caller's scope.
    pub change: String,
    /// The record as the caller may see it now; absent for tombstones.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub record: Option<Value>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeList {
    pub data: Vec<ChangeItem>,
    /// Pass as `since` to continue; the same cursor comes back when nothing new has been committed.
    pub next_cursor: String,
}

/// Every change to children, incidents and referrals visible to the caller, in commit order, with
/// tombstones for deletions and for records that left the caller's scope. A change that commits late
/// is never skipped: positions are handed out in commit order.
#[utoipa::path(
    get,
    path = "/api/v1/sync/changes",
    tag = "sync",
    params(ChangesQuery),
    responses(
        (status = 200, description = "A page of changes", body = ChangeList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role sees no case records", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn changes(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let audience = match caller.0.role {
        Role::Analyst => return Err(ApiError::Forbidden),
        Role::Admin | Role::Monitor => None,
        _ => Some(caller.0.agency_id.clone()),
    };
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let after = query
        .since
        .as_deref()
        .map(|since| decode_seq_cursor("since", since))
        .transpose()?
        .unwrap_or(0);
    let vault = state.vault.clone();
    let time = state.timekeeping();
    let page = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let entries = since(connection, after, limit, audience.as_deref())?;
            let caller = caller.reading_all(&purpose, case_record_audiences(&entries))?;
            let mut items = Vec::with_capacity(entries.len());
            let mut reads = Vec::new();
            for entry in &entries {
                let record = if entry.change == "upsert" {
                    current(
                        connection,
                        &vault,
                        (&caller, &time),
                        &entry.record_type,
                        &entry.record_id,
                    )?
                } else {
                    None
                };
                if record.is_some() {
                    reads.push((entry.record_type.clone(), entry.record_id.clone()));
                }
                items.push(ChangeItem {
                    record_type: entry.record_type.clone(),
                    id: entry.record_id.clone(),
                    version: entry.version,
                    change: if record.is_some() {
                        "upsert"
                    } else {
                        "tombstone"
                    }
                    .to_owned(),
                    record,
                });
            }
            let events: Vec<_> = reads
                .iter()
                .map(|(kind, id)| caller.audit_of("read", Some(kind), Some(id)))
                .collect();
            cpims_db::repo::audit::append(connection, &events)?;
            let last = entries.last().map_or(after, |entry| entry.seq);
            Ok(ChangeList {
                data: items,
                next_cursor: encode_seq_cursor(last),
            })
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// For each change that may carry a child, an incident or a referral, the agencies it belongs to
/// (its audience): what decides whether a nation-wide reader needs a purpose. Tombstones carry no
/// record; complaints are not case records.
fn case_record_audiences(
    entries: &[cpims_db::repo::changes::ChangeRow],
) -> impl Iterator<Item = impl Iterator<Item = &str>> {
    entries
        .iter()
        .filter(|entry| {
            entry.change == "upsert" && entry.record_type != RecordKind::Complaint.as_str()
        })
        .map(|entry| {
            entry
                .audience
                .split(',')
                .filter(|agency| !agency.is_empty())
        })
}

/// The record as the caller may see it now (with its deadlines), or `None` when it is gone or out of
/// scope.
fn current(
    connection: &mut cpims_db::AnyConnection,
    vault: &cpims_db::Vault,
    (caller, time): (&Authenticated, &Timekeeping),
    record_type: &str,
    id: &str,
) -> Result<Option<Value>, ApiError> {
    let Some(kind) = RecordKind::parse(record_type) else {
        return Err(ApiError::Internal(format!(
            "the change feed names an unknown record type {record_type:?}"
        )));
    };
    let scope = read_scope(&caller.0, kind);
    let found = match kind {
        RecordKind::Child => children::find_visible(connection, vault, id, &scope)
            .map(|r| serde_json::to_value(ChildResponse::from(r))),
        RecordKind::Incident => match incidents::find_visible(connection, vault, id, &scope) {
            Ok(r) => Ok(serde_json::to_value(one_with_deadlines(
                connection,
                time,
                kind,
                IncidentResponse::from(r),
            )?)),
            Err(error) => Err(error),
        },
        RecordKind::Complaint => match complaints::find_visible(connection, vault, id, &scope) {
            Ok(r) => Ok(serde_json::to_value(one_with_deadlines(
                connection,
                time,
                kind,
                ComplaintResponse::from(r),
            )?)),
            Err(error) => Err(error),
        },
        RecordKind::Referral => match referrals::find_visible(connection, vault, id, &scope) {
            Ok(r) => Ok(serde_json::to_value(one_with_deadlines(
                connection,
                time,
                kind,
                ReferralResponse::from(r),
            )?)),
            Err(error) => Err(error),
        },
    };
    let record = match found {
        Ok(value) => {
            value.map_err(|error| ApiError::Internal(format!("feed encoding: {error}")))?
        }
        Err(cpims_db::DbError::NotFound) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    // The feed shows each record as a single read would: shaped by the caller's need to know, and a
    // tombstone once no referral gives sight of it any more.
    let owner = record
        .get("agency_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Disclosure::of(connection, &scope, kind, time.now, [(id, owner.as_str())])?.shape(id, &record)
}
