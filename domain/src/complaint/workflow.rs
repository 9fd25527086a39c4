//! The complaint state machine and which side of a complaint may make each move.

use super::{ComplaintClosureReason, ComplaintStatus};

/// Who is moving a complaint: the agency that received it (triage) or the one it is assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintSide {
    Receiver,
    Assignee,
}

/// Why a requested move is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveProblem {
    /// Not a move the workflow has from the current status (409, with the allowed ones).
    Illegal { allowed_next: Vec<ComplaintStatus> },
    /// A move the workflow has, but for the other side (403).
    NotYourMove(&'static str),
    /// Only making a case converts a complaint.
    ConvertThroughCase,
}

impl ComplaintStatus {
    /// The statuses this one may move to (by whichever side may make the move).
    pub fn allowed_next(self) -> &'static [ComplaintStatus] {
        use ComplaintStatus::*;
        match self {
            Received => &[Triaged, Closed],
            Triaged => &[Assigned, Closed],
            Assigned => &[Accepted, Declined, Closed],
            // A decline goes back to the triage queue: triage assigns again or closes.
            Declined => &[Triaged, Assigned, Closed],
            Accepted => &[Converted, Closed],
            Converted | Closed => &[],
        }
    }
}

/// Checks a move of a complaint in `from` to `to` by `side`, the sides the caller acts on.
pub fn check_complaint_move(
    from: ComplaintStatus,
    to: ComplaintStatus,
    sides: &[ComplaintSide],
) -> Result<(), MoveProblem> {
    use ComplaintStatus::*;
    if !from.allowed_next().contains(&to) {
        return Err(MoveProblem::Illegal {
            allowed_next: from.allowed_next().to_vec(),
        });
    }
    let needed = match (from, to) {
        (_, Converted) => return Err(MoveProblem::ConvertThroughCase),
        (Assigned, Accepted | Declined) => ComplaintSide::Assignee,
        // Once accepted, the case is the assigned agency's to close without a case.
        (Accepted, Closed) => ComplaintSide::Assignee,
        _ => ComplaintSide::Receiver,
    };
    if sides.contains(&needed) {
        Ok(())
    } else {
        Err(MoveProblem::NotYourMove(match needed {
            ComplaintSide::Assignee => {
                "only the agency this complaint is assigned to may accept, decline or close it \
                 once accepted"
            }
            ComplaintSide::Receiver => {
                "only the agency that received this complaint may triage, assign or close it"
            }
        }))
    }
}

impl ComplaintClosureReason {
    /// Reasons a caller may give when closing; `converted` is set only by making a case.
    pub fn may_be_given(self) -> bool {
        self != ComplaintClosureReason::Converted
    }
}
