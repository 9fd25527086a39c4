//! `GET /api/v1/incidents/{id}/milestones`

use actix_web::{web, HttpResponse};
use cpims_domain::access::RecordKind;

use super::dto::{MilestoneList, MilestoneResponse};
use crate::app;
use crate::app::execute::{command, Target};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::state::AppState;

/// An incident's milestones in the order they happened, withdrawn ones included (marked, with the
/// reason). Anyone who may read the incident may read them; the read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}/milestones",
    tag = "milestones",
    params(("id" = String, Path, description = "Incident id")),
    responses(
        (status = 200, description = "The incident's milestones", body = MilestoneList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_milestones(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let reader = caller.clone();
    let target = Target::new(RecordKind::Incident, &id, "read");
    let (incident, milestones) = command(&state, caller, target, move |work| {
        app::milestones::of_incident(work, &id)
    })
    .await?;
    state
        .read_audit
        .record(vec![reader.audit(
            "read",
            RecordKind::Incident,
            &incident.meta.id,
        )])
        .await?;
    Ok(HttpResponse::Ok().json(MilestoneList {
        data: milestones
            .into_iter()
            .map(MilestoneResponse::from)
            .collect(),
    }))
}
