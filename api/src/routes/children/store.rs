//! Writing children: the steps every create and update takes (record, history, audit, change feed),
//! shared by the single-record endpoints and the sync batch.

use cpims_db::repo::{audit, children, incidents};
use cpims_db::AnyConnection;
use cpims_domain::case::{Sex, UrbanRural};
use cpims_domain::incident::check_child_age_at;
use cpims_domain::records::Child;

use super::dto::{ChildInput, ChildResponse};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::routes::publish;
use crate::routes::records::{external_id_conflict, new_meta, record_creations, record_history};

/// A new child of the caller's agency built from a validated input (not yet stored).
pub fn build(caller: &Authenticated, input: ChildInput) -> Child {
    let mut child = Child {
        meta: new_meta(caller),
        given_name: None,
        family_name: None,
        sex: Sex::Unknown,
        date_of_birth: None,
        estimated_age_years: None,
        age_is_estimated: false,
        identifier: None,
        province: String::new(),
        district: None,
        urban_rural: UrbanRural::Unknown,
        disability: false,
        guardian_name: None,
        guardian_phone: None,
        languages: Vec::new(),
    };
    input.apply_to(&mut child);
    child
}

/// Stores a new child with its history, audit entry and change-feed entry.
pub fn insert(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    child: &Child,
) -> Result<(), ApiError> {
    insert_many(connection, vault, caller, &[child])
}

/// Stores new children as `insert` does, in one statement per table (a sync batch's creates).
pub fn insert_many(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    created: &[&Child],
) -> Result<(), ApiError> {
    children::insert_all(connection, vault, created).map_err(external_id_conflict)?;
    let stored: Vec<_> = created
        .iter()
        .map(|child| {
            let meta = &child.meta;
            let wire = ChildResponse::from((*child).clone());
            (meta.id.as_str(), meta.agency_id.as_str(), wire)
        })
        .collect();
    record_creations(connection, vault, caller, "child", &stored)
}

/// Applies a validated input to a stored child as its next version; the child must stay under 18 at
/// each of its incidents.
pub fn update(
    connection: &mut AnyConnection,
    vault: &cpims_db::Vault,
    caller: &Authenticated,
    mut child: Child,
    input: ChildInput,
) -> Result<Child, ApiError> {
    if let Some(date_of_birth) = input.date_of_birth {
        for incident in incidents::of_child(connection, vault, &child.meta.id)? {
            if let Err(message) = check_child_age_at(Some(date_of_birth), incident.occurred_on) {
                return Err(ApiError::validation("date_of_birth", message));
            }
        }
    }
    let before = ChildResponse::from(child.clone());
    let expected_version = child.meta.version;
    input.apply_to(&mut child);
    child.meta.version = expected_version + 1;
    child.meta.updated_at = cpims_db::page::now();
    children::update(connection, vault, &child, expected_version).map_err(external_id_conflict)?;
    let after = ChildResponse::from(child.clone());
    record_history(
        connection,
        vault,
        caller,
        "child",
        &child.meta.id,
        child.meta.version,
        Some(&before),
        &after,
    )?;
    audit::append(
        connection,
        &[caller.audit("update", "child", &child.meta.id)],
    )?;
    publish::case_upserted(
        connection,
        "child",
        &child.meta.id,
        child.meta.version,
        &child.meta.agency_id,
    )?;
    Ok(child)
}
