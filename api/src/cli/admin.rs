//! Bootstrapping the first administrator (the `create-admin` command).

use cpims_db::page::{new_id, now};
use cpims_db::repo::{agencies, users};
use cpims_db::DbPool;
use cpims_domain::agency::{Agency, AgencyKind};
use cpims_domain::user::{check_password, normalise_username, Role, User};

use crate::auth::password::hash_password;
use crate::error::ApiError;

/// Where a new commission is placed when `create-admin` has to create its agency.
const DEFAULT_PROVINCE: &str = "Islamabad Capital Territory";
const DEFAULT_DISTRICT: &str = "Islamabad";

/// Creates an admin user in the named agency, creating the agency as a `commission` if it does not exist.
pub fn create_admin(
    pool: &DbPool,
    raw_username: &str,
    agency_name: &str,
    password: &str,
) -> Result<User, ApiError> {
    let username = normalise_username(raw_username)
        .map_err(|problem| ApiError::validation("username", problem.to_string()))?;
    check_password(password)
        .map_err(|problem| ApiError::validation("password", problem.to_string()))?;
    let agency_name = agency_name.trim();
    if !(2..=200).contains(&agency_name.chars().count()) {
        return Err(ApiError::validation(
            "agency",
            "must be 2 to 200 characters",
        ));
    }
    let password_hash = hash_password(password)?;
    let mut connection = cpims_db::checkout(pool)?;
    cpims_db::write_transaction(&mut connection, |connection| {
        let timestamp = now();
        let agency = match agencies::find_by_name(connection, agency_name)? {
            Some(agency) => agency,
            None => {
                let agency = Agency {
                    id: new_id(),
                    name: agency_name.to_owned(),
                    kind: AgencyKind::Commission,
                    province: DEFAULT_PROVINCE.to_owned(),
                    district: Some(DEFAULT_DISTRICT.to_owned()),
                    services: Vec::new(),
                    contact_email: None,
                    contact_phone: None,
                    address: None,
                    active: true,
                    version: 1,
                    created_at: timestamp,
                    updated_at: timestamp,
                    created_by: None,
                };
                agencies::insert(connection, &agency)?;
                agency
            }
        };
        let user = User {
            id: new_id(),
            username: username.clone(),
            display_name: username.clone(),
            agency_id: agency.id,
            role: Role::Admin,
            active: true,
            version: 1,
            created_at: timestamp,
            updated_at: timestamp,
            created_by: None,
        };
        users::insert(connection, &user, &password_hash).map_err(|error| match error {
            cpims_db::DbError::Duplicate(_) => {
                ApiError::Conflict("this username is taken".to_owned())
            }
            other => other.into(),
        })?;
        Ok(user)
    })
}
