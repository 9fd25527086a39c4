//! `POST /api/v1/webhooks`

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cpims_db::page::{new_id, now};
use cpims_db::repo::agencies;
use cpims_db::repo::webhooks::{self, join_events, SubscriptionRow};

use super::dto::{CreateWebhookRequest, WebhookResponse};
use crate::app::execute::with_connection;
use crate::auth::gate::AdminCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::json::ValidJson;
use crate::state::AppState;

/// Registers a webhook subscription (admin only) for an agency, by default the caller's. It receives
/// the chosen events about records that agency may see: referral events where it refers or receives,
/// `incident.status_changed` where it owns the incident or holds a referral grant. Each delivery is a
/// JSON POST of ids and statuses (never personal data) signed with the secret:
/// `X-CPIMS-Signature: sha256=<hex HMAC-SHA256 of "<X-CPIMS-Timestamp>.<body>">`.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Registered", body = WebhookResponse, headers(("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: a URL that is not https (or an allowed http host), an unknown event type, a short secret, no such agency", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_webhook(
    state: web::Data<AppState>,
    gated: AdminCaller,
    body: ValidJson<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let request = body.into_inner()?;
    let url = request.url.trim().to_owned();
    if let Some(problem) = url_problem(&url, &state.config.webhook_allow_http_hosts) {
        return Err(ApiError::Validation(vec![FieldError::new("url", problem)]));
    }
    let mut events: Vec<String> = Vec::new();
    for event in request.event_types {
        if !events.contains(&event) {
            events.push(event);
        }
    }
    let row = SubscriptionRow {
        id: new_id(),
        agency_id: request
            .agency_id
            .unwrap_or_else(|| caller.0.agency_id.clone()),
        url,
        event_types: join_events(&events),
        secret: request.secret.trim().to_owned(),
        active: true,
        created_at: now(),
        created_by: caller.0.user_id.clone(),
    };
    let stored = row.clone();
    with_connection(&state, move |connection| {
        match agencies::find(connection, &stored.agency_id) {
            Ok(_) => {}
            Err(cpims_db::DbError::NotFound) => {
                return Err(ApiError::validation("agency_id", "no such agency"))
            }
            Err(other) => return Err(other.into()),
        }
        Ok(webhooks::insert(connection, &stored)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", row.id)))
        .json(WebhookResponse::from(row)))
}

/// Why a target URL is refused: only `https://`, or `http://` on an allowed host; no credentials.
fn url_problem(raw: &str, allow_http_hosts: &[String]) -> Option<String> {
    let Ok(url) = reqwest::Url::parse(raw) else {
        return Some("is not an absolute URL".to_owned());
    };
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        return Some("has no host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Some("must not carry credentials; the signature authenticates".to_owned());
    }
    match url.scheme() {
        "https" => None,
        "http" if allow_http_hosts.iter().any(|allowed| allowed == host) => None,
        _ => Some("must be an https:// URL".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::url_problem;

    #[test]
    fn only_https_or_allowed_http_hosts_are_accepted() {
        let allowed = vec!["127.0.0.1".to_owned()];
        assert_eq!(url_problem("https://hooks.example.org/cpims", &[]), None);
        assert!(url_problem("http://hooks.example.org/cpims", &allowed).is_some());
        assert_eq!(url_problem("http://127.0.0.1:9000/hook", &allowed), None);
        assert!(url_problem("http://127.0.0.1:9000/hook", &[]).is_some());
        assert!(url_problem("ftp://127.0.0.1/x", &allowed).is_some());
        assert!(url_problem("https://user:pw@example.org/", &[]).is_some());
        assert!(url_problem("not a url", &[]).is_some());
    }
}
