//! Evaluation of the duplicate-matching engine on the labelled pairs in tests/data/matching_pairs.tsv
//! (written by bench/matching/generate_pairs.py): precision and recall at the default thresholds.
//!
//! Run with `--nocapture` to see the figures per category and the pairs the engine gets wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cpims_domain::case::Sex;
use cpims_domain::matching::{score, ChildFacts, Likelihood};

const PAIRS: &str = include_str!("../../tests/data/matching_pairs.tsv");
const FIELDS_PER_RECORD: usize = 10;

struct Pair {
    same: bool,
    category: String,
    a: ChildFacts,
    b: ChildFacts,
    line: usize,
}

fn optional(cell: &str) -> Option<String> {
    (!cell.is_empty()).then(|| cell.to_owned())
}

fn facts(cells: &[&str]) -> ChildFacts {
    assert_eq!(cells.len(), FIELDS_PER_RECORD);
    ChildFacts {
        given_name: optional(cells[0]),
        family_name: optional(cells[1]),
        sex: Sex::parse(cells[2]).expect("sex code"),
        date_of_birth: optional(cells[3])
            .map(|date| NaiveDate::parse_from_str(&date, "%Y-%m-%d").expect("date of birth")),
        estimated_age_years: optional(cells[4]).map(|age| age.parse().expect("age")),
        age_is_estimated: cells[5] == "true",
        identifier: optional(cells[6]),
        province: cells[7].to_owned(),
        district: optional(cells[8]),
        guardian_phone: optional(cells[9]),
    }
}

/// The pairs and the day their ages refer to (`# today=YYYY-MM-DD`).
fn load() -> (Vec<Pair>, NaiveDate) {
    let mut today = None;
    let mut pairs = Vec::new();
    let mut header_seen = false;
    for (index, line) in PAIRS.lines().enumerate() {
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(date) = comment.trim().strip_prefix("today=") {
                let date = date.split(':').next().unwrap();
                today = Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap());
            }
            continue;
        }
        if !header_seen {
            assert!(line.starts_with("label\tcategory\t"), "header row");
            header_seen = true;
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), 2 + 2 * FIELDS_PER_RECORD, "line {}", index + 1);
        let same = match cells[0] {
            "same" => true,
            "different" => false,
            other => panic!("label {other:?} on line {}", index + 1),
        };
        pairs.push(Pair {
            same,
            category: cells[1].to_owned(),
            a: facts(&cells[2..2 + FIELDS_PER_RECORD]),
            b: facts(&cells[2 + FIELDS_PER_RECORD..]),
            line: index + 1,
        });
    }
    (pairs, today.expect("a `# today=` line"))
}

#[derive(Default)]
struct Tally {
    pairs: usize,
    likely: usize,
    possible: usize,
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        1.0
    } else {
        numerator as f64 / denominator as f64
    }
}

fn describe(facts: &ChildFacts) -> String {
    format!(
        "{} / {} / {} / dob {:?} age {:?}{} / id {:?} / {} {:?} / ph {:?}",
        facts.given_name.as_deref().unwrap_or("-"),
        facts.family_name.as_deref().unwrap_or("-"),
        facts.sex,
        facts.date_of_birth,
        facts.estimated_age_years,
        if facts.age_is_estimated { " est" } else { "" },
        facts.identifier,
        facts.province,
        facts.district,
        facts.guardian_phone,
    )
}

#[test]
fn precision_and_recall_meet_the_targets_at_the_default_thresholds() {
    let (pairs, today) = load();
    assert!(pairs.len() >= 500, "{} pairs", pairs.len());
    let mut by_category: BTreeMap<(bool, String), Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    for pair in &pairs {
        let outcome = score(&pair.a, &pair.b, today);
        let tally = by_category
            .entry((pair.same, pair.category.clone()))
            .or_default();
        tally.pairs += 1;
        match outcome.likelihood {
            Some(Likelihood::Likely) => tally.likely += 1,
            Some(Likelihood::Possible) => tally.possible += 1,
            None => {}
        }
        let wrong = if pair.same {
            outcome.likelihood != Some(Likelihood::Likely)
        } else {
            outcome.likelihood.is_some()
        };
        if wrong {
            misses.push((pair, outcome));
        }
    }
    let total = |same: bool, pick: fn(&Tally) -> usize| -> usize {
        by_category
            .iter()
            .filter(|((is_same, _), _)| *is_same == same)
            .map(|(_, tally)| pick(tally))
            .sum()
    };
    let positives = total(true, |t| t.pairs);
    let true_likely = total(true, |t| t.likely);
    let true_possible = total(true, |t| t.possible);
    let false_likely = total(false, |t| t.likely);
    let false_possible = total(false, |t| t.possible);
    let likely_precision = ratio(true_likely, true_likely + false_likely);
    let likely_recall = ratio(true_likely, positives);
    let flagged_precision = ratio(
        true_likely + true_possible,
        true_likely + true_possible + false_likely + false_possible,
    );
    let flagged_recall = ratio(true_likely + true_possible, positives);

    println!("label      category                                 pairs likely possible none");
    for ((same, category), tally) in &by_category {
        println!(
            "{:<10} {:<40} {:>5} {:>6} {:>8} {:>4}",
            if *same { "same" } else { "different" },
            category,
            tally.pairs,
            tally.likely,
            tally.possible,
            tally.pairs - tally.likely - tally.possible
        );
    }
    println!(
        "{} pairs ({positives} same, {} different)",
        pairs.len(),
        pairs.len() - positives
    );
    println!("likely:            precision {likely_precision:.3}  recall {likely_recall:.3}");
    println!("likely + possible: precision {flagged_precision:.3}  recall {flagged_recall:.3}");
    println!("\nmisses (same not likely; different flagged):");
    for (pair, outcome) in &misses {
        println!(
            "line {} {} {} -> {:?} score {:.3} bits {:.1} {:?}\n    a: {}\n    b: {}",
            pair.line,
            if pair.same { "same" } else { "different" },
            pair.category,
            outcome.likelihood,
            outcome.score,
            outcome.evidence_bits,
            outcome
                .reasons
                .iter()
                .map(|reason| reason.as_str())
                .collect::<Vec<_>>(),
            describe(&pair.a),
            describe(&pair.b),
        );
    }

    assert!(
        likely_precision >= 0.95,
        "likely precision {likely_precision:.3}"
    );
    assert!(likely_recall >= 0.90, "likely recall {likely_recall:.3}");
    assert!(
        flagged_recall >= 0.98,
        "likely + possible recall {flagged_recall:.3}"
    );
}
