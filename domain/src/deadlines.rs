//! Statutory and service deadlines as data: each rule says which records it applies to, the event
//! that starts its clock and the one that meets it, how long it runs, and on what authority. Due times
//! are instants in UTC; rules counted in days or months end at 23:59:59 Pakistan time (Asia/Karachi,
//! UTC+5, no daylight saving). Pure: every time is passed in.

mod clocks;
mod rules;
#[cfg(test)]
mod tests;

use chrono::{
    DateTime, Duration, FixedOffset, Months, NaiveDate, NaiveTime, Offset, TimeZone, Utc,
};

use crate::case::Urgency;
use crate::code_enum;

pub use clocks::{clocks, Clock, Move, Timeline};
pub use rules::RULES;

code_enum!(
    /// A rule's code, as it appears on every deadline and in `CPIMS_DEADLINE_<RULE>` overrides.
    RuleCode {
        ComplaintTriage => "complaint_triage",
        ComplaintAcceptance => "complaint_acceptance",
        ReferralResponse => "referral_response",
        ReferralCompletion => "referral_completion",
        FirRegistration => "fir_registration",
        MedicalExam => "medical_exam",
        RapeTrial => "rape_trial",
        CourtProduction => "court_production",
        JuvenileTrial => "juvenile_trial",
    }
);

code_enum!(
    /// A dated step of a case that the law or policy times.
    MilestoneType {
        PoliceReport => "police_report",
        FirRegistered => "fir_registered",
        MedicalExam => "medical_exam",
        TakenIntoCustody => "taken_into_custody",
        ProducedBeforeCourt => "produced_before_court",
        ChargeSheetFiled => "charge_sheet_filed",
        TrialConcluded => "trial_concluded",
        ChildRecovered => "child_recovered",
        CaseConference => "case_conference",
        CarePlan => "care_plan",
    }
);

code_enum!(
    /// How firm a rule's authority is: the text of a statute, a secondary report of one, or policy.
    SourceKind { Statute => "statute", Secondary => "secondary", Policy => "policy" }
);

code_enum!(
    /// Where a deadline stands.
    DeadlineState {
        Open => "open",
        DueSoon => "due_soon",
        Overdue => "overdue",
        Met => "met",
        MetLate => "met_late",
        NotApplicable => "not_applicable",
    }
);

/// The kind of record a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleRecord {
    Complaint,
    Incident,
    Referral,
}

/// What a rule applies to, beyond its record kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Every record of the kind.
    Always,
    /// Incidents of these categories.
    Categories(&'static [&'static str]),
}

/// Something that happens to a record: it starts or meets a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The record was created (an incident: reported; see [`incident_report_instant`]).
    Created,
    /// The record entered this status.
    StatusEntered(&'static str),
    /// The record left this status for any other.
    StatusLeft(&'static str),
    /// A milestone of this type was recorded (and not withdrawn).
    Milestone(MilestoneType),
}

/// How long a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Elapsed time, e.g. two hours.
    Exactly(Duration),
    /// Calendar days, ending at the end of the last day in Pakistan time.
    Days(u32),
    /// Calendar months, ending at the end of the day in Pakistan time.
    Months(u32),
    /// By the referral's urgency (critical 4 h, high 24 h, medium 72 h, low 7 days).
    ByUrgency,
    /// The end of the record's own `due_by` date in Pakistan time.
    ByDueBy,
    /// `normal`, or `immediate` when the child is said to be in immediate danger.
    ByDanger {
        normal: Duration,
        immediate: Duration,
    },
}

/// One deadline rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: RuleCode,
    pub record: RuleRecord,
    pub applies: Applies,
    pub starts: Event,
    pub met_by: Event,
    /// Statuses that end the clock without meeting it (a referral cancelled before it was answered):
    /// the deadline is then not applicable.
    pub voided_by: &'static [&'static str],
    pub span: Span,
    /// How long before the due time the deadline counts as `due_soon`.
    pub lead: Duration,
    /// The legal citation, or "policy".
    pub source: &'static str,
    pub source_kind: SourceKind,
}

/// What a record offers the span computation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpanFacts {
    pub urgency: Option<Urgency>,
    pub due_by: Option<NaiveDate>,
    pub immediate_danger: bool,
}

/// Pakistan Standard Time: UTC+5 all year.
pub fn pakistan() -> FixedOffset {
    // Five hours east of UTC is a valid offset; the fallback is never taken.
    FixedOffset::east_opt(5 * 3600).unwrap_or_else(|| Utc.fix())
}

/// The last second of `day` in Pakistan time, as a UTC instant.
pub fn end_of_day_pkt(day: NaiveDate) -> DateTime<Utc> {
    let last = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
    match pakistan().from_local_datetime(&last).single() {
        Some(local) => local.with_timezone(&Utc),
        None => last.and_utc(),
    }
}

/// An incident's report instant: the earlier of its creation and the end of its `reported_on` day
/// (a case entered late still counts from when it was reported).
pub fn incident_report_instant(created_at: DateTime<Utc>, reported_on: NaiveDate) -> DateTime<Utc> {
    created_at.min(end_of_day_pkt(reported_on))
}

impl Rule {
    /// Whether the rule applies to an incident of `category` (always, for other record kinds).
    pub fn applies_to_category(&self, category: Option<&str>) -> bool {
        match self.applies {
            Applies::Always => true,
            Applies::Categories(codes) => category.is_some_and(|code| codes.contains(&code)),
        }
    }

    /// When a clock started at `start` falls due; `None` when the record lacks what the span needs
    /// (a referral without `due_by`), so the deadline is not applicable.
    pub fn due_at(&self, start: DateTime<Utc>, facts: SpanFacts) -> Option<DateTime<Utc>> {
        due_after(start, self.span, facts)
    }

    /// The rule with an operator's duration instead of its default (`CPIMS_DEADLINE_<RULE>`); the
    /// events never change.
    pub fn with_span(self, span: Span) -> Rule {
        Rule { span, ..self }
    }
}

fn due_after(start: DateTime<Utc>, span: Span, facts: SpanFacts) -> Option<DateTime<Utc>> {
    let local_day = || start.with_timezone(&pakistan()).date_naive();
    match span {
        Span::Exactly(duration) => start.checked_add_signed(duration),
        Span::Days(days) => local_day()
            .checked_add_days(chrono::Days::new(u64::from(days)))
            .map(end_of_day_pkt),
        Span::Months(months) => local_day()
            .checked_add_months(Months::new(months))
            .map(end_of_day_pkt),
        Span::ByUrgency => {
            let span = match facts.urgency? {
                Urgency::Critical => Span::Exactly(Duration::hours(4)),
                Urgency::High => Span::Exactly(Duration::hours(24)),
                Urgency::Medium => Span::Exactly(Duration::hours(72)),
                Urgency::Low => Span::Days(7),
            };
            due_after(start, span, facts)
        }
        Span::ByDueBy => facts.due_by.map(end_of_day_pkt),
        Span::ByDanger { normal, immediate } => {
            let duration = if facts.immediate_danger {
                immediate
            } else {
                normal
            };
            start.checked_add_signed(duration)
        }
    }
}

/// Where a deadline due at `due_at` stands at `now`, met at `met_at` if it was, with `due_soon`
/// starting `lead` before the due time.
pub fn state_of(
    due_at: DateTime<Utc>,
    met_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    lead: Duration,
) -> DeadlineState {
    match met_at {
        Some(met) if met <= due_at => DeadlineState::Met,
        Some(_) => DeadlineState::MetLate,
        None if now > due_at => DeadlineState::Overdue,
        None if now >= due_at - lead => DeadlineState::DueSoon,
        None => DeadlineState::Open,
    }
}

/// Reads an operator's duration: a whole number and a unit, `30m`, `2h`, `7d` or `4mo`.
pub fn parse_span(text: &str) -> Result<Span, String> {
    let text = text.trim();
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let number: u32 = number
        .parse()
        .map_err(|_| format!("{text:?}: expected a whole number and a unit (30m, 2h, 7d, 4mo)"))?;
    if number == 0 {
        return Err(format!("{text:?}: a deadline must be longer than zero"));
    }
    match unit {
        "m" => Ok(Span::Exactly(Duration::minutes(i64::from(number)))),
        "h" => Ok(Span::Exactly(Duration::hours(i64::from(number)))),
        "d" => Ok(Span::Days(number)),
        "mo" => Ok(Span::Months(number)),
        _ => Err(format!(
            "{text:?}: the unit must be m (minutes), h (hours), d (calendar days) or mo (months)"
        )),
    }
}

/// The rule with this code.
pub fn rule(code: RuleCode) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.code == code)
}

/// The rules in force: the defaults with operators' durations (`overrides`) in their place.
pub fn rules_in_force(overrides: &[(RuleCode, Span)]) -> Vec<Rule> {
    RULES
        .iter()
        .map(
            |rule| match overrides.iter().find(|(code, _)| *code == rule.code) {
                Some((_, span)) => rule.with_span(*span),
                None => *rule,
            },
        )
        .collect()
}

/// A duration as an operator writes one: `90m`, `2h`, `3d`.
pub fn describe_duration(duration: Duration) -> String {
    let minutes = duration.num_minutes();
    if minutes % (24 * 60) == 0 {
        format!("{}d", minutes / (24 * 60))
    } else if minutes % 60 == 0 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

impl Span {
    /// The span as front ends show it.
    pub fn describe(&self) -> String {
        match self {
            Span::Exactly(duration) => describe_duration(*duration),
            Span::Days(days) => format!("{days} calendar days"),
            Span::Months(months) => format!("{months} months"),
            Span::ByUrgency => {
                "by urgency: critical 4h, high 24h, medium 72h, low 7 calendar days".to_owned()
            }
            Span::ByDueBy => "the referral's due_by date".to_owned(),
            Span::ByDanger { normal, immediate } => format!(
                "{}, or {} when the child is in immediate danger",
                describe_duration(*normal),
                describe_duration(*immediate)
            ),
        }
    }
}

impl Event {
    /// The event as front ends show it: `created`, `status_entered:accepted`,
    /// `milestone:fir_registered`.
    pub fn describe(&self) -> String {
        match self {
            Event::Created => "created".to_owned(),
            Event::StatusEntered(status) => format!("status_entered:{status}"),
            Event::StatusLeft(status) => format!("status_left:{status}"),
            Event::Milestone(milestone) => format!("milestone:{milestone}"),
        }
    }
}

impl RuleRecord {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleRecord::Complaint => "complaint",
            RuleRecord::Incident => "incident",
            RuleRecord::Referral => "referral",
        }
    }
}

/// The services whose providers record milestones on the incidents referred to them: the police
/// register the FIR, courts produce and try.
pub const MILESTONE_SERVICES: [crate::agency::Service; 2] = [
    crate::agency::Service::Police,
    crate::agency::Service::Court,
];

/// The referral statuses in which the receiving agency is working the case.
pub const WORKING_STATUSES: [crate::case::ReferralStatus; 2] = [
    crate::case::ReferralStatus::Accepted,
    crate::case::ReferralStatus::InProgress,
];

/// Who may record or withdraw a milestone of an incident: whoever may change the incident (its
/// owning agency's case workers and sync clients, administrators), and the case workers and partners
/// of an agency answering a police or court referral of it (`answering_justice_referral`).
pub fn may_record_milestone(
    principal: &crate::principal::Principal,
    may_update_incident: bool,
    answering_justice_referral: bool,
) -> bool {
    use crate::user::Role;
    may_update_incident
        || (answering_justice_referral
            && matches!(principal.role, Role::CaseWorker | Role::ReferralPartner))
}

/// Why a milestone's time is refused, if it is: not in the future, not before the incident's day.
pub fn check_milestone_time(
    at: DateTime<Utc>,
    occurred_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), &'static str> {
    if at > now {
        return Err("cannot be in the future");
    }
    if at.with_timezone(&pakistan()).date_naive() < occurred_on {
        return Err("cannot be before the incident's occurred_on (in Pakistan time)");
    }
    Ok(())
}
