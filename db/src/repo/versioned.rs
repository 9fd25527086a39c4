//! The optimistic-concurrency writes every case-record table shares: update and tombstone only when
//! the stored version is still the one the caller read.

/// Generates `update`, `soft_delete` and `current_version` for a case-record table whose row type
/// converts from the record with `$to_row` (given any `$extra` arguments, such as the vault, and
/// returning a `Result`).
macro_rules! versioned_writes {
    ($table:ident, $record:ty, $to_row:path $(, $extra:ident: $extra_ty:ty)*) => {
        /// Writes `updated` if the stored version is still `expected_version` (`updated.meta.version` is
        /// the new one); otherwise reports the current version.
        pub fn update(
            connection: &mut AnyConnection,
            $($extra: $extra_ty,)*
            updated: &$record,
            expected_version: i64,
        ) -> Result<(), DbError> {
            let changed = diesel::update(
                $table::table
                    .filter($table::id.eq(&updated.meta.id))
                    .filter($table::version.eq(expected_version))
                    .filter($table::deleted_at.is_null()),
            )
            .set($to_row(updated $(, $extra)*)?)
            .execute(connection)?;
            if changed == 1 {
                Ok(())
            } else {
                Err(DbError::VersionMismatch {
                    current: current_version(connection, &updated.meta.id)?,
                })
            }
        }

        /// Tombstones a record at the next version if it is still at `expected_version`.
        pub fn soft_delete(
            connection: &mut AnyConnection,
            id: &str,
            expected_version: i64,
            at: chrono::NaiveDateTime,
        ) -> Result<(), DbError> {
            let changed = diesel::update(
                $table::table
                    .filter($table::id.eq(id))
                    .filter($table::version.eq(expected_version))
                    .filter($table::deleted_at.is_null()),
            )
            .set((
                $table::deleted_at.eq(Some(at)),
                $table::updated_at.eq(at),
                $table::version.eq(expected_version + 1),
            ))
            .execute(connection)?;
            if changed == 1 {
                Ok(())
            } else {
                Err(DbError::VersionMismatch {
                    current: current_version(connection, id)?,
                })
            }
        }

        fn current_version(connection: &mut AnyConnection, id: &str) -> Result<i64, DbError> {
            Ok($table::table
                .find(id)
                .select($table::version)
                .first(connection)?)
        }
    };
}

pub(crate) use versioned_writes;
