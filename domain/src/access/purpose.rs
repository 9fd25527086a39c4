//! Purpose of access: why an administrator or a monitor reads case records that belong to another
//! agency (issue 18), and whether a read needs one.
//!
//! Nation-wide read access is granted for oversight (NCRC Act 2017, s.15(e)), not for curiosity; a
//! stated purpose makes every such read accountable in the audit chain. A reference (a complaint
//! number, a court order) may accompany it; it is free text and may carry personal data, so it is
//! stored in the audit entry only, never logged.

use crate::code_enum;
use crate::principal::Principal;
use crate::user::Role;

code_enum!(
    /// Why a nation-wide read is made.
    AccessPurpose {
        OversightInquiry => "oversight_inquiry",
        ComplaintInquiry => "complaint_inquiry",
        DataQuality => "data_quality",
        Audit => "audit",
        LegalRequest => "legal_request",
    }
);

/// The longest reference, in characters: enough for a file number or a court order's citation.
pub const MAX_REFERENCE_CHARS: usize = 100;

/// A purpose as a request stated it, with its optional reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedPurpose {
    pub purpose: AccessPurpose,
    pub reference: Option<String>,
}

/// Why a stated purpose was refused; says what is allowed, never echoes the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PurposeError {
    #[error(
        "must be one of oversight_inquiry, complaint_inquiry, data_quality, audit, legal_request"
    )]
    UnknownPurpose,
    #[error("must be 1 to 100 characters, none of them a control character")]
    BadReference,
    #[error("must be `<purpose>` or `<purpose>; ref=<reference>`")]
    BadHeader,
}

impl StatedPurpose {
    /// A purpose code and an optional reference, as the `purpose` and `purpose_reference` query
    /// parameters give them.
    pub fn parse(purpose: &str, reference: Option<&str>) -> Result<Self, PurposeError> {
        let purpose = AccessPurpose::parse(purpose).ok_or(PurposeError::UnknownPurpose)?;
        let reference = reference.map(parse_reference).transpose()?;
        Ok(StatedPurpose { purpose, reference })
    }

    /// The `X-Access-Purpose` header's value: `<purpose>` or `<purpose>; ref=<reference>`.
    pub fn parse_header(value: &str) -> Result<Self, PurposeError> {
        let (code, reference) = match value.split_once(';') {
            None => (value.trim(), None),
            Some((code, rest)) => {
                let reference = rest
                    .trim_start()
                    .strip_prefix("ref=")
                    .ok_or(PurposeError::BadHeader)?;
                (code.trim(), Some(reference.trim()))
            }
        };
        Self::parse(code, reference)
    }
}

/// 1 to [`MAX_REFERENCE_CHARS`] characters, no control characters (they could forge lines in an
/// export of the log).
fn parse_reference(reference: &str) -> Result<String, PurposeError> {
    let length = reference.chars().count();
    if length == 0 || length > MAX_REFERENCE_CHARS || reference.chars().any(char::is_control) {
        return Err(PurposeError::BadReference);
    }
    Ok(reference.to_owned())
}

/// Whether reading a record needs a stated purpose: the caller reads nation-wide (an administrator or
/// a monitor) and none of the agencies the record belongs to (`record_agencies`: a child's or an
/// incident's owner; a referral's sending and receiving agencies) is the caller's own. Every other
/// role reads only its own agency's records and those referred to it, which its work explains.
pub fn purpose_required<'a>(
    principal: &Principal,
    record_agencies: impl IntoIterator<Item = &'a str>,
) -> bool {
    let nation_wide = matches!(principal.role, Role::Admin | Role::Monitor);
    nation_wide
        && !record_agencies
            .into_iter()
            .any(|agency| agency == principal.agency_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role) -> Principal {
        Principal {
            user_id: "u".into(),
            agency_id: "ncrc".into(),
            role,
            grants_completed_after: chrono::NaiveDateTime::MIN,
        }
    }

    #[test]
    fn only_nation_wide_readers_of_other_agencies_need_a_purpose() {
        for role in Role::ALL.iter().copied() {
            let caller = principal(role);
            let nation_wide = matches!(role, Role::Admin | Role::Monitor);
            assert_eq!(purpose_required(&caller, ["punjab"]), nation_wide, "{role}");
            assert!(!purpose_required(&caller, ["ncrc"]), "{role}: own agency");
            // A referral the caller's agency sent or received is its own business.
            assert!(!purpose_required(&caller, ["punjab", "ncrc"]), "{role}");
        }
    }

    #[test]
    fn the_refusal_names_every_purpose() {
        let message = PurposeError::UnknownPurpose.to_string();
        assert!(
            message.ends_with(&AccessPurpose::codes().join(", ")),
            "{message}"
        );
    }

    #[test]
    fn header_states_a_purpose_with_or_without_a_reference() {
        assert_eq!(
            StatedPurpose::parse_header("audit"),
            Ok(StatedPurpose {
                purpose: AccessPurpose::Audit,
                reference: None
            })
        );
        assert_eq!(
            StatedPurpose::parse_header(" oversight_inquiry; ref=NCRC-2026-114 "),
            Ok(StatedPurpose {
                purpose: AccessPurpose::OversightInquiry,
                reference: Some("NCRC-2026-114".into())
            })
        );
        assert_eq!(
            StatedPurpose::parse_header("legal_request;ref=Order 12; 2026")
                .map(|stated| stated.reference),
            Ok(Some("Order 12; 2026".into()))
        );
    }

    #[test]
    fn malformed_purposes_are_refused() {
        use PurposeError::*;
        let header = StatedPurpose::parse_header;
        assert_eq!(header(""), Err(UnknownPurpose));
        assert_eq!(header("curiosity"), Err(UnknownPurpose));
        assert_eq!(header("Audit"), Err(UnknownPurpose));
        assert_eq!(header("audit; NCRC-1"), Err(BadHeader));
        assert_eq!(header("audit; ref="), Err(BadReference));
        let long = "x".repeat(MAX_REFERENCE_CHARS + 1);
        assert_eq!(
            StatedPurpose::parse("audit", Some(&long)),
            Err(BadReference)
        );
        let longest = "ب".repeat(MAX_REFERENCE_CHARS);
        assert!(StatedPurpose::parse("audit", Some(&longest)).is_ok());
        assert_eq!(
            StatedPurpose::parse("audit", Some("line\nbreak")),
            Err(BadReference)
        );
        assert_eq!(StatedPurpose::parse("audit", Some("")), Err(BadReference));
    }
}
