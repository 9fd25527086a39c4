//! Blocking keys: the few strings per child that a caller hashes and stores, so that candidate
//! duplicates are found by equality instead of scoring every pair of children.

use chrono::{Datelike, NaiveDate};

use super::birth::birth_window;
use super::name_match::PersonName;
use super::names::NameToken;
use super::phone::normalise_phone;
use super::score::normalise_place;
use super::ChildFacts;
use crate::case::Sex;
use crate::child::normalise_identifier;

/// Prefix of every key; changes whenever the keys of a child would change, so stored hashes of an
/// older scheme can be recomputed rather than silently missing candidates.
pub const BLOCKING_SCHEME: &str = "m1";

/// Width of the birth-year bands in `gy` keys: wide enough that an estimated age and the true date
/// of birth usually share a band, narrow enough that a band of a common name stays small.
const BIRTH_BAND_YEARS: i32 = 4;

/// The strings to hash and store for a child (at most eight). Each exists for a kind of duplicate
/// the others miss:
///
/// - `id`: the 13-digit identifier, however it was typed.
/// - `ph`: the guardian's mobile number (finds siblings too; the score sorts them out).
/// - `nm`: all name tokens sorted, minus often-dropped ones like Muhammad: same name anywhere, even
///   with given and family names swapped or split differently.
/// - `gd`: each of the two rarest given-name tokens with the district: the family name differs or
///   is missing.
/// - `gy`: the rarest given-name token with the birth-year band(s): same child registered in another
///   district (after moving, or where they were found).
/// - `fs`: the rarest family-name token with sex and district: the given name was misheard or a
///   nickname.
///
/// Keys depend only on phonetic keys, never on spelling or script, so an Urdu and a Roman record of
/// one child share them. `today` dates estimated ages.
pub fn blocking_keys(facts: &ChildFacts, today: NaiveDate) -> Vec<String> {
    let mut keys = Vec::with_capacity(8);
    let mut push = |kind: &str, value: String| {
        let key = format!("{BLOCKING_SCHEME}:{kind}:{value}");
        if !keys.contains(&key) {
            keys.push(key);
        }
    };
    if let Some(identifier) = facts
        .identifier
        .as_deref()
        .and_then(|raw| normalise_identifier(raw).ok())
    {
        push("id", identifier);
    }
    if let Some(phone) = facts.guardian_phone.as_deref().and_then(normalise_phone) {
        push("ph", phone);
    }
    let name = PersonName::new(facts.given_name.as_deref(), facts.family_name.as_deref());
    let mut all: Vec<&str> = informative(name.all())
        .iter()
        .map(|token| token.key.as_str())
        .collect();
    all.sort_unstable();
    if !all.is_empty() {
        push("nm", all.join("."));
    }
    let given = informative(name.given());
    let district = facts
        .district
        .as_deref()
        .map(normalise_place)
        .filter(|district| !district.is_empty());
    if let Some(district) = &district {
        for token in given.iter().take(2) {
            push("gd", format!("{}:{district}", token.key));
        }
    }
    if let (Some(rarest), Some(window)) = (given.first(), birth_window(facts, today)) {
        let first = window.earliest.year().div_euclid(BIRTH_BAND_YEARS);
        let last = window.latest.year().div_euclid(BIRTH_BAND_YEARS);
        for band in first..=last.min(first + 1) {
            push("gy", format!("{}:{}", rarest.key, band * BIRTH_BAND_YEARS));
        }
    }
    let sex = match facts.sex {
        Sex::Female | Sex::Male => Some(facts.sex.as_str()),
        Sex::Other | Sex::Unknown => None,
    };
    if let (Some(rarest), Some(sex), Some(district)) =
        (informative(name.family()).first(), sex, &district)
    {
        push("fs", format!("{}:{sex}:{district}", rarest.key));
    }
    keys
}

/// Tokens rarest first, leaving out those often dropped (Muhammad) unless nothing else is left.
/// Ties go by key, so two registrations with the same tokens pick the same ones.
fn informative<'a>(tokens: impl Iterator<Item = &'a NameToken>) -> Vec<&'a NameToken> {
    let mut tokens: Vec<&NameToken> = tokens.collect();
    tokens.sort_by(|x, y| {
        x.frequency
            .total_cmp(&y.frequency)
            .then_with(|| x.key.cmp(&y.key))
    });
    tokens.dedup_by(|x, y| x.key == y.key);
    if tokens.iter().any(|token| !token.often_omitted) {
        tokens.retain(|token| !token.often_omitted);
    }
    tokens
}
