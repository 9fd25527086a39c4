//! Children: scoped fetch and list, insert, versioned update and soft delete.

use cpims_domain::access::{ReadScope, RecordKind};
use cpims_domain::case::{Sex, UrbanRural};
use cpims_domain::protection::fold_full_name;
use cpims_domain::records::{Child, RecordMeta};
use diesel::prelude::*;

use crate::codec::{code, date_to_text, list_to_text, optional_date, text_to_list};
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::{Page, PageRequest};
use crate::schema::children;
use crate::scope::{children_filter, covered_without_grants};
use crate::vault::Vault;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = children, treat_none_as_null = true)]
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
struct ChildRow {
    id: String,
    agency_id: String,
    external_id: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    sex: String,
    date_of_birth: Option<String>,
    estimated_age_years: Option<i32>,
    age_is_estimated: bool,
    identifier: Option<String>,
    province: String,
    district: Option<String>,
    urban_rural: String,
    disability: bool,
    guardian_name: Option<String>,
    guardian_phone: Option<String>,
    languages: String,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    created_by: Option<String>,
    name_index: Option<String>,
    identifier_index: Option<String>,
    // Written only by retention (its own UPDATE); read so commands can refuse such records.
    #[diesel(skip_insertion, skip_update)]
    anonymised_at: Option<chrono::NaiveDateTime>,
}

/// The blind-index purposes of children's lookups.
const NAME_INDEX: &str = "child.name";
const IDENTIFIER_INDEX: &str = "child.identifier";

impl ChildRow {
    /// The stored form of a child: personal values sealed, lookups indexed.
    fn from_child(child: &Child, vault: &Vault) -> Result<Self, DbError> {
        let meta = &child.meta;
        let seal = |field: &str, value: &Option<String>| {
            vault.seal_optional(&meta.id, field, value.as_deref())
        };
        let (name_index, identifier_index) = lookup_indexes(
            vault,
            child.given_name.as_deref(),
            child.family_name.as_deref(),
            child.identifier.as_deref(),
        );
        Ok(ChildRow {
            id: meta.id.clone(),
            agency_id: meta.agency_id.clone(),
            external_id: meta.external_id.clone(),
            given_name: seal("given_name", &child.given_name)?,
            family_name: seal("family_name", &child.family_name)?,
            sex: child.sex.as_str().to_owned(),
            date_of_birth: child.date_of_birth.map(date_to_text),
            estimated_age_years: child.estimated_age_years,
            age_is_estimated: child.age_is_estimated,
            identifier: seal("identifier", &child.identifier)?,
            province: child.province.clone(),
            district: child.district.clone(),
            urban_rural: child.urban_rural.as_str().to_owned(),
            disability: child.disability,
            guardian_name: seal("guardian_name", &child.guardian_name)?,
            guardian_phone: seal("guardian_phone", &child.guardian_phone)?,
            languages: list_to_text(&child.languages),
            version: meta.version,
            created_at: meta.created_at,
            updated_at: meta.updated_at,
            created_by: meta.created_by.clone(),
            anonymised_at: meta.anonymised_at,
            name_index,
            identifier_index,
        })
    }

    fn into_child(self, vault: &Vault) -> Result<Child, DbError> {
        let open = |field: &str, value: &Option<String>| {
            vault.open_optional(&self.id, field, value.as_deref())
        };
        let given_name = open("given_name", &self.given_name)?;
        let family_name = open("family_name", &self.family_name)?;
        let identifier = open("identifier", &self.identifier)?;
        let guardian_name = open("guardian_name", &self.guardian_name)?;
        let guardian_phone = open("guardian_phone", &self.guardian_phone)?;
        Ok(Child {
            sex: code(&self.sex, Sex::parse, "child sex")?,
            urban_rural: code(&self.urban_rural, UrbanRural::parse, "child urban_rural")?,
            date_of_birth: optional_date(self.date_of_birth.as_deref(), "date_of_birth")?,
            languages: text_to_list(&self.languages, "languages")?,
            meta: RecordMeta {
                id: self.id,
                agency_id: self.agency_id,
                external_id: self.external_id,
                version: self.version,
                created_at: self.created_at,
                updated_at: self.updated_at,
                created_by: self.created_by,
                anonymised_at: self.anonymised_at,
            },
            given_name,
            family_name,
            estimated_age_years: self.estimated_age_years,
            age_is_estimated: self.age_is_estimated,
            identifier,
            province: self.province,
            district: self.district,
            disability: self.disability,
            guardian_name,
            guardian_phone,
        })
    }
}

/// Which children a list returns (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct ChildFilter {
    pub province: Option<String>,
    pub district: Option<String>,
    pub sex: Option<Sex>,
    pub agency_id: Option<String>,
    pub external_id: Option<String>,
    /// Exact match on the folded full name (see `protection::fold_full_name`), via its blind index.
    pub name: Option<String>,
    /// Exact match on the normalised B-Form / CNIC number, via its blind index.
    pub identifier: Option<String>,
}

/// The blind indexes of a child's name and identifier, each when the child has one.
pub(crate) fn lookup_indexes(
    vault: &Vault,
    given_name: Option<&str>,
    family_name: Option<&str>,
    identifier: Option<&str>,
) -> (Option<String>, Option<String>) {
    (
        name_index(vault, given_name, family_name),
        identifier.map(|identifier| identifier_index(vault, identifier)),
    )
}

/// The name lookup index of a child, when the child has a name.
fn name_index(
    vault: &Vault,
    given_name: Option<&str>,
    family_name: Option<&str>,
) -> Option<String> {
    fold_full_name(given_name, family_name).map(|folded| vault.blind_index(NAME_INDEX, &folded))
}

/// The identifier lookup index of a normalised identifier.
fn identifier_index(vault: &Vault, identifier: &str) -> String {
    vault.blind_index(IDENTIFIER_INDEX, identifier)
}

/// Stores many new children in one statement (a sync batch's creates). A batch holds at most 1,000
/// records, well within both backends' limits on bound parameters.
pub fn insert_all(
    connection: &mut AnyConnection,
    vault: &Vault,
    created: &[&Child],
) -> Result<(), DbError> {
    if created.is_empty() {
        return Ok(());
    }
    let rows = created
        .iter()
        .map(|child| ChildRow::from_child(child, vault))
        .collect::<Result<Vec<_>, _>>()?;
    insert_slice!(connection, children::table, &rows)?;
    Ok(())
}

/// Live children with these ids within the scope (one query for a sync batch's incidents).
pub fn visible_by_ids(
    connection: &mut AnyConnection,
    vault: &Vault,
    ids: &[String],
    scope: &ReadScope,
) -> Result<Vec<Child>, DbError> {
    children::table
        .into_boxed()
        .filter(children::id.eq_any(ids.to_vec()))
        .filter(children::deleted_at.is_null())
        .filter(children_filter(scope))
        .select(ChildRow::as_select())
        .load(connection)?
        .into_iter()
        .map(|row| row.into_child(vault))
        .collect()
}

/// A live (not deleted) child within the scope; `NotFound` otherwise.
pub fn find_visible(
    connection: &mut AnyConnection,
    vault: &Vault,
    id: &str,
    scope: &ReadScope,
) -> Result<Child, DbError> {
    // Most reads are of the caller's own records: a prepared lookup by id settles those, and only a
    // record of another agency needs the scope's own SQL (its referral grants), exactly as lists do.
    let row: ChildRow = children::table
        .filter(children::id.eq(id))
        .filter(children::deleted_at.is_null())
        .select(ChildRow::as_select())
        .first(connection)?;
    if covered_without_grants(scope, RecordKind::Child, &row.agency_id) {
        return row.into_child(vault);
    }
    children::table
        .into_boxed()
        .filter(children::id.eq(id.to_owned()))
        .filter(children::deleted_at.is_null())
        .filter(children_filter(scope))
        .select(ChildRow::as_select())
        .first(connection)?
        .into_child(vault)
}

pub fn list(
    connection: &mut AnyConnection,
    vault: &Vault,
    scope: &ReadScope,
    filter: &ChildFilter,
    page: &PageRequest,
) -> Result<Page<Child>, DbError> {
    let mut query = children::table
        .into_boxed()
        .filter(children::deleted_at.is_null())
        .filter(children_filter(scope));
    if let Some(province) = &filter.province {
        query = query.filter(children::province.eq(province.clone()));
    }
    if let Some(district) = &filter.district {
        query = query.filter(children::district.eq(district.clone()));
    }
    if let Some(sex) = filter.sex {
        query = query.filter(children::sex.eq(sex.as_str()));
    }
    if let Some(agency_id) = &filter.agency_id {
        query = query.filter(children::agency_id.eq(agency_id.clone()));
    }
    if let Some(external_id) = &filter.external_id {
        query = query.filter(children::external_id.eq(external_id.clone()));
    }
    if let Some(name) = &filter.name {
        // A name that folds to nothing matches no child rather than every child.
        let index = name_index(vault, Some(name), None).unwrap_or_default();
        query = query.filter(children::name_index.eq(index));
    }
    if let Some(identifier) = &filter.identifier {
        query = query.filter(children::identifier_index.eq(identifier_index(vault, identifier)));
    }
    if let Some(before) = &page.before_id {
        query = query.filter(children::id.lt(before.clone()));
    }
    let rows = query
        .select(ChildRow::as_select())
        .order(children::id.desc())
        .limit(page.limit + 1)
        .load(connection)?;
    let items = rows
        .into_iter()
        .map(|row| row.into_child(vault))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, page.limit, |child| {
        &child.meta.id
    }))
}

super::versioned::versioned_writes!(children, Child, ChildRow::from_child, vault: &Vault);

/// Whether any live incident of the child is still open (not closed); deleting such a child is refused.
pub fn has_live_incidents(connection: &mut AnyConnection, child_id: &str) -> Result<bool, DbError> {
    use crate::schema::incidents;
    let count: i64 = incidents::table
        .filter(incidents::child_id.eq(child_id))
        .filter(incidents::deleted_at.is_null())
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

/// Live children of an agency with the given external ids (one query for a whole sync batch).
pub fn by_external_ids(
    connection: &mut AnyConnection,
    vault: &Vault,
    agency_id: &str,
    external_ids: &[String],
) -> Result<Vec<Child>, DbError> {
    children::table
        .filter(children::agency_id.eq(agency_id))
        .filter(children::external_id.eq_any(external_ids))
        .filter(children::deleted_at.is_null())
        .select(ChildRow::as_select())
        .load(connection)?
        .into_iter()
        .map(|row| row.into_child(vault))
        .collect()
}
