//! Wire types of user administration.

use chrono::{DateTime, Utc};
use cpims_domain::user::{Role, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::extract::json::FieldRules;

use crate::extract::params::utc;

/// A new user account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3 to 64 characters: letters, digits, `.`, `_`, `-`, `@`; stored lowercased.
    #[validate(length(min = 3, max = 64))]
    #[schema(min_length = 3, max_length = 64)]
    pub username: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: String,
    pub agency_id: String,
    pub role: Role,
    /// At least 12 characters. Write-only: never returned.
    #[validate(length(min = 12, max = 256))]
    #[schema(min_length = 12, max_length = 256)]
    #[schema(format = Password)]
    pub password: String,
    /// Defaults to true.
    pub active: Option<bool>,
}

/// Changes to a user account; absent fields are left alone.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: Option<String>,
    pub agency_id: Option<String>,
    pub role: Option<Role>,
    /// Deactivating a user ends their existing tokens at once.
    pub active: Option<bool>,
    #[validate(length(min = 12, max = 256))]
    #[schema(min_length = 12, max_length = 256)]
    #[schema(format = Password)]
    pub password: Option<String>,
}

/// A user account (the password is never returned).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub agency_id: String,
    pub role: Role,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<String>,
}

impl From<User> for UserResponse {
    fn from(user: User) -> Self {
        UserResponse {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            agency_id: user.agency_id,
            role: user.role,
            active: user.active,
            version: user.version,
            created_at: utc(user.created_at),
            updated_at: utc(user.updated_at),
            created_by: user.created_by,
        }
    }
}

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub data: Vec<UserResponse>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Filters and paging for users.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    pub agency_id: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: the id of its last record; older records follow.
    #[param(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub cursor: Option<String>,
}

impl FieldRules for CreateUserRequest {}

impl FieldRules for UpdateUserRequest {}
