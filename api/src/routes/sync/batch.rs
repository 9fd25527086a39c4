//! `POST /api/v1/sync/batch`

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use validator::Validate;

use super::batch_creates::{parent_ids, stored, upsert_all};
use super::batch_items::BatchResult;
use super::batch_kinds::{Children, Incidents, Referrals};
use super::batch_parse::parse_items;
use crate::app;
use crate::auth::gate::CaseWriter;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::json::{FieldRules, ValidJson};
use crate::state::AppState;

/// Most items one batch may carry.
pub const MAX_BATCH_ITEMS: usize = 1000;

/// Records to upsert, keyed by the caller agency's `external_id`. Each child item has the fields of a
/// child create request (with `external_id` required); incident items may name their child by
/// `child_external_id` instead of `child_id`, and referral items their incident by
/// `incident_external_id`. Any item may carry `base_version`: the version the client last saw.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub children: Vec<Map<String, Value>>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub incidents: Vec<Map<String, Value>>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub referrals: Vec<Map<String, Value>>,
}

impl FieldRules for BatchRequest {
    fn field_errors(&self) -> Vec<FieldError> {
        let items = self.children.len() + self.incidents.len() + self.referrals.len();
        if items > MAX_BATCH_ITEMS {
            vec![FieldError::new(
                "body",
                format!("at most {MAX_BATCH_ITEMS} items per batch"),
            )]
        } else {
            Vec::new()
        }
    }
}

/// One result per item, in request order: children, then incidents, then referrals.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    pub results: Vec<BatchResult>,
}

/// Upserts children, incidents and referrals by external id. Each item is `created`, `updated`,
/// `unchanged` (identical content: no new version, no history), `conflict` (the stored version differs
/// from `base_version` and the content differs: nothing written, the current record returned) or
/// `invalid` (field errors). Items are independent: one invalid item does not block the rest. An item
/// naming a record anonymised under the retention policy (or a new record under an anonymised child or
/// incident) is a `conflict` with the error `external_id`: "anonymised under the retention policy", the
/// 409 of the single-record endpoints: nothing is written, and the record cannot be recreated or given
/// back its personal fields.
#[utoipa::path(
    post,
    path = "/api/v1/sync/batch",
    tag = "sync",
    request_body = BatchRequest,
    responses(
        (status = 200, description = "One result per item", body = BatchResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not write case records", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not sent in time", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too many items or not a batch", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn batch(
    state: web::Data<AppState>,
    gated: CaseWriter,
    body: ValidJson<BatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = gated.0;
    let request = body.into_inner()?;
    let children = parse_items::<Children>(request.children);
    let incidents = parse_items::<Incidents>(request.incidents);
    let referrals = parse_items::<Referrals>(request.referrals);
    let agency = caller.0.agency_id.clone();
    let results = app::execute::write(&state, caller, move |work| {
        // One lookup per record type for the whole batch, and one for the parents items name.
        let mut stored_children = stored::<Children>(work, &agency, &children)?;
        let mut results =
            upsert_all::<Children>(work, children, &HashMap::new(), &mut stored_children)?;
        let child_ids = parent_ids::<Children, _>(work, &agency, &incidents, &stored_children)?;
        let mut stored_incidents = stored::<Incidents>(work, &agency, &incidents)?;
        results.extend(upsert_all::<Incidents>(
            work,
            incidents,
            &child_ids,
            &mut stored_incidents,
        )?);
        let incident_ids =
            parent_ids::<Incidents, _>(work, &agency, &referrals, &stored_incidents)?;
        let mut stored_referrals = stored::<Referrals>(work, &agency, &referrals)?;
        results.extend(upsert_all::<Referrals>(
            work,
            referrals,
            &incident_ids,
            &mut stored_referrals,
        )?);
        Ok(results)
    })
    .await?;
    Ok(HttpResponse::Ok().json(BatchResponse { results }))
}
