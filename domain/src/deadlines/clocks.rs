//! Which deadlines a record has, from what has happened to it: the pure half of "deadlines are
//! derived, never typed in". The application layer gathers a record's [`Timeline`] in the unit of
//! work that changed it and stores what [`clocks`] answers.

use chrono::{DateTime, Utc};

use super::{Event, MilestoneType, Rule, RuleCode, RuleRecord, SpanFacts};

/// One status move of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
}

/// Everything about a record that starts, meets or voids a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline<'a> {
    pub record: RuleRecord,
    /// An incident's category (rules may apply to some categories only).
    pub category: Option<&'a str>,
    /// When the record counts as created: an incident's report instant
    /// ([`super::incident_report_instant`]), else its creation.
    pub created: DateTime<Utc>,
    /// Its status moves, oldest first.
    pub moves: &'a [Move],
    /// Its milestones that stand (withdrawn ones are left out).
    pub milestones: &'a [(MilestoneType, DateTime<Utc>)],
    pub span: SpanFacts,
}

/// A deadline as the record's history makes it: `due_at` is `None` when it is not applicable (the
/// record lacks what the span needs, or ended in a status that voids the rule before meeting it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub rule: RuleCode,
    pub started_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    /// Moved to `due_soon` at this instant (due time less the rule's lead).
    pub soon_at: Option<DateTime<Utc>>,
}

/// The deadlines the rules give a record with this timeline: one per rule that applies and whose
/// start event has happened.
pub fn clocks(rules: &[Rule], timeline: &Timeline<'_>) -> Vec<Clock> {
    rules
        .iter()
        .filter(|rule| rule.record == timeline.record)
        .filter(|rule| rule.applies_to_category(timeline.category))
        .filter_map(|rule| clock_of(rule, timeline))
        .collect()
}

fn clock_of(rule: &Rule, timeline: &Timeline<'_>) -> Option<Clock> {
    let started_at = first_occurrence(rule.starts, timeline, None)?;
    let met_at = first_occurrence(rule.met_by, timeline, Some(started_at));
    let voided = timeline.moves.iter().any(|step| {
        step.at >= started_at
            && rule.voided_by.contains(&step.to.as_str())
            && met_at.is_none_or(|met| step.at <= met)
    });
    let due_at = if voided {
        None
    } else {
        rule.due_at(started_at, timeline.span)
    };
    Some(Clock {
        rule: rule.code,
        started_at,
        due_at,
        met_at: due_at.and(met_at),
        soon_at: due_at.map(|due| due - rule.lead),
    })
}

/// When `event` first happened (status events: at or after `after`, when given). A milestone meets a
/// clock whenever it happened: an FIR registered before the case was entered still counts.
fn first_occurrence(
    event: Event,
    timeline: &Timeline<'_>,
    after: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let since = |at: DateTime<Utc>| after.is_none_or(|start| at >= start);
    match event {
        Event::Created => Some(timeline.created),
        Event::StatusEntered(status) => timeline
            .moves
            .iter()
            .find(|step| step.to == status && since(step.at))
            .map(|step| step.at),
        Event::StatusLeft(status) => timeline
            .moves
            .iter()
            .find(|step| step.from == status && step.to != status && since(step.at))
            .map(|step| step.at),
        Event::Milestone(kind) => timeline
            .milestones
            .iter()
            .filter(|(milestone, _)| *milestone == kind)
            .map(|(_, at)| *at)
            .min(),
    }
}
