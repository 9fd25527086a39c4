//! Personal-data rules: which fields are personal, how names are folded for exact-match lookup, and
//! what anonymisation keeps of a record once its retention period has passed.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Fields of children whose values are personal data: encrypted at rest, erased by anonymisation.
pub const CHILD_PERSONAL_FIELDS: &[&str] = &[
    "given_name",
    "family_name",
    "identifier",
    "guardian_name",
    "guardian_phone",
];

/// Fields of incidents whose values are personal data.
pub const INCIDENT_PERSONAL_FIELDS: &[&str] = &["narrative"];

/// Fields of referrals whose values are personal data (free text that describes the child's case).
pub const REFERRAL_PERSONAL_FIELDS: &[&str] = &["reason"];

/// Fields of complaints whose values are personal data: who complained, about which child, where,
/// and what happened.
pub const COMPLAINT_PERSONAL_FIELDS: &[&str] = &[
    "complainant_name",
    "complainant_phone",
    "child_name",
    "location_detail",
    "narrative",
];

/// Whether a field of a record type (`child`, `incident`, `referral`, `complaint`) holds personal data.
pub fn is_personal_field(record_type: &str, field: &str) -> bool {
    let fields = match record_type {
        "child" => CHILD_PERSONAL_FIELDS,
        "incident" => INCIDENT_PERSONAL_FIELDS,
        "referral" => REFERRAL_PERSONAL_FIELDS,
        "complaint" => COMPLAINT_PERSONAL_FIELDS,
        _ => return false,
    };
    fields.contains(&field)
}

/// Whether a history entry's values are sealed: those of personal fields, and creation snapshots, which
/// hold every field of the new record.
pub fn is_sealed_history_field(record_type: &str, field: &str) -> bool {
    field == crate::history::CREATION_SNAPSHOT_FIELD || is_personal_field(record_type, field)
}

/// A full name folded so that spellings a case worker would call the same name compare equal: case,
/// spacing and punctuation, Latin diacritics, Arabic-script vowel marks and tatweel, and the Urdu,
/// Arabic and Persian code points of the same letter (yeh, kaf, heh, alef with hamza or madda).
/// `None` when neither part has a letter.
pub fn fold_full_name(given_name: Option<&str>, family_name: Option<&str>) -> Option<String> {
    let joined = [given_name, family_name]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let folded = fold_name(&joined);
    (!folded.is_empty()).then_some(folded)
}

/// Folds one name (see [`fold_full_name`]).
pub fn fold_name(raw: &str) -> String {
    let letters: String = raw
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter_map(fold_letter)
        .collect();
    letters.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One code point of a decomposed, lower-cased name: its canonical letter, a space for separators, or
/// nothing for marks that carry no letter.
fn fold_letter(c: char) -> Option<char> {
    match c {
        // Tatweel, zero-width (non-)joiners, apostrophes: writing aids, not letters.
        '\u{0640}' | '\u{200C}' | '\u{200D}' | '\'' | '\u{2019}' | '`' => None,
        '-' | '.' | ',' | '_' | '\u{060C}' => Some(' '),
        // Arabic yeh, alef maksura, Pashto yeh, yeh barree, yeh with hamza -> Farsi/Urdu yeh.
        '\u{064A}' | '\u{0649}' | '\u{06CD}' | '\u{06D0}' | '\u{06D2}' | '\u{0626}' => {
            Some('\u{06CC}')
        }
        // Arabic kaf -> keheh.
        '\u{0643}' => Some('\u{06A9}'),
        // Arabic heh, teh marbuta, ae, heh goal with hamza, do-chashmi heh -> heh goal.
        '\u{0647}' | '\u{0629}' | '\u{06C3}' | '\u{06D5}' | '\u{06C2}' | '\u{06BE}' => {
            Some('\u{06C1}')
        }
        // Alef with hamza above or below, with madda, wasla -> bare alef.
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => Some('\u{0627}'),
        // Waw with hamza -> waw.
        '\u{0624}' => Some('\u{0648}'),
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

/// The first day of a date's month: what anonymisation keeps of a date.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The date `years` years before `today` (29 February falls back to the 28th): records closed before it
/// are past their retention period.
pub fn retention_cutoff(today: NaiveDate, years: u32) -> NaiveDate {
    let year = today.year() - i32::try_from(years).unwrap_or(i32::MAX / 2);
    today
        .with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, today.month(), 28))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn latin_names_fold_case_spacing_punctuation_and_diacritics() {
        assert_eq!(
            fold_full_name(Some("  Zaïnab "), Some("BIBI-Khan")),
            Some("zainab bibi khan".to_owned())
        );
        assert_eq!(fold_name("Ayşe   O'Neil"), "ayse oneil");
        assert_ne!(fold_name("Ayesha"), fold_name("Aysha"));
    }

    #[test]
    fn urdu_and_arabic_letter_variants_fold_to_one_spelling() {
        // "Ali" with Arabic yeh and with Farsi yeh; "Fatima" with teh marbuta and heh; "Kulsoom" with
        // Arabic kaf and keheh; harakat and tatweel ignored.
        assert_eq!(fold_name("علي"), fold_name("علی"));
        assert_eq!(fold_name("فاطمة"), fold_name("فاطمہ"));
        assert_eq!(fold_name("كلثوم"), fold_name("کلثوم"));
        assert_eq!(fold_name("عَلِیّ"), fold_name("علی"));
        assert_eq!(fold_name("عـــلی"), fold_name("علی"));
        assert_eq!(fold_name("آمنہ"), fold_name("امنہ"));
        assert_ne!(fold_name("علی"), fold_name("عمر"));
    }

    #[test]
    fn a_name_without_letters_has_no_fold() {
        assert_eq!(fold_full_name(None, Some(" - ")), None);
        assert_eq!(fold_full_name(None, None), None);
    }

    #[test]
    fn personal_fields_are_classified_per_record_type() {
        assert!(is_personal_field("child", "identifier"));
        assert!(is_personal_field("incident", "narrative"));
        assert!(is_personal_field("referral", "reason"));
        assert!(!is_personal_field("child", "province"));
        assert!(!is_personal_field("incident", "identifier"));
    }

    #[test]
    fn anonymised_dates_keep_their_month() {
        assert_eq!(month_of(date("2015-07-23")), date("2015-07-01"));
    }

    #[test]
    fn retention_cutoff_counts_whole_years_back() {
        assert_eq!(retention_cutoff(date("2026-12-02"), 10), date("2016-12-02"));
        assert_eq!(retention_cutoff(date("2024-02-29"), 1), date("2023-02-28"));
    }
}
