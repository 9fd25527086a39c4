//! Agencies: insert, fetch, list with filters, and versioned update.

use cpims_domain::agency::{Agency, AgencyKind, Service};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::{Page, PageRequest};
use crate::schema::agencies;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = agencies, treat_none_as_null = true)]
struct AgencyRow {
    id: String,
    name: String,
    kind: String,
    province: String,
    district: Option<String>,
    services: String,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    address: Option<String>,
    active: bool,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    created_by: Option<String>,
}

impl AgencyRow {
    fn from_agency(agency: &Agency) -> Self {
        let services: Vec<&str> = agency
            .services
            .iter()
            .map(|service| service.as_str())
            .collect();
        AgencyRow {
            id: agency.id.clone(),
            name: agency.name.clone(),
            kind: agency.kind.as_str().to_owned(),
            province: agency.province.clone(),
            district: agency.district.clone(),
            services: serde_json::Value::from(services).to_string(),
            contact_email: agency.contact_email.clone(),
            contact_phone: agency.contact_phone.clone(),
            address: agency.address.clone(),
            active: agency.active,
            version: agency.version,
            created_at: agency.created_at,
            updated_at: agency.updated_at,
            created_by: agency.created_by.clone(),
        }
    }

    fn into_agency(self) -> Result<Agency, DbError> {
        let corrupt =
            |what: &str| DbError::Internal(format!("agency {} has invalid {what}", self.id));
        let kind = AgencyKind::parse(&self.kind).ok_or_else(|| corrupt("kind"))?;
        let codes: Vec<String> =
            serde_json::from_str(&self.services).map_err(|_| corrupt("services"))?;
        let services = codes
            .iter()
            .map(|code| Service::parse(code).ok_or_else(|| corrupt("services")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Agency {
            id: self.id,
            name: self.name,
            kind,
            province: self.province,
            district: self.district,
            services,
            contact_email: self.contact_email,
            contact_phone: self.contact_phone,
            address: self.address,
            active: self.active,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            created_by: self.created_by,
        })
    }
}

/// Which agencies a list returns.
#[derive(Debug, Clone, Default)]
pub struct AgencyFilter {
    pub kind: Option<AgencyKind>,
    pub province: Option<String>,
    pub district: Option<String>,
    pub service: Option<Service>,
    pub active: Option<bool>,
}

pub fn insert(connection: &mut AnyConnection, agency: &Agency) -> Result<(), DbError> {
    diesel::insert_into(agencies::table)
        .values(AgencyRow::from_agency(agency))
        .execute(connection)?;
    Ok(())
}

pub fn find(connection: &mut AnyConnection, id: &str) -> Result<Agency, DbError> {
    agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(connection)?
        .into_agency()
}

/// Finds an agency by name, ignoring case.
pub fn find_by_name(connection: &mut AnyConnection, name: &str) -> Result<Option<Agency>, DbError> {
    let lowered = name.to_lowercase();
    agencies::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(name) = ")
                .bind::<diesel::sql_types::Text, _>(lowered),
        )
        .select(AgencyRow::as_select())
        .first(connection)
        .optional()?
        .map(AgencyRow::into_agency)
        .transpose()
}

pub fn list(
    connection: &mut AnyConnection,
    filter: &AgencyFilter,
    page: &PageRequest,
) -> Result<Page<Agency>, DbError> {
    let mut query = agencies::table.select(AgencyRow::as_select()).into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(agencies::kind.eq(kind.as_str()));
    }
    if let Some(province) = &filter.province {
        query = query.filter(agencies::province.eq(province.clone()));
    }
    if let Some(district) = &filter.district {
        query = query.filter(agencies::district.eq(district.clone()));
    }
    if let Some(service) = filter.service {
        // services is a JSON array of codes; a quoted code cannot match inside another code.
        query = query.filter(agencies::services.like(format!("%\"{}\"%", service.as_str())));
    }
    if let Some(active) = filter.active {
        query = query.filter(agencies::active.eq(active));
    }
    if let Some(before) = &page.before_id {
        query = query.filter(agencies::id.lt(before.clone()));
    }
    let rows = query
        .order(agencies::id.desc())
        .limit(page.limit + 1)
        .load(connection)?;
    let agencies = rows
        .into_iter()
        .map(AgencyRow::into_agency)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(agencies, page.limit, |agency| {
        &agency.id
    }))
}

/// Writes `updated` over the stored row if the stored version is still `expected_version`;
/// `updated.version` must already be the new version.
pub fn update(
    connection: &mut AnyConnection,
    updated: &Agency,
    expected_version: i64,
) -> Result<(), DbError> {
    let changed = diesel::update(
        agencies::table
            .filter(agencies::id.eq(&updated.id))
            .filter(agencies::version.eq(expected_version)),
    )
    .set(AgencyRow::from_agency(updated))
    .execute(connection)?;
    if changed == 1 {
        return Ok(());
    }
    let current = find(connection, &updated.id)?;
    Err(DbError::VersionMismatch {
        current: current.version,
    })
}

/// Every active agency (routing weighs them all; there are hundreds, not millions).
pub fn all_active(connection: &mut AnyConnection) -> Result<Vec<Agency>, DbError> {
    agencies::table
        .filter(agencies::active.eq(true))
        .select(AgencyRow::as_select())
        .order(agencies::id.asc())
        .load(connection)?
        .into_iter()
        .map(AgencyRow::into_agency)
        .collect()
}

/// The oldest active agency of `kind` (public complaints land with the oldest commission).
pub fn oldest_active_of_kind(
    connection: &mut AnyConnection,
    kind: cpims_domain::agency::AgencyKind,
) -> Result<Option<Agency>, DbError> {
    agencies::table
        .filter(agencies::active.eq(true))
        .filter(agencies::kind.eq(kind.as_str()))
        .select(AgencyRow::as_select())
        .order((agencies::created_at.asc(), agencies::id.asc()))
        .first(connection)
        .optional()?
        .map(AgencyRow::into_agency)
        .transpose()
}
