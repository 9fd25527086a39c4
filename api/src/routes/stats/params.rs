//! Validation shared by the grouped statistics queries: `group_by`, dimension filters and the
//! period, each problem collected as a field error so that one 422 reports them all.

use chrono::NaiveDate;
use cpims_domain::stats::{parse_group_by, Dimension};
use serde_json::{Map, Value};

use crate::error::FieldError;

/// The dimensions to group by; none (and an error noted) when `group_by` is invalid.
pub fn group_by<D: Dimension>(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Vec<D> {
    parse_group_by(raw, D::parse)
        .map_err(|message| errors.push(FieldError::new("group_by", message)))
        .unwrap_or_default()
}

/// The filters given, each checked against its dimension, and the accepted ones echoed by name.
pub fn filters<D: Dimension>(
    given: &[(D, &Option<String>)],
    errors: &mut Vec<FieldError>,
) -> (Vec<(D, String)>, Map<String, Value>) {
    let mut accepted = Vec::new();
    let mut echoed = Map::new();
    for (dimension, value) in given {
        let Some(value) = value else {
            continue;
        };
        if dimension.accepts(value) {
            accepted.push((*dimension, value.clone()));
            echoed.insert(dimension.name().to_owned(), Value::String(value.clone()));
        } else {
            errors.push(FieldError::new(
                dimension.name(),
                "is not a value this dimension can take",
            ));
        }
    }
    (accepted, echoed)
}

/// Notes an error when the period ends before it starts.
pub fn check_period(from: Option<NaiveDate>, to: Option<NaiveDate>, errors: &mut Vec<FieldError>) {
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            errors.push(FieldError::new("to", "must not be before from"));
        }
    }
}

/// Echoes the period's bounds that were given.
pub fn echo_period(
    echoed: &mut Map<String, Value>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) {
    for (name, date) in [("from", from), ("to", to)] {
        if let Some(date) = date {
            echoed.insert(name.to_owned(), Value::String(date.to_string()));
        }
    }
}

/// What the audit log records of a grouped query: the endpoint and its grouping.
pub fn audit_detail<D: Dimension>(endpoint: &str, group_by: &[D]) -> String {
    let names: Vec<&str> = group_by.iter().map(|d| d.name()).collect();
    format!("{endpoint} group_by={}", names.join(","))
}

#[cfg(test)]
mod tests {
    use cpims_domain::stats::IncidentDimension as D;

    use super::*;

    #[test]
    fn accepted_filters_are_echoed_and_refused_ones_reported_in_order() {
        let (province, sex, district) = (
            Some("Punjab".to_owned()),
            Some("robot".to_owned()),
            Some("Atlantis".to_owned()),
        );
        let mut errors = Vec::new();
        let (accepted, echoed) = filters(
            &[
                (D::Province, &province),
                (D::Sex, &sex),
                (D::District, &district),
                (D::Month, &None),
            ],
            &mut errors,
        );
        assert_eq!(accepted, [(D::Province, "Punjab".to_owned())]);
        assert_eq!(echoed.len(), 1);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["sex", "district"]);
    }

    #[test]
    fn audit_detail_names_the_endpoint_and_its_grouping() {
        assert_eq!(
            audit_detail("incidents", &[D::Province, D::Sex]),
            "incidents group_by=province,sex"
        );
        assert_eq!(audit_detail::<D>("incidents", &[]), "incidents group_by=");
    }
}
