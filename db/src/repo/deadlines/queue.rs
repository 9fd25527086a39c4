//! The work queue: deadlines of the records a caller may read, filtered by state at "now", soonest
//! due first, paged by the last deadline's id.

use chrono::NaiveDateTime;
use cpims_domain::access::{Grantee, ReadScope, RecordKind};
use cpims_domain::case::ReferralStatus;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use super::StoredDeadline;
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::Page;
use crate::schema::{complaints, deadlines, referrals};
use crate::scope::{live_grant, Db};

/// Where a deadline stands, as a filter of the work queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    Open,
    DueSoon,
    Overdue,
    Met,
    MetLate,
    NotApplicable,
}

/// The work queue's filters.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Any of these states; none: every applicable deadline.
    pub states: Vec<StateFilter>,
    pub rule: Option<String>,
    /// `incident`, `referral` or `complaint`.
    pub record_type: Option<String>,
    pub province: Option<String>,
    pub agency_id: Option<String>,
}

/// Where a page of the queue continues: after this due time and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCursor {
    pub due_at: Option<NaiveDateTime>,
    pub id: String,
}

/// The queue position of the deadline a page ended at; `NotFound` if it no longer exists.
pub fn cursor_at(connection: &mut AnyConnection, id: &str) -> Result<QueueCursor, DbError> {
    let due_at: Option<NaiveDateTime> = deadlines::table
        .filter(deadlines::id.eq(id))
        .select(deadlines::due_at)
        .first(connection)
        .optional()?
        .ok_or(DbError::NotFound)?;
    Ok(QueueCursor {
        due_at,
        id: id.to_owned(),
    })
}

type Filter = Box<dyn BoxableExpression<deadlines::table, Db, SqlType = diesel::sql_types::Bool>>;

fn state_filter(state: StateFilter, now: NaiveDateTime) -> Filter {
    let unmet = deadlines::met_at
        .is_null()
        .and(deadlines::due_at.is_not_null());
    match state {
        StateFilter::Open => Box::new(unmet.and(deadlines::soon_at.gt(now)).assume_not_null()),
        StateFilter::DueSoon => Box::new(
            unmet
                .and(deadlines::soon_at.le(now))
                .and(deadlines::due_at.ge(now))
                .assume_not_null(),
        ),
        StateFilter::Overdue => Box::new(unmet.and(deadlines::due_at.lt(now)).assume_not_null()),
        StateFilter::Met => Box::new(deadlines::met_at.le(deadlines::due_at).assume_not_null()),
        StateFilter::MetLate => Box::new(deadlines::met_at.gt(deadlines::due_at).assume_not_null()),
        StateFilter::NotApplicable => Box::new(deadlines::due_at.is_null()),
    }
}

/// Deadlines of records `scopes` covers (incidents', referrals' and complaints' scopes), soonest due first,
/// not-applicable ones last.
pub fn queue(
    connection: &mut AnyConnection,
    scopes: (&ReadScope, &ReadScope, &ReadScope),
    filter: &QueueFilter,
    now: NaiveDateTime,
    after: Option<&QueueCursor>,
    limit: i64,
) -> Result<Page<StoredDeadline>, DbError> {
    let mut query = deadlines::table.into_boxed();
    query = query.filter(visible(scopes));
    let mut states = filter.states.iter().copied();
    if let Some(first) = states.next() {
        let any = states.fold(state_filter(first, now), |any, state| {
            Box::new(any.or(state_filter(state, now)))
        });
        query = query.filter(any);
    } else {
        query = query.filter(deadlines::due_at.is_not_null());
    }
    if let Some(rule) = &filter.rule {
        query = query.filter(deadlines::rule.eq(rule.clone()));
    }
    if let Some(kind) = &filter.record_type {
        query = query.filter(deadlines::record_type.eq(kind.clone()));
    }
    if let Some(province) = &filter.province {
        query = query.filter(deadlines::province.eq(province.clone()));
    }
    if let Some(agency) = &filter.agency_id {
        query = query.filter(deadlines::agency_id.eq(agency.clone()));
    }
    if let Some(cursor) = after {
        let id = cursor.id.clone();
        query = match cursor.due_at {
            Some(due) => query.filter(
                deadlines::due_at
                    .gt(due)
                    .or(deadlines::due_at.eq(due).and(deadlines::id.gt(id.clone())))
                    .or(deadlines::due_at.is_null())
                    .assume_not_null(),
            ),
            None => query.filter(deadlines::due_at.is_null().and(deadlines::id.gt(id))),
        };
    }
    // Nulls (not applicable) sort last on both backends with this pair of keys.
    let rows: Vec<StoredDeadline> = query
        .order((
            deadlines::due_at.is_null().asc(),
            deadlines::due_at.asc(),
            deadlines::id.asc(),
        ))
        .limit(limit + 1)
        .select(StoredDeadline::as_select())
        .load(connection)?;
    Ok(Page::from_overfetch(rows, limit, |row| row.id.as_str()))
}

/// Deadlines of records the caller's scopes cover (incidents' scope, referrals' scope): the same
/// rules as `scope::incidents_filter` and `scope::referrals_filter`, asked of the deadline's record.
/// A deleted record's deadlines are removed with it.
fn visible(
    (incident_scope, referral_scope, complaint_scope): (&ReadScope, &ReadScope, &ReadScope),
) -> Filter {
    let incidents = |condition: Filter| -> Filter {
        Box::new(
            deadlines::record_type
                .eq(RecordKind::Incident.as_str())
                .and(condition),
        )
    };
    let referrals_of = |condition: Filter| -> Filter {
        Box::new(
            deadlines::record_type
                .eq(RecordKind::Referral.as_str())
                .and(condition),
        )
    };
    let granted = |grantee: &Grantee| {
        exists(
            referrals::table
                .filter(referrals::incident_id.eq(deadlines::record_id))
                .filter(live_grant!(grantee)),
        )
    };
    let hidden: Vec<&str> = ReferralStatus::hidden_from_receiver()
        .map(ReferralStatus::as_str)
        .collect();
    let received = |agency: &str| {
        exists(
            referrals::table
                .filter(referrals::id.eq(deadlines::record_id))
                .filter(referrals::to_agency_id.eq(agency.to_owned()))
                .filter(not(referrals::status.eq_any(hidden.clone()))),
        )
    };
    let incident_part: Filter = match incident_scope {
        ReadScope::Everything => incidents(Box::new(always(true))),
        ReadScope::Nothing => Box::new(always(false)),
        ReadScope::OwnedOrGranted(grantee) => incidents(Box::new(
            deadlines::agency_id
                .eq(grantee.agency_id.clone())
                .or(granted(grantee)),
        )),
        ReadScope::GrantedOnly(grantee) => incidents(Box::new(granted(grantee))),
    };
    let referral_part: Filter = match referral_scope {
        ReadScope::Everything => referrals_of(Box::new(always(true))),
        ReadScope::Nothing => Box::new(always(false)),
        ReadScope::OwnedOrGranted(grantee) => referrals_of(Box::new(
            deadlines::agency_id
                .eq(grantee.agency_id.clone())
                .or(received(&grantee.agency_id)),
        )),
        ReadScope::GrantedOnly(grantee) => referrals_of(Box::new(received(&grantee.agency_id))),
    };
    let complaints_of = |condition: Filter| -> Filter {
        Box::new(
            deadlines::record_type
                .eq(RecordKind::Complaint.as_str())
                .and(condition),
        )
    };
    let assigned = |agency: &str| {
        exists(
            complaints::table
                .filter(complaints::id.eq(deadlines::record_id))
                .filter(complaints::assigned_agency_id.eq(agency.to_owned())),
        )
    };
    let complaint_part: Filter = match complaint_scope {
        ReadScope::Everything => complaints_of(Box::new(always(true))),
        ReadScope::Nothing => Box::new(always(false)),
        ReadScope::OwnedOrGranted(grantee) => complaints_of(Box::new(
            deadlines::agency_id
                .eq(grantee.agency_id.clone())
                .or(assigned(&grantee.agency_id)),
        )),
        ReadScope::GrantedOnly(grantee) => complaints_of(Box::new(assigned(&grantee.agency_id))),
    };
    Box::new(incident_part.or(referral_part).or(complaint_part))
}

fn always(value: bool) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>(if value { "1 = 1" } else { "1 = 0" })
}
