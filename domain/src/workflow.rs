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
mod tests;
