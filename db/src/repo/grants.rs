//! The referrals through which an agency sees children and incidents it does not own: the input of the
//! domain's need-to-know views (`cpims_domain::need_to_know`).

use std::collections::HashMap;

use cpims_domain::access::RecordKind;
use cpims_domain::agency::Service;
use cpims_domain::case::ReferralStatus;
use cpims_domain::need_to_know::Grant;
use diesel::prelude::*;

use crate::codec::code;
use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::schema::referrals;
use crate::scope::granting_statuses;

type GrantRow = (
    String,
    String,
    String,
    String,
    bool,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

/// Every referral addressed to `agency` that could grant sight of the given children or incidents
/// (by `kind`), grouped by record id. Expired completions are included: the domain decides.
pub fn to_agency(
    connection: &mut AnyConnection,
    agency: &str,
    kind: RecordKind,
    ids: &[&str],
) -> Result<HashMap<String, Vec<Grant>>, DbError> {
    let mut grants: HashMap<String, Vec<Grant>> = HashMap::new();
    if ids.is_empty() {
        return Ok(grants);
    }
    let ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    let query = referrals::table
        .filter(referrals::to_agency_id.eq(agency.to_owned()))
        .filter(referrals::deleted_at.is_null())
        .filter(referrals::status.eq_any(granting_statuses()))
        .select((
            referrals::child_id,
            referrals::incident_id,
            referrals::service,
            referrals::status,
            referrals::share_narrative,
            referrals::created_at,
            referrals::completed_at,
        ))
        .into_boxed();
    let rows: Vec<GrantRow> = match kind {
        RecordKind::Child => query
            .filter(referrals::child_id.eq_any(ids))
            .load(connection)?,
        RecordKind::Incident => query
            .filter(referrals::incident_id.eq_any(ids))
            .load(connection)?,
        RecordKind::Referral | RecordKind::Complaint => Vec::new(),
    };
    for (child_id, incident_id, service, status, share_narrative, created_at, completed_at) in rows
    {
        let grant = Grant {
            service: code(&service, Service::parse, "referral service")?,
            status: code(&status, ReferralStatus::parse, "referral status")?,
            share_narrative,
            created_at,
            completed_at,
        };
        let record_id = if kind == RecordKind::Child {
            child_id
        } else {
            incident_id
        };
        grants.entry(record_id).or_default().push(grant);
    }
    Ok(grants)
}
