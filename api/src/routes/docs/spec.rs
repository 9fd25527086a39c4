//! `GET /api-docs/openapi.json`

use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use actix_web::HttpResponse;

/// The committed contract, built into the binary. The contract test holds it equal to what the code
/// generates (`make openapi`), and serving it as is spares every start-up the generation, whose
/// discarded intermediate values (8 MB at peak) glibc would keep as resident memory for good.
const CONTRACT: &[u8] = include_bytes!("../../../../openapi/openapi.json");

/// The committed contract, `openapi/openapi.json`, byte for byte. Holds no data: served without a token.
pub async fn openapi_document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(Bytes::from_static(CONTRACT))
}
