//! Field-level history: what changed between two versions of a record, as the record's JSON shows it.

use std::collections::BTreeSet;

use serde_json::Value;

/// The field name of a creation snapshot: a record's version 1 stored as one history entry whose new
/// value is a JSON object of every field's first value, instead of one entry per field. Readers expand
/// it back into per-field entries ([`expand_creation_snapshot`]); no record has a field of this name.
pub const CREATION_SNAPSHOT_FIELD: &str = "*";

/// The per-field `(field, value)` pairs of a creation snapshot's new value, sorted by field as
/// [`diff_fields`] sorts them; `None` when the text is not a JSON object (an erased snapshot has no text).
pub fn expand_creation_snapshot(snapshot: &str) -> Option<Vec<(String, Value)>> {
    let Value::Object(fields) = serde_json::from_str(snapshot).ok()? else {
        return None;
    };
    let mut fields: Vec<(String, Value)> = fields.into_iter().collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Some(fields)
}

/// One changed field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// Compares two JSON objects (top-level keys only) and lists changed fields sorted by name; keys in
/// `ignore` skipped (e.g. version, updated_at). A key missing on one side counts as null.
///
/// Treating a missing key as null means a field dropped from a DTO because it became `None` is not
/// reported twice over. A value that is not an object has no fields, so every field of the other side
/// shows as changed from or to null.
pub fn diff_fields(old: &Value, new: &Value, ignore: &[&str]) -> Vec<FieldChange> {
    let fields: BTreeSet<&String> = object_keys(old).chain(object_keys(new)).collect();
    fields
        .into_iter()
        .filter(|field| !ignore.contains(&field.as_str()))
        .filter_map(|field| {
            let old_value = field_value(old, field);
            let new_value = field_value(new, field);
            (old_value != new_value).then(|| FieldChange {
                field: field.clone(),
                old: old_value.clone(),
                new: new_value.clone(),
            })
        })
        .collect()
}

fn object_keys(value: &Value) -> impl Iterator<Item = &String> {
    value
        .as_object()
        .into_iter()
        .flat_map(|object| object.keys())
}

fn field_value<'v>(value: &'v Value, field: &str) -> &'v Value {
    value.get(field).unwrap_or(&Value::Null)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn change(field: &str, old: Value, new: Value) -> FieldChange {
        FieldChange {
            field: field.into(),
            old,
            new,
        }
    }

    #[test]
    fn changed_fields_are_listed_by_name() {
        let old =
            json!({"status": "open", "risk_level": "low", "district": "Lahore", "version": 1});
        let new =
            json!({"status": "closed", "risk_level": "high", "district": "Lahore", "version": 2});
        assert_eq!(
            diff_fields(&old, &new, &["version"]),
            vec![
                change("risk_level", json!("low"), json!("high")),
                change("status", json!("open"), json!("closed")),
            ]
        );
    }

    #[test]
    fn missing_keys_count_as_null() {
        let old = json!({"closure_reason": null, "narrative": "x"});
        let new = json!({"closure_reason": "resolved"});
        assert_eq!(
            diff_fields(&old, &new, &[]),
            vec![
                change("closure_reason", Value::Null, json!("resolved")),
                change("narrative", json!("x"), Value::Null),
            ]
        );
        assert!(diff_fields(&json!({"a": null}), &json!({}), &[]).is_empty());
    }

    #[test]
    fn nested_values_are_compared_whole() {
        let old = json!({"languages": ["ur", "pa"], "meta": {"a": 1}});
        let new = json!({"languages": ["ur"], "meta": {"a": 1}});
        assert_eq!(
            diff_fields(&old, &new, &[]),
            vec![change("languages", json!(["ur", "pa"]), json!(["ur"]))]
        );
    }

    #[test]
    fn ignored_and_unchanged_fields_are_skipped() {
        let old = json!({"version": 1, "updated_at": "a", "sex": "female"});
        let new = json!({"version": 2, "updated_at": "b", "sex": "female"});
        assert!(diff_fields(&old, &new, &["version", "updated_at"]).is_empty());
    }

    #[test]
    fn a_non_object_side_has_no_fields() {
        let new = json!({"sex": "male"});
        assert_eq!(
            diff_fields(&Value::Null, &new, &[]),
            vec![change("sex", Value::Null, json!("male"))]
        );
        assert!(diff_fields(&json!([1]), &json!("x"), &[]).is_empty());
    }

    #[test]
    fn a_creation_snapshot_expands_to_its_fields_in_diff_order() {
        let fields = expand_creation_snapshot(r#"{"sex":"female","age":12,"district":null}"#);
        assert_eq!(
            fields,
            Some(vec![
                ("age".to_owned(), json!(12)),
                ("district".to_owned(), Value::Null),
                ("sex".to_owned(), json!("female")),
            ])
        );
        assert_eq!(expand_creation_snapshot("[1]"), None);
        assert_eq!(expand_creation_snapshot("not json"), None);
    }
}
