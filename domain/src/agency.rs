//! Agencies: the bureaus, commissions, CSOs and other bodies that own records and receive referrals.

use crate::code_enum;

code_enum!(
    /// What kind of body an agency is.
    AgencyKind {
        Bureau => "bureau",
        Commission => "commission",
        Police => "police",
        Court => "court",
        Health => "health",
        Education => "education",
        SocialWelfare => "social_welfare",
        Cso => "cso",
        UnAgency => "un_agency",
        Other => "other",
    }
);

code_enum!(
    /// A service an agency offers and a referral asks for (the service mapping of Action Plan S2.2.3).
    Service {
        LegalAid => "legal_aid",
        Medical => "medical",
        Psychosocial => "psychosocial",
        Shelter => "shelter",
        AlternativeCare => "alternative_care",
        Education => "education",
        FamilyTracing => "family_tracing",
        Rehabilitation => "rehabilitation",
        Livelihood => "livelihood",
        Police => "police",
        Court => "court",
        Other => "other",
    }
);

/// Sorts and deduplicates a service list so that equal mappings compare and store equally.
pub fn normalise_services(mut services: Vec<Service>) -> Vec<Service> {
    services.sort();
    services.dedup();
    services
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_parse() {
        for kind in AgencyKind::ALL {
            assert_eq!(AgencyKind::parse(kind.as_str()), Some(*kind));
        }
        for service in Service::ALL {
            assert_eq!(Service::parse(service.as_str()), Some(*service));
        }
        assert_eq!(AgencyKind::parse("Bureau"), None);
    }

    #[test]
    fn service_lists_are_sorted_and_deduplicated() {
        let services =
            normalise_services(vec![Service::Shelter, Service::LegalAid, Service::Shelter]);
        assert_eq!(services, vec![Service::LegalAid, Service::Shelter]);
    }
}

/// A registered agency, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub kind: AgencyKind,
    pub province: String,
    pub district: Option<String>,
    pub services: Vec<Service>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub created_by: Option<String>,
}
