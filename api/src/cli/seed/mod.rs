//! The `cpims seed-demo` data set: a realistic, clearly fictional caseload written into an empty database.
//!
//! It registers a bureau in every province and territory, receiving CSOs, a police desk and a hospital
//! unit with their service mappings, the National Commission, demo users of every role, and a few hundred
//! children with incidents across the taxonomy and referrals in every status. Records go through the
//! same validation, access rules, state machines, field history and audit chain as API requests, so
//! every endpoint behaves on demo data as it would on real data.
//!
//! The records are a function of the seed (and the day of the run, since dates are relative to it);
//! the users' passwords come from the operating system's random source and are shown only once.

mod accounts;
mod cast;
mod complaints;
mod plan;
mod rng;
mod storyline;
mod vocabulary;
mod write;

use cpims_db::Vault;
use std::fmt;

use cpims_db::page::PageRequest;
use cpims_db::repo::agencies::{self, AgencyFilter};
use cpims_db::repo::children::{self, ChildFilter};
use cpims_db::repo::users::{self, UserFilter};
use cpims_db::{AnyConnection, DbPool};
use cpims_domain::access::ReadScope;
use cpims_domain::case::{IncidentStatus, ReferralStatus};
use cpims_domain::complaint::ComplaintStatus;
use cpims_domain::user::Role;

pub use accounts::SEED_REQUEST_ID;

use crate::error::ApiError;

/// The seed `cpims seed-demo` uses unless told otherwise (the child protection helpline's number).
pub const DEFAULT_SEED: u64 = 1121;

/// A demo account and the password it was given.
#[derive(Clone, PartialEq, Eq)]
pub struct DemoCredential {
    pub username: String,
    pub role: Role,
    /// The agency's name.
    pub agency: String,
    pub password: String,
}

/// Passwords stay out of debug output, so a logged summary never leaks them.
impl fmt::Debug for DemoCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoCredential")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("agency", &self.agency)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// What `seed_demo` wrote.
#[derive(Debug, Clone)]
pub struct SeedSummary {
    pub seed: u64,
    pub agencies: usize,
    /// Every demo account with its password, the administrator first.
    pub users: Vec<DemoCredential>,
    pub children: usize,
    pub incidents: usize,
    pub referrals: usize,
    /// Recorded status transitions of complaints, incidents and referrals.
    pub transitions: usize,
    /// Incidents per current status, every status listed.
    pub incidents_by_status: Vec<(IncidentStatus, usize)>,
    /// Referrals per current status, every status listed.
    pub referrals_by_status: Vec<(ReferralStatus, usize)>,
    /// Complaints per current status, every status listed.
    pub complaints_by_status: Vec<(ComplaintStatus, usize)>,
}

/// Fills an empty database with the demo data set drawn from `rng_seed`.
///
/// Refuses with [`ApiError::Conflict`] when any agency, user or child exists: demo records mixed into
/// real ones could not be told apart by statistics or by a busy case worker. Blocking (password hashing
/// and a few thousand writes): call it from a blocking thread.
pub fn seed_demo(pool: &DbPool, vault: &Vault, rng_seed: u64) -> Result<SeedSummary, ApiError> {
    let mut connection = cpims_db::checkout(pool)?;
    // Checked before the slow hashing so that a refusal is immediate, and again under the write lock.
    refuse_unless_empty(&mut connection, vault)?;
    let hashed = accounts::hash_users(cast::user_specs())?;
    let cast = cpims_db::write_transaction(&mut connection, |connection| {
        refuse_unless_empty(connection, vault)?;
        accounts::write_cast(connection, hashed)
    })?;
    let plans = plan::plan_cases(rng_seed, crate::app::today());
    let mut tally = write::Tally::default();
    // One transaction per child keeps each lock short, so a server running alongside stays responsive.
    for child in &plans {
        cpims_db::write_transaction(&mut connection, |connection| {
            write::write_child(connection, vault, &cast, child, &mut tally)
        })?;
    }
    let complaints = complaints::write_complaints(&mut connection, vault, &cast, rng_seed)?;
    // The demo's audit chain and change feed are complete when the command returns.
    cpims_db::repo::sequencer::settle(&mut connection)?;
    Ok(SeedSummary {
        seed: rng_seed,
        agencies: cast.agencies,
        users: cast.credentials,
        children: tally.children + complaints.cases,
        incidents: tally.incidents.len() + complaints.cases,
        referrals: tally.referrals.len(),
        transitions: tally.transitions + complaints.transitions,
        incidents_by_status: count_by_status(IncidentStatus::ALL, &tally.incidents),
        referrals_by_status: count_by_status(ReferralStatus::ALL, &tally.referrals),
        complaints_by_status: count_by_status(ComplaintStatus::ALL, &complaints.statuses),
    })
}

/// How many of `seen` are in each status of `all`, zeros included.
fn count_by_status<S: Copy + PartialEq>(all: &[S], seen: &[S]) -> Vec<(S, usize)> {
    all.iter()
        .map(|status| (*status, seen.iter().filter(|s| *s == status).count()))
        .collect()
}

/// Conflict when the database holds any agency, user or child.
fn refuse_unless_empty(connection: &mut AnyConnection, vault: &Vault) -> Result<(), ApiError> {
    let one = PageRequest {
        before_id: None,
        limit: 1,
    };
    // Deleted children are not listed, but a child cannot exist without its agency, which is.
    let occupied = !agencies::list(connection, &AgencyFilter::default(), &one)?
        .items
        .is_empty()
        || !users::list(connection, &UserFilter::default(), &one)?
            .items
            .is_empty()
        || !children::list(
            connection,
            vault,
            &ReadScope::Everything,
            &ChildFilter::default(),
            &one,
        )?
        .items
        .is_empty();
    if occupied {
        return Err(ApiError::Conflict(
            "the database already holds records; seed-demo only fills an empty database".into(),
        ));
    }
    Ok(())
}
