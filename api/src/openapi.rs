//! The OpenAPI 3.1 document, derived from the handlers and wire types.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    agencies, audit, auth, children, complaints, deadlines, health, incidents, me, milestones,
    public, referrals, stats, sync, taxonomy, users, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CP-IMS API",
        description = "Child Protection Information Management System for Pakistan: case records, \
                       referrals between agencies, and statistics. Errors are RFC 9457 problem+json.",
        license(name = "Apache-2.0")
    ),
    paths(
        health::healthz::healthz,
        health::readyz::readyz,
        auth::token::issue_token,
        me::get::get_me,
        taxonomy::get::get_taxonomy,
        agencies::list::list_agencies,
        agencies::create::create_agency,
        agencies::get::get_agency,
        agencies::update::update_agency,
        users::list::list_users,
        users::create::create_user,
        users::get::get_user,
        users::update::update_user,
        children::list::list_children,
        children::create::create_child,
        children::get::get_child,
        children::update::update_child,
        children::delete::delete_child,
        children::history::child_history,
        children::access_log::child_access_log,
        incidents::list::list_incidents,
        incidents::create::create_incident,
        incidents::get::get_incident,
        incidents::update::update_incident,
        incidents::delete::delete_incident,
        incidents::history::incident_history,
        incidents::transitions::incident_transitions,
        incidents::transition::transition_incident,
        complaints::create::create_complaint,
        complaints::list::list_complaints,
        complaints::get::get_complaint,
        complaints::transition::transition_complaint,
        complaints::transitions::complaint_transitions,
        complaints::history::complaint_history,
        complaints::routing::complaint_routing,
        complaints::case::make_case,
        public::file::file_public_complaint,
        public::status::public_complaint_status,
        milestones::list::list_milestones,
        deadlines::list::list_deadlines,
        milestones::create::record_milestone,
        milestones::withdraw::withdraw_milestone,
        referrals::list::list_referrals,
        referrals::create::create_referral,
        referrals::get::get_referral,
        referrals::update::update_referral,
        referrals::delete::delete_referral,
        referrals::history::referral_history,
        referrals::transitions::referral_transitions,
        referrals::transition::transition_referral,
        stats::incidents::incident_stats,
        stats::referrals::referral_stats,
        stats::complaints::complaint_stats,
        stats::deadlines::deadline_stats,
        stats::kpis::kpis,
        sync::batch::batch,
        sync::changes::changes,
        audit::list::list_audit,
        audit::verify::verify_audit,
        webhooks::create::create_webhook,
        webhooks::list::list_webhooks,
        webhooks::delete::delete_webhook,
        webhooks::deliveries::webhook_deliveries,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&BearerScheme, &CommaSeparatedLists, &IdempotencyKeys, &AccessPurposes, &RetryAfter),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Tokens and the caller's identity"),
        (name = "taxonomy", description = "Places, categories and code lists"),
        (name = "agencies", description = "The agency directory"),
        (name = "users", description = "User administration"),
        (name = "children", description = "Children: the people every record is about"),
        (name = "complaints", description = "Complaints: intake, triage, routing, assignment and the case made of one"),
        (name = "public", description = "Public complaint intake and progress checks, without an account"),
        (name = "incidents", description = "Incidents and their status workflow"),
        (name = "deadlines", description = "Statutory and service deadlines: the work queue and compliance"),
        (name = "milestones", description = "Dated steps of a case (an FIR, a court production) that deadlines are measured by"),
        (name = "referrals", description = "Referrals between agencies and their workflow"),
        (name = "sync", description = "Synchronisation: bulk upsert by external id and the change feed"),
        (name = "statistics", description = "Aggregate statistics and KPIs under disclosure control"),
        (name = "audit", description = "The audit log: search, per-child access log and hash-chain verification"),
        (name = "webhooks", description = "Signed webhook subscriptions and their delivery logs"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// `group_by` on the statistics endpoints is an array sent comma-separated (`group_by=province,sex`):
/// `style: form, explode: false`. The parameter's schema comes from `schema_with`, which makes utoipa
/// drop the field's `style`/`explode` attributes, so they are set here.
struct CommaSeparatedLists;

impl Modify for CommaSeparatedLists {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterIn, ParameterStyle};
        for item in openapi.paths.paths.values_mut() {
            let Some(operation) = item.get.as_mut() else {
                continue;
            };
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.name == "group_by" && parameter.parameter_in == ParameterIn::Query {
                    parameter.style = Some(ParameterStyle::Form);
                    parameter.explode = Some(false);
                }
            }
        }
    }
}

/// Every `POST` the idempotency guard honours (all but the token endpoint, `idempotency.rs`) declares
/// its optional `Idempotency-Key` header, so generated clients can send one; the 409 and 422 it can
/// answer are documented on those operations already (a repeat still running; the same key with a
/// different request).
struct IdempotencyKeys;

impl Modify for IdempotencyKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        for (path, item) in openapi.paths.paths.iter_mut() {
            if crate::idempotency::is_exempt(path) {
                continue;
            }
            let Some(operation) = item.post.as_mut() else {
                continue;
            };
            let key = ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Optional: makes the POST safe to retry. A repeat with the same key and the same \
                     request replays the first response (`Idempotent-Replayed: true`); the same key \
                     with a different request answers 422; a repeat while the first still runs \
                     answers 409. Keys are per user and kept for CPIMS_IDEMPOTENCY_TTL_SECS.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(crate::idempotency::MAX_KEY_LEN))
                        .pattern(Some("^[\\x21-\\x7E]+$")),
                ))
                .build();
            operation.parameters.get_or_insert_with(Vec::new).push(key);
        }
    }
}

/// The reads of children, incidents and referrals that take a purpose of access (`Purpose` in their
/// handler, `app/purpose.rs`): each declares the `X-Access-Purpose` header, the `purpose` and
/// `purpose_reference` query parameters, the 422 a malformed one answers and the 428 of a nation-wide
/// read without one.
pub const PURPOSE_OPERATIONS: &[&str] = &[
    "/api/v1/children",
    "/api/v1/children/{id}",
    "/api/v1/children/{id}/history",
    "/api/v1/children/{id}/access-log",
    "/api/v1/incidents",
    "/api/v1/incidents/{id}",
    "/api/v1/incidents/{id}/history",
    "/api/v1/incidents/{id}/transitions",
    "/api/v1/referrals",
    "/api/v1/referrals/{id}",
    "/api/v1/referrals/{id}/history",
    "/api/v1/referrals/{id}/transitions",
    "/api/v1/sync/changes",
];

struct AccessPurposes;

impl Modify for AccessPurposes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use cpims_domain::access::purpose::{AccessPurpose, MAX_REFERENCE_CHARS};
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{
            ContentBuilder, ObjectBuilder, Ref, Required, ResponseBuilder, Type,
        };
        let codes = AccessPurpose::codes();
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        let text = |pattern: String, max: usize| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(max))
                .pattern(Some(pattern))
        };
        let codes_pattern = codes.join("|");
        // The header's reference is visible ASCII (header values are), trimmed at both ends.
        let header = ParameterBuilder::new()
            .name(crate::extract::purpose::PURPOSE_HEADER)
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Why an administrator or a monitor reads records of another agency: `<purpose>` or \
                 `<purpose>; ref=<reference>` (a file or order number, up to 100 characters). \
                 Needed (else 428) when any record answered belongs to another agency; recorded in \
                 the audit entry of the read. Or use the `purpose` query parameter, not both.",
            ))
            .schema(Some(text(
                format!(
                    "^({codes_pattern})(; ?ref=[\\x21-\\x7E]([\\x20-\\x7E]{{0,{}}}[\\x21-\\x7E])?)?$",
                    MAX_REFERENCE_CHARS - 2
                ),
                codes.iter().map(|code| code.len()).max().unwrap_or(0) + 6 + MAX_REFERENCE_CHARS,
            )))
            .build();
        let purpose = ParameterBuilder::new()
            .name(crate::extract::purpose::PURPOSE_PARAMETER)
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(
                "The purpose of access, as the X-Access-Purpose header states it (not both).",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(codes.clone())),
            ))
            .build();
        let reference = ParameterBuilder::new()
            .name(crate::extract::purpose::REFERENCE_PARAMETER)
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(
                "With `purpose` only: a reference for it (a complaint or court order number), 1 to \
                 100 characters, no control characters. Stored in the audit entry, never logged.",
            ))
            .schema(Some(text(
                "^[^\\x00-\\x1F\\x7F-\\x9F]+$".to_owned(),
                MAX_REFERENCE_CHARS,
            )))
            .build();
        for path in PURPOSE_OPERATIONS {
            let Some(operation) = openapi
                .paths
                .paths
                .get_mut(*path)
                .and_then(|item| item.get.as_mut())
            else {
                continue;
            };
            let parameters = operation.parameters.get_or_insert_with(Vec::new);
            parameters.extend([header.clone(), purpose.clone(), reference.clone()]);
            let responses = &mut operation.responses.responses;
            responses.entry("422".to_owned()).or_insert_with(|| {
                problem(
                    "A malformed purpose of access (X-Access-Purpose, purpose, purpose_reference)",
                )
                .into()
            });
            responses.insert(
                "428".to_owned(),
                problem(
                    "An administrator's or a monitor's read of another agency's records without a \
                     purpose of access; `purposes` lists the accepted ones",
                )
                .into(),
            );
        }
    }
}

/// Every 429 and 503 a handler answers carries `Retry-After` (seconds): the contract says so on each,
/// so clients back off by it. `/readyz` is for orchestrators, which poll on their own schedule.
struct RetryAfter;

impl Modify for RetryAfter {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::{ObjectBuilder, RefOr, Type};
        for (path, item) in openapi.paths.paths.iter_mut() {
            if path == "/readyz" {
                continue;
            }
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.patch.as_mut(),
                item.put.as_mut(),
                item.delete.as_mut(),
            ];
            for operation in operations.into_iter().flatten() {
                for (status, response) in operation.responses.responses.iter_mut() {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    if status != "429" && status != "503" {
                        continue;
                    }
                    let header = HeaderBuilder::new()
                        .schema(
                            ObjectBuilder::new()
                                .schema_type(Type::Integer)
                                .minimum(Some(1)),
                        )
                        .description(Some("Seconds to wait before trying again"))
                        .build();
                    response.headers.insert("Retry-After".to_owned(), header);
                }
            }
        }
    }
}

/// The document as pretty JSON with a trailing newline, exactly as committed in `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_read_that_takes_a_purpose_declares_it_and_its_428() {
        let document = ApiDoc::openapi();
        for path in PURPOSE_OPERATIONS {
            let operation = document
                .paths
                .paths
                .get(*path)
                .and_then(|item| item.get.as_ref());
            let Some(operation) = operation else {
                panic!("{path}: no GET operation");
            };
            let names: Vec<&str> = operation
                .parameters
                .iter()
                .flatten()
                .map(|parameter| parameter.name.as_str())
                .collect();
            for name in ["X-Access-Purpose", "purpose", "purpose_reference"] {
                assert_eq!(
                    names.iter().filter(|n| **n == name).count(),
                    1,
                    "{path}: {name}"
                );
            }
            assert!(operation.responses.responses.contains_key("428"), "{path}");
        }
    }
}
