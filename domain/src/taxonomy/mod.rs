//! The reference data every client needs: places, incident categories, legal references.

pub mod categories;
pub mod law;
pub mod provinces;

pub use categories::{Category, Subcategory, CATEGORIES, LEGAL_REFERENCES};
pub use law::{incident_legal_references, legal_references_for};
pub use provinces::{Province, PROVINCES};

/// Looks a province or territory up by its exact name.
pub fn province(name: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|province| province.name == name)
}

/// Looks an incident category up by its code.
pub fn category(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|category| category.code == code)
}
