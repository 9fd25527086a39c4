//! Retention (`cpims retention run`): anonymises incidents closed (or deleted) longer ago than the retention
//! period, then the children no open record needs any more. Each record's anonymisation is one
//! transaction with its audit entry and change-feed entry, so sync clients erase their copies too.

use chrono::NaiveDateTime;
use cpims_db::repo::retention::{self, ExpiredChild, ExpiredIncident};
use cpims_db::{DbPool, Vault};
use cpims_domain::access::RecordKind;
use cpims_domain::case::ReferralStatus;
use cpims_domain::child::age_on;
use cpims_domain::protection::{month_of, retention_cutoff};

use super::deadlines::Timekeeping;
use super::unit_of_work::Anonymised;
use super::{Actor, UnitOfWork};
use crate::error::ApiError;
use cpims_domain::deadlines::RULES;

/// The actor retention's audit entries name (where a request id would go).
const JOB: Actor<'static> = Actor::System { job: "retention" };

/// How many records a run anonymised.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetentionReport {
    pub cutoff: String,
    pub incidents: usize,
    pub referrals: usize,
    pub children: usize,
}

/// Anonymises everything past `years` of retention as of `now`.
pub fn run(
    pool: &DbPool,
    vault: &Vault,
    years: u32,
    now: NaiveDateTime,
) -> Result<RetentionReport, ApiError> {
    let cutoff = retention_cutoff(now.date(), years)
        .and_hms_opt(0, 0, 0)
        .unwrap_or(NaiveDateTime::MIN);
    let mut report = RetentionReport {
        cutoff: cutoff.date().to_string(),
        ..RetentionReport::default()
    };
    let mut connection = cpims_db::checkout(pool)?;
    let mut after: Option<String> = None;
    loop {
        let (expired, last) =
            retention::expired_incidents(&mut connection, cutoff, after.as_deref())?;
        for incident in expired {
            cpims_db::write_transaction(&mut connection, |connection| {
                let mut work =
                    UnitOfWork::new(connection, vault, JOB, Timekeeping::new(now, RULES.into()));
                anonymise_incident(&mut work, &incident, now, &mut report)
            })?;
        }
        match last {
            Some(last) => after = Some(last),
            None => break,
        }
    }
    let mut after: Option<String> = None;
    loop {
        let (expired, last) =
            retention::expired_children(&mut connection, cutoff, after.as_deref())?;
        for child in expired {
            cpims_db::write_transaction(&mut connection, |connection| {
                let mut work =
                    UnitOfWork::new(connection, vault, JOB, Timekeeping::new(now, RULES.into()));
                anonymise_child(&mut work, &child, now, &mut report)
            })?;
        }
        match last {
            Some(last) => after = Some(last),
            None => break,
        }
    }
    Ok(report)
}

fn anonymise_child(
    work: &mut UnitOfWork<'_>,
    child: &ExpiredChild,
    now: NaiveDateTime,
    report: &mut RetentionReport,
) -> Result<(), ApiError> {
    if retention::anonymise_child(work.connection(), child, now)? {
        work.anonymised(&[Anonymised {
            kind: RecordKind::Child,
            id: child.id.clone(),
            version: child.version + 1,
            owner: child.agency_id.clone(),
            receiver: None,
        }])?;
        report.children += 1;
    }
    Ok(())
}

fn anonymise_incident(
    work: &mut UnitOfWork<'_>,
    incident: &ExpiredIncident,
    now: NaiveDateTime,
    report: &mut RetentionReport,
) -> Result<(), ApiError> {
    // The age the statistics counted, computed the way they compute it, before the date of birth
    // and the exact dates are gone.
    let age = match incident.child_date_of_birth {
        Some(born) => age_on(born, incident.occurred_on).and_then(|age| i32::try_from(age).ok()),
        None => incident.child_estimated_age_years,
    };
    let Some(referrals) = retention::anonymise_incident(
        work.connection(),
        incident,
        age,
        month_of(incident.occurred_on),
        month_of(incident.reported_on),
        now,
    )?
    else {
        return Ok(());
    };
    let mut records = vec![Anonymised {
        kind: RecordKind::Incident,
        id: incident.id.clone(),
        version: incident.version + 1,
        owner: incident.agency_id.clone(),
        receiver: None,
    }];
    records.extend(referrals.iter().map(|referral| Anonymised {
        kind: RecordKind::Referral,
        id: referral.id.clone(),
        version: referral.version,
        owner: referral.agency_id.clone(),
        receiver: Some((
            referral.to_agency_id.clone(),
            ReferralStatus::parse(&referral.status),
        )),
    }));
    work.anonymised(&records)?;
    report.incidents += 1;
    report.referrals += referrals.len();
    Ok(())
}
