//! What complaint statistics may be grouped and filtered by.

use super::{is_month, Dimension};
use crate::code_enum;
use crate::complaint::{
    ComplainantType, ComplaintChannel, ComplaintClosureReason, ComplaintStatus,
};
use crate::taxonomy::{CATEGORIES, PROVINCES};

code_enum!(
    /// A dimension complaint statistics can be grouped or filtered by (`month`: of receipt, UTC).
    ComplaintDimension {
        Channel => "channel",
        ComplainantType => "complainant_type",
        Category => "category",
        Province => "province",
        District => "district",
        Status => "status",
        ClosureReason => "closure_reason",
        Month => "month",
    }
);

impl ComplaintDimension {
    /// Whether `value` is something this dimension can hold.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            ComplaintDimension::Channel => ComplaintChannel::parse(value).is_some(),
            ComplaintDimension::ComplainantType => ComplainantType::parse(value).is_some(),
            ComplaintDimension::Category => CATEGORIES.iter().any(|c| c.code == value),
            ComplaintDimension::Province => PROVINCES.iter().any(|p| p.name == value),
            ComplaintDimension::District => PROVINCES.iter().any(|p| p.districts.contains(&value)),
            ComplaintDimension::Status => ComplaintStatus::parse(value).is_some(),
            ComplaintDimension::ClosureReason => ComplaintClosureReason::parse(value).is_some(),
            ComplaintDimension::Month => is_month(value),
        }
    }
}

impl Dimension for ComplaintDimension {
    fn parse(name: &str) -> Option<Self> {
        ComplaintDimension::parse(name)
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn accepts(self, value: &str) -> bool {
        ComplaintDimension::accepts(self, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complaint_filters_come_from_closed_sets() {
        let d = ComplaintDimension::parse;
        assert_eq!(d("channel"), Some(ComplaintDimension::Channel));
        assert_eq!(d("sex"), None);
        assert!(ComplaintDimension::Channel.accepts("helpline_1099"));
        assert!(!ComplaintDimension::Channel.accepts("pigeon"));
        assert!(ComplaintDimension::ClosureReason.accepts("not_actionable"));
        assert!(ComplaintDimension::Status.accepts("converted"));
        assert!(!ComplaintDimension::Status.accepts("open"));
        assert!(ComplaintDimension::Month.accepts("2026-12"));
        assert!(!ComplaintDimension::Province.accepts("Punjab' OR 1=1 --"));
    }
}
