//! When a child was born, as far as a registration tells: an exact date, an estimated one, or an age.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::ChildFacts;

/// Oldest age taken at face value; anything older is a typing error for matching purposes.
const MAX_AGE_YEARS: u32 = 30;

/// The range of dates a child may have been born on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BirthWindow {
    pub(crate) earliest: NaiveDate,
    pub(crate) latest: NaiveDate,
    /// From a date of birth recorded as known, not estimated.
    pub(crate) exact: bool,
    /// From a date of birth (exact or estimated) rather than an age.
    pub(crate) dated: bool,
}

/// How far apart two birth windows are, in whole years (0: less than a year).
pub(crate) type YearsApart = i64;

/// How two birth windows compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BirthAgreement {
    /// Two exact dates of birth, the same day.
    Equal,
    /// Two exact dates less than a year apart (a typo, a swapped day and month).
    Close,
    /// Two exact dates a year or more apart.
    Differs(YearsApart),
    /// An estimate on either side, and the windows overlap; `chance` is how often the windows of two
    /// children picked at random would overlap as well (wide windows say less).
    Consistent { chance: f64 },
    /// An estimate on either side, and the windows miss each other.
    Inconsistent(YearsApart),
}

/// A year of slack on each side of an estimated date of birth or age: estimates by police officers
/// and doctors are rarely closer than that.
const ESTIMATE_SLACK: Months = Months::new(12);

/// The birth window a registration implies on `today`; `None` without a date of birth or a plausible
/// age.
pub(crate) fn birth_window(facts: &ChildFacts, today: NaiveDate) -> Option<BirthWindow> {
    if let Some(born) = facts.date_of_birth {
        // 1 January is where registrations put a child known only by year of birth: a placeholder
        // for the year far more often than a birthday.
        if born.month0() == 0 && born.day0() == 0 && !facts.age_is_estimated {
            return Some(BirthWindow {
                earliest: born,
                latest: NaiveDate::from_ymd_opt(born.year(), 12, 31)?,
                exact: false,
                dated: true,
            });
        }
        if !facts.age_is_estimated {
            return Some(BirthWindow {
                earliest: born,
                latest: born,
                exact: true,
                dated: true,
            });
        }
        return Some(BirthWindow {
            earliest: born.checked_sub_months(ESTIMATE_SLACK)?,
            latest: born.checked_add_months(ESTIMATE_SLACK)?,
            exact: false,
            dated: true,
        });
    }
    let age = u32::try_from(facts.estimated_age_years?).ok()?;
    if age > MAX_AGE_YEARS {
        return None;
    }
    // Aged n today: born after this day n + 1 years ago, and no later than this day n years ago.
    let latest = today.checked_sub_months(Months::new(12 * age))?;
    let earliest = today
        .checked_sub_months(Months::new(12 * (age + 1)))?
        .checked_add_days(Days::new(1))?;
    let (earliest, latest) = if facts.age_is_estimated {
        (
            earliest.checked_sub_months(ESTIMATE_SLACK)?,
            latest.checked_add_months(ESTIMATE_SLACK)?,
        )
    } else {
        (earliest, latest)
    };
    Some(BirthWindow {
        earliest,
        latest,
        exact: false,
        dated: false,
    })
}

/// Days in a year, leap years included.
const YEAR_DAYS: i64 = 366;
/// The span of birth dates among registered children (0 to 18 years), for the chance that two
/// children's birth windows overlap by coincidence.
const CHILDHOOD_DAYS: f64 = 18.0 * 365.25;

pub(crate) fn compare_births(a: &BirthWindow, b: &BirthWindow) -> BirthAgreement {
    if a.exact && b.exact {
        let apart = (a.earliest - b.earliest).num_days().abs();
        return match apart {
            0 => BirthAgreement::Equal,
            1..YEAR_DAYS => BirthAgreement::Close,
            _ => BirthAgreement::Differs(apart / YEAR_DAYS),
        };
    }
    let gap = if a.latest < b.earliest {
        (b.earliest - a.latest).num_days()
    } else if b.latest < a.earliest {
        (a.earliest - b.latest).num_days()
    } else {
        0
    };
    if gap > 0 {
        return BirthAgreement::Inconsistent(gap / YEAR_DAYS);
    }
    // Two windows of widths wa and wb overlap when their starts are less than wa + wb apart.
    let widths = (a.latest - a.earliest).num_days() + (b.latest - b.earliest).num_days() + 1;
    BirthAgreement::Consistent {
        chance: (widths as f64 / CHILDHOOD_DAYS).min(1.0),
    }
}
