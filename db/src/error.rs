//! The storage layer's one error type.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// SQLite's message when a writer waited past busy_timeout; the writers' lock answers the same.
pub(crate) const SQLITE_LOCKED: &str = "database is locked";

/// What can go wrong below the API; the api crate maps each to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("record not found")]
    NotFound,
    /// A uniqueness rule was broken; the payload names the constraint, never the values.
    #[error("unique constraint violated: {0}")]
    Duplicate(String),
    /// A reference points at a row that does not exist.
    #[error("foreign key violated: {0}")]
    MissingReference(String),
    /// The record changed since the caller read it; carries the current version.
    #[error("version mismatch: current version is {current}")]
    VersionMismatch { current: i64 },
    /// The database cannot be reached or no connection was free in time.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal storage error: {0}")]
    Internal(String),
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => DbError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                DbError::Duplicate(info.constraint_name().unwrap_or("unique").to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                DbError::MissingReference(
                    info.constraint_name().unwrap_or("foreign key").to_owned(),
                )
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                DbError::Unavailable(info.message().to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::UnableToSendCommand, info) => {
                DbError::Unavailable(info.message().to_owned())
            }
            // PostgreSQL's statement_timeout (SQLSTATE 57014) and lock timeouts, and SQLite's "database
            // is locked" past busy_timeout: the database is too busy to answer in time, which the client
            // should retry later rather than treat as a bug.
            DieselError::DatabaseError(_, info)
                if info.message().contains("statement timeout")
                    || info.message().contains(SQLITE_LOCKED) =>
            {
                DbError::Unavailable(info.message().to_owned())
            }
            other => DbError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_too_busy_to_answer_is_unavailable_not_internal() {
        for message in [
            "database is locked",
            "canceling statement due to statement timeout",
        ] {
            let error = DieselError::DatabaseError(
                DatabaseErrorKind::Unknown,
                Box::new(message.to_owned()),
            );
            assert!(
                matches!(DbError::from(error), DbError::Unavailable(_)),
                "{message}"
            );
        }
        let other = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("no such table: children".to_owned()),
        );
        assert!(matches!(DbError::from(other), DbError::Internal(_)));
    }
}
