//! `GET /api-docs/openapi.json`

use actix_web::http::header::ContentType;
use actix_web::web::{Bytes, Data};
use actix_web::HttpResponse;

/// The contract, serialised once at start-up and shared by every worker: generating it per worker
/// left each worker's allocator arena holding megabytes of discarded intermediate values.
#[derive(Debug, Clone)]
pub struct SpecDocument(pub Bytes);

impl SpecDocument {
    pub fn generate() -> Self {
        Self(Bytes::from(crate::openapi::openapi_json()))
    }
}

/// The committed contract, `openapi/openapi.json`, byte for byte. Holds no data: served without a token.
pub async fn openapi_document(document: Data<SpecDocument>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(document.0.clone())
}
