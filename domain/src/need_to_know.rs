//! Need to know: what an agency that receives a referral may read of the child, the incident and the
//! referral, by the referral's stage and service (DESIGN.md, Access).
//!
//! The owning agency, monitors and administrators see records whole. An agency whose only sight of a
//! child or incident comes through referrals addressed to it sees:
//! - while a referral is `pending`: the minimal view, enough to decide whether to take it;
//! - once `accepted` or `in_progress`, and after `completed` for a grace period: the minimal view plus
//!   its service's profile ([`profiles`]), and the narrative when the referrer shared it;
//! - after a decline or cancellation, or once the grace period has passed: nothing.
//!
//! Several referrals for one child give the widest of their current views. [`disclose`] is the one
//! function every read path (single reads, lists, lookups, history, the change feed) passes a record
//! through; a withheld field is removed from the JSON object, never set to null.

pub mod profiles;

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use crate::access::RecordKind;
use crate::agency::Service;
use crate::case::ReferralStatus;
use crate::child::age_on;

/// Fields every record shows to anyone who may see it at all: identity of the record, not the person.
const BOOKKEEPING: &[&str] = &[
    "id",
    "agency_id",
    "version",
    "created_at",
    "updated_at",
    "deadlines",
];

/// The child as a pending referral's receiver sees it: first name, age in years, sex, where, the
/// languages to speak and whether a disability needs planning for (DESIGN.md's minimal view).
pub const CHILD_MINIMAL: &[&str] = &[
    "given_name",
    "sex",
    "age_years",
    "estimated_age_years",
    "age_is_estimated",
    "province",
    "district",
    "languages",
    "disability",
];

/// The incident as a pending referral's receiver sees it: what kind of case, where, how serious.
pub const INCIDENT_MINIMAL: &[&str] = &[
    "child_id",
    "category",
    "subcategory",
    "legal_references",
    "province",
    "district",
    "risk_level",
    "status",
];

/// The referral as its receiver sees it, at every stage it sees it at all: the request itself. The
/// referrer's own record number and user ids are the referrer's business.
pub const REFERRAL_FOR_RECEIVER: &[&str] = &[
    "incident_id",
    "child_id",
    "from_agency_id",
    "to_agency_id",
    "overdue",
    "service",
    "urgency",
    "reason",
    "due_by",
    "status",
    "share_narrative",
    "province",
    "first_response_at",
    "completed_at",
];

/// One referral addressed to the reading agency that covers the record being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub service: Service,
    pub status: ReferralStatus,
    /// The referrer let the receiver read the incident's narrative.
    pub share_narrative: bool,
    pub created_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
}

/// How far one grant reaches at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Pending: enough to decide whether to take the referral.
    Deciding,
    /// Accepted, in progress, or completed within the grace period: what the service needs.
    Serving,
}

impl Grant {
    /// The grant's stage when completed referrals grant only if completed after `completed_after`;
    /// `None` when it gives no sight at all.
    pub fn stage(&self, completed_after: NaiveDateTime) -> Option<Stage> {
        match self.status {
            ReferralStatus::Pending => Some(Stage::Deciding),
            ReferralStatus::Accepted | ReferralStatus::InProgress => Some(Stage::Serving),
            ReferralStatus::Completed => self
                .completed_at
                .is_some_and(|at| at > completed_after)
                .then_some(Stage::Serving),
            ReferralStatus::Declined | ReferralStatus::Cancelled => None,
        }
    }
}

/// What a caller sees of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sight {
    /// Owner, monitor, administrator: everything.
    Whole,
    /// A receiving agency: these fields only.
    Shaped(View),
}

/// The fields a receiving agency sees of a child and its incidents, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub child: BTreeSet<&'static str>,
    pub incident: BTreeSet<&'static str>,
    /// When the earliest live grant was made: history before it is not the receiver's to read.
    pub since: NaiveDateTime,
}

impl View {
    /// What the receiving agency of a referral sees of the referral itself, whatever its stage: the
    /// request is the receiver's own work record, so it stays readable after a decline or completion.
    pub fn referral_receiver() -> View {
        View {
            child: BTreeSet::new(),
            incident: BTreeSet::new(),
            since: NaiveDateTime::MIN,
        }
    }

    /// The fields of `kind` this view shows.
    pub fn shows(&self, kind: RecordKind, field: &str) -> bool {
        BOOKKEEPING.contains(&field)
            || match kind {
                RecordKind::Child => self.child.contains(field),
                RecordKind::Incident => self.incident.contains(field),
                RecordKind::Referral => REFERRAL_FOR_RECEIVER.contains(&field),
                RecordKind::Complaint => false,
            }
    }
}

/// The widest current view the grants give; `None` when none of them gives any sight.
pub fn view_of(grants: &[Grant], completed_after: NaiveDateTime) -> Option<View> {
    let mut view: Option<View> = None;
    for grant in grants {
        let Some(stage) = grant.stage(completed_after) else {
            continue;
        };
        let view = view.get_or_insert_with(|| View {
            child: CHILD_MINIMAL.iter().copied().collect(),
            incident: INCIDENT_MINIMAL.iter().copied().collect(),
            since: grant.created_at,
        });
        view.since = view.since.min(grant.created_at);
        if stage == Stage::Serving {
            let profile = profiles::profile(grant.service);
            view.child.extend(profile.child);
            view.incident.extend(profile.incident);
            if grant.share_narrative {
                view.incident.insert("narrative");
            }
        }
    }
    view
}

/// Passes one record's JSON object through the caller's sight: adds the child's `age_years` (as of
/// `today`) and removes every field the sight withholds.
pub fn disclose(
    kind: RecordKind,
    sight: &Sight,
    today: NaiveDate,
    record: &mut Map<String, Value>,
) {
    if kind == RecordKind::Child {
        let age = age_years(record, today);
        record.insert("age_years".to_owned(), age.map_or(Value::Null, Value::from));
    }
    if let Sight::Shaped(view) = sight {
        record.retain(|field, _| view.shows(kind, field));
    }
}

/// Whether a history entry of `field`, made at `changed_at`, is shown to the caller.
pub fn history_shows(
    kind: RecordKind,
    sight: &Sight,
    field: &str,
    changed_at: NaiveDateTime,
) -> bool {
    match sight {
        Sight::Whole => true,
        Sight::Shaped(view) => changed_at >= view.since && view.shows(kind, field),
    }
}

/// The age in whole years: from the date of birth when known, else the estimate.
fn age_years(child: &Map<String, Value>, today: NaiveDate) -> Option<u32> {
    let from_birth = child
        .get("date_of_birth")
        .and_then(Value::as_str)
        .and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .and_then(|born| age_on(born, today));
    from_birth.or_else(|| {
        child
            .get("estimated_age_years")
            .and_then(Value::as_u64)
            .and_then(|years| u32::try_from(years).ok())
    })
}

#[cfg(test)]
mod tests;
