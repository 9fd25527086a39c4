//! The recorded status transitions of incidents and referrals.

use cpims_domain::access::RecordKind;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::status_transitions;
use crate::vault::Vault;

/// One recorded status change.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = status_transitions)]
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
pub struct Transition {
    pub id: String,
    /// `incident` or `referral`.
    pub record_type: String,
    pub record_id: String,
    pub from_status: String,
    pub to_status: String,
    pub note: Option<String>,
    pub closure_reason: Option<String>,
    pub actor_user_id: String,
    pub actor_agency_id: String,
    pub occurred_at: chrono::NaiveDateTime,
}

/// Stores a transition; its free-text note may name people, so it is sealed like personal data.
pub fn insert(
    connection: &mut AnyConnection,
    vault: &Vault,
    transition: &Transition,
) -> Result<(), DbError> {
    let sealed = Transition {
        note: vault.seal_optional(&transition.id, "note", transition.note.as_deref())?,
        ..transition.clone()
    };
    diesel::insert_into(status_transitions::table)
        .values(&sealed)
        .execute(connection)?;
    Ok(())
}

/// Every transition of a record, oldest first.
pub fn of_record(
    connection: &mut AnyConnection,
    vault: &Vault,
    record_type: RecordKind,
    record_id: &str,
) -> Result<Vec<Transition>, DbError> {
    let stored: Vec<Transition> = status_transitions::table
        .filter(status_transitions::record_type.eq(record_type.as_str()))
        .filter(status_transitions::record_id.eq(record_id))
        .order(status_transitions::id.asc())
        .select(Transition::as_select())
        .load(connection)?;
    stored
        .into_iter()
        .map(|transition| {
            Ok(Transition {
                note: vault.open_optional(&transition.id, "note", transition.note.as_deref())?,
                ..transition
            })
        })
        .collect()
}

/// A record's status moves as `(from, to, at)`, oldest first, without their notes (what deadline
/// rules read).
pub fn moves_of(
    connection: &mut AnyConnection,
    record_type: RecordKind,
    record_id: &str,
) -> Result<Vec<(String, String, chrono::NaiveDateTime)>, DbError> {
    Ok(status_transitions::table
        .filter(status_transitions::record_type.eq(record_type.as_str()))
        .filter(status_transitions::record_id.eq(record_id))
        .order(status_transitions::id.asc())
        .select((
            status_transitions::from_status,
            status_transitions::to_status,
            status_transitions::occurred_at,
        ))
        .load(connection)?)
}
