//! The NCRC Action Plan indicators: per-province tallies replayed from status transitions, so that
//! "open at period end" and "overdue" mean the status as of the period's last day, then released
//! under disclosure control overall and by province.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

mod complaints;
mod referrals;

use super::complaints::ComplaintFact;
use super::deadlines::DeadlineFact;
use super::referrals::ReferralFact;
use super::{rounded, Disclosure};
use crate::deadlines::{end_of_day_pkt, pakistan, rule, RuleCode, SourceKind};
use crate::disclosure::StatCell;

/// A live incident as KPIs need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentFact {
    pub id: String,
    pub province: String,
    /// The day reported, as stored (`YYYY-MM-DD`).
    pub reported_on: String,
}

/// A status change as KPIs need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionFact {
    pub record_id: String,
    pub to_status: String,
    pub occurred_at: NaiveDateTime,
}

/// Everything the indicators of one period are computed from. Transitions are oldest first and end
/// with the period, so the last one of a record is its status at the period's end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KpiFacts {
    pub incidents: Vec<IncidentFact>,
    pub incident_moves: Vec<TransitionFact>,
    pub referrals: Vec<ReferralFact>,
    pub referral_moves: Vec<TransitionFact>,
    /// Applicable deadlines due up to the period's end.
    pub deadlines: Vec<DeadlineFact>,
    /// Complaints received by the period's end.
    pub complaints: Vec<ComplaintFact>,
    pub complaint_moves: Vec<TransitionFact>,
}

/// The indicators. Counts under disclosure control are null when small or when they would reveal
/// a small count; rates and medians are null when computed from fewer than the minimum cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KpiFigures {
    /// Incidents reported in the period.
    pub complaints_received: Option<u64>,
    /// Incidents closed in the period.
    pub complaints_addressed: Option<u64>,
    /// Incidents reported by the period's end and not closed at its end.
    pub open_at_period_end: Option<u64>,
    /// Referrals created in the period.
    pub referrals_made: Option<u64>,
    /// Referrals accepted in the period.
    pub referrals_accepted: Option<u64>,
    /// Referrals completed in the period.
    pub referrals_completed: Option<u64>,
    /// Referrals declined in the period.
    pub referrals_declined: Option<u64>,
    /// Referrals past their due date at the period's end and not completed, declined or cancelled.
    pub referrals_overdue: Option<u64>,
    /// Of the referrals made in the period and answered by its end, the share accepted.
    pub acceptance_rate: Option<f64>,
    /// Of the referrals made in the period and accepted by its end, the share completed by its end.
    pub completion_rate: Option<f64>,
    /// Median hours from creation to first response, over referrals made in the period.
    pub median_hours_to_first_response: Option<f64>,
    /// Of the statutory deadlines (rules from a statute or a secondary report of one, not policy)
    /// that fell due in the period and were met or overdue by its end, the share met on time.
    pub statutory_deadlines_met_on_time: Option<f64>,
    /// Complaints (intake records, not incidents) received in the period.
    pub intake_complaints_received: Option<u64>,
    /// Complaints first triaged in the period, whenever received.
    pub intake_complaints_triaged: Option<u64>,
    /// Complaints made into a case in the period.
    pub intake_complaints_converted: Option<u64>,
    /// Complaints closed in the period (without a case).
    pub intake_complaints_closed: Option<u64>,
    /// Median hours from receipt to first triage, over complaints received in the period and
    /// triaged by its end.
    pub intake_median_hours_to_triage: Option<f64>,
    /// Median hours from receipt to acceptance by the assigned agency, over complaints received in
    /// the period and accepted by its end.
    pub intake_median_hours_to_acceptance: Option<f64>,
}

/// The released indicators: overall, and per province in name order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kpis {
    pub overall: KpiFigures,
    pub by_province: Vec<(String, KpiFigures)>,
}

/// Raw per-province counts before disclosure control.
#[derive(Debug, Default, Clone)]
struct Tally {
    received: u64,
    addressed: u64,
    open_at_end: u64,
    made: u64,
    accepted: u64,
    completed: u64,
    declined: u64,
    overdue: u64,
    cohort_accepted: u64,
    cohort_declined: u64,
    cohort_completed: u64,
    response_hours: Vec<f64>,
    statutory_decided: u64,
    statutory_on_time: u64,
    intake_received: u64,
    intake_triaged: u64,
    intake_converted: u64,
    intake_closed: u64,
    triage_hours: Vec<f64>,
    acceptance_hours: Vec<f64>,
}

/// How to read one count indicator from a tally, and where to put it in the figures.
type Indicator = (fn(&Tally) -> u64, fn(&mut KpiFigures, Option<u64>));

const COUNTS: [Indicator; 12] = [
    (|t| t.received, |f, v| f.complaints_received = v),
    (|t| t.addressed, |f, v| f.complaints_addressed = v),
    (|t| t.open_at_end, |f, v| f.open_at_period_end = v),
    (|t| t.made, |f, v| f.referrals_made = v),
    (|t| t.accepted, |f, v| f.referrals_accepted = v),
    (|t| t.completed, |f, v| f.referrals_completed = v),
    (|t| t.declined, |f, v| f.referrals_declined = v),
    (|t| t.overdue, |f, v| f.referrals_overdue = v),
    (
        |t| t.intake_received,
        |f, v| f.intake_complaints_received = v,
    ),
    (|t| t.intake_triaged, |f, v| f.intake_complaints_triaged = v),
    (
        |t| t.intake_converted,
        |f, v| f.intake_complaints_converted = v,
    ),
    (|t| t.intake_closed, |f, v| f.intake_complaints_closed = v),
];

/// The indicators for the period `from..=to`, released under `disclosure`.
pub fn tabulate_kpis(
    facts: &KpiFacts,
    from: NaiveDate,
    to: NaiveDate,
    disclosure: Disclosure,
) -> Kpis {
    let tallies = tally(facts, from, to);
    let mut overall = KpiFigures::default();
    let mut by_province: BTreeMap<&str, KpiFigures> = tallies
        .keys()
        .map(|p| (p.as_str(), KpiFigures::default()))
        .collect();
    release_counts(&tallies, disclosure, &mut overall, &mut by_province);
    release_rates(&tallies, disclosure, &mut overall, &mut by_province);
    Kpis {
        overall,
        by_province: by_province
            .into_iter()
            .map(|(province, figures)| (province.to_owned(), figures))
            .collect(),
    }
}

fn release_counts(
    tallies: &BTreeMap<String, Tally>,
    disclosure: Disclosure,
    overall: &mut KpiFigures,
    by_province: &mut BTreeMap<&str, KpiFigures>,
) {
    for (pick, set) in COUNTS {
        let (values, total) = release_indicator(tallies, pick, disclosure);
        set(overall, total);
        for (province, value) in values {
            if let Some(figures) = by_province.get_mut(province) {
                set(figures, value);
            }
        }
    }
}

fn release_rates(
    tallies: &BTreeMap<String, Tally>,
    disclosure: Disclosure,
    overall: &mut KpiFigures,
    by_province: &mut BTreeMap<&str, KpiFigures>,
) {
    let mut combined = Tally::default();
    for (province, tally) in tallies {
        combined.cohort_accepted += tally.cohort_accepted;
        combined.cohort_declined += tally.cohort_declined;
        combined.cohort_completed += tally.cohort_completed;
        combined.response_hours.extend(&tally.response_hours);
        combined.statutory_decided += tally.statutory_decided;
        combined.statutory_on_time += tally.statutory_on_time;
        combined.triage_hours.extend(&tally.triage_hours);
        combined.acceptance_hours.extend(&tally.acceptance_hours);
        if let Some(figures) = by_province.get_mut(province.as_str()) {
            set_rates(figures, tally, disclosure);
        }
    }
    set_rates(overall, &combined, disclosure);
}

/// Releases one count indicator across provinces; returns the per-province values and the overall.
fn release_indicator(
    tallies: &BTreeMap<String, Tally>,
    pick: fn(&Tally) -> u64,
    disclosure: Disclosure,
) -> (BTreeMap<&str, Option<u64>>, Option<u64>) {
    // Provinces with nothing to count stay out of the table: a zero cell reveals nobody and would
    // only be picked as a needless complement.
    let cells: Vec<StatCell> = tallies
        .iter()
        .filter(|(_, tally)| pick(tally) > 0)
        .map(|(province, tally)| StatCell {
            key: vec![province.clone()],
            count: pick(tally),
            children: 0,
        })
        .collect();
    let released = disclosure.release(&cells);
    let mut values: BTreeMap<&str, Option<u64>> =
        tallies.keys().map(|p| (p.as_str(), Some(0))).collect();
    for cell in &released.cells {
        if let Some(slot) = cell.key.first().and_then(|p| values.get_mut(p.as_str())) {
            *slot = cell.count;
        }
    }
    // Nothing counted anywhere is a true zero, not a total withheld for being small.
    let total = released.total.or(cells.is_empty().then_some(0));
    (values, total)
}

fn set_rates(figures: &mut KpiFigures, tally: &Tally, disclosure: Disclosure) {
    let answered = tally.cohort_accepted + tally.cohort_declined;
    figures.acceptance_rate = disclosure
        .rate(tally.cohort_accepted, answered)
        .map(|r| rounded(r, 10_000.0));
    figures.completion_rate = disclosure
        .rate(tally.cohort_completed, tally.cohort_accepted)
        .map(|r| rounded(r, 10_000.0));
    figures.median_hours_to_first_response = disclosure
        .percentile(&tally.response_hours, 0.5)
        .map(|h| rounded(h, 100.0));
    figures.statutory_deadlines_met_on_time = disclosure
        .rate(tally.statutory_on_time, tally.statutory_decided)
        .map(|r| rounded(r, 10_000.0));
    let median = |hours: &[f64]| disclosure.percentile(hours, 0.5).map(|h| rounded(h, 100.0));
    figures.intake_median_hours_to_triage = median(&tally.triage_hours);
    figures.intake_median_hours_to_acceptance = median(&tally.acceptance_hours);
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

/// The raw counts per province, before disclosure control.
fn tally(facts: &KpiFacts, from: NaiveDate, to: NaiveDate) -> BTreeMap<String, Tally> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    tally_incidents(&mut tallies, facts, from, to);
    referrals::tally_referral_moves(&mut tallies, facts, from, to);
    referrals::tally_referrals(&mut tallies, facts, from, to);
    complaints::tally_complaints(&mut tallies, facts, from, to);
    tally_statutory_deadlines(&mut tallies, facts, from, to);
    tallies
}

/// Statutory deadlines due in the period (Pakistan days): met on time, or decided (met, or past due
/// at the period's end).
fn tally_statutory_deadlines(
    tallies: &mut BTreeMap<String, Tally>,
    facts: &KpiFacts,
    from: NaiveDate,
    to: NaiveDate,
) {
    let end = end_of_day_pkt(to).naive_utc();
    let statutory = |code: &str| {
        RuleCode::parse(code)
            .and_then(rule)
            .is_some_and(|rule| rule.source_kind != SourceKind::Policy)
    };
    for deadline in facts.deadlines.iter().filter(|d| statutory(&d.rule)) {
        let due_day = deadline
            .due_at
            .and_utc()
            .with_timezone(&pakistan())
            .date_naive();
        if !in_period(due_day, from, to) {
            continue;
        }
        let met = deadline.met_at.filter(|met| *met <= end);
        let tally = tallies.entry(deadline.province.clone()).or_default();
        if met.is_some() || deadline.due_at < end {
            tally.statutory_decided += 1;
        }
        if met.is_some_and(|met| met <= deadline.due_at) {
            tally.statutory_on_time += 1;
        }
    }
}

fn tally_incidents(
    tallies: &mut BTreeMap<String, Tally>,
    facts: &KpiFacts,
    from: NaiveDate,
    to: NaiveDate,
) {
    let status = status_at_end(&facts.incident_moves);
    let closed_in_period: HashSet<&str> = facts
        .incident_moves
        .iter()
        .filter(|t| t.to_status == "closed" && in_period(t.occurred_at.date(), from, to))
        .map(|t| t.record_id.as_str())
        .collect();
    for incident in &facts.incidents {
        let tally = tallies.entry(incident.province.clone()).or_default();
        let reported = NaiveDate::parse_from_str(&incident.reported_on, "%Y-%m-%d").ok();
        if reported.is_some_and(|day| in_period(day, from, to)) {
            tally.received += 1;
        }
        if closed_in_period.contains(incident.id.as_str()) {
            tally.addressed += 1;
        }
        if status.get(incident.id.as_str()).copied().unwrap_or("open") != "closed" {
            tally.open_at_end += 1;
        }
    }
}
