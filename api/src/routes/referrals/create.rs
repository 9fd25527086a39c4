//! `POST /api/v1/referrals`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::repo::{agencies, audit, incidents, referrals};
use cpims_domain::access::{read_scope, Action, RecordKind};
use cpims_domain::agency::Service;
use cpims_domain::case::{IncidentStatus, ReferralStatus, Urgency};
use cpims_domain::records::Referral;

use super::dto::{ReferralInput, ReferralResponse};
use crate::auth::gate::CaseWriter;
use crate::error::{ApiError, FieldError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::routes::incidents::incident_actions;
use crate::routes::publish;
use crate::routes::records::{external_id_conflict, new_meta, record_history};
use crate::routes::support::with_connection;
use crate::state::AppState;

/// Refers an incident of the caller's agency to another agency for a service; it starts `pending`.
/// The target must exist, be active, not be the caller's agency, and offer the service.
#[utoipa::path(
    post,
    path = "/api/v1/referrals",
    tag = "referrals",
    request_body = ReferralInput,
    responses(
        (status = 201, description = "Created", body = ReferralResponse, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not refer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id already used", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_referral(
    state: web::Data<AppState>,
    gated: CaseWriter,
    body: ValidJson<ReferralInput>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let mut referral = Referral {
        meta: new_meta(&caller),
        incident_id: String::new(),
        child_id: String::new(),
        to_agency_id: String::new(),
        service: Service::Other,
        urgency: Urgency::Medium,
        reason: String::new(),
        due_by: None,
        status: ReferralStatus::Pending,
        province: String::new(),
        first_response_at: None,
        completed_at: None,
    };
    body.into_inner()?.apply_to(&mut referral);
    let incident_scope = read_scope(&caller.0, RecordKind::Incident);
    let response = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let mut errors = Vec::new();
            let no_such_incident = "no such incident in your agency's records";
            match incidents::find_visible(connection, &referral.incident_id, &incident_scope) {
                Ok(incident)
                    if incident_actions(&caller.0, &incident).contains(&Action::ReferOut) =>
                {
                    if incident.status == IncidentStatus::Closed {
                        errors.push(FieldError::new(
                            "incident_id",
                            "the incident is closed; reopen it first",
                        ));
                    }
                    referral.child_id = incident.child_id;
                    referral.province = incident.province;
                }
                Ok(_) | Err(cpims_db::DbError::NotFound) => {
                    errors.push(FieldError::new("incident_id", no_such_incident));
                }
                Err(other) => return Err(other.into()),
            }
            match agencies::find(connection, &referral.to_agency_id) {
                Ok(agency) if !agency.active => {
                    errors.push(FieldError::new("to_agency_id", "the agency is not active"));
                }
                Ok(agency) if agency.id == caller.0.agency_id => {
                    errors.push(FieldError::new(
                        "to_agency_id",
                        "cannot refer to your own agency",
                    ));
                }
                Ok(agency) if !agency.services.contains(&referral.service) => {
                    errors.push(FieldError::new(
                        "service",
                        "the receiving agency does not offer this service",
                    ));
                }
                Ok(_) => {}
                Err(cpims_db::DbError::NotFound) => {
                    errors.push(FieldError::new("to_agency_id", "no such agency"))
                }
                Err(other) => return Err(other.into()),
            }
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            referrals::insert(connection, &referral).map_err(external_id_conflict)?;
            let response = ReferralResponse::from(referral.clone());
            record_history(
                connection,
                &caller,
                "referral",
                &referral.meta.id,
                1,
                None,
                &response,
            )?;
            audit::append(
                connection,
                &[caller.audit("create", "referral", &referral.meta.id)],
            )?;
            publish::referral_changed(connection, &referral, false, false)?;
            Ok(response)
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(response.version)))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/referrals/{}", response.id),
        ))
        .json(response))
}
