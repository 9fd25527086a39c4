//! Where a record is: a province or territory and one of its districts, checked against the taxonomy.

use crate::taxonomy;

/// Why a province/district pair was refused; each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationProblem {
    #[error("unknown province or territory")]
    UnknownProvince,
    #[error("district does not belong to the province")]
    DistrictNotInProvince,
}

impl LocationProblem {
    /// The request field the problem is about.
    pub fn field(&self) -> &'static str {
        match self {
            LocationProblem::UnknownProvince => "province",
            LocationProblem::DistrictNotInProvince => "district",
        }
    }
}

/// Checks that the province exists and, when given, that the district is one of its districts.
pub fn check_location(province: &str, district: Option<&str>) -> Result<(), LocationProblem> {
    let province = taxonomy::province(province).ok_or(LocationProblem::UnknownProvince)?;
    match district {
        Some(district) if !province.districts.contains(&district) => {
            Err(LocationProblem::DistrictNotInProvince)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts_must_belong_to_their_province() {
        assert_eq!(check_location("Punjab", Some("Lahore")), Ok(()));
        assert_eq!(check_location("Punjab", None), Ok(()));
        assert_eq!(
            check_location("Sindh", Some("Lahore")),
            Err(LocationProblem::DistrictNotInProvince)
        );
        assert_eq!(
            check_location("Atlantis", Some("Lahore")),
            Err(LocationProblem::UnknownProvince)
        );
        assert_eq!(
            check_location("punjab", None),
            Err(LocationProblem::UnknownProvince)
        );
    }
}
