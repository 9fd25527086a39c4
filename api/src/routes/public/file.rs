//! `POST /api/v1/public/complaints`

use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use cpims_db::repo::agencies;
use cpims_domain::complaint::{
    normalise_tracking_code, tracking_code, ComplaintChannel, PublicStatus, TRACKING_CODE_BYTES,
};
use cpims_domain::principal::Principal;
use cpims_domain::user::Role;

use super::dto::PublicComplaintFiled;
use crate::app;
use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::json::ValidJson;
use crate::rate_limit;
use crate::request_id::RequestId;
use crate::routes::complaints::dto::ComplaintInput;
use crate::state::AppState;

/// Who a public filing is recorded as: no account, acting for the intake agency.
pub const PUBLIC_USER: &str = "public";

/// Files a complaint without an account. Send only what you know; leave the complainant's name
/// and phone out to stay anonymous. Answers a `reference` and a `tracking_code` (shown only now:
/// keep both to check progress). Limited per client address (429 with `Retry-After`).
#[utoipa::path(
    post,
    path = "/api/v1/public/complaints",
    tag = "public",
    request_body = ComplaintInput,
    responses(
        (status = 201, description = "Filed", body = PublicComplaintFiled),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Public intake is switched off", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large (16 KiB)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many filings from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No receiving agency yet, or database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
pub async fn file_public_complaint(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<ComplaintInput>,
) -> Result<HttpResponse, ApiError> {
    super::require_enabled(&state)?;
    rate_limit::enforce(
        &state,
        &request,
        "public_complaint",
        state.config.public_limits.complaints,
    )
    .await?;
    let input = body.into_inner()?;
    if !ComplaintChannel::PUBLIC.contains(&input.channel) {
        return Err(ApiError::validation(
            "channel",
            "one of: web_form, citizen_portal, helpline_1121, helpline_1099",
        ));
    }
    let named = state.config.public_intake_agency.clone();
    let agency_id = with_connection(&state, move |connection| {
        receiving_agency(connection, named.as_deref())
    })
    .await?;
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone());
    let public = Authenticated(
        Principal {
            user_id: PUBLIC_USER.to_owned(),
            agency_id,
            role: Role::IntakeOfficer,
            grants_completed_after: state.grants_completed_after(),
        },
        request_id,
        None,
    );
    let mut random = [0u8; TRACKING_CODE_BYTES];
    rand::Rng::fill(&mut rand::thread_rng(), &mut random);
    let code = tracking_code(&random);
    let hash = state
        .vault
        .blind_index("complaint_tracking_code", &normalise_tracking_code(&code));
    let meta = app::new_meta(&public, state.clock.now());
    let reference = app::execute::write(&state, public, move |work| {
        let year = chrono::Datelike::year(&work.now().date());
        let reference = app::complaints::fresh_reference(work.connection(), year)?;
        let complaint = input.into_complaint(meta, reference.clone(), true);
        app::complaints::register(work, &complaint, Some(&hash))?;
        Ok(reference)
    })
    .await?;
    Ok(HttpResponse::Created().json(PublicComplaintFiled {
        reference,
        tracking_code: code,
        status: PublicStatus::Received,
        message: "Thank you. Your complaint has been received and a child protection officer will \
                  review it. Keep your reference and tracking code: together they show your \
                  complaint's progress. If a child is in danger right now, call 1121."
            .to_owned(),
    }))
}

/// The agency named by `CPIMS_PUBLIC_INTAKE_AGENCY` (id or exact name), else the oldest active
/// commission; 503 until one exists.
fn receiving_agency(
    connection: &mut cpims_db::AnyConnection,
    named: Option<&str>,
) -> Result<String, ApiError> {
    let unavailable =
        || ApiError::Unavailable("public intake has no receiving agency yet".to_owned());
    let found = match named {
        Some(name) => match agencies::find(connection, name) {
            Ok(agency) => Some(agency),
            Err(cpims_db::DbError::NotFound) => {
                agencies::find_by_name(connection, name)?.filter(|agency| agency.name == name)
            }
            Err(other) => return Err(other.into()),
        },
        None => agencies::oldest_active_of_kind(
            connection,
            cpims_domain::agency::AgencyKind::Commission,
        )?,
    };
    found
        .filter(|agency| agency.active)
        .map(|agency| agency.id)
        .ok_or_else(unavailable)
}
