//! Users and their roles, and the rules on credentials.

use crate::code_enum;

code_enum!(
    /// What a user may do; see DESIGN.md's Access table.
    Role {
        Admin => "admin",
        Monitor => "monitor",
        CaseWorker => "case_worker",
        SyncClient => "sync_client",
        ReferralPartner => "referral_partner",
        Analyst => "analyst",
        IntakeOfficer => "intake_officer",
    }
);

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted; bounds the hashing work an attacker can ask for.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("must be at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("must be at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
}

/// Checks a new password against the length rules (counted in characters, not bytes).
pub fn check_password(password: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(PasswordProblem::TooShort)
    } else if chars > MAX_PASSWORD_CHARS {
        Err(PasswordProblem::TooLong)
    } else {
        Ok(())
    }
}

/// Why a username was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameProblem {
    #[error("must be 3 to 64 characters")]
    Length,
    #[error("may contain only lowercase letters, digits, '.', '_', '-' and '@'")]
    Characters,
}

/// Normalises a username (trimmed, lowercased) and checks its shape, so lookups are case-insensitive.
pub fn normalise_username(raw: &str) -> Result<String, UsernameProblem> {
    let username = raw.trim().to_lowercase();
    if !(3..=64).contains(&username.chars().count()) {
        return Err(UsernameProblem::Length);
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@".contains(c);
    if !username.chars().all(allowed) {
        return Err(UsernameProblem::Characters);
    }
    Ok(username)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_length_is_counted_in_characters() {
        assert_eq!(check_password("short"), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("ٹھیکہےٹھیکہےٹھی"), Ok(()));
        assert_eq!(check_password("ٹھیکہ"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_password(&"x".repeat(257)),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(normalise_username("  Amina.K ").as_deref(), Ok("amina.k"));
        assert_eq!(normalise_username("ab"), Err(UsernameProblem::Length));
        assert_eq!(
            normalise_username("a b c"),
            Err(UsernameProblem::Characters)
        );
    }
}

/// A user account, as stored; the password hash is kept apart and never leaves the storage layer
/// except for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub agency_id: String,
    pub role: Role,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub created_by: Option<String>,
}
