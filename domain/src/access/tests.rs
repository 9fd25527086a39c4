//! The full role x relation x kind x action matrix of the access policy, and its agreement with
//! `read_scope`.

use super::*;
use RecordKind::{Child, Complaint, Incident, Referral};
use Relation::*;
use Role::{Admin, Analyst, CaseWorker, IntakeOfficer, Monitor, ReferralPartner, SyncClient};

const MINE: &str = "agency-mine";
const OTHER: &str = "agency-other";
const THIRD: &str = "agency-third";

/// How a record relates to the caller's agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// Owned by the caller's agency (for referrals: sent by it, still pending).
    Own,
    /// Owned elsewhere, shared with the caller's agency by a live referral.
    Granted,
    /// Owned by the caller's agency and also referred back to it.
    OwnAndGranted,
    /// Neither owned by nor shared with the caller's agency.
    Other,
    /// A referral sent by the caller's agency and since cancelled.
    OwnCancelled,
    /// A pending referral addressed to the caller's agency.
    Receiving,
    /// A referral addressed to the caller's agency and then cancelled.
    ReceivingCancelled,
    /// A referral from the caller's agency to itself.
    SelfReferral,
}

fn relations(kind: RecordKind) -> &'static [Relation] {
    match kind {
        Child | Incident | Complaint => &[Own, Granted, OwnAndGranted, Other],
        Referral => &[
            Own,
            OwnCancelled,
            Receiving,
            ReceivingCancelled,
            SelfReferral,
            Other,
        ],
    }
}

fn facts(kind: RecordKind, relation: Relation) -> RecordFacts<'static> {
    let (owner, granted, receiving, status) = match relation {
        Own => (MINE, false, OTHER, ReferralStatus::Pending),
        Granted => (OTHER, true, MINE, ReferralStatus::Pending),
        OwnAndGranted => (MINE, true, MINE, ReferralStatus::Pending),
        Other => (OTHER, false, THIRD, ReferralStatus::Pending),
        OwnCancelled => (MINE, false, OTHER, ReferralStatus::Cancelled),
        Receiving => (OTHER, false, MINE, ReferralStatus::Pending),
        ReceivingCancelled => (OTHER, false, MINE, ReferralStatus::Cancelled),
        SelfReferral => (MINE, false, MINE, ReferralStatus::Pending),
    };
    let referral = kind == Referral;
    // A complaint's "receiving" agency is the one it is assigned to: granted means assigned to mine.
    let complaint = kind == Complaint;
    let assigned = if granted { MINE } else { THIRD };
    RecordFacts {
        kind,
        owner_agency_id: owner,
        granted_to_caller: granted && !referral && !complaint,
        receiving_agency_id: if complaint {
            Some(assigned)
        } else {
            referral.then_some(receiving)
        },
        referral_status: referral.then_some(status),
    }
}

fn principal(role: Role) -> Principal {
    Principal {
        user_id: "user-1".into(),
        agency_id: MINE.into(),
        role,
        grants_completed_after: chrono::NaiveDateTime::MIN,
    }
}

/// R read, U update, D delete, O refer out, F transition as referrer, T transition as receiver,
/// H view history, Q triage a complaint, A answer a complaint's assignment.
fn parse_actions(letters: &str) -> BTreeSet<Action> {
    letters
        .chars()
        .map(|letter| match letter {
            'R' => Action::Read,
            'U' => Action::Update,
            'D' => Action::Delete,
            'O' => Action::ReferOut,
            'F' => Action::TransitionAsReferrer,
            'T' => Action::TransitionAsReceiver,
            'H' => Action::ViewHistory,
            'Q' => Action::Triage,
            'A' => Action::AnswerAssignment,
            _ => panic!("unknown action letter {letter}"),
        })
        .collect()
}

#[rustfmt::skip]
const MATRIX: &[(Role, RecordKind, Relation, &str)] = &[
    (Admin, Child, Own, "RUDH"),
    (Admin, Child, Granted, "RUDH"),
    (Admin, Child, OwnAndGranted, "RUDH"),
    (Admin, Child, Other, "RUDH"),
    (Admin, Incident, Own, "RUDOH"),
    (Admin, Incident, Granted, "RUDOH"),
    (Admin, Incident, OwnAndGranted, "RUDOH"),
    (Admin, Incident, Other, "RUDOH"),
    (Admin, Referral, Own, "RUDFTH"),
    (Admin, Referral, OwnCancelled, "RUDFTH"),
    (Admin, Referral, Receiving, "RUDFTH"),
    (Admin, Referral, ReceivingCancelled, "RUDFTH"),
    (Admin, Referral, SelfReferral, "RUDFTH"),
    (Admin, Referral, Other, "RUDFTH"),
    (Admin, Complaint, Own, "RQAH"),
    (Admin, Complaint, Granted, "RQAH"),
    (Admin, Complaint, OwnAndGranted, "RQAH"),
    (Admin, Complaint, Other, "RQAH"),

    (Monitor, Child, Own, "RH"),
    (Monitor, Child, Granted, "RH"),
    (Monitor, Child, OwnAndGranted, "RH"),
    (Monitor, Child, Other, "RH"),
    (Monitor, Incident, Own, "RH"),
    (Monitor, Incident, Granted, "RH"),
    (Monitor, Incident, OwnAndGranted, "RH"),
    (Monitor, Incident, Other, "RH"),
    (Monitor, Referral, Own, "RH"),
    (Monitor, Referral, OwnCancelled, "RH"),
    (Monitor, Referral, Receiving, "RH"),
    (Monitor, Referral, ReceivingCancelled, "RH"),
    (Monitor, Referral, SelfReferral, "RH"),
    (Monitor, Referral, Other, "RH"),
    (Monitor, Complaint, Own, "RH"),
    (Monitor, Complaint, Granted, "RH"),
    (Monitor, Complaint, OwnAndGranted, "RH"),
    (Monitor, Complaint, Other, "RH"),

    (CaseWorker, Child, Own, "RUDH"),
    (CaseWorker, Child, Granted, "RH"),
    (CaseWorker, Child, OwnAndGranted, "RUDH"),
    (CaseWorker, Child, Other, ""),
    (CaseWorker, Incident, Own, "RUDOH"),
    (CaseWorker, Incident, Granted, "RH"),
    (CaseWorker, Incident, OwnAndGranted, "RUDOH"),
    (CaseWorker, Incident, Other, ""),
    (CaseWorker, Referral, Own, "RUDFH"),
    (CaseWorker, Referral, OwnCancelled, "RUDFH"),
    (CaseWorker, Referral, Receiving, "RTH"),
    (CaseWorker, Referral, ReceivingCancelled, ""),
    (CaseWorker, Referral, SelfReferral, "RUDFTH"),
    (CaseWorker, Referral, Other, ""),
    (CaseWorker, Complaint, Own, "RQH"),
    (CaseWorker, Complaint, Granted, "RAH"),
    (CaseWorker, Complaint, OwnAndGranted, "RQAH"),
    (CaseWorker, Complaint, Other, ""),

    (SyncClient, Child, Own, "RUH"),
    (SyncClient, Child, Granted, "RH"),
    (SyncClient, Child, OwnAndGranted, "RUH"),
    (SyncClient, Child, Other, ""),
    (SyncClient, Incident, Own, "RUOH"),
    (SyncClient, Incident, Granted, "RH"),
    (SyncClient, Incident, OwnAndGranted, "RUOH"),
    (SyncClient, Incident, Other, ""),
    (SyncClient, Referral, Own, "RUFH"),
    (SyncClient, Referral, OwnCancelled, "RUFH"),
    (SyncClient, Referral, Receiving, "RTH"),
    (SyncClient, Referral, ReceivingCancelled, ""),
    (SyncClient, Referral, SelfReferral, "RUFTH"),
    (SyncClient, Referral, Other, ""),
    (SyncClient, Complaint, Own, "RQH"),
    (SyncClient, Complaint, Granted, "RAH"),
    (SyncClient, Complaint, OwnAndGranted, "RQAH"),
    (SyncClient, Complaint, Other, ""),

    (ReferralPartner, Child, Own, "R"),
    (ReferralPartner, Child, Granted, "R"),
    (ReferralPartner, Child, OwnAndGranted, "R"),
    (ReferralPartner, Child, Other, ""),
    (ReferralPartner, Incident, Own, "R"),
    (ReferralPartner, Incident, Granted, "R"),
    (ReferralPartner, Incident, OwnAndGranted, "R"),
    (ReferralPartner, Incident, Other, ""),
    (ReferralPartner, Referral, Own, ""),
    (ReferralPartner, Referral, OwnCancelled, ""),
    (ReferralPartner, Referral, Receiving, "RT"),
    (ReferralPartner, Referral, ReceivingCancelled, ""),
    (ReferralPartner, Referral, SelfReferral, "RT"),
    (ReferralPartner, Referral, Other, ""),
    (ReferralPartner, Complaint, Own, ""),
    (ReferralPartner, Complaint, Granted, ""),
    (ReferralPartner, Complaint, OwnAndGranted, ""),
    (ReferralPartner, Complaint, Other, ""),

    (Analyst, Child, Own, ""),
    (Analyst, Child, Granted, ""),
    (Analyst, Child, OwnAndGranted, ""),
    (Analyst, Child, Other, ""),
    (Analyst, Incident, Own, ""),
    (Analyst, Incident, Granted, ""),
    (Analyst, Incident, OwnAndGranted, ""),
    (Analyst, Incident, Other, ""),
    (Analyst, Referral, Own, ""),
    (Analyst, Referral, OwnCancelled, ""),
    (Analyst, Referral, Receiving, ""),
    (Analyst, Referral, ReceivingCancelled, ""),
    (Analyst, Referral, SelfReferral, ""),
    (Analyst, Referral, Other, ""),
    (Analyst, Complaint, Own, ""),
    (Analyst, Complaint, Granted, ""),
    (Analyst, Complaint, OwnAndGranted, ""),
    (Analyst, Complaint, Other, ""),

    (IntakeOfficer, Child, Own, ""),
    (IntakeOfficer, Child, Granted, ""),
    (IntakeOfficer, Child, OwnAndGranted, ""),
    (IntakeOfficer, Child, Other, ""),
    (IntakeOfficer, Incident, Own, ""),
    (IntakeOfficer, Incident, Granted, ""),
    (IntakeOfficer, Incident, OwnAndGranted, ""),
    (IntakeOfficer, Incident, Other, ""),
    (IntakeOfficer, Referral, Own, ""),
    (IntakeOfficer, Referral, OwnCancelled, ""),
    (IntakeOfficer, Referral, Receiving, ""),
    (IntakeOfficer, Referral, ReceivingCancelled, ""),
    (IntakeOfficer, Referral, SelfReferral, ""),
    (IntakeOfficer, Referral, Other, ""),
    (IntakeOfficer, Complaint, Own, "RQH"),
    (IntakeOfficer, Complaint, Granted, "RH"),
    (IntakeOfficer, Complaint, OwnAndGranted, "RQH"),
    (IntakeOfficer, Complaint, Other, ""),
];

#[test]
fn matrix_covers_every_role_kind_and_relation_once() {
    let mut expected = Vec::new();
    for role in Role::ALL {
        for kind in RecordKind::ALL {
            for relation in relations(*kind) {
                expected.push((*role, *kind, *relation));
            }
        }
    }
    let listed: Vec<_> = MATRIX
        .iter()
        .map(|(role, kind, relation, _)| (*role, *kind, *relation))
        .collect();
    assert_eq!(listed, expected);
}

#[test]
fn allowed_actions_match_the_access_matrix() {
    for (role, kind, relation, letters) in MATRIX {
        let allowed = allowed_actions(&principal(*role), &facts(*kind, *relation));
        let expected = parse_actions(letters);
        for action in Action::ALL {
            assert_eq!(
                allowed.contains(action),
                expected.contains(action),
                "{role} {kind:?} {relation:?} {action:?}"
            );
        }
    }
}

#[test]
fn no_one_gets_an_action_that_does_not_apply_to_the_kind() {
    for (role, kind, relation, _) in MATRIX {
        let allowed = allowed_actions(&principal(*role), &facts(*kind, *relation));
        for action in &allowed {
            assert!(
                kind.applicable_actions().contains(action),
                "{role} {kind:?} {relation:?} {action:?}"
            );
        }
    }
}

/// Every combination of facts, including ones that should not occur (a granted flag on a referral, a
/// status on a child), so the policy is shown to ignore the facts that do not apply.
fn every_record() -> Vec<RecordFacts<'static>> {
    let mut statuses: Vec<Option<ReferralStatus>> = vec![None];
    statuses.extend(ReferralStatus::ALL.iter().copied().map(Some));
    let mut records = Vec::new();
    for kind in RecordKind::ALL {
        for owner in [MINE, OTHER] {
            for granted in [false, true] {
                for receiving in [None, Some(MINE), Some(OTHER)] {
                    for status in &statuses {
                        records.push(RecordFacts {
                            kind: *kind,
                            owner_agency_id: owner,
                            granted_to_caller: granted,
                            receiving_agency_id: receiving,
                            referral_status: *status,
                        });
                    }
                }
            }
        }
    }
    records
}

#[test]
fn read_scope_selects_exactly_the_readable_records() {
    for role in Role::ALL {
        let caller = principal(*role);
        for record in every_record() {
            let readable = allowed_actions(&caller, &record).contains(&Action::Read);
            let in_scope = scope_matches(&read_scope(&caller, record.kind), &record);
            assert_eq!(readable, in_scope, "{role} {record:?}");
        }
    }
}

#[test]
fn any_action_implies_read_so_out_of_scope_means_404() {
    for role in Role::ALL {
        let caller = principal(*role);
        for record in every_record() {
            let allowed = allowed_actions(&caller, &record);
            assert_eq!(
                allowed.is_empty(),
                !allowed.contains(&Action::Read),
                "{role} {record:?}"
            );
        }
    }
}

#[test]
fn receivers_keep_sight_of_a_referral_in_every_status_but_cancelled() {
    for status in ReferralStatus::ALL {
        let record = RecordFacts {
            kind: Referral,
            owner_agency_id: OTHER,
            granted_to_caller: false,
            receiving_agency_id: Some(MINE),
            referral_status: Some(*status),
        };
        for role in [CaseWorker, SyncClient, ReferralPartner] {
            let allowed = allowed_actions(&principal(role), &record);
            let visible = *status != ReferralStatus::Cancelled;
            assert_eq!(allowed.contains(&Action::Read), visible, "{role} {status}");
            assert_eq!(
                allowed.contains(&Action::TransitionAsReceiver),
                visible,
                "{role} {status}"
            );
        }
    }
}

#[test]
fn scopes_name_the_callers_agency() {
    let expected = |role, kind| match (role, kind) {
        (Admin | Monitor, _) => ReadScope::Everything,
        (CaseWorker | SyncClient, _)
        | (ReferralPartner, Child | Incident)
        | (IntakeOfficer, Complaint) => {
            ReadScope::OwnedOrGranted(Grantee::new(MINE, chrono::NaiveDateTime::MIN))
        }
        (ReferralPartner, Referral) => {
            ReadScope::GrantedOnly(Grantee::new(MINE, chrono::NaiveDateTime::MIN))
        }
        (ReferralPartner | IntakeOfficer, _) | (Analyst, _) => ReadScope::Nothing,
    };
    for role in Role::ALL {
        for kind in RecordKind::ALL {
            assert_eq!(
                read_scope(&principal(*role), *kind),
                expected(*role, *kind),
                "{role} {kind:?}"
            );
        }
    }
}

#[test]
fn only_admins_case_workers_and_sync_clients_create_case_records() {
    for role in Role::ALL {
        let expected = matches!(role, Admin | CaseWorker | SyncClient);
        assert_eq!(
            may_create_case_records(&principal(*role)),
            expected,
            "{role}"
        );
    }
}
