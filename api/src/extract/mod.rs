//! Request extractors with the API's error conventions.

pub mod json;
pub mod list_query;
pub mod params;
pub mod patch;
pub mod purpose;

use actix_web::error::QueryPayloadError;
use actix_web::HttpRequest;

use crate::error::{ApiError, FieldError};

/// Query strings that do not parse (unknown filter, bad enum code, bad number) are a 422.
pub fn query_error(error: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = match &error {
        QueryPayloadError::Deserialize(inner) => inner.to_string(),
        other => other.to_string(),
    };
    ApiError::Validation(vec![FieldError::new("query", message)]).into()
}
