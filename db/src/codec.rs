//! How values without a common SQL type on both backends are stored: dates as ISO 8601 text, lists as
//! JSON text, codes as text.

use chrono::NaiveDate;

use crate::error::DbError;

pub fn date_to_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn text_to_date(text: &str, what: &str) -> Result<NaiveDate, DbError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| DbError::Internal(format!("stored {what} is not a date")))
}

pub fn optional_date(text: Option<&str>, what: &str) -> Result<Option<NaiveDate>, DbError> {
    text.map(|text| text_to_date(text, what)).transpose()
}

pub fn list_to_text<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    serde_json::Value::from(items).to_string()
}

pub fn text_to_list(text: &str, what: &str) -> Result<Vec<String>, DbError> {
    serde_json::from_str(text)
        .map_err(|_| DbError::Internal(format!("stored {what} is not a JSON list")))
}

/// Parses a stored code into its enum.
pub fn code<T>(text: &str, parse: impl Fn(&str) -> Option<T>, what: &str) -> Result<T, DbError> {
    parse(text).ok_or_else(|| DbError::Internal(format!("stored {what} has an unknown code")))
}
