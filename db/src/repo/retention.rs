//! Retention: finding incidents and children past their retention period and anonymising them in
//! place. Personal fields, blind indexes, free-text notes and the values in their history are erased;
//! what statistics count (place, sex, category, codes, age at the incident, dates to the month) stays.

use chrono::NaiveDateTime;
use cpims_domain::case::{IncidentStatus, ReferralStatus};
use diesel::prelude::*;

use crate::codec::{date_to_text, optional_date, text_to_date};
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::{
    children, incidents, milestones, record_history, referrals, status_transitions,
};

/// Candidates read per query.
pub const PAGE_SIZE: i64 = 200;

/// An incident past its retention period, with what anonymising it needs from its child.
#[derive(Debug, Clone)]
pub struct ExpiredIncident {
    pub id: String,
    pub agency_id: String,
    pub version: i64,
    pub occurred_on: chrono::NaiveDate,
    pub reported_on: chrono::NaiveDate,
    pub child_date_of_birth: Option<chrono::NaiveDate>,
    pub child_estimated_age_years: Option<i32>,
}

/// A referral rewritten by anonymising its incident, for the change feed.
#[derive(Debug, Clone)]
pub struct AnonymisedReferral {
    pub id: String,
    pub agency_id: String,
    pub to_agency_id: String,
    pub version: i64,
    pub status: String,
}

/// A child whose every incident is anonymised (or who never had one and has not changed since the
/// cutoff).
#[derive(Debug, Clone)]
pub struct ExpiredChild {
    pub id: String,
    pub agency_id: String,
    pub version: i64,
}

const ACTIVE_REFERRAL_STATUSES: [ReferralStatus; 3] = [
    ReferralStatus::Pending,
    ReferralStatus::Accepted,
    ReferralStatus::InProgress,
];

type IncidentCandidate = (
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<i32>,
);

/// Incidents after `after` (id order) closed, or deleted, before `cutoff`, not yet anonymised and not
/// needed by an active referral. The last id read is returned so the caller can page on.
pub fn expired_incidents(
    connection: &mut AnyConnection,
    cutoff: NaiveDateTime,
    after: Option<&str>,
) -> Result<(Vec<ExpiredIncident>, Option<String>), DbError> {
    let mut query = incidents::table
        .inner_join(children::table.on(children::id.eq(incidents::child_id)))
        .filter(incidents::anonymised_at.is_null())
        .filter(
            incidents::status
                .eq(IncidentStatus::Closed.as_str())
                .and(incidents::updated_at.lt(cutoff))
                .or(incidents::deleted_at.lt(cutoff)),
        )
        .select((
            incidents::id,
            incidents::agency_id,
            incidents::version,
            incidents::occurred_on,
            incidents::reported_on,
            children::date_of_birth,
            children::estimated_age_years,
        ))
        .order(incidents::id.asc())
        .limit(PAGE_SIZE)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(incidents::id.gt(after.to_owned()));
    }
    let rows: Vec<IncidentCandidate> = query.load(connection)?;
    let last = rows.last().map(|row| row.0.clone());
    let ids: Vec<&String> = rows.iter().map(|row| &row.0).collect();
    let needed: Vec<String> = referrals::table
        .filter(referrals::incident_id.eq_any(ids))
        .filter(referrals::deleted_at.is_null())
        .filter(referrals::status.eq_any(ACTIVE_REFERRAL_STATUSES.map(ReferralStatus::as_str)))
        .select(referrals::incident_id)
        .load(connection)?;
    let expired = rows
        .into_iter()
        .filter(|row| !needed.contains(&row.0))
        .map(
            |(id, agency_id, version, occurred, reported, dob, estimated)| {
                Ok(ExpiredIncident {
                    occurred_on: text_to_date(&occurred, "occurred_on")?,
                    reported_on: text_to_date(&reported, "reported_on")?,
                    child_date_of_birth: optional_date(dob.as_deref(), "date_of_birth")?,
                    child_estimated_age_years: estimated,
                    id,
                    agency_id,
                    version,
                })
            },
        )
        .collect::<Result<Vec<_>, DbError>>()?;
    Ok((expired, last))
}

/// Anonymises an incident (if it is still at the version read) and its referrals; returns the
/// referrals rewritten, or `None` when the incident changed meanwhile and was left alone.
pub fn anonymise_incident(
    connection: &mut AnyConnection,
    incident: &ExpiredIncident,
    age_at_occurrence: Option<i32>,
    kept_occurred_on: chrono::NaiveDate,
    kept_reported_on: chrono::NaiveDate,
    now: NaiveDateTime,
) -> Result<Option<Vec<AnonymisedReferral>>, DbError> {
    let changed = diesel::update(
        incidents::table
            .filter(incidents::id.eq(&incident.id))
            .filter(incidents::version.eq(incident.version))
            .filter(incidents::anonymised_at.is_null()),
    )
    .set((
        incidents::narrative.eq(None::<String>),
        incidents::occurred_on.eq(date_to_text(kept_occurred_on)),
        incidents::reported_on.eq(date_to_text(kept_reported_on)),
        incidents::age_at_occurrence.eq(age_at_occurrence),
        incidents::anonymised_at.eq(Some(now)),
        incidents::updated_at.eq(now),
        incidents::version.eq(incident.version + 1),
    ))
    .execute(connection)?;
    if changed == 0 {
        return Ok(None);
    }
    diesel::update(
        referrals::table
            .filter(referrals::incident_id.eq(&incident.id))
            .filter(referrals::anonymised_at.is_null()),
    )
    .set((
        referrals::reason.eq(""),
        referrals::anonymised_at.eq(Some(now)),
        referrals::updated_at.eq(now),
        referrals::version.eq(referrals::version + 1),
    ))
    .execute(connection)?;
    let rewritten: Vec<(String, String, String, i64, String)> = referrals::table
        .filter(referrals::incident_id.eq(&incident.id))
        .filter(referrals::anonymised_at.eq(Some(now)))
        .select((
            referrals::id,
            referrals::agency_id,
            referrals::to_agency_id,
            referrals::version,
            referrals::status,
        ))
        .load(connection)?;
    let mut erased: Vec<String> = rewritten.iter().map(|row| row.0.clone()).collect();
    erased.push(incident.id.clone());
    erase_free_text(connection, &erased)?;
    Ok(Some(
        rewritten
            .into_iter()
            .map(
                |(id, agency_id, to_agency_id, version, status)| AnonymisedReferral {
                    id,
                    agency_id,
                    to_agency_id,
                    version,
                    status,
                },
            )
            .collect(),
    ))
}

/// Children after `after` (id order), not yet anonymised, that no live record needs any more: every
/// incident of theirs is anonymised, and they have at least one, or were last changed before `cutoff`.
pub fn expired_children(
    connection: &mut AnyConnection,
    cutoff: NaiveDateTime,
    after: Option<&str>,
) -> Result<(Vec<ExpiredChild>, Option<String>), DbError> {
    let mut query = children::table
        .filter(children::anonymised_at.is_null())
        .select((
            children::id,
            children::agency_id,
            children::version,
            children::updated_at,
        ))
        .order(children::id.asc())
        .limit(PAGE_SIZE)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(children::id.gt(after.to_owned()));
    }
    let rows: Vec<(String, String, i64, NaiveDateTime)> = query.load(connection)?;
    let last = rows.last().map(|row| row.0.clone());
    let ids: Vec<&String> = rows.iter().map(|row| &row.0).collect();
    let incident_states: Vec<(String, Option<NaiveDateTime>)> = incidents::table
        .filter(incidents::child_id.eq_any(ids))
        .select((incidents::child_id, incidents::anonymised_at))
        .load(connection)?;
    let expired = rows
        .into_iter()
        .filter(|(id, _, _, updated_at)| {
            let mine = incident_states.iter().filter(|(child, _)| child == id);
            let mut any = false;
            for (_, anonymised_at) in mine {
                if anonymised_at.is_none() {
                    return false;
                }
                any = true;
            }
            any || *updated_at < cutoff
        })
        .map(|(id, agency_id, version, _)| ExpiredChild {
            id,
            agency_id,
            version,
        })
        .collect();
    Ok((expired, last))
}

/// Anonymises a child if it is still at the version read; false when it changed meanwhile.
pub fn anonymise_child(
    connection: &mut AnyConnection,
    child: &ExpiredChild,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        children::table
            .filter(children::id.eq(&child.id))
            .filter(children::version.eq(child.version))
            .filter(children::anonymised_at.is_null()),
    )
    .set((
        children::given_name.eq(None::<String>),
        children::family_name.eq(None::<String>),
        children::identifier.eq(None::<String>),
        children::guardian_name.eq(None::<String>),
        children::guardian_phone.eq(None::<String>),
        children::name_index.eq(None::<String>),
        children::identifier_index.eq(None::<String>),
        children::date_of_birth.eq(None::<String>),
        children::estimated_age_years.eq(None::<i32>),
        children::anonymised_at.eq(Some(now)),
        children::updated_at.eq(now),
        children::version.eq(child.version + 1),
    ))
    .execute(connection)?;
    if changed == 0 {
        return Ok(false);
    }
    erase_free_text(connection, std::slice::from_ref(&child.id))?;
    Ok(true)
}

/// Erases the values recorded in the history of these records, the notes of their transitions and
/// the notes and withdrawal reasons of their milestones: all may repeat what the record no longer
/// holds.
fn erase_free_text(connection: &mut AnyConnection, record_ids: &[String]) -> Result<(), DbError> {
    diesel::update(record_history::table.filter(record_history::record_id.eq_any(record_ids)))
        .set((
            record_history::old_value.eq(None::<String>),
            record_history::new_value.eq(None::<String>),
        ))
        .execute(connection)?;
    diesel::update(
        status_transitions::table.filter(status_transitions::record_id.eq_any(record_ids)),
    )
    .set(status_transitions::note.eq(None::<String>))
    .execute(connection)?;
    diesel::update(milestones::table.filter(milestones::incident_id.eq_any(record_ids)))
        .set((
            milestones::note.eq(None::<String>),
            milestones::withdrawal_reason.eq(None::<String>),
        ))
        .execute(connection)?;
    Ok(())
}
