//! Many documents in one transaction, each in a savepoint of its own.
//!
//! One transaction per document costs a commit per document — a WAL append, a
//! checkpoint every thousand pages, and statements prepared again — and for small
//! documents (a companyfacts entry of a bulk archive, a day of posts) that cost is
//! most of the run. A batch keeps each document its own unit (a document that fails
//! rolls back to its savepoint alone; the sha256 check still skips a stored one on
//! a re-run) and commits many at once. What a crash loses is the open batch, which
//! a re-run stores again: the store after it is the one a clean run gives.
//!
//! A report is handed out only once its batch is committed, so nothing is said to
//! be stored before it is: if the commit fails, every document of the batch is
//! reported failed with the reason.

use std::time::{Duration, Instant};

use crate::{FileReport, Outcome};

/// SQLite's page cache while batches are written, in KiB.
pub(crate) const CACHE_KIB: u32 = 64 * 1024;

/// When an open batch is committed: whichever comes first.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    pub documents: usize,
    pub rows: u64,
    /// How long the write lock may be held: another writer waits at most this
    /// (plus one document) for its turn, and a reader sees new data this late.
    pub held: Duration,
}

impl Default for BatchLimits {
    fn default() -> BatchLimits {
        BatchLimits { documents: 5_000, rows: 250_000, held: Duration::from_secs(1) }
    }
}

/// The open batch of a [`crate::Store`] in batch mode.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub limits: BatchLimits,
    pub opened: Option<Instant>,
    pub rows: u64,
    /// Reports of documents written in the open transaction.
    pub pending: Vec<FileReport>,
    /// Reports of committed documents not handed out yet.
    pub settled: Vec<FileReport>,
}

impl Batch {
    pub fn new(limits: BatchLimits) -> Batch {
        Batch { limits, ..Batch::default() }
    }

    pub fn full(&self) -> bool {
        self.pending.len() >= self.limits.documents
            || self.rows >= self.limits.rows
            || self.opened.is_some_and(|t| t.elapsed() >= self.limits.held)
    }

    /// The open transaction committed (`Ok`) or lost (`Err`): its reports settle.
    pub fn settle(&mut self, committed: Result<(), String>) {
        let pending = std::mem::take(&mut self.pending);
        self.opened = None;
        self.rows = 0;
        match committed {
            Ok(()) => self.settled.extend(pending),
            Err(why) => self.settled.extend(pending.into_iter().map(|r| match r.outcome {
                Outcome::Stored { .. } => FileReport {
                    path: r.path,
                    outcome: Outcome::Failed {
                        error: format!("not stored: the batch it was written in could not be committed: {why}"),
                        location: None,
                    },
                },
                _ => r,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(path: &str, outcome: Outcome) -> FileReport {
        FileReport { path: path.into(), outcome }
    }

    #[test]
    fn a_batch_that_cannot_be_committed_reports_every_file_it_held_as_failed() {
        let mut b = Batch::new(BatchLimits::default());
        let stored = Outcome::Stored { kind: alphadesk_ingest::Kind::Prices, rows: 3, warnings: vec![] };
        b.pending.push(report("a.csv", stored.clone()));
        b.pending.push(report("b.csv", Outcome::Unchanged { kind: "prices".into() }));
        b.pending.push(report("c.csv", stored));
        b.settle(Err("database or disk is full".into()));
        let why: Vec<String> = b
            .settled
            .iter()
            .map(|r| match &r.outcome {
                Outcome::Failed { error, .. } => error.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert!(why[0].contains("could not be committed: database or disk is full"), "{why:?}");
        assert!(why[1].starts_with("Unchanged"), "a file stored before stays stored: {why:?}");
        assert!(why[2].contains("not stored"));
        assert!(b.pending.is_empty() && b.opened.is_none() && b.rows == 0);
    }

    #[test]
    fn a_batch_is_full_at_any_of_its_limits() {
        let mut b = Batch::new(BatchLimits { documents: 2, rows: 10, held: Duration::from_secs(3600) });
        assert!(!b.full());
        b.rows = 10;
        assert!(b.full());
        b.rows = 0;
        b.pending = vec![report("a", Outcome::Skipped { reason: String::new() }); 2];
        assert!(b.full());
        b.pending.clear();
        b.opened = Some(Instant::now() - Duration::from_secs(7200));
        assert!(b.full());
    }
}
