//! Milestones of incidents: appended, never edited; a withdrawal keeps the row with its reason. The
//! note and the reason are free text that may name people, so they are sealed like personal data.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::milestones;
use crate::vault::Vault;

/// One milestone as stored (note and reason open).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = milestones)]
#[diesel(treat_none_as_default_value = false)]
pub struct Milestone {
    pub id: String,
    pub incident_id: String,
    pub milestone_type: String,
    pub at: NaiveDateTime,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_by_agency_id: String,
    pub recorded_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
}

/// Who withdrew a milestone, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub at: NaiveDateTime,
    pub by: String,
    pub reason: String,
}

pub fn insert(
    connection: &mut AnyConnection,
    vault: &Vault,
    milestone: &Milestone,
) -> Result<(), DbError> {
    let sealed = Milestone {
        note: vault.seal_optional(&milestone.id, "note", milestone.note.as_deref())?,
        ..milestone.clone()
    };
    diesel::insert_into(milestones::table)
        .values(&sealed)
        .execute(connection)?;
    Ok(())
}

/// Every milestone of an incident, withdrawn ones included, in the order they happened.
pub fn of_incident(
    connection: &mut AnyConnection,
    vault: &Vault,
    incident_id: &str,
) -> Result<Vec<Milestone>, DbError> {
    let stored: Vec<Milestone> = milestones::table
        .filter(milestones::incident_id.eq(incident_id))
        .order((milestones::at.asc(), milestones::id.asc()))
        .select(Milestone::as_select())
        .load(connection)?;
    stored.into_iter().map(|row| open(vault, row)).collect()
}

/// One milestone of an incident.
pub fn find(
    connection: &mut AnyConnection,
    vault: &Vault,
    incident_id: &str,
    id: &str,
) -> Result<Milestone, DbError> {
    let row = milestones::table
        .filter(milestones::incident_id.eq(incident_id))
        .filter(milestones::id.eq(id))
        .select(Milestone::as_select())
        .first(connection)
        .optional()?
        .ok_or(DbError::NotFound)?;
    open(vault, row)
}

/// Marks a standing milestone withdrawn; `NotFound` when it is unknown or already withdrawn.
pub fn withdraw(
    connection: &mut AnyConnection,
    vault: &Vault,
    id: &str,
    withdrawal: &Withdrawal,
) -> Result<(), DbError> {
    let reason = vault.seal(id, "withdrawal_reason", &withdrawal.reason)?;
    let changed = diesel::update(
        milestones::table
            .filter(milestones::id.eq(id))
            .filter(milestones::withdrawn_at.is_null()),
    )
    .set((
        milestones::withdrawn_at.eq(Some(withdrawal.at)),
        milestones::withdrawn_by.eq(Some(&withdrawal.by)),
        milestones::withdrawal_reason.eq(Some(reason)),
    ))
    .execute(connection)?;
    if changed == 1 {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

fn open(vault: &Vault, row: Milestone) -> Result<Milestone, DbError> {
    Ok(Milestone {
        note: vault.open_optional(&row.id, "note", row.note.as_deref())?,
        withdrawal_reason: vault.open_optional(
            &row.id,
            "withdrawal_reason",
            row.withdrawal_reason.as_deref(),
        )?,
        ..row
    })
}

/// The standing (not withdrawn) milestones of an incident as `(type, at)`, without notes.
pub fn standing_of(
    connection: &mut AnyConnection,
    incident_id: &str,
) -> Result<Vec<(String, NaiveDateTime)>, DbError> {
    Ok(milestones::table
        .filter(milestones::incident_id.eq(incident_id))
        .filter(milestones::withdrawn_at.is_null())
        .select((milestones::milestone_type, milestones::at))
        .load(connection)?)
}
