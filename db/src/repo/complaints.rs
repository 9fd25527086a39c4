//! Complaints: scoped fetch and list, insert, versioned update, lookup by public reference.

use cpims_domain::access::ReadScope;
use cpims_domain::case::{Sex, Urgency};
use cpims_domain::complaint::{
    ComplainantType, Complaint, ComplaintChannel, ComplaintClosureReason, ComplaintStatus, Language,
};
use cpims_domain::records::RecordMeta;
use diesel::prelude::*;

use crate::codec::code;
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::{Page, PageRequest};
use crate::schema::complaints;
use crate::scope::complaints_filter;
use crate::vault::Vault;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = complaints, treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
struct ComplaintRow {
    id: String,
    agency_id: String,
    external_id: Option<String>,
    reference: String,
    received_at: chrono::NaiveDateTime,
    channel: String,
    complainant_type: String,
    complainant_name: Option<String>,
    complainant_phone: Option<String>,
    contact_consent: bool,
    preferred_language: Option<String>,
    child_name: Option<String>,
    child_age_years: Option<i32>,
    child_sex: Option<String>,
    province: String,
    district: Option<String>,
    location_detail: Option<String>,
    category: String,
    subcategory: Option<String>,
    narrative: Option<String>,
    immediate_danger: bool,
    urgency: Option<String>,
    assigned_agency_id: Option<String>,
    incident_id: Option<String>,
    duplicate_of: Option<String>,
    closure_reason: Option<String>,
    public_message: Option<String>,
    filed_publicly: bool,
    status: String,
    triaged_at: Option<chrono::NaiveDateTime>,
    accepted_at: Option<chrono::NaiveDateTime>,
    closed_at: Option<chrono::NaiveDateTime>,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    created_by: Option<String>,
    // Written only by retention (its own UPDATE); read so commands can refuse such records.
    #[diesel(skip_insertion, skip_update)]
    anonymised_at: Option<chrono::NaiveDateTime>,
}

impl ComplaintRow {
    fn from_complaint(complaint: &Complaint, vault: &Vault) -> Result<Self, DbError> {
        let meta = &complaint.meta;
        let seal = |field: &str, value: &Option<String>| {
            vault.seal_optional(&meta.id, field, value.as_deref())
        };
        Ok(ComplaintRow {
            id: meta.id.clone(),
            agency_id: meta.agency_id.clone(),
            external_id: meta.external_id.clone(),
            reference: complaint.reference.clone(),
            received_at: complaint.received_at,
            channel: complaint.channel.as_str().to_owned(),
            complainant_type: complaint.complainant_type.as_str().to_owned(),
            complainant_name: seal("complainant_name", &complaint.complainant_name)?,
            complainant_phone: seal("complainant_phone", &complaint.complainant_phone)?,
            contact_consent: complaint.contact_consent,
            preferred_language: complaint.preferred_language.map(|l| l.as_str().to_owned()),
            child_name: seal("child_name", &complaint.child_name)?,
            child_age_years: complaint.child_age_years,
            child_sex: complaint.child_sex.map(|s| s.as_str().to_owned()),
            province: complaint.province.clone(),
            district: complaint.district.clone(),
            location_detail: seal("location_detail", &complaint.location_detail)?,
            category: complaint.category.clone(),
            subcategory: complaint.subcategory.clone(),
            narrative: seal("narrative", &complaint.narrative)?,
            immediate_danger: complaint.immediate_danger,
            urgency: complaint.urgency.map(|u| u.as_str().to_owned()),
            assigned_agency_id: complaint.assigned_agency_id.clone(),
            incident_id: complaint.incident_id.clone(),
            duplicate_of: complaint.duplicate_of.clone(),
            closure_reason: complaint.closure_reason.map(|r| r.as_str().to_owned()),
            public_message: complaint.public_message.clone(),
            filed_publicly: complaint.filed_publicly,
            status: complaint.status.as_str().to_owned(),
            triaged_at: complaint.triaged_at,
            accepted_at: complaint.accepted_at,
            closed_at: complaint.closed_at,
            version: meta.version,
            created_at: meta.created_at,
            updated_at: meta.updated_at,
            created_by: meta.created_by.clone(),
            anonymised_at: meta.anonymised_at,
        })
    }

    fn into_complaint(self, vault: &Vault) -> Result<Complaint, DbError> {
        let id = self.id.clone();
        let open =
            |field: &str, value: Option<String>| vault.open_optional(&id, field, value.as_deref());
        let optional_code = |value: Option<String>, parse: fn(&str) -> Option<_>, what| {
            value.map(|value| code(&value, parse, what)).transpose()
        };
        Ok(Complaint {
            complainant_name: open("complainant_name", self.complainant_name)?,
            complainant_phone: open("complainant_phone", self.complainant_phone)?,
            child_name: open("child_name", self.child_name)?,
            location_detail: open("location_detail", self.location_detail)?,
            narrative: open("narrative", self.narrative)?,
            channel: code(&self.channel, ComplaintChannel::parse, "channel")?,
            complainant_type: code(
                &self.complainant_type,
                ComplainantType::parse,
                "complainant_type",
            )?,
            preferred_language: optional_code(
                self.preferred_language,
                Language::parse,
                "preferred_language",
            )?,
            child_sex: self
                .child_sex
                .map(|value| code(&value, Sex::parse, "child_sex"))
                .transpose()?,
            urgency: self
                .urgency
                .map(|value| code(&value, Urgency::parse, "urgency"))
                .transpose()?,
            closure_reason: self
                .closure_reason
                .map(|value| code(&value, ComplaintClosureReason::parse, "closure_reason"))
                .transpose()?,
            status: code(&self.status, ComplaintStatus::parse, "complaint status")?,
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
            reference: self.reference,
            received_at: self.received_at,
            contact_consent: self.contact_consent,
            child_age_years: self.child_age_years,
            province: self.province,
            district: self.district,
            category: self.category,
            subcategory: self.subcategory,
            immediate_danger: self.immediate_danger,
            assigned_agency_id: self.assigned_agency_id,
            incident_id: self.incident_id,
            duplicate_of: self.duplicate_of,
            public_message: self.public_message,
            filed_publicly: self.filed_publicly,
            triaged_at: self.triaged_at,
            accepted_at: self.accepted_at,
            closed_at: self.closed_at,
        })
    }
}

/// Which complaints a list returns (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    pub statuses: Vec<ComplaintStatus>,
    pub channel: Option<ComplaintChannel>,
    pub province: Option<String>,
    pub district: Option<String>,
    pub category: Option<String>,
    pub assigned_agency_id: Option<String>,
    pub urgency: Option<Urgency>,
    pub immediate_danger: Option<bool>,
}

/// Stores new complaints in one statement.
pub fn insert_all(
    connection: &mut AnyConnection,
    vault: &Vault,
    created: &[&Complaint],
) -> Result<(), DbError> {
    if created.is_empty() {
        return Ok(());
    }
    let rows = created
        .iter()
        .map(|complaint| ComplaintRow::from_complaint(complaint, vault))
        .collect::<Result<Vec<_>, _>>()?;
    insert_slice!(connection, complaints::table, &rows)?;
    Ok(())
}

/// Keeps the keyed hash of a public complaint's tracking code (the code itself is never stored).
pub fn set_tracking_hash(
    connection: &mut AnyConnection,
    id: &str,
    tracking_hash: &str,
) -> Result<(), DbError> {
    diesel::update(complaints::table.find(id))
        .set(complaints::tracking_hash.eq(Some(tracking_hash)))
        .execute(connection)?;
    Ok(())
}

/// A live complaint within the scope; `NotFound` otherwise.
pub fn find_visible(
    connection: &mut AnyConnection,
    vault: &Vault,
    id: &str,
    scope: &ReadScope,
) -> Result<Complaint, DbError> {
    complaints::table
        .into_boxed()
        .filter(complaints::id.eq(id.to_owned()))
        .filter(complaints::deleted_at.is_null())
        .filter(complaints_filter(scope))
        .select(ComplaintRow::as_select())
        .first(connection)?
        .into_complaint(vault)
}

/// The id and tracking-code hash of the complaint with this public reference, if any: the one query a
/// status check makes before the code is compared, so a wrong code and an unknown reference cost the
/// same.
pub fn tracking_of(
    connection: &mut AnyConnection,
    reference: &str,
) -> Result<Option<(String, Option<String>)>, DbError> {
    Ok(complaints::table
        .filter(complaints::reference.eq(reference))
        .filter(complaints::deleted_at.is_null())
        .select((complaints::id, complaints::tracking_hash))
        .first(connection)
        .optional()?)
}

/// Whether a reference is already taken (references are drawn at random).
pub fn reference_taken(connection: &mut AnyConnection, reference: &str) -> Result<bool, DbError> {
    let found: i64 = complaints::table
        .filter(complaints::reference.eq(reference))
        .count()
        .get_result(connection)?;
    Ok(found > 0)
}

/// A page of complaints in scope, newest first.
pub fn list(
    connection: &mut AnyConnection,
    vault: &Vault,
    scope: &ReadScope,
    filter: &ComplaintFilter,
    page: &PageRequest,
) -> Result<Page<Complaint>, DbError> {
    let mut query = complaints::table
        .into_boxed()
        .filter(complaints::deleted_at.is_null())
        .filter(complaints_filter(scope));
    if !filter.statuses.is_empty() {
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        query = query.filter(complaints::status.eq_any(statuses));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(complaints::channel.eq(channel.as_str()));
    }
    if let Some(province) = &filter.province {
        query = query.filter(complaints::province.eq(province.clone()));
    }
    if let Some(district) = &filter.district {
        query = query.filter(complaints::district.eq(district.clone()));
    }
    if let Some(category) = &filter.category {
        query = query.filter(complaints::category.eq(category.clone()));
    }
    if let Some(agency) = &filter.assigned_agency_id {
        query = query.filter(complaints::assigned_agency_id.eq(agency.clone()));
    }
    if let Some(urgency) = filter.urgency {
        query = query.filter(complaints::urgency.eq(urgency.as_str()));
    }
    if let Some(danger) = filter.immediate_danger {
        query = query.filter(complaints::immediate_danger.eq(danger));
    }
    if let Some(before) = &page.before_id {
        query = query.filter(complaints::id.lt(before.clone()));
    }
    let rows = query
        .select(ComplaintRow::as_select())
        .order(complaints::id.desc())
        .limit(page.limit + 1)
        .load(connection)?;
    let items = rows
        .into_iter()
        .map(|row| row.into_complaint(vault))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, page.limit, |complaint| {
        &complaint.meta.id
    }))
}

super::versioned::versioned_writes!(complaints, Complaint, ComplaintRow::from_complaint, vault: &Vault);
