//! The sequencer: gives pending audit entries their place in the hash chain and pending changes their
//! number in the feed. Writers only insert into the inboxes, in their own transactions, so they never
//! queue behind each other; the sequencer does the ordered part for a whole batch at once, in one short
//! transaction. It runs in the background of every server and before every read of the chain or the
//! feed, so readers always see their own (and every earlier) committed write.

use crate::connection::AnyConnection;
use crate::error::DbError;
use crate::repo::{audit, changes};
use crate::transaction::write_transaction;

/// Entries moved per transaction.
pub const BATCH: i64 = 1000;
/// Batches one call settles at most, so a reader under a constant stream of writes is not held up.
const MAX_BATCHES: usize = 50;

/// Chains and numbers what is pending; returns how many entries and changes were settled.
pub fn settle(connection: &mut AnyConnection) -> Result<usize, DbError> {
    let mut settled = 0;
    for _ in 0..MAX_BATCHES {
        let (entries, changes) = write_transaction(connection, |connection| {
            Ok::<_, DbError>((
                audit::chain_pending(connection, BATCH)?,
                changes::sequence_pending(connection, BATCH)?,
            ))
        })?;
        settled += entries + changes;
        if entries < usize::try_from(BATCH).unwrap_or(usize::MAX)
            && changes < usize::try_from(BATCH).unwrap_or(usize::MAX)
        {
            break;
        }
    }
    Ok(settled)
}
