//! The creates of a sync batch, written together: a bureau's first sync of its caseload is thousands
//! of new records, and one statement per table for all of them costs a fraction of one per record.

use std::collections::{HashMap, HashSet};

use super::batch_items::{item_failure, upsert, BatchResult};
use super::batch_kinds::BatchKind;
use super::batch_parse::{ItemFields, ParsedItem};
use crate::app::UnitOfWork;
use crate::error::ApiError;

/// Upserts every item of one record type, with results in request order. An item whose external id is
/// neither stored nor created earlier in this batch is a create: creates are gathered and written
/// together by `K::create_many`. Before any other item (an update, or a repeat of an external id the
/// gathered creates hold) they are written, so the outcome is that of running the items one by one.
pub fn upsert_all<K: BatchKind>(
    work: &mut UnitOfWork<'_>,
    items: Vec<ParsedItem<K::Input>>,
    known: &HashMap<String, String>,
    stored: &mut HashMap<String, K::Record>,
) -> Result<Vec<BatchResult>, ApiError> {
    let mut results: Vec<Option<BatchResult>> = Vec::with_capacity(items.len());
    let mut creates = Creates::default();
    for item in items {
        let item = match item.resolve::<K>(known) {
            Ok(item) => item,
            Err((external_id, errors)) => {
                results.push(Some(BatchResult::invalid(
                    K::KIND.as_str(),
                    external_id,
                    errors,
                )));
                continue;
            }
        };
        if stored.contains_key(&item.external_id) || creates.holds(&item.external_id) {
            creates.write::<K>(work, &mut results, stored)?;
            results.push(Some(upsert::<K>(work, item, stored)?));
        } else {
            creates.gather(results.len(), item);
            results.push(None);
            if creates.inputs.len() >= CREATES_PER_WRITE {
                creates.write::<K>(work, &mut results, stored)?;
            }
        }
    }
    creates.write::<K>(work, &mut results, stored)?;
    results
        .into_iter()
        .map(|result| result.ok_or_else(|| ApiError::Internal("sync item without a result".into())))
        .collect()
}

/// The agency's stored records of kind `K` that the items name by external id.
pub fn stored<K: BatchKind>(
    work: &mut UnitOfWork<'_>,
    agency: &str,
    items: &[ParsedItem<K::Input>],
) -> Result<HashMap<String, K::Record>, ApiError> {
    let external_ids: Vec<String> = items.iter().filter_map(|i| i.external_id.clone()).collect();
    Ok(K::by_external_ids(work, agency, &external_ids)?
        .into_iter()
        .filter_map(|record| {
            let external_id = K::meta(&record).external_id.clone()?;
            Some((external_id, record))
        })
        .collect())
}

/// The ids of the parent records (of kind `P`) the items name by external id: those this batch holds
/// (stored or just created), and the agency's others.
pub fn parent_ids<P: BatchKind, I>(
    work: &mut UnitOfWork<'_>,
    agency: &str,
    items: &[ParsedItem<I>],
    held: &HashMap<String, P::Record>,
) -> Result<HashMap<String, String>, ApiError> {
    let mut others: Vec<String> = items
        .iter()
        .filter_map(ParsedItem::referenced_external_id)
        .filter(|external_id| !held.contains_key(*external_id))
        .map(str::to_owned)
        .collect();
    others.dedup();
    let mut ids: HashMap<String, String> = P::by_external_ids(work, agency, &others)?
        .into_iter()
        .filter_map(|record| {
            let meta = P::meta(&record);
            Some((meta.external_id.clone()?, meta.id.clone()))
        })
        .collect();
    ids.extend(
        held.iter()
            .map(|(external_id, record)| (external_id.clone(), P::meta(record).id.clone())),
    );
    Ok(ids)
}

/// How many creates are written together at most. Larger groups save little once a statement carries a
/// few hundred rows, and the memory a group needs (its rows, their history and audit entries, the
/// statements' bound values) is held by the thread that writes it until the allocator reuses it.
const CREATES_PER_WRITE: usize = 200;

/// Creates gathered but not yet written: each with its place among the results.
struct Creates<I> {
    slots: Vec<(usize, String)>,
    inputs: Vec<I>,
    external_ids: HashSet<String>,
}

impl<I> Default for Creates<I> {
    fn default() -> Self {
        Creates {
            slots: Vec::new(),
            inputs: Vec::new(),
            external_ids: HashSet::new(),
        }
    }
}

impl<I> Creates<I> {
    fn holds(&self, external_id: &str) -> bool {
        self.external_ids.contains(external_id)
    }

    fn gather(&mut self, slot: usize, item: ItemFields<I>) {
        self.external_ids.insert(item.external_id.clone());
        self.slots.push((slot, item.external_id));
        self.inputs.push(item.input);
    }

    /// Writes the gathered creates, fills their results and teaches `stored` the new records.
    fn write<K: BatchKind<Input = I>>(
        &mut self,
        work: &mut UnitOfWork<'_>,
        results: &mut [Option<BatchResult>],
        stored: &mut HashMap<String, K::Record>,
    ) -> Result<(), ApiError> {
        if self.inputs.is_empty() {
            return Ok(());
        }
        let taken = std::mem::take(self);
        let outcomes = K::create_many(work, taken.inputs)?;
        for ((slot, external_id), outcome) in taken.slots.into_iter().zip(outcomes) {
            results[slot] = Some(match outcome {
                Ok(record) => {
                    let meta = K::meta(&record);
                    let result = BatchResult::done(
                        K::KIND.as_str(),
                        &external_id,
                        &meta.id,
                        meta.version,
                        "created",
                    );
                    stored.insert(external_id, record);
                    result
                }
                Err(error) => item_failure(K::KIND.as_str(), &external_id, error)?,
            });
        }
        Ok(())
    }
}
