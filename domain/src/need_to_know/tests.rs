use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{json, Map, Value};

use super::*;

fn at(day: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .and_then(|date| date.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

fn grant(service: Service, status: ReferralStatus) -> Grant {
    Grant {
        service,
        status,
        share_narrative: false,
        created_at: at(2),
        completed_at: (status == ReferralStatus::Completed).then(|| at(10)),
    }
}

fn child() -> Map<String, Value> {
    let value = json!({
        "id": "c1", "agency_id": "a1", "external_id": "B-1", "given_name": "Ayesha",
        "family_name": "Bibi", "sex": "female", "date_of_birth": "2015-06-01",
        "estimated_age_years": null, "age_is_estimated": false, "identifier": "3520212345671",
        "province": "Punjab", "district": "Lahore", "urban_rural": "urban", "disability": false,
        "guardian_name": "Rashid", "guardian_phone": "+923001234567", "languages": ["ur"],
        "version": 3, "created_at": "x", "updated_at": "y", "created_by": "u1", "deadlines": []
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn keys(map: &Map<String, Value>) -> BTreeSet<&str> {
    map.keys().map(String::as_str).collect()
}

const NEVER_COMPLETED_AFTER: fn() -> NaiveDateTime = || at(1);

#[test]
fn pending_shows_the_minimal_view_of_the_child() {
    let view = view_of(&[grant(Service::LegalAid, ReferralStatus::Pending)], at(1));
    let sight = Sight::Shaped(view.unwrap_or_else(View::referral_receiver));
    let mut record = child();
    disclose(
        RecordKind::Child,
        &sight,
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default(),
        &mut record,
    );
    let expected: BTreeSet<&str> = CHILD_MINIMAL.iter().chain(BOOKKEEPING).copied().collect();
    assert_eq!(keys(&record), expected);
    assert_eq!(record["age_years"], json!(11));
}

#[test]
fn every_service_shows_exactly_its_profile_once_accepted() {
    for service in Service::ALL {
        for status in [
            ReferralStatus::Accepted,
            ReferralStatus::InProgress,
            ReferralStatus::Completed,
        ] {
            let view = view_of(&[grant(*service, status)], NEVER_COMPLETED_AFTER());
            let Some(view) = view else {
                panic!("{service} {status:?} gave no view");
            };
            let profile = profiles::profile(*service);
            let expected: BTreeSet<&str> =
                CHILD_MINIMAL.iter().chain(profile.child).copied().collect();
            assert_eq!(view.child, expected, "{service}");
            let expected: BTreeSet<&str> = INCIDENT_MINIMAL
                .iter()
                .chain(profile.incident)
                .copied()
                .collect();
            assert_eq!(view.incident, expected, "{service}");
            assert!(
                !view.incident.contains("narrative"),
                "{service}: narrative unshared"
            );
        }
    }
}

#[test]
fn no_profile_reveals_what_only_the_owner_keeps() {
    for profile in profiles::all() {
        for field in [
            "external_id",
            "created_by",
            "narrative",
            "closure_reason",
            "complaint_id",
        ] {
            assert!(!profile.child.contains(&field), "{:?}", profile.service);
            assert!(!profile.incident.contains(&field), "{:?}", profile.service);
        }
    }
}

#[test]
fn the_narrative_needs_the_referrer_to_share_it_and_the_receiver_to_accept() {
    let mut shared = grant(Service::Psychosocial, ReferralStatus::Pending);
    shared.share_narrative = true;
    let pending = view_of(&[shared], at(1));
    assert!(pending.is_some_and(|view| !view.incident.contains("narrative")));
    shared.status = ReferralStatus::Accepted;
    let accepted = view_of(&[shared], at(1));
    assert!(accepted.is_some_and(|view| view.incident.contains("narrative")));
}

#[test]
fn declined_cancelled_and_long_completed_referrals_give_nothing() {
    for status in [ReferralStatus::Declined, ReferralStatus::Cancelled] {
        assert_eq!(view_of(&[grant(Service::Medical, status)], at(1)), None);
    }
    let completed = grant(Service::Medical, ReferralStatus::Completed);
    assert!(
        view_of(&[completed], at(9)).is_some(),
        "within the grace period"
    );
    assert_eq!(
        view_of(&[completed], at(10)),
        None,
        "completed before the cut-off"
    );
}

#[test]
fn several_referrals_give_the_widest_current_view() {
    let medical = grant(Service::Medical, ReferralStatus::InProgress);
    let mut legal = grant(Service::LegalAid, ReferralStatus::Pending);
    legal.created_at = at(5);
    let view = view_of(&[legal, medical], at(1)).unwrap_or_else(View::referral_receiver);
    assert!(view.child.contains("date_of_birth"), "medical's profile");
    assert!(
        !view.child.contains("identifier"),
        "legal aid is only pending"
    );
    assert_eq!(view.since, at(2), "the earliest grant");
    let declined = grant(Service::LegalAid, ReferralStatus::Declined);
    let view = view_of(&[declined, medical], at(1)).unwrap_or_else(View::referral_receiver);
    assert!(!view.child.contains("identifier"));
}

#[test]
fn history_is_shown_only_for_visible_fields_since_the_first_grant() {
    let view = view_of(&[grant(Service::Medical, ReferralStatus::Accepted)], at(1))
        .unwrap_or_else(View::referral_receiver);
    let sight = Sight::Shaped(view);
    assert!(history_shows(
        RecordKind::Child,
        &sight,
        "date_of_birth",
        at(3)
    ));
    assert!(
        !history_shows(RecordKind::Child, &sight, "date_of_birth", at(1)),
        "before the grant"
    );
    assert!(
        !history_shows(RecordKind::Child, &sight, "identifier", at(3)),
        "not in the profile"
    );
    assert!(history_shows(
        RecordKind::Child,
        &Sight::Whole,
        "identifier",
        at(1)
    ));
}

#[test]
fn whole_sight_keeps_every_field_and_adds_the_age() {
    let mut record = child();
    let before = record.len();
    disclose(
        RecordKind::Child,
        &Sight::Whole,
        NaiveDate::from_ymd_opt(2026, 5, 31).unwrap_or_default(),
        &mut record,
    );
    assert_eq!(record.len(), before + 1);
    assert_eq!(
        record["age_years"],
        json!(10),
        "the day before the eleventh birthday"
    );
}

#[test]
fn a_receiver_sees_its_referral_without_the_referrers_bookkeeping() {
    let mut referral = match json!({"id": "r1", "agency_id": "a1", "external_id": "REF-9",
        "created_by": "u1", "service": "medical", "reason": "injuries", "status": "declined"})
    {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
    disclose(
        RecordKind::Referral,
        &Sight::Shaped(View::referral_receiver()),
        today,
        &mut referral,
    );
    assert_eq!(
        keys(&referral),
        BTreeSet::from(["id", "agency_id", "service", "reason", "status"])
    );
}
