//! Demo complaints: every status and every channel, received by the commission's complaint cell
//! (public filings among them), routed to the bureau of the child's province, some declined, some
//! made cases. Written through the same `app` commands as the API.

use cpims_db::{AnyConnection, Vault};
use cpims_domain::case::{Sex, UrbanRural, Urgency};
use cpims_domain::complaint::{
    normalise_tracking_code, tracking_code, ComplainantType, Complaint, ComplaintChannel,
    ComplaintClosureReason, ComplaintStatus, Language, TRACKING_CODE_BYTES,
};
use cpims_domain::deadlines::RULES;
use cpims_domain::taxonomy::CATEGORIES;

use super::accounts::Cast;
use super::cast::BUREAUS;
use super::rng::DemoRng;
use crate::app::complaints::{self, CaseChild, ComplaintMove};
use crate::app::deadlines::Timekeeping;
use crate::app::{self, Actor, UnitOfWork};
use crate::error::ApiError;
use crate::routes::children::dto::ChildInput;
use crate::routes::complaints::case::IncidentFacts;
use crate::routes::complaints::dto::ComplaintInput;

/// Complaints per status: enough for every channel to appear and statistics to have cells.
const PER_STATUS: usize = 6;

const CLOSURES: [ComplaintClosureReason; 4] = [
    ComplaintClosureReason::NotActionable,
    ComplaintClosureReason::OutsideMandate,
    ComplaintClosureReason::Withdrawn,
    ComplaintClosureReason::ResolvedWithoutCase,
];

/// What the demo complaints wrote.
#[derive(Debug, Default)]
pub struct ComplaintTally {
    /// Each complaint's final status.
    pub statuses: Vec<ComplaintStatus>,
    /// Status moves, the conversions included.
    pub transitions: usize,
    /// Cases made: a child and an incident each.
    pub cases: usize,
}

/// Writes the demo complaints, one transaction each.
pub fn write_complaints(
    connection: &mut AnyConnection,
    vault: &Vault,
    cast: &Cast,
    rng_seed: u64,
) -> Result<ComplaintTally, ApiError> {
    let mut rng = DemoRng::new(rng_seed ^ 0x636f_6d70);
    let mut tally = ComplaintTally::default();
    let mut number = 0usize;
    for target in ComplaintStatus::ALL {
        for _ in 0..PER_STATUS {
            let status = cpims_db::write_transaction(connection, |connection| {
                write_one(connection, vault, cast, &mut rng, number, *target)
            })?;
            tally.transitions += moves_to(status, number);
            tally.cases += usize::from(status == ComplaintStatus::Converted);
            tally.statuses.push(status);
            number += 1;
        }
    }
    Ok(tally)
}

/// How many moves the demo makes to bring complaint `number` to `status`.
fn moves_to(status: ComplaintStatus, number: usize) -> usize {
    match status {
        ComplaintStatus::Received => 0,
        ComplaintStatus::Triaged => 1,
        ComplaintStatus::Closed if number % 2 == 0 => 1,
        ComplaintStatus::Closed | ComplaintStatus::Assigned => 2,
        ComplaintStatus::Declined | ComplaintStatus::Accepted => 3,
        ComplaintStatus::Converted => 4,
    }
}

fn write_one(
    connection: &mut AnyConnection,
    vault: &Vault,
    cast: &Cast,
    rng: &mut DemoRng,
    number: usize,
    target: ComplaintStatus,
) -> Result<ComplaintStatus, ApiError> {
    let time = Timekeeping::new(cpims_db::page::now(), RULES.into());
    let mut work = UnitOfWork::new(connection, vault, Actor::User(&cast.intake), time);
    let bureau_index = number % BUREAUS.len();
    let bureau = BUREAUS
        .get(bureau_index)
        .ok_or_else(|| bug("no bureau for a complaint"))?;
    let channel = ComplaintChannel::ALL[number % ComplaintChannel::ALL.len()];
    let category = CATEGORIES[rng.below(CATEGORIES.len())].code;
    let age = i32::try_from(rng.below(18)).unwrap_or(10);
    let input = ComplaintInput {
        channel,
        complainant_type: ComplainantType::ALL[number % ComplainantType::ALL.len()],
        complainant_name: (number % 3 != 0).then(|| format!("Demo Complainant {number}")),
        complainant_phone: (number % 3 == 1).then(|| format!("+92300000{:04}", 5000 + number)),
        contact_consent: number % 3 == 1,
        preferred_language: Some(Language::ALL[number % Language::ALL.len()]),
        child_name: Some(format!("Demo Child C{number}")),
        child_age_years: Some(age),
        child_sex: Some([Sex::Female, Sex::Male][number % 2]),
        province: bureau.province.to_owned(),
        district: Some(bureau.district.to_owned()),
        location_detail: Some("Fictional street, demo data".to_owned()),
        category: category.to_owned(),
        subcategory: None,
        narrative: Some(format!(
            "Demo complaint {number}: a fictional account for trying the workflow ({category})."
        )),
        immediate_danger: rng.percent(15),
    };
    let year = chrono::Datelike::year(&work.now().date());
    let reference = complaints::fresh_reference(work.connection(), year)?;
    let public = ComplaintChannel::PUBLIC.contains(&channel);
    let complaint =
        input.into_complaint(app::new_meta(&cast.intake, work.now()), reference, public);
    // The code of a demo public complaint is drawn and forgotten: nobody holds it.
    let hash = public.then(|| {
        let mut random = [0u8; TRACKING_CODE_BYTES];
        rand::Rng::fill(&mut rand::thread_rng(), &mut random);
        vault.blind_index(
            "complaint_tracking_code",
            &normalise_tracking_code(&tracking_code(&random)),
        )
    });
    complaints::register(&mut work, &complaint, hash.as_deref())?;
    let mut current = complaint;
    if target == ComplaintStatus::Received {
        return Ok(current.status);
    }
    if target == ComplaintStatus::Closed && number % 2 == 0 {
        let reason = CLOSURES[number % CLOSURES.len()];
        current = step(
            &mut work,
            &current,
            ComplaintStatus::Closed,
            ComplaintMove {
                closure_reason: Some(reason),
                note: Some("Demo: closed at intake.".to_owned()),
                ..ComplaintMove::default()
            },
        )?;
        return Ok(current.status);
    }
    let urgency = [
        Urgency::Low,
        Urgency::Medium,
        Urgency::High,
        Urgency::Critical,
    ][number % 4];
    current = step(
        &mut work,
        &current,
        ComplaintStatus::Triaged,
        ComplaintMove {
            urgency: Some(urgency),
            ..ComplaintMove::default()
        },
    )?;
    if matches!(target, ComplaintStatus::Triaged | ComplaintStatus::Closed) {
        if target == ComplaintStatus::Closed {
            current = step(
                &mut work,
                &current,
                ComplaintStatus::Closed,
                ComplaintMove {
                    closure_reason: Some(CLOSURES[number % CLOSURES.len()]),
                    ..ComplaintMove::default()
                },
            )?;
        }
        return Ok(current.status);
    }
    let bureau_cast = cast
        .bureaus
        .get(bureau_index)
        .ok_or_else(|| bug("no bureau account for a complaint"))?;
    let bureau_id = bureau_cast.worker.0.agency_id.clone();
    current = step(
        &mut work,
        &current,
        ComplaintStatus::Assigned,
        ComplaintMove {
            assigned_agency_id: Some(bureau_id),
            note: Some(format!("Demo: to the bureau of {}.", bureau.province)),
            ..ComplaintMove::default()
        },
    )?;
    if target == ComplaintStatus::Assigned {
        return Ok(current.status);
    }
    let mut as_bureau = work.acting_as(Actor::User(&bureau_cast.worker));
    if target == ComplaintStatus::Declined {
        current = step(
            &mut as_bureau,
            &current,
            ComplaintStatus::Declined,
            ComplaintMove {
                note: Some("Demo: the child has moved out of our district.".to_owned()),
                ..ComplaintMove::default()
            },
        )?;
        return Ok(current.status);
    }
    current = step(
        &mut as_bureau,
        &current,
        ComplaintStatus::Accepted,
        ComplaintMove {
            public_message: Some(
                "A child protection officer is looking into your complaint.".to_owned(),
            ),
            ..ComplaintMove::default()
        },
    )?;
    if target == ComplaintStatus::Accepted {
        return Ok(current.status);
    }
    let child = ChildInput {
        external_id: None,
        given_name: Some(format!("Demo Child C{number}")),
        family_name: Some("Demo-Complaint".to_owned()),
        sex: [Sex::Female, Sex::Male][number % 2],
        date_of_birth: None,
        estimated_age_years: Some(age),
        age_is_estimated: true,
        identifier: None,
        province: bureau.province.to_owned(),
        district: Some(bureau.district.to_owned()),
        urban_rural: UrbanRural::Unknown,
        disability: false,
        guardian_name: None,
        guardian_phone: None,
        languages: Vec::new(),
    };
    let child = child.into_child(app::new_meta(&bureau_cast.worker, as_bureau.now()));
    let (converted, _) = complaints::make_case(
        &mut as_bureau,
        &current.meta.id,
        Some(current.meta.version),
        CaseChild::New(Box::new(child)),
        |complaint, child_id| {
            IncidentFacts {
                meta: app::new_meta(&bureau_cast.worker, complaint.received_at),
                occurred_on: None,
                risk_level: None,
                perpetrator_relationship: None,
            }
            .incident_of(complaint, child_id)
        },
        Some("Demo: made a case.".to_owned()),
    )
    .map_err(|error| bug(&format!("demo case refused: {error:?}")))?;
    Ok(converted.status)
}

/// One move of a demo complaint; a refusal is a defect of the seed.
fn step(
    work: &mut UnitOfWork<'_>,
    current: &Complaint,
    to: ComplaintStatus,
    extra: ComplaintMove,
) -> Result<Complaint, ApiError> {
    let requested = ComplaintMove {
        to: Some(to),
        ..extra
    };
    complaints::transition(work, &current.meta.id, current.meta.version, requested)
        .map_err(|error| bug(&format!("demo complaint move refused: {error:?}")))
}

fn bug(message: &str) -> ApiError {
    ApiError::Internal(format!("seed-demo: {message}"))
}
