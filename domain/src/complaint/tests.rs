use super::routing::{suggest, Whereabouts};
use super::*;
use crate::agency::{Agency, AgencyKind, Service};

#[test]
fn references_read_aloud_and_parse_back() {
    let made = reference(2026, 0x3fff_ffff);
    assert_eq!(made, "CP-2026-ZZZZZZ");
    assert_eq!(reference(2026, 0), "CP-2026-000000");
    assert!(is_reference(&made));
    assert!(is_reference(&reference(2027, 123_456_789)));
    for bad in [
        "CP-2026-ZZZZZ",
        "CP-26-ZZZZZZ",
        "cp-2026-ZZZZZZ",
        "CP-2026-ZZZZZI",
        "CP-2026-ZZZZZZ-1",
    ] {
        assert!(!is_reference(bad), "{bad}");
    }
}

#[test]
fn the_public_sees_three_statuses() {
    use ComplaintStatus::*;
    assert_eq!(Received.public(true), PublicStatus::Received);
    assert_eq!(Triaged.public(true), PublicStatus::Received);
    for status in [Assigned, Declined, Accepted] {
        assert_eq!(status.public(true), PublicStatus::InProgress);
    }
    assert_eq!(Converted.public(true), PublicStatus::InProgress);
    assert_eq!(Converted.public(false), PublicStatus::Closed);
    assert_eq!(Closed.public(true), PublicStatus::Closed);
}

#[test]
fn triage_assigns_and_the_assignee_answers() {
    use ComplaintSide::*;
    use ComplaintStatus::*;
    assert_eq!(check_complaint_move(Received, Triaged, &[Receiver]), Ok(()));
    assert_eq!(check_complaint_move(Triaged, Assigned, &[Receiver]), Ok(()));
    assert_eq!(
        check_complaint_move(Assigned, Accepted, &[Assignee]),
        Ok(())
    );
    assert_eq!(
        check_complaint_move(Assigned, Declined, &[Assignee]),
        Ok(())
    );
    assert_eq!(check_complaint_move(Declined, Triaged, &[Receiver]), Ok(()));
    assert_eq!(check_complaint_move(Accepted, Closed, &[Assignee]), Ok(()));
    assert!(matches!(
        check_complaint_move(Assigned, Accepted, &[Receiver]),
        Err(MoveProblem::NotYourMove(_))
    ));
    assert!(matches!(
        check_complaint_move(Received, Triaged, &[Assignee]),
        Err(MoveProblem::NotYourMove(_))
    ));
    assert_eq!(
        check_complaint_move(Accepted, Converted, &[Assignee]),
        Err(MoveProblem::ConvertThroughCase)
    );
}

#[test]
fn illegal_moves_name_the_allowed_ones() {
    use ComplaintSide::*;
    use ComplaintStatus::*;
    assert_eq!(
        check_complaint_move(Received, Assigned, &[Receiver, Assignee]),
        Err(MoveProblem::Illegal {
            allowed_next: vec![Triaged, Closed]
        })
    );
    assert_eq!(
        check_complaint_move(Closed, Received, &[Receiver]),
        Err(MoveProblem::Illegal {
            allowed_next: vec![]
        })
    );
    for status in ComplaintStatus::ALL {
        assert_eq!(status.is_open(), !status.allowed_next().is_empty());
        if status.is_open() {
            assert!(status.allowed_next().contains(&Closed), "{status}");
        }
    }
}

fn agency(
    id: &str,
    kind: AgencyKind,
    province: &str,
    district: Option<&str>,
    services: &[Service],
) -> Agency {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    Agency {
        id: id.to_owned(),
        name: id.to_owned(),
        kind,
        province: province.to_owned(),
        district: district.map(str::to_owned),
        services: services.to_vec(),
        contact_email: None,
        contact_phone: None,
        address: None,
        active: true,
        version: 1,
        created_at: at,
        updated_at: at,
        created_by: None,
    }
}

#[test]
fn routing_prefers_the_childs_province_bureau_and_needed_services() {
    let mut inactive = agency("inactive bureau", AgencyKind::Bureau, "Punjab", None, &[]);
    inactive.active = false;
    let agencies = vec![
        agency(
            "Punjab CPWB",
            AgencyKind::Bureau,
            "Punjab",
            None,
            &[Service::Psychosocial],
        ),
        agency(
            "Sindh SCPA",
            AgencyKind::Bureau,
            "Sindh",
            None,
            &[Service::Medical],
        ),
        agency(
            "Lahore clinic",
            AgencyKind::Health,
            "Punjab",
            Some("Lahore"),
            &[Service::Medical],
        ),
        agency(
            "Lahore school",
            AgencyKind::Education,
            "Punjab",
            Some("Lahore"),
            &[Service::Education],
        ),
        agency(
            "NCRC",
            AgencyKind::Commission,
            "Islamabad Capital Territory",
            None,
            &[],
        ),
        inactive,
    ];
    let where_ = Whereabouts {
        category: "sexual_abuse",
        province: "Punjab",
        district: Some("Lahore"),
    };
    let names: Vec<String> = suggest(where_, &agencies)
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, vec!["Punjab CPWB", "Lahore clinic", "NCRC"]);
    let best = &suggest(where_, &agencies)[0];
    assert!(best.reasons.iter().any(|r| r.contains("bureau")));
    assert!(best
        .reasons
        .iter()
        .any(|r| r.starts_with("services: offers psychosocial")));
    assert!(best.reasons.contains(&"active".to_owned()));
}

#[test]
fn a_missing_child_brings_in_the_districts_police() {
    let agencies = vec![
        agency("Punjab CPWB", AgencyKind::Bureau, "Punjab", None, &[]),
        agency(
            "Lahore police",
            AgencyKind::Police,
            "Punjab",
            Some("Lahore"),
            &[],
        ),
        agency(
            "Multan police",
            AgencyKind::Police,
            "Punjab",
            Some("Multan"),
            &[],
        ),
    ];
    let missing = Whereabouts {
        category: "missing_child",
        province: "Punjab",
        district: Some("Lahore"),
    };
    let found = suggest(missing, &agencies);
    assert_eq!(found[0].name, "Lahore police");
    assert!(found[0].reasons.iter().any(|r| r.contains("FIR")));
    assert!(found.iter().all(|s| s.name != "Multan police"));
    let beaten = Whereabouts {
        category: "corporal_punishment",
        ..missing
    };
    assert!(suggest(beaten, &agencies)
        .iter()
        .all(|s| s.name != "Lahore police"));
}

#[test]
fn every_category_needs_at_least_one_service() {
    for category in crate::taxonomy::CATEGORIES {
        assert!(
            !routing::services_for(category.code).is_empty(),
            "{}",
            category.code
        );
    }
}

#[test]
fn tracking_codes_carry_every_random_bit_and_read_back_however_typed() {
    let code = tracking_code(&[0xff; TRACKING_CODE_BYTES]);
    assert_eq!(code, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
    let other = tracking_code(&[0; TRACKING_CODE_BYTES]);
    assert_eq!(normalise_tracking_code(&other), "0".repeat(32));
    let mut one_bit = [0u8; TRACKING_CODE_BYTES];
    one_bit[TRACKING_CODE_BYTES - 1] = 1;
    assert_ne!(tracking_code(&one_bit), other);
    assert_eq!(
        normalise_tracking_code("abcd-efgh ijkm"),
        normalise_tracking_code("ABCDEFGHIJKM")
    );
}
