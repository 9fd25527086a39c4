//! `GET /api/v1/taxonomy`

use actix_web::web::{self, Json};
use cpims_domain::agency::{AgencyKind, Service};
use cpims_domain::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, ReferralStatus,
    RiskLevel, Sex, UrbanRural, Urgency,
};
use cpims_domain::complaint::{
    ComplainantType, ComplaintChannel, ComplaintClosureReason, ComplaintStatus, Language,
    PublicStatus,
};
use cpims_domain::deadlines::{describe_duration, rules_in_force, Applies, MilestoneType, Rule};
use cpims_domain::need_to_know;
use cpims_domain::taxonomy::law::statutes_of;
use cpims_domain::taxonomy::{CATEGORIES, LEGAL_REFERENCES, PROVINCES};
use cpims_domain::user::Role;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Authenticated;
use crate::error::Problem;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceEntry {
    pub name: &'static str,
    pub districts: Vec<&'static str>,
    /// The province's own child protection act: incidents there cite it where their category's
    /// `cites_child_protection_act` is true. Null where no such act is known to be in force (Azad
    /// Jammu and Kashmir).
    pub child_protection_act: Option<&'static str>,
    /// The province's statutes among the taxonomy's legal references: a category's provincial
    /// references apply only to incidents in their own province.
    pub legal_references: Vec<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubcategoryEntry {
    pub code: &'static str,
    pub name: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryEntry {
    pub code: &'static str,
    pub name: &'static str,
    pub subcategories: Vec<SubcategoryEntry>,
    /// The category's references in every jurisdiction: an incident cites the federal ones and those
    /// of its own province (see the province's `legal_references`).
    pub legal_references: Vec<&'static str>,
    /// Whether an incident also cites its own province's `child_protection_act`.
    pub cites_child_protection_act: bool,
}

/// A deadline rule (the operator's duration in force), so front ends can show what is timed and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineRuleEntry {
    /// The rule's code, as deadlines name it.
    pub code: &'static str,
    /// `complaint`, `incident` or `referral`.
    pub record_type: &'static str,
    /// The incident categories it applies to; null when it applies to every record of the type.
    pub categories: Option<Vec<&'static str>>,
    /// What starts the clock: `created`, `status_entered:<status>` or `milestone:<type>`.
    pub starts: String,
    /// What meets it: `status_entered:<status>`, `status_left:<status>` or `milestone:<type>`.
    pub met_by: String,
    /// How long it runs.
    pub duration: String,
    /// How long before the due time a deadline counts as `due_soon`.
    pub due_soon_lead: String,
    /// The legal citation, or "policy".
    pub source: &'static str,
    /// `statute`, `secondary` (a secondary report of a statute) or `policy`.
    pub source_kind: &'static str,
}

impl From<Rule> for DeadlineRuleEntry {
    fn from(rule: Rule) -> Self {
        DeadlineRuleEntry {
            code: rule.code.as_str(),
            record_type: rule.record.as_str(),
            categories: match rule.applies {
                Applies::Always => None,
                Applies::Categories(codes) => Some(codes.to_vec()),
            },
            starts: rule.starts.describe(),
            met_by: rule.met_by.describe(),
            duration: rule.span.describe(),
            due_soon_lead: describe_duration(rule.lead),
            source: rule.source,
            source_kind: rule.source_kind.as_str(),
        }
    }
}

/// Every place, category and enumeration a client needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyResponse {
    pub provinces: Vec<ProvinceEntry>,
    pub categories: Vec<CategoryEntry>,
    pub legal_references: Vec<&'static str>,
    pub services: Vec<&'static str>,
    pub agency_kinds: Vec<&'static str>,
    pub roles: Vec<&'static str>,
    pub sexes: Vec<&'static str>,
    pub urban_rural: Vec<&'static str>,
    pub intake_channels: Vec<&'static str>,
    pub perpetrator_relationships: Vec<&'static str>,
    pub registered_with_police: Vec<&'static str>,
    pub risk_levels: Vec<&'static str>,
    pub urgencies: Vec<&'static str>,
    pub incident_statuses: Vec<&'static str>,
    pub referral_statuses: Vec<&'static str>,
    /// The milestones a case can record.
    pub milestone_types: Vec<&'static str>,
    /// How complaints arrive.
    pub complaint_channels: Vec<&'static str>,
    /// The channels the public complaint endpoint takes.
    pub public_complaint_channels: Vec<&'static str>,
    pub complainant_types: Vec<&'static str>,
    pub languages: Vec<&'static str>,
    pub complaint_statuses: Vec<&'static str>,
    pub complaint_closure_reasons: Vec<&'static str>,
    /// What the public is told of a complaint's status.
    pub public_complaint_statuses: Vec<&'static str>,
    /// The statutory and service deadline rules in force.
    pub deadline_rules: Vec<DeadlineRuleEntry>,
    /// What an agency that receives a referral sees of the child and the incident, by stage.
    pub need_to_know: NeedToKnowEntry,
}

/// The need-to-know views (DESIGN.md, Access): the minimal view a pending referral gives, and what each
/// service adds once the referral is accepted (until `partner_access_days` after completion).
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedToKnowEntry {
    pub child_minimal: Vec<&'static str>,
    pub incident_minimal: Vec<&'static str>,
    /// The referral fields its receiving agency sees.
    pub referral_for_receiver: Vec<&'static str>,
    pub service_profiles: Vec<ServiceProfileEntry>,
    /// Days after completion that the receiving agency keeps its view (`CPIMS_PARTNER_ACCESS_DAYS`).
    pub partner_access_days: u32,
}

/// The child and incident fields one service adds to the minimal view (`narrative` is added for any
/// service when the referral has `share_narrative: true`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceProfileEntry {
    pub service: &'static str,
    pub child: Vec<&'static str>,
    pub incident: Vec<&'static str>,
}

/// The taxonomy: provinces and districts (with each one's child protection act and statutes), incident
/// categories with legal references, and every code list. An incident's `legal_references` are its
/// category's federal references and those of its own province, plus its province's
/// `child_protection_act` where the category's `cites_child_protection_act` is true, plus the caller's
/// additions.
#[utoipa::path(
    get,
    path = "/api/v1/taxonomy",
    tag = "taxonomy",
    responses(
        (status = 200, description = "The taxonomy", body = TaxonomyResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_taxonomy(
    state: web::Data<AppState>,
    _caller: Authenticated,
) -> Json<TaxonomyResponse> {
    Json(TaxonomyResponse {
        provinces: PROVINCES
            .iter()
            .map(|province| ProvinceEntry {
                name: province.name,
                districts: province.districts.to_vec(),
                child_protection_act: province.child_protection_act,
                legal_references: statutes_of(province.name),
            })
            .collect(),
        categories: CATEGORIES
            .iter()
            .map(|category| CategoryEntry {
                code: category.code,
                name: category.name,
                subcategories: category
                    .subcategories
                    .iter()
                    .map(|sub| SubcategoryEntry {
                        code: sub.code,
                        name: sub.name,
                    })
                    .collect(),
                legal_references: category.legal_references.to_vec(),
                cites_child_protection_act: category.cites_child_protection_act,
            })
            .collect(),
        legal_references: LEGAL_REFERENCES.to_vec(),
        services: Service::codes(),
        agency_kinds: AgencyKind::codes(),
        roles: Role::codes(),
        sexes: Sex::codes(),
        urban_rural: UrbanRural::codes(),
        intake_channels: IntakeChannel::codes(),
        perpetrator_relationships: PerpetratorRelationship::codes(),
        registered_with_police: PoliceRegistration::codes(),
        risk_levels: RiskLevel::codes(),
        urgencies: Urgency::codes(),
        incident_statuses: IncidentStatus::codes(),
        referral_statuses: ReferralStatus::codes(),
        milestone_types: MilestoneType::codes(),
        complaint_channels: ComplaintChannel::codes(),
        public_complaint_channels: ComplaintChannel::PUBLIC
            .iter()
            .map(|c| c.as_str())
            .collect(),
        complainant_types: ComplainantType::codes(),
        languages: Language::codes(),
        complaint_statuses: ComplaintStatus::codes(),
        complaint_closure_reasons: ComplaintClosureReason::codes(),
        public_complaint_statuses: PublicStatus::codes(),
        deadline_rules: rules_in_force(&state.config.deadline_spans)
            .into_iter()
            .map(DeadlineRuleEntry::from)
            .collect(),
        need_to_know: NeedToKnowEntry {
            child_minimal: need_to_know::CHILD_MINIMAL.to_vec(),
            incident_minimal: need_to_know::INCIDENT_MINIMAL.to_vec(),
            referral_for_receiver: need_to_know::REFERRAL_FOR_RECEIVER.to_vec(),
            service_profiles: need_to_know::profiles::all()
                .into_iter()
                .map(|profile| ServiceProfileEntry {
                    service: profile.service.as_str(),
                    child: profile.child.to_vec(),
                    incident: profile.incident.to_vec(),
                })
                .collect(),
            partner_access_days: state.config.partner_access_days,
        },
    })
}
