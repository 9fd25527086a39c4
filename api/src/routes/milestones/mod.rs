//! `/api/v1/incidents/{id}/milestones`: dated steps of a case that deadlines are measured by.

pub mod create;
pub mod dto;
pub mod list;
pub mod withdraw;

use crate::app::milestones::Recorded;
use crate::app::UnitOfWork;
use crate::error::ApiError;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::routes::incidents::dto::IncidentResponse;
use cpims_domain::access::RecordKind;
use dto::MilestoneWritten;

/// The answer to a recording or a withdrawal, read in its unit of work.
fn written(work: &mut UnitOfWork<'_>, recorded: Recorded) -> Result<MilestoneWritten, ApiError> {
    let time = work.time().clone();
    let incident = IncidentResponse::from(recorded.incident);
    let incident = one_with_deadlines(work.connection(), &time, RecordKind::Incident, incident)?;
    Ok(MilestoneWritten {
        milestone: recorded.milestone.into(),
        incident_version: incident.version,
        deadlines: incident.deadlines,
    })
}
