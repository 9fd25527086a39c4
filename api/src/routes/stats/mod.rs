//! Statistics for analysts: grouped counts and KPIs, with disclosure control below `monitor`.

pub mod complaints;
pub mod csv;
pub mod deadlines;
pub mod incidents;
pub mod kpis;
pub mod params;
pub mod referrals;
pub mod rows;
pub mod table;

use actix_web::http::header;
use actix_web::HttpRequest;
use cpims_db::repo::audit::{self, AuditEvent};
use cpims_db::repo::stats::StatsScope;
use cpims_domain::stats::{stats_view, StatsView};
use cpims_domain::tabulation::Disclosure;

use crate::app::execute::with_connection;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

/// The caller's view of the statistics; 403 for roles that get none.
pub fn view_of(caller: &Authenticated) -> Result<StatsView, ApiError> {
    stats_view(&caller.0).ok_or(ApiError::Forbidden)
}

/// How a view's figures are released, with the configured minimum cell.
pub fn disclosure_of(view: &StatsView, state: &AppState) -> Disclosure {
    Disclosure::for_view(view, state.config.stats_min_cell)
}

/// Whose records a view counts.
pub fn scope_of(view: &StatsView) -> StatsScope {
    match view {
        StatsView::ExactAll | StatsView::ProtectedAll => StatsScope::AllAgencies,
        StatsView::ProtectedAgency(agency) => StatsScope::Agency(agency.clone()),
    }
}

/// Whether the client asked for CSV.
pub fn wants_csv(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| {
            accept
                .split(',')
                .any(|part| part.trim().starts_with("text/csv"))
        })
}

/// Audits a statistics query (on the primary, even when statistics are read from a replica).
pub async fn audit_query(
    state: &AppState,
    caller: &Authenticated,
    what: String,
) -> Result<(), ApiError> {
    let event = AuditEvent {
        actor_user_id: Some(caller.0.user_id.clone()),
        actor_agency_id: Some(caller.0.agency_id.clone()),
        action: "stats_query".to_owned(),
        record_type: None,
        record_id: None,
        request_id: caller.1.clone(),
        detail: Some(what),
    };
    with_connection(state, move |connection| {
        cpims_db::write_transaction(connection, |connection| {
            Ok(audit::append(connection, &[event])?)
        })
    })
    .await
}

/// Runs statistics work on the analytics pool.
pub async fn on_analytics<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut cpims_db::AnyConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.analytics_pool.clone();
    actix_web::web::block(move || {
        let mut connection = cpims_db::checkout(&pool)?;
        work(&mut connection)
    })
    .await?
}
