//! `Purpose`: the purpose of access a request states, from the `X-Access-Purpose` header
//! (`<purpose>` or `<purpose>; ref=<reference>`) or the `purpose` and `purpose_reference` query
//! parameters. Whether the read needs one is decided later, when the records are known
//! (`app/purpose.rs`); a malformed one is refused here, whoever the caller, with a 422 naming it.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use cpims_domain::access::purpose::{PurposeError, StatedPurpose};

use crate::error::ApiError;

/// The header that states a purpose.
pub const PURPOSE_HEADER: &str = "X-Access-Purpose";
/// The query parameters that state a purpose.
pub const PURPOSE_PARAMETER: &str = "purpose";
pub const REFERENCE_PARAMETER: &str = "purpose_reference";

/// The purpose the request stated, if any.
#[derive(Debug, Clone, Default)]
pub struct Purpose(pub Option<StatedPurpose>);

impl FromRequest for Purpose {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(stated(request).map(Purpose))
    }
}

fn stated(request: &HttpRequest) -> Result<Option<StatedPurpose>, ApiError> {
    let mut headers = request.headers().get_all(PURPOSE_HEADER);
    let header = headers.next();
    if headers.next().is_some() {
        return Err(ApiError::validation(PURPOSE_HEADER, "must be sent once"));
    }
    let (purpose, reference) = from_query(request.query_string())?;
    match (header, purpose, reference) {
        (Some(_), _, Some(_)) => Err(ApiError::validation(
            REFERENCE_PARAMETER,
            "goes with the `purpose` parameter; with the header, send `<purpose>; ref=<reference>`",
        )),
        (Some(_), Some(_), None) => Err(ApiError::validation(
            PURPOSE_PARAMETER,
            "state the purpose once: either the X-Access-Purpose header or this parameter",
        )),
        (Some(value), None, None) => {
            let value = value.to_str().map_err(|_| {
                ApiError::validation(PURPOSE_HEADER, "must be visible ASCII characters")
            })?;
            StatedPurpose::parse_header(value)
                .map(Some)
                .map_err(|error| ApiError::validation(PURPOSE_HEADER, error.to_string()))
        }
        (None, Some(purpose), reference) => StatedPurpose::parse(&purpose, reference.as_deref())
            .map(Some)
            .map_err(|error| {
                let field = match error {
                    PurposeError::BadReference => REFERENCE_PARAMETER,
                    PurposeError::UnknownPurpose | PurposeError::BadHeader => PURPOSE_PARAMETER,
                };
                ApiError::validation(field, error.to_string())
            }),
        (None, None, Some(_)) => Err(ApiError::validation(
            REFERENCE_PARAMETER,
            "needs the `purpose` parameter it is the reference of",
        )),
        (None, None, None) => Ok(None),
    }
}

/// The `purpose` and `purpose_reference` parameters; each may be given once. The other parameters
/// are the handler's to read.
fn from_query(query: &str) -> Result<(Option<String>, Option<String>), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| ApiError::validation("query", "is not a valid query string"))?;
    let once = |name: &str| -> Result<Option<String>, ApiError> {
        let mut values = pairs.iter().filter(|(key, _)| key == name);
        let first = values.next().map(|(_, value)| value.clone());
        if values.next().is_some() {
            return Err(ApiError::validation(name, "must be given once"));
        }
        Ok(first)
    };
    Ok((once(PURPOSE_PARAMETER)?, once(REFERENCE_PARAMETER)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use cpims_domain::access::purpose::AccessPurpose;

    fn field_of(result: Result<Option<StatedPurpose>, ApiError>) -> Option<String> {
        match result {
            Err(ApiError::Validation(errors)) => errors.first().map(|error| error.field.clone()),
            _ => None,
        }
    }

    #[test]
    fn header_or_parameters_state_a_purpose() {
        let request = TestRequest::default()
            .insert_header((PURPOSE_HEADER, "audit; ref=A-1"))
            .to_http_request();
        let found = stated(&request).ok().flatten();
        assert_eq!(found.map(|s| s.purpose), Some(AccessPurpose::Audit));
        let request =
            TestRequest::with_uri("/x?limit=5&purpose=data_quality&purpose_reference=Q%201")
                .to_http_request();
        let found = stated(&request).ok().flatten();
        assert_eq!(found.and_then(|s| s.reference).as_deref(), Some("Q 1"));
        let request = TestRequest::with_uri("/x?limit=5").to_http_request();
        assert!(matches!(stated(&request), Ok(None)));
    }

    #[test]
    fn malformed_or_ambiguous_purposes_name_the_offender() {
        let header = |value: &str| {
            TestRequest::with_uri("/x")
                .insert_header((PURPOSE_HEADER, value))
                .to_http_request()
        };
        let uri = |uri: &str| TestRequest::with_uri(uri).to_http_request();
        assert_eq!(
            field_of(stated(&header("nosy"))).as_deref(),
            Some(PURPOSE_HEADER)
        );
        assert_eq!(
            field_of(stated(&uri("/x?purpose=nosy"))).as_deref(),
            Some("purpose")
        );
        assert_eq!(
            field_of(stated(&uri("/x?purpose=audit&purpose_reference=a%0Ab"))).as_deref(),
            Some("purpose_reference")
        );
        assert_eq!(
            field_of(stated(&uri("/x?purpose_reference=a"))).as_deref(),
            Some("purpose_reference")
        );
        assert_eq!(
            field_of(stated(&uri("/x?purpose=audit&purpose=audit"))).as_deref(),
            Some("purpose")
        );
        let both = TestRequest::with_uri("/x?purpose=audit")
            .insert_header((PURPOSE_HEADER, "audit"))
            .to_http_request();
        assert_eq!(field_of(stated(&both)).as_deref(), Some("purpose"));
    }
}
