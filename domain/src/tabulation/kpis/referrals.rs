//! The referral indicators' tallies: moves in the period, and the cohort made in it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};

use super::{in_period, status_at_end, KpiFacts, Tally};
use crate::tabulation::referrals::{hours_between, ReferralFact};

/// Accepted, completed and declined in the period: moves, whenever the referral was made.
pub(super) fn tally_referral_moves(
    tallies: &mut BTreeMap<String, Tally>,
    facts: &KpiFacts,
    from: NaiveDate,
    to: NaiveDate,
) {
    let province_of: HashMap<&str, &str> = facts
        .referrals
        .iter()
        .map(|r| (r.id.as_str(), r.province.as_str()))
        .collect();
    for transition in facts
        .referral_moves
        .iter()
        .filter(|t| in_period(t.occurred_at.date(), from, to))
    {
        let Some(province) = province_of.get(transition.record_id.as_str()) else {
            continue;
        };
        let tally = tallies.entry((*province).to_owned()).or_default();
        match transition.to_status.as_str() {
            "accepted" => tally.accepted += 1,
            "completed" => tally.completed += 1,
            "declined" => tally.declined += 1,
            _ => {}
        }
    }
}

/// Overdue at the period's end, and the cohort made in the period with what it reached by the end.
pub(super) fn tally_referrals(
    tallies: &mut BTreeMap<String, Tally>,
    facts: &KpiFacts,
    from: NaiveDate,
    to: NaiveDate,
) {
    let status = status_at_end(&facts.referral_moves);
    let mut ever: HashMap<&str, HashSet<&str>> = HashMap::new();
    for transition in &facts.referral_moves {
        ever.entry(transition.record_id.as_str())
            .or_default()
            .insert(transition.to_status.as_str());
    }
    let end_of_period = to.succ_opt().and_then(|day| day.and_hms_opt(0, 0, 0));
    for referral in &facts.referrals {
        let tally = tallies.entry(referral.province.clone()).or_default();
        let current = status
            .get(referral.id.as_str())
            .copied()
            .unwrap_or("pending");
        if is_overdue(referral, current, to) {
            tally.overdue += 1;
        }
        if !in_period(referral.created_at.date(), from, to) {
            continue;
        }
        let reached = ever.get(referral.id.as_str());
        tally_cohort(tally, referral, reached, end_of_period);
    }
}

/// Whether a referral in `status` at the period's end is past its due day then.
fn is_overdue(referral: &ReferralFact, status: &str, to: NaiveDate) -> bool {
    let finished = matches!(status, "completed" | "declined" | "cancelled");
    let due = referral
        .due_by
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    !finished && due.is_some_and(|due| due < to)
}

/// Counts a referral made in the period: what it `reached` by the end, and its first response then.
fn tally_cohort(
    tally: &mut Tally,
    referral: &ReferralFact,
    reached: Option<&HashSet<&str>>,
    end_of_period: Option<NaiveDateTime>,
) {
    tally.made += 1;
    let reached = |s: &str| reached.is_some_and(|set| set.contains(s));
    tally.cohort_accepted += u64::from(reached("accepted"));
    tally.cohort_declined += u64::from(reached("declined"));
    tally.cohort_completed += u64::from(reached("completed"));
    if let (Some(first), Some(end)) = (referral.first_response_at, end_of_period) {
        if first < end {
            let hours = hours_between(referral.created_at, first);
            tally.response_hours.push(hours);
        }
    }
}
