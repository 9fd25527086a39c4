//! The incident and referral state machines: which status may follow which, and who may move a referral.

use std::fmt;

use chrono::NaiveDateTime;

use crate::access::Action;
use crate::case::{IncidentStatus, ReferralStatus};
use crate::records::Referral;

impl IncidentStatus {
    /// The statuses this one may move to.
    pub fn allowed_next(self) -> &'static [IncidentStatus] {
        use IncidentStatus::*;
        match self {
            Open => &[UnderAssessment, Closed],
            UnderAssessment => &[Referred, Closed],
            Referred => &[InService, Closed],
            InService => &[Closed],
            // Reopening goes back to assessment: whatever was referred before has to be looked at again.
            Closed => &[UnderAssessment],
        }
    }

    /// Closing is the one move that must say why, so oversight can tell resolution from abandonment.
    pub fn needs_closure_reason(self) -> bool {
        self == IncidentStatus::Closed
    }

    /// Position along the workflow, so follow-ups never move an incident backwards.
    pub fn rank(self) -> u8 {
        match self {
            IncidentStatus::Open => 0,
            IncidentStatus::UnderAssessment => 1,
            IncidentStatus::Referred => 2,
            IncidentStatus::InService => 3,
            IncidentStatus::Closed => 4,
        }
    }
}

impl ReferralStatus {
    /// The statuses this one may move to.
    pub fn allowed_next(self) -> &'static [ReferralStatus] {
        use ReferralStatus::*;
        match self {
            Pending => &[Accepted, Declined, Cancelled],
            Accepted => &[InProgress, Cancelled],
            InProgress => &[Completed, Cancelled],
            Completed | Declined | Cancelled => &[],
        }
    }

    /// No status follows this one.
    pub fn is_terminal(self) -> bool {
        self.allowed_next().is_empty()
    }

    /// Moving into this status is the receiving agency's decision: it is the one delivering the service.
    pub fn receiver_moves_to(self) -> bool {
        use ReferralStatus::*;
        matches!(self, Accepted | Declined | InProgress | Completed)
    }

    /// Moving into this status is the referring agency's decision: only it may withdraw its request.
    pub fn referrer_moves_to(self) -> bool {
        self == ReferralStatus::Cancelled
    }

    /// Whether a referral in this status lets the receiving agency see the child and incident it covers.
    ///
    /// Declined and cancelled referrals stop sharing: the receiver has no further business with the case.
    /// Completed ones keep it, so the receiver can still look back at the service it delivered.
    pub fn grants_access(self) -> bool {
        use ReferralStatus::*;
        matches!(self, Pending | Accepted | InProgress | Completed)
    }

    /// Whether the receiving agency still sees the referral itself. A cancelled referral was withdrawn,
    /// possibly because it went to the wrong agency, so it disappears from the receiver's view.
    pub fn visible_to_receiver(self) -> bool {
        self != ReferralStatus::Cancelled
    }

    /// The statuses the receiving agency no longer sees the referral in.
    pub fn hidden_from_receiver() -> impl Iterator<Item = ReferralStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|status| !status.visible_to_receiver())
    }

    /// The statuses no status follows.
    pub fn terminal() -> impl Iterator<Item = ReferralStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|status| status.is_terminal())
    }
}

/// A status change the state machine does not allow, with what would have been allowed instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot move from {from} to {to}")]
pub struct IllegalTransition<S: fmt::Display + fmt::Debug> {
    pub from: S,
    pub to: S,
    pub allowed: Vec<S>,
}

/// Checks an incident status change against [`IncidentStatus::allowed_next`].
pub fn check_incident_transition(
    from: IncidentStatus,
    to: IncidentStatus,
) -> Result<(), IllegalTransition<IncidentStatus>> {
    check(from, to, from.allowed_next())
}

/// Checks a referral status change against [`ReferralStatus::allowed_next`].
pub fn check_referral_transition(
    from: ReferralStatus,
    to: ReferralStatus,
) -> Result<(), IllegalTransition<ReferralStatus>> {
    check(from, to, from.allowed_next())
}

fn check<S: Copy + PartialEq + fmt::Display + fmt::Debug>(
    from: S,
    to: S,
    allowed: &[S],
) -> Result<(), IllegalTransition<S>> {
    if allowed.contains(&to) {
        Ok(())
    } else {
        Err(IllegalTransition {
            from,
            to,
            allowed: allowed.to_vec(),
        })
    }
}

/// The incident status implied by a referral moving to `referral_to`, when the incident is at `incident`:
/// accepting moves an incident that is open or under_assessment to referred; starting (in_progress) moves
/// an incident that is open/under_assessment/referred to in_service; otherwise None. Closed incidents are
/// never moved.
///
/// These follow-ups may skip steps (open straight to referred): the receiver's action is evidence the
/// earlier steps happened, so they bypass [`check_incident_transition`] on purpose. They never move an
/// incident backwards, so a second referral cannot undo the progress made by the first.
pub fn incident_follow_up(
    incident: IncidentStatus,
    referral_to: ReferralStatus,
) -> Option<IncidentStatus> {
    use IncidentStatus::*;
    match (referral_to, incident) {
        (ReferralStatus::Accepted, Open | UnderAssessment) => Some(Referred),
        (ReferralStatus::InProgress, Open | UnderAssessment | Referred) => Some(InService),
        _ => None,
    }
}

/// Everything moving a referral decides, in one value: its new status and timestamps, which side of
/// the referral may make the move, and where the incident it covers follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralMove {
    pub from: ReferralStatus,
    pub to: ReferralStatus,
    /// The receiving agency's first answer (accept or decline), kept once set.
    pub first_response_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    /// The incident's follow-up move ([`incident_follow_up`]), if any.
    pub incident_to: Option<IncidentStatus>,
}

impl ReferralMove {
    /// Decides moving `referral` to `to` at `now`, its incident being at `incident`; an illegal move
    /// lists the legal ones.
    pub fn plan(
        referral: &Referral,
        to: ReferralStatus,
        incident: IncidentStatus,
        now: NaiveDateTime,
    ) -> Result<ReferralMove, IllegalTransition<ReferralStatus>> {
        let from = referral.status;
        check_referral_transition(from, to)?;
        // Only the receiver answers; the referrer cancelling a pending referral is not a response.
        let answers = from == ReferralStatus::Pending && to.receiver_moves_to();
        let first_response_at = match referral.first_response_at {
            None if answers => Some(now),
            kept => kept,
        };
        let completed_at = if to == ReferralStatus::Completed {
            Some(now)
        } else {
            referral.completed_at
        };
        Ok(ReferralMove {
            from,
            to,
            first_response_at,
            completed_at,
            incident_to: incident_follow_up(incident, to),
        })
    }

    /// The action a caller needs on the referral to move it into `to`: cancelling is the referrer's,
    /// everything else the receiver's.
    pub fn side(to: ReferralStatus) -> Action {
        if to.referrer_moves_to() {
            Action::TransitionAsReferrer
        } else {
            Action::TransitionAsReceiver
        }
    }

    /// The referral as the move leaves it (version and times are the unit of work's).
    pub fn apply_to(&self, referral: &mut Referral) {
        referral.status = self.to;
        referral.first_response_at = self.first_response_at;
        referral.completed_at = self.completed_at;
    }
}

#[cfg(test)]
mod tests {
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
                    (R::InProgress, I::Open | I::UnderAssessment | I::Referred) => {
                        Some(I::InService)
                    }
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
}
