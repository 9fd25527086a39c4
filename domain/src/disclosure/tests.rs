//! Disclosure control: worked examples of suppression, rates and percentiles, and property tests that
//! no released figure or difference of released figures is a count in 1..k-1.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;

fn cell(key: &[&str], count: u64, children: u64) -> StatCell {
    StatCell {
        key: key.iter().map(|part| part.to_string()).collect(),
        count,
        children,
    }
}

fn hidden_keys(table: &ReleasedTable) -> Vec<Vec<String>> {
    table
        .cells
        .iter()
        .filter(|released| released.suppressed)
        .map(|released| released.key.clone())
        .collect()
}

fn keys(list: &[&[&str]]) -> Vec<Vec<String>> {
    list.iter()
        .map(|key| key.iter().map(|part| part.to_string()).collect())
        .collect()
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|value| (value - expected).abs() < 1e-9)
}

#[test]
fn k_below_three_becomes_three() {
    assert_eq!(effective_k(0), 3);
    assert_eq!(effective_k(1), 3);
    assert_eq!(effective_k(2), 3);
    assert_eq!(effective_k(3), 3);
    assert_eq!(effective_k(11), 11);
    // A configured k of 1 must still hide a count of 2.
    let table = release_protected(&[cell(&["a"], 2, 2), cell(&["b"], 9, 9)], 1);
    assert!(table.cells[0].suppressed);
}

#[test]
fn single_primary_cell_in_a_row_gets_a_complement() {
    let cells = [
        cell(&["r1", "a"], 2, 2),
        cell(&["r1", "b"], 7, 7),
        cell(&["r1", "c"], 9, 9),
        cell(&["r2", "a"], 8, 8),
        cell(&["r2", "b"], 6, 6),
        cell(&["r2", "c"], 10, 10),
    ];
    let table = release_protected(&cells, 3);
    // Row r1 takes its smallest other cell; columns a and b then each need a second hidden cell, which
    // also gives row r2 two hidden cells.
    assert_eq!(
        hidden_keys(&table),
        keys(&[&["r1", "a"], &["r1", "b"], &["r2", "a"], &["r2", "b"]])
    );
    assert_eq!(table.suppressed_cells, 4);
    assert_eq!(table.total, Some(42));
    assert_eq!(table.cells[2].count, Some(9));
    assert_eq!(table.cells[0].children, None);
}

#[test]
fn complement_ties_go_to_the_first_cell_in_input_order() {
    let cells = [cell(&["x"], 5, 5), cell(&["y"], 1, 1), cell(&["z"], 5, 5)];
    let table = release_protected(&cells, 3);
    assert_eq!(hidden_keys(&table), keys(&[&["x"], &["y"]]));
}

#[test]
fn total_minus_visible_cells_is_never_small() {
    let cells = [cell(&["a"], 2, 2), cell(&["b"], 10, 4), cell(&["c"], 11, 5)];
    let table = release_protected(&cells, 3);
    let total = table.total.unwrap_or(0);
    let visible: u64 = table.cells.iter().filter_map(|c| c.count).sum();
    assert_eq!(total, 23);
    assert!(!(1..3).contains(&(total - visible)));
    assert_eq!(hidden_keys(&table), keys(&[&["a"], &["b"]]));
}

#[test]
fn a_group_below_k_is_left_alone_and_its_total_withheld() {
    let table = release_protected(&[cell(&["a"], 1, 1), cell(&["b"], 1, 1)], 3);
    assert_eq!(table.suppressed_cells, 2);
    assert_eq!(table.total, None);

    let table = release_protected(&[cell(&["only"], 2, 1)], 3);
    assert_eq!(table.suppressed_cells, 1);
    assert_eq!(table.total, None);
}

#[test]
fn zero_dimensions_is_one_cell() {
    let small = release_protected(&[cell(&[], 2, 2)], 3);
    assert!(small.cells[0].suppressed);
    assert_eq!(small.cells[0].count, None);
    assert_eq!(small.total, None);

    let large = release_protected(&[cell(&[], 5, 2)], 3);
    assert_eq!(large.cells[0].count, Some(5));
    assert_eq!(large.cells[0].children, None);
    assert_eq!(large.total, Some(5));
    assert_eq!(large.suppressed_cells, 0);
}

#[test]
fn children_need_k_and_an_unsuppressed_count() {
    let cells = [
        cell(&["a"], 10, 2),
        cell(&["b"], 9, 4),
        cell(&["c"], 1, 1),
        cell(&["d"], 12, 12),
    ];
    let table = release_protected(&cells, 3);
    assert_eq!(table.cells[0].children, None);
    assert!(!table.cells[0].suppressed);
    // b is the complement of c: hidden count, hidden children, even though both are >= k.
    assert!(table.cells[1].suppressed);
    assert_eq!(table.cells[1].children, None);
    assert_eq!(table.cells[3].children, Some(12));
}

#[test]
fn empty_table_has_no_total_when_protected() {
    assert_eq!(
        release_protected(&[], 3),
        ReleasedTable {
            cells: vec![],
            total: None,
            suppressed_cells: 0
        }
    );
    assert_eq!(release_exact(&[]).total, Some(0));
}

#[test]
fn release_exact_shows_everything() {
    let cells = [cell(&["a", ""], 1, 1), cell(&["b", "x"], 2, 1)];
    let table = release_exact(&cells);
    assert_eq!(table.total, Some(3));
    assert_eq!(table.suppressed_cells, 0);
    assert_eq!(table.cells[0].count, Some(1));
    assert_eq!(table.cells[1].children, Some(1));
}

#[test]
fn four_dimensions_meet_the_group_rule() {
    let mut cells = Vec::new();
    let mut count = 0u64;
    for a in ["a0", "a1"] {
        for b in ["b0", "b1"] {
            for c in ["c0", "c1"] {
                for d in ["", "d1"] {
                    count = (count * 7 + 3) % 11;
                    if count > 0 {
                        cells.push(cell(&[a, b, c, d], count, 1));
                    }
                }
            }
        }
    }
    let table = release_protected(&cells, 4);
    assert!(group_rule_violation(&cells, &table, 4).is_none());
}

#[test]
fn percentile_matches_percentile_cont() {
    let values = [4.0, 1.0, 3.0, 2.0];
    assert!(close(safe_percentile(&values, 0.5, 3), 2.5));
    assert!(close(safe_percentile(&values, 0.9, 3), 3.7));
    assert!(close(safe_percentile(&values, 0.0, 3), 1.0));
    assert!(close(safe_percentile(&values, 1.0, 3), 4.0));
    assert!(close(safe_percentile(&[5.0, 5.0, 5.0], 0.3, 1), 5.0));
}

#[test]
fn percentile_needs_k_values_and_a_valid_p() {
    assert_eq!(safe_percentile(&[1.0, 2.0, 3.0, 4.0], 0.5, 5), None);
    assert_eq!(safe_percentile(&[1.0, 2.0], 0.5, 1), None);
    assert_eq!(safe_percentile(&[], 0.5, 3), None);
    assert_eq!(safe_percentile(&[1.0, 2.0, 3.0], 1.5, 3), None);
    assert_eq!(safe_percentile(&[1.0, 2.0, 3.0], f64::NAN, 3), None);
    assert_eq!(safe_percentile(&[1.0, 2.0, f64::NAN], 0.5, 3), None);
}

#[test]
fn rate_needs_a_denominator_of_k() {
    assert!(close(safe_rate(1, 10, 5), 0.1));
    assert!(close(safe_rate(0, 3, 3), 0.0));
    assert_eq!(safe_rate(1, 4, 5), None);
    assert_eq!(safe_rate(0, 0, 3), None);
    assert_eq!(safe_rate(0, 0, 0), None);
    assert_eq!(safe_rate(1, 2, 1), None);
    assert_eq!(safe_rate(6, 5, 3), None);
}

/// The cells of a table grouped by the coordinates outside `subset`, in input order.
fn groups_of(cells: &[StatCell], subset: u32) -> HashMap<Vec<String>, Vec<usize>> {
    let mut groups: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    for (index, stat) in cells.iter().enumerate() {
        let kept = stat
            .key
            .iter()
            .enumerate()
            .filter(|(dimension, _)| subset & (1 << dimension) == 0)
            .map(|(_, value)| value.clone())
            .collect();
        groups.entry(kept).or_default().push(index);
    }
    groups
}

/// A group that breaks rule 2: some hidden cells, their true sum below k, and a group sum of k or more.
fn group_rule_violation(cells: &[StatCell], table: &ReleasedTable, k: u64) -> Option<Vec<String>> {
    let dimensions = cells.first().map_or(0, |c| c.key.len());
    for subset in 1..(1u32 << dimensions) {
        for (group_key, members) in groups_of(cells, subset) {
            let hidden_sum: u64 = members
                .iter()
                .filter(|&&i| table.cells[i].suppressed)
                .map(|&i| cells[i].count)
                .sum();
            let any_hidden = members.iter().any(|&i| table.cells[i].suppressed);
            let group_sum: u64 = members.iter().map(|&i| cells[i].count).sum();
            if any_hidden && hidden_sum < k && group_sum >= k {
                return Some(group_key);
            }
        }
    }
    None
}

/// Random tables of 1-3 dimensions with 1-4 values each, counts 0-12 (zero cells dropped), shuffled,
/// and a k of 3-6. The first value of every dimension is "" to exercise empty keys.
fn random_table() -> impl Strategy<Value = (Vec<StatCell>, u64)> {
    (prop::collection::vec(1usize..=4, 1..=3), 3u64..=6)
        .prop_flat_map(|(sizes, k)| {
            let cell_count: usize = sizes.iter().product();
            (
                Just(sizes),
                prop::collection::vec((0u64..=12, 0u64..=12), cell_count),
                Just(k),
            )
        })
        .prop_flat_map(|(sizes, counts, k)| {
            let mut cells = Vec::new();
            for (index, (count, children)) in counts.into_iter().enumerate() {
                if count == 0 {
                    continue;
                }
                let mut rest = index;
                let key = sizes
                    .iter()
                    .map(|size| {
                        let value = rest % size;
                        rest /= size;
                        if value == 0 {
                            String::new()
                        } else {
                            format!("v{value}")
                        }
                    })
                    .collect();
                cells.push(StatCell {
                    key,
                    count,
                    children: 1 + children % count,
                });
            }
            (Just(cells).prop_shuffle(), Just(k))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_released_count_is_small((cells, k) in random_table()) {
        let table = release_protected(&cells, k);
        for released in &table.cells {
            if let Some(count) = released.count {
                prop_assert!(!(1..k).contains(&count));
            }
            if let Some(children) = released.children {
                prop_assert!(children >= k && !released.suppressed);
            }
            prop_assert_eq!(released.suppressed, released.count.is_none());
        }
        if let Some(total) = table.total {
            prop_assert!(total >= k);
        }
    }

    #[test]
    fn every_group_meets_the_rule((cells, k) in random_table()) {
        let table = release_protected(&cells, k);
        prop_assert_eq!(group_rule_violation(&cells, &table, k), None);
    }

    #[test]
    fn released_counts_are_true_and_order_is_kept((cells, k) in random_table()) {
        let table = release_protected(&cells, k);
        prop_assert_eq!(table.cells.len(), cells.len());
        for (released, truth) in table.cells.iter().zip(&cells) {
            prop_assert_eq!(&released.key, &truth.key);
            if let Some(count) = released.count {
                prop_assert_eq!(count, truth.count);
            }
        }
        let hidden = table.cells.iter().filter(|c| c.suppressed).count();
        prop_assert_eq!(table.suppressed_cells, hidden);
    }

    #[test]
    fn release_exact_is_the_truth((cells, _k) in random_table()) {
        let table = release_exact(&cells);
        let expected: Vec<ReleasedCell> = cells
            .iter()
            .map(|c| ReleasedCell {
                key: c.key.clone(),
                count: Some(c.count),
                children: Some(c.children),
                suppressed: false,
            })
            .collect();
        prop_assert_eq!(table.cells, expected);
        prop_assert_eq!(table.total, Some(cells.iter().map(|c| c.count).sum()));
        prop_assert_eq!(table.suppressed_cells, 0);
    }

    /// End to end: release every coarser marginal as its own protected table, as an analyst could,
    /// and subtract the visible cells of each group from its marginal whenever that marginal is exact.
    #[test]
    fn differencing_against_released_marginals_is_safe((cells, k) in random_table()) {
        let table = release_protected(&cells, k);
        let dimensions = cells.first().map_or(0, |c| c.key.len());
        for subset in 1..(1u32 << dimensions) {
            let groups = groups_of(&cells, subset);
            let marginal_cells: Vec<StatCell> = groups
                .iter()
                .map(|(key, members)| {
                    let count = members.iter().map(|&i| cells[i].count).sum();
                    StatCell { key: key.clone(), count, children: count }
                })
                .collect();
            let marginals = release_protected(&marginal_cells, k);
            for released in &marginals.cells {
                let Some(marginal) = released.count else { continue };
                let visible: u64 = groups[&released.key]
                    .iter()
                    .filter_map(|&i| table.cells[i].count)
                    .sum();
                prop_assert!(!(1..k).contains(&(marginal - visible)));
            }
        }
    }
}
