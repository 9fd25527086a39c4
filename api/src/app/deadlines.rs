//! Deadlines kept in step with their records: after every write of an incident or a referral (and a
//! milestone), the unit of work gathers the record's timeline, asks the domain which clocks run
//! (`cpims_domain::deadlines::clocks`) and stores the answer, in the same transaction.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use cpims_db::repo::deadlines::{self as rows, DerivedDeadline, RecordPlace, StoredDeadline};
use cpims_db::repo::{milestones, transitions};
use cpims_db::AnyConnection;
use cpims_domain::access::RecordKind;
use cpims_domain::complaint::Complaint;
use cpims_domain::deadlines::{
    clocks, incident_report_instant, state_of, Clock, DeadlineState, MilestoneType, Move, Rule,
    RuleRecord, SpanFacts, Timeline,
};
use cpims_domain::records::{Incident, Referral};

use crate::error::ApiError;

/// The partner access period where no configuration is at hand (the documented default).
const DEFAULT_PARTNER_ACCESS_DAYS: i64 = 30;

/// The time a unit of work runs at and the deadline rules in force (operators' durations applied).
#[derive(Clone)]
pub struct Timekeeping {
    pub now: NaiveDateTime,
    pub rules: Arc<[Rule]>,
    /// Referrals completed at or before this instant no longer give their receiver sight of the child
    /// and incident, nor a place in their change feed and webhook audiences.
    pub grants_completed_after: NaiveDateTime,
}

impl Timekeeping {
    pub fn new(now: NaiveDateTime, rules: Arc<[Rule]>) -> Self {
        Timekeeping {
            now,
            rules,
            grants_completed_after: now - Duration::days(DEFAULT_PARTNER_ACCESS_DAYS),
        }
    }

    /// The same time with the operator's partner access period (`CPIMS_PARTNER_ACCESS_DAYS`).
    pub fn with_partner_access_days(mut self, days: u32) -> Self {
        self.grants_completed_after = self.now - Duration::days(i64::from(days));
        self
    }

    /// How long before its due time a deadline of `rule` is due soon.
    pub fn lead_of(&self, rule: &str) -> Duration {
        self.rules
            .iter()
            .find(|candidate| candidate.code.as_str() == rule)
            .map_or_else(Duration::zero, |rule| rule.lead)
    }

    /// Where a stored deadline stands now.
    pub fn state_of(&self, deadline: &StoredDeadline) -> DeadlineState {
        match deadline.due_at {
            None => DeadlineState::NotApplicable,
            Some(due) => state_of(
                due.and_utc(),
                deadline.met_at.map(|met| met.and_utc()),
                self.now.and_utc(),
                self.lead_of(&deadline.rule),
            ),
        }
    }
}

/// What a record is, for its deadlines.
pub trait Timed {
    const KIND: RecordKind;
    fn place(&self) -> RecordPlace<'_>;
    /// The record's timeline parts that are not stored with other records: when it counts as created,
    /// its category and its span facts.
    fn basics(&self) -> (RuleRecord, Option<&str>, DateTime<Utc>, SpanFacts);
}

impl Timed for Incident {
    const KIND: RecordKind = RecordKind::Incident;
    fn place(&self) -> RecordPlace<'_> {
        RecordPlace {
            kind: RecordKind::Incident,
            id: &self.meta.id,
            agency_id: &self.meta.agency_id,
            province: &self.province,
            district: self.district.as_deref(),
        }
    }
    fn basics(&self) -> (RuleRecord, Option<&str>, DateTime<Utc>, SpanFacts) {
        let reported = incident_report_instant(self.meta.created_at.and_utc(), self.reported_on);
        let facts = SpanFacts::default();
        (RuleRecord::Incident, Some(&self.category), reported, facts)
    }
}

impl Timed for Referral {
    const KIND: RecordKind = RecordKind::Referral;
    fn place(&self) -> RecordPlace<'_> {
        RecordPlace {
            kind: RecordKind::Referral,
            id: &self.meta.id,
            agency_id: &self.meta.agency_id,
            province: &self.province,
            district: None,
        }
    }
    fn basics(&self) -> (RuleRecord, Option<&str>, DateTime<Utc>, SpanFacts) {
        let facts = SpanFacts {
            urgency: Some(self.urgency),
            due_by: self.due_by,
            immediate_danger: false,
        };
        (
            RuleRecord::Referral,
            None,
            self.meta.created_at.and_utc(),
            facts,
        )
    }
}

impl Timed for Complaint {
    const KIND: RecordKind = RecordKind::Complaint;
    fn place(&self) -> RecordPlace<'_> {
        RecordPlace {
            kind: RecordKind::Complaint,
            id: &self.meta.id,
            agency_id: &self.meta.agency_id,
            province: &self.province,
            district: self.district.as_deref(),
        }
    }
    fn basics(&self) -> (RuleRecord, Option<&str>, DateTime<Utc>, SpanFacts) {
        let facts = SpanFacts {
            urgency: None,
            due_by: None,
            immediate_danger: self.immediate_danger,
        };
        (
            RuleRecord::Complaint,
            Some(&self.category),
            self.received_at.and_utc(),
            facts,
        )
    }
}

/// Stores the deadlines of records just created (no moves or milestones yet), in one statement.
pub fn created<R: Timed>(
    connection: &mut AnyConnection,
    time: &Timekeeping,
    records: &[&R],
) -> Result<(), ApiError> {
    Ok(rows::insert_all(connection, &of_new(time, records))?)
}

/// The deadlines records just created have: those [`created`] stores, computed without a query (a
/// create's response carries them).
pub fn of_new<R: Timed>(time: &Timekeeping, records: &[&R]) -> Vec<StoredDeadline> {
    let mut stored = Vec::new();
    for record in records {
        let derived = derive(*record, &[], &[], &time.rules);
        let place = record.place();
        stored.extend(derived.into_iter().map(|deadline| StoredDeadline {
            id: cpims_db::page::new_id(),
            record_type: place.kind.as_str().to_owned(),
            record_id: place.id.to_owned(),
            rule: deadline.rule,
            agency_id: place.agency_id.to_owned(),
            province: place.province.to_owned(),
            district: place.district.map(str::to_owned),
            started_at: deadline.started_at,
            due_at: deadline.due_at,
            soon_at: deadline.soon_at,
            met_at: deadline.met_at,
            due_soon_alert: None,
            overdue_alert: None,
            updated_at: time.now,
        }));
    }
    stored
}

/// The stored deadlines of these records of `kind`.
pub fn stored(
    connection: &mut AnyConnection,
    kind: RecordKind,
    ids: &[String],
) -> Result<Vec<StoredDeadline>, ApiError> {
    Ok(rows::of_records(connection, kind, ids)?)
}

/// Recomputes a changed record's deadlines from its whole timeline; answers whether any changed.
pub fn refresh<R: Timed>(
    connection: &mut AnyConnection,
    time: &Timekeeping,
    record: &R,
) -> Result<bool, ApiError> {
    let place = record.place();
    let moves: Vec<Move> = transitions::moves_of(connection, R::KIND, place.id)?
        .into_iter()
        .map(|(from, to, at)| Move {
            from,
            to,
            at: at.and_utc(),
        })
        .collect();
    let standing: Vec<(MilestoneType, DateTime<Utc>)> = match R::KIND {
        RecordKind::Incident => milestones::standing_of(connection, place.id)?
            .into_iter()
            .filter_map(|(kind, at)| Some((MilestoneType::parse(&kind)?, at.and_utc())))
            .collect(),
        RecordKind::Child | RecordKind::Referral | RecordKind::Complaint => Vec::new(),
    };
    let derived = derive(record, &moves, &standing, &time.rules);
    Ok(rows::replace(connection, &place, &derived, time.now)?)
}

/// Removes a deleted record's deadlines.
pub fn removed<R: Timed>(connection: &mut AnyConnection, record: &R) -> Result<(), ApiError> {
    Ok(rows::remove_for(connection, R::KIND, record.place().id)?)
}

fn derive<R: Timed>(
    record: &R,
    moves: &[Move],
    milestones: &[(MilestoneType, DateTime<Utc>)],
    rules: &[Rule],
) -> Vec<DerivedDeadline> {
    let (kind, category, created, span) = record.basics();
    let timeline = Timeline {
        record: kind,
        category,
        created,
        moves,
        milestones,
        span,
    };
    clocks(rules, &timeline)
        .into_iter()
        .map(stored_form)
        .collect()
}

fn stored_form(clock: Clock) -> DerivedDeadline {
    DerivedDeadline {
        rule: clock.rule.as_str().to_owned(),
        started_at: clock.started_at.naive_utc(),
        due_at: clock.due_at.map(|at| at.naive_utc()),
        soon_at: clock.soon_at.map(|at| at.naive_utc()),
        met_at: clock.met_at.map(|at| at.naive_utc()),
    }
}
