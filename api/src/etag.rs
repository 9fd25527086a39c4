//! Optimistic concurrency over HTTP: `ETag: "<version>"` out, `If-Match` in.

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::error::ApiError;

/// The ETag header value for a record version.
pub fn etag_value(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version the client claims to have read, from `If-Match`; 428 when absent, 400 when it is not an
/// entity tag this API issues. Lenient in what it accepts: the quoted version number it sends (`"3"`),
/// `W/` tolerated, or the bare number (`3`), as the contract's pattern
/// `^(W/)?"[0-9]{1,18}"$|^[0-9]{1,18}$` on every `If-Match` parameter says; so a stale version is the
/// only 412.
pub fn required_if_match(request: &HttpRequest) -> Result<i64, ApiError> {
    let raw = request
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?
        .to_str()
        .map_err(|_| ApiError::BadRequest("If-Match is not valid text".to_owned()))?
        .trim();
    let tagged = raw
        .strip_prefix("W/")
        .unwrap_or(raw)
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'));
    tagged
        .or(Some(raw))
        .filter(|version| (1..=18).contains(&version.len()))
        .filter(|version| version.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|version| version.parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::BadRequest("If-Match must be an entity tag such as \"3\" (or 3)".to_owned())
        })
}

/// `If-Match` is optional on DELETE; when present it must match.
pub fn optional_if_match(request: &actix_web::HttpRequest) -> Result<Option<i64>, ApiError> {
    if request
        .headers()
        .contains_key(actix_web::http::header::IF_MATCH)
    {
        crate::etag::required_if_match(request).map(Some)
    } else {
        Ok(None)
    }
}
