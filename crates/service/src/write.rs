//! The writing side: ingest files (and, through the same per-file transaction,
//! whatever `sync` fetches), derive the news signals, and refresh the cached
//! figures of record. A [`Writer`] leaves a note beside the store while it works,
//! so that another writer that times out on the lock can say who holds it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alphadesk_score::{ScoreConfig, Universe};
use alphadesk_store::{FileReport, Outcome, Store};
use serde::Serialize;

use crate::{Result, ServiceError, FIGURES_KIND};

/// What an ingest run did.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    /// Per kind: files stored and rows written.
    pub stored: BTreeMap<String, (u64, u64)>,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: Vec<FileReport>,
    pub warnings: usize,
    pub reports: Vec<FileReport>,
}

impl Summary {
    pub fn changed_nothing(&self) -> bool {
        self.stored.is_empty() && self.failed.is_empty()
    }

    fn add(&mut self, report: FileReport) {
        match &report.outcome {
            Outcome::Stored { kind, rows, warnings } => {
                let e = self.stored.entry(kind.name().to_string()).or_default();
                e.0 += 1;
                e.1 += rows;
                self.warnings += warnings.len();
            }
            Outcome::Unchanged { .. } => self.unchanged += 1,
            Outcome::Skipped { .. } => self.skipped += 1,
            Outcome::Failed { .. } => self.failed.push(report.clone()),
        }
        self.reports.push(report);
    }
}

/// A store opened for writing by one command.
pub struct Writer {
    store: Store,
}

impl Writer {
    /// Opens (creating if needed) the store at `db` for `what` (the command).
    pub fn open(db: &Path, what: &str) -> Result<Writer> {
        let mut store = Store::open(db)?;
        store.announce_writer(what);
        Ok(Writer { store })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Ingests every file under `paths`, one transaction per file; `each` sees
    /// every file's report as it happens (progress, errors). A path that does not
    /// exist is reported as a failed file and the rest go on.
    pub fn ingest(&mut self, paths: &[PathBuf], mut each: impl FnMut(usize, usize, &FileReport)) -> Result<Summary> {
        let mut files = Vec::new();
        let mut missing = Vec::new();
        for p in paths {
            match alphadesk_store::walk(std::slice::from_ref(p)) {
                Ok(f) => files.extend(f),
                Err(e) => missing.push(FileReport {
                    path: p.display().to_string(),
                    outcome: Outcome::Failed { error: e.to_string(), location: None },
                }),
            }
        }
        let total = files.len() + missing.len();
        let mut s = Summary { files: total, ..Summary::default() };
        for (i, report) in missing.into_iter().enumerate() {
            each(i, total, &report);
            s.add(report);
        }
        for (path, explicit) in files {
            let report = self.store.ingest_path(&path, explicit);
            each(s.reports.len(), total, &report);
            s.add(report);
        }
        Ok(s)
    }

    /// Reads stored documents the news stage has not read yet into tone signals.
    pub fn derive_news(&mut self) -> Result<Option<alphadesk_news::signals::Derived>> {
        Ok(alphadesk_news::signals::derive_pending(
            &mut self.store,
            &alphadesk_news::tone::lexicon::LexiconModel,
            "lexicon-v1",
        )?)
    }

    /// Recomputes the figures of record for `cfg` at the store's generation and
    /// caches them in the store, so that readers state them without a backtest.
    pub fn refresh_figures(&self, cfg: &ScoreConfig) -> Result<()> {
        let generation = self.store.generation()?;
        let u = Universe::load(&self.store)?;
        if u.members.is_empty() {
            return Ok(());
        }
        let bt = alphadesk_validate::backtest(&u, cfg, &alphadesk_validate::record_spec());
        let figures = alphadesk_validate::Figures::from(&bt);
        let json =
            serde_json::to_string(&figures).map_err(|e| ServiceError::new(crate::Kind::Internal, e.to_string()))?;
        self.store.cache(FIGURES_KIND, &cfg.hash(), generation, &json)?;
        Ok(())
    }
}
