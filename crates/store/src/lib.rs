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

pub mod columns;
mod error;
mod load;
pub mod read;
pub mod schema;

use std::path::{Path, PathBuf};

use alphadesk_ingest::{Detected, Kind, ParseError, Warning};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use error::StoreError;
pub use load::add_business_days;
pub use rusqlite::Connection;

pub struct Store {
    conn: Connection,
    fault_after_rows: Option<u64>,
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

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl Store {
    /// Opens or creates a store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        // WAL keeps readers (the server, a second CLI) working during an ingest;
        // NORMAL sync is durable across application crashes, which is what the
        // per-file transaction promises.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let mut store = Store { conn, fault_after_rows: None };
        let before = store.schema_version()?;
        store.migrate_to(schema::LATEST)?;
        // A file upgraded past migration 3 has prices but no cached columns yet.
        if before < 3 {
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
            tx.execute_batch(sql).map_err(|source| StoreError::Migration { version, source })?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Opens a store file at exactly `version` (tests of the upgrade path).
    pub fn open_at_version(path: &Path, version: i64) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        let mut s = Store { conn, fault_after_rows: None };
        s.migrate_to(version)?;
        Ok(s)
    }

    /// Rebuilds the columnar price cache from `prices` (after rows were deleted by
    /// hand, or an upgrade), in one transaction.
    pub fn rebuild_price_columns(&mut self) -> Result<(), StoreError> {
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
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut st = tx.prepare_cached(
                "INSERT OR REPLACE INTO news_signals (document_id, ticker, kind, known_date, tone, salience, confidence, model)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for s in signals {
                st.execute(params![
                    s.document_id,
                    s.ticker,
                    s.kind,
                    s.known_date.to_string(),
                    s.tone,
                    s.salience,
                    s.confidence,
                    model
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

    /// Reads and ingests one file. `explicit` is true when the user named the file
    /// (an unrecognised file is then an error, not a skip).
    pub fn ingest_path(&mut self, path: &Path, explicit: bool) -> FileReport {
        let shown = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => self.ingest_bytes(&shown, &bytes, explicit),
            Err(e) => FileReport {
                path: shown,
                outcome: Outcome::Failed { error: format!("cannot read: {e}"), location: None },
            },
        }
    }

    /// Detects, parses and stores one file's bytes in a single transaction.
    pub fn ingest_bytes(&mut self, path: &str, bytes: &[u8], explicit: bool) -> FileReport {
        let outcome = match self.try_ingest(path, bytes, explicit) {
            Ok(o) => o,
            Err(StoreError::Parse { error, .. }) => {
                Outcome::Failed { location: Some(error.location.clone()), error: error.to_string() }
            }
            Err(e) => Outcome::Failed { error: e.to_string(), location: None },
        };
        FileReport { path: path.to_string(), outcome }
    }

    fn try_ingest(&mut self, path: &str, bytes: &[u8], explicit: bool) -> Result<Outcome, StoreError> {
        let file_name = Path::new(path).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let parse_err = |error: ParseError| StoreError::Parse { path: path.to_string(), error };
        let kind = match alphadesk_ingest::detect(bytes).map_err(parse_err)? {
            Detected::Kind(k) => k,
            Detected::Unrecognised(why) if explicit => {
                return Err(parse_err(ParseError::file(format!("not a source alphadesk reads: {why}"))))
            }
            Detected::Unrecognised(why) => return Ok(Outcome::Skipped { reason: why }),
        };
        // A post file's ticker is its folder: pass `FOLDER/FILE` for those, and make
        // the folder part of the file's identity, because StockNet files the same
        // day of tweets, byte for byte, under every company they name.
        let parse_name = match (kind, Path::new(path).parent().and_then(|p| p.file_name())) {
            (Kind::Posts, Some(folder)) => format!("{}/{file_name}", folder.to_string_lossy()),
            _ => file_name.clone(),
        };
        let sha = match kind {
            Kind::Posts => {
                let mut h = Sha256::new();
                h.update(parse_name.as_bytes());
                h.update(b"\n");
                h.update(bytes);
                hex(&h.finalize())
            }
            _ => hex(&Sha256::digest(bytes)),
        };
        if let Some(kind) = self
            .conn
            .query_row("SELECT kind FROM sources WHERE sha256 = ?1", [&sha], |r| r.get::<_, String>(0))
            .optional()?
        {
            return Ok(Outcome::Unchanged { kind });
        }
        let parsed = alphadesk_ingest::parse(kind, &parse_name, bytes).map_err(parse_err)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        tx.execute(
            "INSERT INTO sources (path, sha256, kind, bytes, ingested_at, rows) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            params![path, sha, kind.name(), bytes.len() as i64, now],
        )?;
        let source_id = tx.last_insert_rowid();
        let mut sink = load::Sink {
            tx: &tx,
            source_id,
            rows: 0,
            fault_after: self.fault_after_rows,
            warnings: parsed.warnings().to_vec(),
        };
        load::write(&mut sink, &parsed)?;
        let (rows, warnings) = (sink.rows, sink.warnings);
        tx.execute(
            "UPDATE sources SET rows = ?1, warnings = ?2 WHERE id = ?3",
            params![rows as i64, serde_json::to_string(&warnings).unwrap_or_else(|_| "[]".into()), source_id],
        )?;
        tx.commit()?;
        Ok(Outcome::Stored { kind, rows, warnings })
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
            facts: n("SELECT count(*) FROM facts")?,
            filings: n("SELECT count(*) FROM filings")?,
            insider_reports: n("SELECT count(*) FROM insider_reports")?,
            insider_transactions: n("SELECT count(*) FROM insider_transactions")?,
            holdings_reports: n("SELECT count(*) FROM holdings_reports")?,
            holdings: n("SELECT count(*) FROM holdings")?,
            fundamentals_rows: n("SELECT count(*) FROM (SELECT DISTINCT ticker, period_end FROM fundamentals_annual)")?,
            snapshot_rows: n("SELECT count(*) FROM (SELECT DISTINCT ticker, as_of FROM market_snapshots)")?,
            sic_codes: n("SELECT count(*) FROM sic_codes")?,
            articles: n("SELECT count(*) FROM documents WHERE kind = 'article'")?,
            posts: n("SELECT count(*) FROM documents WHERE kind = 'post'")?,
            news_signals: n("SELECT count(*) FROM news_signals")?,
        })
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
        Ok(())
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
    pub posts: i64,
    pub news_signals: i64,
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
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
