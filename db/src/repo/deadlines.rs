//! Stored deadlines: written by the unit of work that changes a record (see the domain's
//! `deadlines::clocks`), read onto record responses and the work queue, and claimed by the sweep
//! that raises their alerts.

use chrono::NaiveDateTime;
use cpims_domain::access::{ReadScope, RecordKind};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::{new_id, Page};
use crate::schema::{deadlines, referrals};
use crate::scope::{granting_statuses, Db};
use cpims_domain::case::ReferralStatus;
use diesel::dsl::{exists, not};

/// One deadline row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = deadlines)]
#[diesel(treat_none_as_default_value = false)]
pub struct StoredDeadline {
    pub id: String,
    pub record_type: String,
    pub record_id: String,
    pub rule: String,
    pub agency_id: String,
    pub province: String,
    pub district: Option<String>,
    pub started_at: NaiveDateTime,
    pub due_at: Option<NaiveDateTime>,
    pub soon_at: Option<NaiveDateTime>,
    pub met_at: Option<NaiveDateTime>,
    pub due_soon_alert: Option<String>,
    pub overdue_alert: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// A record's deadline as its timeline now gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedDeadline {
    pub rule: String,
    pub started_at: NaiveDateTime,
    pub due_at: Option<NaiveDateTime>,
    pub soon_at: Option<NaiveDateTime>,
    pub met_at: Option<NaiveDateTime>,
}

/// Where the record is, for the work queue's filters and the statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPlace<'a> {
    pub kind: RecordKind,
    pub id: &'a str,
    pub agency_id: &'a str,
    pub province: &'a str,
    pub district: Option<&'a str>,
}

/// Brings a record's stored deadlines in line with `derived`: new rules are inserted, changed ones
/// updated (an alert already raised stays raised unless the due time moved), and rules that no
/// longer apply removed. Answers whether anything changed.
pub fn replace(
    connection: &mut AnyConnection,
    place: &RecordPlace<'_>,
    derived: &[DerivedDeadline],
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let existing = of_records(connection, place.kind, &[place.id.to_owned()])?;
    let mut changed = false;
    for deadline in derived {
        let stored = existing.iter().find(|row| row.rule == deadline.rule);
        let moved = stored.is_some_and(|row| row.due_at != deadline.due_at);
        let next = StoredDeadline {
            id: stored.map_or_else(new_id, |row| row.id.clone()),
            record_type: place.kind.as_str().to_owned(),
            record_id: place.id.to_owned(),
            rule: deadline.rule.clone(),
            agency_id: place.agency_id.to_owned(),
            province: place.province.to_owned(),
            district: place.district.map(str::to_owned),
            started_at: deadline.started_at,
            due_at: deadline.due_at,
            soon_at: deadline.soon_at,
            met_at: deadline.met_at,
            due_soon_alert: stored
                .and_then(|row| row.due_soon_alert.clone())
                .filter(|_| !moved),
            overdue_alert: stored
                .and_then(|row| row.overdue_alert.clone())
                .filter(|_| !moved),
            updated_at: now,
        };
        match stored {
            Some(row) if same_but_time(row, &next) => {}
            Some(_) => {
                changed = true;
                diesel::update(deadlines::table.filter(deadlines::id.eq(&next.id)))
                    .set((
                        deadlines::agency_id.eq(&next.agency_id),
                        deadlines::province.eq(&next.province),
                        deadlines::district.eq(&next.district),
                        deadlines::started_at.eq(next.started_at),
                        deadlines::due_at.eq(next.due_at),
                        deadlines::soon_at.eq(next.soon_at),
                        deadlines::met_at.eq(next.met_at),
                        deadlines::due_soon_alert.eq(&next.due_soon_alert),
                        deadlines::overdue_alert.eq(&next.overdue_alert),
                        deadlines::updated_at.eq(now),
                    ))
                    .execute(connection)?;
            }
            None => {
                changed = true;
                diesel::insert_into(deadlines::table)
                    .values(&next)
                    .execute(connection)?;
            }
        }
    }
    let gone: Vec<String> = existing
        .iter()
        .filter(|row| derived.iter().all(|deadline| deadline.rule != row.rule))
        .map(|row| row.id.clone())
        .collect();
    if !gone.is_empty() {
        changed = true;
        diesel::delete(deadlines::table.filter(deadlines::id.eq_any(&gone))).execute(connection)?;
    }
    Ok(changed)
}

fn same_but_time(stored: &StoredDeadline, next: &StoredDeadline) -> bool {
    StoredDeadline {
        updated_at: next.updated_at,
        ..stored.clone()
    } == *next
}

/// Removes a deleted record's deadlines.
pub fn remove_for(
    connection: &mut AnyConnection,
    kind: RecordKind,
    id: &str,
) -> Result<(), DbError> {
    diesel::delete(
        deadlines::table
            .filter(deadlines::record_type.eq(kind.as_str()))
            .filter(deadlines::record_id.eq(id)),
    )
    .execute(connection)?;
    Ok(())
}

/// The deadlines of these records, by rule order of insertion.
pub fn of_records(
    connection: &mut AnyConnection,
    kind: RecordKind,
    ids: &[String],
) -> Result<Vec<StoredDeadline>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(deadlines::table
        .filter(deadlines::record_type.eq(kind.as_str()))
        .filter(deadlines::record_id.eq_any(ids))
        .order(deadlines::id.asc())
        .select(StoredDeadline::as_select())
        .load(connection)?)
}

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

/// Deadlines of records `scopes` covers (incidents' scope, referrals' scope), soonest due first,
/// not-applicable ones last.
pub fn queue(
    connection: &mut AnyConnection,
    scopes: (&ReadScope, &ReadScope),
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
fn visible((incident_scope, referral_scope): (&ReadScope, &ReadScope)) -> Filter {
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
    let granted = |agency: &str| {
        exists(
            referrals::table
                .filter(referrals::incident_id.eq(deadlines::record_id))
                .filter(referrals::to_agency_id.eq(agency.to_owned()))
                .filter(referrals::status.eq_any(granting_statuses()))
                .filter(referrals::deleted_at.is_null()),
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
        ReadScope::OwnedOrGranted(agency) => incidents(Box::new(
            deadlines::agency_id.eq(agency.clone()).or(granted(agency)),
        )),
        ReadScope::GrantedOnly(agency) => incidents(Box::new(granted(agency))),
    };
    let referral_part: Filter = match referral_scope {
        ReadScope::Everything => referrals_of(Box::new(always(true))),
        ReadScope::Nothing => Box::new(always(false)),
        ReadScope::OwnedOrGranted(agency) => referrals_of(Box::new(
            deadlines::agency_id.eq(agency.clone()).or(received(agency)),
        )),
        ReadScope::GrantedOnly(agency) => referrals_of(Box::new(received(agency))),
    };
    Box::new(incident_part.or(referral_part))
}

fn always(value: bool) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>(if value { "1 = 1" } else { "1 = 0" })
}

/// The alert a sweep raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alert {
    DueSoon,
    Overdue,
}

/// Claims up to `limit` unmet deadlines whose `alert` has come and not been raised, marking them with
/// `token`; answers those this call claimed. Run it inside the transaction that queues the alerts:
/// a concurrent sweep waits on the rows, then finds them claimed and skips them, so each alert is
/// raised once. Claiming `Overdue` also marks `due_soon` raised (a deadline that went past its due
/// time between sweeps is not announced as due soon after the fact).
pub fn claim_alerts(
    connection: &mut AnyConnection,
    alert: Alert,
    now: NaiveDateTime,
    token: &str,
    limit: i64,
) -> Result<Vec<StoredDeadline>, DbError> {
    let candidates: Vec<String> = match alert {
        Alert::DueSoon => deadlines::table
            .filter(deadlines::met_at.is_null())
            .filter(deadlines::due_soon_alert.is_null())
            .filter(deadlines::soon_at.is_not_null())
            .filter(deadlines::soon_at.le(now))
            .filter(deadlines::due_at.ge(now))
            .order(deadlines::soon_at.asc())
            .limit(limit)
            .select(deadlines::id)
            .load(connection)?,
        Alert::Overdue => deadlines::table
            .filter(deadlines::met_at.is_null())
            .filter(deadlines::overdue_alert.is_null())
            .filter(deadlines::due_at.is_not_null())
            .filter(deadlines::due_at.lt(now))
            .order(deadlines::due_at.asc())
            .limit(limit)
            .select(deadlines::id)
            .load(connection)?,
    };
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    match alert {
        Alert::DueSoon => {
            diesel::update(
                deadlines::table
                    .filter(deadlines::id.eq_any(&candidates))
                    .filter(deadlines::due_soon_alert.is_null())
                    .filter(deadlines::met_at.is_null()),
            )
            .set(deadlines::due_soon_alert.eq(token))
            .execute(connection)?;
        }
        Alert::Overdue => {
            // One statement for both marks: updating these rows rewrites their index entries, the
            // bulk of a sweep's cost. Overwriting a due-soon mark already set loses nothing: a mark
            // only says that the alert is not to be raised (again).
            diesel::update(
                deadlines::table
                    .filter(deadlines::id.eq_any(&candidates))
                    .filter(deadlines::overdue_alert.is_null())
                    .filter(deadlines::met_at.is_null()),
            )
            .set((
                deadlines::overdue_alert.eq(token),
                deadlines::due_soon_alert.eq(token),
            ))
            .execute(connection)?;
        }
    }
    let claimed = match alert {
        Alert::DueSoon => deadlines::table
            .filter(deadlines::id.eq_any(&candidates))
            .filter(deadlines::due_soon_alert.eq(token))
            .select(StoredDeadline::as_select())
            .load(connection)?,
        Alert::Overdue => deadlines::table
            .filter(deadlines::id.eq_any(&candidates))
            .filter(deadlines::overdue_alert.eq(token))
            .select(StoredDeadline::as_select())
            .load(connection)?,
    };
    Ok(claimed)
}

/// What the compliance statistics count: every applicable deadline (of `agency`'s records, when
/// given) due in `[from, to)`.
pub fn compliance_rows(
    connection: &mut AnyConnection,
    agency: Option<&str>,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> Result<Vec<StoredDeadline>, DbError> {
    let mut query = deadlines::table
        .into_boxed()
        .filter(deadlines::due_at.is_not_null());
    if let Some(agency) = agency {
        query = query.filter(deadlines::agency_id.eq(agency.to_owned()));
    }
    if let Some(from) = from {
        query = query.filter(deadlines::due_at.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(deadlines::due_at.lt(to));
    }
    Ok(query.select(StoredDeadline::as_select()).load(connection)?)
}

/// Stores the deadlines of records just created, in one statement.
pub fn insert_all(connection: &mut AnyConnection, rows: &[StoredDeadline]) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    insert_slice!(connection, deadlines::table, rows)?;
    Ok(())
}

/// Who hears of a record's deadline: its version now, its owner, and the other agencies that see it
/// (an incident's grantees; a referral's receiver).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listeners {
    pub record_id: String,
    pub version: i64,
    pub audience: Vec<String>,
}

/// The listeners of these incidents (live ones), in one query for the records and one for grants.
pub fn incident_listeners(
    connection: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<Listeners>, DbError> {
    use crate::schema::incidents;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let records: Vec<(String, i64, String)> = incidents::table
        .filter(incidents::id.eq_any(ids))
        .filter(incidents::deleted_at.is_null())
        .select((incidents::id, incidents::version, incidents::agency_id))
        .load(connection)?;
    let grants: Vec<(String, String)> = referrals::table
        .filter(referrals::incident_id.eq_any(ids))
        .filter(referrals::status.eq_any(granting_statuses()))
        .filter(referrals::deleted_at.is_null())
        .select((referrals::incident_id, referrals::to_agency_id))
        .load(connection)?;
    Ok(records
        .into_iter()
        .map(|(id, version, owner)| {
            let mut audience = vec![owner];
            for (_, agency) in grants.iter().filter(|(incident, _)| *incident == id) {
                if !audience.contains(agency) {
                    audience.push(agency.clone());
                }
            }
            Listeners {
                record_id: id,
                version,
                audience,
            }
        })
        .collect())
}

/// The listeners of these referrals (live ones): both agencies, the receiver unless the referral is
/// hidden from it.
pub fn referral_listeners(
    connection: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<Listeners>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, i64, String, String, String)> = referrals::table
        .filter(referrals::id.eq_any(ids))
        .filter(referrals::deleted_at.is_null())
        .select((
            referrals::id,
            referrals::version,
            referrals::agency_id,
            referrals::to_agency_id,
            referrals::status,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, version, owner, receiver, status)| {
            let hidden = ReferralStatus::parse(&status)
                .is_some_and(|status| ReferralStatus::hidden_from_receiver().any(|h| h == status));
            let mut audience = vec![owner];
            if !hidden && !audience.contains(&receiver) {
                audience.push(receiver);
            }
            Listeners {
                record_id: id,
                version,
                audience,
            }
        })
        .collect())
}
