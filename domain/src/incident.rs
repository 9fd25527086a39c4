//! Rules an incident must satisfy on its own: consistent dates, a child under 18, a real category.

use chrono::NaiveDate;

use crate::child::age_on;
use crate::taxonomy;

/// Age at which someone stops being a child under Pakistani child protection law.
const AGE_OF_MAJORITY: u32 = 18;

/// reported_on must not precede occurred_on and neither may be after today. Returns (field, message) pairs.
///
/// Every problem is reported at once, so a client can fix the whole form in one round trip.
pub fn check_incident_dates(
    occurred_on: NaiveDate,
    reported_on: NaiveDate,
    today: NaiveDate,
) -> Vec<(&'static str, &'static str)> {
    let mut problems = Vec::new();
    if occurred_on > today {
        problems.push(("occurred_on", "must not be in the future"));
    }
    if reported_on > today {
        problems.push(("reported_on", "must not be in the future"));
    }
    if reported_on < occurred_on {
        problems.push(("reported_on", "must not precede occurred_on"));
    }
    problems
}

/// The child must be under 18 on occurred_on (when date of birth known). Err message if not, also Err if
/// occurred before birth.
///
/// The messages are about `occurred_on`, the field a caller is most likely to have mistyped.
pub fn check_child_age_at(
    date_of_birth: Option<NaiveDate>,
    occurred_on: NaiveDate,
) -> Result<(), &'static str> {
    let Some(date_of_birth) = date_of_birth else {
        // Many children reach the system with only an estimated age; that must not block the complaint.
        return Ok(());
    };
    match age_on(date_of_birth, occurred_on) {
        None => Err("must not precede the child's date of birth"),
        Some(age) if age >= AGE_OF_MAJORITY => Err("must be before the child's 18th birthday"),
        Some(_) => Ok(()),
    }
}

/// The subcategory (if given) belongs to the category (crate::taxonomy::category(code)); unknown
/// category -> ("category", msg); bad sub -> ("subcategory", msg).
pub fn check_category(
    category: &str,
    subcategory: Option<&str>,
) -> Result<(), (&'static str, &'static str)> {
    let Some(known) = taxonomy::category(category) else {
        return Err(("category", "is not a known incident category"));
    };
    match subcategory {
        None => Ok(()),
        Some(code) if known.subcategories.iter().any(|sub| sub.code == code) => Ok(()),
        Some(_) => Err(("subcategory", "is not a sub-category of the given category")),
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
    fn consistent_past_dates_pass() {
        let today = date(2026, 11, 25);
        assert!(check_incident_dates(date(2026, 11, 1), date(2026, 11, 3), today).is_empty());
        assert!(check_incident_dates(today, today, today).is_empty());
    }

    #[test]
    fn a_report_before_the_incident_is_refused() {
        let today = date(2026, 11, 25);
        assert_eq!(
            check_incident_dates(date(2026, 11, 3), date(2026, 11, 1), today),
            vec![("reported_on", "must not precede occurred_on")]
        );
    }

    #[test]
    fn future_dates_are_refused_field_by_field() {
        let today = date(2026, 11, 25);
        let tomorrow = date(2026, 11, 26);
        assert_eq!(
            check_incident_dates(today, tomorrow, today),
            vec![("reported_on", "must not be in the future")]
        );
        assert_eq!(
            check_incident_dates(tomorrow, tomorrow, today),
            vec![
                ("occurred_on", "must not be in the future"),
                ("reported_on", "must not be in the future"),
            ]
        );
        assert_eq!(
            check_incident_dates(tomorrow, today, today),
            vec![
                ("occurred_on", "must not be in the future"),
                ("reported_on", "must not precede occurred_on"),
            ]
        );
    }

    #[test]
    fn incidents_must_happen_while_the_person_is_a_child() {
        let born = date(2008, 6, 15);
        assert_eq!(check_child_age_at(Some(born), born), Ok(()));
        assert_eq!(check_child_age_at(Some(born), date(2026, 6, 14)), Ok(()));
        assert_eq!(
            check_child_age_at(Some(born), date(2026, 6, 15)),
            Err("must be before the child's 18th birthday")
        );
        assert_eq!(
            check_child_age_at(Some(born), date(2008, 6, 14)),
            Err("must not precede the child's date of birth")
        );
    }

    #[test]
    fn an_unknown_date_of_birth_does_not_block_an_incident() {
        assert_eq!(check_child_age_at(None, date(1990, 1, 1)), Ok(()));
    }

    #[test]
    fn subcategories_must_belong_to_their_category() {
        assert_eq!(check_category("sexual_abuse", None), Ok(()));
        assert_eq!(check_category("sexual_abuse", Some("rape")), Ok(()));
        assert_eq!(check_category("child_marriage", Some("vani_swara")), Ok(()));
        assert_eq!(
            check_category("child_marriage", Some("rape")),
            Err(("subcategory", "is not a sub-category of the given category"))
        );
        assert_eq!(
            check_category("trafficking", Some("")),
            Err(("subcategory", "is not a sub-category of the given category"))
        );
    }

    #[test]
    fn unknown_categories_are_refused_before_their_subcategory() {
        assert_eq!(
            check_category("burglary", Some("rape")),
            Err(("category", "is not a known incident category"))
        );
        assert_eq!(
            check_category("Sexual_Abuse", None),
            Err(("category", "is not a known incident category"))
        );
    }

    #[test]
    fn every_taxonomy_subcategory_is_accepted_under_its_own_category() {
        for category in taxonomy::CATEGORIES {
            assert_eq!(check_category(category.code, None), Ok(()));
            for sub in category.subcategories {
                assert_eq!(check_category(category.code, Some(sub.code)), Ok(()));
            }
        }
    }
}
