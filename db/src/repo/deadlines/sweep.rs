//! What the deadline sweep claims and whom it tells: alerts claimed once through marks in the
//! rows, and the agencies that see each record.

use chrono::NaiveDateTime;
use cpims_domain::case::ReferralStatus;
use diesel::prelude::*;

use super::StoredDeadline;
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::{complaints, deadlines, referrals};
use crate::scope::granting_statuses;

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

/// Who hears of a complaint's deadline: the receiving and the assigned agency.
pub fn complaint_listeners(
    connection: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<Listeners>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, i64, String, Option<String>)> = complaints::table
        .filter(complaints::id.eq_any(ids))
        .filter(complaints::deleted_at.is_null())
        .select((
            complaints::id,
            complaints::version,
            complaints::agency_id,
            complaints::assigned_agency_id,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, version, owner, assigned)| {
            let mut audience = vec![owner];
            if let Some(assigned) = assigned {
                if !audience.contains(&assigned) {
                    audience.push(assigned);
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
