//! `GET /api/v1/taxonomy`

use actix_web::web::Json;
use cpims_domain::agency::{AgencyKind, Service};
use cpims_domain::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, ReferralStatus,
    RiskLevel, Sex, UrbanRural, Urgency,
};
use cpims_domain::taxonomy::{CATEGORIES, LEGAL_REFERENCES, PROVINCES};
use cpims_domain::user::Role;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Authenticated;
use crate::error::Problem;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceEntry {
    pub name: &'static str,
    pub districts: Vec<&'static str>,
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
    pub legal_references: Vec<&'static str>,
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
}

/// The taxonomy: provinces and districts, incident categories with legal references, and every code list.
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
pub async fn get_taxonomy(_caller: Authenticated) -> Json<TaxonomyResponse> {
    Json(TaxonomyResponse {
        provinces: PROVINCES
            .iter()
            .map(|province| ProvinceEntry {
                name: province.name,
                districts: province.districts.to_vec(),
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
    })
}
