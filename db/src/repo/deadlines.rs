//! Stored deadlines: written by the unit of work that changes a record (see the domain's
//! `deadlines::clocks`), read onto record responses and the work queue, and claimed by the sweep
//! that raises their alerts.

mod queue;
mod sweep;

use chrono::NaiveDateTime;
use cpims_domain::access::RecordKind;
use diesel::prelude::*;

pub use queue::{cursor_at, queue, QueueCursor, QueueFilter, StateFilter};
pub use sweep::{
    claim_alerts, complaint_listeners, incident_listeners, referral_listeners, Alert, Listeners,
};

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::new_id;
use crate::schema::deadlines;

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
