//! Reading request parameters and fields: path ids, page sizes and cursors, optional and nullable
//! fields, whole numbers; and writing stored times to the wire.

use cpims_db::page::PageRequest;

use crate::error::ApiError;

/// Default and largest page sizes for lists.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

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

// Cursors are positions, not tokens: a list's cursor is a record id (the contract's pattern is a
// hyphenated UUID) and the records with smaller ids follow; a numbered sequence's cursor (audit log,
// deliveries, change feed) is a decimal position, `^[0-9]{1,18}$`. So every schema-valid cursor is usable.

/// The cursor for the id a page ended at: the id itself (opaque to clients, who pass it back).
pub fn encode_cursor(id: &str) -> String {
    id.to_owned()
}

fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::validation(
            "cursor",
            "must be a record id (a UUID) returned by this list",
        )
    };
    // Only the hyphenated form the contract's pattern names (36 characters), not the other forms
    // `Uuid::parse_str` also reads.
    if cursor.len() != 36 {
        return Err(invalid());
    }
    uuid::Uuid::parse_str(cursor)
        .map(|id| id.to_string())
        .map_err(|_| invalid())
}

/// The cursor for a position in a numbered sequence.
pub fn encode_seq_cursor(seq: i64) -> String {
    seq.to_string()
}

/// Reads a sequence cursor (1 to 18 decimal digits); 422 naming `field` otherwise.
pub fn decode_seq_cursor(field: &str, cursor: &str) -> Result<i64, ApiError> {
    let digits = (1..=18).contains(&cursor.len()) && cursor.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| cursor.parse::<i64>().ok())
        .flatten()
        .ok_or_else(|| ApiError::validation(field, "must be a position of 1 to 18 decimal digits"))
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

/// Deserialises an optional whole number that may be written as a float with no fraction (`17.0`):
/// JSON Schema counts such a number as an integer, so the contract's `integer` fields take it.
pub fn whole_number<'de, D>(deserializer: D) -> Result<Option<i32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value: Option<f64> = serde::Deserialize::deserialize(deserializer)?;
    value.map(whole_i32::<D::Error>).transpose()
}

/// [`whole_number`] for a PATCH field: absent (`None`), null (`Some(None)`) or set.
pub fn double_whole_number<'de, D>(deserializer: D) -> Result<Option<Option<i32>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    whole_number(deserializer).map(Some)
}

fn whole_i32<E: serde::de::Error>(value: f64) -> Result<i32, E> {
    let fits = value.fract() == 0.0 && value >= f64::from(i32::MIN) && value <= f64::from(i32::MAX);
    if fits {
        // Checked above: whole and within range, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Ok(value as i32)
    } else {
        Err(E::custom(format!(
            "invalid value: {value}, expected a whole number"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id = uuid::Uuid::now_v7().to_string();
        let page = page_request(Some(10), Some(&encode_cursor(&id))).ok();
        assert_eq!(page.and_then(|p| p.before_id), Some(id.clone()));
        assert!(page_request(None, Some("not-a-cursor")).is_err());
        assert!(page_request(None, Some(&id.replace('-', ""))).is_err());
        assert_eq!(decode_seq_cursor("cursor", "0042").ok(), Some(42));
        assert!(decode_seq_cursor("cursor", "").is_err());
        assert!(decode_seq_cursor("cursor", "-1").is_err());
        assert!(decode_seq_cursor("cursor", "1234567890123456789").is_err());
        assert!(page_request(Some(0), None).is_err());
        assert!(page_request(Some(501), None).is_err());
    }

    #[derive(serde::Deserialize)]
    struct Age {
        #[serde(default, deserialize_with = "whole_number")]
        years: Option<i32>,
    }

    #[test]
    fn whole_numbers_may_be_written_as_floats() {
        let years = |json: &str| serde_json::from_str::<Age>(json).map(|age| age.years).ok();
        assert_eq!(years(r#"{"years": 17}"#), Some(Some(17)));
        assert_eq!(years(r#"{"years": 17.0}"#), Some(Some(17)));
        assert_eq!(years(r#"{"years": null}"#), Some(None));
        assert_eq!(years(r#"{}"#), Some(None));
        assert_eq!(years(r#"{"years": 17.5}"#), None);
        assert_eq!(years(r#"{"years": "17"}"#), None);
    }
}
