//! `GET /api/v1/deadlines`

use actix_web::{web, HttpResponse};
use cpims_db::repo::deadlines::{self, QueueFilter, StateFilter, StoredDeadline};
use cpims_domain::access::{read_scope, RecordKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::DeadlineView;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::list_query::ListQuery;
use crate::extract::params::{encode_cursor, page_request, utc};
use crate::state::AppState;

/// Filters of the work queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    /// One or more of `open`, `due_soon`, `overdue`, `met`, `met_late`, `not_applicable`,
    /// comma-separated or as repeated keys; by default every applicable deadline (all but
    /// `not_applicable`).
    #[param(
        pattern = r"^(open|due_soon|overdue|met|met_late|not_applicable)(,(open|due_soon|overdue|met|met_late|not_applicable))*$"
    )]
    pub state: Option<String>,
    /// A rule code (see `deadline_rules` in the taxonomy).
    pub rule: Option<String>,
    /// `incident` or `referral` (`complaint` once complaints exist).
    #[param(pattern = "^(incident|referral|complaint)$")]
    pub record_type: Option<String>,
    pub province: Option<String>,
    /// The agency that owns the record.
    pub agency_id: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: the id of its last deadline.
    #[param(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub cursor: Option<String>,
}

/// A deadline in the work queue, with the record it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedDeadline {
    pub id: String,
    /// `incident` or `referral`.
    pub record_type: String,
    pub record_id: String,
    /// The agency that owns the record.
    pub agency_id: String,
    pub province: String,
    pub district: Option<String>,
    /// When its clock started.
    pub started_at: chrono::DateTime<chrono::Utc>,
    #[serde(flatten)]
    pub deadline: DeadlineView,
}

/// A page of the work queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineQueue {
    pub data: Vec<QueuedDeadline>,
    pub next_cursor: Option<String>,
}

/// The work queue: deadlines of the records the caller may read, soonest due first (not applicable
/// ones last), with where each stands now. A case worker's "what is late or about to be":
/// `?state=overdue,due_soon`.
#[utoipa::path(
    get,
    path = "/api/v1/deadlines",
    tag = "deadlines",
    params(DeadlineQuery),
    responses(
        (status = 200, description = "A page of deadlines", body = DeadlineQueue),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_deadlines(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: ListQuery<DeadlineQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let filter = filter_of(&query)?;
    let scopes = (
        read_scope(&caller.0, RecordKind::Incident),
        read_scope(&caller.0, RecordKind::Referral),
        read_scope(&caller.0, RecordKind::Complaint),
    );
    let time = state.timekeeping();
    let now = time.now;
    let page = with_connection(&state, move |connection| {
        let after = match &page.before_id {
            Some(id) => Some(deadlines::cursor_at(connection, id).map_err(
                |error| match error {
                    cpims_db::DbError::NotFound => ApiError::validation(
                        "cursor",
                        "names no deadline (it may have been removed)",
                    ),
                    other => other.into(),
                },
            )?),
            None => None,
        };
        let scopes = (&scopes.0, &scopes.1, &scopes.2);
        Ok(deadlines::queue(
            connection,
            scopes,
            &filter,
            now,
            after.as_ref(),
            page.limit,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DeadlineQueue {
        data: page.items.iter().map(|row| queued(row, &time)).collect(),
        next_cursor: page.next_after.as_deref().map(encode_cursor),
    }))
}

fn queued(row: &StoredDeadline, time: &crate::app::deadlines::Timekeeping) -> QueuedDeadline {
    QueuedDeadline {
        id: row.id.clone(),
        record_type: row.record_type.clone(),
        record_id: row.record_id.clone(),
        agency_id: row.agency_id.clone(),
        province: row.province.clone(),
        district: row.district.clone(),
        started_at: utc(row.started_at),
        deadline: DeadlineView::of(row, time),
    }
}

fn filter_of(query: &DeadlineQuery) -> Result<QueueFilter, ApiError> {
    let mut errors = Vec::new();
    let mut states = Vec::new();
    for code in query.state.iter().flat_map(|list| list.split(',')) {
        match state_filter(code.trim()) {
            Some(state) => states.push(state),
            None => errors.push(FieldError::new(
                "state",
                "one of: open, due_soon, overdue, met, met_late, not_applicable (comma-separated)",
            )),
        }
    }
    let rule = query.rule.clone();
    if rule
        .as_deref()
        .is_some_and(|code| cpims_domain::deadlines::RuleCode::parse(code).is_none())
    {
        errors.push(FieldError::new(
            "rule",
            "not a deadline rule code (see the taxonomy)",
        ));
    }
    let record_type = query.record_type.clone();
    if record_type
        .as_deref()
        .is_some_and(|code| !["incident", "referral", "complaint"].contains(&code))
    {
        errors.push(FieldError::new(
            "record_type",
            "one of: incident, referral, complaint",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(QueueFilter {
        states,
        rule,
        record_type,
        province: query.province.clone(),
        agency_id: query.agency_id.clone(),
    })
}

fn state_filter(code: &str) -> Option<StateFilter> {
    Some(match code {
        "open" => StateFilter::Open,
        "due_soon" => StateFilter::DueSoon,
        "overdue" => StateFilter::Overdue,
        "met" => StateFilter::Met,
        "met_late" => StateFilter::MetLate,
        "not_applicable" => StateFilter::NotApplicable,
        _ => return None,
    })
}
