//! `POST /api/v1/incidents/{id}/milestones`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_domain::access::RecordKind;

use super::dto::{MilestoneInput, MilestoneWritten};
use crate::app;
use crate::app::execute::{command, Target};
use crate::app::milestones::NewMilestone;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::etag::etag_value;
use crate::extract::json::ValidJson;
use crate::extract::params::parse_id;
use crate::state::AppState;

/// Records a milestone of an incident (an FIR registered, a child produced before a court, ...), by
/// the owning agency or an agency working a police or court referral of it. It is a new version of
/// the incident (history, audit, change feed; the ETag answered is the incident's) and recomputes
/// the incident's deadlines, which the answer carries. No `If-Match`: a milestone is appended, not
/// an edit of what the caller read.
#[utoipa::path(
    post,
    path = "/api/v1/incidents/{id}/milestones",
    tag = "milestones",
    params(("id" = String, Path, description = "Incident id")),
    request_body = MilestoneInput,
    responses(
        (status = 201, description = "Recorded", body = MilestoneWritten, headers(("ETag" = String, description = "The incident's new version"), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the owning agency nor working a police or court referral of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A concurrent change of the incident (retry), or the incident was anonymised under the retention policy", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`at` in the future or before the incident)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn record_milestone(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    body: ValidJson<MilestoneInput>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let input = body.into_inner()?;
    let milestone = NewMilestone {
        kind: input.milestone_type,
        at: input.at.naive_utc(),
        note: input.note,
    };
    let target = Target::new(RecordKind::Incident, &id, "milestone_record");
    let written = command(&state, caller, target, move |work| {
        let recorded = app::milestones::record(work, &id, milestone)?;
        super::written(work, recorded)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag_value(written.incident_version)))
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/incidents/{}/milestones",
                written.milestone.incident_id
            ),
        ))
        .json(written))
}
