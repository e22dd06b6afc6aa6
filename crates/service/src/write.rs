//! The writing side: ingest files (and, through the same per-file transaction,
//! whatever `sync` fetches), derive the news signals, and refresh the cached
//! figures of record. A [`Writer`] leaves a note beside the store while it works,
//! so that another writer that times out on the lock can say who holds it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alphadesk_model::NaiveDate;
use alphadesk_score::{ScoreConfig, ScoreRecord, Universe};
use alphadesk_store::{FileReport, Outcome, Store};
use serde::Serialize;

use crate::{Result, ServiceError, FIGURES_KIND};

/// What an ingest run did.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Files looked at.
    pub files: usize,
    /// Per kind: files stored and rows written.
    pub stored: BTreeMap<String, (u64, u64)>,
    /// Files already stored with the same content.
    pub unchanged: usize,
    /// Files found in a folder that are not a source alphadesk reads.
    pub skipped: usize,
    /// Files that could not be stored, each with why.
    pub failed: Vec<FileReport>,
    /// Warnings over every stored file.
    pub warnings: usize,
    /// Every file's report.
    pub reports: Vec<FileReport>,
}

impl Summary {
    /// Whether the run stored nothing and nothing failed.
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
    /// Set to stop a sync between documents (SIGTERM, a server shutting down).
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Writer {
    /// Opens (creating if needed) the store at `db` for `what` (the command).
    pub fn open(db: &Path, what: &str) -> Result<Writer> {
        let mut store = Store::open(db)?;
        store.announce_writer(what);
        Ok(Writer { store, stop: Default::default() })
    }

    /// Syncs run by this writer stop between documents once `flag` is set.
    pub fn stop_on(&mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) {
        self.stop = flag;
    }

    /// The store written to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store written to, for a write of its own.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Ingests every file under `paths`, each file stored whole or not at all;
    /// `each` sees every file's report once it is committed (progress, errors). A path that does not
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
        // Read and parsed on another core, written in batches, a run of files
        // in one savepoint (see `Store::write_all`).
        let incoming = files.into_iter().map(|(path, explicit)| alphadesk_store::Incoming::File { path, explicit });
        self.store.write_all(incoming, |report| {
            each(s.reports.len(), total, &report);
            s.add(report);
        });
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
        let spec = alphadesk_validate::record_spec();
        let bt = alphadesk_validate::backtest_scored_by(&u, cfg, &spec, &[], None, &crate::scored_on_every_core);
        let figures = alphadesk_validate::Figures::from(&bt);
        let json =
            serde_json::to_string(&figures).map_err(|e| ServiceError::new(crate::Kind::Internal, e.to_string()))?;
        self.store.cache(FIGURES_KIND, &cfg.hash(), generation, &json)?;
        let Some(latest) = crate::majority_date(&u) else { return Ok(()) };
        // The month ends a stock page charts, scored once on the full load:
        // kept for the pages, and the latest close's stated in the live record.
        let dates = crate::month_ends::charted(&u, latest);
        let scored = crate::work::on_every_core(&dates, |&d| Ok(alphadesk_score::score(&u, d, cfg)))?;
        let kept = crate::month_ends::KeptMonthEnds::of(&dates, &scored);
        let json = serde_json::to_string(&kept).map_err(|e| ServiceError::new(crate::Kind::Internal, e.to_string()))?;
        self.store.cache(crate::month_ends::KIND, &cfg.hash(), generation, &json)?;
        let of_latest = match dates.iter().position(|d| *d == latest) {
            Some(i) => scored[i].clone(),
            None => alphadesk_score::score(&u, latest, cfg),
        };
        self.record_live(latest, &of_latest, cfg)
    }

    /// States the latest close's Alpha Scores in the live record, unless that
    /// close is recorded already (see `alphadesk_store::live`): after every
    /// ingest and sync that stored something, with the figures of record.
    fn record_live(&self, latest: NaiveDate, records: &[ScoreRecord], cfg: &ScoreConfig) -> Result<()> {
        let scores: Vec<(String, i64)> =
            records.iter().filter_map(|r| Some((r.ticker.clone(), i64::from(r.alpha_score?)))).collect();
        self.store.record_live_scores(&cfg.hash(), latest, &scores)?;
        Ok(())
    }
}

/// What `sync sec` needs besides the plan: where EDGAR is and how to ask it.
pub struct SecSync {
    /// EDGAR's data and archives hosts.
    pub hosts: alphadesk_sync::Hosts,
    /// The rate, retries and identity to ask with.
    pub policy: alphadesk_sync::Policy,
    /// What to fetch.
    pub plan: alphadesk_sync::Plan,
}

/// A news sync: the feeds, and how politely to ask them.
pub struct NewsSync {
    /// The rate, retries and identity to ask with.
    pub policy: alphadesk_sync::Policy,
    /// The feeds and what to fetch.
    pub plan: alphadesk_sync::news::NewsPlan,
}

/// A price sync: the source, how politely to ask it, and what to ask.
pub struct PriceSync {
    /// The price source's URL template and format.
    pub source: alphadesk_sync::prices::PriceSource,
    /// The rate, retries and identity to ask with.
    pub policy: alphadesk_sync::Policy,
    /// The tickers and days to ask for.
    pub plan: alphadesk_sync::prices::PricePlan,
}

impl Writer {
    /// Brings the stored price series up to `job.plan.until` from the source
    /// the user configured (see `alphadesk_sync::prices`): each answer parsed
    /// here by its configured format and stored through the one price write
    /// path `ingest` uses, with its URL (key elided), fetch time and status.
    pub fn sync_prices(
        &mut self,
        job: &PriceSync,
        notify: alphadesk_sync::fetch::Notify,
        progress: alphadesk_sync::fetch::Progress,
    ) -> Result<alphadesk_sync::prices::PriceReport> {
        // The fetcher's progress lines name URLs: the key is taken out first.
        let source = job.source.clone();
        let notify: alphadesk_sync::fetch::Notify = Box::new(move |line: &str| notify(&source.redact(line)));
        self.sync("prices", &job.policy, notify, progress, |fetcher, sink| {
            alphadesk_sync::prices::sync(fetcher, &job.source, &job.plan, sink)
        })
    }

    /// Reads the feeds of `job.plan` (conditionally: an unchanged feed is a 304)
    /// and stores the items not seen before through the article write path
    /// `ingest` uses; the news stage reads them afterwards (`derive_news`).
    pub fn sync_news(
        &mut self,
        job: &NewsSync,
        notify: alphadesk_sync::fetch::Notify,
        progress: alphadesk_sync::fetch::Progress,
    ) -> Result<alphadesk_sync::news::NewsReport> {
        self.sync("news", &job.policy, notify, progress, |fetcher, sink| {
            alphadesk_sync::news::sync(fetcher, &job.plan, sink)
        })
    }

    /// Brings the store's SEC documents up to date: fetched by `sync`, stored
    /// through the same parsers and per-document transaction as `ingest`, each
    /// with its URL, fetch time, status and validators. `notify` hears what
    /// happens (pauses, retries), `progress` how far each stage is.
    pub fn sync_sec(
        &mut self,
        job: &SecSync,
        notify: alphadesk_sync::fetch::Notify,
        progress: alphadesk_sync::fetch::Progress,
    ) -> Result<alphadesk_sync::Report> {
        alphadesk_sync::check_user_agent(&job.policy.user_agent).map_err(ServiceError::bad_input)?;
        self.sync("sec", &job.policy, notify, progress, |fetcher, sink| {
            alphadesk_sync::sec::sync(fetcher, &job.hosts, &job.plan, sink)
        })
    }

    /// One sync of `what`: the store's sync lock held (one sync per store at a
    /// time: two would double the rate a source sees), a fetcher that stops
    /// when this writer is told to, and the run recorded in the change log if
    /// it stored anything.
    fn sync<R>(
        &mut self,
        what: &str,
        policy: &alphadesk_sync::Policy,
        notify: alphadesk_sync::fetch::Notify,
        progress: alphadesk_sync::fetch::Progress,
        run: impl FnOnce(&alphadesk_sync::Fetcher, &mut StoreSink<'_>) -> R,
    ) -> Result<R> {
        let _lock = match self.store.path() {
            Some(db) => Some(SyncLock::acquire(db, &*notify)?),
            None => None,
        };
        let fetcher =
            alphadesk_sync::Fetcher::new(policy.clone(), notify).with_progress(progress).with_stop(self.stop.clone());
        let before = self.store.sync_mark()?;
        let report = run(&fetcher, &mut StoreSink { store: &mut self.store });
        self.store.log_sync(what, &before)?;
        Ok(report)
    }
}

/// An exclusive lock on `STORE.sync.lock`, held while a sync runs; a second
/// sync waits for it and says so. The kernel releases it if the process dies.
struct SyncLock {
    _file: std::fs::File,
}

impl SyncLock {
    fn acquire(db: &Path, notify: &dyn Fn(&str)) -> Result<SyncLock> {
        let path = PathBuf::from(format!("{}.sync.lock", db.display()));
        let file =
            std::fs::OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path).map_err(
                |e| ServiceError::new(crate::Kind::Unavailable, format!("cannot open {}: {e}", path.display())),
            )?;
        #[cfg(unix)]
        {
            use std::io::{Read, Seek, Write};
            use std::os::unix::io::AsRawFd;
            // SAFETY: flock on a descriptor this struct owns.
            let try_lock = |how| unsafe { libc::flock(file.as_raw_fd(), how) } == 0;
            if !try_lock(libc::LOCK_EX | libc::LOCK_NB) {
                let mut holder = String::new();
                let _ = (&file).read_to_string(&mut holder);
                notify(&format!(
                    "another sync holds this store ({}); waiting for it to finish",
                    holder.trim().trim_end_matches('.')
                ));
                if !try_lock(libc::LOCK_EX) {
                    return Err(ServiceError::new(
                        crate::Kind::Unavailable,
                        format!("cannot lock {}: {}", path.display(), std::io::Error::last_os_error()),
                    ));
                }
            }
            let mut f = &file;
            let _ = f.set_len(0);
            let _ = f.seek(std::io::SeekFrom::Start(0));
            let _ = write!(f, "sync pid {}, since {}", std::process::id(), chrono::Utc::now().to_rfc3339());
        }
        Ok(SyncLock { _file: file })
    }
}

/// How a document came, as the store records it.
fn provenance(doc: &alphadesk_sync::Fetched) -> alphadesk_store::Fetch {
    alphadesk_store::Fetch {
        fetched_at: doc.fetched_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        status: doc.status,
        etag: doc.validators.etag.clone(),
        last_modified: doc.validators.last_modified.clone(),
    }
}

/// What storing a fetched document did, in the sync's words.
fn stored(outcome: Outcome) -> alphadesk_sync::Stored {
    match outcome {
        Outcome::Stored { kind, rows, .. } => alphadesk_sync::Stored::New { kind: kind.name().to_string(), rows },
        Outcome::Unchanged { .. } => alphadesk_sync::Stored::Unchanged,
        Outcome::Skipped { reason } => {
            alphadesk_sync::Stored::Failed(format!("not a document alphadesk reads: {reason}"))
        }
        Outcome::Failed { error, location } => alphadesk_sync::Stored::Failed(match location {
            Some(l) => format!("{error} (at {l})"),
            None => error,
        }),
    }
}

/// The store as a sync's destination.
struct StoreSink<'a> {
    store: &'a mut Store,
}

impl alphadesk_sync::Sink for StoreSink<'_> {
    fn ciks_of(&mut self, ticker: &str) -> Vec<u64> {
        self.store
            .ciks_of_ticker(ticker)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| u64::try_from(c).ok())
            .collect()
    }

    fn listed(&mut self) -> Vec<(u64, String)> {
        self.store
            .listed_ciks()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(c, t)| Some((u64::try_from(c).ok()?, t)))
            .collect()
    }

    fn filings(&mut self, ciks: &[u64]) -> BTreeMap<u64, Vec<(String, String, NaiveDate)>> {
        let ciks: Vec<i64> = ciks.iter().filter_map(|c| i64::try_from(*c).ok()).collect();
        let mut out: BTreeMap<u64, Vec<(String, String, NaiveDate)>> = BTreeMap::new();
        for (cik, accession, form, filed) in self.store.filings_of(&ciks).unwrap_or_default() {
            out.entry(cik as u64).or_default().push((accession, form, filed));
        }
        out
    }

    fn validators(&mut self, url: &str) -> Option<alphadesk_sync::Validators> {
        let f = self.store.last_fetch(url).ok().flatten()?;
        Some(alphadesk_sync::Validators { etag: f.etag, last_modified: f.last_modified })
    }

    fn has(&mut self, url: &str) -> bool {
        self.store.has_source(url).unwrap_or(false)
    }

    fn store(&mut self, doc: &alphadesk_sync::Fetched) -> alphadesk_sync::Stored {
        stored(self.store.ingest_fetched(&doc.url, &doc.body, &provenance(doc)).outcome)
    }

    fn store_all(
        &mut self,
        docs: &mut (dyn Iterator<Item = Result<alphadesk_sync::Fetched, alphadesk_sync::Failure>> + Send),
        each: &mut dyn FnMut(String, alphadesk_sync::Stored),
    ) {
        let incoming = docs.map(|doc| match doc {
            Ok(doc) => alphadesk_store::Incoming::Fetched { fetch: provenance(&doc), url: doc.url, bytes: doc.body },
            Err(failure) => alphadesk_store::Incoming::Failed { path: failure.url, error: failure.why },
        });
        self.store.write_all(incoming, |r| each(r.path, stored(r.outcome)));
    }

    fn states(&mut self, keys: &[String]) -> BTreeMap<String, String> {
        self.store.sync_states(keys).unwrap_or_default()
    }

    fn set_states(&mut self, states: &[(String, String)]) {
        let _ = self.store.set_sync_states(states);
    }

    fn archive_fetched(&mut self, archive: &alphadesk_sync::Fetched) {
        let _ = self.store.record_fetch(&archive.url, None, &provenance(archive));
    }

    fn not_modified(&mut self, url: &str, at: chrono::DateTime<chrono::Utc>) {
        let fetch = alphadesk_store::Fetch {
            fetched_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            status: 304,
            etag: None,
            last_modified: None,
        };
        let _ = self.store.record_fetch(url, None, &fetch);
    }
}

impl alphadesk_sync::prices::PriceSink for StoreSink<'_> {
    fn spans(&mut self) -> Vec<(String, chrono::NaiveDate, chrono::NaiveDate)> {
        self.store.price_spans().unwrap_or_default()
    }

    fn store_prices(
        &mut self,
        doc: &alphadesk_sync::Fetched,
        shown_url: &str,
        ticker: &str,
        format: alphadesk_sync::prices::PriceFormat,
        after: Option<chrono::NaiveDate>,
    ) -> alphadesk_sync::prices::PriceStored {
        use alphadesk_sync::prices::{PriceFormat, PriceStored};
        let parsed = match format {
            PriceFormat::Tiingo => alphadesk_ingest::tiingo::parse(&doc.body, ticker),
            PriceFormat::Csv => alphadesk_ingest::prices::parse(&doc.body, ticker),
        };
        let file = match parsed {
            Ok(p) => p,
            Err(e) => return PriceStored::Failed(e.to_string()),
        };
        let actions = file.actions.as_ref().map_or(0, Vec::len);
        if file.ticker.as_str() != ticker {
            return PriceStored::Failed(format!("asked for {ticker}, the answer names {}", file.ticker));
        }
        let (Some(first), Some(last)) = (file.bars.first().map(|b| b.date), file.bars.last().map(|b| b.date)) else {
            return PriceStored::Failed("no usable price rows".into());
        };
        let span = self.store.price_span(ticker).ok().flatten();
        let replaced = span.as_ref().is_some_and(|(_, a, b)| first <= *a && last >= *b);
        let new_from = file.bars.iter().map(|b| b.date).find(|d| after.is_none_or(|a| *d > a));
        if after.is_some() && new_from.is_none() && !replaced {
            return PriceStored::NothingNew;
        }
        let parsed = alphadesk_ingest::Parsed::Prices(file);
        match self.store.ingest_parsed(
            shown_url,
            &doc.body,
            alphadesk_ingest::Kind::Prices,
            &parsed,
            Some(&provenance(doc)),
        ) {
            Ok(Outcome::Stored { rows, .. }) => PriceStored::New { rows, new_from, last, replaced, actions },
            Ok(Outcome::Unchanged { .. }) => PriceStored::Unchanged,
            Ok(Outcome::Skipped { reason }) => PriceStored::Failed(reason),
            Ok(Outcome::Failed { error, .. }) => PriceStored::Failed(error),
            Err(alphadesk_store::StoreError::Basis { message, .. }) => PriceStored::OtherBasis(message),
            Err(e) => PriceStored::Failed(e.to_string()),
        }
    }
}

impl alphadesk_sync::news::NewsSink for StoreSink<'_> {
    fn validators(&mut self, url: &str) -> Option<alphadesk_sync::Validators> {
        alphadesk_sync::Sink::validators(self, url)
    }

    fn not_modified(&mut self, url: &str, at: chrono::DateTime<chrono::Utc>) {
        alphadesk_sync::Sink::not_modified(self, url, at)
    }

    fn store_feed(&mut self, doc: &alphadesk_sync::Fetched) -> alphadesk_sync::news::FeedStored {
        use alphadesk_ingest::documents;
        use alphadesk_sync::news::FeedStored;
        let mut feed = match documents::parse_feed(&doc.body) {
            Ok(f) => f,
            Err(e) => return FeedStored::Failed(e.to_string()),
        };
        // Known no earlier than the trading day whose close first follows the fetch.
        let fetched = documents::known_date(doc.fetched_at);
        let mut in_feed = std::collections::HashSet::new();
        let mut kept = Vec::new();
        let mut seen = 0u64;
        for mut item in std::mem::take(&mut feed.documents) {
            item.url = item.url.as_deref().map(|u| alphadesk_sync::news::resolve_link(&doc.url, u));
            item.known_date = item.known_date.max(fetched);
            let keys = [
                item.external_id.as_ref().map(|g| format!("guid {g}")),
                item.url.as_ref().map(|u| format!("url {u}")),
                (!item.title.is_empty()).then(|| format!("title {} {}", item.known_date, item.title)),
            ];
            let twice = keys.iter().flatten().any(|k| in_feed.contains(k));
            let stored = self
                .store
                .seen_document(item.external_id.as_deref(), item.url.as_deref(), &item.title, item.known_date)
                .unwrap_or(false);
            if twice || stored {
                seen += 1;
                continue;
            }
            in_feed.extend(keys.into_iter().flatten());
            kept.push(item);
        }
        if kept.is_empty() {
            // Nothing new, but the copy's validators make the next ask a 304.
            return match self.store.record_fetch(&doc.url, None, &provenance(doc)) {
                Ok(()) => FeedStored::NothingNew { seen },
                Err(e) => FeedStored::Failed(e.to_string()),
            };
        }
        feed.documents = kept;
        let parsed = alphadesk_ingest::Parsed::Documents(feed);
        match self.store.ingest_parsed(
            &doc.url,
            &doc.body,
            alphadesk_ingest::Kind::Articles,
            &parsed,
            Some(&provenance(doc)),
        ) {
            Ok(Outcome::Stored { rows, .. }) => FeedStored::New { items: rows, seen },
            Ok(Outcome::Unchanged { .. }) => FeedStored::NothingNew { seen },
            Ok(Outcome::Skipped { reason }) => FeedStored::Failed(reason),
            Ok(Outcome::Failed { error, .. }) => FeedStored::Failed(error),
            Err(e) => FeedStored::Failed(e.to_string()),
        }
    }
}

/// What a rebuild did.
#[derive(Debug, Default, Serialize)]
pub struct Rebuilt {
    /// Where the damaged store was moved.
    pub damaged_kept_at: String,
    /// The ingest of the files read again.
    pub summary: Summary,
    /// Sources the damaged store named that could not be read again.
    pub lost: Vec<String>,
}

/// Checks a store without changing it: SQLite's integrity check, and every
/// source file it names against the hash stored when it was ingested.
pub fn verify(db: &Path) -> Result<alphadesk_store::Verification> {
    Ok(Store::open_read_only(db)?.verify()?)
}

/// Rebuilds a damaged store from the files it was ingested from: every source the
/// store still names (in ingest order) is read again into a new store, which then
/// takes the old one's place; the old file is kept beside it. What cannot be read
/// again is listed, not silently dropped.
pub fn rebuild(db: &Path, mut each: impl FnMut(usize, usize, &FileReport)) -> Result<Rebuilt> {
    let paths = alphadesk_store::Store::open_read_only(db)?.source_paths_in_order()?;
    let fresh = db.with_extension("rebuilding");
    let _ = std::fs::remove_file(&fresh);
    let mut w = Writer::open(&fresh, "verify --rebuild")?;
    let files: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let mut summary = Summary { files: files.len(), ..Summary::default() };
    let mut lost = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let report = if f.is_file() {
            w.store.ingest_path(f, true)
        } else {
            FileReport {
                path: f.display().to_string(),
                outcome: Outcome::Failed { error: "no longer on disk".into(), location: None },
            }
        };
        if matches!(report.outcome, Outcome::Failed { .. }) {
            lost.push(report.path.clone());
        }
        each(i, files.len(), &report);
        summary.add(report);
    }
    w.derive_news()?;
    w.refresh_figures(&ScoreConfig::default())?;
    drop(w);
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let kept = PathBuf::from(format!("{}.damaged-{stamp}", db.display()));
    let io = |e: std::io::Error, what: &str| ServiceError::new(crate::Kind::Internal, format!("{what}: {e}"));
    std::fs::rename(db, &kept).map_err(|e| io(e, "cannot move the damaged store aside"))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        if side.exists() {
            let _ = std::fs::rename(&side, format!("{}{suffix}", kept.display()));
        }
    }
    std::fs::rename(&fresh, db).map_err(|e| io(e, "cannot put the rebuilt store in place"))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", fresh.display()));
        if side.exists() {
            let _ = std::fs::rename(&side, format!("{}{suffix}", db.display()));
        }
    }
    Ok(Rebuilt { damaged_kept_at: kept.display().to_string(), summary, lost })
}
