//! Referral tables: groups referrals into cells in memory, and releases each cell's count with the
//! hours to first response and to completion.

use chrono::NaiveDateTime;

use super::{group, release_groups, rounded, Disclosure, Table};
use crate::stats::ReferralDimension;

/// A live referral as referral statistics and KPIs need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFact {
    pub id: String,
    pub service: String,
    pub status: String,
    pub to_agency_kind: String,
    pub province: String,
    /// The due day as stored (`YYYY-MM-DD`).
    pub due_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
}

impl ReferralFact {
    /// The value this referral has for a dimension.
    pub fn value_of(&self, dimension: ReferralDimension) -> String {
        match dimension {
            ReferralDimension::Service => self.service.clone(),
            ReferralDimension::Status => self.status.clone(),
            ReferralDimension::ToAgencyKind => self.to_agency_kind.clone(),
            ReferralDimension::Province => self.province.clone(),
            ReferralDimension::Month => self.created_at.format("%Y-%m").to_string(),
        }
    }
}

/// Hours from creation to first response and to completion in one cell, released: null when the
/// cell is suppressed or (under disclosure control) computed from fewer than the minimum cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ReferralTimes {
    pub median_hours_to_first_response: Option<f64>,
    pub p90_hours_to_first_response: Option<f64>,
    pub median_hours_to_completion: Option<f64>,
    pub p90_hours_to_completion: Option<f64>,
}

/// Groups the referrals that match every filter by `group_by` (cells in key order) and releases
/// each cell's count and times under `disclosure`.
pub fn tabulate_referrals(
    facts: &[ReferralFact],
    group_by: &[ReferralDimension],
    filters: &[(ReferralDimension, String)],
    disclosure: Disclosure,
) -> Table<ReferralTimes> {
    let groups = group(facts, group_by, filters, ReferralFact::value_of);
    release_groups(&groups, disclosure, |members| times(members, disclosure))
}

fn times(members: &[&ReferralFact], disclosure: Disclosure) -> ReferralTimes {
    let response = hours_until(members, |fact| fact.first_response_at);
    let completion = hours_until(members, |fact| fact.completed_at);
    let shown = |values: &[f64], p: f64| {
        disclosure
            .percentile(values, p)
            .map(|hours| rounded(hours, 100.0))
    };
    ReferralTimes {
        median_hours_to_first_response: shown(&response, 0.5),
        p90_hours_to_first_response: shown(&response, 0.9),
        median_hours_to_completion: shown(&completion, 0.5),
        p90_hours_to_completion: shown(&completion, 0.9),
    }
}

/// Hours from creation to the given moment, for the referrals that reached it.
fn hours_until(
    members: &[&ReferralFact],
    moment: impl Fn(&ReferralFact) -> Option<NaiveDateTime>,
) -> Vec<f64> {
    members
        .iter()
        .filter_map(|fact| moment(fact).map(|to| hours_between(fact.created_at, to)))
        .collect()
}

/// Hours between two moments, to the second.
pub(super) fn hours_between(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    // Precision to the second is plenty for medians reported in hours.
    #[allow(clippy::cast_precision_loss)]
    let seconds = (to - from).num_seconds() as f64;
    seconds / 3600.0
}
