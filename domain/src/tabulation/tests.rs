//! Tabulation: grouping into cells, suppression of small cells and of the cells that would reveal
//! them, totals, percentiles and rates, for incident and referral tables and the KPIs.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::stats::ReferralDimension as R;

const EXACT: Disclosure = Disclosure {
    protected: false,
    min_cell: 3,
};
const PROTECTED: Disclosure = Disclosure {
    protected: true,
    min_cell: 3,
};

fn counted(key: &[Option<&str>], incidents: u64, children: u64) -> CountedCell {
    CountedCell {
        key: key.iter().map(|v| v.map(str::to_owned)).collect(),
        incidents,
        children,
    }
}

fn at(moment: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(moment, "%Y-%m-%d %H:%M").unwrap_or_default()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
}

fn referral(id: &str, service: &str, province: &str, created: &str) -> ReferralFact {
    ReferralFact {
        id: id.to_owned(),
        service: service.to_owned(),
        status: "pending".to_owned(),
        to_agency_kind: "cso".to_owned(),
        province: province.to_owned(),
        due_by: None,
        created_at: at(created),
        first_response_at: None,
        completed_at: None,
    }
}

fn responded(mut fact: ReferralFact, after_hours: i64) -> ReferralFact {
    fact.first_response_at = Some(fact.created_at + chrono::Duration::hours(after_hours));
    fact
}

fn counts<F>(table: &Table<F>) -> Vec<Option<u64>> {
    table.rows.iter().map(|row| row.count).collect()
}

fn suppressed<F>(table: &Table<F>) -> Vec<bool> {
    table.rows.iter().map(|row| row.suppressed).collect()
}

#[test]
fn only_views_below_monitor_get_disclosure_control() {
    assert!(!Disclosure::for_view(&StatsView::ExactAll, 5).protected);
    assert!(Disclosure::for_view(&StatsView::ProtectedAll, 5).protected);
    let agency = Disclosure::for_view(&StatsView::ProtectedAgency("a".into()), 5);
    assert_eq!(
        agency,
        Disclosure {
            protected: true,
            min_cell: 5
        }
    );
}

#[test]
fn exact_incident_table_shows_every_cell_and_sums_the_total() {
    let cells = [
        counted(&[Some("Punjab")], 1, 1),
        counted(&[None], 7, 5),
        counted(&[Some("Sindh")], 2, 2),
    ];
    let table = tabulate_incidents(&cells, EXACT);
    assert_eq!(counts(&table), [Some(1), Some(7), Some(2)]);
    assert_eq!(table.rows[1].figures.children, Some(5));
    assert_eq!(table.total, Some(10));
    assert_eq!(suppressed(&table), [false, false, false]);
}

#[test]
fn incident_rows_keep_input_order_and_unknown_values() {
    let cells = [
        counted(&[Some("Sindh"), None], 9, 9),
        counted(&[Some("Punjab"), Some("female")], 8, 8),
    ];
    let table = tabulate_incidents(&cells, PROTECTED);
    assert_eq!(table.rows[0].key, [Some("Sindh".to_owned()), None]);
    assert_eq!(
        table.rows[1].key,
        [Some("Punjab".to_owned()), Some("female".to_owned())]
    );
}

#[test]
fn small_incident_cell_and_its_complement_are_suppressed_so_the_total_reveals_neither() {
    let cells = [
        counted(&[Some("a")], 2, 2),
        counted(&[Some("b")], 10, 4),
        counted(&[Some("c")], 11, 5),
    ];
    let table = tabulate_incidents(&cells, PROTECTED);
    assert_eq!(suppressed(&table), [true, true, false]);
    assert_eq!(counts(&table), [None, None, Some(11)]);
    assert_eq!(table.rows[1].figures.children, None);
    assert_eq!(table.total, Some(23));
    let visible: u64 = table.rows.iter().filter_map(|row| row.count).sum();
    assert!(!(1..3).contains(&(23 - visible)));
}

#[test]
fn unknown_and_empty_values_are_one_differencing_group() {
    // Two rows that look different on the wire but share a marginal: the small one needs a
    // complement from the other row of the same group.
    let cells = [
        counted(&[None, Some("x")], 1, 1),
        counted(&[Some(""), Some("y")], 9, 9),
        counted(&[Some("b"), Some("x")], 9, 9),
        counted(&[Some("b"), Some("y")], 9, 9),
    ];
    let table = tabulate_incidents(&cells, PROTECTED);
    assert!(table.rows[0].suppressed);
    assert!(table.rows[1].suppressed);
}

#[test]
fn protected_children_below_the_minimum_are_withheld_but_the_count_is_shown() {
    let table = tabulate_incidents(&[counted(&[Some("a")], 9, 2)], PROTECTED);
    assert_eq!(table.rows[0].count, Some(9));
    assert_eq!(table.rows[0].figures.children, None);
}

#[test]
fn protected_total_below_the_minimum_is_withheld() {
    let table = tabulate_incidents(&[counted(&[], 2, 2)], PROTECTED);
    assert_eq!(table.total, None);
    assert!(table.rows[0].suppressed);
    assert_eq!(tabulate_incidents(&[], PROTECTED).total, None);
    assert_eq!(tabulate_incidents(&[], EXACT).total, Some(0));
}

#[test]
fn referrals_are_filtered_then_grouped_in_key_order() {
    let facts = [
        referral("1", "shelter", "Sindh", "2024-03-02 10:00"),
        referral("2", "medical", "Punjab", "2024-03-05 10:00"),
        referral("3", "shelter", "Punjab", "2024-04-01 10:00"),
        referral("4", "shelter", "Punjab", "2024-04-09 10:00"),
    ];
    let filters = [(R::Service, "shelter".to_owned())];
    let table = tabulate_referrals(&facts, &[R::Province, R::Month], &filters, EXACT);
    let keys: Vec<_> = table.rows.iter().map(|row| row.key.clone()).collect();
    let key = |p: &str, m: &str| vec![Some(p.to_owned()), Some(m.to_owned())];
    assert_eq!(keys, [key("Punjab", "2024-04"), key("Sindh", "2024-03")]);
    assert_eq!(counts(&table), [Some(2), Some(1)]);
    assert_eq!(table.total, Some(3));
}

#[test]
fn ungrouped_referrals_are_one_cell_and_none_are_no_cell() {
    let facts = [referral("1", "shelter", "Sindh", "2024-03-02 10:00")];
    let table = tabulate_referrals(&facts, &[], &[], EXACT);
    assert_eq!(table.rows.len(), 1);
    assert!(table.rows[0].key.is_empty());
    assert!(tabulate_referrals(&[], &[], &[], EXACT).rows.is_empty());
}

#[test]
fn referral_times_are_percentiles_of_the_hours_rounded_to_hundredths() {
    let facts: Vec<ReferralFact> = [1, 2, 4, 7]
        .iter()
        .enumerate()
        .map(|(i, hours)| {
            let fact = referral(&i.to_string(), "shelter", "Sindh", "2024-03-02 10:00");
            responded(fact, *hours)
        })
        .collect();
    let table = tabulate_referrals(&facts, &[], &[], EXACT);
    let times = table.rows[0].figures;
    assert_eq!(times.median_hours_to_first_response, Some(3.0));
    assert_eq!(times.p90_hours_to_first_response, Some(6.1));
    assert_eq!(times.median_hours_to_completion, None);

    let mut thirds = referral("t", "shelter", "Sindh", "2024-03-02 10:00");
    thirds.first_response_at = Some(thirds.created_at + chrono::Duration::seconds(1200));
    let table = tabulate_referrals(&[thirds], &[], &[], EXACT);
    assert_eq!(
        table.rows[0].figures.median_hours_to_first_response,
        Some(0.33)
    );
}

#[test]
fn protected_referral_times_need_the_minimum_number_of_referrals() {
    let fact =
        |id: &str, hours| responded(referral(id, "shelter", "Sindh", "2024-03-02 10:00"), hours);
    let mut facts = vec![fact("1", 1), fact("2", 2), fact("3", 3)];
    facts.push(referral("4", "shelter", "Sindh", "2024-03-02 10:00"));
    facts.push(referral("5", "shelter", "Sindh", "2024-03-02 10:00"));
    let min_cell_4 = Disclosure {
        protected: true,
        min_cell: 4,
    };
    let table = tabulate_referrals(&facts, &[], &[], min_cell_4);
    // Five referrals are enough to show the count, three responses too few to show their median.
    assert_eq!(table.rows[0].count, Some(5));
    assert_eq!(table.rows[0].figures.median_hours_to_first_response, None);
    let table = tabulate_referrals(&facts, &[], &[], PROTECTED);
    assert_eq!(
        table.rows[0].figures.median_hours_to_first_response,
        Some(2.0)
    );
}

#[test]
fn suppressed_referral_cells_show_no_times() {
    let fact =
        |id: &str, province| responded(referral(id, "shelter", province, "2024-03-02 10:00"), 5);
    let mut facts: Vec<ReferralFact> = (0..4).map(|i| fact(&i.to_string(), "Punjab")).collect();
    facts.extend((4..8).map(|i| fact(&i.to_string(), "Sindh")));
    facts.push(fact("small", "Balochistan"));
    let table = tabulate_referrals(&facts, &[R::Province], &[], PROTECTED);
    assert_eq!(suppressed(&table), [true, true, false]);
    for row in table.rows.iter().filter(|row| row.suppressed) {
        assert_eq!(row.figures, ReferralTimes::default());
    }
    assert_eq!(
        table.rows[2].figures.median_hours_to_first_response,
        Some(5.0)
    );
}

fn incident(id: &str, province: &str, reported_on: &str) -> IncidentFact {
    IncidentFact {
        id: id.to_owned(),
        province: province.to_owned(),
        reported_on: reported_on.to_owned(),
    }
}

fn moved(record_id: &str, to_status: &str, moment: &str) -> TransitionFact {
    TransitionFact {
        record_id: record_id.to_owned(),
        to_status: to_status.to_owned(),
        occurred_at: at(moment),
    }
}

/// Punjab: five incidents in March, two closed in March, one reported before the period; Sindh: one
/// incident. Referrals: four made in Punjab in March, three accepted (one later completed), one
/// declined; one old Sindh referral overdue.
fn march() -> KpiFacts {
    let mut incidents: Vec<IncidentFact> = (1..=5)
        .map(|i| incident(&format!("p{i}"), "Punjab", "2024-03-10"))
        .collect();
    incidents.push(incident("p0", "Punjab", "2024-02-20"));
    incidents.push(incident("s1", "Sindh", "2024-03-11"));
    let incident_moves = vec![
        moved("p1", "closed", "2024-03-20 09:00"),
        moved("p2", "closed", "2024-03-21 09:00"),
        moved("p0", "closed", "2024-02-25 09:00"),
    ];
    let mut referrals: Vec<ReferralFact> = (1..=4)
        .map(|i| {
            responded(
                referral(&format!("r{i}"), "shelter", "Punjab", "2024-03-01 08:00"),
                i,
            )
        })
        .collect();
    let mut old = referral("r0", "shelter", "Sindh", "2024-01-05 08:00");
    old.due_by = Some("2024-02-01".to_owned());
    referrals.push(old);
    let referral_moves = vec![
        moved("r1", "accepted", "2024-03-01 09:00"),
        moved("r2", "accepted", "2024-03-01 10:00"),
        moved("r3", "accepted", "2024-03-01 11:00"),
        moved("r4", "declined", "2024-03-01 12:00"),
        moved("r1", "completed", "2024-03-15 12:00"),
    ];
    KpiFacts {
        incidents,
        incident_moves,
        referrals,
        referral_moves,
        deadlines: march_deadlines(),
        ..KpiFacts::default()
    }
}

fn due(rule: &str, due_at: &str, met_at: Option<&str>) -> DeadlineFact {
    DeadlineFact {
        rule: rule.to_owned(),
        province: "Punjab".to_owned(),
        district: Some("Lahore".to_owned()),
        agency_id: "a".to_owned(),
        due_at: at(due_at),
        met_at: met_at.map(at),
    }
}

/// Six statutory deadlines due in March (five met on time, one missed), one met late in April, one
/// due in February, and policy deadlines that the indicator leaves out.
fn march_deadlines() -> Vec<DeadlineFact> {
    let mut deadlines: Vec<DeadlineFact> = (1..=5)
        .map(|day| {
            let due_at = format!("2024-03-{day:02} 12:00");
            let met_at = format!("2024-03-{day:02} 11:00");
            due("fir_registration", &due_at, Some(&met_at))
        })
        .collect();
    deadlines.push(due("medical_exam", "2024-03-20 12:00", None));
    deadlines.push(due(
        "court_production",
        "2024-03-31 12:00",
        Some("2024-04-02 09:00"),
    ));
    deadlines.push(due("fir_registration", "2024-02-10 12:00", None));
    deadlines.push(due("referral_response", "2024-03-10 12:00", None));
    deadlines
}

#[test]
fn the_statutory_deadline_indicator_is_the_share_met_on_time_of_those_due_and_decided_in_the_period(
) {
    let kpis = tabulate_kpis(&march(), day("2024-03-01"), day("2024-03-31"), EXACT);
    // Due in March and statutory: five met on time, one missed; the court production due on the
    // 31st is overdue at the period's end (met only in April): five of seven.
    assert_eq!(kpis.overall.statutory_deadlines_met_on_time, Some(0.7143));
    let protected = tabulate_kpis(&march(), day("2024-03-01"), day("2024-03-31"), PROTECTED);
    assert_eq!(
        protected.overall.statutory_deadlines_met_on_time,
        Some(0.7143),
        "seven decided deadlines are at least the minimum cell"
    );
}

fn province<'a>(kpis: &'a Kpis, name: &str) -> Option<&'a KpiFigures> {
    kpis.by_province
        .iter()
        .find(|(province, _)| province == name)
        .map(|(_, figures)| figures)
}

#[test]
fn exact_kpis_count_per_province_and_overall() {
    let kpis = tabulate_kpis(&march(), day("2024-03-01"), day("2024-03-31"), EXACT);
    let names: Vec<&str> = kpis.by_province.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names, ["Punjab", "Sindh"]);
    let punjab = province(&kpis, "Punjab").cloned().unwrap_or_default();
    assert_eq!(punjab.complaints_received, Some(5));
    assert_eq!(punjab.complaints_addressed, Some(2));
    assert_eq!(punjab.open_at_period_end, Some(3));
    assert_eq!(punjab.referrals_made, Some(4));
    assert_eq!(punjab.referrals_accepted, Some(3));
    assert_eq!(punjab.referrals_declined, Some(1));
    assert_eq!(punjab.referrals_completed, Some(1));
    let sindh = province(&kpis, "Sindh").cloned().unwrap_or_default();
    assert_eq!(sindh.referrals_overdue, Some(1));
    assert_eq!(sindh.referrals_made, Some(0));
    assert_eq!(kpis.overall.complaints_received, Some(6));
    assert_eq!(kpis.overall.open_at_period_end, Some(4));
}

#[test]
fn kpi_rates_come_from_the_cohort_made_in_the_period() {
    let kpis = tabulate_kpis(&march(), day("2024-03-01"), day("2024-03-31"), EXACT);
    // Three of four answered referrals accepted; one of three accepted completed.
    assert_eq!(kpis.overall.acceptance_rate, Some(0.75));
    assert_eq!(kpis.overall.completion_rate, Some(0.3333));
    assert_eq!(kpis.overall.median_hours_to_first_response, Some(2.5));
    let sindh = province(&kpis, "Sindh").cloned().unwrap_or_default();
    assert_eq!(sindh.acceptance_rate, None);
}

#[test]
fn protected_kpis_hide_small_provinces_and_their_complement() {
    let kpis = tabulate_kpis(&march(), day("2024-03-01"), day("2024-03-31"), PROTECTED);
    let punjab = province(&kpis, "Punjab").cloned().unwrap_or_default();
    let sindh = province(&kpis, "Sindh").cloned().unwrap_or_default();
    // Sindh's single complaint is small, and Punjab's would give it away against the overall.
    assert_eq!(sindh.complaints_received, None);
    assert_eq!(punjab.complaints_received, None);
    assert_eq!(kpis.overall.complaints_received, Some(6));
    // Only Punjab made referrals: its count is the overall, nothing to hide.
    assert_eq!(punjab.referrals_made, Some(4));
    assert_eq!(sindh.referrals_made, Some(0));
    // A lone small count cannot be protected inside the table, so the overall goes too.
    assert_eq!(punjab.referrals_completed, None);
    assert_eq!(kpis.overall.referrals_completed, None);
}

#[test]
fn protected_kpi_rates_need_a_denominator_of_the_minimum_cell() {
    let min_cell_4 = Disclosure {
        protected: true,
        min_cell: 4,
    };
    let kpis = tabulate_kpis(&march(), day("2024-03-01"), day("2024-03-31"), min_cell_4);
    // Three accepted are too few to state the share completed among them; four answered are enough.
    assert_eq!(kpis.overall.completion_rate, None);
    assert_eq!(kpis.overall.acceptance_rate, Some(0.75));
    assert_eq!(kpis.overall.median_hours_to_first_response, Some(2.5));
    let kpis = tabulate_kpis(&march(), day("2024-03-01"), day("2024-03-31"), PROTECTED);
    assert_eq!(kpis.overall.completion_rate, Some(0.3333));
}

#[test]
fn kpis_with_nothing_counted_are_zero_not_withheld() {
    let kpis = tabulate_kpis(&march(), day("2020-01-01"), day("2020-12-31"), PROTECTED);
    assert_eq!(kpis.overall.complaints_received, Some(0));
    assert_eq!(kpis.overall.referrals_made, Some(0));
    assert_eq!(kpis.overall.acceptance_rate, None);
    let empty = tabulate_kpis(
        &KpiFacts::default(),
        day("2024-03-01"),
        day("2024-03-31"),
        EXACT,
    );
    assert!(empty.by_province.is_empty());
    assert_eq!(empty.overall.referrals_overdue, Some(0));
}
