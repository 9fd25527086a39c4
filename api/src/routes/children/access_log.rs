//! `GET /api/v1/children/{id}/access-log`

use actix_web::{web, HttpResponse};
use cpims_db::repo::audit::{self, AuditFilter};
use cpims_db::repo::children;
use cpims_domain::access::{read_scope, RecordKind};
use cpims_domain::principal::Principal;
use cpims_domain::records::Child;
use cpims_domain::user::Role;

use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::params::parse_id;
use crate::extract::purpose::Purpose;
use crate::routes::audit::dto::{audit_page, AccessLogQuery, AuditList};
use crate::state::AppState;

/// Who viewed or changed a child, and when: its audit entries, newest first. For administrators,
/// monitors and the owning agency's case workers; others who can see the child get 403. The look is
/// itself audited.
#[utoipa::path(
    get,
    path = "/api/v1/children/{id}/access-log",
    tag = "audit",
    params(("id" = String, Path, description = "Child id"), AccessLogQuery),
    responses(
        (status = 200, description = "A page of the child's audit entries", body = AuditList),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not view this child's access log", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such child in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn child_access_log(
    state: web::Data<AppState>,
    caller: Authenticated,
    purpose: Purpose,
    path: web::Path<String>,
    query: web::Query<AccessLogQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.into_inner())?;
    let (limit, before) = audit_page(query.limit, query.cursor.as_deref())?;
    let scope = read_scope(&caller.0, RecordKind::Child);
    let vault = state.vault.clone();
    let page = with_connection(&state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            let child = children::find_visible(connection, &vault, &id, &scope)?;
            if !may_view_access_log(&caller.0, &child) {
                return Err(ApiError::Forbidden);
            }
            let caller = caller.reading(&purpose, [child.meta.agency_id.as_str()])?;
            let filter = AuditFilter {
                record_type: Some(RecordKind::Child.as_str().to_owned()),
                record_id: Some(child.meta.id.clone()),
                ..AuditFilter::default()
            };
            let page = audit::search(connection, &filter, before, limit)?;
            audit::append(
                connection,
                &[caller.audit("read_access_log", RecordKind::Child, &child.meta.id)],
            )?;
            Ok(page)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(AuditList::from(page)))
}

/// Administrators, monitors, and case workers of the agency that owns the child.
fn may_view_access_log(principal: &Principal, child: &Child) -> bool {
    match principal.role {
        Role::Admin | Role::Monitor => true,
        Role::CaseWorker => principal.agency_id == child.meta.agency_id,
        Role::SyncClient | Role::ReferralPartner | Role::Analyst | Role::IntakeOfficer => false,
    }
}
