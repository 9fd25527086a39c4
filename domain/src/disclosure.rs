//! Statistical disclosure control: decides which aggregate counts, rates and percentiles roles below
//! monitor may see, so that no released figure (or difference of released figures) is a count in
//! 1..k-1 that could single out a child.
//!
//! Counts are protected by cell suppression. Primary suppression hides every small cell; complementary
//! suppression then hides further cells so that an analyst who also queries every coarser marginal
//! (the same statistic grouped by fewer dimensions, released under the same rules) and the grand total
//! cannot recover a hidden small cell by subtraction. The guarantee is per group, as specified: each
//! group of cells that sums to one marginal hides either nothing, or at least two cells that together
//! reach k, or is itself below k (and so is its marginal). Inference that chains several groups
//! together (solving the whole linear system) is outside that guarantee.

use std::collections::HashMap;

/// The floor under any configured k: below 3 a "protected" table still pins down individual children.
const MIN_K: u64 = 3;

/// Beyond this many dimensions the 2^d subsets to check stop being cheap; callers group by at most
/// four, so such a table is malformed and we hide every cell rather than release something unchecked.
const MAX_DIMENSIONS: usize = 8;

/// Smallest publishable count: the configured k, never below 3.
pub fn effective_k(configured: u64) -> u64 {
    configured.max(MIN_K)
}

/// One cell of a grouped count before protection: `key` holds one value per grouped dimension (same
/// length for every cell of a table; values are arbitrary strings, "" allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatCell {
    pub key: Vec<String>,
    pub count: u64,
    pub children: u64,
}

/// A cell as released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleasedCell {
    pub key: Vec<String>,
    pub count: Option<u64>,
    pub children: Option<u64>,
    pub suppressed: bool,
}

/// A grouped count as released: the cells in input order, the grand total when publishable, and how
/// many cells were hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleasedTable {
    pub cells: Vec<ReleasedCell>,
    pub total: Option<u64>,
    pub suppressed_cells: usize,
}

/// No protection (admin, monitor): every cell exact, total = sum.
pub fn release_exact(cells: &[StatCell]) -> ReleasedTable {
    let released = cells
        .iter()
        .map(|cell| ReleasedCell {
            key: cell.key.clone(),
            count: Some(cell.count),
            children: Some(cell.children),
            suppressed: false,
        })
        .collect();
    ReleasedTable {
        cells: released,
        // Only a sum past u64::MAX has no exact answer; report it as unknown rather than wrong.
        total: u64::try_from(sum_counts(cells.iter())).ok(),
        suppressed_cells: 0,
    }
}

/// Disclosure control for roles below monitor.
pub fn release_protected(cells: &[StatCell], k: u64) -> ReleasedTable {
    let k = effective_k(k);
    let hidden = suppression_pattern(cells, k);
    let released: Vec<ReleasedCell> = cells
        .iter()
        .zip(&hidden)
        .map(|(cell, &is_hidden)| {
            if is_hidden {
                ReleasedCell {
                    key: cell.key.clone(),
                    count: None,
                    children: None,
                    suppressed: true,
                }
            } else {
                ReleasedCell {
                    key: cell.key.clone(),
                    count: Some(cell.count),
                    // Distinct children do not add up across cells, so nothing can be differenced out
                    // of them: a small value only needs hiding on its own.
                    children: (cell.children >= k).then_some(cell.children),
                    suppressed: false,
                }
            }
        })
        .collect();
    let suppressed_cells = hidden.iter().filter(|&&h| h).count();
    ReleasedTable {
        cells: released,
        total: u64::try_from(sum_counts(cells.iter()))
            .ok()
            .filter(|&total| total >= k),
        suppressed_cells,
    }
}

/// A rate (0..=1) only when the denominator has at least k records (and is non-zero).
///
/// A numerator above the denominator is not a rate; answering None keeps a caller bug from being
/// published as a figure.
pub fn safe_rate(numerator: u64, denominator: u64, k: u64) -> Option<f64> {
    if denominator < effective_k(k) {
        return None;
    }
    rate(numerator, denominator)
}

/// A rate without disclosure control (for exact views): None when there is no denominator.
pub fn rate(numerator: u64, denominator: u64) -> Option<f64> {
    if denominator == 0 || numerator > denominator {
        return None;
    }
    Some(numerator as f64 / denominator as f64)
}

/// The p-th percentile (0.0..=1.0, linear interpolation between closest ranks, like PostgreSQL's
/// percentile_cont) of the values, only when there are at least k of them.
///
/// NaN values are ignored, as percentile_cont ignores NULLs, and do not count towards k; a p outside
/// 0..=1 (or NaN) has no percentile.
pub fn safe_percentile(values: &[f64], p: f64, k: u64) -> Option<f64> {
    let counted = values.iter().filter(|v| !v.is_nan()).count() as u64;
    if counted < effective_k(k) {
        return None;
    }
    percentile(values, p)
}

/// The p-th percentile without disclosure control (for exact views); None for no values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let position = p * (sorted.len() - 1) as f64;
    let lower_rank = position.floor();
    let fraction = position - lower_rank;
    let lower = *sorted.get(lower_rank as usize)?;
    // An exact rank needs no interpolation, and skipping it keeps infinities from turning into NaN.
    if fraction == 0.0 {
        return Some(lower);
    }
    let upper = sorted
        .get(lower_rank as usize + 1)
        .copied()
        .unwrap_or(lower);
    Some(lower + fraction * (upper - lower))
}

/// Whether a count, released on its own, would identify children.
fn is_disclosive(count: u64, k: u64) -> bool {
    (1..k).contains(&count)
}

/// Sum in u128 so that adding many u64 counts cannot overflow while we compare against k.
fn sum_counts<'a>(cells: impl Iterator<Item = &'a StatCell>) -> u128 {
    cells.map(|cell| u128::from(cell.count)).sum()
}

/// Which cells to hide: primary suppression, then complementary suppression to a fixed point.
fn suppression_pattern(cells: &[StatCell], k: u64) -> Vec<bool> {
    let dimensions = cells.iter().map(|cell| cell.key.len()).max().unwrap_or(0);
    if dimensions > MAX_DIMENSIONS {
        return vec![true; cells.len()];
    }
    let mut hidden: Vec<bool> = cells
        .iter()
        .map(|cell| is_disclosive(cell.count, k))
        .collect();
    let groups = differencing_groups(cells, dimensions);
    // Suppression only ever grows, so this reaches a fixed point after at most one pass per cell.
    loop {
        let mut changed = false;
        for group in &groups {
            changed |= protect_group(group, cells, &mut hidden, k);
        }
        if !changed {
            return hidden;
        }
    }
}

/// Every set of cells whose sum an analyst can obtain as one released marginal: for each non-empty
/// subset S of the dimensions, the cells grouped by the coordinates outside S (S = all dimensions is
/// the grand total).
///
/// Subsets that aggregate out fewer dimensions come first: their groups are the small rows and columns,
/// and protecting those first usually protects the coarser marginals too, so fewer cells get hidden.
/// Groups keep the input order of their first cell, which makes the result deterministic.
fn differencing_groups(cells: &[StatCell], dimensions: usize) -> Vec<Vec<usize>> {
    let mut subsets: Vec<u32> = (1..(1u32 << dimensions)).collect();
    subsets.sort_by_key(|subset| (subset.count_ones(), *subset));
    let mut groups = Vec::new();
    for subset in subsets {
        let mut index_of: HashMap<Vec<Option<&str>>, usize> = HashMap::new();
        let mut subset_groups: Vec<Vec<usize>> = Vec::new();
        for (cell_index, cell) in cells.iter().enumerate() {
            // A key shorter than the table's width (a caller bug) groups its missing coordinates as
            // their own value instead of panicking.
            let kept: Vec<Option<&str>> = (0..dimensions)
                .filter(|dimension| subset & (1u32 << dimension) == 0)
                .map(|dimension| cell.key.get(dimension).map(String::as_str))
                .collect();
            let next = subset_groups.len();
            let group = *index_of.entry(kept).or_insert(next);
            if group == next {
                subset_groups.push(Vec::new());
            }
            if let Some(members) = subset_groups.get_mut(group) {
                members.push(cell_index);
            }
        }
        groups.extend(subset_groups);
    }
    groups
}

/// Hides more cells of one group until subtracting its visible cells from its marginal reveals only a
/// publishable aggregate. Returns whether anything was hidden.
fn protect_group(group: &[usize], cells: &[StatCell], hidden: &mut [bool], k: u64) -> bool {
    let mut changed = false;
    loop {
        let mut hidden_cells = 0usize;
        let mut hidden_sum = 0u128;
        for &index in group {
            if hidden.get(index).copied().unwrap_or(false) {
                hidden_cells += 1;
                hidden_sum += cells.get(index).map_or(0, |cell| u128::from(cell.count));
            }
        }
        // Two cells at least: a single hidden cell is recovered exactly, even when it is large, and
        // would then expose whatever it was hiding elsewhere.
        if hidden_cells == 0 || (hidden_cells >= 2 && hidden_sum >= u128::from(k)) {
            return changed;
        }
        let complement = group
            .iter()
            .copied()
            .filter(|&index| !hidden.get(index).copied().unwrap_or(true))
            .filter_map(|index| cells.get(index).map(|cell| (cell.count, index)))
            .min();
        match complement.and_then(|(_, index)| hidden.get_mut(index)) {
            Some(slot) => {
                *slot = true;
                changed = true;
            }
            // Everything is hidden already. If the group sums below k its marginal is itself
            // suppressed, which is the case the rules allow; a lone large cell that fills its group
            // cannot be helped from inside this table.
            None => return changed,
        }
    }
}

#[cfg(test)]
mod tests;
