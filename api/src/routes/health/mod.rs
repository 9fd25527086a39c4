//! Liveness and readiness probes.

pub mod healthz;
pub mod readyz;

/// The body of both probes.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HealthResponse {
    /// `ok`, or `unavailable` when the database cannot be reached.
    pub status: String,
}
