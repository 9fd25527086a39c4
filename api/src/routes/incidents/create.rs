//! `POST /api/v1/incidents`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::repo::{audit, children, incidents};
use cpims_domain::access::{read_scope, Action, RecordKind};
use cpims_domain::case::{
    IncidentStatus, IntakeChannel, PerpetratorRelationship, PoliceRegistration, RiskLevel,
    UrbanRural,
};
use cpims_domain::incident::check_child_age_at;
use cpims_domain::records::Incident;

use super::dto::{IncidentInput, IncidentResponse};
use crate::auth::gate::CaseWriter;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::routes::children::child_actions;
use crate::routes::publish;
use crate::routes::records::{external_id_conflict, new_meta, record_history, today};
use crate::routes::support::with_connection;
use crate::state::AppState;

/// Registers an incident concerning a child of the caller's agency; it starts `open`.
#[utoipa::path(
    post,
    path = "/api/v1/incidents",
    tag = "incidents",
    request_body = IncidentInput,
    responses(
        (status = 201, description = "Created", body = IncidentResponse, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not register incidents", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id already used", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_incident(
    state: web::Data<AppState>,
    gated: CaseWriter,
    body: ValidJson<IncidentInput>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let today = today();
    let mut incident = Incident {
        meta: new_meta(&caller),
        child_id: String::new(),
        category: String::new(),
        subcategory: None,
        legal_references: Vec::new(),
        occurred_on: today,
        reported_on: today,
        intake_channel: IntakeChannel::Other,
        province: String::new(),
        district: None,
        urban_rural: UrbanRural::Unknown,
        perpetrator_relationship: PerpetratorRelationship::Unknown,
        registered_with_police: PoliceRegistration::Unknown,
        risk_level: RiskLevel::Medium,
        narrative: None,
        status: IncidentStatus::Open,
        closure_reason: None,
    };
    body.into_inner()?.apply_to(&mut incident);
    let child_scope = read_scope(&caller.0, RecordKind::Child);
    let response = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let no_such_child =
                || ApiError::validation("child_id", "no such child in your agency's records");
            let child = match children::find_visible(connection, &incident.child_id, &child_scope) {
                Ok(child) => child,
                Err(cpims_db::DbError::NotFound) => return Err(no_such_child()),
                Err(other) => return Err(other.into()),
            };
            if !child_actions(&caller.0, &child).contains(&Action::Update) {
                return Err(no_such_child());
            }
            check_child_age_at(child.date_of_birth, incident.occurred_on)
                .map_err(|message| ApiError::validation("occurred_on", message))?;
            incidents::insert(connection, &incident).map_err(external_id_conflict)?;
            let response = IncidentResponse::from(incident.clone());
            record_history(
                connection,
                &caller,
                "incident",
                &incident.meta.id,
                1,
                None,
                &response,
            )?;
            audit::append(
                connection,
                &[caller.audit("create", "incident", &incident.meta.id)],
            )?;
            publish::case_upserted(
                connection,
                "incident",
                &incident.meta.id,
                1,
                &incident.meta.agency_id,
            )?;
            Ok(response)
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(response.version)))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/incidents/{}", response.id),
        ))
        .json(response))
}
