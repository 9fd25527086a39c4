//! The match score: a Fellegi-Sunter sum of log2 likelihood ratios, one per kind of evidence, turned
//! into a probability under a stated prior.
//!
//! Each weight is log2(m / u): m is the chance of the observation when both records are the same
//! child, u when they are two different children that blocking brought together (so u is about
//! namesakes and siblings, not random strangers). A name token's u is its frequency, which stands in
//! for how many namesakes the name brings into a block. Fields that all describe the household (a
//! guardian's phone, a guardian's CNIC typed as the child's identifier, the family name, the
//! district) are not independent evidence: siblings share them all. So the stronger of an equal
//! identifier and an equal phone counts alone, and when the pair looks like siblings (linked by
//! household, or with given names that disagree) agreeing family names and districts count for
//! nothing; the child's own given name, sex and birth then decide.
//!
//! The sum is turned into a probability with [`PRIOR_LOG2_ODDS`]. [`POSSIBLE`] is a round figure
//! (one chance in ten is worth a reviewer's look). [`LIKELY`] was set the way Fellegi and Sunter set
//! their upper threshold, from the tolerated rate of false links: on development pairs made by
//! bench/matching/generate_pairs.py with seeds 1 to 10 (not the committed evaluation set), a likely
//! verdict was right 95% of the time from a probability of about 0.83, rounded up to 0.85.

use chrono::NaiveDate;

use super::birth::{birth_window, compare_births, BirthAgreement, BirthWindow};
use super::name_match::{compare_names, PersonName};
use super::phone::normalise_phone;
use super::{ChildFacts, Likelihood, MatchOutcome, MatchReason};
use crate::case::Sex;
use crate::child::normalise_identifier;

/// Prior log2 odds that a candidate pair is one child: about 1 in 100 of the pairs that share a
/// blocking key, since most registrations are of different children.
pub const PRIOR_LOG2_ODDS: f64 = -6.64;
/// Probability from which a pair is shown as a likely duplicate (about 6 to 1 on; see the module
/// documentation for how it was set).
pub const LIKELY: f64 = 0.85;
/// Probability from which a pair is worth a reviewer's look (1 chance in 10).
pub const POSSIBLE: f64 = 0.10;

// The verdicts need POSSIBLE below LIKELY, both strictly between 0 and 1.
const _: () = assert!(0.0 < POSSIBLE && POSSIBLE < LIKELY && LIKELY < 1.0);

/// log2(m / u).
fn weight(m: f64, u: f64) -> f64 {
    (m / u).log2()
}

/// The facts of one record, parsed once.
struct Prepared {
    name: PersonName,
    sex: Sex,
    birth: Option<BirthWindow>,
    identifier: Option<String>,
    province: String,
    district: Option<String>,
    phone: Option<String>,
}

impl Prepared {
    fn new(facts: &ChildFacts, today: NaiveDate) -> Prepared {
        Prepared {
            name: PersonName::new(facts.given_name.as_deref(), facts.family_name.as_deref()),
            sex: facts.sex,
            birth: birth_window(facts, today),
            identifier: facts
                .identifier
                .as_deref()
                .and_then(|raw| normalise_identifier(raw).ok()),
            province: normalise_place(&facts.province),
            district: facts
                .district
                .as_deref()
                .map(normalise_place)
                .filter(|district| !district.is_empty()),
            phone: facts.guardian_phone.as_deref().and_then(normalise_phone),
        }
    }
}

/// A place name lower-cased with its spacing collapsed.
pub(crate) fn normalise_place(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Evidence gathered so far.
#[derive(Default)]
struct Evidence {
    items: Vec<(f64, MatchReason)>,
}

impl Evidence {
    fn add(&mut self, bits: f64, reason: MatchReason) {
        self.items.push((bits, reason));
    }

    fn bits(&self) -> f64 {
        self.items.iter().map(|(bits, _)| bits).sum()
    }

    /// Reasons by the size of their weight, largest first.
    fn reasons(mut self) -> Vec<MatchReason> {
        self.items.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
        self.items.into_iter().map(|(_, reason)| reason).collect()
    }
}

/// How likely two registrations are to be the same child, and why. `today` dates estimated ages.
pub fn score(a: &ChildFacts, b: &ChildFacts, today: NaiveDate) -> MatchOutcome {
    let a = Prepared::new(a, today);
    let b = Prepared::new(b, today);
    let mut evidence = Evidence::default();
    let household_link = compare_household(&a, &b, &mut evidence);
    let names = compare_names(&a.name, &b.name);
    // Siblings share a household, a family name and a district: when the pair looks like siblings
    // (linked by household, or with given names that disagree) those agreements are no evidence.
    let looks_like_siblings = household_link || names.is_some_and(|names| names.given_names_differ);
    if let Some(names) = names {
        let family_bits = if looks_like_siblings {
            0.0
        } else {
            names.family_bits
        };
        evidence.add(names.bits + family_bits, names.reason);
    }
    if let (Some(birth_a), Some(birth_b)) = (&a.birth, &b.birth) {
        let (bits, reason) = birth_evidence(birth_a, birth_b);
        evidence.add(bits, reason);
    }
    compare_sex(a.sex, b.sex, &mut evidence);
    compare_place(&a, &b, looks_like_siblings, &mut evidence);
    let evidence_bits = evidence.bits();
    let score = 1.0 / (1.0 + (-(PRIOR_LOG2_ODDS + evidence_bits)).exp2());
    let likelihood = if score >= LIKELY {
        Some(Likelihood::Likely)
    } else if score >= POSSIBLE {
        Some(Likelihood::Possible)
    } else {
        None
    };
    MatchOutcome {
        score,
        likelihood,
        reasons: evidence.reasons(),
        evidence_bits,
    }
}

/// Identifier and guardian phone; returns whether either links the two records to one household.
fn compare_household(a: &Prepared, b: &Prepared, evidence: &mut Evidence) -> bool {
    let identifier = match (&a.identifier, &b.identifier) {
        (Some(x), Some(y)) if x == y => {
            // u: siblings registered under a guardian's CNIC.
            Some((weight(0.85, 0.01), MatchReason::IdentifierEqual))
        }
        // A mistyped digit or two swapped digits of the same number.
        (Some(x), Some(y)) if one_typo_apart(x, y) => {
            Some((weight(0.05, 0.002), MatchReason::IdentifierClose))
        }
        // m: a typo gives `IdentifierClose`; a wholly different number means one agency took a
        // guardian's CNIC for a child without a B-Form, which happens, but seldom.
        (Some(_), Some(_)) => Some((weight(0.05, 0.97), MatchReason::IdentifierDiffers)),
        _ => None,
    };
    let phone = match (&a.phone, &b.phone) {
        // u: siblings share a guardian's phone.
        (Some(x), Some(y)) if x == y => Some((weight(0.7, 0.02), MatchReason::GuardianPhoneEqual)),
        // m: guardians change numbers, and agencies record different relatives.
        (Some(_), Some(_)) => Some((weight(0.3, 0.98), MatchReason::GuardianPhoneDiffers)),
        _ => None,
    };
    let links = |found: &Option<(f64, MatchReason)>| found.is_some_and(|(bits, _)| bits > 0.0);
    let household_link = links(&identifier) || links(&phone);
    match (identifier, phone) {
        // Both say "same household": only the stronger counts.
        (Some(id), Some(phone)) if id.0 > 0.0 && phone.0 > 0.0 => {
            let (weaker, stronger) = if id.0 >= phone.0 {
                (phone, id)
            } else {
                (id, phone)
            };
            evidence.add(stronger.0, stronger.1);
            evidence.add(0.0, weaker.1);
        }
        (id, phone) => {
            for (bits, reason) in id.into_iter().chain(phone) {
                evidence.add(bits, reason);
            }
        }
    }
    household_link
}

/// Same length, and equal but for one digit or one pair of neighbouring digits swapped.
fn one_typo_apart(x: &str, y: &str) -> bool {
    let (x, y) = (x.as_bytes(), y.as_bytes());
    if x.len() != y.len() {
        return false;
    }
    let differing: Vec<usize> = (0..x.len()).filter(|at| x[*at] != y[*at]).collect();
    match differing.as_slice() {
        [_] => true,
        [first, second] => {
            *second == first + 1 && x[*first] == y[*second] && x[*second] == y[*first]
        }
        _ => false,
    }
}

fn birth_evidence(a: &BirthWindow, b: &BirthWindow) -> (f64, MatchReason) {
    let both_dated = a.dated && b.dated;
    match compare_births(a, b) {
        // u: twins, and namesakes born the same day.
        BirthAgreement::Equal => (weight(0.8, 0.02), MatchReason::DateOfBirthEqual),
        BirthAgreement::Close => (weight(0.12, 0.1), MatchReason::DateOfBirthClose),
        // m: a wrong year typed, or a guardian's guess recorded as a date.
        BirthAgreement::Differs(0..=2) => (weight(0.05, 0.3), MatchReason::DateOfBirthDiffers),
        BirthAgreement::Differs(_) => (weight(0.01, 0.55), MatchReason::DateOfBirthDiffers),
        BirthAgreement::Consistent { chance } => {
            let reason = if both_dated {
                MatchReason::DateOfBirthClose
            } else {
                MatchReason::AgeConsistent
            };
            (weight(0.9, chance.max(0.05)), reason)
        }
        // m: estimates miss by more than their year of slack now and then, by years rarely.
        BirthAgreement::Inconsistent(0) => (weight(0.07, 0.15), MatchReason::AgeInconsistent),
        BirthAgreement::Inconsistent(1..=2) => (weight(0.02, 0.3), MatchReason::AgeInconsistent),
        BirthAgreement::Inconsistent(_) => (weight(0.003, 0.45), MatchReason::AgeInconsistent),
    }
}

/// Only a recorded female or male counts; "other" and "unknown" say nothing either way.
fn compare_sex(a: Sex, b: Sex, evidence: &mut Evidence) {
    let recorded = |sex: Sex| matches!(sex, Sex::Female | Sex::Male);
    if !(recorded(a) && recorded(b)) {
        return;
    }
    if a == b {
        evidence.add(weight(0.98, 0.5), MatchReason::SexEqual);
    } else {
        // m: a data-entry slip.
        evidence.add(weight(0.01, 0.5), MatchReason::SexDiffers);
    }
}

fn compare_place(a: &Prepared, b: &Prepared, looks_like_siblings: bool, evidence: &mut Evidence) {
    if !a.province.is_empty() && !b.province.is_empty() && a.province != b.province {
        // m: a child moved, or was found, far from home.
        evidence.add(weight(0.04, 0.6), MatchReason::ProvinceDiffers);
        return;
    }
    match (&a.district, &b.district) {
        (Some(x), Some(y)) if x == y => {
            let bits = if looks_like_siblings {
                0.0
            } else {
                weight(0.85, 0.15)
            };
            evidence.add(bits, MatchReason::SameDistrict);
        }
        (Some(_), Some(_)) => evidence.add(weight(0.11, 0.85), MatchReason::DistrictDiffers),
        _ => {}
    }
}
