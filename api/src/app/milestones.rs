//! Commands and queries on milestones: dated steps of an incident that the law or policy times.
//! Recording or withdrawing one is a new version of the incident (history, audit, feed) and
//! recomputes its deadlines, in one unit of work.

use chrono::NaiveDateTime;
use cpims_db::repo::milestones::{self, Milestone, Withdrawal};
use cpims_db::repo::referrals;
use cpims_domain::access::{Action, RecordKind};
use cpims_domain::deadlines::{
    check_milestone_time, may_record_milestone, MilestoneType, MILESTONE_SERVICES, WORKING_STATUSES,
};
use cpims_domain::records::Incident;
use serde_json::json;

use super::{CaseRecord, UnitOfWork};
use crate::error::ApiError;

/// A milestone to record.
#[derive(Debug, Clone)]
pub struct NewMilestone {
    pub kind: MilestoneType,
    pub at: NaiveDateTime,
    pub note: Option<String>,
}

/// What a recording or a withdrawal leaves: the milestone and the incident's new version.
pub struct Recorded {
    pub milestone: Milestone,
    pub incident: Incident,
}

const REFUSAL: &str = "only the incident's owning agency, or an agency working a police or court \
                       referral of it, may record or withdraw its milestones";

/// The incident, if the actor sees it (404 otherwise) and may record its milestones (403 otherwise).
fn incident_for_milestones(work: &mut UnitOfWork<'_>, id: &str) -> Result<Incident, ApiError> {
    let scope = work.actor().scope(RecordKind::Incident);
    let vault = work.vault();
    let incident = Incident::find_visible(work.connection(), vault, id, &scope)?;
    let principal = work.actor().principal()?;
    let may_update = Incident::actions(principal, &incident).contains(&Action::Update);
    let answering = !may_update && {
        let statuses: Vec<&str> = WORKING_STATUSES.iter().map(|s| s.as_str()).collect();
        let services: Vec<&str> = MILESTONE_SERVICES.iter().map(|s| s.as_str()).collect();
        let agency = principal.agency_id.clone();
        referrals::agency_holds(work.connection(), id, &agency, &statuses, &services)?
    };
    if may_record_milestone(work.actor().principal()?, may_update, answering) {
        super::refuse_anonymised(&incident.meta)?;
        Ok(incident)
    } else {
        Err(ApiError::NotAllowed(REFUSAL))
    }
}

/// Records a milestone of an incident.
pub fn record(
    work: &mut UnitOfWork<'_>,
    incident_id: &str,
    input: NewMilestone,
) -> Result<Recorded, ApiError> {
    let incident = incident_for_milestones(work, incident_id)?;
    check_milestone_time(
        input.at.and_utc(),
        incident.occurred_on,
        work.now().and_utc(),
    )
    .map_err(|message| ApiError::validation("at", message))?;
    let author = work.actor().user()?;
    let milestone = Milestone {
        id: cpims_db::page::new_id(),
        incident_id: incident.meta.id.clone(),
        milestone_type: input.kind.as_str().to_owned(),
        at: input.at,
        note: input
            .note
            .map(|note| note.trim().to_owned())
            .filter(|note| !note.is_empty()),
        recorded_by: author.0.user_id.clone(),
        recorded_by_agency_id: author.0.agency_id.clone(),
        recorded_at: work.now(),
        withdrawn_at: None,
        withdrawn_by: None,
        withdrawal_reason: None,
    };
    let vault = work.vault();
    milestones::insert(work.connection(), vault, &milestone)?;
    let change = (None, Some(summary(&milestone)));
    let incident = work.annotate(&incident, "milestone_record", "milestones", change)?;
    Ok(Recorded {
        milestone,
        incident,
    })
}

/// Withdraws a standing milestone with a reason; the deadlines it met open again.
pub fn withdraw(
    work: &mut UnitOfWork<'_>,
    incident_id: &str,
    milestone_id: &str,
    reason: String,
) -> Result<Recorded, ApiError> {
    let incident = incident_for_milestones(work, incident_id)?;
    let vault = work.vault();
    let standing = milestones::find(work.connection(), vault, &incident.meta.id, milestone_id)?;
    if standing.withdrawn_at.is_some() {
        return Err(ApiError::Conflict(
            "the milestone is already withdrawn".to_owned(),
        ));
    }
    let withdrawal = Withdrawal {
        at: work.now(),
        by: work.actor().user()?.0.user_id.clone(),
        reason: reason.trim().to_owned(),
    };
    milestones::withdraw(work.connection(), vault, milestone_id, &withdrawal)?;
    let change = (Some(summary(&standing)), None);
    let incident = work.annotate(&incident, "milestone_withdraw", "milestones", change)?;
    let milestone = milestones::find(work.connection(), vault, &incident.meta.id, milestone_id)?;
    Ok(Recorded {
        milestone,
        incident,
    })
}

/// An incident's milestones, withdrawn ones included (the incident must be visible: 404 otherwise).
pub fn of_incident(
    work: &mut UnitOfWork<'_>,
    incident_id: &str,
) -> Result<(Incident, Vec<Milestone>), ApiError> {
    let scope = work.actor().scope(RecordKind::Incident);
    let vault = work.vault();
    let incident = Incident::find_visible(work.connection(), vault, incident_id, &scope)?;
    let all = milestones::of_incident(work.connection(), vault, &incident.meta.id)?;
    Ok((incident, all))
}

/// How a milestone appears in the incident's history: what and when, never the note.
fn summary(milestone: &Milestone) -> String {
    json!({
        "id": milestone.id,
        "type": milestone.milestone_type,
        "at": milestone.at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
    .to_string()
}
