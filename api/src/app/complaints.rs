//! Commands on complaints: register (staff or public), move along the workflow, make a case; and the
//! queries that are not plain reads: routing suggestions and the public status check.

use std::collections::BTreeSet;

use cpims_db::repo::{agencies, complaints, incidents};
use cpims_db::{AnyConnection, DbError, Vault};
use cpims_domain::access::{allowed_actions, Action, ReadScope, RecordFacts, RecordKind};
use cpims_domain::case::IncidentStatus;
use cpims_domain::case::Urgency;
use cpims_domain::complaint::routing::{suggest, Suggestion, Whereabouts};
use cpims_domain::complaint::{
    check_complaint_move, reference, Complaint, ComplaintClosureReason, ComplaintSide,
    ComplaintStatus, MoveProblem, PublicStatus,
};
use cpims_domain::principal::Principal;
use cpims_domain::records::{Child, Incident};
use cpims_domain::user::Role;

use super::{check_version, find_for, StatusMove, UnitOfWork};
use crate::error::ApiError;
use crate::extract::params::trimmed;

/// What the caller may do to a complaint it can see.
pub fn actions(principal: &Principal, complaint: &Complaint) -> BTreeSet<Action> {
    allowed_actions(
        principal,
        &RecordFacts {
            kind: RecordKind::Complaint,
            owner_agency_id: &complaint.meta.agency_id,
            granted_to_caller: false,
            receiving_agency_id: complaint.assigned_agency_id.as_deref(),
            referral_status: None,
        },
    )
}

/// Intake officers, case workers and administrators register complaints for their agency.
pub fn may_register(principal: &Principal) -> bool {
    matches!(
        principal.role,
        Role::Admin | Role::CaseWorker | Role::IntakeOfficer
    )
}

/// A reference no other complaint has: drawn at random, checked, drawn again on the rare clash.
pub fn fresh_reference(connection: &mut AnyConnection, year: i32) -> Result<String, ApiError> {
    for _ in 0..8 {
        let candidate = reference(year, rand::random::<u32>());
        if !complaints::reference_taken(connection, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(ApiError::Internal(
        "no free complaint reference after eight draws".to_owned(),
    ))
}

/// Registers a complaint received by the caller's agency (staff intake), or by the public intake
/// agency with the keyed hash of its tracking code.
pub fn register(
    work: &mut UnitOfWork<'_>,
    complaint: &Complaint,
    tracking_hash: Option<&str>,
) -> Result<(), ApiError> {
    work.create(&[complaint])?;
    if let Some(hash) = tracking_hash {
        complaints::set_tracking_hash(work.connection(), &complaint.meta.id, hash)?;
    }
    Ok(())
}

/// A requested move of a complaint.
#[derive(Debug, Clone, Default)]
pub struct ComplaintMove {
    pub to: Option<ComplaintStatus>,
    pub note: Option<String>,
    pub urgency: Option<Urgency>,
    pub assigned_agency_id: Option<String>,
    pub closure_reason: Option<ComplaintClosureReason>,
    pub duplicate_of: Option<String>,
    pub public_message: Option<String>,
}

/// The sides of a complaint the caller acts on (receiver: triage; assignee: answer).
fn sides(actions: &BTreeSet<Action>) -> Vec<ComplaintSide> {
    let mut sides = Vec::new();
    if actions.contains(&Action::Triage) {
        sides.push(ComplaintSide::Receiver);
    }
    if actions.contains(&Action::AnswerAssignment) {
        sides.push(ComplaintSide::Assignee);
    }
    sides
}

fn refused(from: ComplaintStatus, to: ComplaintStatus, problem: MoveProblem) -> ApiError {
    match problem {
        MoveProblem::Illegal { allowed_next } => ApiError::IllegalTransition {
            from: from.as_str().to_owned(),
            to: to.as_str().to_owned(),
            allowed: allowed_next.iter().map(|s| s.as_str().to_owned()).collect(),
        },
        MoveProblem::NotYourMove(why) => ApiError::NotAllowed(why),
        MoveProblem::ConvertThroughCase => ApiError::Conflict(
            "a complaint becomes a case through POST /api/v1/complaints/{id}/case".to_owned(),
        ),
    }
}

/// Moves a complaint along its workflow at the version the caller last read.
pub fn transition(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: i64,
    requested: ComplaintMove,
) -> Result<Complaint, ApiError> {
    let complaint = find_for::<Complaint>(work, id, Action::Read)?;
    check_version(complaint.meta.version, Some(expected_version))?;
    let to = requested
        .to
        .ok_or_else(|| ApiError::validation("status", "is required"))?;
    let allowed = actions(work.actor().principal()?, &complaint);
    check_complaint_move(complaint.status, to, &sides(&allowed))
        .map_err(|problem| refused(complaint.status, to, problem))?;
    let now = work.now();
    let mut next = complaint.clone();
    next.status = to;
    if let Some(message) = trimmed(requested.public_message) {
        next.public_message = Some(message);
    }
    match to {
        ComplaintStatus::Triaged => {
            next.urgency = Some(
                requested
                    .urgency
                    .ok_or_else(|| ApiError::validation("urgency", "is required when triaging"))?,
            );
            next.triaged_at = complaint.triaged_at.or(Some(now));
            // Back in the queue after a decline: the agency that declined has no further part.
            next.assigned_agency_id = None;
        }
        ComplaintStatus::Assigned => {
            let agency_id = trimmed(requested.assigned_agency_id).ok_or_else(|| {
                ApiError::validation("assigned_agency_id", "is required when assigning")
            })?;
            check_assignee(work.connection(), &agency_id)?;
            next.assigned_agency_id = Some(agency_id);
            next.accepted_at = None;
        }
        ComplaintStatus::Accepted => next.accepted_at = Some(now),
        ComplaintStatus::Declined => {
            if trimmed(requested.note.clone()).is_none() {
                return Err(ApiError::validation(
                    "note",
                    "is required when declining: triage needs the reason",
                ));
            }
        }
        ComplaintStatus::Closed => {
            let reason = requested
                .closure_reason
                .filter(|reason| reason.may_be_given())
                .ok_or_else(|| {
                    ApiError::validation("closure_reason", "is required when closing")
                })?;
            if reason == ComplaintClosureReason::Duplicate {
                let original = trimmed(requested.duplicate_of).ok_or_else(|| {
                    ApiError::validation("duplicate_of", "is required when closing as a duplicate")
                })?;
                check_original(work, &complaint, &original)?;
                next.duplicate_of = Some(original);
            }
            next.closure_reason = Some(reason);
            next.closed_at = Some(now);
        }
        ComplaintStatus::Received | ComplaintStatus::Converted => {}
    }
    let movement = StatusMove {
        from: complaint.status.as_str(),
        to: to.as_str(),
        note: trimmed(requested.note),
        closure_reason: next.closure_reason.map(|r| r.as_str().to_owned()),
    };
    work.transition(&complaint, next, movement)
}

/// The agency a complaint is assigned to must exist and be active.
fn check_assignee(connection: &mut AnyConnection, agency_id: &str) -> Result<(), ApiError> {
    match agencies::find(connection, agency_id) {
        Ok(agency) if agency.active => Ok(()),
        Ok(_) => Err(ApiError::validation(
            "assigned_agency_id",
            "the agency is deactivated",
        )),
        Err(DbError::NotFound) => Err(ApiError::validation("assigned_agency_id", "no such agency")),
        Err(other) => Err(other.into()),
    }
}

/// A duplicate names another complaint the caller can see.
fn check_original(
    work: &mut UnitOfWork<'_>,
    complaint: &Complaint,
    original: &str,
) -> Result<(), ApiError> {
    let unknown = || ApiError::validation("duplicate_of", "no such complaint in your scope");
    if original == complaint.meta.id {
        return Err(ApiError::validation(
            "duplicate_of",
            "a complaint cannot repeat itself",
        ));
    }
    let scope = work.actor().scope(RecordKind::Complaint);
    let vault = work.vault();
    match complaints::find_visible(work.connection(), vault, original, &scope) {
        Ok(_) => Ok(()),
        Err(DbError::NotFound) => Err(unknown()),
        Err(other) => Err(other.into()),
    }
}

/// The child a case is made for: a new one, or one the caller's agency already has.
pub enum CaseChild {
    New(Box<Child>),
    Existing(String),
}

/// Makes a case of an accepted complaint in one unit of work: the child (when new), the incident
/// (linked to the complaint), and the complaint converted and linked to the incident.
pub fn make_case(
    work: &mut UnitOfWork<'_>,
    id: &str,
    expected_version: Option<i64>,
    child: CaseChild,
    build_incident: impl FnOnce(&Complaint, String) -> Incident,
    note: Option<String>,
) -> Result<(Complaint, Incident), ApiError> {
    let complaint = find_for::<Complaint>(work, id, Action::Read)?;
    check_version(complaint.meta.version, expected_version)?;
    let principal = work.actor().principal()?;
    let allowed = actions(principal, &complaint);
    if !allowed.contains(&Action::AnswerAssignment)
        || !cpims_domain::access::may_create_case_records(principal)
    {
        return Err(ApiError::NotAllowed(Action::AnswerAssignment.refusal()));
    }
    if complaint.status != ComplaintStatus::Accepted {
        return Err(refused(
            complaint.status,
            ComplaintStatus::Converted,
            MoveProblem::Illegal {
                allowed_next: complaint.status.allowed_next().to_vec(),
            },
        ));
    }
    let child_id = match child {
        CaseChild::New(child) => {
            super::children::create(work, &child)?;
            child.meta.id.clone()
        }
        CaseChild::Existing(child_id) => child_id,
    };
    let incident = build_incident(&complaint, child_id);
    let dates = cpims_domain::incident::check_incident_dates(
        incident.occurred_on,
        incident.reported_on,
        work.now().date(),
    );
    if let Some((field, message)) = dates.first() {
        let field = if *field == "reported_on" {
            "occurred_on"
        } else {
            field
        };
        return Err(ApiError::validation(field, *message));
    }
    super::incidents::create(work, &incident)?;
    let mut next = complaint.clone();
    next.status = ComplaintStatus::Converted;
    next.incident_id = Some(incident.meta.id.clone());
    next.closure_reason = Some(ComplaintClosureReason::Converted);
    let movement = StatusMove {
        from: complaint.status.as_str(),
        to: ComplaintStatus::Converted.as_str(),
        note: trimmed(note),
        closure_reason: Some(ComplaintClosureReason::Converted.as_str().to_owned()),
    };
    let converted = work.transition(&complaint, next, movement)?;
    Ok((converted, incident))
}

/// Competent agencies for a complaint, best first.
pub fn routing(
    connection: &mut AnyConnection,
    complaint: &Complaint,
) -> Result<Vec<Suggestion>, ApiError> {
    let candidates = agencies::all_active(connection)?;
    Ok(suggest(
        Whereabouts {
            category: &complaint.category,
            province: &complaint.province,
            district: complaint.district.as_deref(),
        },
        &candidates,
    ))
}

/// What a complainant is told: the public status, when it last changed, and the message.
pub struct PublicProgress {
    pub complaint_id: String,
    pub reference: String,
    pub status: PublicStatus,
    pub updated_at: chrono::NaiveDateTime,
    pub message: String,
}

/// The progress of the public complaint `reference` if `tracking_hash` is its code's; `NotFound`
/// for an unknown reference and a wrong code alike, after the same work.
pub fn public_progress(
    connection: &mut AnyConnection,
    vault: &Vault,
    reference: &str,
    tracking_hash: &str,
) -> Result<PublicProgress, ApiError> {
    let found = complaints::tracking_of(connection, reference)?;
    let stored = found
        .as_ref()
        .and_then(|(_, hash)| hash.as_deref())
        .unwrap_or("");
    let matches = same_secret(stored, tracking_hash);
    let Some((id, _)) = found.filter(|_| matches) else {
        return Err(ApiError::NotFound);
    };
    let complaint = complaints::find_visible(connection, vault, &id, &ReadScope::Everything)?;
    let incident_open = match &complaint.incident_id {
        Some(incident_id) => {
            incidents::find_visible(connection, vault, incident_id, &ReadScope::Everything)
                .map(|incident| incident.status != IncidentStatus::Closed)
                .or_else(|error| match error {
                    DbError::NotFound => Ok(false),
                    other => Err(other),
                })?
        }
        None => false,
    };
    let status = complaint.status.public(incident_open);
    Ok(PublicProgress {
        complaint_id: complaint.meta.id,
        reference: complaint.reference,
        status,
        updated_at: complaint.meta.updated_at,
        message: complaint
            .public_message
            .unwrap_or_else(|| status.default_message().to_owned()),
    })
}

/// Compares two hashes in time independent of where they differ.
fn same_secret(stored: &str, offered: &str) -> bool {
    let (a, b) = (stored.as_bytes(), offered.as_bytes());
    let mut difference = a.len() ^ b.len();
    for (index, byte) in b.iter().enumerate() {
        difference |= usize::from(a.get(index).copied().unwrap_or(0) ^ byte);
    }
    difference == 0 && !a.is_empty()
}
