//! Logging: text or JSON lines, each carrying the request id of the request it belongs to.

use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::EnvFilter;

use actix_web::HttpMessage;

use crate::config::LogFormat;
use crate::request_id::RequestId;

/// Installs the global subscriber on standard output; `RUST_LOG` overrides the default `info` level.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    install(format, filter, BoxMakeWriter::new(std::io::stdout));
}

/// Installs the global subscriber with the given filter and destination (tests capture the output to
/// prove that no personal data reaches the logs). Does nothing if one is already installed.
pub fn install(format: LogFormat, filter: EnvFilter, writer: BoxMakeWriter) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_span_events(FmtSpan::CLOSE);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The root span of each request: method, route pattern (never the raw path or query, which may
/// hold identifiers), status and the request id.
pub struct CpimsRootSpan;

impl RootSpanBuilder for CpimsRootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            route = %route,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        // Client errors are not logged in detail: their messages can echo submitted values.
        // Internal errors were already logged, with context, where they were answered.
        match outcome {
            Ok(response) => span.record("status", response.status().as_u16()),
            Err(error) => span.record("status", error.as_response_error().status_code().as_u16()),
        };
    }
}
