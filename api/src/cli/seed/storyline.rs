//! What happens to each planned incident: its storyline, the referrals made for it and how far each gets.

use cpims_domain::agency::Service;
use cpims_domain::case::{IncidentStatus, ReferralStatus, RiskLevel, Urgency};

use super::cast::PARTNERS;
use super::plan::{Planner, Step};
use super::vocabulary as words;

/// Final referral statuses, taken in turn: all six appear within the first seven referrals whatever the
/// seed, and finished work outweighs work in flight as it would in a real caseload.
const REFERRAL_OUTCOMES: [ReferralStatus; 12] = [
    ReferralStatus::Completed,
    ReferralStatus::Pending,
    ReferralStatus::InProgress,
    ReferralStatus::Accepted,
    ReferralStatus::Declined,
    ReferralStatus::Completed,
    ReferralStatus::Cancelled,
    ReferralStatus::InProgress,
    ReferralStatus::Pending,
    ReferralStatus::Completed,
    ReferralStatus::Accepted,
    ReferralStatus::InProgress,
];

/// What becomes of an incident.
#[derive(Debug, Clone, Copy)]
enum Storyline {
    StaysOpen,
    Assessed,
    ClosedWithoutReferral,
    ClosedAndReopened,
    Referred,
}

impl Planner {
    /// The steps of one incident, after its storyline.
    pub(super) fn steps(&mut self, category: &str, province: &str, risk: RiskLevel) -> Vec<Step> {
        use IncidentStatus::*;
        let storyline = self.rng.weighted(&[
            (Storyline::StaysOpen, 32),
            (Storyline::Assessed, 16),
            (Storyline::ClosedWithoutReferral, 14),
            (Storyline::ClosedAndReopened, 4),
            (Storyline::Referred, 34),
        ]);
        let assess = incident_move(UnderAssessment, "Assessment started (demo).", None);
        match storyline {
            Storyline::StaysOpen => Vec::new(),
            Storyline::Assessed => vec![assess],
            Storyline::ClosedWithoutReferral if self.rng.percent(40) => {
                let reason = Some(words::DUPLICATE);
                vec![incident_move(Closed, "Closed at intake (demo).", reason)]
            }
            Storyline::ClosedWithoutReferral => {
                let reason = Some(self.rng.pick(&words::DROPPED));
                vec![
                    assess,
                    incident_move(Closed, "Closed after assessment (demo).", reason),
                ]
            }
            Storyline::ClosedAndReopened => vec![
                assess,
                incident_move(
                    Closed,
                    "Closed after assessment (demo).",
                    Some(words::UNTRACEABLE),
                ),
                incident_move(
                    UnderAssessment,
                    "Reopened: the family contacted the helpline again (demo).",
                    None,
                ),
            ],
            Storyline::Referred => {
                let mut steps = vec![assess];
                let first = self.refer(&mut steps, 0, category, province, risk, None);
                let mut outcomes = vec![first.1];
                let failed = |status: ReferralStatus| {
                    matches!(status, ReferralStatus::Declined | ReferralStatus::Cancelled)
                };
                if failed(first.1) && self.rng.percent(50) {
                    let second = self.refer(&mut steps, 1, category, province, risk, Some(first.0));
                    outcomes.push(second.1);
                }
                let all_finished = outcomes.iter().all(|status| status.is_terminal());
                let delivered = outcomes.last() == Some(&ReferralStatus::Completed);
                if all_finished && delivered && self.rng.percent(60) {
                    let reason = Some(self.rng.pick(&words::RESOLVED));
                    steps.push(incident_move(Closed, "Case concluded (demo).", reason));
                } else if all_finished && !delivered && self.rng.percent(30) {
                    let reason = Some(words::NO_SERVICE);
                    steps.push(incident_move(
                        Closed,
                        "No service could be arranged (demo).",
                        reason,
                    ));
                }
                steps
            }
        }
    }

    /// Adds referral number `index` and its moves; returns its partner and final status.
    fn refer(
        &mut self,
        steps: &mut Vec<Step>,
        index: usize,
        category: &str,
        province: &str,
        risk: RiskLevel,
        not_to: Option<usize>,
    ) -> (usize, ReferralStatus) {
        let outcome = REFERRAL_OUTCOMES[self.referrals % REFERRAL_OUTCOMES.len()];
        self.referrals += 1;
        let (partner, service) = self.receiver(category, province, not_to);
        let urgency = match risk {
            RiskLevel::Low => Urgency::Low,
            RiskLevel::Medium => Urgency::Medium,
            RiskLevel::High => Urgency::High,
            RiskLevel::Critical => Urgency::Critical,
        };
        // Due dates straddle today, so the `overdue` filter has something to show.
        let due_in = self.rng.between(-30, 10);
        let due_by = self.days_ago(due_in);
        steps.push(Step::Refer {
            partner,
            service,
            urgency,
            due_by,
        });
        use ReferralStatus::*;
        let path: &[ReferralStatus] = match outcome {
            Pending => &[],
            Accepted => &[Accepted],
            Declined => &[Declined],
            InProgress => &[Accepted, InProgress],
            Completed => &[Accepted, InProgress, Completed],
            Cancelled if self.rng.percent(50) => &[Cancelled],
            Cancelled => &[Accepted, Cancelled],
        };
        steps.extend(path.iter().map(|to| Step::MoveReferral {
            referral: index,
            to: *to,
        }));
        (partner, outcome)
    }

    /// A service the category calls for and a partner offering it, preferring one in the same province.
    fn receiver(
        &mut self,
        category: &str,
        province: &str,
        not_to: Option<usize>,
    ) -> (usize, Service) {
        let wanted = words::services_for(category);
        let start = self.rng.below(wanted.len());
        let rotated = wanted.iter().cycle().skip(start).take(wanted.len());
        for service in rotated.chain([&Service::Psychosocial]) {
            let offering: Vec<usize> = (0..PARTNERS.len())
                .filter(|index| {
                    Some(*index) != not_to && PARTNERS[*index].services.contains(service)
                })
                .collect();
            let nearby: Vec<usize> = offering
                .iter()
                .copied()
                .filter(|index| PARTNERS[*index].province == province)
                .collect();
            let pool = if !nearby.is_empty() && self.rng.percent(70) {
                nearby
            } else {
                offering
            };
            if let Some(partner) = self.rng.pick_from(&pool) {
                return (*partner, *service);
            }
        }
        // Unreachable while two partners offer psychosocial support (a cast test checks coverage).
        (0, Service::Psychosocial)
    }
}

fn incident_move(
    to: IncidentStatus,
    note: &'static str,
    closure_reason: Option<&'static str>,
) -> Step {
    Step::MoveIncident {
        to,
        note,
        closure_reason,
    }
}
