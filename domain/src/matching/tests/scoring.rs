//! Phone numbers, blocking keys and match scores.

use super::{date, today};
use crate::case::Sex;
use crate::matching::*;

#[test]
fn pakistani_mobile_numbers_normalise_to_one_form() {
    for raw in [
        "+92 300 1234567",
        "+923001234567",
        "0300-1234567",
        "03001234567",
        "923001234567",
        "0092 300 1234567",
        "3001234567",
        "(0300) 123-4567",
        "۰۳۰۰۱۲۳۴۵۶۷",
    ] {
        assert_eq!(
            normalise_phone(raw).as_deref(),
            Some("+923001234567"),
            "{raw:?}"
        );
    }
    for raw in [
        "",
        "042-35761234",
        "+1 300 1234567",
        "0300-123456",
        "0300-12345678",
        "0300-1234567x",
        "92300123456",
    ] {
        assert_eq!(normalise_phone(raw), None, "{raw:?}");
    }
}

fn facts(given: &str, family: &str, sex: Sex) -> ChildFacts {
    ChildFacts {
        given_name: Some(given.to_owned()),
        family_name: Some(family.to_owned()),
        sex,
        date_of_birth: None,
        estimated_age_years: None,
        age_is_estimated: false,
        identifier: None,
        province: "punjab".to_owned(),
        district: Some("Lahore".to_owned()),
        guardian_phone: None,
    }
}

fn full(given: &str, family: &str) -> ChildFacts {
    ChildFacts {
        date_of_birth: Some(date(2015, 3, 14)),
        identifier: Some("35202-1234567-1".to_owned()),
        guardian_phone: Some("0300-1234567".to_owned()),
        ..facts(given, family, Sex::Female)
    }
}

fn shared(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|key| b.contains(key)).cloned().collect()
}

#[test]
fn blocking_keys_are_few_and_versioned() {
    let keys = blocking_keys(&full("Muhammad Ayesha Noor", "Khan"), today());
    assert!(keys.len() <= 8, "{keys:?}");
    assert!(keys.iter().all(|key| key.starts_with("m1:")), "{keys:?}");
    assert!(keys.contains(&"m1:id:3520212345671".to_owned()), "{keys:?}");
    assert!(keys.contains(&"m1:ph:+923001234567".to_owned()), "{keys:?}");
    assert!(blocking_keys(
        &ChildFacts {
            given_name: None,
            family_name: None,
            district: None,
            ..facts("", "", Sex::Unknown)
        },
        today()
    )
    .is_empty());
}

#[test]
fn swapped_names_share_a_blocking_key() {
    let straight = blocking_keys(&facts("Ali", "Raza", Sex::Male), today());
    let swapped = blocking_keys(&facts("Raza", "Ali", Sex::Male), today());
    assert!(
        shared(&straight, &swapped)
            .iter()
            .any(|key| key.starts_with("m1:nm:")),
        "{straight:?} {swapped:?}"
    );
}

#[test]
fn urdu_and_roman_records_of_one_child_share_blocking_keys() {
    let roman = ChildFacts {
        estimated_age_years: Some(9),
        age_is_estimated: true,
        ..facts("Ayesha", "Khan", Sex::Female)
    };
    let urdu = ChildFacts {
        date_of_birth: Some(date(2017, 2, 1)),
        ..facts("عائشہ", "خان", Sex::Female)
    };
    let common = shared(
        &blocking_keys(&roman, today()),
        &blocking_keys(&urdu, today()),
    );
    for kind in ["m1:nm:", "m1:gd:", "m1:gy:", "m1:fs:"] {
        assert!(
            common.iter().any(|key| key.starts_with(kind)),
            "{kind} {common:?}"
        );
    }
    // An identifier typed with or without dashes, and Muhammad dropped, still collide.
    let with = blocking_keys(
        &ChildFacts {
            identifier: Some("35202-1234567-1".to_owned()),
            ..facts("Muhammad Bilal", "Butt", Sex::Male)
        },
        today(),
    );
    let without = blocking_keys(
        &ChildFacts {
            identifier: Some("3520212345671".to_owned()),
            district: None,
            ..facts("Bilal", "Butt", Sex::Male)
        },
        today(),
    );
    let common = shared(&with, &without);
    assert!(
        common.contains(&"m1:id:3520212345671".to_owned()),
        "{common:?}"
    );
    assert!(
        common.iter().any(|key| key.starts_with("m1:nm:")),
        "{common:?}"
    );
}

fn reasons(a: &ChildFacts, b: &ChildFacts) -> Vec<&'static str> {
    score(a, b, today())
        .reasons
        .iter()
        .map(|reason| reason.as_str())
        .collect()
}

#[test]
fn likelihoods_and_reasons_have_codes() {
    assert_eq!(Likelihood::Likely.as_str(), "likely");
    assert_eq!(
        MatchReason::parse("names_swapped"),
        Some(MatchReason::NamesSwapped)
    );
    assert_eq!(
        MatchReason::GuardianPhoneEqual.as_str(),
        "guardian_phone_equal"
    );
}

#[test]
fn the_same_registration_twice_is_likely_with_every_reason() {
    let child = full("Zainab", "Qureshi");
    let outcome = score(&child, &child, today());
    assert_eq!(outcome.likelihood, Some(Likelihood::Likely));
    assert!(outcome.score > 0.999);
    for reason in [
        "identifier_equal",
        "guardian_phone_equal",
        "names_equal",
        "date_of_birth_equal",
        "sex_equal",
        "same_district",
    ] {
        assert!(reasons(&child, &child).contains(&reason), "{reason}");
    }
    // The strongest evidence comes first.
    assert_eq!(outcome.reasons[0], MatchReason::IdentifierEqual);
}

#[test]
fn an_urdu_and_a_roman_registration_of_one_child_are_likely() {
    let urdu = ChildFacts {
        date_of_birth: Some(date(2015, 3, 14)),
        ..facts("محمد عثمان", "قریشی", Sex::Male)
    };
    let roman = ChildFacts {
        date_of_birth: Some(date(2015, 3, 14)),
        ..facts("Mohd. Usman", "Qureshi", Sex::Male)
    };
    let outcome = score(&urdu, &roman, today());
    assert_eq!(outcome.likelihood, Some(Likelihood::Likely), "{outcome:?}");
    assert!(reasons(&urdu, &roman).contains(&"names_equal"));
}

#[test]
fn swapped_and_partly_matching_names_have_their_own_reasons() {
    let child = ChildFacts {
        estimated_age_years: Some(8),
        age_is_estimated: true,
        ..facts("Ali", "Raza", Sex::Male)
    };
    let swapped = ChildFacts {
        given_name: Some("Raza".to_owned()),
        family_name: Some("Ali".to_owned()),
        ..child.clone()
    };
    assert!(reasons(&child, &swapped).contains(&"names_swapped"));
    let renamed = ChildFacts {
        family_name: Some("Rafiq".to_owned()),
        ..child.clone()
    };
    assert!(reasons(&child, &renamed).contains(&"names_similar"));
    let other = ChildFacts {
        given_name: Some("Bilal".to_owned()),
        family_name: Some("Khattak".to_owned()),
        ..child.clone()
    };
    assert!(reasons(&child, &other).contains(&"names_differ"));
    let split = ChildFacts {
        given_name: Some("Mah Noor".to_owned()),
        ..facts("", "Khan", Sex::Female)
    };
    let joined = ChildFacts {
        given_name: Some("Mahnoor".to_owned()),
        ..split.clone()
    };
    assert!(
        reasons(&split, &joined).contains(&"names_equal"),
        "{:?}",
        reasons(&split, &joined)
    );
}

#[test]
fn identifiers_compare_as_digits_typos_and_differences() {
    let a = ChildFacts {
        identifier: Some("35202-1234567-1".to_owned()),
        ..facts("Hamza", "Butt", Sex::Male)
    };
    let dashless = ChildFacts {
        identifier: Some("3520212345671".to_owned()),
        ..a.clone()
    };
    assert!(reasons(&a, &dashless).contains(&"identifier_equal"));
    let typo = ChildFacts {
        identifier: Some("3520212345761".to_owned()),
        ..a.clone()
    };
    assert!(reasons(&a, &typo).contains(&"identifier_close"));
    let other = ChildFacts {
        identifier: Some("4210198765432".to_owned()),
        ..a.clone()
    };
    assert!(reasons(&a, &other).contains(&"identifier_differs"));
    assert!(score(&a, &other, today()).score < score(&a, &a, today()).score);
    // Malformed identifiers are ignored rather than compared.
    let junk = ChildFacts {
        identifier: Some("unknown".to_owned()),
        ..a.clone()
    };
    assert!(!reasons(&a, &junk)
        .iter()
        .any(|reason| reason.starts_with("identifier")));
}

#[test]
fn a_different_sex_is_strong_evidence_against() {
    let boy = ChildFacts {
        date_of_birth: Some(date(2018, 5, 1)),
        ..facts("Ali", "Khan", Sex::Male)
    };
    let girl = ChildFacts {
        sex: Sex::Female,
        ..boy.clone()
    };
    let outcome = score(&boy, &girl, today());
    assert!(outcome.reasons.contains(&MatchReason::SexDiffers));
    assert!(outcome.evidence_bits < score(&boy, &boy, today()).evidence_bits - 6.0);
    let unknown = ChildFacts {
        sex: Sex::Unknown,
        ..boy.clone()
    };
    assert!(!reasons(&boy, &unknown)
        .iter()
        .any(|reason| reason.starts_with("sex")));
}

#[test]
fn twins_with_different_names_and_sexes_are_not_likely() {
    let boy = ChildFacts {
        date_of_birth: Some(date(2016, 9, 9)),
        guardian_phone: Some("0321-7654321".to_owned()),
        ..facts("Ali", "Khan", Sex::Male)
    };
    let girl = ChildFacts {
        given_name: Some("Aliya".to_owned()),
        sex: Sex::Female,
        ..boy.clone()
    };
    let outcome = score(&boy, &girl, today());
    assert_eq!(outcome.likelihood, None, "{outcome:?}");
    // Only the family name agrees, and siblings share that.
    assert!(outcome.reasons.contains(&MatchReason::NamesSimilar));
}

#[test]
fn births_compare_exactly_within_a_year_for_estimates_or_as_ages() {
    let exact = ChildFacts {
        date_of_birth: Some(date(2015, 3, 14)),
        ..facts("Sidra", "Malik", Sex::Female)
    };
    let estimated = ChildFacts {
        date_of_birth: Some(date(2015, 11, 1)),
        age_is_estimated: true,
        ..exact.clone()
    };
    assert!(reasons(&exact, &estimated).contains(&"date_of_birth_close"));
    let aged = ChildFacts {
        date_of_birth: None,
        estimated_age_years: Some(11),
        age_is_estimated: true,
        ..exact.clone()
    };
    assert!(reasons(&exact, &aged).contains(&"age_consistent"));
    let older = ChildFacts {
        estimated_age_years: Some(16),
        ..aged.clone()
    };
    assert!(reasons(&exact, &older).contains(&"age_inconsistent"));
    let years_apart = ChildFacts {
        date_of_birth: Some(date(2011, 3, 14)),
        ..exact.clone()
    };
    assert!(reasons(&exact, &years_apart).contains(&"date_of_birth_differs"));
    // 1 January stands for "born that year", so two such dates are close, not equal.
    let placeholder = ChildFacts {
        date_of_birth: Some(date(2015, 1, 1)),
        ..exact.clone()
    };
    assert!(reasons(&placeholder, &placeholder).contains(&"date_of_birth_close"));
}

#[test]
fn no_shared_facts_leave_the_prior() {
    let nobody = ChildFacts {
        given_name: None,
        family_name: None,
        district: None,
        province: String::new(),
        ..facts("", "", Sex::Unknown)
    };
    let outcome = score(&nobody, &nobody, today());
    assert!(outcome.reasons.is_empty());
    assert_eq!(outcome.likelihood, None);
    assert!((outcome.score - 1.0 / (1.0 + (-PRIOR_LOG2_ODDS).exp2())).abs() < 1e-12);
}

#[test]
fn scores_do_not_depend_on_which_record_comes_first() {
    let records = [
        full("Muhammad Hassan", "Ali"),
        ChildFacts {
            estimated_age_years: Some(9),
            age_is_estimated: true,
            ..facts("حسن", "علی", Sex::Male)
        },
        facts("Ali Hassan", "", Sex::Male),
        facts("Mah Noor", "Bibi", Sex::Female),
        facts("Mahnoor", "Khan", Sex::Female),
    ];
    for a in &records {
        for b in &records {
            let (forward, backward) = (score(a, b, today()), score(b, a, today()));
            assert!((forward.score - backward.score).abs() < 1e-9, "{a:?} {b:?}");
        }
    }
}
