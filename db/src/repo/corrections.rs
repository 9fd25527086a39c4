//! Corrections a release queues (by migration) for `cpims` to make on startup, and the reads they page
//! through. The corrections themselves are written by the application's unit of work, like any edit.

use diesel::prelude::*;

use crate::codec::text_to_list;
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::incidents;

diesel::table! {
    data_corrections (name) {
        name -> Text,
        queued_at -> Timestamp,
    }
}

/// The queued corrections, oldest first.
pub fn pending(connection: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(data_corrections::table
        .select(data_corrections::name)
        .order((
            data_corrections::queued_at.asc(),
            data_corrections::name.asc(),
        ))
        .load(connection)?)
}

/// Queues a correction (again): a no-op when it is already queued.
pub fn queue(
    connection: &mut AnyConnection,
    name: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), DbError> {
    let queued: i64 = data_corrections::table
        .filter(data_corrections::name.eq(name))
        .count()
        .get_result(connection)?;
    if queued == 0 {
        diesel::insert_into(data_corrections::table)
            .values((
                data_corrections::name.eq(name),
                data_corrections::queued_at.eq(at),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Marks a correction done: it has gone through every record.
pub fn done(connection: &mut AnyConnection, name: &str) -> Result<(), DbError> {
    diesel::delete(data_corrections::table.filter(data_corrections::name.eq(name)))
        .execute(connection)?;
    Ok(())
}

/// What deciding an incident's legal references needs, without decrypting anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentLaw {
    pub id: String,
    pub category: String,
    pub province: String,
    pub legal_references: Vec<String>,
}

/// Live, not anonymised incidents after `after` (id order), at most `limit`.
pub fn incident_law_page(
    connection: &mut AnyConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<IncidentLaw>, DbError> {
    let mut query = incidents::table
        .filter(incidents::deleted_at.is_null())
        .filter(incidents::anonymised_at.is_null())
        .select((
            incidents::id,
            incidents::category,
            incidents::province,
            incidents::legal_references,
        ))
        .order(incidents::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(incidents::id.gt(after.to_owned()));
    }
    let rows: Vec<(String, String, String, String)> = query.load(connection)?;
    rows.into_iter()
        .map(|(id, category, province, references)| {
            Ok(IncidentLaw {
                legal_references: text_to_list(&references, "legal_references")?,
                id,
                category,
                province,
            })
        })
        .collect()
}
