//! Helpers every handler uses: running database work off the actix workers, cursors, and time.

use actix_web::web;
use base64::Engine;
use cpims_db::page::PageRequest;
use cpims_db::AnyConnection;

use crate::error::ApiError;
use crate::state::AppState;

/// Default and largest page sizes for lists.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// Runs `work` with a pooled connection on the blocking thread pool (checkout included).
pub async fn with_connection<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut connection = cpims_db::checkout(&pool)?;
        work(&mut connection)
    })
    .await?
}

/// Turns `limit` and `cursor` query parameters into a page request; 422 when either is unusable.
pub fn page_request(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let before_id = cursor.map(decode_cursor).transpose()?;
    Ok(PageRequest { before_id, limit })
}

/// An opaque cursor for the id a page ended at.
pub fn encode_cursor(id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::validation("cursor", "is not a cursor returned by this list");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| invalid())?;
    let id = String::from_utf8(bytes).map_err(|_| invalid())?;
    uuid::Uuid::parse_str(&id).map_err(|_| invalid())?;
    Ok(id)
}

/// Parses a record id from the path; anything that is not a UUID cannot exist, so it is a 404.
pub fn parse_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|id| id.to_string())
        .map_err(|_| ApiError::NotFound)
}

/// A stored UTC time as it goes on the wire.
pub fn utc(time: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    time.and_utc()
}

/// Trims an optional text field; blank becomes absent.
pub fn trimmed(value: Option<String>) -> Option<String> {
    value
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// Deserialises a PATCH field that may be absent (`None`), null (`Some(None)`) or set (`Some(Some(v))`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id = uuid::Uuid::now_v7().to_string();
        let page = page_request(Some(10), Some(&encode_cursor(&id))).ok();
        assert_eq!(page.and_then(|p| p.before_id), Some(id));
        assert!(page_request(None, Some("not-a-cursor")).is_err());
        assert!(page_request(Some(0), None).is_err());
        assert!(page_request(Some(501), None).is_err());
    }
}
