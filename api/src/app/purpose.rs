//! Purpose of access in the application: a read handler, once it knows which records it is about to
//! return, asks here whether the caller may have them without a stated purpose (428 otherwise) and
//! gets back the caller carrying the purpose, so every audit entry it writes records it.
//!
//! The purpose goes in the audit entry's `detail`, which the hash chain already covers: no new
//! column, no change to the canonical form, and `cpims audit verify` checks it like any other field.

use cpims_domain::access::purpose::{purpose_required, StatedPurpose};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::purpose::Purpose;

impl Authenticated {
    /// The caller reading one record that belongs to `agencies` (a child's or an incident's owner; a
    /// referral's sending and receiving agencies).
    pub fn reading<'a>(
        &self,
        purpose: &Purpose,
        agencies: impl IntoIterator<Item = &'a str>,
    ) -> Result<Authenticated, ApiError> {
        self.reading_all(purpose, [agencies])
    }

    /// The caller reading several records (a page of a list, the change feed), each given by the
    /// agencies it belongs to: one record of another agency is enough to need a purpose.
    pub fn reading_all<'a, A>(
        &self,
        purpose: &Purpose,
        records: impl IntoIterator<Item = A>,
    ) -> Result<Authenticated, ApiError>
    where
        A: IntoIterator<Item = &'a str>,
    {
        let needed = records
            .into_iter()
            .any(|agencies| purpose_required(&self.0, agencies));
        if needed && purpose.0.is_none() {
            return Err(ApiError::PurposeRequired);
        }
        Ok(Authenticated(
            self.0.clone(),
            self.1.clone(),
            purpose.0.clone(),
        ))
    }
}

/// An audit entry's `detail` for a stated purpose.
pub fn purpose_detail(stated: &StatedPurpose) -> String {
    serde_json::json!({
        "purpose": stated.purpose.as_str(),
        "purpose_reference": stated.reference,
    })
    .to_string()
}

/// The purpose and its reference an audit entry's `detail` records, if it records one.
pub fn recorded_purpose(detail: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(value) =
        detail.and_then(|detail| serde_json::from_str::<serde_json::Value>(detail).ok())
    else {
        return (None, None);
    };
    let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    (text("purpose"), text("purpose_reference"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cpims_domain::access::purpose::AccessPurpose;
    use cpims_domain::principal::Principal;
    use cpims_domain::user::Role;

    fn caller(role: Role) -> Authenticated {
        let principal = Principal {
            user_id: "u".into(),
            agency_id: "ncrc".into(),
            role,
            grants_completed_after: chrono::NaiveDateTime::MIN,
        };
        Authenticated(principal, Some("req".into()), None)
    }

    fn stated() -> Purpose {
        Purpose(Some(StatedPurpose {
            purpose: AccessPurpose::ComplaintInquiry,
            reference: Some("C-7".into()),
        }))
    }

    #[test]
    fn a_monitor_reading_another_agency_without_a_purpose_is_refused() {
        let monitor = caller(Role::Monitor);
        let refused = monitor.reading(&Purpose::default(), ["punjab"]);
        assert!(matches!(refused, Err(ApiError::PurposeRequired)));
        let pages = [vec!["ncrc"], vec!["punjab"]];
        let refused =
            monitor.reading_all(&Purpose::default(), pages.iter().map(|p| p.iter().copied()));
        assert!(matches!(refused, Err(ApiError::PurposeRequired)));
        assert!(monitor.reading(&Purpose::default(), ["ncrc"]).is_ok());
        assert!(caller(Role::CaseWorker)
            .reading(&Purpose::default(), ["punjab"])
            .is_ok());
    }

    #[test]
    fn the_stated_purpose_reaches_the_audit_entry_and_back() {
        let reader = caller(Role::Admin).reading(&stated(), ["punjab"]).ok();
        let event = reader
            .map(|reader| reader.audit("read", cpims_domain::access::RecordKind::Child, "c1"));
        let detail = event.and_then(|event| event.detail);
        assert_eq!(
            recorded_purpose(detail.as_deref()),
            (Some("complaint_inquiry".into()), Some("C-7".into()))
        );
        assert_eq!(
            recorded_purpose(Some("{\"operation\":\"read\"}")),
            (None, None)
        );
        assert_eq!(recorded_purpose(None), (None, None));
    }
}
