//! The record-level access policy: what a principal may do to a child, incident or referral, and which
//! rows it may list.
//!
//! This is DESIGN.md's Access table as code. A record outside the caller's scope answers 404, so the
//! policy never distinguishes "may not see" from "does not exist": an empty action set means both.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;

pub mod purpose;

use crate::case::ReferralStatus;
use crate::principal::Principal;
use crate::user::Role;

/// The kinds of case record the policy covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Child,
    Incident,
    Referral,
    Complaint,
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RecordKind {
    /// The record type's name on the wire, in the audit log, the history and the change feed.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Child => "child",
            RecordKind::Incident => "incident",
            RecordKind::Referral => "referral",
            RecordKind::Complaint => "complaint",
        }
    }

    /// Reads a record type name; `None` when it is not one.
    pub fn parse(name: &str) -> Option<RecordKind> {
        Self::ALL.iter().copied().find(|kind| kind.as_str() == name)
    }

    /// Every kind.
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Child,
        RecordKind::Incident,
        RecordKind::Referral,
        RecordKind::Complaint,
    ];

    /// The actions that mean something for this kind; administrators get exactly these.
    pub fn applicable_actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            RecordKind::Child => &[Read, Update, Delete, ViewHistory],
            RecordKind::Incident => &[Read, Update, Delete, ReferOut, ViewHistory],
            RecordKind::Referral => &[
                Read,
                Update,
                Delete,
                TransitionAsReferrer,
                TransitionAsReceiver,
                ViewHistory,
            ],
            RecordKind::Complaint => &[Read, Triage, AnswerAssignment, ViewHistory],
        }
    }
}

/// Something a principal may do to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Read,
    Update,
    Delete,
    /// Create a referral from this incident.
    ReferOut,
    /// Cancel a referral.
    TransitionAsReferrer,
    /// Accept, decline, start or complete a referral.
    TransitionAsReceiver,
    ViewHistory,
    /// Triage, assign or close a complaint (the receiving agency).
    Triage,
    /// Accept or decline an assigned complaint, make it a case (the assigned agency).
    AnswerAssignment,
}

impl Action {
    /// Why a caller who can see a record is refused this action on it: who may do it instead.
    pub fn refusal(self) -> &'static str {
        match self {
            Action::Read => "your role may not read this record",
            Action::Update => {
                "your access to this record is read-only: only its owning agency's case workers and \
                 sync clients, and administrators, may change it"
            }
            Action::Delete => {
                "only the owning agency's case workers and administrators may delete this record"
            }
            Action::ReferOut => "only the agency that owns this incident may refer it",
            Action::TransitionAsReferrer => "only the referring agency may cancel this referral",
            Action::TransitionAsReceiver => {
                "only the receiving agency may accept, decline, start or complete this referral"
            }
            Action::Triage => {
                "only the intake officers and case workers of the agency that received this \
                 complaint may triage, assign or close it"
            }
            Action::AnswerAssignment => {
                "only the case workers of the agency this complaint is assigned to may accept, \
                 decline or make it a case"
            }
            Action::ViewHistory => {
                "your role may read this record but not its field history; a referral's status \
                 moves are at /transitions"
            }
        }
    }

    /// Every action.
    pub const ALL: &'static [Action] = &[
        Action::Read,
        Action::Update,
        Action::Delete,
        Action::ReferOut,
        Action::TransitionAsReferrer,
        Action::TransitionAsReceiver,
        Action::ViewHistory,
        Action::Triage,
        Action::AnswerAssignment,
    ];
}

/// Which rows of a kind a principal may read; the storage layer turns this into a WHERE clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    Everything,
    /// Children/incidents owned by the agency or granted to it by a live referral; referrals from or to it
    /// (to it: unless cancelled).
    OwnedOrGranted(Grantee),
    /// Children/incidents granted to the agency by a live referral; referrals addressed to it (unless
    /// cancelled).
    GrantedOnly(Grantee),
    Nothing,
}

/// The agency a scope is about, and how long its completed referrals keep granting sight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grantee {
    pub agency_id: String,
    /// A completed referral grants sight only when it was completed after this instant.
    pub completed_after: NaiveDateTime,
}

impl Grantee {
    /// A grantee for `agency_id`.
    pub fn new(agency_id: impl Into<String>, completed_after: NaiveDateTime) -> Grantee {
        Grantee {
            agency_id: agency_id.into(),
            completed_after,
        }
    }
}

/// Which rows of `kind` the principal may read.
pub fn read_scope(principal: &Principal, kind: RecordKind) -> ReadScope {
    let agency = || {
        Grantee::new(
            principal.agency_id.clone(),
            principal.grants_completed_after,
        )
    };
    match principal.role {
        Role::Admin | Role::Monitor => ReadScope::Everything,
        Role::CaseWorker | Role::SyncClient => ReadScope::OwnedOrGranted(agency()),
        // Partners see their own agency's case records (should one exist) but never the referrals it
        // sent: the role exists to receive work, not to follow up on what colleagues referred out.
        Role::ReferralPartner => match kind {
            RecordKind::Child | RecordKind::Incident => ReadScope::OwnedOrGranted(agency()),
            RecordKind::Referral => ReadScope::GrantedOnly(agency()),
            RecordKind::Complaint => ReadScope::Nothing,
        },
        // Intake staff work complaints, the front door; the cases behind it are case workers'.
        Role::IntakeOfficer => match kind {
            RecordKind::Complaint => ReadScope::OwnedOrGranted(agency()),
            RecordKind::Child | RecordKind::Incident | RecordKind::Referral => ReadScope::Nothing,
        },
        Role::Analyst => ReadScope::Nothing,
    }
}

/// Facts about one stored record relevant to access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordFacts<'a> {
    pub kind: RecordKind,
    /// children/incidents: owning agency; referrals: the referring (from) agency; complaints: the
    /// receiving agency
    pub owner_agency_id: &'a str,
    /// children/incidents: true when a live referral (status grants access) addressed to the caller's
    /// agency covers the record
    pub granted_to_caller: bool,
    /// referrals: the receiving agency; complaints: the assigned agency; None for children/incidents
    pub receiving_agency_id: Option<&'a str>,
    /// referrals only: current status (cancelled referrals are invisible to the receiver)
    pub referral_status: Option<ReferralStatus>,
}

/// Whether `record` lies within `scope`: the in-memory twin of the WHERE clause the storage layer builds.
///
/// `record.granted_to_caller` must have been worked out for the agency named in the scope.
pub fn scope_matches(scope: &ReadScope, record: &RecordFacts<'_>) -> bool {
    match scope {
        ReadScope::Everything => true,
        ReadScope::OwnedOrGranted(grantee) => {
            record.owner_agency_id == grantee.agency_id || granted_to(&grantee.agency_id, record)
        }
        ReadScope::GrantedOnly(grantee) => granted_to(&grantee.agency_id, record),
        ReadScope::Nothing => false,
    }
}

/// Whether the record reaches `agency` through a referral addressed to it.
fn granted_to(agency: &str, record: &RecordFacts<'_>) -> bool {
    match record.kind {
        RecordKind::Child | RecordKind::Incident => record.granted_to_caller,
        // A complaint reaches the agency it is assigned to.
        RecordKind::Complaint => record.receiving_agency_id == Some(agency),
        // Declined ones stay visible so the receiver keeps its own decision on file.
        RecordKind::Referral => {
            record.receiving_agency_id == Some(agency)
                && record
                    .referral_status
                    .is_some_and(ReferralStatus::visible_to_receiver)
        }
    }
}

/// Every action the principal may take on the record; empty means the record is out of scope (answer 404).
pub fn allowed_actions(principal: &Principal, record: &RecordFacts<'_>) -> BTreeSet<Action> {
    use Action::*;
    let agency = principal.agency_id.as_str();
    let owned = record.owner_agency_id == agency;
    let granted = granted_to(agency, record);
    let mut actions = BTreeSet::new();
    match (principal.role, record.kind) {
        (Role::Admin, kind) => actions.extend(kind.applicable_actions()),
        (Role::Monitor, _) => actions.extend([Read, ViewHistory]),
        (Role::CaseWorker | Role::SyncClient, kind) => {
            // Machine accounts sync a bureau's records in and out; a sync bug must not be able to
            // tombstone a case, so deletion stays with people.
            let may_delete = principal.role == Role::CaseWorker;
            match kind {
                RecordKind::Child | RecordKind::Incident if owned => {
                    actions.extend([Read, Update, ViewHistory]);
                    if kind == RecordKind::Incident {
                        actions.insert(ReferOut);
                    }
                    if may_delete {
                        actions.insert(Delete);
                    }
                }
                RecordKind::Child | RecordKind::Incident => {
                    if granted {
                        actions.extend([Read, ViewHistory]);
                    }
                }
                RecordKind::Complaint => {
                    if owned {
                        actions.extend([Read, ViewHistory, Triage]);
                    }
                    if granted {
                        actions.extend([Read, ViewHistory, AnswerAssignment]);
                    }
                }
                RecordKind::Referral => {
                    // Both sides at once when an agency refers to itself (one unit to another).
                    if owned {
                        actions.extend([Read, ViewHistory, Update, TransitionAsReferrer]);
                        if may_delete {
                            actions.insert(Delete);
                        }
                    }
                    if granted {
                        actions.extend([Read, ViewHistory, TransitionAsReceiver]);
                    }
                }
            }
        }
        // Partners get only what a referral needs: the case as it stands, not how it came to be.
        (Role::ReferralPartner, RecordKind::Child | RecordKind::Incident) => {
            if owned || granted {
                actions.insert(Read);
            }
        }
        (Role::ReferralPartner, RecordKind::Referral) => {
            if granted {
                actions.extend([Read, TransitionAsReceiver]);
            }
        }
        (Role::ReferralPartner, RecordKind::Complaint) => {}
        (Role::IntakeOfficer, RecordKind::Complaint) => {
            if owned {
                actions.extend([Read, ViewHistory, Triage]);
            }
            if granted {
                actions.extend([Read, ViewHistory]);
            }
        }
        (Role::IntakeOfficer, _) => {}
        (Role::Analyst, _) => {}
    }
    actions
}

/// Whether the principal may create children/incidents (in its own agency): admin, case_worker, sync_client.
pub fn may_create_case_records(principal: &Principal) -> bool {
    matches!(
        principal.role,
        Role::Admin | Role::CaseWorker | Role::SyncClient
    )
}

#[cfg(test)]
mod tests;
