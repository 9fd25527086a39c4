//! The statistics table on the wire: rows of dimension values and figures, as JSON or CSV.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A grouped statistics table.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsTable {
    /// The dimensions, in column order.
    pub group_by: Vec<String>,
    /// One row per non-empty cell: each dimension's value, then `count`, `children` (incidents only),
    /// further figures, and `suppressed`. Suppressed figures are null.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<Map<String, Value>>,
    /// The sum of all cells; null when it would reveal a suppressed cell or is itself below the minimum.
    pub total: Option<u64>,
    /// The filters applied, as given.
    #[schema(value_type = Object)]
    pub filters: Map<String, Value>,
    /// Whether disclosure control was applied to this response.
    pub disclosure_control: bool,
    /// The smallest count shown under disclosure control.
    pub min_cell: u64,
}

impl StatsTable {
    /// The CSV header: the dimensions then every figure column, in the order of the first row.
    pub fn columns(&self, figures: &[&str]) -> Vec<String> {
        self.group_by
            .iter()
            .cloned()
            .chain(figures.iter().map(|f| (*f).to_owned()))
            .collect()
    }
}
