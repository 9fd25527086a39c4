//! Key rotation for complaints: their personal fields re-sealed under the current key, a page per
//! transaction, a row rewritten only at the version read (see `reseal`).

use diesel::prelude::*;

use super::reseal::{paged, reseal_or_keep, PAGE_SIZE};
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::complaints;
use crate::vault::Vault;

type ComplaintSealed = (
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(super) fn reseal_complaints(
    connection: &mut AnyConnection,
    vault: &Vault,
    budget: Option<usize>,
) -> Result<usize, DbError> {
    paged(
        connection,
        budget,
        |connection, after: Option<&String>, left| {
            let mut query = complaints::table
                .select((
                    complaints::id,
                    complaints::version,
                    complaints::complainant_name,
                    complaints::complainant_phone,
                    complaints::child_name,
                    complaints::location_detail,
                    complaints::narrative,
                ))
                .order(complaints::id.asc())
                .limit(PAGE_SIZE)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(complaints::id.gt(after.clone()));
            }
            let rows: Vec<ComplaintSealed> = query.load(connection)?;
            let last = rows.last().map(|row| row.0.clone());
            let mut rewritten = 0;
            for (id, version, name, phone, child, place, narrative) in rows {
                if left.is_some_and(|left| rewritten >= left) {
                    return Ok((rewritten, Some(id)));
                }
                let mut changed = false;
                let mut keep = |field: &str, value: Option<String>| {
                    reseal_or_keep(vault, &id, field, value, &mut changed)
                };
                let values = (
                    complaints::complainant_name.eq(keep("complainant_name", name)?),
                    complaints::complainant_phone.eq(keep("complainant_phone", phone)?),
                    complaints::child_name.eq(keep("child_name", child)?),
                    complaints::location_detail.eq(keep("location_detail", place)?),
                    complaints::narrative.eq(keep("narrative", narrative)?),
                );
                if !changed {
                    continue;
                }
                rewritten += diesel::update(
                    complaints::table
                        .filter(complaints::id.eq(&id))
                        .filter(complaints::version.eq(version)),
                )
                .set(values)
                .execute(connection)?;
            }
            Ok((rewritten, last))
        },
    )
}
