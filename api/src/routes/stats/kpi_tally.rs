//! The raw KPI tallies per province, before disclosure control: replayed from transitions so that
//! "open at period end" and "overdue" mean the status as of the period's last day.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use cpims_db::repo::stats::{IncidentFact, ReferralFact, TransitionFact};

use super::kpis::KpiQuery;

/// Raw per-province counts before disclosure control.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub received: u64,
    pub addressed: u64,
    pub open_at_end: u64,
    pub made: u64,
    pub accepted: u64,
    pub completed: u64,
    pub declined: u64,
    pub overdue: u64,
    pub cohort_accepted: u64,
    pub cohort_declined: u64,
    pub cohort_completed: u64,
    pub response_hours: Vec<f64>,
}

fn in_period(day: NaiveDate, from: NaiveDate, to: NaiveDate) -> bool {
    (from..=to).contains(&day)
}

/// Status as of the end of the period, from the transitions up to it.
fn status_at_end(transitions: &[TransitionFact]) -> HashMap<&str, &str> {
    transitions
        .iter()
        .map(|t| (t.record_id.as_str(), t.to_status.as_str()))
        .collect()
}

pub fn tally(
    query: &KpiQuery,
    incidents: &[IncidentFact],
    incident_moves: &[TransitionFact],
    referrals: &[ReferralFact],
    referral_moves: &[TransitionFact],
) -> BTreeMap<String, Tally> {
    let (from, to) = (query.from, query.to);
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let incident_status = status_at_end(incident_moves);
    let closed_in_period: HashSet<&str> = incident_moves
        .iter()
        .filter(|t| t.to_status == "closed" && in_period(t.occurred_at.date(), from, to))
        .map(|t| t.record_id.as_str())
        .collect();
    for incident in incidents {
        let tally = tallies.entry(incident.province.clone()).or_default();
        let reported = NaiveDate::parse_from_str(&incident.reported_on, "%Y-%m-%d").ok();
        if reported.is_some_and(|day| in_period(day, from, to)) {
            tally.received += 1;
        }
        if closed_in_period.contains(incident.id.as_str()) {
            tally.addressed += 1;
        }
        if incident_status
            .get(incident.id.as_str())
            .copied()
            .unwrap_or("open")
            != "closed"
        {
            tally.open_at_end += 1;
        }
    }
    let referral_status = status_at_end(referral_moves);
    let mut ever: HashMap<&str, HashSet<&str>> = HashMap::new();
    for transition in referral_moves {
        ever.entry(transition.record_id.as_str())
            .or_default()
            .insert(transition.to_status.as_str());
    }
    let province_of: HashMap<&str, &str> = referrals
        .iter()
        .map(|r| (r.id.as_str(), r.province.as_str()))
        .collect();
    for transition in referral_moves
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
    let end_of_period = to.succ_opt().and_then(|day| day.and_hms_opt(0, 0, 0));
    for referral in referrals {
        let tally = tallies.entry(referral.province.clone()).or_default();
        let status = referral_status
            .get(referral.id.as_str())
            .copied()
            .unwrap_or("pending");
        let finished = matches!(status, "completed" | "declined" | "cancelled");
        let due = referral
            .due_by
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if !finished && due.is_some_and(|due| due < to) {
            tally.overdue += 1;
        }
        if !in_period(referral.created_at.date(), from, to) {
            continue;
        }
        tally.made += 1;
        let statuses = ever.get(referral.id.as_str());
        let reached = |status: &str| statuses.is_some_and(|set| set.contains(status));
        if reached("accepted") {
            tally.cohort_accepted += 1;
        }
        if reached("declined") {
            tally.cohort_declined += 1;
        }
        if reached("completed") {
            tally.cohort_completed += 1;
        }
        if let (Some(first), Some(end)) = (referral.first_response_at, end_of_period) {
            if first < end {
                // Seconds to hours; precision beyond that is noise.
                #[allow(clippy::cast_precision_loss)]
                tally
                    .response_hours
                    .push((first - referral.created_at).num_seconds() as f64 / 3600.0);
            }
        }
    }
    tallies
}
