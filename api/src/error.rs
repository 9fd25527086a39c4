//! The API's one error type and its central mapping to RFC 9457 problem+json responses.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use cpims_db::DbError;
use serde::Serialize;
use utoipa::ToSchema;

/// One offending field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as a dotted path into the request (`services[2]`, `district`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error for a field of the nested object `parent`.
    pub fn nested_in(self, parent: &str) -> Self {
        FieldError {
            field: format!("{parent}.{}", self.field),
            message: self.message,
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The offending fields, on 422 responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// On 409 for an illegal status transition: the statuses the record may move to now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_next: Option<Vec<String>>,
    /// On 428 for a nation-wide read without a stated purpose: the purposes that may be stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purposes: Option<Vec<String>>,
}

/// How long a client should wait after a 503 (a database failover or restart takes seconds).
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("authentication required")]
    Unauthorized,
    #[error("not permitted")]
    Forbidden,
    /// The caller sees the record but may not do this to it; says who may.
    #[error("{0}")]
    NotAllowed(&'static str),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {0}")]
    Conflict(String),
    /// Retention erased the record's personal data: it is never written again (409).
    #[error("anonymised under the retention policy")]
    Anonymised,
    #[error("cannot move from {from} to {to}")]
    IllegalTransition {
        from: String,
        to: String,
        allowed: Vec<String>,
    },
    #[error("the record has changed since it was read (current version {current})")]
    PreconditionFailed { current: i64 },
    #[error("If-Match header with the record's ETag is required")]
    PreconditionRequired,
    /// An administrator or a monitor read another agency's records without stating why.
    #[error(
        "reading another agency's records needs a purpose: send `X-Access-Purpose: <purpose>` \
         (optionally `<purpose>; ref=<reference>`) or the `purpose` query parameter (optionally \
         with `purpose_reference`), naming one of `purposes`"
    )]
    PurposeRequired,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    #[error("unsupported media type: send application/json")]
    UnsupportedMediaType,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
    /// A command-line operation (backup, restore) that could not be done, saying what to do about
    /// it. Handlers never return it; were one to, it would answer 500 and keep the message to the log.
    #[error("{0}")]
    Operation(String),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    /// Whether this refuses what one record asked for (invalid, taken, out of reach), as opposed to a
    /// failure of the server or the database: in a batch, only that record's item fails.
    pub fn refuses_the_record(&self) -> bool {
        matches!(
            self,
            ApiError::Validation(_)
                | ApiError::Conflict(_)
                | ApiError::Anonymised
                | ApiError::NotFound
                | ApiError::Forbidden
                | ApiError::NotAllowed(_)
        )
    }

    fn problem(&self) -> Problem {
        let status = self.status_code();
        let title = status.canonical_reason().unwrap_or("Error").to_owned();
        let (detail, errors) = match self {
            ApiError::Validation(errors) => (
                "One or more fields are invalid.".to_owned(),
                Some(errors.clone()),
            ),
            // Never describe internal failures to the client; they are logged instead.
            ApiError::Internal(_) | ApiError::Operation(_) => {
                ("An internal error occurred.".to_owned(), None)
            }
            ApiError::Unavailable(_) => (
                "The service is temporarily unavailable; retry later.".to_owned(),
                None,
            ),
            ApiError::Unauthorized => (
                "A valid bearer token or valid credentials are required.".to_owned(),
                None,
            ),
            other => (other.to_string(), None),
        };
        let allowed_next = match self {
            ApiError::IllegalTransition { allowed, .. } => Some(allowed.clone()),
            _ => None,
        };
        let purposes = matches!(self, ApiError::PurposeRequired).then(|| {
            cpims_domain::access::purpose::AccessPurpose::codes()
                .into_iter()
                .map(str::to_owned)
                .collect()
        });
        Problem {
            problem_type: "about:blank".to_owned(),
            title,
            status: status.as_u16(),
            detail,
            errors,
            allowed_next,
            purposes,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson(_) | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::NotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::Anonymised | ApiError::IllegalTransition { .. } => {
                StatusCode::CONFLICT
            }
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired | ApiError::PurposeRequired => {
                StatusCode::PRECONDITION_REQUIRED
            }
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) | ApiError::Operation(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(context) | ApiError::Operation(context) => {
                tracing::error!(error = %context, "internal error")
            }
            ApiError::Unavailable(context) => {
                tracing::warn!(error = %context, "database unavailable")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            ApiError::Unauthorized => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, UNAVAILABLE_RETRY_SECS.to_string()));
            }
            ApiError::PreconditionFailed { current } => {
                response.insert_header((header::ETAG, crate::etag::etag_value(*current)));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => ApiError::NotFound,
            DbError::Duplicate(constraint) => ApiError::Conflict(format!(
                "a record with the same unique value exists ({constraint})"
            )),
            DbError::MissingReference(_) => {
                ApiError::validation("reference", "refers to a record that does not exist")
            }
            DbError::VersionMismatch { current } => ApiError::PreconditionFailed { current },
            DbError::Unavailable(context) => ApiError::Unavailable(context),
            DbError::Internal(context) => ApiError::Internal(context),
        }
    }
}

impl From<diesel_error::Error> for ApiError {
    fn from(error: diesel_error::Error) -> Self {
        DbError::from(error).into()
    }
}

/// Re-exported so handlers can use `?` on raw diesel calls inside transactions.
pub mod diesel_error {
    pub use cpims_db::diesel_result::Error;
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiError::Unavailable("blocking thread pool is shut down".to_owned())
    }
}

impl<S: std::fmt::Display + std::fmt::Debug> From<cpims_domain::workflow::IllegalTransition<S>>
    for ApiError
{
    fn from(error: cpims_domain::workflow::IllegalTransition<S>) -> Self {
        ApiError::IllegalTransition {
            from: error.from.to_string(),
            to: error.to.to_string(),
            allowed: error.allowed.iter().map(ToString::to_string).collect(),
        }
    }
}
