//! The complaint indicators' tallies: received, first triaged, converted and closed in the period, and
//! the hours to triage and to acceptance of the complaints received in it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};

use super::{in_period, KpiFacts, Tally};
use crate::tabulation::referrals::hours_between;

/// What a complaint's status moves up to the period's end say of it.
#[derive(Default)]
struct Moves {
    first_triaged: Option<NaiveDateTime>,
    first_accepted: Option<NaiveDateTime>,
    converted_in_period: bool,
    closed_in_period: bool,
}

pub(super) fn tally_complaints(
    tallies: &mut BTreeMap<String, Tally>,
    facts: &KpiFacts,
    from: NaiveDate,
    to: NaiveDate,
) {
    let in_scope: HashSet<&str> = facts.complaints.iter().map(|c| c.id.as_str()).collect();
    let mut moves: HashMap<&str, Moves> = HashMap::new();
    // Oldest first: the first move to a status is the first one seen.
    for transition in facts
        .complaint_moves
        .iter()
        .filter(|t| in_scope.contains(t.record_id.as_str()))
    {
        let seen = moves.entry(transition.record_id.as_str()).or_default();
        let at = transition.occurred_at;
        let now = in_period(at.date(), from, to);
        match transition.to_status.as_str() {
            "triaged" => {
                seen.first_triaged.get_or_insert(at);
            }
            "accepted" => {
                seen.first_accepted.get_or_insert(at);
            }
            "converted" => seen.converted_in_period |= now,
            "closed" => seen.closed_in_period |= now,
            _ => {}
        }
    }
    let end = to
        .succ_opt()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MAX);
    let none = Moves::default();
    for complaint in &facts.complaints {
        let seen = moves.get(complaint.id.as_str()).unwrap_or(&none);
        // The record's own times stand in for moves the transitions do not hold.
        let by_end = |moment: Option<NaiveDateTime>| moment.filter(|m| *m < end);
        let triaged = seen.first_triaged.or(by_end(complaint.triaged_at));
        let accepted = seen.first_accepted.or(by_end(complaint.accepted_at));
        let tally = tallies.entry(complaint.province.clone()).or_default();
        tally.intake_triaged += u64::from(triaged.is_some_and(|t| in_period(t.date(), from, to)));
        tally.intake_converted += u64::from(seen.converted_in_period);
        tally.intake_closed += u64::from(seen.closed_in_period);
        if !in_period(complaint.received_at.date(), from, to) {
            continue;
        }
        tally.intake_received += 1;
        if let Some(triaged) = triaged {
            let hours = hours_between(complaint.received_at, triaged);
            tally.triage_hours.push(hours);
        }
        if let Some(accepted) = accepted {
            let hours = hours_between(complaint.received_at, accepted);
            tally.acceptance_hours.push(hours);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabulation::{tabulate_kpis, ComplaintFact, Disclosure, TransitionFact};

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    fn complaint(id: &str, received: &str) -> ComplaintFact {
        ComplaintFact {
            id: id.to_owned(),
            channel: "email".to_owned(),
            complainant_type: "teacher".to_owned(),
            category: "neglect".to_owned(),
            province: "Sindh".to_owned(),
            district: None,
            status: "received".to_owned(),
            closure_reason: None,
            received_at: at(received),
            triaged_at: None,
            accepted_at: None,
        }
    }

    fn moved(id: &str, status: &str, when: &str) -> TransitionFact {
        TransitionFact {
            record_id: id.to_owned(),
            to_status: status.to_owned(),
            occurred_at: at(when),
        }
    }

    #[test]
    fn complaint_indicators_count_first_moves_in_the_period() {
        let facts = KpiFacts {
            complaints: vec![
                complaint("old", "2024-02-28 10:00"),
                complaint("a", "2024-03-01 00:00"),
                complaint("b", "2024-03-02 00:00"),
                complaint("c", "2024-03-03 00:00"),
            ],
            complaint_moves: vec![
                moved("old", "triaged", "2024-03-01 10:00"),
                moved("old", "closed", "2024-03-02 10:00"),
                moved("a", "triaged", "2024-03-01 02:00"),
                moved("a", "assigned", "2024-03-01 03:00"),
                moved("a", "declined", "2024-03-01 04:00"),
                moved("a", "triaged", "2024-03-01 05:00"),
                moved("a", "assigned", "2024-03-01 06:00"),
                moved("a", "accepted", "2024-03-01 10:00"),
                moved("a", "converted", "2024-03-05 10:00"),
                moved("b", "triaged", "2024-03-02 06:00"),
                moved("b", "closed", "2024-04-02 06:00"),
                moved("elsewhere", "closed", "2024-03-02 06:00"),
            ],
            ..KpiFacts::default()
        };
        let exact = Disclosure {
            protected: false,
            min_cell: 3,
        };
        let march = |to: &str| {
            let to = NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap_or_default();
            let from = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default();
            tabulate_kpis(&facts, from, to, exact).overall
        };
        let figures = march("2024-03-31");
        assert_eq!(figures.intake_complaints_received, Some(3));
        assert_eq!(figures.intake_complaints_triaged, Some(3), "a once");
        assert_eq!(figures.intake_complaints_converted, Some(1));
        assert_eq!(figures.intake_complaints_closed, Some(1), "b in April");
        assert_eq!(figures.intake_median_hours_to_triage, Some(4.0), "2 and 6");
        assert_eq!(figures.intake_median_hours_to_acceptance, Some(10.0));
        assert_eq!(figures.complaints_received, Some(0), "incidents apart");
        let early = march("2024-03-01");
        assert_eq!(early.intake_complaints_received, Some(1));
        assert_eq!(early.intake_median_hours_to_triage, Some(2.0));
        assert_eq!(early.intake_complaints_converted, Some(0));
    }
}
