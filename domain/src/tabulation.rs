//! Statistics tabulation: turns counted records into released tables and indicators, applying
//! disclosure control, totals and rates, so that handlers only fetch rows and shape the response.
//!
//! Every figure leaves here already released: a caller cannot forget to suppress, and the exact and
//! protected views differ only in the [`Disclosure`] they pass.

mod complaints;
mod deadlines;
mod kpis;
mod referrals;

pub use complaints::{tabulate_complaints, ComplaintFact, ComplaintTimes};
pub use deadlines::{tabulate_deadlines, Compliance, DeadlineFact};
pub use kpis::{tabulate_kpis, IncidentFact, KpiFacts, KpiFigures, Kpis, TransitionFact};
pub use referrals::{tabulate_referrals, ReferralFact, ReferralTimes};

use crate::disclosure::{
    percentile, rate, release_exact, release_protected, safe_percentile, safe_rate, ReleasedCell,
    ReleasedTable, StatCell,
};
use crate::stats::StatsView;

/// How figures are released: exactly, or under disclosure control with a minimum cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    /// Whether disclosure control applies.
    pub protected: bool,
    /// The configured minimum cell, as reported to the caller; the floor actually applied is
    /// [`crate::disclosure::effective_k`] of it.
    pub min_cell: u64,
}

impl Disclosure {
    /// Disclosure control for every view below monitor.
    pub fn for_view(view: &StatsView, min_cell: u64) -> Self {
        Self {
            protected: *view != StatsView::ExactAll,
            min_cell,
        }
    }

    /// Releases grouped counts, suppressing small cells and the cells that would reveal them.
    pub fn release(self, cells: &[StatCell]) -> ReleasedTable {
        if self.protected {
            release_protected(cells, self.min_cell)
        } else {
            release_exact(cells)
        }
    }

    /// A share in 0..=1, withheld under protection when the denominator is below the minimum cell.
    pub fn rate(self, numerator: u64, denominator: u64) -> Option<f64> {
        if self.protected {
            safe_rate(numerator, denominator, self.min_cell)
        } else {
            rate(numerator, denominator)
        }
    }

    /// The p-th percentile, withheld under protection when there are fewer values than the minimum.
    pub fn percentile(self, values: &[f64], p: f64) -> Option<f64> {
        if self.protected {
            safe_percentile(values, p, self.min_cell)
        } else {
            percentile(values, p)
        }
    }
}

/// One released cell of a grouped table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<F> {
    /// One value per grouped dimension, in grouping order; None where the value is unknown.
    pub key: Vec<Option<String>>,
    /// The number of records; None when suppressed.
    pub count: Option<u64>,
    /// The cell's further figures, released under the same control as the count.
    pub figures: F,
    pub suppressed: bool,
}

/// A released grouped table: the non-empty cells and the grand total when it is publishable.
#[derive(Debug, Clone, PartialEq)]
pub struct Table<F> {
    pub rows: Vec<Row<F>>,
    pub total: Option<u64>,
}

/// One non-empty cell of incidents as counted by the database, before release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedCell {
    /// One value per grouped dimension; None where the value is unknown.
    pub key: Vec<Option<String>>,
    pub incidents: u64,
    /// Distinct children among the incidents.
    pub children: u64,
}

/// The figure an incident cell carries besides its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentFigures {
    /// Distinct children; None when suppressed or below the minimum cell.
    pub children: Option<u64>,
}

/// Releases incident counts (grouped by the database) under `disclosure`, in input order.
pub fn tabulate_incidents(cells: &[CountedCell], disclosure: Disclosure) -> Table<IncidentFigures> {
    let counted: Vec<StatCell> = cells
        .iter()
        .map(|cell| StatCell {
            // An unknown value and an empty one fall in the same differencing group: an analyst
            // cannot tell them apart in a marginal either.
            key: cell
                .key
                .iter()
                .map(|value| value.clone().unwrap_or_default())
                .collect(),
            count: cell.incidents,
            children: cell.children,
        })
        .collect();
    let keys = cells.iter().map(|cell| cell.key.clone());
    release_rows(&counted, keys, disclosure, |_, released| IncidentFigures {
        children: released.children,
    })
}

/// Releases `cells` and pairs each with its row key and its further figures, which `figures` gets
/// from the cell's index in `cells` and its released form.
fn release_rows<F>(
    cells: &[StatCell],
    keys: impl Iterator<Item = Vec<Option<String>>>,
    disclosure: Disclosure,
    figures: impl Fn(usize, &ReleasedCell) -> F,
) -> Table<F> {
    let released = disclosure.release(cells);
    let rows = released
        .cells
        .iter()
        .zip(keys)
        .enumerate()
        .map(|(index, (cell, key))| Row {
            key,
            count: cell.count,
            figures: figures(index, cell),
            suppressed: cell.suppressed,
        })
        .collect();
    Table {
        rows,
        total: released.total,
    }
}

/// The facts that match every filter, grouped by their values of `group_by` (cells in key order).
fn group<'a, T, D: Copy>(
    facts: &'a [T],
    group_by: &[D],
    filters: &[(D, String)],
    value_of: impl Fn(&T, D) -> String,
) -> std::collections::BTreeMap<Vec<String>, Vec<&'a T>> {
    let mut groups: std::collections::BTreeMap<Vec<String>, Vec<&T>> =
        std::collections::BTreeMap::new();
    for fact in facts
        .iter()
        .filter(|fact| filters.iter().all(|(d, v)| &value_of(fact, *d) == v))
    {
        groups
            .entry(group_by.iter().map(|d| value_of(fact, *d)).collect())
            .or_default()
            .push(fact);
    }
    groups
}

/// Releases grouped facts: each cell's count under `disclosure`, and `figures` of the members of the
/// cells that are shown (a figure over a suppressed cell would describe the few records it hides).
fn release_groups<T, F: Default>(
    groups: &std::collections::BTreeMap<Vec<String>, Vec<&T>>,
    disclosure: Disclosure,
    figures: impl Fn(&[&T]) -> F,
) -> Table<F> {
    let cells: Vec<StatCell> = groups
        .iter()
        .map(|(key, members)| StatCell {
            key: key.clone(),
            count: members.len() as u64,
            children: 0,
        })
        .collect();
    let keys = groups
        .keys()
        .map(|key| key.iter().cloned().map(Some).collect());
    let members: Vec<&Vec<&T>> = groups.values().collect();
    release_rows(&cells, keys, disclosure, |index, released| {
        match members.get(index) {
            Some(members) if !released.suppressed => figures(members),
            _ => F::default(),
        }
    })
}

/// Rounds a released figure to steps of `1 / scale`: more digits than that are noise, not information.
fn rounded(value: f64, scale: f64) -> f64 {
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests;
