#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::*;

/// A Pakistan-time wall clock reading, as the UTC instant it is.
fn pkt(day: &str, time: &str) -> DateTime<Utc> {
    let local =
        chrono::NaiveDateTime::parse_from_str(&format!("{day} {time}"), "%Y-%m-%d %H:%M").unwrap();
    pakistan()
        .from_local_datetime(&local)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn end_of(day: &str) -> DateTime<Utc> {
    end_of_day_pkt(NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap())
}

fn facts() -> SpanFacts {
    SpanFacts::default()
}

#[test]
fn every_rule_code_has_exactly_one_rule_with_a_source_and_a_lead_shorter_than_its_span() {
    for code in RuleCode::ALL {
        let rules: Vec<&Rule> = RULES.iter().filter(|rule| rule.code == *code).collect();
        assert_eq!(rules.len(), 1, "{code}");
        let rule = rules[0];
        assert!(!rule.source.is_empty(), "{code}");
        assert!(rule.lead > Duration::zero(), "{code}");
        assert_ne!(
            rule.starts, rule.met_by,
            "{code}: a clock cannot start and stop on one event"
        );
        if let Span::Exactly(span) = rule.span {
            assert!(
                rule.lead < span,
                "{code}: due_soon must begin after the start"
            );
        }
    }
}

#[test]
fn a_missing_child_report_at_ten_needs_its_fir_by_noon_pakistan_time() {
    let rule = rule(RuleCode::FirRegistration).unwrap();
    assert_eq!(rule.starts, Event::Created);
    assert_eq!(rule.met_by, Event::Milestone(MilestoneType::FirRegistered));
    assert!(rule.applies_to_category(Some("missing_child")));
    assert!(rule.applies_to_category(Some("abduction_kidnapping")));
    assert!(!rule.applies_to_category(Some("child_labour")));
    let reported = pkt("2026-03-10", "10:00");
    let due = rule.due_at(reported, facts()).unwrap();
    assert_eq!(due, pkt("2026-03-10", "12:00"));
    assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 10, 7, 0, 0).unwrap());
    let at = |time| state_of(due, None, pkt("2026-03-10", time), rule.lead);
    assert_eq!(at("11:29"), DeadlineState::Open);
    assert_eq!(at("11:30"), DeadlineState::DueSoon);
    assert_eq!(at("12:00"), DeadlineState::DueSoon);
    assert_eq!(at("12:01"), DeadlineState::Overdue);
    let fir = Some(pkt("2026-03-10", "12:30"));
    assert_eq!(
        state_of(due, fir, pkt("2026-03-10", "13:00"), rule.lead),
        DeadlineState::MetLate
    );
    let on_time = Some(pkt("2026-03-10", "11:45"));
    assert_eq!(
        state_of(due, on_time, pkt("2026-03-11", "09:00"), rule.lead),
        DeadlineState::Met
    );
}

#[test]
fn a_medical_exam_is_due_six_hours_after_a_sexual_abuse_report() {
    let rule = rule(RuleCode::MedicalExam).unwrap();
    assert!(rule.applies_to_category(Some("sexual_abuse")));
    assert!(!rule.applies_to_category(None));
    assert_eq!(rule.met_by, Event::Milestone(MilestoneType::MedicalExam));
    // Across midnight: reported at 21:00, due at 03:00 the next day.
    let due = rule.due_at(pkt("2026-03-10", "21:00"), facts()).unwrap();
    assert_eq!(due, pkt("2026-03-11", "03:00"));
}

#[test]
fn trials_count_calendar_months_from_the_charge_sheet_to_the_end_of_the_day() {
    let rape = rule(RuleCode::RapeTrial).unwrap();
    let juvenile = rule(RuleCode::JuvenileTrial).unwrap();
    for trial in [rape, juvenile] {
        assert_eq!(
            trial.starts,
            Event::Milestone(MilestoneType::ChargeSheetFiled)
        );
        assert_eq!(
            trial.met_by,
            Event::Milestone(MilestoneType::TrialConcluded)
        );
    }
    assert!(juvenile.applies_to_category(Some("child_in_conflict_with_law")));
    let filed = pkt("2026-01-15", "10:00");
    assert_eq!(rape.due_at(filed, facts()), Some(end_of("2026-05-15")));
    assert_eq!(juvenile.due_at(filed, facts()), Some(end_of("2026-07-15")));
    // The 31st plus four months is the last day of a shorter month.
    let late_in_month = pkt("2026-10-31", "16:00");
    assert_eq!(
        rape.due_at(late_in_month, facts()),
        Some(end_of("2027-02-28"))
    );
    // Filed at 01:00 Pakistan time (still the previous day in UTC): the months count from the
    // Pakistan date.
    let after_midnight = pkt("2026-02-01", "01:00");
    assert_eq!(
        rape.due_at(after_midnight, facts()),
        Some(end_of("2026-06-01"))
    );
}

#[test]
fn a_child_taken_into_custody_is_produced_before_a_court_within_24_hours() {
    let rule = rule(RuleCode::CourtProduction).unwrap();
    assert_eq!(
        rule.starts,
        Event::Milestone(MilestoneType::TakenIntoCustody)
    );
    assert_eq!(
        rule.met_by,
        Event::Milestone(MilestoneType::ProducedBeforeCourt)
    );
    assert_eq!(rule.source_kind, SourceKind::Statute);
    let due = rule.due_at(pkt("2026-03-10", "23:15"), facts()).unwrap();
    assert_eq!(due, pkt("2026-03-11", "23:15"));
}

#[test]
fn a_referral_answer_is_due_by_urgency_and_days_end_at_midnight_pakistan_time() {
    let rule = rule(RuleCode::ReferralResponse).unwrap();
    assert_eq!(rule.met_by, Event::StatusLeft("pending"));
    let sent = pkt("2026-03-10", "09:00");
    let by = |urgency| {
        rule.due_at(
            sent,
            SpanFacts {
                urgency: Some(urgency),
                ..facts()
            },
        )
    };
    assert_eq!(by(Urgency::Critical), Some(pkt("2026-03-10", "13:00")));
    assert_eq!(by(Urgency::High), Some(pkt("2026-03-11", "09:00")));
    assert_eq!(by(Urgency::Medium), Some(pkt("2026-03-13", "09:00")));
    assert_eq!(by(Urgency::Low), Some(end_of("2026-03-17")));
    // Sent at 00:30 on the 11th Pakistan time (19:30 UTC on the 10th): seven days from the 11th.
    let just_after_midnight = pkt("2026-03-11", "00:30");
    let low = SpanFacts {
        urgency: Some(Urgency::Low),
        ..facts()
    };
    assert_eq!(
        rule.due_at(just_after_midnight, low),
        Some(end_of("2026-03-18"))
    );
    assert_eq!(rule.due_at(sent, facts()), None, "no urgency, no clock");
}

#[test]
fn a_referral_is_completed_by_the_end_of_its_due_date() {
    let rule = rule(RuleCode::ReferralCompletion).unwrap();
    assert_eq!(rule.starts, Event::StatusEntered("accepted"));
    assert_eq!(rule.met_by, Event::StatusEntered("completed"));
    let due_by = NaiveDate::from_ymd_opt(2026, 4, 1);
    let facts = SpanFacts { due_by, ..facts() };
    let due = rule.due_at(pkt("2026-03-10", "09:00"), facts).unwrap();
    assert_eq!(due, end_of("2026-04-01"));
    assert_eq!(due, Utc.with_ymd_and_hms(2026, 4, 1, 18, 59, 59).unwrap());
    assert_eq!(
        rule.due_at(pkt("2026-03-10", "09:00"), SpanFacts::default()),
        None
    );
}

#[test]
fn complaints_are_triaged_within_a_day_or_an_hour_when_the_child_is_in_danger() {
    let triage = rule(RuleCode::ComplaintTriage).unwrap();
    assert_eq!(triage.met_by, Event::StatusLeft("received"));
    let received = pkt("2026-03-10", "22:00");
    assert_eq!(
        triage.due_at(received, facts()),
        Some(pkt("2026-03-11", "22:00"))
    );
    let danger = SpanFacts {
        immediate_danger: true,
        ..facts()
    };
    assert_eq!(
        triage.due_at(received, danger),
        Some(pkt("2026-03-10", "23:00"))
    );
    let acceptance = rule(RuleCode::ComplaintAcceptance).unwrap();
    assert_eq!(acceptance.starts, Event::StatusEntered("assigned"));
    assert_eq!(acceptance.met_by, Event::StatusLeft("assigned"));
    assert_eq!(
        acceptance.due_at(received, facts()),
        Some(pkt("2026-03-12", "22:00"))
    );
}

#[test]
fn an_incident_counts_from_the_earlier_of_its_creation_and_the_end_of_its_reported_day() {
    let reported_on = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
    let entered_late = pkt("2026-03-12", "10:00");
    assert_eq!(
        incident_report_instant(entered_late, reported_on),
        end_of("2026-03-09")
    );
    let entered_at_once = pkt("2026-03-09", "10:00");
    assert_eq!(
        incident_report_instant(entered_at_once, reported_on),
        entered_at_once
    );
}

#[test]
fn operators_change_durations_not_events() {
    assert_eq!(parse_span("3h"), Ok(Span::Exactly(Duration::hours(3))));
    assert_eq!(parse_span("90m"), Ok(Span::Exactly(Duration::minutes(90))));
    assert_eq!(parse_span("10d"), Ok(Span::Days(10)));
    assert_eq!(parse_span("5mo"), Ok(Span::Months(5)));
    for bad in ["", "h", "0h", "2w", "-1h", "1.5h", "h2"] {
        assert!(parse_span(bad).is_err(), "{bad:?}");
    }
    let fir = *rule(RuleCode::FirRegistration).unwrap();
    let changed = fir.with_span(parse_span("3h").unwrap());
    assert_eq!((changed.starts, changed.met_by), (fir.starts, fir.met_by));
    assert_eq!(
        changed.due_at(pkt("2026-03-10", "10:00"), facts()),
        Some(pkt("2026-03-10", "13:00"))
    );
}

fn incident_timeline<'a>(
    category: &'a str,
    created: DateTime<Utc>,
    milestones: &'a [(MilestoneType, DateTime<Utc>)],
) -> Timeline<'a> {
    Timeline {
        record: RuleRecord::Incident,
        category: Some(category),
        created,
        moves: &[],
        milestones,
        span: facts(),
    }
}

fn step(from: &str, to: &str, at: DateTime<Utc>) -> Move {
    Move {
        from: from.to_owned(),
        to: to.to_owned(),
        at,
    }
}

#[test]
fn a_missing_child_reported_at_ten_is_due_at_noon_and_an_fir_at_half_past_twelve_meets_it_late() {
    let reported = pkt("2026-03-02", "10:00");
    let open = clocks(RULES, &incident_timeline("missing_child", reported, &[]));
    assert_eq!(open.len(), 1, "only the FIR rule applies: {open:?}");
    let fir = open[0];
    assert_eq!(fir.rule, RuleCode::FirRegistration);
    assert_eq!(fir.due_at, Some(pkt("2026-03-02", "12:00")));
    assert_eq!(fir.soon_at, Some(pkt("2026-03-02", "11:30")));
    assert_eq!(fir.met_at, None);

    let registered = [(MilestoneType::FirRegistered, pkt("2026-03-02", "12:30"))];
    let met = clocks(
        RULES,
        &incident_timeline("missing_child", reported, &registered),
    );
    assert_eq!(met[0].met_at, Some(pkt("2026-03-02", "12:30")));
    let due = met[0].due_at.unwrap();
    assert_eq!(
        state_of(
            due,
            met[0].met_at,
            pkt("2026-03-02", "13:00"),
            Duration::minutes(30)
        ),
        DeadlineState::MetLate
    );
}

#[test]
fn withdrawing_the_only_meeting_milestone_reopens_the_deadline() {
    let reported = pkt("2026-03-02", "10:00");
    let exam = [(MilestoneType::MedicalExam, pkt("2026-03-02", "11:00"))];
    let met = clocks(RULES, &incident_timeline("sexual_abuse", reported, &exam));
    let withdrawn = clocks(RULES, &incident_timeline("sexual_abuse", reported, &[]));
    let medical = |all: &[Clock]| {
        *all.iter()
            .find(|c| c.rule == RuleCode::MedicalExam)
            .unwrap()
    };
    assert!(medical(&met).met_at.is_some());
    assert_eq!(medical(&withdrawn).met_at, None);
    assert_eq!(medical(&withdrawn).due_at, medical(&met).due_at);
}

#[test]
fn a_trial_clock_starts_only_with_the_charge_sheet() {
    let reported = pkt("2026-03-02", "10:00");
    let none = clocks(RULES, &incident_timeline("sexual_abuse", reported, &[]));
    assert!(none.iter().all(|c| c.rule != RuleCode::RapeTrial));
    let filed = [(MilestoneType::ChargeSheetFiled, pkt("2026-04-10", "15:00"))];
    let started = clocks(RULES, &incident_timeline("sexual_abuse", reported, &filed));
    let trial = started
        .iter()
        .find(|c| c.rule == RuleCode::RapeTrial)
        .unwrap();
    assert_eq!(trial.started_at, pkt("2026-04-10", "15:00"));
    assert_eq!(trial.due_at, Some(end_of("2026-08-10")));
}

#[test]
fn a_referral_cancelled_before_an_answer_has_no_response_deadline_and_a_critical_one_runs_four_hours(
) {
    let created = pkt("2026-03-02", "10:00");
    let urgent = SpanFacts {
        urgency: Some(Urgency::Critical),
        ..SpanFacts::default()
    };
    let timeline = |moves: &'static [Move]| Timeline {
        record: RuleRecord::Referral,
        category: None,
        created,
        moves,
        milestones: &[],
        span: urgent,
    };
    let pending = clocks(RULES, &timeline(&[]));
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].due_at, Some(pkt("2026-03-02", "14:00")));

    let cancelled = vec![step("pending", "cancelled", pkt("2026-03-02", "11:00"))];
    let cancelled: &'static [Move] = Box::leak(cancelled.into_boxed_slice());
    let voided = clocks(RULES, &timeline(cancelled));
    assert_eq!(voided[0].due_at, None, "not applicable once cancelled");
    assert_eq!(voided[0].met_at, None);

    let accepted = vec![step("pending", "accepted", pkt("2026-03-02", "15:00"))];
    let accepted: &'static [Move] = Box::leak(accepted.into_boxed_slice());
    let answered = clocks(RULES, &timeline(accepted));
    let response = answered
        .iter()
        .find(|c| c.rule == RuleCode::ReferralResponse)
        .unwrap();
    assert_eq!(response.met_at, Some(pkt("2026-03-02", "15:00")));
    let completion = answered
        .iter()
        .find(|c| c.rule == RuleCode::ReferralCompletion)
        .unwrap();
    assert_eq!(completion.due_at, None, "no due_by, so not applicable");
}
