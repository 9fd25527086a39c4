//! Referrals: scoped fetch and list, insert, versioned update and soft delete.

use cpims_domain::access::ReadScope;
use cpims_domain::agency::Service;
use cpims_domain::case::{ReferralStatus, Urgency};
use cpims_domain::records::{RecordMeta, Referral};
use diesel::prelude::*;

use crate::codec::{code, date_to_text, optional_date};
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::page::{Page, PageRequest};
use crate::schema::referrals;
use crate::scope::referrals_filter;
use crate::vault::Vault;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = referrals, treat_none_as_null = true)]
// None inserts NULL, not DEFAULT: one fixed INSERT text, which diesel keeps prepared.
#[diesel(treat_none_as_default_value = false)]
struct ReferralRow {
    id: String,
    agency_id: String,
    external_id: Option<String>,
    incident_id: String,
    child_id: String,
    to_agency_id: String,
    service: String,
    urgency: String,
    reason: String,
    due_by: Option<String>,
    status: String,
    province: String,
    first_response_at: Option<chrono::NaiveDateTime>,
    completed_at: Option<chrono::NaiveDateTime>,
    share_narrative: bool,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    created_by: Option<String>,
    // Written only by retention (its own UPDATE); read so commands can refuse such records.
    #[diesel(skip_insertion, skip_update)]
    anonymised_at: Option<chrono::NaiveDateTime>,
}

impl ReferralRow {
    /// The stored form of a referral: its free-text reason sealed.
    fn from_referral(referral: &Referral, vault: &Vault) -> Result<Self, DbError> {
        let meta = &referral.meta;
        Ok(ReferralRow {
            id: meta.id.clone(),
            agency_id: meta.agency_id.clone(),
            external_id: meta.external_id.clone(),
            incident_id: referral.incident_id.clone(),
            child_id: referral.child_id.clone(),
            to_agency_id: referral.to_agency_id.clone(),
            service: referral.service.as_str().to_owned(),
            urgency: referral.urgency.as_str().to_owned(),
            reason: vault.seal(&meta.id, "reason", &referral.reason)?,
            due_by: referral.due_by.map(date_to_text),
            status: referral.status.as_str().to_owned(),
            province: referral.province.clone(),
            first_response_at: referral.first_response_at,
            completed_at: referral.completed_at,
            share_narrative: referral.share_narrative,
            version: meta.version,
            created_at: meta.created_at,
            updated_at: meta.updated_at,
            created_by: meta.created_by.clone(),
            anonymised_at: meta.anonymised_at,
        })
    }

    fn into_referral(self, vault: &Vault) -> Result<Referral, DbError> {
        let reason = vault.open(&self.id, "reason", &self.reason)?;
        Ok(Referral {
            service: code(&self.service, Service::parse, "referral service")?,
            urgency: code(&self.urgency, Urgency::parse, "referral urgency")?,
            status: code(&self.status, ReferralStatus::parse, "referral status")?,
            due_by: optional_date(self.due_by.as_deref(), "due_by")?,
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
            incident_id: self.incident_id,
            child_id: self.child_id,
            to_agency_id: self.to_agency_id,
            reason,
            province: self.province,
            first_response_at: self.first_response_at,
            completed_at: self.completed_at,
            share_narrative: self.share_narrative,
        })
    }
}

/// Which referrals a list returns (within the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct ReferralFilter {
    pub status: Option<ReferralStatus>,
    pub to_agency_id: Option<String>,
    pub from_agency_id: Option<String>,
    pub service: Option<Service>,
    pub incident_id: Option<String>,
    /// Past `due_by` (strictly before this day) and not completed, declined or cancelled.
    pub overdue_on: Option<chrono::NaiveDate>,
    pub external_id: Option<String>,
}

pub fn insert(
    connection: &mut AnyConnection,
    vault: &Vault,
    referral: &Referral,
) -> Result<(), DbError> {
    diesel::insert_into(referrals::table)
        .values(ReferralRow::from_referral(referral, vault)?)
        .execute(connection)?;
    Ok(())
}

/// A live referral within the scope; `NotFound` otherwise.
/// Stores new referrals, one statement each (referrals are created one by one).
pub fn insert_all(
    connection: &mut AnyConnection,
    vault: &Vault,
    created: &[&Referral],
) -> Result<(), DbError> {
    created
        .iter()
        .try_for_each(|referral| insert(connection, vault, referral))
}

pub fn find_visible(
    connection: &mut AnyConnection,
    vault: &Vault,
    id: &str,
    scope: &ReadScope,
) -> Result<Referral, DbError> {
    referrals::table
        .into_boxed()
        .filter(referrals::id.eq(id.to_owned()))
        .filter(referrals::deleted_at.is_null())
        .filter(referrals_filter(scope))
        .select(ReferralRow::as_select())
        .first(connection)?
        .into_referral(vault)
}

pub fn list(
    connection: &mut AnyConnection,
    vault: &Vault,
    scope: &ReadScope,
    filter: &ReferralFilter,
    page: &PageRequest,
) -> Result<Page<Referral>, DbError> {
    let mut query = referrals::table
        .into_boxed()
        .filter(referrals::deleted_at.is_null())
        .filter(referrals_filter(scope));
    if let Some(status) = filter.status {
        query = query.filter(referrals::status.eq(status.as_str()));
    }
    if let Some(to) = &filter.to_agency_id {
        query = query.filter(referrals::to_agency_id.eq(to.clone()));
    }
    if let Some(from) = &filter.from_agency_id {
        query = query.filter(referrals::agency_id.eq(from.clone()));
    }
    if let Some(service) = filter.service {
        query = query.filter(referrals::service.eq(service.as_str()));
    }
    if let Some(incident_id) = &filter.incident_id {
        query = query.filter(referrals::incident_id.eq(incident_id.clone()));
    }
    if let Some(today) = filter.overdue_on {
        let finished: Vec<&str> = ReferralStatus::terminal()
            .map(ReferralStatus::as_str)
            .collect();
        query = query
            .filter(referrals::due_by.lt(date_to_text(today)))
            .filter(referrals::status.ne_all(finished));
    }
    if let Some(external_id) = &filter.external_id {
        query = query.filter(referrals::external_id.eq(external_id.clone()));
    }
    if let Some(before) = &page.before_id {
        query = query.filter(referrals::id.lt(before.clone()));
    }
    let rows = query
        .select(ReferralRow::as_select())
        .order(referrals::id.desc())
        .limit(page.limit + 1)
        .load(connection)?;
    let items = rows
        .into_iter()
        .map(|row| row.into_referral(vault))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, page.limit, |referral| {
        &referral.meta.id
    }))
}

super::versioned::versioned_writes!(referrals, Referral, ReferralRow::from_referral, vault: &Vault);

/// Live referrals of an incident (to decide whether deleting the incident is allowed).
pub fn count_live_for_incident(
    connection: &mut AnyConnection,
    incident_id: &str,
) -> Result<i64, DbError> {
    Ok(referrals::table
        .filter(referrals::incident_id.eq(incident_id))
        .filter(referrals::deleted_at.is_null())
        .count()
        .get_result(connection)?)
}

/// Live referrals of an agency with the given external ids (one query for a whole sync batch).
pub fn by_external_ids(
    connection: &mut AnyConnection,
    vault: &Vault,
    agency_id: &str,
    external_ids: &[String],
) -> Result<Vec<Referral>, DbError> {
    referrals::table
        .filter(referrals::agency_id.eq(agency_id))
        .filter(referrals::external_id.eq_any(external_ids))
        .filter(referrals::deleted_at.is_null())
        .select(ReferralRow::as_select())
        .load(connection)?
        .into_iter()
        .map(|row| row.into_referral(vault))
        .collect()
}

/// Whether `agency` holds a referral of `incident_id` in one of `statuses` for one of `services`.
pub fn agency_holds(
    connection: &mut AnyConnection,
    incident_id: &str,
    agency: &str,
    statuses: &[&str],
    services: &[&str],
) -> Result<bool, DbError> {
    let found: Option<String> = referrals::table
        .filter(referrals::incident_id.eq(incident_id))
        .filter(referrals::to_agency_id.eq(agency))
        .filter(referrals::status.eq_any(statuses))
        .filter(referrals::service.eq_any(services))
        .filter(referrals::deleted_at.is_null())
        .select(referrals::id)
        .first(connection)
        .optional()?;
    Ok(found.is_some())
}
