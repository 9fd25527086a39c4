//! Turns the domain's [`ReadScope`] into SQL filters, so that a list never includes what a single
//! GET would refuse: both go through these functions.

use cpims_domain::access::{scope_matches, Grantee, ReadScope, RecordFacts, RecordKind};
use cpims_domain::case::ReferralStatus;
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::connection::AnyConnection;
use crate::schema::{children, complaints, incidents, referrals};

/// The SQL backend of [`AnyConnection`].
pub type Db = <AnyConnection as Connection>::Backend;

type Filter<T> = Box<dyn BoxableExpression<T, Db, SqlType = Bool>>;

/// Referral statuses that give the receiving agency read access to the child and incident.
pub fn granting_statuses() -> Vec<&'static str> {
    ReferralStatus::ALL
        .iter()
        .filter(|status| status.grants_access())
        .map(|status| status.as_str())
        .collect()
}

/// Statuses that grant sight with no time limit: every granting status but `completed`.
pub fn open_granting_statuses() -> Vec<&'static str> {
    ReferralStatus::ALL
        .iter()
        .filter(|status| status.grants_access() && **status != ReferralStatus::Completed)
        .map(|status| status.as_str())
        .collect()
}

/// Whether a referral row grants its receiver sight of its child and incident now: the SQL twin of
/// `cpims_domain::need_to_know::Grant::stage`. A macro, not a function: the expression sits inside correlated
/// subqueries, where a boxed expression of the referrals table alone does not type-check.
macro_rules! live_grant {
    ($grantee:expr) => {
        $crate::schema::referrals::to_agency_id
            .eq($grantee.agency_id.clone())
            .and($crate::schema::referrals::deleted_at.is_null())
            .and(
                $crate::schema::referrals::status
                    .eq_any($crate::scope::open_granting_statuses())
                    .or($crate::schema::referrals::status
                        .eq(cpims_domain::case::ReferralStatus::Completed.as_str())
                        .and(
                            $crate::schema::referrals::completed_at
                                .assume_not_null()
                                .gt($grantee.completed_after),
                        )),
            )
    };
}
pub(crate) use live_grant;

fn always(value: bool) -> diesel::expression::SqlLiteral<Bool> {
    diesel::dsl::sql::<Bool>(if value { "1 = 1" } else { "1 = 0" })
}

/// Whether the scope covers a child or incident owned by `owner` with no referral needed (everything, or
/// the caller's own agency's record). A single-record read by id checks this first with a prepared
/// statement, and asks [`children_filter`] or [`incidents_filter`] only when it is false.
pub fn covered_without_grants(scope: &ReadScope, kind: RecordKind, owner: &str) -> bool {
    scope_matches(
        scope,
        &RecordFacts {
            kind,
            owner_agency_id: owner,
            granted_to_caller: false,
            receiving_agency_id: None,
            referral_status: None,
        },
    )
}

/// Which children rows the scope covers.
pub fn children_filter(scope: &ReadScope) -> Filter<children::table> {
    let granted = |grantee: &Grantee| {
        exists(
            referrals::table
                .filter(referrals::child_id.eq(children::id))
                .filter(live_grant!(grantee)),
        )
    };
    match scope {
        ReadScope::Everything => Box::new(always(true)),
        ReadScope::Nothing => Box::new(always(false)),
        ReadScope::OwnedOrGranted(grantee) => Box::new(
            children::agency_id
                .eq(grantee.agency_id.clone())
                .or(granted(grantee)),
        ),
        ReadScope::GrantedOnly(grantee) => Box::new(granted(grantee)),
    }
}

/// Which incident rows the scope covers.
pub fn incidents_filter(scope: &ReadScope) -> Filter<incidents::table> {
    let granted = |grantee: &Grantee| {
        exists(
            referrals::table
                .filter(referrals::incident_id.eq(incidents::id))
                .filter(live_grant!(grantee)),
        )
    };
    match scope {
        ReadScope::Everything => Box::new(always(true)),
        ReadScope::Nothing => Box::new(always(false)),
        ReadScope::OwnedOrGranted(grantee) => Box::new(
            incidents::agency_id
                .eq(grantee.agency_id.clone())
                .or(granted(grantee)),
        ),
        ReadScope::GrantedOnly(grantee) => Box::new(granted(grantee)),
    }
}

/// Which complaint rows the scope covers: the receiving agency's and those assigned to the agency.
pub fn complaints_filter(scope: &ReadScope) -> Filter<complaints::table> {
    let assigned = |agency: &str| complaints::assigned_agency_id.eq(agency.to_owned());
    match scope {
        ReadScope::Everything => Box::new(always(true)),
        ReadScope::Nothing => Box::new(always(false)),
        ReadScope::OwnedOrGranted(grantee) => Box::new(
            complaints::agency_id
                .eq(grantee.agency_id.clone())
                .or(assigned(&grantee.agency_id).assume_not_null()),
        ),
        ReadScope::GrantedOnly(grantee) => Box::new(assigned(&grantee.agency_id).assume_not_null()),
    }
}

/// Which referral rows the scope covers; see [`ReferralStatus::visible_to_receiver`].
pub fn referrals_filter(scope: &ReadScope) -> Filter<referrals::table> {
    let hidden: Vec<&str> = ReferralStatus::hidden_from_receiver()
        .map(ReferralStatus::as_str)
        .collect();
    let received = |agency: &str| {
        referrals::to_agency_id
            .eq(agency.to_owned())
            .and(not(referrals::status.eq_any(hidden.clone())))
    };
    match scope {
        ReadScope::Everything => Box::new(always(true)),
        ReadScope::Nothing => Box::new(always(false)),
        ReadScope::OwnedOrGranted(grantee) => Box::new(
            referrals::agency_id
                .eq(grantee.agency_id.clone())
                .or(received(&grantee.agency_id)),
        ),
        ReadScope::GrantedOnly(grantee) => Box::new(received(&grantee.agency_id)),
    }
}
