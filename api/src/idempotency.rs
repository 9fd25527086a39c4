//! `Idempotency-Key` on `POST` under `/api/v1`: the first request with a key does the work and its
//! response is recorded; a repeat with the same key and request replays it, a repeat with a different
//! request answers 422, and one that arrives while the first is still running answers 409.
//!
//! Keys belong to the caller (the bearer token's subject) and are coordinated through the database, so
//! every server instance sees the same claims. A request without a valid token passes through untouched
//! and the handler answers 401; so does one whose body exceeds the size limit (413).

use actix_web::body::{BoxBody, MessageBody};
use std::pin::Pin;

use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use cpims_db::repo::idempotency::{self, Claim, StoredResponse};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::error::ApiError;
use crate::state::AppState;

/// The request header carrying the client's key.
pub const HEADER: &str = "idempotency-key";
/// Set on a response that is a replay of the first one.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// Where no caller exists yet, so there is nothing to scope a key to.
pub const EXEMPT_PATH: &str = "/api/v1/auth/token";
/// Public endpoints have no caller either: a key could replay one complainant's tracking code to
/// another.
pub const PUBLIC_PREFIX: &str = "/api/v1/public/";

/// Whether `path` takes no idempotency key.
pub fn is_exempt(path: &str) -> bool {
    path == EXEMPT_PATH || path.starts_with(PUBLIC_PREFIX)
}
pub const MAX_KEY_LEN: usize = 255;

/// Who sent which key for which request.
#[derive(Debug, Clone)]
struct KeyedRequest {
    user_id: String,
    key: String,
    hash: String,
}

/// Middleware: applies idempotency keys to `POST` requests that carry one.
pub async fn guard(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if request.method() != Method::POST || is_exempt(request.path()) {
        return passthrough(request, next).await;
    }
    let Some(raw_key) = request.headers().get(HEADER).cloned() else {
        return passthrough(request, next).await;
    };
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return passthrough(request, next).await;
    };
    let Some(user_id) = caller(&request, &state) else {
        return passthrough(request, next).await;
    };
    let Some(key) = acceptable_key(&raw_key) else {
        let problem = ApiError::validation(
            "Idempotency-Key",
            format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
        );
        return Ok(reject(request, &problem));
    };
    let limit = crate::routes::body_limit(request.path(), state.config.max_body_bytes);
    let limits = (limit, state.config.body_timeout);
    let body = match buffer_body(&mut request, limits).await {
        Ok(body) => body,
        Err(rest) => {
            // Too large or too slow: hand the handler what there is, so that it answers 413 or 408
            // and the key stays unclaimed for a retry.
            request.set_payload(rest);
            return passthrough(request, next).await;
        }
    };
    let keyed = KeyedRequest {
        user_id,
        hash: request_hash(&request, &body),
        key,
    };
    match claim(&state, &keyed).await {
        Ok(None) => {
            // The token names no user: the handler answers 401.
            request.set_payload(Payload::from(body));
            return passthrough(request, next).await;
        }
        Ok(Some(Claim::Claimed)) => {}
        Ok(Some(Claim::Mismatch)) => {
            let problem = ApiError::validation(
                "Idempotency-Key",
                "was already used for a different request",
            );
            return Ok(reject(request, &problem));
        }
        Ok(Some(Claim::InProgress)) => {
            let problem = ApiError::Conflict(
                "a request with this Idempotency-Key is still being processed; retry later"
                    .to_owned(),
            );
            let mut response = reject(request, &problem);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return Ok(response);
        }
        Ok(Some(Claim::Completed(stored))) => return Ok(request.into_response(replay(&stored))),
        Err(error) => return Ok(reject(request, &error)),
    }
    request.set_payload(Payload::from(body));
    // The work runs as its own task: if the client gives up and the connection drops, the request
    // still finishes and its response is recorded, so the client's retry replays it.
    let work = run_and_record(state.clone(), keyed.clone(), request, next).in_current_span();
    match actix_web::rt::spawn(work).await {
        Ok(outcome) => outcome,
        Err(_) => {
            // The task panicked before it could record or release; let the client retry.
            release(&state, keyed).await;
            Err(ApiError::Internal("idempotent request task failed".to_owned()).into())
        }
    }
}

async fn passthrough(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    Ok(next.call(request).await?.map_into_boxed_body())
}

fn reject(request: ServiceRequest, problem: &ApiError) -> ServiceResponse<BoxBody> {
    request.into_response(problem.error_response())
}

/// The caller's user id, when the request carries a token that verifies.
fn caller(request: &ServiceRequest, state: &AppState) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    state
        .tokens
        .verify(token.trim())
        .ok()
        .map(|claims| claims.sub)
}

/// The key, when it is 1 to 255 visible ASCII characters.
fn acceptable_key(value: &HeaderValue) -> Option<String> {
    let bytes = value.as_bytes();
    let visible = bytes.iter().all(|byte| (0x21..=0x7e).contains(byte));
    if bytes.is_empty() || bytes.len() > MAX_KEY_LEN || !visible {
        return None;
    }
    value.to_str().ok().map(str::to_owned)
}

/// The body whole, or, when it is larger than `limit` or does not arrive within `timeout`, a payload
/// that yields everything read so far followed by the rest, for the handler to refuse (413, 408).
async fn buffer_body(
    request: &mut ServiceRequest,
    (limit, timeout): (usize, std::time::Duration),
) -> Result<Bytes, Payload> {
    let deadline = tokio::time::Instant::now() + timeout;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<usize>().ok());
    let mut payload = request.take_payload();
    if declared.is_some_and(|length| length > limit) {
        return Err(payload);
    }
    let mut buffer = BytesMut::new();
    loop {
        let Ok(next) = tokio::time::timeout_at(deadline, payload.next()).await else {
            return Err(rejoin(vec![Ok(buffer.freeze())], payload));
        };
        let Some(chunk) = next else {
            break;
        };
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => return Err(rejoin(vec![Ok(buffer.freeze()), Err(error)], payload)),
        };
        if buffer.len() + chunk.len() > limit {
            buffer.extend_from_slice(&chunk);
            return Err(rejoin(vec![Ok(buffer.freeze())], payload));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}

type BoxedPayloadStream = Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>;

fn rejoin(read: Vec<Result<Bytes, PayloadError>>, rest: Payload) -> Payload {
    let stream: BoxedPayloadStream = Box::pin(futures_util::stream::iter(read).chain(rest));
    Payload::from(stream)
}

/// SHA-256 (hex) over the method, path, query and body: what makes two requests the same.
fn request_hash(request: &ServiceRequest, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(request.method().as_str().as_bytes());
    hasher.update(b"\n");
    hasher.update(request.path().as_bytes());
    hasher.update(b"?");
    hasher.update(request.query_string().as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// Claims the key; `None` when the token's subject is not a user.
async fn claim(state: &AppState, keyed: &KeyedRequest) -> Result<Option<Claim>, ApiError> {
    let pool = state.pool.clone();
    let vault = state.vault.clone();
    let ttl = chrono::TimeDelta::try_seconds(state.config.idempotency_ttl_secs)
        .unwrap_or(chrono::TimeDelta::MAX);
    let keyed = keyed.clone();
    let claim = web::block(move || {
        let mut connection = cpims_db::checkout(&pool)?;
        let now = cpims_db::page::now();
        let expired_before = now
            .checked_sub_signed(ttl)
            .unwrap_or(chrono::NaiveDateTime::MIN);
        idempotency::claim(
            &mut connection,
            &vault,
            &keyed.user_id,
            &keyed.key,
            &keyed.hash,
            now,
            expired_before,
        )
    })
    .await?;
    match claim {
        Ok(claim) => Ok(Some(claim)),
        Err(cpims_db::DbError::MissingReference(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// Runs the request holding the claim, then records its response or, when it did not complete, gives
/// the claim up so that the client may retry.
async fn run_and_record(
    state: web::Data<AppState>,
    keyed: KeyedRequest,
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = match next.call(request).await {
        Ok(response) => response,
        Err(error) => {
            release(&state, keyed).await;
            return Err(error);
        }
    };
    if !worth_recording(response.status()) {
        release(&state, keyed).await;
        return Ok(response.map_into_boxed_body());
    }
    let (http_request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let text = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => String::from_utf8(bytes.to_vec()).map_err(|error| error.into_bytes()),
        Err(_) => {
            release(&state, keyed).await;
            let error = ApiError::Internal("response body could not be read".to_owned());
            return Ok(ServiceResponse::new(http_request, error.error_response()));
        }
    };
    let text = match text {
        Ok(text) => text,
        Err(bytes) => {
            // Not text, so it cannot be stored for replay; the client may simply retry.
            release(&state, keyed).await;
            return Ok(
                ServiceResponse::new(http_request, head.set_body(bytes)).map_into_boxed_body()
            );
        }
    };
    let header_text = |name: HeaderName| {
        head.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let stored = StoredResponse {
        status: i32::from(head.status().as_u16()),
        content_type: header_text(header::CONTENT_TYPE),
        etag: header_text(header::ETAG),
        location: header_text(header::LOCATION),
        body: text,
    };
    let body = stored.body.clone();
    let pool = state.pool.clone();
    let vault = state.vault.clone();
    let recorded = web::block(move || {
        let mut connection = cpims_db::checkout(&pool)?;
        idempotency::complete(
            &mut connection,
            &vault,
            &keyed.user_id,
            &keyed.key,
            &keyed.hash,
            &stored,
            cpims_db::page::now(),
        )
    })
    .await;
    if !matches!(recorded, Ok(Ok(()))) {
        tracing::warn!("could not record the response of an idempotent request");
    }
    Ok(ServiceResponse::new(http_request, head.set_body(body)).map_into_boxed_body())
}

/// Whether a response is final for its key: server failures and refused credentials are not, so a
/// retry with the same key is processed anew.
fn worth_recording(status: StatusCode) -> bool {
    !status.is_server_error() && status != StatusCode::UNAUTHORIZED
}

async fn release(state: &AppState, keyed: KeyedRequest) {
    let pool = state.pool.clone();
    let released = web::block(move || {
        let mut connection = cpims_db::checkout(&pool)?;
        idempotency::release(&mut connection, &keyed.user_id, &keyed.key, &keyed.hash)
    })
    .await;
    if !matches!(released, Ok(Ok(()))) {
        tracing::warn!("could not release an idempotency key after a failed request");
    }
}

/// The first response again, marked as a replay.
fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = u16::try_from(stored.status)
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    for (name, value) in [
        (header::CONTENT_TYPE, &stored.content_type),
        (header::ETAG, &stored.etag),
        (header::LOCATION, &stored.location),
    ] {
        if let Some(value) = value
            .as_deref()
            .and_then(|value| HeaderValue::from_str(value).ok())
        {
            response.insert_header((name, value));
        }
    }
    response.insert_header((
        HeaderName::from_static(REPLAYED_HEADER),
        HeaderValue::from_static("true"),
    ));
    response.body(stored.body.clone())
}
