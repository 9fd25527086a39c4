//! `ValidJson<T>`: a JSON body that is well-formed (400), typed with no unknown fields (422), within the
//! size limit (413), sent as JSON (415), sent in time (408), and valid by its `validator` rules (422).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// Rules a request body has beyond its `validator` derive (taxonomy look-ups, normalisable formats),
/// checked in the same pass so that a 422 names every offending field at once.
pub trait FieldRules {
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// A deserialised and validated JSON request body, or why it is not one.
///
/// Extraction itself never fails: actix polls a handler's extractors together, and a body error must not
/// overtake an authentication (401) or role (403) failure. The handler asks for the body with
/// [`ValidJson::into_inner`] once the caller is known.
#[derive(Debug)]
pub struct ValidJson<T>(Result<T, ApiError>);

impl<T> ValidJson<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + Validate + FieldRules + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let timeout = request
            .app_data::<web::Data<AppState>>()
            .map(|state| state.config.body_timeout);
        let body = Bytes::from_request(request, payload);
        Box::pin(async move { Ok(ValidJson(read(is_json, body, timeout).await)) })
    }
}

async fn read<T: DeserializeOwned + Validate + FieldRules>(
    is_json: bool,
    body: impl Future<Output = Result<Bytes, actix_web::Error>>,
    timeout: Option<std::time::Duration>,
) -> Result<T, ApiError> {
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    let body = match timeout {
        Some(timeout) => actix_web::rt::time::timeout(timeout, body)
            .await
            .map_err(|_| ApiError::BodyTimeout)?,
        None => body.await,
    };
    let bytes = body.map_err(|error| match error.as_response_error().status_code() {
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        _ => ApiError::BadRequest("the request body could not be read".to_owned()),
    })?;
    require_object(&bytes)?;
    let value: T = parse(&bytes)?;
    let mut errors = value
        .validate()
        .err()
        .map(|errors| flatten(&errors))
        .unwrap_or_default();
    errors.extend(value.field_errors());
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors.dedup_by(|a, b| a.field == b.field);
        return Err(ApiError::Validation(errors));
    }
    Ok(value)
}

/// Every request body in the contract is an object, but serde reads a struct from a JSON array too
/// (positionally, and `[]` as all defaults): refuse any other top-level value before it gets that far.
fn require_object(bytes: &[u8]) -> Result<(), ApiError> {
    let first = bytes
        .iter()
        .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'));
    if first == Some(&b'{') {
        return Ok(());
    }
    // Well-formed JSON of another type is a content error (422); anything else stays a syntax error.
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|error| ApiError::MalformedJson(strip_position(&error.to_string())))?;
    Err(ApiError::Validation(vec![FieldError::new(
        "body",
        "must be a JSON object",
    )]))
}

/// Parses JSON, telling syntax errors (400) from content errors (422, with the field's path).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => content_error(path, &inner),
            _ => ApiError::MalformedJson(strip_position(&inner.to_string())),
        }
    })?;
    deserializer
        .end()
        .map_err(|error| ApiError::MalformedJson(strip_position(&error.to_string())))?;
    Ok(value)
}

/// Reads an already parsed JSON value as `T`, naming the offending field's path in a 422 as [`parse`]
/// does (a value has no syntax left to get wrong).
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value)
        .map_err(|error| content_error(error.path().to_string(), error.inner()))
}

/// A 422 naming the field at `path` (`body` for the whole document).
fn content_error(path: String, error: &serde_json::Error) -> ApiError {
    let field = if path == "." { "body".to_owned() } else { path };
    ApiError::Validation(vec![FieldError::new(
        field,
        strip_position(&error.to_string()),
    )])
}

/// serde_json appends "at line L column C"; keep the message, the position is noise for a client.
fn strip_position(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}

/// Turns validator's nested errors into `{field, message}` pairs with dotted paths.
pub fn flatten(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let message = error
                        .message
                        .as_ref()
                        .map(|message| message.to_string())
                        .unwrap_or_else(|| describe(&error.code));
                    out.push(FieldError::new(path.clone(), message));
                }
            }
            ValidationErrorsKind::Struct(nested) => collect(nested, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, nested) in items {
                    collect(nested, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

fn describe(code: &str) -> String {
    match code {
        "length" => "has an invalid length".to_owned(),
        "email" => "is not a valid email address".to_owned(),
        "range" => "is out of range".to_owned(),
        other => format!("is invalid ({other})"),
    }
}
