//! The authenticated caller and the coarse, role-level permissions that do not depend on a record.

use chrono::NaiveDateTime;

use crate::user::Role;

/// Who is calling: resolved from a verified token and the current user row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub agency_id: String,
    pub role: Role,
    /// Referrals addressed to the caller's agency that were completed at or before this instant no
    /// longer give sight of their child and incident (the request's time less the partner access
    /// period, `CPIMS_PARTNER_ACCESS_DAYS`).
    pub grants_completed_after: NaiveDateTime,
}

impl Principal {
    /// Registering agencies and managing user accounts is the administrators' alone.
    pub fn may_administer(&self) -> bool {
        self.role == Role::Admin
    }

    /// The agency directory is readable by every authenticated role: CSOs pick referral targets from it.
    pub fn may_read_agency_directory(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_administer() {
        for role in Role::ALL {
            let principal = Principal {
                user_id: "u".into(),
                agency_id: "a".into(),
                role: *role,
                grants_completed_after: NaiveDateTime::MIN,
            };
            assert_eq!(principal.may_administer(), *role == Role::Admin, "{role}");
            assert!(principal.may_read_agency_directory());
        }
    }
}
