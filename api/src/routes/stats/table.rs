//! The statistics table on the wire: rows of dimension values and figures, as JSON or CSV.

use actix_web::{HttpRequest, HttpResponse};
use cpims_domain::stats::Dimension;
use cpims_domain::tabulation::{
    ComplaintTimes, Compliance, Disclosure, IncidentFigures, ReferralTimes, Row, Table,
};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::csv::csv_response;
use super::wants_csv;

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

/// The figures a row carries between `count` and `suppressed`.
pub trait Figures {
    /// Their column names, in order.
    const COLUMNS: &'static [&'static str];
    /// Their values in [`Self::COLUMNS`] order; null where withheld.
    fn values(&self) -> Vec<Value>;
}

impl Figures for IncidentFigures {
    const COLUMNS: &'static [&'static str] = &["children"];
    fn values(&self) -> Vec<Value> {
        vec![self.children.map_or(Value::Null, Value::from)]
    }
}

impl Figures for ReferralTimes {
    const COLUMNS: &'static [&'static str] = &[
        "median_hours_to_first_response",
        "p90_hours_to_first_response",
        "median_hours_to_completion",
        "p90_hours_to_completion",
    ];
    fn values(&self) -> Vec<Value> {
        [
            self.median_hours_to_first_response,
            self.p90_hours_to_first_response,
            self.median_hours_to_completion,
            self.p90_hours_to_completion,
        ]
        .into_iter()
        .map(|hours| hours.map_or(Value::Null, Value::from))
        .collect()
    }
}

impl Figures for ComplaintTimes {
    const COLUMNS: &'static [&'static str] =
        &["median_hours_to_triage", "median_hours_to_acceptance"];
    fn values(&self) -> Vec<Value> {
        [self.median_hours_to_triage, self.median_hours_to_acceptance]
            .into_iter()
            .map(|hours| hours.map_or(Value::Null, Value::from))
            .collect()
    }
}

impl Figures for Compliance {
    const COLUMNS: &'static [&'static str] = &[
        "met",
        "met_late",
        "overdue",
        "open",
        "share_met_on_time",
        "median_hours_late",
    ];
    fn values(&self) -> Vec<Value> {
        let count = |n: Option<u64>| n.map_or(Value::Null, Value::from);
        let figure = |x: Option<f64>| x.map_or(Value::Null, Value::from);
        vec![
            count(self.met),
            count(self.met_late),
            count(self.overdue),
            count(self.open),
            figure(self.share_met_on_time),
            figure(self.median_hours_late),
        ]
    }
}

/// A shaped table and its figure columns, ready to answer as JSON or CSV.
pub struct StatsReply {
    table: StatsTable,
    figures: Vec<&'static str>,
}

/// Shapes a released table for the wire, with the filters echoed as given.
pub fn shape<D: Dimension, F: Figures>(
    group_by: &[D],
    tabulated: Table<F>,
    filters: Map<String, Value>,
    disclosure: Disclosure,
) -> StatsReply {
    let group_by: Vec<String> = group_by.iter().map(|d| d.name().to_owned()).collect();
    let rows = tabulated
        .rows
        .into_iter()
        .map(|row| wire_row(&group_by, row))
        .collect();
    let figures = ["count"]
        .into_iter()
        .chain(F::COLUMNS.iter().copied())
        .chain(["suppressed"])
        .collect();
    StatsReply {
        table: StatsTable {
            group_by,
            rows,
            total: tabulated.total,
            filters,
            disclosure_control: disclosure.protected,
            min_cell: disclosure.min_cell,
        },
        figures,
    }
}

fn wire_row<F: Figures>(group_by: &[String], row: Row<F>) -> Map<String, Value> {
    let mut wire = Map::new();
    for (dimension, value) in group_by.iter().zip(row.key) {
        wire.insert(dimension.clone(), value.map_or(Value::Null, Value::String));
    }
    wire.insert(
        "count".to_owned(),
        row.count.map_or(Value::Null, Value::from),
    );
    for (column, value) in F::COLUMNS.iter().zip(row.figures.values()) {
        wire.insert((*column).to_owned(), value);
    }
    wire.insert("suppressed".to_owned(), Value::Bool(row.suppressed));
    wire
}

impl StatsReply {
    /// The table as JSON, or as CSV (downloaded as `filename.csv`) when the client asked for it.
    pub fn respond(self, request: &HttpRequest, filename: &str) -> HttpResponse {
        if wants_csv(request) {
            return csv_response(&self.table, &self.figures, filename);
        }
        HttpResponse::Ok().json(self.table)
    }
}
