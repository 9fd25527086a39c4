//! Routing a complaint to the competent agency: jurisdiction (the agency's province and district
//! against the child's), the services the category needs, and whether the agency is active. The
//! triage officer sees the reasons and may pick another.

use crate::agency::{Agency, AgencyKind, Service};

/// Most suggestions answered: triage reads a short list, not a directory.
pub const MAX_SUGGESTIONS: usize = 10;

/// The services a complaint of `category` needs, most important first.
pub fn services_for(category: &str) -> &'static [Service] {
    use Service::*;
    match category {
        "sexual_abuse" => &[Medical, Psychosocial, LegalAid, Police],
        "sexual_exploitation" | "online_sexual_exploitation" => &[Psychosocial, LegalAid, Police],
        "trafficking" | "sale_of_child" => &[Police, Shelter, FamilyTracing, LegalAid],
        "abduction_kidnapping" | "missing_child" => &[Police, FamilyTracing],
        "child_marriage" => &[LegalAid, Police, Shelter, Court],
        "child_labour" | "domestic_child_labour" | "bonded_labour" => {
            &[Rehabilitation, Education, LegalAid, Police]
        }
        "corporal_punishment" => &[Psychosocial, Education],
        "physical_violence" | "cruelty" => &[Medical, Psychosocial, Police],
        "neglect" | "abandonment" => &[AlternativeCare, Shelter, Psychosocial],
        "online_harm" => &[Psychosocial, Police],
        "child_in_conflict_with_law" => &[LegalAid, Court, Rehabilitation],
        "denial_of_education" => &[Education],
        "birth_registration" => &[LegalAid],
        "discrimination" => &[LegalAid, Psychosocial],
        _ => &[Psychosocial],
    }
}

/// Whether the child must be looked for: the district's police are suggested whatever else matches.
pub fn needs_police_search(category: &str) -> bool {
    matches!(category, "missing_child" | "abduction_kidnapping")
}

/// One suggested agency with why it was suggested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub agency_id: String,
    pub name: String,
    pub score: u32,
    pub reasons: Vec<String>,
}

/// What a complaint's routing is worked out from.
#[derive(Debug, Clone, Copy)]
pub struct Whereabouts<'a> {
    pub category: &'a str,
    pub province: &'a str,
    pub district: Option<&'a str>,
}

/// The competent agencies for a complaint, best first (ties by name): active agencies in the child's
/// province, and the national commission. Inactive agencies are never suggested.
pub fn suggest(complaint: Whereabouts<'_>, agencies: &[Agency]) -> Vec<Suggestion> {
    let needed = services_for(complaint.category);
    let mut suggestions: Vec<Suggestion> = agencies
        .iter()
        .filter(|agency| agency.active)
        .filter_map(|agency| weigh(complaint, needed, agency))
        .collect();
    suggestions.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    suggestions.truncate(MAX_SUGGESTIONS);
    suggestions
}

fn weigh(complaint: Whereabouts<'_>, needed: &[Service], agency: &Agency) -> Option<Suggestion> {
    let mut score = 0;
    let mut reasons = Vec::new();
    let same_province = agency.province == complaint.province;
    let same_district = same_province
        && complaint.district.is_some()
        && agency.district.as_deref() == complaint.district;
    if same_district {
        score += 30;
        reasons.push(format!(
            "jurisdiction: in the child's district ({})",
            agency.district.as_deref().unwrap_or_default()
        ));
    } else if same_province && agency.district.is_none() {
        score += 20;
        reasons.push(format!(
            "jurisdiction: covers the child's province ({})",
            agency.province
        ));
    } else if same_province {
        score += 10;
        reasons.push(format!(
            "jurisdiction: in the child's province ({}), another district",
            agency.province
        ));
    } else if agency.kind == AgencyKind::Commission {
        score += 5;
        reasons.push("jurisdiction: national commission".to_owned());
    } else {
        return None;
    }
    if agency.kind == AgencyKind::Bureau && same_province {
        score += 15;
        reasons.push("the province's child protection bureau".to_owned());
    }
    let offered: Vec<&str> = needed
        .iter()
        .filter(|service| agency.services.contains(service))
        .map(|service| service.as_str())
        .collect();
    if !offered.is_empty() {
        score += 8 * u32::try_from(offered.len()).unwrap_or(u32::MAX / 8);
        reasons.push(format!(
            "services: offers {} needed for {}",
            offered.join(", "),
            complaint.category
        ));
    }
    let searches = needs_police_search(complaint.category)
        && agency.kind == AgencyKind::Police
        && same_district;
    if searches {
        score += 40;
        reasons.push(
            "police in the child's district: a missing or abducted child needs an FIR and a search"
                .to_owned(),
        );
    }
    let general = matches!(agency.kind, AgencyKind::Bureau | AgencyKind::Commission);
    if offered.is_empty() && !general && !searches {
        return None;
    }
    reasons.push("active".to_owned());
    Some(Suggestion {
        agency_id: agency.id.clone(),
        name: agency.name.clone(),
        score,
        reasons,
    })
}
