//! Complaint tables: groups complaints into cells in memory, and releases each cell's count with the
//! median hours from receipt to triage and to acceptance.

use chrono::NaiveDateTime;

use super::referrals::hours_between;
use super::{group, release_groups, rounded, Disclosure, Table};
use crate::stats::ComplaintDimension;

/// A live complaint as complaint statistics and KPIs need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintFact {
    pub id: String,
    pub channel: String,
    pub complainant_type: String,
    pub category: String,
    pub province: String,
    pub district: Option<String>,
    pub status: String,
    pub closure_reason: Option<String>,
    pub received_at: NaiveDateTime,
    /// The first triage.
    pub triaged_at: Option<NaiveDateTime>,
    /// The acceptance by the assigned agency (a complaint is accepted once at most).
    pub accepted_at: Option<NaiveDateTime>,
}

impl ComplaintFact {
    /// The value this complaint has for a dimension; empty where it has none.
    pub fn value_of(&self, dimension: ComplaintDimension) -> String {
        match dimension {
            ComplaintDimension::Channel => self.channel.clone(),
            ComplaintDimension::ComplainantType => self.complainant_type.clone(),
            ComplaintDimension::Category => self.category.clone(),
            ComplaintDimension::Province => self.province.clone(),
            ComplaintDimension::District => self.district.clone().unwrap_or_default(),
            ComplaintDimension::Status => self.status.clone(),
            ComplaintDimension::ClosureReason => self.closure_reason.clone().unwrap_or_default(),
            ComplaintDimension::Month => self.received_at.format("%Y-%m").to_string(),
        }
    }
}

/// Median hours from receipt to first triage and to acceptance in one cell, released: null when the
/// cell is suppressed or (under disclosure control) computed from fewer than the minimum cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ComplaintTimes {
    pub median_hours_to_triage: Option<f64>,
    pub median_hours_to_acceptance: Option<f64>,
}

/// Groups the complaints that match every filter by `group_by` (cells in key order) and releases
/// each cell's count and times under `disclosure`. A dimension a complaint has no value for (a
/// district, a closure reason) is null in the row's key.
pub fn tabulate_complaints(
    facts: &[ComplaintFact],
    group_by: &[ComplaintDimension],
    filters: &[(ComplaintDimension, String)],
    disclosure: Disclosure,
) -> Table<ComplaintTimes> {
    let groups = group(facts, group_by, filters, ComplaintFact::value_of);
    let mut table = release_groups(&groups, disclosure, |members| {
        let shown = |values: &[f64]| {
            disclosure
                .percentile(values, 0.5)
                .map(|hours| rounded(hours, 100.0))
        };
        ComplaintTimes {
            median_hours_to_triage: shown(&hours_to(members, |fact| fact.triaged_at)),
            median_hours_to_acceptance: shown(&hours_to(members, |fact| fact.accepted_at)),
        }
    });
    for row in &mut table.rows {
        for value in &mut row.key {
            if value.as_deref() == Some("") {
                *value = None;
            }
        }
    }
    table
}

/// Hours from receipt to the given moment, for the complaints that reached it.
pub(super) fn hours_to(
    members: &[&ComplaintFact],
    moment: impl Fn(&ComplaintFact) -> Option<NaiveDateTime>,
) -> Vec<f64> {
    members
        .iter()
        .filter_map(|fact| moment(fact).map(|to| hours_between(fact.received_at, to)))
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::stats::ComplaintDimension as C;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .unwrap_or_default()
    }

    fn fact(id: &str, channel: &str, triaged_after: Option<u32>) -> ComplaintFact {
        ComplaintFact {
            id: id.to_owned(),
            channel: channel.to_owned(),
            complainant_type: "teacher".to_owned(),
            category: "neglect".to_owned(),
            province: "Punjab".to_owned(),
            district: None,
            status: "received".to_owned(),
            closure_reason: None,
            received_at: at(1, 0),
            triaged_at: triaged_after.map(|h| at(1, h)),
            accepted_at: None,
        }
    }

    #[test]
    fn cells_count_complaints_with_their_median_times_and_null_unknown_values() {
        let exact = Disclosure {
            protected: false,
            min_cell: 3,
        };
        let facts = [
            fact("1", "email", Some(2)),
            fact("2", "email", Some(4)),
            fact("3", "email", None),
            fact("4", "letter", Some(6)),
        ];
        let table = tabulate_complaints(&facts, &[C::Channel, C::District], &[], exact);
        let keys: Vec<_> = table.rows.iter().map(|r| r.key.clone()).collect();
        assert_eq!(
            keys,
            [
                vec![Some("email".to_owned()), None],
                vec![Some("letter".to_owned()), None]
            ]
        );
        assert_eq!(table.rows[0].count, Some(3));
        assert_eq!(table.rows[0].figures.median_hours_to_triage, Some(3.0));
        assert_eq!(table.rows[0].figures.median_hours_to_acceptance, None);
        assert_eq!(table.total, Some(4));
        let letters = tabulate_complaints(&facts, &[], &[(C::Channel, "letter".to_owned())], exact);
        assert_eq!(letters.total, Some(1));
        let protected = Disclosure {
            protected: true,
            min_cell: 3,
        };
        let hidden = tabulate_complaints(&facts, &[C::Channel], &[], protected);
        let letter = &hidden.rows[1];
        assert!(letter.suppressed && letter.count.is_none());
        assert_eq!(letter.figures, ComplaintTimes::default());
    }
}
