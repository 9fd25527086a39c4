//! The demo case load as a plan: which children, incidents and referrals exist and what happens to each,
//! drawn from the seed alone, before anything touches the database.
//!
//! Keeping the plan pure means that "the same seed gives the same data" and "every planned move is legal"
//! can be checked without a database (see `plan_tests.rs`); the writer only carries the plan out. What
//! happens to each incident is drawn in `storyline.rs`.

use chrono::{Days, NaiveDate};
use cpims_domain::agency::Service;
use cpims_domain::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, ReferralStatus,
    RiskLevel, Sex, UrbanRural, Urgency,
};
use cpims_domain::taxonomy::{self, Category, CATEGORIES};

use super::cast::{BUREAUS, SYNCING_BUREAUS};
use super::rng::DemoRng;
use super::vocabulary as words;
use crate::routes::children::dto::ChildInput;
use crate::routes::incidents::dto::IncidentInput;

/// How many children the demo data set has.
pub const CHILDREN: usize = 300;

/// Incidents go back this many days, so the statistics endpoints have three years to group.
const HISTORY_DAYS: u64 = 3 * 365;

/// A child, the bureau that registers it, and its incidents.
#[derive(Debug, Clone)]
pub struct ChildPlan {
    /// Index into [`BUREAUS`].
    pub bureau: usize,
    /// Registered by the bureau's sync client rather than its case worker.
    pub by_sync: bool,
    pub child: ChildInput,
    pub incidents: Vec<IncidentPlan>,
}

/// An incident (its `child_id` is filled in when the child is written) and what happens to it.
#[derive(Debug, Clone)]
pub struct IncidentPlan {
    pub incident: IncidentInput,
    pub steps: Vec<Step>,
}

/// One thing that happens to an incident after it is registered, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The owning bureau moves the incident.
    MoveIncident {
        to: IncidentStatus,
        note: &'static str,
        closure_reason: Option<&'static str>,
    },
    /// The owning bureau refers the incident to `PARTNERS[partner]`.
    Refer {
        partner: usize,
        service: Service,
        urgency: Urgency,
        due_by: NaiveDate,
    },
    /// The incident's referral number `referral` moves; the side the new status belongs to acts.
    MoveReferral { referral: usize, to: ReferralStatus },
}

/// Plans the whole case load. Deterministic in `seed` and `today` (dates are relative to the run day).
pub fn plan_cases(seed: u64, today: NaiveDate) -> Vec<ChildPlan> {
    let mut planner = Planner {
        rng: DemoRng::new(seed),
        today,
        incidents: 0,
        referrals: 0,
    };
    (1..=CHILDREN).map(|number| planner.child(number)).collect()
}

/// The plan being drawn; its storyline half lives in `storyline.rs`.
pub(super) struct Planner {
    pub(super) rng: DemoRng,
    pub(super) today: NaiveDate,
    /// Incidents planned so far: the first ones walk the taxonomy so every category appears.
    incidents: usize,
    /// Referrals planned so far: picks the next of the storyline's referral outcomes.
    pub(super) referrals: usize,
}

impl Planner {
    pub(super) fn days_ago(&self, days: i64) -> NaiveDate {
        let shift = Days::new(days.unsigned_abs());
        let moved = if days >= 0 {
            self.today.checked_sub_days(shift)
        } else {
            self.today.checked_add_days(shift)
        };
        moved.unwrap_or(self.today)
    }

    fn child(&mut self, number: usize) -> ChildPlan {
        let rng = &mut self.rng;
        // Roughly by population: most cases come from Punjab, fewest from the territories.
        let bureau = rng.weighted(&[(0, 35), (1, 20), (2, 18), (3, 9), (4, 6), (5, 6), (6, 6)]);
        let spec = &BUREAUS[bureau % BUREAUS.len()];
        let by_sync = SYNCING_BUREAUS.contains(&spec.key) && rng.percent(30);
        let sex = rng.weighted(&[
            (Sex::Female, 45),
            (Sex::Male, 50),
            (Sex::Other, 1),
            (Sex::Unknown, 4),
        ]);
        let given_name = match sex {
            Sex::Female => rng.pick(&words::GIRLS),
            Sex::Male => rng.pick(&words::BOYS),
            Sex::Other | Sex::Unknown => rng.pick(&words::NEUTRAL),
        };
        let birth_known = rng.percent(85);
        // At least four months old and under 17 today, so every incident falls before the 18th birthday.
        let age_days = rng.between(120, 17 * 365 - 1);
        let estimated_age = rng.between(2, 16);
        let districts = taxonomy::province(spec.province).map_or(&[][..], |p| p.districts);
        let district = rng.pick_from(districts).map(|name| (*name).to_owned());
        let urban_rural = rng.weighted(&[
            (UrbanRural::Urban, 50),
            (UrbanRural::Rural, 42),
            (UrbanRural::Unknown, 8),
        ]);
        let has_identifier = rng.percent(75);
        let disability = rng.percent(6);
        let guardian = rng.percent(85).then(|| rng.pick(&words::GUARDIANS));
        let has_phone = rng.percent(75);
        let languages = rng
            .pick_from(words::languages(spec.province))
            .copied()
            .unwrap_or(&["ur"]);
        let child = ChildInput {
            external_id: by_sync.then(|| format!("{}-DEMO-C{number:05}", spec.key.to_uppercase())),
            given_name: Some(given_name.to_owned()),
            family_name: Some(format!("Demo-{number:04}")),
            sex,
            date_of_birth: birth_known.then(|| self.days_ago(age_days)),
            estimated_age_years: (!birth_known).then(|| i32::try_from(estimated_age).unwrap_or(9)),
            age_is_estimated: !birth_known,
            // "00000" starts no real NADRA number: these cannot collide with a real child's.
            identifier: (birth_known && has_identifier).then(|| format!("00000{number:08}")),
            province: spec.province.to_owned(),
            district,
            urban_rural,
            disability,
            guardian_name: guardian.map(|name| format!("{name} Demo-{number:04}")),
            guardian_phone: has_phone.then(|| format!("+92300000{:04}", number % 10_000)),
            languages: languages.iter().map(|code| (*code).to_owned()).collect(),
        };
        let count = self.rng.weighted(&[(1, 70), (2, 22), (3, 8)]);
        let incidents = (0..count)
            .map(|_| self.incident(&child, spec.key, by_sync, districts))
            .collect();
        ChildPlan {
            bureau,
            by_sync,
            child,
            incidents,
        }
    }

    fn incident(
        &mut self,
        child: &ChildInput,
        bureau_key: &str,
        by_sync: bool,
        districts: &[&str],
    ) -> IncidentPlan {
        self.incidents += 1;
        let number = self.incidents;
        let category = match CATEGORIES.get(number - 1) {
            Some(category) => category,
            None => self.weighted_category(),
        };
        let rng = &mut self.rng;
        let subcategory = (!category.subcategories.is_empty() && rng.percent(80))
            .then(|| {
                rng.pick_from(category.subcategories)
                    .map(|sub| sub.code.to_owned())
            })
            .flatten();
        let earliest = child.date_of_birth.map_or(HISTORY_DAYS as i64, |dob| {
            (self.today - dob).num_days().min(HISTORY_DAYS as i64)
        });
        let occurred_ago = rng.between(0, earliest);
        let delay = if rng.percent(60) {
            rng.between(0, 2)
        } else {
            rng.between(3, 45)
        };
        let district = if rng.percent(85) {
            child.district.clone()
        } else {
            rng.pick_from(districts).map(|name| (*name).to_owned())
        };
        let grave = words::is_grave(category.code);
        let risk_level = if grave {
            rng.weighted(&[
                (RiskLevel::Medium, 10),
                (RiskLevel::High, 55),
                (RiskLevel::Critical, 35),
            ])
        } else {
            rng.weighted(&[
                (RiskLevel::Low, 30),
                (RiskLevel::Medium, 45),
                (RiskLevel::High, 20),
                (RiskLevel::Critical, 5),
            ])
        };
        let registered_with_police = if grave {
            rng.weighted(&[
                (PoliceRegistration::Yes, 60),
                (PoliceRegistration::No, 25),
                (PoliceRegistration::Unknown, 15),
            ])
        } else {
            rng.weighted(&[
                (PoliceRegistration::Yes, 15),
                (PoliceRegistration::No, 60),
                (PoliceRegistration::Unknown, 25),
            ])
        };
        let intake_channel = rng.weighted(&[
            (IntakeChannel::Helpline1121, 35),
            (IntakeChannel::WalkIn, 15),
            (IntakeChannel::Police, 12),
            (IntakeChannel::Cso, 10),
            (IntakeChannel::OnlineForm, 8),
            (IntakeChannel::SchoolComplaintBox, 7),
            (IntakeChannel::Email, 5),
            (IntakeChannel::Media, 4),
            (IntakeChannel::Other, 4),
        ]);
        let perpetrator_relationship = perpetrator(rng, category.code);
        let occurred_on = self.days_ago(occurred_ago);
        let reported_on = self.days_ago((occurred_ago - delay).max(0));
        let incident = IncidentInput {
            external_id: by_sync
                .then(|| format!("{}-DEMO-I{number:05}", bureau_key.to_uppercase())),
            child_id: String::new(),
            category: category.code.to_owned(),
            subcategory,
            // The category's own references are always attached when the input is applied.
            legal_references: Vec::new(),
            occurred_on,
            reported_on,
            intake_channel,
            province: child.province.clone(),
            district,
            urban_rural: child.urban_rural,
            perpetrator_relationship,
            registered_with_police,
            risk_level,
            narrative: Some(words::narrative(category.code, category.name)),
        };
        let steps = self.steps(category.code, &incident.province, risk_level);
        IncidentPlan { incident, steps }
    }

    fn weighted_category(&mut self) -> &'static Category {
        let total: u64 = CATEGORIES
            .iter()
            .map(|c| u64::from(words::category_weight(c.code)))
            .sum();
        let mut ticket = self.rng.next_u64() % total.max(1);
        for category in CATEGORIES {
            let weight = u64::from(words::category_weight(category.code));
            if ticket < weight {
                return category;
            }
            ticket -= weight;
        }
        &CATEGORIES[0]
    }
}

fn perpetrator(rng: &mut DemoRng, category: &str) -> PerpetratorRelationship {
    use PerpetratorRelationship::*;
    match category {
        "online_sexual_exploitation" | "online_harm" => {
            rng.weighted(&[(OnlineContact, 80), (Acquaintance, 10), (Unknown, 10)])
        }
        "child_labour" | "domestic_child_labour" | "bonded_labour" => {
            rng.weighted(&[(Employer, 75), (Parent, 15), (Relative, 10)])
        }
        "corporal_punishment" => rng.weighted(&[(Teacher, 80), (Parent, 20)]),
        "neglect" | "abandonment" | "denial_of_education" | "child_marriage" => {
            rng.weighted(&[(Parent, 70), (Relative, 25), (Unknown, 5)])
        }
        _ => rng.weighted(&[
            (Relative, 20),
            (Acquaintance, 18),
            (Neighbour, 15),
            (Stranger, 15),
            (Parent, 12),
            (Other, 5),
            (Unknown, 15),
        ]),
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
