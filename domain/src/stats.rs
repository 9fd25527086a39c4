//! What statistics may be grouped and filtered by, and which values a filter may take.

use crate::agency::{AgencyKind, Service};
use crate::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, ReferralStatus,
    RiskLevel, Sex, UrbanRural,
};
use crate::code_enum;
use crate::taxonomy::{CATEGORIES, PROVINCES};

mod complaint;

pub use complaint::ComplaintDimension;

code_enum!(
    /// A dimension incident statistics can be grouped or filtered by.
    IncidentDimension {
        Province => "province",
        District => "district",
        Category => "category",
        Subcategory => "subcategory",
        Sex => "sex",
        AgeBand => "age_band",
        Year => "year",
        Quarter => "quarter",
        Month => "month",
        UrbanRural => "urban_rural",
        PerpetratorRelationship => "perpetrator_relationship",
        IntakeChannel => "intake_channel",
        RegisteredWithPolice => "registered_with_police",
        Status => "status",
        RiskLevel => "risk_level",
    }
);

code_enum!(
    /// A dimension referral statistics can be grouped or filtered by.
    ReferralDimension {
        Service => "service",
        Status => "status",
        ToAgencyKind => "to_agency_kind",
        Province => "province",
        Month => "month",
    }
);

code_enum!(
    /// A dimension deadline compliance statistics can be grouped or filtered by.
    DeadlineDimension {
        Rule => "rule",
        Province => "province",
        District => "district",
        Agency => "agency",
        Month => "month",
    }
);

/// At most this many dimensions in one grouping.
pub const MAX_GROUP_BY: usize = 4;

/// Age bands at the incident, as statistics report them.
pub const AGE_BANDS: &[&str] = &["0-5", "6-10", "11-15", "16-17", "unknown"];

fn is_year(value: &str) -> bool {
    value.len() == 4 && value.chars().all(|c| c.is_ascii_digit())
}

fn is_month(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.is_ascii()
        && value.len() == 7
        && bytes[4] == b'-'
        && is_year(&value[..4])
        && matches!(value[5..].parse::<u8>(), Ok(1..=12))
}

fn is_quarter(value: &str) -> bool {
    // ASCII first: slicing at byte 4 of other text could split a character.
    value.is_ascii()
        && value.len() == 7
        && is_year(&value[..4])
        && matches!(&value[4..], "-Q1" | "-Q2" | "-Q3" | "-Q4")
}

impl IncidentDimension {
    /// Whether `value` is something this dimension can hold; filters with other values are refused
    /// (and, being from closed sets, can be written into SQL safely).
    pub fn accepts(self, value: &str) -> bool {
        match self {
            IncidentDimension::Province => PROVINCES.iter().any(|p| p.name == value),
            IncidentDimension::District => PROVINCES.iter().any(|p| p.districts.contains(&value)),
            IncidentDimension::Category => CATEGORIES.iter().any(|c| c.code == value),
            IncidentDimension::Subcategory => CATEGORIES
                .iter()
                .any(|c| c.subcategories.iter().any(|s| s.code == value)),
            IncidentDimension::Sex => Sex::parse(value).is_some(),
            IncidentDimension::AgeBand => AGE_BANDS.contains(&value),
            IncidentDimension::Year => is_year(value),
            IncidentDimension::Quarter => is_quarter(value),
            IncidentDimension::Month => is_month(value),
            IncidentDimension::UrbanRural => UrbanRural::parse(value).is_some(),
            IncidentDimension::PerpetratorRelationship => {
                PerpetratorRelationship::parse(value).is_some()
            }
            IncidentDimension::IntakeChannel => IntakeChannel::parse(value).is_some(),
            IncidentDimension::RegisteredWithPolice => PoliceRegistration::parse(value).is_some(),
            IncidentDimension::Status => IncidentStatus::parse(value).is_some(),
            IncidentDimension::RiskLevel => RiskLevel::parse(value).is_some(),
        }
    }
}

impl ReferralDimension {
    /// Whether `value` is something this dimension can hold.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            ReferralDimension::Service => Service::parse(value).is_some(),
            ReferralDimension::Status => ReferralStatus::parse(value).is_some(),
            ReferralDimension::ToAgencyKind => AgencyKind::parse(value).is_some(),
            ReferralDimension::Province => PROVINCES.iter().any(|p| p.name == value),
            ReferralDimension::Month => is_month(value),
        }
    }
}

impl DeadlineDimension {
    /// Whether `value` is something this dimension can hold (`month`: the month the deadline fell
    /// due, in Pakistan time).
    pub fn accepts(self, value: &str) -> bool {
        match self {
            DeadlineDimension::Rule => crate::deadlines::RuleCode::parse(value).is_some(),
            DeadlineDimension::Province => PROVINCES.iter().any(|p| p.name == value),
            DeadlineDimension::District => PROVINCES.iter().any(|p| p.districts.contains(&value)),
            DeadlineDimension::Agency => uuid_like(value),
            DeadlineDimension::Month => is_month(value),
        }
    }
}

/// A hyphenated UUID's shape (agency ids).
fn uuid_like(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Dimension for DeadlineDimension {
    fn parse(name: &str) -> Option<Self> {
        DeadlineDimension::parse(name)
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn accepts(self, value: &str) -> bool {
        DeadlineDimension::accepts(self, value)
    }
}

/// What the grouped statistics endpoints need of a dimension, so one parser serves them all.
pub trait Dimension: Copy + PartialEq {
    /// The dimension named by a `group_by` entry or filter parameter.
    fn parse(name: &str) -> Option<Self>;
    /// The name used in queries and as the column name.
    fn name(self) -> &'static str;
    /// Whether a filter on this dimension may take `value`.
    fn accepts(self, value: &str) -> bool;
}

impl Dimension for IncidentDimension {
    fn parse(name: &str) -> Option<Self> {
        IncidentDimension::parse(name)
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn accepts(self, value: &str) -> bool {
        IncidentDimension::accepts(self, value)
    }
}

impl Dimension for ReferralDimension {
    fn parse(name: &str) -> Option<Self> {
        ReferralDimension::parse(name)
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn accepts(self, value: &str) -> bool {
        ReferralDimension::accepts(self, value)
    }
}

/// Parses a comma-separated `group_by`: known, distinct dimensions, at most [`MAX_GROUP_BY`].
pub fn parse_group_by<D: Copy + PartialEq>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<D>,
) -> Result<Vec<D>, String> {
    let mut dimensions = Vec::new();
    // Absent means no grouping; a present value must name every dimension exactly, so an empty or
    // padded name (`group_by=`, `province,,sex`, ` sex`) is refused rather than silently dropped.
    let Some(raw) = raw else {
        return Ok(dimensions);
    };
    for name in raw.split(',') {
        if name.is_empty() {
            return Err("empty dimension name".to_owned());
        }
        let dimension = parse(name).ok_or_else(|| format!("unknown dimension `{name}`"))?;
        if dimensions.contains(&dimension) {
            return Err(format!("dimension `{name}` is repeated"));
        }
        dimensions.push(dimension);
    }
    if dimensions.len() > MAX_GROUP_BY {
        return Err(format!("at most {MAX_GROUP_BY} dimensions"));
    }
    Ok(dimensions)
}

/// How much of the statistics a principal may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsView {
    /// Admin and monitor: exact counts, nation-wide.
    ExactAll,
    /// Analysts: every agency's data, with disclosure control.
    ProtectedAll,
    /// Case workers and sync clients: their own agency's data, with disclosure control.
    ProtectedAgency(String),
}

/// The statistics a principal may see; `None` for roles that get none (referral partners).
pub fn stats_view(principal: &crate::principal::Principal) -> Option<StatsView> {
    use crate::user::Role;
    match principal.role {
        Role::Admin | Role::Monitor => Some(StatsView::ExactAll),
        Role::Analyst => Some(StatsView::ProtectedAll),
        Role::CaseWorker | Role::SyncClient => {
            Some(StatsView::ProtectedAgency(principal.agency_id.clone()))
        }
        Role::ReferralPartner | Role::IntakeOfficer => None,
    }
}

/// The complaint statistics a principal may see: intake staff and case workers their own agency's
/// (received or assigned), suppressed; `None` for referral partners.
pub fn complaint_stats_view(principal: &crate::principal::Principal) -> Option<StatsView> {
    use crate::user::Role;
    match principal.role {
        Role::IntakeOfficer => Some(StatsView::ProtectedAgency(principal.agency_id.clone())),
        _ => stats_view(principal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_values_come_from_closed_sets() {
        assert!(IncidentDimension::Province.accepts("Punjab"));
        assert!(!IncidentDimension::Province.accepts("Punjab' OR 1=1 --"));
        assert!(IncidentDimension::Month.accepts("2024-05"));
        assert!(!IncidentDimension::Month.accepts("2024-13"));
        assert!(IncidentDimension::Quarter.accepts("2024-Q2"));
        assert!(!IncidentDimension::Year.accepts("20x4"));
        assert!(IncidentDimension::AgeBand.accepts("16-17"));
        assert!(ReferralDimension::ToAgencyKind.accepts("cso"));
    }

    #[test]
    fn date_filters_with_multibyte_text_are_refused_not_panicked_on() {
        for value in ["\u{86}\u{c}ÁÍ", "202Á-Q1", "2024-Á1", "202Á-Q", "2024-Á"] {
            assert!(!IncidentDimension::Quarter.accepts(value), "{value}");
            assert!(!IncidentDimension::Month.accepts(value), "{value}");
            assert!(!IncidentDimension::Year.accepts(value), "{value}");
        }
    }

    #[test]
    fn each_role_gets_its_statistics_view() {
        use crate::principal::Principal;
        use crate::user::Role;
        let view = |role| {
            stats_view(&Principal {
                user_id: "u".into(),
                agency_id: "a".into(),
                role,
                grants_completed_after: chrono::NaiveDateTime::MIN,
            })
        };
        assert_eq!(view(Role::Admin), Some(StatsView::ExactAll));
        assert_eq!(view(Role::Monitor), Some(StatsView::ExactAll));
        assert_eq!(view(Role::Analyst), Some(StatsView::ProtectedAll));
        assert_eq!(
            view(Role::CaseWorker),
            Some(StatsView::ProtectedAgency("a".into()))
        );
        assert_eq!(
            view(Role::SyncClient),
            Some(StatsView::ProtectedAgency("a".into()))
        );
        assert_eq!(view(Role::ReferralPartner), None);
    }

    #[test]
    fn dimension_trait_answers_as_each_enum_does() {
        fn check<D: Dimension>(name: &str, value: &str) -> Option<bool> {
            D::parse(name).map(|d| d.name() == name && d.accepts(value))
        }
        assert_eq!(check::<IncidentDimension>("province", "Punjab"), Some(true));
        assert_eq!(check::<IncidentDimension>("sex", "Punjab"), Some(false));
        assert_eq!(
            check::<ReferralDimension>("to_agency_kind", "cso"),
            Some(true)
        );
        assert_eq!(check::<ReferralDimension>("district", "Lahore"), None);
    }

    #[test]
    fn group_by_is_parsed_strictly() {
        let parse = |raw| parse_group_by(Some(raw), IncidentDimension::parse);
        assert_eq!(
            parse("province,sex"),
            Ok(vec![IncidentDimension::Province, IncidentDimension::Sex])
        );
        assert!(parse("province, sex").is_err());
        assert!(parse("province,,sex").is_err());
        assert!(parse("province,province").is_err());
        assert!(parse("province,colour").is_err());
        assert!(parse("province,sex,year,month,status").is_err());
        assert!(parse("").is_err());
        assert_eq!(
            parse_group_by(None, IncidentDimension::parse),
            Ok(Vec::<IncidentDimension>::new())
        );
    }
}
