//! `POST /api/v1/complaints/{id}/case`

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use cpims_domain::access::RecordKind;
use cpims_domain::case::{
    IncidentStatus, PerpetratorRelationship, PoliceRegistration, RiskLevel, UrbanRural, Urgency,
};
use cpims_domain::complaint::Complaint;
use cpims_domain::records::{Incident, RecordMeta};

use super::case_dto::{MadeCase, MakeCaseRequest};
use super::dto::ComplaintResponse;
use crate::app;
use crate::app::complaints::CaseChild;
use crate::app::execute::{command, Target};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::{etag_value, optional_if_match};
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::routes::deadlines::dto::one_with_deadlines;
use crate::routes::incidents::dto::IncidentResponse;
use crate::state::AppState;

/// Makes a case of an accepted complaint (the assigned agency's case workers): a new child (`child`,
/// the fields of `POST /api/v1/children`) or an existing one of the agency (`child_id`), and a new
/// incident with the complaint's category, place, narrative and intake channel. All of it commits
/// together; the incident's `complaint_id` and the complaint's `incident_id` point at each other and
/// the complaint ends `converted`. `If-Match` (the complaint's ETag) is checked when sent.
#[utoipa::path(
    post,
    path = "/api/v1/complaints/{id}/case",
    tag = "complaints",
    params(
        ("id" = String, Path, description = "Complaint id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$"#, description = "The complaint's ETag last read; 412 when stale"),
    ),
    request_body = MakeCaseRequest,
    responses(
        (status = 201, description = "The case: the converted complaint and its incident", body = MadeCase, headers(("ETag" = String, description = "The complaint's new ETag"), ("Location" = String, description = "The incident"))),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the assigned agency's case workers make the case", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such complaint in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The complaint is not accepted; `allowed_next` lists its moves", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (the child's under `child.`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn make_case(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    body: ValidJson<MakeCaseRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let expected_version = optional_if_match(&request)?;
    let input = body.into_inner()?;
    let now = state.clock.now();
    let child = match (input.child, input.child_id) {
        (Some(child), _) => CaseChild::New(Box::new(child.into_child(app::new_meta(&caller, now)))),
        (None, Some(child_id)) => CaseChild::Existing(parse_id(&child_id).map_err(|_| {
            ApiError::validation("child_id", "no such child in your agency's records")
        })?),
        (None, None) => {
            return Err(ApiError::validation(
                "child_id",
                "give either child (a new child) or child_id (an existing one)",
            ))
        }
    };
    let facts = IncidentFacts {
        meta: app::new_meta(&caller, now),
        occurred_on: input.occurred_on,
        risk_level: input.risk_level,
        perpetrator_relationship: input.perpetrator_relationship,
    };
    let note = input.note;
    let target = Target::new(RecordKind::Complaint, &id, "make_case");
    let made = command(&state, caller, target, move |work| {
        let (complaint, incident) = app::complaints::make_case(
            work,
            &id,
            expected_version,
            child,
            |complaint, child_id| facts.incident_of(complaint, child_id),
            note,
        )?;
        let time = work.time().clone();
        let complaint = one_with_deadlines(
            work.connection(),
            &time,
            RecordKind::Complaint,
            ComplaintResponse::from(complaint),
        )?;
        let incident = one_with_deadlines(
            work.connection(),
            &time,
            RecordKind::Incident,
            IncidentResponse::from(incident),
        )?;
        Ok(MadeCase {
            complaint,
            incident,
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(made.complaint.version)))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/incidents/{}", made.incident.id),
        ))
        .json(made))
}

/// What the case worker adds to the complaint's facts for the incident.
pub struct IncidentFacts {
    pub meta: RecordMeta,
    pub occurred_on: Option<NaiveDate>,
    pub risk_level: Option<RiskLevel>,
    pub perpetrator_relationship: Option<PerpetratorRelationship>,
}

impl IncidentFacts {
    /// The incident a case made of `complaint` starts as.
    pub fn incident_of(self, complaint: &Complaint, child_id: String) -> Incident {
        let reported_on = complaint.received_at.date();
        let legal_references = cpims_domain::taxonomy::incident_legal_references(
            &complaint.category,
            &complaint.province,
            &[],
            None,
        );
        let risk_level = self.risk_level.unwrap_or(match complaint.urgency {
            Some(Urgency::Low) => RiskLevel::Low,
            Some(Urgency::High) => RiskLevel::High,
            Some(Urgency::Critical) => RiskLevel::Critical,
            Some(Urgency::Medium) | None => RiskLevel::Medium,
        });
        Incident {
            meta: self.meta,
            child_id,
            category: complaint.category.clone(),
            subcategory: complaint.subcategory.clone(),
            legal_references,
            occurred_on: self.occurred_on.unwrap_or(reported_on),
            reported_on,
            intake_channel: complaint.channel.intake_channel(),
            province: complaint.province.clone(),
            district: complaint.district.clone(),
            urban_rural: UrbanRural::Unknown,
            perpetrator_relationship: self
                .perpetrator_relationship
                .unwrap_or(PerpetratorRelationship::Unknown),
            registered_with_police: PoliceRegistration::Unknown,
            risk_level,
            narrative: complaint.narrative.clone(),
            status: IncidentStatus::Open,
            closure_reason: None,
            complaint_id: Some(complaint.meta.id.clone()),
        }
    }
}
