//! `cpims retention run`: anonymises incidents closed (or deleted) longer ago than the retention
//! period, then the children no open record needs any more. Each record's anonymisation is one
//! transaction with its audit entry and change-feed entry, so sync clients erase their copies too.

use chrono::NaiveDateTime;
use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::repo::changes::{self, receiver_sees, ChangeKind, NewChange};
use cpims_db::repo::retention::{self, ExpiredIncident};
use cpims_db::{AnyConnection, DbPool};
use cpims_domain::case::ReferralStatus;
use cpims_domain::child::age_on;
use cpims_domain::protection::{month_of, retention_cutoff};

use crate::error::ApiError;
use crate::routes::publish;

/// How many records a run anonymised.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetentionReport {
    pub cutoff: String,
    pub incidents: usize,
    pub referrals: usize,
    pub children: usize,
}

/// Anonymises everything past `years` of retention as of `now`.
pub fn run(pool: &DbPool, years: u32, now: NaiveDateTime) -> Result<RetentionReport, ApiError> {
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
                anonymise_incident(connection, &incident, now, &mut report)
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
                if retention::anonymise_child(connection, &child, now)? {
                    audit::append(connection, &[anonymised("child", &child.id)])?;
                    publish::case_upserted(
                        connection,
                        "child",
                        &child.id,
                        child.version + 1,
                        &child.agency_id,
                    )?;
                    report.children += 1;
                }
                Ok::<_, ApiError>(())
            })?;
        }
        match last {
            Some(last) => after = Some(last),
            None => break,
        }
    }
    Ok(report)
}

fn anonymise_incident(
    connection: &mut AnyConnection,
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
        connection,
        incident,
        age,
        month_of(incident.occurred_on),
        month_of(incident.reported_on),
        now,
    )?
    else {
        return Ok(());
    };
    let mut events = vec![anonymised("incident", &incident.id)];
    events.extend(referrals.iter().map(|r| anonymised("referral", &r.id)));
    audit::append(connection, &events)?;
    publish::case_upserted(
        connection,
        "incident",
        &incident.id,
        incident.version + 1,
        &incident.agency_id,
    )?;
    let referral_changes: Vec<NewChange> = referrals
        .iter()
        .map(|referral| {
            let mut audience = vec![referral.agency_id.clone()];
            let status = ReferralStatus::parse(&referral.status);
            if status.is_some_and(receiver_sees) {
                audience.push(referral.to_agency_id.clone());
            }
            NewChange {
                record_type: "referral",
                record_id: referral.id.clone(),
                version: referral.version,
                change: ChangeKind::Upsert,
                audience,
            }
        })
        .collect();
    changes::publish(connection, &referral_changes)?;
    report.incidents += 1;
    report.referrals += referrals.len();
    Ok(())
}

fn anonymised(record_type: &str, id: &str) -> AuditEvent {
    AuditEvent {
        actor_user_id: None,
        actor_agency_id: None,
        action: "anonymise".to_owned(),
        record_type: Some(record_type.to_owned()),
        record_id: Some(id.to_owned()),
        request_id: Some("retention".to_owned()),
        detail: None,
    }
}
