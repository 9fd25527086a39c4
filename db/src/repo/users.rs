//! User accounts: insert, fetch, list, versioned update, and credential lookup for login.

use cpims_domain::user::{Role, User};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::{Page, PageRequest};
use crate::schema::users;

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    username: String,
    display_name: String,
    agency_id: String,
    role: String,
    active: bool,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    created_by: Option<String>,
}

impl UserRow {
    fn into_user(self) -> Result<User, DbError> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| DbError::Internal(format!("user {} has invalid role", self.id)))?;
        Ok(User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            agency_id: self.agency_id,
            role,
            active: self.active,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            created_by: self.created_by,
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    id: &'a str,
    username: &'a str,
    display_name: &'a str,
    agency_id: &'a str,
    role: &'a str,
    password_hash: &'a str,
    active: bool,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    created_by: Option<&'a str>,
}

#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserChangeRow<'a> {
    display_name: &'a str,
    agency_id: &'a str,
    role: &'a str,
    active: bool,
    version: i64,
    updated_at: chrono::NaiveDateTime,
    password_hash: Option<&'a str>,
}

/// Which users a list returns.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub agency_id: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

pub fn insert(
    connection: &mut AnyConnection,
    user: &User,
    password_hash: &str,
) -> Result<(), DbError> {
    diesel::insert_into(users::table)
        .values(NewUserRow {
            id: &user.id,
            username: &user.username,
            display_name: &user.display_name,
            agency_id: &user.agency_id,
            role: user.role.as_str(),
            password_hash,
            active: user.active,
            version: user.version,
            created_at: user.created_at,
            updated_at: user.updated_at,
            created_by: user.created_by.as_deref(),
        })
        .execute(connection)?;
    Ok(())
}

pub fn find(connection: &mut AnyConnection, id: &str) -> Result<User, DbError> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(connection)?
        .into_user()
}

/// The user and stored password hash for a login attempt, if the username exists.
pub fn find_credentials(
    connection: &mut AnyConnection,
    username: &str,
) -> Result<Option<(User, String)>, DbError> {
    let found: Option<(UserRow, String)> = users::table
        .filter(users::username.eq(username))
        .select((UserRow::as_select(), users::password_hash))
        .first(connection)
        .optional()?;
    found
        .map(|(row, hash)| Ok((row.into_user()?, hash)))
        .transpose()
}

pub fn list(
    connection: &mut AnyConnection,
    filter: &UserFilter,
    page: &PageRequest,
) -> Result<Page<User>, DbError> {
    let mut query = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(agency_id) = &filter.agency_id {
        query = query.filter(users::agency_id.eq(agency_id.clone()));
    }
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(before) = &page.before_id {
        query = query.filter(users::id.lt(before.clone()));
    }
    let rows = query
        .order(users::id.desc())
        .limit(page.limit + 1)
        .load(connection)?;
    let users = rows
        .into_iter()
        .map(UserRow::into_user)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(users, page.limit, |user| &user.id))
}

/// Writes the mutable fields of `updated` (and a new password hash, if given) when the stored version
/// is still `expected_version`; `updated.version` must already be the new version.
pub fn update(
    connection: &mut AnyConnection,
    updated: &User,
    new_password_hash: Option<&str>,
    expected_version: i64,
) -> Result<(), DbError> {
    let changed = diesel::update(
        users::table
            .filter(users::id.eq(&updated.id))
            .filter(users::version.eq(expected_version)),
    )
    .set(UserChangeRow {
        display_name: &updated.display_name,
        agency_id: &updated.agency_id,
        role: updated.role.as_str(),
        active: updated.active,
        version: updated.version,
        updated_at: updated.updated_at,
        password_hash: new_password_hash,
    })
    .execute(connection)?;
    if changed == 1 {
        return Ok(());
    }
    let current = find(connection, &updated.id)?;
    Err(DbError::VersionMismatch {
        current: current.version,
    })
}
