//! Rules about a child's identity and age: identifier shape, plausible dates of birth, age and age bands.

use chrono::{Datelike, NaiveDate};

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a 13-digit B-Form or CNIC number")]
pub struct IdentifierProblem;

/// Digits in a NADRA B-Form or CNIC number.
const IDENTIFIER_DIGITS: usize = 13;

/// Children are recorded up to 18, but case files follow them for a while: anyone born this many years
/// ago or more is taken to be a typing error rather than a person in the system's remit.
const MAX_YEARS_SINCE_BIRTH: u32 = 25;

/// Accepts "3520212345671" or "35202-1234567-1" (spaces/dashes ignored), returns 13 digits.
///
/// Stored as bare digits so that the same number typed with and without dashes finds the same child.
pub fn normalise_identifier(raw: &str) -> Result<String, IdentifierProblem> {
    let mut digits = String::with_capacity(IDENTIFIER_DIGITS);
    for c in raw.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' => {}
            _ => return Err(IdentifierProblem),
        }
    }
    if digits.len() == IDENTIFIER_DIGITS {
        Ok(digits)
    } else {
        Err(IdentifierProblem)
    }
}

/// Problems with a date of birth relative to `today`: in the future -> "must not be in the future";
/// 25 years or more before today -> "must be less than 25 years ago". Returns Ok(()) or Err(message).
pub fn check_date_of_birth(date_of_birth: NaiveDate, today: NaiveDate) -> Result<(), &'static str> {
    match age_on(date_of_birth, today) {
        None => Err("must not be in the future"),
        Some(years) if years >= MAX_YEARS_SINCE_BIRTH => Err("must be less than 25 years ago"),
        Some(_) => Ok(()),
    }
}

/// Whole years of age on a day (birthday-exact; 29 Feb birthdays count on 1 Mar in non-leap years).
///
/// `None` if `on` is before birth.
pub fn age_on(date_of_birth: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < date_of_birth {
        return None;
    }
    let born_on_leap_day = (date_of_birth.month(), date_of_birth.day()) == (2, 29);
    // In common years the later of the two candidate days is used, so a leap-day child is never aged
    // out of protection a day early.
    let birthday = if born_on_leap_day && !is_leap_year(on.year()) {
        (3, 1)
    } else {
        (date_of_birth.month(), date_of_birth.day())
    };
    let before_birthday = (on.month(), on.day()) < birthday;
    let years = on.year() - date_of_birth.year() - i32::from(before_birthday);
    u32::try_from(years).ok()
}

fn is_leap_year(year: i32) -> bool {
    NaiveDate::from_ymd_opt(year, 2, 29).is_some()
}

/// Age band used by statistics: "0-5", "6-10", "11-15", "16-17"; None for 18+.
///
/// Bands are coarse on purpose: exact ages in small areas would help re-identify a child.
pub fn age_band(age_years: u32) -> Option<&'static str> {
    match age_years {
        0..=5 => Some("0-5"),
        6..=10 => Some("6-10"),
        11..=15 => Some("11-15"),
        16..=17 => Some("16-17"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::expect_used)]
    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    #[test]
    fn identifiers_lose_their_dashes_and_spaces() {
        assert_eq!(
            normalise_identifier("3520212345671").as_deref(),
            Ok("3520212345671")
        );
        assert_eq!(
            normalise_identifier("35202-1234567-1").as_deref(),
            Ok("3520212345671")
        );
        assert_eq!(
            normalise_identifier(" 35202 1234567 1 ").as_deref(),
            Ok("3520212345671")
        );
    }

    #[test]
    fn identifiers_of_the_wrong_length_or_with_other_characters_are_refused() {
        for raw in [
            "",
            "352021234567",
            "35202123456712",
            "35202-1234567-X",
            "35202.1234567.1",
            "٣٥٢٠٢١٢٣٤٥٦٧١",
            "+3520212345671",
        ] {
            assert_eq!(normalise_identifier(raw), Err(IdentifierProblem), "{raw:?}");
        }
        assert_eq!(
            IdentifierProblem.to_string(),
            "must be a 13-digit B-Form or CNIC number"
        );
    }

    #[test]
    fn future_dates_of_birth_are_refused() {
        let today = date(2026, 11, 25);
        assert_eq!(check_date_of_birth(today, today), Ok(()));
        assert_eq!(
            check_date_of_birth(date(2026, 11, 26), today),
            Err("must not be in the future")
        );
    }

    #[test]
    fn dates_of_birth_25_years_ago_or_more_are_refused() {
        let today = date(2026, 11, 25);
        assert_eq!(check_date_of_birth(date(2001, 11, 26), today), Ok(()));
        assert_eq!(
            check_date_of_birth(date(2001, 11, 25), today),
            Err("must be less than 25 years ago")
        );
        assert_eq!(
            check_date_of_birth(date(1950, 1, 1), today),
            Err("must be less than 25 years ago")
        );
    }

    #[test]
    fn age_turns_over_on_the_birthday() {
        let born = date(2010, 6, 15);
        assert_eq!(age_on(born, born), Some(0));
        assert_eq!(age_on(born, date(2028, 6, 14)), Some(17));
        assert_eq!(age_on(born, date(2028, 6, 15)), Some(18));
        assert_eq!(age_on(born, date(2028, 12, 31)), Some(18));
        assert_eq!(age_on(born, date(2010, 6, 14)), None);
    }

    #[test]
    fn leap_day_birthdays_count_on_the_first_of_march_in_common_years() {
        let born = date(2008, 2, 29);
        assert_eq!(age_on(born, date(2026, 2, 28)), Some(17));
        assert_eq!(age_on(born, date(2026, 3, 1)), Some(18));
        assert_eq!(age_on(born, date(2028, 2, 28)), Some(19));
        assert_eq!(age_on(born, date(2028, 2, 29)), Some(20));
    }

    #[test]
    fn age_bands_cover_childhood_and_stop_at_18() {
        let bands: Vec<_> = (0..=19).map(age_band).collect();
        let mut expected = vec![Some("0-5"); 6];
        expected.extend(vec![Some("6-10"); 5]);
        expected.extend(vec![Some("11-15"); 5]);
        expected.extend(vec![Some("16-17"); 2]);
        expected.extend(vec![None; 2]);
        assert_eq!(bands, expected);
        assert_eq!(age_band(u32::MAX), None);
    }
}
