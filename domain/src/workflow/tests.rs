use super::*;
use IncidentStatus as I;
use ReferralStatus as R;

const INCIDENT_MOVES: &[(I, I)] = &[
    (I::Open, I::UnderAssessment),
    (I::Open, I::Closed),
    (I::UnderAssessment, I::Referred),
    (I::UnderAssessment, I::Closed),
    (I::Referred, I::InService),
    (I::Referred, I::Closed),
    (I::InService, I::Closed),
    (I::Closed, I::UnderAssessment),
];

const REFERRAL_MOVES: &[(R, R)] = &[
    (R::Pending, R::Accepted),
    (R::Pending, R::Declined),
    (R::Pending, R::Cancelled),
    (R::Accepted, R::InProgress),
    (R::Accepted, R::Cancelled),
    (R::InProgress, R::Completed),
    (R::InProgress, R::Cancelled),
];

#[test]
fn incident_moves_are_exactly_the_documented_ones() {
    for from in I::ALL {
        for to in I::ALL {
            let legal = INCIDENT_MOVES.contains(&(*from, *to));
            let result = check_incident_transition(*from, *to);
            assert_eq!(result.is_ok(), legal, "{from} -> {to}");
            if let Err(error) = result {
                assert_eq!(error.allowed, from.allowed_next());
                assert_eq!(
                    error.to_string(),
                    format!("cannot move from {from} to {to}")
                );
            }
        }
    }
}

#[test]
fn referral_moves_are_exactly_the_documented_ones() {
    for from in R::ALL {
        for to in R::ALL {
            let legal = REFERRAL_MOVES.contains(&(*from, *to));
            let result = check_referral_transition(*from, *to);
            assert_eq!(result.is_ok(), legal, "{from} -> {to}");
            if let Err(error) = result {
                assert_eq!((error.from, error.to), (*from, *to));
                assert_eq!(error.allowed, from.allowed_next());
            }
        }
    }
}

#[test]
fn every_open_incident_state_may_close_and_only_closed_reopens() {
    for status in I::ALL {
        let may_close = check_incident_transition(*status, I::Closed).is_ok();
        assert_eq!(may_close, *status != I::Closed, "{status}");
        let may_reopen = check_incident_transition(*status, I::UnderAssessment).is_ok();
        assert_eq!(
            may_reopen,
            matches!(status, I::Open | I::Closed),
            "{status}"
        );
    }
}

#[test]
fn only_closing_needs_a_reason() {
    for status in I::ALL {
        assert_eq!(
            status.needs_closure_reason(),
            *status == I::Closed,
            "{status}"
        );
    }
}

#[test]
fn rank_follows_declaration_order() {
    let ranks: Vec<u8> = I::ALL.iter().map(|status| status.rank()).collect();
    assert_eq!(ranks, vec![0, 1, 2, 3, 4]);
}

#[test]
fn completed_declined_and_cancelled_referrals_are_terminal() {
    for status in R::ALL {
        let terminal = matches!(status, R::Completed | R::Declined | R::Cancelled);
        assert_eq!(status.is_terminal(), terminal, "{status}");
    }
}

#[test]
fn each_referral_move_belongs_to_exactly_one_side() {
    for status in R::ALL {
        let receiver = matches!(
            status,
            R::Accepted | R::Declined | R::InProgress | R::Completed
        );
        assert_eq!(status.receiver_moves_to(), receiver, "{status}");
        assert_eq!(
            status.referrer_moves_to(),
            *status == R::Cancelled,
            "{status}"
        );
    }
    // Every reachable status has an owner, so no move is left unguarded.
    for (_, to) in REFERRAL_MOVES {
        assert!(to.receiver_moves_to() ^ to.referrer_moves_to(), "{to}");
    }
}

#[test]
fn declined_and_cancelled_referrals_stop_granting_access() {
    for status in R::ALL {
        let grants = !matches!(status, R::Declined | R::Cancelled);
        assert_eq!(status.grants_access(), grants, "{status}");
    }
}

#[test]
fn follow_ups_move_incidents_forward_only() {
    for incident in I::ALL {
        for referral in R::ALL {
            let expected = match (referral, incident) {
                (R::Accepted, I::Open | I::UnderAssessment) => Some(I::Referred),
                (R::InProgress, I::Open | I::UnderAssessment | I::Referred) => Some(I::InService),
                _ => None,
            };
            let actual = incident_follow_up(*incident, *referral);
            assert_eq!(actual, expected, "{incident} on referral {referral}");
            if let Some(next) = actual {
                assert!(next.rank() > incident.rank(), "{incident} -> {next}");
            }
        }
    }
    for referral in R::ALL {
        assert_eq!(incident_follow_up(I::Closed, *referral), None);
    }
}

fn referral(status: R) -> Referral {
    let time = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|day| day.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
    Referral {
        meta: crate::records::RecordMeta {
            id: "r".into(),
            agency_id: "from".into(),
            external_id: None,
            version: 1,
            created_at: time,
            updated_at: time,
            created_by: None,
            anonymised_at: None,
        },
        incident_id: "i".into(),
        child_id: "c".into(),
        to_agency_id: "to".into(),
        service: crate::agency::Service::Medical,
        urgency: crate::case::Urgency::High,
        reason: String::new(),
        due_by: None,
        status,
        province: "Punjab".into(),
        first_response_at: None,
        completed_at: None,
        share_narrative: false,
    }
}

#[test]
fn a_referral_move_decides_status_timestamps_and_the_incident_follow_up_together() {
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0)
        .unwrap_or_default()
        .naive_utc();
    let pending = referral(R::Pending);
    let accepted = ReferralMove::plan(&pending, R::Accepted, I::UnderAssessment, now);
    let accepted = accepted.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        accepted.first_response_at,
        Some(now),
        "the first answer is timed"
    );
    assert_eq!(accepted.completed_at, None);
    assert_eq!(accepted.incident_to, Some(I::Referred));
    assert_eq!(
        ReferralMove::side(R::Accepted),
        Action::TransitionAsReceiver
    );

    let mut started = referral(R::InProgress);
    started.first_response_at = Some(now - chrono::Duration::hours(5));
    let done = ReferralMove::plan(&started, R::Completed, I::InService, now)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        done.first_response_at, started.first_response_at,
        "kept once set"
    );
    assert_eq!(done.completed_at, Some(now));
    assert_eq!(
        done.incident_to, None,
        "completion does not move the incident"
    );
    let mut applied = started.clone();
    done.apply_to(&mut applied);
    assert_eq!(
        (applied.status, applied.completed_at),
        (R::Completed, Some(now))
    );

    let cancelled = ReferralMove::plan(&started, R::Cancelled, I::InService, now)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(cancelled.completed_at, None);
    let withdrawn = ReferralMove::plan(&pending, R::Cancelled, I::Open, now)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        withdrawn.first_response_at, None,
        "a withdrawal is no answer"
    );
    assert_eq!(
        ReferralMove::side(R::Cancelled),
        Action::TransitionAsReferrer
    );
    let illegal = ReferralMove::plan(&referral(R::Completed), R::Accepted, I::Closed, now);
    assert!(illegal.is_err_and(|error| error.allowed.is_empty()));
}

#[test]
fn status_sets_follow_the_state_machine() {
    let terminal: Vec<R> = R::terminal().collect();
    assert_eq!(terminal.len(), 3);
    for status in [R::Completed, R::Declined, R::Cancelled] {
        assert!(terminal.contains(&status), "{status} is terminal");
    }
    for status in R::ALL {
        assert_eq!(terminal.contains(status), status.allowed_next().is_empty());
    }
    let hidden: Vec<R> = R::hidden_from_receiver().collect();
    assert_eq!(hidden, vec![R::Cancelled]);
}
