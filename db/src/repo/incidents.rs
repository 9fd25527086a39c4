//! Incidents: scoped fetch and list, insert, versioned update and soft delete.

use cpims_domain::access::{ReadScope, RecordKind};
use cpims_domain::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, RiskLevel,
    UrbanRural,
};
use cpims_domain::records::{Incident, RecordMeta};
use diesel::prelude::*;

use crate::codec::{code, date_to_text, list_to_text, text_to_date, text_to_list};
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::{Page, PageRequest};
use crate::schema::incidents;
use crate::scope::{covered_without_grants, incidents_filter};
use crate::vault::Vault;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = incidents, treat_none_as_null = true)]
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
struct IncidentRow {
    id: String,
    agency_id: String,
    external_id: Option<String>,
    child_id: String,
    category: String,
    subcategory: Option<String>,
    legal_references: String,
    occurred_on: String,
    reported_on: String,
    intake_channel: String,
    province: String,
    district: Option<String>,
    urban_rural: String,
    perpetrator_relationship: String,
    registered_with_police: String,
    risk_level: String,
    narrative: Option<String>,
    status: String,
    closure_reason: Option<String>,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    created_by: Option<String>,
    complaint_id: Option<String>,
    // Written only by retention (its own UPDATE); read so commands can refuse such records.
    #[diesel(skip_insertion, skip_update)]
    anonymised_at: Option<chrono::NaiveDateTime>,
}

impl IncidentRow {
    /// The stored form of an incident: its narrative sealed.
    fn from_incident(incident: &Incident, vault: &Vault) -> Result<Self, DbError> {
        let meta = &incident.meta;
        Ok(IncidentRow {
            id: meta.id.clone(),
            agency_id: meta.agency_id.clone(),
            external_id: meta.external_id.clone(),
            child_id: incident.child_id.clone(),
            category: incident.category.clone(),
            subcategory: incident.subcategory.clone(),
            legal_references: list_to_text(&incident.legal_references),
            occurred_on: date_to_text(incident.occurred_on),
            reported_on: date_to_text(incident.reported_on),
            intake_channel: incident.intake_channel.as_str().to_owned(),
            province: incident.province.clone(),
            district: incident.district.clone(),
            urban_rural: incident.urban_rural.as_str().to_owned(),
            perpetrator_relationship: incident.perpetrator_relationship.as_str().to_owned(),
            registered_with_police: incident.registered_with_police.as_str().to_owned(),
            risk_level: incident.risk_level.as_str().to_owned(),
            narrative: vault.seal_optional(&meta.id, "narrative", incident.narrative.as_deref())?,
            status: incident.status.as_str().to_owned(),
            closure_reason: incident.closure_reason.clone(),
            version: meta.version,
            created_at: meta.created_at,
            updated_at: meta.updated_at,
            created_by: meta.created_by.clone(),
            anonymised_at: meta.anonymised_at,
            complaint_id: incident.complaint_id.clone(),
        })
    }

    fn into_incident(self, vault: &Vault) -> Result<Incident, DbError> {
        let narrative = vault.open_optional(&self.id, "narrative", self.narrative.as_deref())?;
        Ok(Incident {
            legal_references: text_to_list(&self.legal_references, "legal_references")?,
            occurred_on: text_to_date(&self.occurred_on, "occurred_on")?,
            reported_on: text_to_date(&self.reported_on, "reported_on")?,
            intake_channel: code(&self.intake_channel, IntakeChannel::parse, "intake_channel")?,
            urban_rural: code(&self.urban_rural, UrbanRural::parse, "urban_rural")?,
            perpetrator_relationship: code(
                &self.perpetrator_relationship,
                PerpetratorRelationship::parse,
                "perpetrator_relationship",
            )?,
            registered_with_police: code(
                &self.registered_with_police,
                PoliceRegistration::parse,
                "registered_with_police",
            )?,
            risk_level: code(&self.risk_level, RiskLevel::parse, "risk_level")?,
            status: code(&self.status, IncidentStatus::parse, "incident status")?,
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
            child_id: self.child_id,
            category: self.category,
            subcategory: self.subcategory,
            province: self.province,
            district: self.district,
            narrative,
            closure_reason: self.closure_reason,
            complaint_id: self.complaint_id,
        })
    }
}

/// Which incidents a list returns (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub status: Option<IncidentStatus>,
    pub category: Option<String>,
    pub province: Option<String>,
    pub district: Option<String>,
    pub child_id: Option<String>,
    pub reported_from: Option<chrono::NaiveDate>,
    pub reported_to: Option<chrono::NaiveDate>,
    pub risk_level: Option<RiskLevel>,
    pub external_id: Option<String>,
}

/// Stores many new incidents in one statement (a sync batch's creates); at most 1,000 per batch,
/// within both backends' limits on bound parameters.
pub fn insert_all(
    connection: &mut AnyConnection,
    vault: &Vault,
    created: &[&Incident],
) -> Result<(), DbError> {
    if created.is_empty() {
        return Ok(());
    }
    let rows = created
        .iter()
        .map(|incident| IncidentRow::from_incident(incident, vault))
        .collect::<Result<Vec<_>, _>>()?;
    insert_slice!(connection, incidents::table, &rows)?;
    Ok(())
}

/// A live incident within the scope; `NotFound` otherwise.
pub fn find_visible(
    connection: &mut AnyConnection,
    vault: &Vault,
    id: &str,
    scope: &ReadScope,
) -> Result<Incident, DbError> {
    // Most reads are of the caller's own records: a prepared lookup by id settles those, and only a
    // record of another agency needs the scope's own SQL (its referral grants), exactly as lists do.
    let row: IncidentRow = incidents::table
        .filter(incidents::id.eq(id))
        .filter(incidents::deleted_at.is_null())
        .select(IncidentRow::as_select())
        .first(connection)?;
    if covered_without_grants(scope, RecordKind::Incident, &row.agency_id) {
        return row.into_incident(vault);
    }
    incidents::table
        .into_boxed()
        .filter(incidents::id.eq(id.to_owned()))
        .filter(incidents::deleted_at.is_null())
        .filter(incidents_filter(scope))
        .select(IncidentRow::as_select())
        .first(connection)?
        .into_incident(vault)
}

/// Every live incident of a child, oldest first (for age checks when the child changes).
pub fn of_child(
    connection: &mut AnyConnection,
    vault: &Vault,
    child_id: &str,
) -> Result<Vec<Incident>, DbError> {
    incidents::table
        .filter(incidents::child_id.eq(child_id))
        .filter(incidents::deleted_at.is_null())
        .select(IncidentRow::as_select())
        .order(incidents::id.asc())
        .load(connection)?
        .into_iter()
        .map(|row| row.into_incident(vault))
        .collect()
}

pub fn list(
    connection: &mut AnyConnection,
    vault: &Vault,
    scope: &ReadScope,
    filter: &IncidentFilter,
    page: &PageRequest,
) -> Result<Page<Incident>, DbError> {
    let mut query = incidents::table
        .into_boxed()
        .filter(incidents::deleted_at.is_null())
        .filter(incidents_filter(scope));
    if let Some(status) = filter.status {
        query = query.filter(incidents::status.eq(status.as_str()));
    }
    if let Some(category) = &filter.category {
        query = query.filter(incidents::category.eq(category.clone()));
    }
    if let Some(province) = &filter.province {
        query = query.filter(incidents::province.eq(province.clone()));
    }
    if let Some(district) = &filter.district {
        query = query.filter(incidents::district.eq(district.clone()));
    }
    if let Some(child_id) = &filter.child_id {
        query = query.filter(incidents::child_id.eq(child_id.clone()));
    }
    if let Some(from) = filter.reported_from {
        query = query.filter(incidents::reported_on.ge(date_to_text(from)));
    }
    if let Some(to) = filter.reported_to {
        query = query.filter(incidents::reported_on.le(date_to_text(to)));
    }
    if let Some(risk) = filter.risk_level {
        query = query.filter(incidents::risk_level.eq(risk.as_str()));
    }
    if let Some(external_id) = &filter.external_id {
        query = query.filter(incidents::external_id.eq(external_id.clone()));
    }
    if let Some(before) = &page.before_id {
        query = query.filter(incidents::id.lt(before.clone()));
    }
    let rows = query
        .select(IncidentRow::as_select())
        .order(incidents::id.desc())
        .limit(page.limit + 1)
        .load(connection)?;
    let items = rows
        .into_iter()
        .map(|row| row.into_incident(vault))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, page.limit, |incident| {
        &incident.meta.id
    }))
}

super::versioned::versioned_writes!(incidents, Incident, IncidentRow::from_incident, vault: &Vault);

/// Live incidents of an agency with the given external ids (one query for a whole sync batch).
pub fn by_external_ids(
    connection: &mut AnyConnection,
    vault: &Vault,
    agency_id: &str,
    external_ids: &[String],
) -> Result<Vec<Incident>, DbError> {
    incidents::table
        .filter(incidents::agency_id.eq(agency_id))
        .filter(incidents::external_id.eq_any(external_ids))
        .filter(incidents::deleted_at.is_null())
        .select(IncidentRow::as_select())
        .load(connection)?
        .into_iter()
        .map(|row| row.into_incident(vault))
        .collect()
}
