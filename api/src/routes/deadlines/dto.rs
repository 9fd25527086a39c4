//! Deadlines as records carry them and the work queue lists them.

use chrono::{DateTime, Utc};
use cpims_db::repo::deadlines::StoredDeadline;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::deadlines::Timekeeping;

/// A deadline of a record: which rule, when it falls due, when it was met, and where it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DeadlineView {
    /// The rule's code (see `deadline_rules` in `GET /api/v1/taxonomy`).
    pub rule: String,
    /// When it falls due (UTC); null when the deadline is not applicable.
    pub due_at: Option<DateTime<Utc>>,
    /// When the event that meets it happened; null while unmet.
    pub met_at: Option<DateTime<Utc>>,
    /// `open`, `due_soon`, `overdue`, `met`, `met_late` or `not_applicable`.
    #[schema(example = "open")]
    pub state: String,
}

impl DeadlineView {
    pub fn of(row: &StoredDeadline, time: &Timekeeping) -> Self {
        DeadlineView {
            rule: row.rule.clone(),
            due_at: row.due_at.map(|at| at.and_utc()),
            met_at: row.met_at.map(|at| at.and_utc()),
            state: time.state_of(row).as_str().to_owned(),
        }
    }
}

/// A response that carries its record's deadlines.
pub trait CarriesDeadlines {
    fn record_id(&self) -> &str;
    fn deadlines_mut(&mut self) -> &mut Vec<DeadlineView>;
}

/// Puts each stored deadline on the response of its record.
pub fn attach<T: CarriesDeadlines>(
    responses: &mut [T],
    rows: &[StoredDeadline],
    time: &Timekeeping,
) {
    for response in responses.iter_mut() {
        let id = response.record_id().to_owned();
        *response.deadlines_mut() = rows
            .iter()
            .filter(|row| row.record_id == id)
            .map(|row| DeadlineView::of(row, time))
            .collect();
    }
}

/// `responses` of records of `kind` with their stored deadlines, read on `connection` (inside the
/// request's transaction, after its write).
pub fn with_deadlines<T: CarriesDeadlines>(
    connection: &mut cpims_db::AnyConnection,
    time: &Timekeeping,
    kind: cpims_domain::access::RecordKind,
    mut responses: Vec<T>,
) -> Result<Vec<T>, crate::error::ApiError> {
    let ids: Vec<String> = responses.iter().map(|r| r.record_id().to_owned()).collect();
    let rows = crate::app::deadlines::stored(connection, kind, &ids)?;
    attach(&mut responses, &rows, time);
    Ok(responses)
}

/// One response with its record's stored deadlines.
pub fn one_with_deadlines<T: CarriesDeadlines>(
    connection: &mut cpims_db::AnyConnection,
    time: &Timekeeping,
    kind: cpims_domain::access::RecordKind,
    response: T,
) -> Result<T, crate::error::ApiError> {
    with_deadlines(connection, time, kind, vec![response])?
        .pop()
        .ok_or_else(|| crate::error::ApiError::Internal("a response went missing".to_owned()))
}
