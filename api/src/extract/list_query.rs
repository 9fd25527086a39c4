//! Query strings whose list-valued parameters may come comma-separated (`group_by=province,category`,
//! as the contract describes them) or as repeated keys (`group_by=province&group_by=category`, as
//! generated clients send arrays): both reach the handler as the comma-separated form.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// The parameters that take a list (where an endpoint reads its query through [`ListQuery`]): the
/// statistics' `group_by`, the work queue's `state` and the complaint list's `status`.
const LIST_PARAMETERS: &[&str] = &["group_by", "state", "status"];

/// A query string deserialised after joining repeated list parameters; 422 like any query error.
pub struct ListQuery<T>(pub T);

impl<T> ListQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ListQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ListQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(request.query_string()).map(ListQuery))
    }
}

fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let invalid = |message: String| ApiError::Validation(vec![FieldError::new("query", message)]);
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|error| invalid(error.to_string()))?;
    let mut joined: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        let earlier = LIST_PARAMETERS
            .contains(&key.as_str())
            .then(|| joined.iter_mut().find(|(seen, _)| *seen == key))
            .flatten();
        match earlier {
            Some((_, values)) => {
                values.push(',');
                values.push_str(&value);
            }
            None => joined.push((key, value)),
        }
    }
    let encoded =
        serde_urlencoded::to_string(&joined).map_err(|error| invalid(error.to_string()))?;
    serde_urlencoded::from_str(&encoded).map_err(|error| invalid(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Grouped {
        group_by: Option<String>,
        province: Option<String>,
    }

    #[test]
    fn repeated_group_by_keys_read_as_one_comma_separated_list() {
        let parsed: Result<Grouped, _> = parse("group_by=province&province=Punjab&group_by=month");
        assert_eq!(
            parsed.ok(),
            Some(Grouped {
                group_by: Some("province,month".into()),
                province: Some("Punjab".into()),
            })
        );
        let same: Result<Grouped, _> = parse("group_by=province%2Cmonth&province=Punjab");
        assert_eq!(
            same.ok().and_then(|g| g.group_by).as_deref(),
            Some("province,month")
        );
    }

    #[test]
    fn other_parameters_may_still_appear_once_only() {
        let twice: Result<Grouped, _> = parse("province=Punjab&province=Sindh");
        assert!(matches!(twice, Err(ApiError::Validation(_))));
        let unknown: Result<Grouped, _> = parse("colour=red");
        assert!(matches!(unknown, Err(ApiError::Validation(_))));
    }
}
