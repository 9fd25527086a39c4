//! The demo cast: which agencies and accounts the demo data set has.
//!
//! Every name carries "(demo)" or a `demo.` prefix so that nobody takes a demo agency or account for a
//! real one.

use cpims_domain::agency::{AgencyKind, Service};
use cpims_domain::user::Role;
use Service::*;

/// An agency of the demo data set.
pub struct AgencySpec {
    /// Short name used in usernames (`demo.<key>.worker`) and record numbers.
    pub key: &'static str,
    pub name: &'static str,
    pub kind: AgencyKind,
    pub province: &'static str,
    pub district: &'static str,
    pub services: &'static [Service],
}

/// The National Commission: home of the administrator, the monitor and the analyst.
pub const COMMISSION: AgencySpec = AgencySpec {
    key: "ncrc",
    name: "National Commission on the Rights of Child (demo)",
    kind: AgencyKind::Commission,
    province: "Islamabad Capital Territory",
    district: "Islamabad",
    services: &[],
};

/// One bureau per province and territory; index i is the bureau of `BUREAUS[i].province`.
pub const BUREAUS: [AgencySpec; 7] = [
    bureau(
        "punjab",
        "Punjab Child Protection & Welfare Bureau (demo)",
        "Punjab",
        "Lahore",
    ),
    bureau(
        "sindh",
        "Sindh Child Protection Authority (demo)",
        "Sindh",
        "Karachi South",
    ),
    bureau(
        "kp",
        "Khyber Pakhtunkhwa Child Protection & Welfare Commission (demo)",
        "Khyber Pakhtunkhwa",
        "Peshawar",
    ),
    bureau(
        "balochistan",
        "Balochistan Child Protection Commission (demo)",
        "Balochistan",
        "Quetta",
    ),
    bureau(
        "ict",
        "Islamabad Capital Territory Child Protection Unit (demo)",
        "Islamabad Capital Territory",
        "Islamabad",
    ),
    bureau(
        "gb",
        "Gilgit-Baltistan Child Protection Unit (demo)",
        "Gilgit-Baltistan",
        "Gilgit",
    ),
    bureau(
        "ajk",
        "Azad Jammu and Kashmir Child Protection Unit (demo)",
        "Azad Jammu and Kashmir",
        "Muzaffarabad",
    ),
];

const fn bureau(
    key: &'static str,
    name: &'static str,
    province: &'static str,
    district: &'static str,
) -> AgencySpec {
    AgencySpec {
        key,
        name,
        kind: AgencyKind::Bureau,
        province,
        district,
        services: &[AlternativeCare, FamilyTracing, Psychosocial],
    }
}

/// The agencies that receive referrals, each with a referral partner account. Between them they offer
/// every service, so every incident category has somewhere to be referred to.
pub const PARTNERS: [AgencySpec; 7] = [
    AgencySpec {
        key: "legalaid",
        name: "Safe Childhood Legal Aid Network (demo)",
        kind: AgencyKind::Cso,
        province: "Punjab",
        district: "Lahore",
        services: &[Court, LegalAid, Psychosocial],
    },
    AgencySpec {
        key: "shelter",
        name: "Bright Path Shelter Trust (demo)",
        kind: AgencyKind::Cso,
        province: "Sindh",
        district: "Karachi South",
        services: &[AlternativeCare, FamilyTracing, Shelter],
    },
    AgencySpec {
        key: "counselling",
        name: "Healing Hands Counselling Centre (demo)",
        kind: AgencyKind::Cso,
        province: "Khyber Pakhtunkhwa",
        district: "Peshawar",
        services: &[Medical, Psychosocial, Rehabilitation],
    },
    AgencySpec {
        key: "schools",
        name: "Second Chance Schools Foundation (demo)",
        kind: AgencyKind::Cso,
        province: "Balochistan",
        district: "Quetta",
        services: &[Education, Livelihood, Rehabilitation],
    },
    AgencySpec {
        key: "childrights",
        name: "Open Doors Child Rights Forum (demo)",
        kind: AgencyKind::Cso,
        province: "Islamabad Capital Territory",
        district: "Islamabad",
        services: &[FamilyTracing, LegalAid, Other, Psychosocial],
    },
    AgencySpec {
        key: "police",
        name: "National Police Child Protection Desk (demo)",
        kind: AgencyKind::Police,
        province: "Islamabad Capital Territory",
        district: "Islamabad",
        services: &[Police],
    },
    AgencySpec {
        key: "hospital",
        name: "Children's Hospital Child Protection Unit (demo)",
        kind: AgencyKind::Health,
        province: "Punjab",
        district: "Rawalpindi",
        services: &[Medical, Psychosocial],
    },
];

/// Bureaus that also sync records from their own case-management system (a `sync_client` account).
pub const SYNCING_BUREAUS: [&str; 2] = ["punjab", "kp"];

/// A demo account before it is written.
pub struct UserSpec {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub agency: AgencyRef,
}

/// Which demo agency an account belongs to: the commission, or an index into [`BUREAUS`] or [`PARTNERS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyRef {
    Commission,
    Bureau(usize),
    Partner(usize),
}

/// Every demo account: admin, monitor and analyst at the commission, a case worker in each bureau, sync
/// clients in [`SYNCING_BUREAUS`], and a referral partner in each receiving agency.
pub fn user_specs() -> Vec<UserSpec> {
    let mut specs = vec![
        spec(
            "demo.admin",
            "Demo Administrator",
            Role::Admin,
            AgencyRef::Commission,
        ),
        spec(
            "demo.ncrc.monitor",
            "Demo Monitor (NCRC)",
            Role::Monitor,
            AgencyRef::Commission,
        ),
        spec(
            "demo.ncrc.analyst",
            "Demo Analyst (NCRC)",
            Role::Analyst,
            AgencyRef::Commission,
        ),
        spec(
            "demo.ncrc.intake",
            "Demo Intake Officer (NCRC complaint cell)",
            Role::IntakeOfficer,
            AgencyRef::Commission,
        ),
    ];
    for (index, bureau) in BUREAUS.iter().enumerate() {
        specs.push(spec(
            &format!("demo.{}.worker", bureau.key),
            &format!("Demo Case Worker ({})", bureau.province),
            Role::CaseWorker,
            AgencyRef::Bureau(index),
        ));
        if SYNCING_BUREAUS.contains(&bureau.key) {
            specs.push(spec(
                &format!("demo.{}.sync", bureau.key),
                &format!("Demo Sync Client ({})", bureau.province),
                Role::SyncClient,
                AgencyRef::Bureau(index),
            ));
        }
    }
    for (index, partner) in PARTNERS.iter().enumerate() {
        specs.push(spec(
            &format!("demo.{}.partner", partner.key),
            &format!("Demo Referral Partner ({})", partner.key),
            Role::ReferralPartner,
            AgencyRef::Partner(index),
        ));
    }
    specs
}

fn spec(username: &str, display_name: &str, role: Role, agency: AgencyRef) -> UserSpec {
    UserSpec {
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        role,
        agency,
    }
}

impl AgencyRef {
    /// The agency's name.
    pub fn name(self) -> &'static str {
        match self {
            AgencyRef::Commission => COMMISSION.name,
            AgencyRef::Bureau(index) => BUREAUS.get(index).map_or("?", |spec| spec.name),
            AgencyRef::Partner(index) => PARTNERS.get(index).map_or("?", |spec| spec.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use cpims_domain::location::check_location;
    use cpims_domain::user::normalise_username;

    use super::*;

    #[test]
    fn every_demo_agency_is_marked_and_placed_in_a_real_district() {
        let all = BUREAUS.iter().chain(&PARTNERS).chain([&COMMISSION]);
        for spec in all {
            assert!(spec.name.ends_with("(demo)"), "{}", spec.name);
            assert_eq!(check_location(spec.province, Some(spec.district)), Ok(()));
        }
        let provinces: Vec<&str> = BUREAUS.iter().map(|spec| spec.province).collect();
        let expected: Vec<&str> = cpims_domain::taxonomy::PROVINCES
            .iter()
            .map(|province| province.name)
            .collect();
        assert_eq!(
            provinces, expected,
            "one bureau per province, in taxonomy order"
        );
    }

    #[test]
    fn the_partners_offer_every_service() {
        for service in Service::ALL {
            assert!(
                PARTNERS.iter().any(|p| p.services.contains(service)),
                "{service}"
            );
        }
    }

    #[test]
    fn every_role_has_a_demo_account_with_a_valid_username() {
        let specs = user_specs();
        for role in Role::ALL {
            assert!(specs.iter().any(|s| s.role == *role), "{role}");
        }
        for spec in &specs {
            assert_eq!(
                normalise_username(&spec.username).as_deref(),
                Ok(spec.username.as_str())
            );
            assert!(spec.username.starts_with("demo."));
        }
        assert_eq!(
            specs.first().map(|s| s.role),
            Some(Role::Admin),
            "the admin comes first"
        );
    }
}
