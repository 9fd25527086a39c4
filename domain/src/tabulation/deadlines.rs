//! Deadline compliance tables: how many deadlines were met on time, met late, are overdue or still
//! open, the share met on time, and the median lateness, per cell.

use chrono::NaiveDateTime;

use super::referrals::hours_between;
use super::{group, release_groups, rounded, Disclosure, Table};
use crate::deadlines::{pakistan, state_of, DeadlineState};
use crate::stats::DeadlineDimension;

/// An applicable deadline as compliance statistics need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineFact {
    pub rule: String,
    pub province: String,
    pub district: Option<String>,
    pub agency_id: String,
    pub due_at: NaiveDateTime,
    pub met_at: Option<NaiveDateTime>,
}

impl DeadlineFact {
    /// The value this deadline has for a dimension (`month`: when it fell due, in Pakistan time).
    pub fn value_of(&self, dimension: DeadlineDimension) -> String {
        match dimension {
            DeadlineDimension::Rule => self.rule.clone(),
            DeadlineDimension::Province => self.province.clone(),
            DeadlineDimension::District => self.district.clone().unwrap_or_default(),
            DeadlineDimension::Agency => self.agency_id.clone(),
            DeadlineDimension::Month => self
                .due_at
                .and_utc()
                .with_timezone(&pakistan())
                .format("%Y-%m")
                .to_string(),
        }
    }

    /// Where it stands at `now` (`due_soon` counts as open: it is not late yet).
    fn standing(&self, now: NaiveDateTime) -> DeadlineState {
        let state = state_of(
            self.due_at.and_utc(),
            self.met_at.map(|met| met.and_utc()),
            now.and_utc(),
            chrono::Duration::zero(),
        );
        match state {
            DeadlineState::DueSoon => DeadlineState::Open,
            other => other,
        }
    }
}

/// A cell's compliance, released: counts below the minimum cell and figures over too few deadlines
/// are null under disclosure control.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Compliance {
    pub met: Option<u64>,
    pub met_late: Option<u64>,
    pub overdue: Option<u64>,
    pub open: Option<u64>,
    /// Met on time, of those met or overdue (open ones are not yet decided).
    pub share_met_on_time: Option<f64>,
    /// The median hours past the due time of those met late.
    pub median_hours_late: Option<f64>,
}

/// Groups the deadlines that match every filter by `group_by` and releases each cell's compliance at
/// `now` under `disclosure`.
pub fn tabulate_deadlines(
    facts: &[DeadlineFact],
    group_by: &[DeadlineDimension],
    filters: &[(DeadlineDimension, String)],
    now: NaiveDateTime,
    disclosure: Disclosure,
) -> Table<Compliance> {
    let groups = group(facts, group_by, filters, DeadlineFact::value_of);
    release_groups(&groups, disclosure, |members| {
        compliance(members, now, disclosure)
    })
}

fn compliance(members: &[&DeadlineFact], now: NaiveDateTime, disclosure: Disclosure) -> Compliance {
    let count = |state: DeadlineState| {
        members
            .iter()
            .filter(|fact| fact.standing(now) == state)
            .count() as u64
    };
    let (met, met_late, overdue, open) = (
        count(DeadlineState::Met),
        count(DeadlineState::MetLate),
        count(DeadlineState::Overdue),
        count(DeadlineState::Open),
    );
    let lateness: Vec<f64> = members
        .iter()
        .filter_map(|fact| {
            fact.met_at
                .filter(|met| *met > fact.due_at)
                .map(|met| hours_between(fact.due_at, met))
        })
        .collect();
    // A small count inside a released cell would single out the few cases it counts.
    let floor = crate::disclosure::effective_k(disclosure.min_cell);
    let shown = |n: u64| (!disclosure.protected || n == 0 || n >= floor).then_some(n);
    Compliance {
        met: shown(met),
        met_late: shown(met_late),
        overdue: shown(overdue),
        open: shown(open),
        share_met_on_time: disclosure
            .rate(met, met + met_late + overdue)
            .map(|share| rounded(share, 1000.0)),
        median_hours_late: disclosure
            .percentile(&lateness, 0.5)
            .map(|hours| rounded(hours, 100.0)),
    }
}
