//! Duplicate matching of child records: phonetic name keys that agree across Urdu script and Roman
//! spellings, blocking keys to find candidate pairs by equality, and a Fellegi-Sunter style score of
//! how likely two records describe the same child.
//!
//! One abused child is often registered by several agencies, each spelling the name its own way and
//! recording different parts of the identity. Nothing here merges records: the score and its reasons
//! are for a case worker to review.

mod birth;
mod blocking;
mod lexicon;
mod name_match;
mod names;
mod phone;
mod phonetic;
mod score;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;

use crate::case::Sex;
use crate::code_enum;

pub use blocking::{blocking_keys, BLOCKING_SCHEME};
pub use names::{name_keys, name_tokens, NameToken};
pub use phone::normalise_phone;
pub use score::{score, LIKELY, POSSIBLE, PRIOR_LOG2_ODDS};

/// What one registration says about a child, as far as matching is concerned.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildFacts {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub sex: Sex,
    pub date_of_birth: Option<NaiveDate>,
    /// Age in whole years on the `today` given to [`score`] and [`blocking_keys`], for children
    /// whose date of birth is unknown.
    pub estimated_age_years: Option<i32>,
    /// The date of birth or age is an estimate (by a police officer, a doctor, the child).
    pub age_is_estimated: bool,
    /// B-Form or CNIC number as typed; anything that is not 13 digits (dashes and spaces aside) is
    /// ignored.
    pub identifier: Option<String>,
    pub province: String,
    pub district: Option<String>,
    pub guardian_phone: Option<String>,
}

code_enum!(
    /// How strongly two records are thought to be the same child.
    Likelihood { Likely => "likely", Possible => "possible" }
);

code_enum!(
    /// One piece of evidence behind a match score, for the reviewer.
    MatchReason {
        IdentifierEqual => "identifier_equal",
        IdentifierClose => "identifier_close",
        IdentifierDiffers => "identifier_differs",
        NamesEqual => "names_equal",
        NamesSwapped => "names_swapped",
        NamesSimilar => "names_similar",
        NamesDiffer => "names_differ",
        DateOfBirthEqual => "date_of_birth_equal",
        DateOfBirthClose => "date_of_birth_close",
        DateOfBirthDiffers => "date_of_birth_differs",
        AgeConsistent => "age_consistent",
        AgeInconsistent => "age_inconsistent",
        SexEqual => "sex_equal",
        SexDiffers => "sex_differs",
        SameDistrict => "same_district",
        DistrictDiffers => "district_differs",
        ProvinceDiffers => "province_differs",
        GuardianPhoneEqual => "guardian_phone_equal",
        GuardianPhoneDiffers => "guardian_phone_differs",
    }
);

/// The verdict on a pair of records.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchOutcome {
    /// Probability (0..1) that the two records are the same child, under the prior in
    /// [`PRIOR_LOG2_ODDS`].
    pub score: f64,
    /// `Likely` at or above [`LIKELY`], `Possible` at or above [`POSSIBLE`], else `None`.
    pub likelihood: Option<Likelihood>,
    /// The evidence that counted, strongest kinds first.
    pub reasons: Vec<MatchReason>,
    /// The summed log2 likelihood ratio behind the score.
    pub evidence_bits: f64,
}
