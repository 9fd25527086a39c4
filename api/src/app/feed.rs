//! Publishing case-record changes to the change feed, with the audience each change belongs to:
//! the owner, the agencies a referral grants sight of a child or incident, and tombstones for an
//! agency that has just lost sight of a record. Referral changes also queue their webhook events here,
//! in the same transaction.

use chrono::NaiveDateTime;
use cpims_db::repo::changes::{self, grantees, ChangeKind, NewChange};
use cpims_db::repo::{children, incidents};
use cpims_db::AnyConnection;
use cpims_domain::access::{ReadScope, RecordKind};
use cpims_domain::case::ReferralStatus;
use cpims_domain::complaint::Complaint;
use cpims_domain::records::Referral;
use cpims_domain::workflow::incident_follow_up;

use super::deadlines::Timekeeping;
use super::events::{self, ReferralEvent};
use super::unit_of_work::Anonymised;
use crate::error::ApiError;

/// Whether a referral in `status` lets its receiver see only enough to decide (the minimal view).
fn deciding(status: ReferralStatus) -> bool {
    status == ReferralStatus::Pending
}

fn audience(owner: &str, others: Vec<String>) -> Vec<String> {
    let mut audience = vec![owner.to_owned()];
    for agency in others {
        if !audience.contains(&agency) {
            audience.push(agency);
        }
    }
    audience
}

/// A child or incident was changed (`Upsert`) or deleted (`Tombstone`, with the version the deletion
/// took): its owner and everyone a referral grants it to hear of it.
pub fn case_changed(
    connection: &mut AnyConnection,
    record_type: RecordKind,
    (id, version, owner): (&str, i64, &str),
    change: ChangeKind,
    grants_completed_after: NaiveDateTime,
) -> Result<(), ApiError> {
    let audience = audience(
        owner,
        grantees(connection, record_type, id, grants_completed_after)?,
    );
    let change = NewChange {
        record_type,
        record_id: id.to_owned(),
        version,
        change,
        audience,
    };
    Ok(changes::publish(connection, &[change])?)
}

/// Children and incidents just created: no referral can grant sight of a record that did not exist
/// before this transaction, so each is addressed to its owner alone, without a grant lookup. All go
/// into one statement.
pub fn cases_created(
    connection: &mut AnyConnection,
    record_type: RecordKind,
    created: &[(String, String)],
) -> Result<(), ApiError> {
    let changes: Vec<NewChange> = created
        .iter()
        .map(|(id, owner)| NewChange {
            record_type,
            record_id: id.clone(),
            version: 1,
            change: ChangeKind::Upsert,
            audience: vec![owner.clone()],
        })
        .collect();
    Ok(changes::publish(connection, &changes)?)
}

/// A referral was created, changed, moved or deleted (`event` says which). Publishes the referral to
/// both sides (a tombstone to the receiver once it is cancelled or deleted), and the child and incident
/// to the receiver whenever the referral grants or granted sight of them; queues the webhook event
/// for both sides' subscriptions.
pub fn referral_changed(
    (connection, vault, time): (&mut AnyConnection, &cpims_db::Vault, &Timekeeping),
    referral: &Referral,
    before: Option<&Referral>,
    event: ReferralEvent,
) -> Result<(), ApiError> {
    let granted_before = before.is_some_and(|before| before.status.grants_access());
    events::referral_event(connection, referral, event)?;
    let deleted = event == ReferralEvent::Deleted;
    let from = referral.meta.agency_id.clone();
    let to = referral.to_agency_id.clone();
    let mut published = Vec::new();
    let change = |kind, audience| NewChange {
        record_type: RecordKind::Referral,
        record_id: referral.meta.id.clone(),
        version: referral.meta.version,
        change: kind,
        audience,
    };
    if deleted {
        published.push(change(ChangeKind::Tombstone, vec![from, to.clone()]));
    } else if referral.status.visible_to_receiver() {
        published.push(change(ChangeKind::Upsert, vec![from, to.clone()]));
    } else {
        published.push(change(ChangeKind::Upsert, vec![from]));
        published.push(change(ChangeKind::Tombstone, vec![to.clone()]));
    }
    let grants_now = !deleted && referral.status.grants_access();
    // Acceptance or a change of `share_narrative` widens or narrows what the receiver sees, so the
    // child and incident are republished to it, not only when its sight begins or ends.
    let view_changed = grants_now
        && before.is_some_and(|before| {
            before.status.grants_access()
                && (deciding(before.status) != deciding(referral.status)
                    || before.share_narrative != referral.share_narrative)
        });
    if grants_now != granted_before || view_changed {
        let child = children::find_visible(
            connection,
            vault,
            &referral.child_id,
            &ReadScope::Everything,
        )?;
        let incident = incidents::find_visible(
            connection,
            vault,
            &referral.incident_id,
            &ReadScope::Everything,
        )?;
        for (record_type, id, version) in [
            (RecordKind::Child, child.meta.id, child.meta.version),
            (
                RecordKind::Incident,
                incident.meta.id,
                incident.meta.version,
            ),
        ] {
            // The incident's own follow-up move (if this status brings one) republishes it at the
            // version that move gives; announcing it here too would name a version already gone.
            if view_changed
                && grants_now == granted_before
                && record_type == RecordKind::Incident
                && incident_follow_up(incident.status, referral.status).is_some()
            {
                continue;
            }
            let still_granted = grants_now
                || grantees(connection, record_type, &id, time.grants_completed_after)?
                    .contains(&to);
            let kind = match (grants_now, still_granted) {
                (true, _) => Some(ChangeKind::Upsert),
                (false, false) => Some(ChangeKind::Tombstone),
                (false, true) => None,
            };
            if let Some(kind) = kind {
                published.push(NewChange {
                    record_type,
                    record_id: id,
                    version,
                    change: kind,
                    audience: vec![to.clone()],
                });
            }
        }
    }
    Ok(changes::publish(connection, &published)?)
}

/// A complaint was created or changed: the receiving agency and the assigned one hear of it; an
/// agency it was assigned to before and is no longer gets a tombstone.
pub fn complaint_changed(
    connection: &mut AnyConnection,
    complaint: &Complaint,
    assigned_before: Option<&str>,
) -> Result<(), ApiError> {
    let owner = complaint.meta.agency_id.clone();
    let assigned = complaint.assigned_agency_id.clone();
    let change = |kind, audience| NewChange {
        record_type: RecordKind::Complaint,
        record_id: complaint.meta.id.clone(),
        version: complaint.meta.version,
        change: kind,
        audience,
    };
    let mut published = vec![change(
        ChangeKind::Upsert,
        audience(&owner, assigned.clone().into_iter().collect()),
    )];
    if let Some(before) = assigned_before {
        if before != owner && assigned.as_deref() != Some(before) {
            published.push(change(ChangeKind::Tombstone, vec![before.to_owned()]));
        }
    }
    Ok(changes::publish(connection, &published)?)
}

/// Anonymised referrals: the referring agency, and the receiver while it still sees the referral.
pub fn referrals_anonymised(
    connection: &mut AnyConnection,
    anonymised: &[&Anonymised],
) -> Result<(), ApiError> {
    let changes: Vec<NewChange> = anonymised
        .iter()
        .map(|referral| {
            let mut audience = vec![referral.owner.clone()];
            if let Some((receiver, status)) = &referral.receiver {
                if status.is_some_and(ReferralStatus::visible_to_receiver) {
                    audience.push(receiver.clone());
                }
            }
            NewChange {
                record_type: RecordKind::Referral,
                record_id: referral.id.clone(),
                version: referral.version,
                change: ChangeKind::Upsert,
                audience,
            }
        })
        .collect();
    Ok(changes::publish(connection, &changes)?)
}
