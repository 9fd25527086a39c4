//! The edge of a sync batch: each item parsed into its record kind's typed input, with every field's
//! error, before the batch's unit of work begins. A reference to another record by its external id
//! (`child_external_id`, `incident_external_id`) is held aside: it can name a record this very batch
//! creates, so it is resolved inside the unit of work.

use std::collections::HashMap;

use serde_json::{Map, Value};
use validator::Validate;

use super::batch_kinds::BatchKind;
use crate::error::{ApiError, FieldError};
use crate::extract::json::{flatten, parse_value, FieldRules};

/// Stands in for the referenced record's id while the item's fields are checked; the resolved id
/// replaces it before anything is written.
const UNRESOLVED_ID: &str = "00000000-0000-0000-0000-000000000000";

/// One item of a sync batch after parsing.
pub struct ParsedItem<T> {
    /// As the item gave it, for its result (even when the item is invalid).
    pub external_id: Option<String>,
    /// The external id the item names its parent record by, not yet resolved.
    pub reference: Option<Value>,
    pub fields: Result<ItemFields<T>, Vec<FieldError>>,
}

/// A valid item's own fields.
pub struct ItemFields<T> {
    pub external_id: String,
    /// The version the client last saw, if it says.
    pub base_version: Option<i64>,
    pub input: T,
}

/// Parses every item of one record kind, in order.
pub fn parse_items<K: BatchKind>(items: Vec<Map<String, Value>>) -> Vec<ParsedItem<K::Input>> {
    items.into_iter().map(parse_item::<K>).collect()
}

/// Takes `base_version` and the reference out of an item, then parses and validates the rest exactly
/// as the create endpoint would.
fn parse_item<K: BatchKind>(mut item: Map<String, Value>) -> ParsedItem<K::Input> {
    let external_id = item
        .get("external_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let refused = |errors| ParsedItem {
        external_id: external_id.clone(),
        reference: None,
        fields: Err(errors),
    };
    let base_version = match item.remove("base_version") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some_and(|v| v >= 1) => n.as_i64(),
        Some(_) => {
            return refused(vec![FieldError::new(
                "base_version",
                "must be a version number",
            )])
        }
    };
    let reference = K::REFERENCE.and_then(|(reference, id_field)| {
        let value = item.remove(reference)?;
        item.insert(id_field.to_owned(), Value::String(UNRESOLVED_ID.to_owned()));
        Some(value)
    });
    ParsedItem {
        fields: parse_fields::<K>(item, external_id.clone(), base_version),
        external_id,
        reference,
    }
}

fn parse_fields<K: BatchKind>(
    item: Map<String, Value>,
    external_id: Option<String>,
    base_version: Option<i64>,
) -> Result<ItemFields<K::Input>, Vec<FieldError>> {
    let input: K::Input = parse_value(Value::Object(item)).map_err(|error| match error {
        ApiError::Validation(errors) => errors,
        other => vec![FieldError::new("body", other.to_string())],
    })?;
    let mut errors = input
        .validate()
        .err()
        .map(|e| flatten(&e))
        .unwrap_or_default();
    errors.extend(input.field_errors());
    let Some(external_id) = external_id.filter(|id| !id.trim().is_empty()) else {
        errors.push(FieldError::new(
            "external_id",
            "is required in a sync batch",
        ));
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ItemFields {
        external_id,
        base_version,
        input,
    })
}

impl<T> ParsedItem<T> {
    /// The external id the item's reference names, when it is a string.
    pub fn referenced_external_id(&self) -> Option<&str> {
        self.reference.as_ref().and_then(Value::as_str)
    }

    /// The item ready to write: its reference resolved against `known` (the agency's external ids
    /// and the records' ids) and set on its input; or its refusal. A bad reference is the item's only
    /// error, as the fields were checked against a stand-in id.
    pub fn resolve<K: BatchKind<Input = T>>(
        self,
        known: &HashMap<String, String>,
    ) -> Result<ItemFields<T>, (Option<String>, Vec<FieldError>)> {
        let external_id = self.external_id;
        let resolved = match (K::REFERENCE, self.reference) {
            (Some((reference, _)), Some(value)) => {
                let id = value
                    .as_str()
                    .ok_or_else(|| FieldError::new(reference, "must be a string"))
                    .and_then(|external| {
                        known.get(external).cloned().ok_or_else(|| {
                            FieldError::new(
                                reference,
                                "no record of your agency has this external_id",
                            )
                        })
                    });
                match id {
                    Ok(id) => Some(id),
                    Err(error) => return Err((external_id, vec![error])),
                }
            }
            _ => None,
        };
        let mut fields = self.fields.map_err(|errors| (external_id, errors))?;
        if let Some(id) = resolved {
            K::refer_to(&mut fields.input, id);
        }
        Ok(fields)
    }
}
