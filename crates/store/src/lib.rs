//! The embedded store: one SQLite file that every later stage reads.
//!
//! Three guarantees, each tested:
//! - **Provenance.** Every stored row points at a `sources` row (path, sha256, kind,
//!   time of ingest, row count), and where the source has lines, at its line.
//! - **One transaction per file.** A file is stored whole or not at all; a crash or
//!   an error mid-file leaves the store as it was before that file.
//! - **Idempotence.** A file whose content hash is already recorded is skipped, so a
//!   second run over the same tree changes nothing and says so.
//!
//! Reads are point-in-time: each query that feeds a score takes the date it is asked
//! for and sees only what was public by then (see [`read`]).

mod batch;
pub mod changes;
pub mod columns;
mod error;
mod fact_sets;
pub mod live;
mod load;
mod prepared;
pub mod read;
pub mod schema;

use std::path::{Path, PathBuf};

use alphadesk_ingest::{Kind, ParseError, Parsed, Warning};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use batch::BatchLimits;
pub use error::StoreError;
use prepared::{Examined, Found};
pub use prepared::{Incoming, KnownSources, Prepared};

/// A ticker's stored price series: ticker, first day, last day.
pub type PriceSpan = (String, alphadesk_model::NaiveDate, alphadesk_model::NaiveDate);
pub use load::add_business_days;
pub use rusqlite::Connection;

/// How long a writer waits for another process's write transaction before giving
/// up with [`StoreError::Busy`]: 30 s, or `ALPHADESK_BUSY_TIMEOUT_MS`. Readers never
/// wait (WAL).
pub fn busy_timeout() -> std::time::Duration {
    static T: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();
    *T.get_or_init(|| {
        let ms = std::env::var("ALPHADESK_BUSY_TIMEOUT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(30_000);
        std::time::Duration::from_millis(ms)
    })
}

pub struct Store {
    conn: Connection,
    fault_after_rows: Option<u64>,
    /// The store file, for the writer note beside it (none in memory).
    path: Option<PathBuf>,
    /// Whether this process wrote the writer note (and so removes it).
    announced: bool,
    /// Batch mode ([`Store::stage_prepared`] and the other `stage_*`): the open batch.
    batch: Option<batch::Batch>,
}

/// The note a writing process leaves beside the store (`STORE-writer`), so that
/// another writer that times out waiting can say who holds the lock.
fn writer_note(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-writer");
    PathBuf::from(name)
}

impl Drop for Store {
    fn drop(&mut self) {
        // Documents of an open batch are complete units: keeping them is better
        // than losing them with their reports.
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("COMMIT");
        }
        if let (true, Some(p)) = (self.announced, &self.path) {
            let _ = std::fs::remove_file(writer_note(p));
        }
    }
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Stored {
        kind: Kind,
        rows: u64,
        warnings: Vec<Warning>,
    },
    /// Same content already stored (by sha256).
    Unchanged {
        kind: String,
    },
    /// Not a source alphadesk reads; found while walking a folder.
    Skipped {
        reason: String,
    },
    Failed {
        error: String,
        location: Option<alphadesk_ingest::Location>,
    },
}

/// How a fetched document came: the answer's status and validators exactly as
/// received, and when.
#[derive(Debug, Clone, Default)]
pub struct Fetch {
    /// UTC, RFC 3339.
    pub fetched_at: String,
    pub status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The cached result of a kind and configuration computed at a generation.
const CACHED_AT: &str = "FROM cached_results WHERE kind = ?1 AND config_hash = ?2 AND generation = ?3";

impl Store {
    /// Opens or creates a store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        // Two processes creating one store race on its first locks: switching a
        // new file to WAL, and reading the schema version while the other
        // migrates, can answer "busy" at once instead of waiting on the busy
        // handler. Opening is idempotent (each migration re-reads the version
        // under its exclusive lock), so a busy open is simply tried again until
        // the timeout.
        let started = std::time::Instant::now();
        loop {
            let conn = Connection::open(path)?;
            match Self::init(conn, Some(path.to_path_buf())) {
                Err(e) if e.is_busy() && started.elapsed() < busy_timeout() => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) if e.is_busy() => return Err(Self::busy_error(Some(path))),
                other => return other,
            }
        }
    }

    /// Opens an existing store for reading only: nothing is created (a mistyped
    /// path is an error, not an empty store) and nothing is written. A file at an
    /// older schema version is upgraded first when it can be written; in a
    /// read-only directory, where SQLite cannot create its shared-memory file, the
    /// file is opened as immutable.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        use rusqlite::OpenFlags;
        if !path.is_file() {
            return Err(StoreError::Invalid {
                path: path.display().to_string(),
                message: "no store here: run `alphadesk ingest` or `alphadesk demo` first, or give --db".into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let open = |uri: String| -> Result<Connection, rusqlite::Error> {
            let c = Connection::open_with_flags(uri, flags)?;
            c.busy_timeout(busy_timeout())?;
            // Touch the file now, so that a refused open surfaces here.
            c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?;
            Ok(c)
        };
        let uri = |immutable: bool| {
            let p = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            let escaped: String = p.to_string_lossy().replace('%', "%25").replace('?', "%3f").replace('#', "%23");
            format!("file:{escaped}{}", if immutable { "?immutable=1" } else { "" })
        };
        let conn = match open(uri(false)) {
            Ok(c) => c,
            Err(_) => open(uri(true))?,
        };
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > schema::LATEST {
            return Err(StoreError::TooNew { found: version, supported: schema::LATEST });
        }
        if version < schema::LATEST {
            // An older file: upgrade it with a writing connection if the file allows,
            // then read.
            drop(conn);
            Store::open(path).map_err(|e| StoreError::Invalid {
                path: path.display().to_string(),
                message: format!(
                    "the store is at schema version {version} and must be upgraded to {} by a command that can write it: {e}",
                    schema::LATEST
                ),
            })?;
            return Store::open_read_only(path);
        }
        Ok(Store { conn, fault_after_rows: None, path: Some(path.to_path_buf()), announced: false, batch: None })
    }

    /// A second, read-only connection to the same file that sees what this
    /// one sees, for reading on another thread: `None` for a store in memory,
    /// or while this connection holds a transaction open (its writes are not
    /// the file's yet).
    pub fn another_reader(&self) -> Option<Result<Store, StoreError>> {
        let path = self.path.as_deref().filter(|_| self.conn.is_autocommit())?;
        Some(Store::open_read_only(path))
    }

    /// The store file, when it is one (not in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// SQLite's `PRAGMA data_version`: changes on this connection whenever
    /// another connection commits to the file, so a reader can tell cheaply
    /// whether to look again.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The store's generation: a number every write raises. Results computed from
    /// the store are valid for the generation they were computed at.
    pub fn generation(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM store_meta WHERE key = 'generation'", [], |r| r.get(0))?)
    }

    /// A result cached for (`kind`, `config_hash`), if it was computed at
    /// `generation` (a reader's snapshot's: one read a moment later could see
    /// a writer's newer result beside the older snapshot).
    pub fn cached(&self, kind: &str, config_hash: &str, generation: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT json {CACHED_AT}"), params![kind, config_hash, generation], |r| r.get(0))
            .optional()?)
    }

    /// Whether [`Store::cached`] has a result, without reading it.
    pub fn has_cached(&self, kind: &str, config_hash: &str, generation: i64) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 {CACHED_AT})"),
            params![kind, config_hash, generation],
            |r| r.get(0),
        )?)
    }

    /// Caches a result computed at `generation` (a later write makes it stale).
    pub fn cache(&self, kind: &str, config_hash: &str, generation: i64, json: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO cached_results (kind, config_hash, generation, json) VALUES (?1, ?2, ?3, ?4)",
            params![kind, config_hash, generation, json],
        )?;
        Ok(())
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?, None)
    }

    /// Says, in a note beside the store, that this process is about to write it
    /// (`what`: the command). A second writer that times out names it.
    pub fn announce_writer(&mut self, what: &str) {
        if let Some(p) = &self.path {
            // Another live writer's note stays: it is the one a waiting process
            // must be able to name.
            if let Ok(note) = std::fs::read_to_string(writer_note(p)) {
                let pid = note.split("(pid ").nth(1).and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next());
                let alive =
                    pid.is_some_and(|pid| !Path::new("/proc").is_dir() || Path::new("/proc").join(pid).exists());
                if alive && pid != Some(std::process::id().to_string().as_str()) {
                    return;
                }
            }
            let note = format!(
                "{what} (pid {}, since {})",
                std::process::id(),
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            self.announced = std::fs::write(writer_note(p), note).is_ok();
        }
    }

    fn busy_error(path: Option<&Path>) -> StoreError {
        let holder = path
            .and_then(|p| std::fs::read_to_string(writer_note(p)).ok())
            .map(|n| format!("alphadesk {}", n.trim()))
            .unwrap_or_else(|| "another program, or an alphadesk that did not say which command".into());
        StoreError::Busy { waited_ms: busy_timeout().as_millis() as u64, holder }
    }

    /// `e`, or the busy error naming the other writer when `e` is a lock timeout.
    pub fn explain(&self, e: StoreError) -> StoreError {
        if e.is_busy() {
            Self::busy_error(self.path.as_deref())
        } else {
            e
        }
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Store, StoreError> {
        // The timeout first: switching a new file to WAL takes a lock that a second
        // process creating the same store may hold for a moment.
        conn.busy_timeout(busy_timeout())?;
        // WAL keeps readers (the server, a second CLI) working during an ingest;
        // NORMAL sync is durable across application crashes, which is what the
        // per-file transaction promises.
        // A new file's pages are 16 KiB (an existing file keeps its own):
        // bulk loads into the wide `documents` key (and the facts' rows, then)
        // ran 10% faster than at SQLite's 4 KiB, and full reads no slower
        // (docs/perf.md).
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn, fault_after_rows: None, path, announced: false, batch: None };
        let before = store.schema_version()?;
        store.migrate_to(schema::LATEST)?;
        if before == 0 {
            // A new store's migrations made tables that later ones dropped
            // (`facts`, now `fact_sets`): their pages go back to the file, not
            // to a free list that a damaged page could hide in unnoticed. On
            // an empty store this is instant; a second process creating the
            // same store at once may find it busy, and free pages do no harm.
            let _ = store.conn.execute_batch("VACUUM");
        }
        // A file upgraded past migration 3 (or 8) has prices but no cached columns
        // (or no per-row sources in them) yet.
        if before < 8 {
            store.rebuild_price_columns()?;
        }
        Ok(store)
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Applies migrations up to `target`. Public so that tests can build a store at
    /// an older version and check that opening it upgrades it.
    pub fn migrate_to(&mut self, target: i64) -> Result<(), StoreError> {
        let current = self.schema_version()?;
        if current > schema::LATEST {
            return Err(StoreError::TooNew { found: current, supported: schema::LATEST });
        }
        for version in current + 1..=target.min(schema::LATEST) {
            let sql = schema::MIGRATIONS[(version - 1) as usize];
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
            // Another process may have applied it while this one waited for the
            // lock (two first runs on a new store): the version read inside the
            // exclusive transaction is the truth.
            let applied: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if applied >= version {
                continue;
            }
            tx.execute_batch(sql).map_err(|source| StoreError::Migration { version, source })?;
            if version == schema::FACT_SETS {
                fact_sets::from_rows(&tx).map_err(|source| StoreError::Migration { version, source })?;
            }
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Opens a store file at exactly `version` (tests of the upgrade path).
    pub fn open_at_version(path: &Path, version: i64) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        let mut s =
            Store { conn, fault_after_rows: None, path: Some(path.to_path_buf()), announced: false, batch: None };
        s.migrate_to(version)?;
        Ok(s)
    }

    /// Rebuilds the columnar price cache from `prices` (after rows were deleted by
    /// hand, or an upgrade), in one transaction.
    pub fn rebuild_price_columns(&mut self) -> Result<(), StoreError> {
        self.commit_batch();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        columns::rebuild_all(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Records what the news stage derived from documents, in one transaction:
    /// their signals, and that each listed document has been read by `model`.
    pub fn write_news_signals(
        &mut self,
        signals: &[read::NewsSignal],
        processed: &[i64],
        model: &str,
    ) -> Result<(), StoreError> {
        self.commit_batch();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut st = tx.prepare_cached(
                "INSERT OR REPLACE INTO news_signals (document_id, ticker, kind, known_date, tone, salience, confidence, model, relevance)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for s in signals {
                st.execute(params![
                    s.document_id,
                    s.ticker,
                    s.kind.as_str(),
                    s.known_date.to_string(),
                    s.tone,
                    s.salience,
                    s.confidence,
                    model,
                    s.relevance
                ])?;
            }
            let mut p =
                tx.prepare_cached("INSERT OR REPLACE INTO news_processed (document_id, model) VALUES (?1, ?2)")?;
            for id in processed {
                p.execute(params![id, model])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Test hook: make the next ingests fail after writing `rows` rows, inside their
    /// transaction, as a crash would.
    #[doc(hidden)]
    pub fn inject_fault_after_rows(&mut self, rows: Option<u64>) {
        self.fault_after_rows = rows;
    }

    /// Reads and ingests one file, in a transaction of its own. `explicit` is true
    /// when the user named the file (an unrecognised file is then an error, not a
    /// skip).
    pub fn ingest_path(&mut self, path: &Path, explicit: bool) -> FileReport {
        match read_source(path, explicit) {
            Ok(bytes) => self.ingest_alone(&path.display().to_string(), &bytes, explicit, None),
            Err(report) => report,
        }
    }

    /// Detects, parses and stores one file's bytes in a transaction of its own.
    pub fn ingest_bytes(&mut self, path: &str, bytes: &[u8], explicit: bool) -> FileReport {
        self.ingest_alone(path, bytes, explicit, None)
    }

    /// Stores a fetched document like a file (its URL is its path), with the
    /// fetch's provenance in the same transaction as its rows. A document whose
    /// bytes are stored already records the fetch against that source.
    pub fn ingest_fetched(&mut self, url: &str, bytes: &[u8], fetch: &Fetch) -> FileReport {
        self.ingest_alone(url, bytes, true, Some(fetch))
    }

    /// Switches to batch mode (the first `stage_*` call does, with the default
    /// limits): documents given to the `stage_*` methods are written in batches
    /// committed at `limits` (see [`BatchLimits`]), each document in a savepoint
    /// of its own. Their reports come back once their batch is committed;
    /// [`Store::settle`] commits the last one and leaves batch mode.
    pub fn begin_batches(&mut self, limits: BatchLimits) {
        self.commit_batch();
        let settled = self.batch.take().map(|b| b.settled).unwrap_or_default();
        let mut b = batch::Batch::new(limits);
        b.settled = settled;
        // A batch outgrows SQLite's default 2 MiB page cache at once; spilling
        // dirty pages mid-transaction and reading them back cost ~10% of a bulk
        // load (measured on 3,000 companyfacts files).
        let _ = self.conn.execute_batch(&format!("PRAGMA cache_size = -{}", batch::CACHE_KIB));
        self.batch = Some(b);
    }

    /// [`Store::ingest_bytes`] in batch mode.
    pub fn stage_bytes(&mut self, path: &str, bytes: &[u8], explicit: bool) -> Vec<FileReport> {
        self.stage(path, bytes, explicit, None)
    }

    /// The open batch, entering batch mode with the default limits if not in it.
    fn batch_mode(&mut self) -> &mut batch::Batch {
        if self.batch.is_none() {
            self.begin_batches(BatchLimits::default());
        }
        self.batch.as_mut().expect("batch mode")
    }

    /// Commits the open batch and leaves batch mode: the reports not handed out yet.
    pub fn settle(&mut self) -> Vec<FileReport> {
        self.commit_batch();
        let _ = self.conn.execute_batch("PRAGMA cache_size = -2000");
        self.batch.take().map(|b| b.settled).unwrap_or_default()
    }

    /// [`Store::ingest_path`] in batch mode, of a document read and parsed
    /// elsewhere (see [`Prepared`]): the reports of the documents whose batch
    /// this call committed (this one's among them or not yet). A document
    /// that could not be read or parsed is reported as it was found; the rest
    /// is written as one read here would be, the store asked again whether it
    /// holds it.
    pub fn stage_prepared(&mut self, file: &Prepared) -> Vec<FileReport> {
        let path = file.path.clone();
        match &file.found {
            Found::Reported(outcome) => {
                let b = self.batch_mode();
                b.pending.push(FileReport { path, outcome: outcome.clone() });
                std::mem::take(&mut b.settled)
            }
            Found::Known { .. } | Found::Parsed { .. } => self.stage_with(|s| {
                let written = s.in_savepoint(|s| s.write_prepared(file));
                FileReport { outcome: s.outcome(written), path }
            }),
        }
    }

    /// Writes a prepared document in the open transaction: what became of it.
    fn write_prepared(&mut self, file: &Prepared) -> Result<Outcome, StoreError> {
        let (kind, sha) = match &file.found {
            Found::Reported(outcome) => return Ok(outcome.clone()),
            Found::Known { kind, sha } => (kind.clone(), sha),
            Found::Parsed { kind, sha, len, parsed, facts } => match self.stored_kind(sha)? {
                Some(stored) => (stored, sha),
                None => {
                    let (fetch, facts) = (file.fetch.as_ref(), facts.as_deref());
                    let doc = Document { path: &file.path, sha, len: *len, kind: *kind, parsed, fetch, facts };
                    return insert_document(&self.conn, self.fault_after_rows, &doc);
                }
            },
        };
        // Fetched again, the same bytes: the fetch is recorded against the copy.
        if let Some(fetch) = &file.fetch {
            self.record_fetch(&file.path, Some(sha), fetch)?;
        }
        Ok(Outcome::Unchanged { kind })
    }

    /// [`Store::stage_prepared`] of a run of files, in one savepoint rather
    /// than one each. SQLite copies every page a savepoint changes before it
    /// changes it: a third of an ingest of small files went on those copies
    /// (docs/perf.md). A file that fails rolls the run back, and the run is
    /// written again a file at a time, so that the bad file rolls back alone
    /// and its report is the one it would have had alone.
    pub fn stage_run(&mut self, files: &[Prepared]) -> Vec<FileReport> {
        self.batch_mode();
        let was_open = !self.conn.is_autocommit();
        match self.write_run(files) {
            Ok(reports) => self.add_to_batch(reports),
            Err(error) => {
                if self.conn.is_autocommit() {
                    // The whole transaction ended (a full disk): the batch's
                    // earlier documents went with it.
                    if was_open {
                        self.batch_mode().settle(Err(error));
                    }
                } else {
                    let _ = self.conn.execute_batch("ROLLBACK TO run; RELEASE run");
                }
                let mut reports = Vec::new();
                for file in files {
                    reports.extend(self.stage_prepared(file));
                }
                reports
            }
        }
    }

    /// Writes a run of files in one savepoint, released if every file is
    /// written; the first error otherwise, with the savepoint left open.
    fn write_run(&mut self, files: &[Prepared]) -> Result<Vec<FileReport>, String> {
        self.begin().map_err(|e| e.to_string())?;
        self.conn.execute_batch("SAVEPOINT run").map_err(|e| e.to_string())?;
        let mut reports = Vec::with_capacity(files.len());
        for file in files {
            let outcome = self.write_prepared(file).map_err(|e| e.to_string())?;
            reports.push(FileReport { path: file.path.clone(), outcome });
        }
        self.conn.execute_batch("RELEASE run").map_err(|e| e.to_string())?;
        Ok(reports)
    }

    fn stage(&mut self, path: &str, bytes: &[u8], explicit: bool, fetch: Option<&Fetch>) -> Vec<FileReport> {
        self.stage_with(|s| s.write_document(path, bytes, explicit, fetch))
    }

    /// Writes one document in the open batch (`write` reports on it),
    /// committing the batch when it is full: the reports of the documents
    /// whose batch is settled.
    fn stage_with(&mut self, write: impl FnOnce(&mut Store) -> FileReport) -> Vec<FileReport> {
        self.batch_mode();
        let was_open = !self.conn.is_autocommit();
        let report = write(self);
        let rolled_back = was_open && self.conn.is_autocommit();
        let b = self.batch_mode();
        if rolled_back {
            // SQLite ends the whole transaction on some errors (a full disk):
            // the batch's earlier documents went with it.
            b.settle(Err(match &report.outcome {
                Outcome::Failed { error, .. } => error.clone(),
                _ => "SQLite rolled the transaction back".into(),
            }));
        }
        self.add_to_batch([report])
    }

    /// Counts written documents into the open batch, committing it when it is
    /// full: the reports of the documents whose batch is settled.
    fn add_to_batch(&mut self, reports: impl IntoIterator<Item = FileReport>) -> Vec<FileReport> {
        let b = self.batch_mode();
        for report in reports {
            if let Outcome::Stored { rows, .. } = &report.outcome {
                b.rows += rows;
            }
            b.pending.push(report);
        }
        if b.full() {
            self.commit_batch();
        }
        self.batch.as_mut().map(|b| std::mem::take(&mut b.settled)).unwrap_or_default()
    }

    /// Commits the open transaction, if any, settling its batch's reports.
    fn commit_batch(&mut self) {
        let result = if self.conn.is_autocommit() {
            Ok(())
        } else {
            self.conn.execute_batch("COMMIT").map_err(|e| {
                let _ = self.conn.execute_batch("ROLLBACK");
                self.explain(e.into()).to_string()
            })
        };
        if let Some(b) = self.batch.as_mut() {
            b.settle(result);
        }
    }

    /// Takes the write lock for a document, unless the open batch holds it.
    fn begin(&mut self) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            if let Some(b) = self.batch.as_mut() {
                b.opened = Some(std::time::Instant::now());
            }
        }
        Ok(())
    }

    /// One document in a transaction of its own (an open batch is committed
    /// first, so that this commit does not carry it).
    fn ingest_alone(&mut self, path: &str, bytes: &[u8], explicit: bool, fetch: Option<&Fetch>) -> FileReport {
        self.commit_batch();
        let report = self.write_document(path, bytes, explicit, fetch);
        if self.conn.is_autocommit() {
            return report;
        }
        match self.conn.execute_batch("COMMIT") {
            Ok(()) => report,
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                let error = self.explain(e.into()).to_string();
                FileReport { path: report.path, outcome: Outcome::Failed { error, location: None } }
            }
        }
    }

    /// Records a fetch that stored nothing new (a 304: the stored copy stands).
    pub fn record_fetch(&self, url: &str, sha256: Option<&str>, fetch: &Fetch) -> Result<(), StoreError> {
        let source: Option<i64> = match sha256 {
            Some(sha) => {
                self.conn.query_row("SELECT id FROM sources WHERE sha256 = ?1", [sha], |r| r.get(0)).optional()?
            }
            None => self
                .conn
                .query_row(
                    "SELECT source_id FROM fetches WHERE url = ?1 AND source_id IS NOT NULL ORDER BY id DESC LIMIT 1",
                    [url],
                    |r| r.get(0),
                )
                .optional()?,
        };
        self.conn.execute(
            "INSERT INTO fetches (url, source_id, fetched_at, status, etag, last_modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![url, source, fetch.fetched_at, fetch.status, fetch.etag, fetch.last_modified],
        )?;
        Ok(())
    }

    /// The latest fetch of `url` that brought a copy (not a 304; a bulk archive's
    /// fetch has no source of its own): its validators are what a conditional
    /// request sends back.
    pub fn last_fetch(&self, url: &str) -> Result<Option<Fetch>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT fetched_at, status, etag, last_modified FROM fetches
                  WHERE url = ?1 AND status <> 304 ORDER BY id DESC LIMIT 1",
                [url],
                |r| Ok(Fetch { fetched_at: r.get(0)?, status: r.get(1)?, etag: r.get(2)?, last_modified: r.get(3)? }),
            )
            .optional()?)
    }

    /// Whether a source was stored from this path or URL.
    pub fn has_source(&self, path: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row("SELECT EXISTS (SELECT 1 FROM sources WHERE path = ?1)", [path], |r| r.get(0))?)
    }

    /// Whether a document like this one is stored: the same guid, the same
    /// link, or the same headline known on the same day (a feed's item seen
    /// before, whatever else about it changed).
    pub fn seen_document(
        &self,
        guid: Option<&str>,
        url: Option<&str>,
        title: &str,
        known: alphadesk_model::NaiveDate,
    ) -> Result<bool, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM documents WHERE external_id = ?1)
                 OR EXISTS (SELECT 1 FROM documents WHERE url = ?2)
                 OR EXISTS (SELECT 1 FROM documents WHERE known_date = ?3 AND title = ?4 AND title <> '')",
        )?;
        Ok(st.query_row(params![guid, url, known.to_string(), title], |r| r.get(0))?)
    }

    /// Every ticker with a stored price series, with its first and last day
    /// (what a price sync extends).
    pub fn price_spans(&self) -> Result<Vec<PriceSpan>, StoreError> {
        self.spans_where("", [])
    }

    /// One ticker's stored first and last day, if it has a series.
    pub fn price_span(&self, ticker: &str) -> Result<Option<PriceSpan>, StoreError> {
        Ok(self.spans_where("WHERE ticker = ?1", [ticker])?.pop())
    }

    fn spans_where<P: rusqlite::Params>(&self, filter: &str, params: P) -> Result<Vec<PriceSpan>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT ticker, first_date, last_date FROM price_series {filter} ORDER BY ticker"
        ))?;
        let rows =
            st.query_map(params, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (t, a, b) = row?;
            let (Some(a), Some(b)) = (alphadesk_model::parse_date(&a), alphadesk_model::parse_date(&b)) else {
                return Err(StoreError::Invalid {
                    path: "price_series".into(),
                    message: format!("{t}: stored span {a:?}..{b:?} is not two dates"),
                });
            };
            out.push((t, a, b));
        }
        Ok(out)
    }

    /// The CIKs listed for a ticker (by any listing source; `BRK.B` and `BRK-B`
    /// are one ticker).
    pub fn ciks_of_ticker(&self, ticker: &str) -> Result<Vec<i64>, StoreError> {
        let dotted = ticker.replace('-', ".");
        let dashed = ticker.replace('.', "-");
        let mut st = self.conn.prepare(
            "SELECT DISTINCT cik FROM listings WHERE ticker IN (?1, ?2) AND cik IS NOT NULL ORDER BY priority, cik",
        )?;
        let rows = st.query_map([dotted, dashed], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every CIK a listing names, with a ticker for it.
    pub fn listed_ciks(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT cik, min(ticker) FROM listings WHERE cik IS NOT NULL GROUP BY cik ORDER BY cik")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored filings (cik, accession, form, filing date) of `ciks`, by
    /// filer and oldest first: one statement for them all (a bulk sync asks
    /// of every listed company; a statement a filer was prepared again for
    /// each, SQLite re-planning it for the bound CIK).
    pub fn filings_of(
        &self,
        ciks: &[i64],
    ) -> Result<Vec<(i64, String, String, alphadesk_model::NaiveDate)>, StoreError> {
        let list = serde_json::to_string(ciks).unwrap_or_else(|_| "[]".into());
        let mut st = self.conn.prepare_cached(
            "SELECT cik, accession, form, filed FROM filings WHERE cik IN (SELECT value FROM json_each(?1))
             ORDER BY cik, filed, accession",
        )?;
        let rows = st.query_map([list], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (cik, accession, form, filed) = row?;
            if let Some(filed) = alphadesk_model::parse_date(&filed) {
                out.push((cik, accession, form, filed));
            }
        }
        Ok(out)
    }

    /// The values a sync kept under `keys` (where it stopped), of those kept.
    pub fn sync_states(&self, keys: &[String]) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let list = serde_json::to_string(keys).unwrap_or_else(|_| "[]".into());
        let mut st = self
            .conn
            .prepare_cached("SELECT key, value FROM sync_state WHERE key IN (SELECT value FROM json_each(?1))")?;
        let rows = st.query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps `states` (key, value) for the next sync, in one transaction: a
    /// commit each cost a bulk load a tenth of its time (a mark per listed
    /// company).
    pub fn set_sync_states(&self, states: &[(String, String)]) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let mut st = tx.prepare_cached(
            "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?;
        for (key, value) in states {
            st.execute([key, value])?;
        }
        drop(st);
        tx.commit()?;
        Ok(())
    }

    /// Writes one document in a savepoint of the open transaction (opening one
    /// if none is). A fetched document whose bytes are stored already records
    /// the fetch against that source.
    fn write_document(&mut self, path: &str, bytes: &[u8], explicit: bool, fetch: Option<&Fetch>) -> FileReport {
        let outcome = match self.try_ingest(path, bytes, explicit, fetch) {
            Ok(Outcome::Unchanged { kind }) if fetch.is_some() => {
                let sha = source_sha(path, bytes, false);
                match self.record_fetch(path, Some(&sha), fetch.expect("a fetch")) {
                    Ok(()) => Outcome::Unchanged { kind },
                    Err(e) => Outcome::Failed { error: e.to_string(), location: None },
                }
            }
            written => self.outcome(written),
        };
        FileReport { path: path.to_string(), outcome }
    }

    /// A write's outcome, an error among them: a parse error with where in
    /// the file, any other in words that say what to do about it.
    fn outcome(&self, written: Result<Outcome, StoreError>) -> Outcome {
        match written {
            Ok(o) => o,
            Err(StoreError::Parse { error, .. }) => parse_failure(&error),
            Err(e) => Outcome::Failed { error: self.explain(e).to_string(), location: None },
        }
    }

    fn try_ingest(
        &mut self,
        path: &str,
        bytes: &[u8],
        explicit: bool,
        fetch: Option<&Fetch>,
    ) -> Result<Outcome, StoreError> {
        let mut known = self.conn.prepare_cached("SELECT kind FROM sources WHERE sha256 = ?1")?;
        let examined = prepared::examine(path, bytes, explicit, |sha| {
            known.query_row([sha], |r| r.get::<_, String>(0)).optional().map_err(StoreError::from)
        })?;
        drop(known);
        match examined {
            Examined::Skipped { reason } => Ok(Outcome::Skipped { reason }),
            Examined::Unchanged { kind, .. } => Ok(Outcome::Unchanged { kind }),
            Examined::Parsed { kind, sha, parsed } => self.write_parsed(path, &sha, bytes.len(), kind, &parsed, fetch),
        }
    }

    /// Stores a document its caller parsed — a synced price answer, whose format
    /// the source's configuration names rather than its bytes — in a transaction
    /// of its own, as [`Store::ingest_fetched`] stores a detected one: the same
    /// source row, fetch record and per-kind write. The same bytes from the
    /// same place again are `Unchanged`. A price answer on another adjustment
    /// basis than the stored series it partly covers is [`StoreError::Basis`],
    /// and the store is left as it was.
    pub fn ingest_parsed(
        &mut self,
        path: &str,
        bytes: &[u8],
        kind: Kind,
        parsed: &Parsed<'_>,
        fetch: Option<&Fetch>,
    ) -> Result<Outcome, StoreError> {
        self.commit_batch();
        let sha = source_sha(path, bytes, false);
        let outcome = self.write_parsed(path, &sha, bytes.len(), kind, parsed, fetch);
        if let (Ok(Outcome::Unchanged { .. }), Some(f)) = (&outcome, fetch) {
            self.record_fetch(path, Some(&sha), f)?;
        }
        if !self.conn.is_autocommit() {
            if let Err(e) = self.conn.execute_batch("COMMIT") {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(self.explain(e.into()));
            }
        }
        outcome
    }

    /// Writes a parsed document under a new source row, in a savepoint of the
    /// open transaction (begun if none is): all of it or, on an error, none.
    fn write_parsed(
        &mut self,
        path: &str,
        sha: &str,
        len: usize,
        kind: Kind,
        parsed: &Parsed<'_>,
        fetch: Option<&Fetch>,
    ) -> Result<Outcome, StoreError> {
        self.in_savepoint(|s| {
            if let Some(kind) = s.stored_kind(sha)? {
                return Ok(Outcome::Unchanged { kind });
            }
            let doc = Document { path, sha, len, kind, parsed, fetch, facts: None };
            insert_document(&s.conn, s.fault_after_rows, &doc)
        })
    }

    /// Runs `write` in a savepoint of the open transaction (begun if none
    /// is): what it wrote is kept if it succeeds, undone if it fails.
    fn in_savepoint<T>(&mut self, write: impl FnOnce(&mut Store) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.begin()?;
        self.conn.execute_batch("SAVEPOINT document")?;
        let written = write(self);
        // SQLite ends the whole transaction on some errors (a full disk):
        // then there is no savepoint left to end.
        if !self.conn.is_autocommit() {
            let end = if written.is_ok() { "RELEASE document" } else { "ROLLBACK TO document; RELEASE document" };
            self.conn.execute_batch(end)?;
        }
        written
    }

    /// The kind of the source stored with this hash, if one is: asked again
    /// before a write, because a second process may have stored the same file
    /// while this one parsed it.
    fn stored_kind(&self, sha: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT kind FROM sources WHERE sha256 = ?1")?
            .query_row([sha], |r| r.get::<_, String>(0))
            .optional()?)
    }

    /// Row counts of every table, for summaries and tests.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let n = |sql: &str| -> Result<i64, StoreError> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Counts {
            sources: n("SELECT count(*) FROM sources")?,
            securities: n("SELECT count(*) FROM securities")?,
            tickers_with_prices: n("SELECT count(*) FROM price_series")?,
            price_bars: n("SELECT count(*) FROM prices")?,
            first_price_date: self.conn.query_row("SELECT min(first_date) FROM price_series", [], |r| r.get(0))?,
            last_price_date: self.conn.query_row("SELECT max(last_date) FROM price_series", [], |r| r.get(0))?,
            companies: n("SELECT count(*) FROM companies")?,
            facts: n("SELECT coalesce(sum(facts), 0) FROM fact_sets")?,
            filings: n("SELECT count(*) FROM filings")?,
            insider_reports: n("SELECT count(*) FROM insider_reports")?,
            insider_transactions: n("SELECT count(*) FROM insider_transactions")?,
            holdings_reports: n("SELECT count(*) FROM holdings_reports")?,
            holdings: n("SELECT count(*) FROM holdings")?,
            fundamentals_rows: n("SELECT count(*) FROM (SELECT DISTINCT ticker, period_end FROM fundamentals_annual)")?,
            snapshot_rows: n("SELECT count(*) FROM (SELECT DISTINCT ticker, as_of FROM market_snapshots)")?,
            sic_codes: n("SELECT count(*) FROM sic_codes")?,
            articles: n("SELECT count(*) FROM documents WHERE kind = 'article'")?,
            first_article_known: self.conn.query_row(
                "SELECT min(known_date) FROM documents WHERE kind = 'article'",
                [],
                |r| r.get(0),
            )?,
            last_article_known: self.conn.query_row(
                "SELECT max(known_date) FROM documents WHERE kind = 'article'",
                [],
                |r| r.get(0),
            )?,
            posts: n("SELECT count(*) FROM documents WHERE kind = 'post'")?,
            news_signals: n("SELECT count(*) FROM news_signals")?,
        })
    }

    /// Checks the store: SQLite's own integrity check and foreign keys, then every
    /// stored source against its file where the file is still there (its content
    /// hash must be the one recorded when it was ingested).
    pub fn verify(&self) -> Result<Verification, StoreError> {
        let mut v = Verification::default();
        match self.check_integrity() {
            Ok(()) => {}
            Err(e) => v.problems.push(format!("the store file is damaged: {e}")),
        }
        let rows: Vec<(i64, String, String, String)> = match self
            .conn
            .prepare("SELECT id, path, sha256, kind FROM sources ORDER BY id")
            .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
        {
            Ok(rows) => rows,
            Err(e) => {
                v.problems.push(format!("the sources table cannot be read: {e}"));
                return Ok(v);
            }
        };
        for (id, path, sha, kind) in rows {
            let p = Path::new(&path);
            match std::fs::read(p) {
                Err(_) => v.missing.push(path),
                Ok(bytes) => {
                    let now = source_sha(&path, &bytes, kind == Kind::Posts.name());
                    if now == sha {
                        v.matching += 1;
                    } else {
                        v.problems.push(format!("source {id} ({path}) has changed on disk since it was ingested"));
                        v.changed.push(path);
                    }
                }
            }
        }
        Ok(v)
    }

    /// The paths of every source the store was ingested from, in ingest order:
    /// what a rebuild reads again. Read from the table, else — a damaged page
    /// holds part of it — from the index that keeps a second copy of each path
    /// on pages of its own (migration 17); an error only when both are damaged.
    pub fn source_paths_in_order(&self) -> Result<Vec<String>, StoreError> {
        let read = |sql: &str| -> Result<Vec<String>, rusqlite::Error> {
            let mut st = self.conn.prepare(sql)?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect()
        };
        match read("SELECT path FROM sources NOT INDEXED ORDER BY id") {
            Ok(paths) => Ok(paths),
            Err(table) => read("SELECT path FROM sources INDEXED BY sources_paths ORDER BY id").map_err(|index| {
                StoreError::Invalid {
                    path: self.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                    message: format!(
                        "the list of sources is damaged in the table ({table}) and in its index ({index})"
                    ),
                }
            }),
        }
    }

    /// `PRAGMA integrity_check` and foreign keys; `Ok(())` when the file is sound.
    pub fn check_integrity(&self) -> Result<(), String> {
        let ok: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| e.to_string())?;
        if ok != "ok" {
            return Err(ok);
        }
        let bad: i64 = self
            .conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if bad > 0 {
            return Err(format!("{bad} rows violate foreign keys"));
        }
        // SQLite checks a blob's pages, not what they hold.
        fact_sets::check_all(&self.conn).map_err(|e| e.to_string())
    }
}

/// A file's bytes, or the report of why it is not read: only regular files are
/// sources when found in a folder (a FIFO with no writer would block forever, a
/// device never end); a pipe the user names is read (`ingest <(curl ...)`).
fn read_source(path: &Path, explicit: bool) -> Result<Vec<u8>, FileReport> {
    let shown = || path.display().to_string();
    if !explicit {
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() {
                return Err(FileReport {
                    path: shown(),
                    outcome: Outcome::Skipped { reason: "not a regular file (a FIFO, socket or device)".into() },
                });
            }
        }
    }
    std::fs::read(path).map_err(|e| FileReport {
        path: shown(),
        outcome: Outcome::Failed { error: format!("cannot read: {e}"), location: None },
    })
}

/// A parsed document on its way into the store.
struct Document<'d, 'p> {
    /// The file's path or the document's URL.
    path: &'d str,
    /// Its source identity (see [`source_sha`]).
    sha: &'d str,
    /// Its size in bytes.
    len: usize,
    kind: Kind,
    parsed: &'d Parsed<'p>,
    fetch: Option<&'d Fetch>,
    /// A companyfacts document's facts, encoded where it was parsed.
    facts: Option<&'d fact_sets::Encoded>,
}

/// Inserts a parsed document's source row, fetch record and rows through
/// `tx`: a savepoint of its own, or the open transaction of a run of files
/// that has one (see [`Store::stage_run`]).
fn insert_document(tx: &Connection, fault_after: Option<u64>, doc: &Document<'_, '_>) -> Result<Outcome, StoreError> {
    let Document { path, sha, len, kind, parsed, fetch, facts } = *doc;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    tx.prepare_cached(
        "INSERT INTO sources (path, sha256, kind, bytes, ingested_at, rows) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
    )?
    .execute(params![path, sha, kind.name(), len as i64, now])?;
    let source_id = tx.last_insert_rowid();
    if let Some(f) = fetch {
        tx.prepare_cached(
            "INSERT INTO fetches (url, source_id, fetched_at, status, etag, last_modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![path, source_id, f.fetched_at, f.status, f.etag, f.last_modified])?;
    }
    let mut sink = load::Sink {
        tx,
        path: path.to_string(),
        source_id,
        rows: 0,
        fault_after,
        warnings: parsed.warnings().to_vec(),
        facts,
    };
    load::write(&mut sink, parsed)?;
    let (rows, warnings) = (sink.rows, sink.warnings);
    tx.prepare_cached("UPDATE sources SET rows = ?1, warnings = ?2 WHERE id = ?3")?.execute(params![
        rows as i64,
        serde_json::to_string(&warnings).unwrap_or_else(|_| "[]".into()),
        source_id
    ])?;
    Ok(Outcome::Stored { kind, rows, warnings })
}

/// The page size of a new store, in bytes.
const PAGE_SIZE: i64 = 16 * 1024;

/// A file that does not parse, as its report states it: what is wrong, and where.
fn parse_failure(error: &ParseError) -> Outcome {
    Outcome::Failed { location: Some(error.location.clone()), error: error.to_string() }
}

/// A source's identity: its content hash, with a post file's `FOLDER/FILE` name
/// in front, because StockNet files the same day of tweets, byte for byte, under
/// every company they name.
fn source_sha(path: &str, bytes: &[u8], posts: bool) -> String {
    if posts {
        let p = Path::new(path);
        let name = match (p.parent().and_then(|d| d.file_name()), p.file_name()) {
            (Some(dir), Some(f)) => format!("{}/{}", dir.to_string_lossy(), f.to_string_lossy()),
            (_, f) => f.map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
        };
        let mut h = Sha256::new();
        h.update(name.as_bytes());
        h.update(b"\n");
        h.update(bytes);
        hex(&h.finalize())
    } else {
        hex(&Sha256::digest(bytes))
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    /// Sources whose file is there and hashes as recorded.
    pub matching: usize,
    /// Sources whose file is no longer at its path (nothing to compare).
    pub missing: Vec<String>,
    /// Sources whose file now hashes differently.
    pub changed: Vec<String>,
    /// Everything wrong, in words.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn sound(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub sources: i64,
    pub securities: i64,
    pub tickers_with_prices: i64,
    pub price_bars: i64,
    pub first_price_date: Option<String>,
    pub last_price_date: Option<String>,
    pub companies: i64,
    pub facts: i64,
    pub filings: i64,
    pub insider_reports: i64,
    pub insider_transactions: i64,
    pub holdings_reports: i64,
    pub holdings: i64,
    pub fundamentals_rows: i64,
    pub snapshot_rows: i64,
    pub sic_codes: i64,
    pub articles: i64,
    /// The days the first and last stored article were first known.
    pub first_article_known: Option<String>,
    pub last_article_known: Option<String>,
    pub posts: i64,
    pub news_signals: i64,
}

pub(crate) fn hex(b: &[u8]) -> String {
    // Two digits a byte from a table: a `format!` a byte was a tenth of
    // reading a folder of small files.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(b.len() * 2);
    for x in b {
        out.push(char::from(DIGITS[usize::from(x >> 4)]));
        out.push(char::from(DIGITS[usize::from(x & 0xf)]));
    }
    out
}

/// Extensions a folder walk reads, besides files with none (StockNet's day files).
/// Anything else under a data folder (READMEs, PDFs) is not a source and is ignored
/// without comment; extensionless files that are not sources are skipped as
/// unrecognised after a look at their content.
const SOURCE_EXTENSIONS: &[&str] =
    &["csv", "json", "jsonl", "xml", "txt", "nc", "tsv", "md", "markdown", "html", "htm", "rss", "atom"];

/// Expands files and folders into the files to ingest, in a stable (sorted) order.
/// The bool is true for a file the user named explicitly.
pub fn walk(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, StoreError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| StoreError::Io { path: p.clone(), source })?;
        if meta.is_dir() {
            let mut stack = vec![p.clone()];
            let mut found = Vec::new();
            while let Some(dir) = stack.pop() {
                let rd = std::fs::read_dir(&dir).map_err(|source| StoreError::Io { path: dir.clone(), source })?;
                for entry in rd {
                    let entry = entry.map_err(|source| StoreError::Io { path: dir.clone(), source })?;
                    let path = entry.path();
                    let name = entry.file_name();
                    if name.to_string_lossy().starts_with('.') {
                        continue;
                    }
                    let ft = entry.file_type().map_err(|source| StoreError::Io { path: path.clone(), source })?;
                    if ft.is_dir() {
                        stack.push(path);
                    } else if !ft.is_file() && !ft.is_symlink() {
                        // Reported as skipped by `ingest_path`, with the reason.
                        found.push(path);
                    } else if path.extension().and_then(|e| e.to_str()).is_none_or(|e| {
                        SOURCE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                            // Day files named by date (`2014-01-02`) have no extension.
                            || e.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                    }) {
                        found.push(path);
                    }
                }
            }
            found.sort();
            out.extend(found.into_iter().map(|f| (f, false)));
        } else {
            out.push((p.clone(), true));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff, 0x10]), "000fa5ff10");
        assert_eq!(super::hex(&[]), "");
    }
}
