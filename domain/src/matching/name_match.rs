//! Comparing two children's names token by token, across scripts and across the given/family split.

use super::names::{name_tokens, NameToken};
use super::MatchReason;

/// Chance that a token of a child's name is found again in another registration of the same child
/// (spelling aside, which the keys absorb).
const TOKEN_FOUND_AGAIN: f64 = 0.9;
/// Chance that a given-name token of a child is missing or replaced in another registration: rare,
/// since the given name is what the child answers to.
const GIVEN_TOKEN_LOST: f64 = 0.05;
/// The same for a family-name token: agencies variously record a clan name, the father's name or
/// nothing ("Ayesha Khan", "Ayesha Rafiq", "Ayesha Bibi").
const FAMILY_TOKEN_LOST: f64 = 0.3;
/// The same for tokens such as "Muhammad" before a given name, which registrations often drop.
const OMITTABLE_TOKEN_LOST: f64 = 0.4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Given,
    Family,
}

/// A child's name as tokens, by field.
#[derive(Debug, Clone, Default)]
pub(crate) struct PersonName {
    tokens: Vec<(Field, NameToken)>,
}

impl PersonName {
    pub(crate) fn new(given: Option<&str>, family: Option<&str>) -> PersonName {
        let given = given.map(name_tokens).unwrap_or_default();
        let family = family.map(name_tokens).unwrap_or_default();
        let tokens = given
            .into_iter()
            .map(|token| (Field::Given, token))
            .chain(family.into_iter().map(|token| (Field::Family, token)))
            .collect();
        PersonName { tokens }
    }

    pub(crate) fn given(&self) -> impl Iterator<Item = &NameToken> {
        self.in_field(Field::Given)
    }

    pub(crate) fn family(&self) -> impl Iterator<Item = &NameToken> {
        self.in_field(Field::Family)
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = &NameToken> {
        self.tokens.iter().map(|(_, token)| token)
    }

    fn in_field(&self, field: Field) -> impl Iterator<Item = &NameToken> {
        self.tokens
            .iter()
            .filter(move |(in_field, _)| *in_field == field)
            .map(|(_, token)| token)
    }

    fn has(&self, field: Field) -> bool {
        self.in_field(field).next().is_some()
    }
}

/// Which tokens of each side found a partner, and what the partners add up to.
struct Pairing<'a> {
    a: &'a PersonName,
    b: &'a PersonName,
    matched_a: Vec<bool>,
    matched_b: Vec<bool>,
    /// Weight of tokens paired within the family names, which siblings share too.
    family_bits: f64,
    /// Weight of every other pairing.
    bits: f64,
    straight: usize,
    crossed: usize,
}

impl Pairing<'_> {
    /// Counts a pairing of `token`, of `field` on one side, with a partner in `partner_field`.
    fn count(&mut self, token: &NameToken, field: Field, partner_field: Field) {
        let bits = (TOKEN_FOUND_AGAIN / token.frequency).log2();
        if field == Field::Family && partner_field == Field::Family {
            self.family_bits += bits;
        } else {
            self.bits += bits;
        }
        if !token.often_omitted {
            if partner_field == field {
                self.straight += 1;
            } else {
                self.crossed += 1;
            }
        }
    }
}

/// What the names of a pair say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NameEvidence {
    /// Log2 likelihood ratio of everything but agreeing family names.
    pub(crate) bits: f64,
    /// Log2 likelihood ratio of agreeing family names: siblings share them, so the caller drops it
    /// when the pair looks like siblings.
    pub(crate) family_bits: f64,
    pub(crate) reason: MatchReason,
    /// Both have given names and no meaningful token of either found a partner: two children of one
    /// family look like this, one child registered twice rarely does.
    pub(crate) given_names_differ: bool,
}

/// The name evidence of a pair; `None` when either has no name.
///
/// Tokens are paired across both fields, so swapped given and family names still agree, and a token
/// may pair with two neighbouring tokens it joins ("Mahnoor", "Mah Noor").
pub(crate) fn compare_names(a: &PersonName, b: &PersonName) -> Option<NameEvidence> {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return None;
    }
    let mut pairing = Pairing {
        a,
        b,
        matched_a: vec![false; a.tokens.len()],
        matched_b: vec![false; b.tokens.len()],
        family_bits: 0.0,
        bits: 0.0,
        straight: 0,
        crossed: 0,
    };
    // Rarest tokens choose first, so a common token cannot take the partner of a rare one.
    let mut order: Vec<usize> = (0..a.tokens.len()).collect();
    order.sort_by(|x, y| {
        a.tokens[*x]
            .1
            .frequency
            .total_cmp(&a.tokens[*y].1.frequency)
    });
    for index in order {
        let (field, token) = &a.tokens[index];
        if let Some(partner) = best_partner(token, *field, b, &pairing.matched_b) {
            pairing.matched_a[index] = true;
            pairing.matched_b[partner] = true;
            pairing.count(token, *field, b.tokens[partner].0);
        }
    }
    join_leftovers(&mut pairing);
    let (matched_a, matched_b) = (&pairing.matched_a, &pairing.matched_b);
    let (straight, crossed) = (pairing.straight, pairing.crossed);
    // Once names are swapped, which leftover token was the given name is anyone's guess.
    let swapped = crossed > 0;
    let mut bits = pairing.bits;
    for field in [Field::Given, Field::Family] {
        if a.has(field) && b.has(field) {
            let lost_a = lost_bits(a, matched_a, field, swapped);
            let lost_b = lost_bits(b, matched_b, field, swapped);
            // A replaced token shows on both sides, a dropped one on one side: count it once.
            bits += lost_a.min(lost_b);
        }
    }
    let all_matched = matched_a.iter().chain(matched_b).all(|matched| *matched);
    let given_matched = |name: &PersonName, matched: &[bool]| {
        name.tokens
            .iter()
            .zip(matched)
            .any(|((field, token), matched)| {
                *field == Field::Given && *matched && !token.often_omitted
            })
    };
    let given_names_differ = a.has(Field::Given)
        && b.has(Field::Given)
        && !given_matched(a, matched_a)
        && !given_matched(b, matched_b);
    let reason = if straight + crossed == 0 {
        MatchReason::NamesDiffer
    } else if crossed > 0 && (straight == 0 || all_matched) {
        MatchReason::NamesSwapped
    } else if all_matched {
        MatchReason::NamesEqual
    } else {
        MatchReason::NamesSimilar
    };
    Some(NameEvidence {
        bits,
        family_bits: pairing.family_bits,
        reason,
        given_names_differ,
    })
}

/// Pairs a leftover token on one side with two neighbouring leftovers of one field on the other
/// side that it writes as one word.
fn join_leftovers(pairing: &mut Pairing<'_>) {
    let (a, b) = (pairing.a, pairing.b);
    for (index, (field, token)) in a.tokens.iter().enumerate() {
        if pairing.matched_a[index] {
            continue;
        }
        if let Some((first, partner_field)) = joined_pair(token, b, &pairing.matched_b) {
            pairing.matched_a[index] = true;
            pairing.matched_b[first] = true;
            pairing.matched_b[first + 1] = true;
            pairing.count(token, *field, partner_field);
        }
    }
    for (index, (field, token)) in b.tokens.iter().enumerate() {
        if pairing.matched_b[index] {
            continue;
        }
        if let Some((first, partner_field)) = joined_pair(token, a, &pairing.matched_a) {
            pairing.matched_b[index] = true;
            pairing.matched_a[first] = true;
            pairing.matched_a[first + 1] = true;
            pairing.count(token, *field, partner_field);
        }
    }
}

/// The first of two neighbouring unmatched tokens of one field in `name` that `token` joins.
fn joined_pair(token: &NameToken, name: &PersonName, taken: &[bool]) -> Option<(usize, Field)> {
    (0..name.tokens.len().saturating_sub(1)).find_map(|first| {
        let ((field, left), (next_field, right)) = (&name.tokens[first], &name.tokens[first + 1]);
        let free = !taken[first] && !taken[first + 1];
        (free && field == next_field && token.joins(left, right)).then_some((first, *field))
    })
}

/// The unmatched token of `b` that spells the same name as `token`, preferring the same field.
fn best_partner(token: &NameToken, field: Field, b: &PersonName, taken: &[bool]) -> Option<usize> {
    let candidates = || {
        b.tokens
            .iter()
            .enumerate()
            .filter(|(index, (_, other))| !taken[*index] && token.same_name_as(other))
    };
    candidates()
        .find(|(_, (other_field, _))| *other_field == field)
        .or_else(|| candidates().next())
        .map(|(index, _)| index)
}

/// Log2 likelihood ratio of the unmatched tokens of one side's field (zero or negative); a
/// `swapped` pair's leftovers are charged at the family-name rate.
fn lost_bits(name: &PersonName, matched: &[bool], field: Field, swapped: bool) -> f64 {
    name.tokens
        .iter()
        .zip(matched)
        .filter(|((in_field, _), matched)| *in_field == field && !**matched)
        .map(|((_, token), _)| {
            let lost = if token.often_omitted {
                OMITTABLE_TOKEN_LOST
            } else if field == Field::Given && !swapped {
                GIVEN_TOKEN_LOST
            } else {
                FAMILY_TOKEN_LOST
            };
            lost.log2()
        })
        .sum()
}
