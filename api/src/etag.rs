//! Optimistic concurrency over HTTP: `ETag: "<version>"` out, `If-Match` in.

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::error::ApiError;

/// The ETag header value for a record version.
pub fn etag_value(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version the client claims to have read, from `If-Match`; 428 when absent, 412 when unparseable
/// (it cannot match any version).
pub fn required_if_match(request: &HttpRequest) -> Result<i64, ApiError> {
    let raw = request
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?
        .to_str()
        .map_err(|_| ApiError::BadRequest("If-Match is not valid text".to_owned()))?
        .trim();
    let unquoted = raw
        .strip_prefix("W/")
        .unwrap_or(raw)
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .ok_or_else(|| {
            ApiError::BadRequest("If-Match must be an entity tag such as \"3\"".to_owned())
        })?;
    unquoted
        .parse::<i64>()
        .map_err(|_| ApiError::PreconditionFailed { current: -1 })
}
