//! Columnar export: the store's point-in-time tables, and score panels, as
//! Apache Parquet for Polars, DuckDB, pandas and Spark (see docs/scale.md, "alphadesk export").
//!
//! Every table is written from one SQL query in batches (memory does not grow
//! with the table), to `NAME.parquet.partial` first and renamed when complete, so
//! a failed or interrupted export never leaves a half file under the real name.
//! Dates are `date32`, instants `timestamp[us, UTC]`, money `float64` with its
//! unit in the column's description; every row carries its provenance (the
//! stored file and line, the accession, or the URL). Facts keep `filed` beside
//! `period_end`, so a reader can make their own point-in-time joins.

#![warn(missing_docs)]

pub mod factor;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use alphadesk_score::{Pillar, ScoreRecord};
use alphadesk_store::Store;
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rusqlite::types::ValueRef;

/// Rows per record batch (and so per row group's pages): large enough for good
/// compression, small enough that memory stays flat.
const BATCH_ROWS: usize = 65_536;

/// What went wrong, naming the table and file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store could not be read.
    #[error("{table}: reading the store: {source}")]
    Store {
        /// The table being exported.
        table: &'static str,
        /// Why.
        source: alphadesk_store::StoreError,
    },
    /// A stored value does not fit its column's type.
    #[error("{table}: column {column}, row {row}: {why}")]
    Value {
        /// The table being exported.
        table: &'static str,
        /// The column.
        column: String,
        /// The row, from 1.
        row: usize,
        /// What is wrong with the value.
        why: String,
    },
    /// The Parquet writer failed.
    #[error("{table}: writing Parquet: {source}")]
    Parquet {
        /// The table being exported.
        table: &'static str,
        /// Why.
        source: parquet::errors::ParquetError,
    },
    /// A batch could not be assembled.
    #[error("{table}: building a batch: {source}")]
    Arrow {
        /// The table being exported.
        table: &'static str,
        /// Why.
        source: arrow_schema::ArrowError,
    },
    /// A table name the export does not know.
    #[error(
        "unknown table {0:?}: expected one of securities, prices, facts, filings, insiders, holdings, articles, links, scores"
    )]
    UnknownTable(String),
}

/// The tables an export can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// Tickers, names, sectors and CIKs.
    Securities,
    /// Daily bars with their file and line.
    Prices,
    /// XBRL facts with `filed` beside `period_end`.
    Facts,
    /// SEC filings: accession, filer, form, filing date.
    Filings,
    /// Form 4 transactions.
    Insiders,
    /// 13F positions.
    Holdings,
    /// News articles and posts with when they were known.
    Articles,
    /// Which company each article is about, and how relevant.
    Links,
    /// Month-end Alpha Scores, pillars and raw metrics.
    Scores,
}

impl Table {
    /// Every table, in export order.
    pub const ALL: [Table; 9] = [
        Table::Securities,
        Table::Prices,
        Table::Facts,
        Table::Filings,
        Table::Insiders,
        Table::Holdings,
        Table::Articles,
        Table::Links,
        Table::Scores,
    ];

    /// The table's name, and its file's (`NAME.parquet`).
    pub fn name(self) -> &'static str {
        match self {
            Table::Securities => "securities",
            Table::Prices => "prices",
            Table::Facts => "facts",
            Table::Filings => "filings",
            Table::Insiders => "insiders",
            Table::Holdings => "holdings",
            Table::Articles => "articles",
            Table::Links => "links",
            Table::Scores => "scores",
        }
    }
}

impl std::str::FromStr for Table {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Table, ExportError> {
        Table::ALL.into_iter().find(|t| t.name() == s.trim()).ok_or_else(|| ExportError::UnknownTable(s.to_string()))
    }
}

/// A column's type in Arrow, and how a stored value becomes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Text,
    /// A 64-bit integer.
    Int,
    /// A 64-bit float.
    Float,
    /// `YYYY-MM-DD` text → days since 1970-01-01.
    Date,
    /// RFC 3339 text → microseconds since the epoch, UTC.
    Instant,
    /// 0/1 → boolean.
    Flag,
}

/// One column: its name, type, whether it may be null, and what it means (the
/// field's `description` metadata in the file). Names are owned where a column
/// is made at run time (a score panel's metric columns come from its config).
#[derive(Debug, Clone)]
pub struct Column {
    /// The column's name in the file.
    pub name: Cow<'static, str>,
    /// Its type.
    pub kind: Kind,
    /// Whether a row may leave it empty.
    pub nullable: bool,
    /// What it means, with its unit.
    pub doc: Cow<'static, str>,
}

const fn col(name: &'static str, kind: Kind, nullable: bool, doc: &'static str) -> Column {
    Column { name: Cow::Borrowed(name), kind, nullable, doc: Cow::Borrowed(doc) }
}

/// The column of a stored file's path, which an export writes relative to the
/// data root (see [`source_root`]).
const SOURCE_FILE: &str = "source_file";

use Kind::*;

/// The columns of a stored table, in order, and the query that reads them
/// (`?1` is the as-of date: only what was known by then).
pub fn columns(t: Table) -> (&'static [Column], &'static str) {
    match t {
        Table::Securities => (
            {
                const C: &[Column] = &[
                    col("ticker", Text, false, "ticker symbol as stored (BRK.B)"),
                    col("cik", Int, true, "SEC central index key: joins facts, filings and insider reports"),
                    col("name", Text, true, "company name from the highest-priority listing"),
                    col("sector", Text, true, "GICS sector"),
                    col("industry", Text, true, "GICS sub-industry, when listed"),
                    col("exchange", Text, true, "exchange, when listed"),
                    col("first_price_date", Date, true, "first stored daily price"),
                    col("last_price_date", Date, true, "last stored daily price known by the export's date"),
                ];
                C
            },
            "SELECT s.ticker, s.cik, s.name, s.sector, s.industry, s.exchange, p.first_date, min(p.last_date, ?1)
             FROM securities s LEFT JOIN price_series p ON p.ticker = s.ticker
             WHERE p.first_date IS NULL OR p.first_date <= ?1 ORDER BY s.ticker",
        ),
        Table::Prices => (
            {
                const C: &[Column] = &[
                col("ticker", Text, false, "exchange ticker"),
                col("date", Date, false, "trading day (US-Eastern)"),
                col("open", Float, true, "USD per share, as the source wrote it"),
                col("high", Float, true, "USD per share"),
                col("low", Float, true, "USD per share"),
                col("close", Float, true, "USD per share, unadjusted"),
                col("adj_close", Float, true, "USD per share, adjusted for splits and dividends after it (as of the series' basis date)"),
                col("volume", Float, true, "shares"),
                col("flag", Text, true, "JSON note from the ingest on a suspicious bar, else null"),
                col("source_file", Text, false, "stored file the bar was read from"),
                col("source_line", Int, false, "line in that file"),
                ];
                C
            },
            "SELECT p.ticker, p.date, p.open, p.high, p.low, p.close, p.adj_close, p.volume, p.flag, s.path, p.line
             FROM prices p JOIN sources s ON s.id = p.source_id WHERE p.date <= ?1 ORDER BY p.ticker, p.date",
        ),
        Table::Facts => (
            {
                const C: &[Column] = &[
                col("cik", Int, false, "SEC Central Index Key of the filer"),
                col("ticker", Text, true, "the filer's ticker (its priced one when it has several): joins prices and securities"),
                col("taxonomy", Text, false, "us-gaap, dei, ifrs-full, ..."),
                col("concept", Text, false, "XBRL concept"),
                col("unit", Text, false, "unit of value (USD, shares, USD/shares, pure)"),
                col("period_start", Date, true, "start of a duration; null for an instant"),
                col("period_end", Date, false, "end of the period, or the instant"),
                col("value", Float, false, "in `unit`"),
                col("filed", Date, false, "the day the filing became public: the point-in-time key"),
                col("form", Text, false, "form of the filing (10-K, 10-Q, 8-K, ...)"),
                col("fiscal_year", Int, true, "fy as filed"),
                col("fiscal_period", Text, true, "fp as filed (FY, Q1, ...)"),
                col("frame", Text, true, "SEC calendar frame, when assigned"),
                col("accession", Text, false, "accession number of the filing that reported it"),
                col("source_file", Text, false, "stored companyfacts file"),
                ];
                C
            },
            // The facts themselves are read by filer from the store's sets
            // (`write_facts`); this gives each filer's ticker.
            "SELECT cik, coalesce(min(CASE WHEN ticker IN (SELECT ticker FROM price_series) THEN ticker END), min(ticker))
             FROM listings WHERE cik IS NOT NULL AND cik IN (SELECT DISTINCT cik FROM fact_sets)
             GROUP BY cik",
        ),
        Table::Filings => (
            {
                const C: &[Column] = &[
                col("accession", Text, false, "accession number"),
                col("cik", Int, false, "filer"),
                col("ticker", Text, true, "the filer's ticker (its priced one when it has several)"),
                col("form", Text, false, "form type"),
                col("filed", Date, false, "filing date"),
                col("report_date", Date, true, "period of report"),
                col("accepted", Instant, true, "EDGAR acceptance time, UTC"),
                col("primary_document", Text, true, "file name of the primary document"),
                col("description", Text, true, "as EDGAR lists it"),
                col("source_file", Text, false, "stored submissions file"),
                ];
                C
            },
            "WITH tick AS (
                 SELECT cik, coalesce(min(CASE WHEN ticker IN (SELECT ticker FROM price_series) THEN ticker END), min(ticker)) AS ticker
                 FROM listings WHERE cik IS NOT NULL GROUP BY cik)
             SELECT f.accession, f.cik, t.ticker, f.form, f.filed, f.report_date, f.acceptance_datetime, f.primary_document,
                    f.description, s.path
             FROM filings f JOIN sources s ON s.id = f.source_id LEFT JOIN tick t ON t.cik = f.cik
             WHERE f.filed <= ?1 ORDER BY f.cik, f.filed, f.accession",
        ),
        Table::Insiders => (
            {
                const C: &[Column] = &[
                col("accession", Text, true, "accession number of the Form 3/4/5"),
                col("form", Text, false, "3, 4, 5, 4/A, ..."),
                col("issuer_cik", Int, true, "issuer"),
                col("issuer_ticker", Text, true, "as the form states it"),
                col("filed", Date, true, "filing date (estimated when filed_estimated)"),
                col("filed_estimated", Flag, false, "true when the filing date was not in the document"),
                col("period_of_report", Date, true, "the form's period of report"),
                col("seq", Int, false, "row in document order"),
                col("table", Text, false, "non_derivative or derivative"),
                col("row_kind", Text, false, "transaction or holding"),
                col("security", Text, true, "security title"),
                col("trade_date", Date, true, "transaction date"),
                col("code", Text, true, "transaction code (P open-market purchase, S sale, A grant, ...)"),
                col("shares", Float, true, "shares"),
                col("price", Float, true, "USD per share"),
                col("acquired_disposed", Text, true, "A or D"),
                col("shares_owned_after", Float, true, "shares"),
                col("ownership", Text, true, "D direct or I indirect"),
                col("amended_by", Int, true, "internal id of the report that amends this one"),
                col("source_file", Text, false, "stored document"),
                ];
                C
            },
            "SELECT r.accession, r.form_type, r.issuer_cik, r.issuer_ticker, r.filed, r.filed_estimated, r.period_of_report,
                    t.seq, t.tbl, t.kind, t.security_title, t.trade_date, t.code, t.shares, t.price, t.acquired_disposed,
                    t.shares_owned_after, t.ownership, r.amended_by, s.path
             FROM insider_transactions t JOIN insider_reports r ON r.id = t.report_id JOIN sources s ON s.id = r.source_id
             WHERE r.filed IS NULL OR r.filed <= ?1 ORDER BY r.filed, r.id, t.seq",
        ),
        Table::Holdings => (
            {
                const C: &[Column] = &[
                col("accession", Text, true, "accession number of the 13F-HR"),
                col("manager", Text, true, "filing manager"),
                col("manager_cik", Int, true, "manager's CIK"),
                col("period", Date, true, "quarter end reported"),
                col("filed", Date, true, "filing date"),
                col("is_amendment", Flag, false, "13F-HR/A"),
                col("value_unit", Text, false, "how the filing's values were read (dollars or thousands)"),
                col("seq", Int, false, "row in document order"),
                col("issuer", Text, false, "name of issuer"),
                col("class", Text, true, "title of class"),
                col("cusip", Text, false, "CUSIP"),
                col("value_usd", Float, false, "USD, after the unit above"),
                col("shares", Float, true, "shares or principal amount"),
                col("share_type", Text, true, "SH or PRN"),
                col("put_call", Text, true, "Put, Call or null"),
                col("source_file", Text, false, "stored document"),
                ];
                C
            },
            "SELECT r.accession, r.manager, r.manager_cik, r.period, r.filed, r.is_amendment, r.value_unit,
                    h.seq, h.issuer, h.class, h.cusip, h.value_usd, h.shares, h.share_type, h.put_call, s.path
             FROM holdings h JOIN holdings_reports r ON r.id = h.report_id JOIN sources s ON s.id = r.source_id
             WHERE r.filed IS NULL OR r.filed <= ?1 ORDER BY r.filed, r.id, h.seq",
        ),
        Table::Articles => (
            {
                const C: &[Column] = &[
                col("id", Int, false, "document id (the links table refers to it)"),
                col("kind", Text, false, "article or post"),
                col("title", Text, false, "headline"),
                col("body", Text, false, "text"),
                col("published", Instant, false, "publication time, UTC"),
                col("published_raw", Text, false, "as the source wrote it, with its own zone"),
                col("known_date", Date, false, "US-Eastern trading day whose close first includes it"),
                col("url", Text, true, "URL, when the source gives one"),
                col("source_file", Text, false, "stored file"),
                col("source_line", Int, false, "line in that file"),
                ];
                C
            },
            "SELECT d.id, d.kind, d.title, d.body, d.published_utc, d.published_raw, d.known_date, d.url, s.path, d.line
             FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.known_date <= ?1 ORDER BY d.known_date, d.id",
        ),
        Table::Links => (
            {
                const C: &[Column] = &[
                col("document_id", Int, false, "articles.id"),
                col("ticker", Text, false, "linked company"),
                col("kind", Text, false, "article or post"),
                col("known_date", Date, false, "as the document's"),
                col("tone", Float, false, "the document's tone for this company, -1 to 1"),
                col("salience", Float, false, "the company's share of the document's mentions, 0 to 1"),
                col("relevance", Int, true, "how much the article is about the company, 0-100 (40 and above: about it); null for posts"),
                col("confidence", Float, false, "confidence of the link, 0 to 1"),
                col("model", Text, false, "tone model"),
                ];
                C
            },
            "SELECT document_id, ticker, kind, known_date, tone, salience, relevance, confidence, model
             FROM news_signals WHERE known_date <= ?1 ORDER BY known_date, document_id, ticker",
        ),
        Table::Scores => (SCORE_COLUMNS, ""),
    }
}

const SCORE_COLUMNS: &[Column] = &[
    col("as_of", Date, false, "the close the score is computed at, from data known then"),
    col("ticker", Text, false, "ticker"),
    col("sector", Text, false, "GICS sector the rank is within"),
    col("alpha_score", Int, true, "0-100; null when too few pillars have data"),
    col("category", Text, true, "Weak, Moderate or Strong"),
    col("momentum", Int, true, "pillar score 0-100"),
    col("value", Int, true, "pillar score 0-100"),
    col("quality", Int, true, "pillar score 0-100"),
    col("sentiment", Int, true, "pillar score 0-100"),
    col("metrics_available", Int, false, "metrics with data"),
    col("metrics_total", Int, false, "metrics configured"),
    col("config_hash", Text, false, "the score configuration: the provenance of a computed score"),
];

fn arrow_type(k: Kind) -> DataType {
    match k {
        Text => DataType::Utf8,
        Int => DataType::Int64,
        Float => DataType::Float64,
        Date => DataType::Date32,
        Instant => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        Flag => DataType::Boolean,
    }
}

/// The Arrow schema of a table, with each column's description as metadata.
pub fn schema(t: Table) -> Schema {
    schema_of(columns(t).0)
}

fn schema_of(cols: &[Column]) -> Schema {
    Schema::new(
        cols.iter()
            .map(|c| {
                Field::new(c.name.as_ref(), arrow_type(c.kind), c.nullable)
                    .with_metadata(HashMap::from([("description".to_string(), c.doc.to_string())]))
            })
            .collect::<Vec<_>>(),
    )
}

/// The score panel's columns: the scores, then each metric's raw value (as the
/// CSV panel has them), named by the metric's id.
pub fn score_columns(metric_ids: &[String]) -> Vec<Column> {
    let mut cols = SCORE_COLUMNS.to_vec();
    cols.extend(metric_ids.iter().map(|id| Column {
        name: Cow::Owned(id.clone()),
        kind: Float,
        nullable: true,
        doc: Cow::Owned(format!(
            "raw value of the metric {id}, before winsorising and ranking; null when it had no data"
        )),
    }));
    cols
}

/// The folder every stored file lives under (their longest common folder), so
/// an export can name files relative to it: the paths of the ingesting machine
/// stay out of the rows, and the root is said once, in each file's metadata
/// (`source_root`). Documents `sync` fetched are named by URL and stay whole.
pub fn source_root(store: &Store) -> Option<String> {
    let mut st = store.conn().prepare("SELECT path FROM sources WHERE path NOT LIKE 'http%://%'").ok()?;
    let paths = st.query_map([], |r| r.get::<_, String>(0)).ok()?;
    let mut root: Option<String> = None;
    for p in paths.flatten() {
        let dir = match p.rfind('/') {
            Some(i) => p[..i].to_string(),
            None => return None,
        };
        root = Some(match root {
            None => dir,
            Some(r) => {
                let common: Vec<&str> =
                    r.split('/').zip(dir.split('/')).take_while(|(a, b)| a == b).map(|(a, _)| a).collect();
                common.join("/")
            }
        });
    }
    root.filter(|r| !r.is_empty())
}

/// `path` relative to `root` when it lies under it.
fn relative<'a>(path: &'a str, root: Option<&str>) -> &'a str {
    root.and_then(|r| path.strip_prefix(r)).and_then(|rest| rest.strip_prefix('/')).unwrap_or(path)
}

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Date(Date32Builder),
    Instant(TimestampMicrosecondBuilder),
    Flag(BooleanBuilder),
}

impl Builder {
    fn new(k: Kind) -> Builder {
        match k {
            Text => Builder::Text(StringBuilder::new()),
            Int => Builder::Int(Int64Builder::with_capacity(BATCH_ROWS)),
            Float => Builder::Float(Float64Builder::with_capacity(BATCH_ROWS)),
            Date => Builder::Date(Date32Builder::with_capacity(BATCH_ROWS)),
            Instant => Builder::Instant(TimestampMicrosecondBuilder::with_capacity(BATCH_ROWS).with_timezone("UTC")),
            Flag => Builder::Flag(BooleanBuilder::with_capacity(BATCH_ROWS)),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Instant(b) => Arc::new(b.finish()),
            Builder::Flag(b) => Arc::new(b.finish()),
        }
    }
}

/// A typed value on its way into a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// No value.
    Null,
    /// Text as stored.
    Text(&'a str),
    /// An integer as stored.
    Int(i64),
    /// A float as stored.
    Float(f64),
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn date32(s: &str) -> Option<i32> {
    let d = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    i32::try_from((d - epoch()).num_days()).ok()
}

/// Microseconds since the epoch of an RFC 3339 instant (`Z` or an offset).
pub fn micros(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| t.timestamp_micros())
}

fn append(b: &mut Builder, c: &Column, v: Cell<'_>) -> Result<(), String> {
    if v == Cell::Null {
        if !c.nullable {
            return Err("null in a column that has no nulls".into());
        }
        match b {
            Builder::Text(b) => b.append_null(),
            Builder::Int(b) => b.append_null(),
            Builder::Float(b) => b.append_null(),
            Builder::Date(b) => b.append_null(),
            Builder::Instant(b) => b.append_null(),
            Builder::Flag(b) => b.append_null(),
        }
        return Ok(());
    }
    match (b, v) {
        (Builder::Text(b), Cell::Text(s)) => b.append_value(s),
        (Builder::Int(b), Cell::Int(i)) => b.append_value(i),
        (Builder::Float(b), Cell::Float(x)) => b.append_value(x),
        (Builder::Float(b), Cell::Int(i)) => b.append_value(i as f64),
        (Builder::Date(b), Cell::Text(s)) => b.append_value(date32(s).ok_or_else(|| format!("{s:?} is not a date"))?),
        (Builder::Instant(b), Cell::Text(s)) => {
            b.append_value(micros(s).ok_or_else(|| format!("{s:?} is not an RFC 3339 instant"))?)
        }
        (Builder::Flag(b), Cell::Int(i)) => b.append_value(i != 0),
        (_, v) => return Err(format!("{v:?} does not fit a {:?} column", c.kind)),
    }
    Ok(())
}

/// What was written for one table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Written {
    /// The table's name.
    pub table: &'static str,
    /// The file written.
    pub path: PathBuf,
    /// Rows in it.
    pub rows: usize,
    /// Its size.
    pub bytes: u64,
    /// How long it took.
    pub seconds: f64,
}

/// A complete Parquet file not yet in place: [`Staged::commit`] renames it to
/// its name; dropped uncommitted (an error elsewhere in the export), it is
/// removed, so a failed export leaves the folder as it was.
#[derive(Debug)]
pub struct Staged {
    partial: PathBuf,
    written: Option<Written>,
}

impl Staged {
    /// Puts the file in place under its name.
    pub fn commit(mut self) -> Result<Written, ExportError> {
        let written = self.written.take().expect("committed once");
        std::fs::rename(&self.partial, &written.path)
            .map_err(|source| ExportError::Io { path: written.path.clone(), source })?;
        let bytes = std::fs::metadata(&written.path).map(|m| m.len()).unwrap_or(written.bytes);
        Ok(Written { bytes, ..written })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.written.is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// Commits every staged file, or none when one cannot be written (the files
/// already renamed stay: a rename fails only for reasons outside the export).
pub fn commit_all(staged: Vec<Staged>) -> Result<Vec<Written>, ExportError> {
    staged.into_iter().map(Staged::commit).collect()
}

/// A Parquet file being written: batches of rows into `NAME.partial`; removed
/// if dropped before [`Sink::finish`] (an error, ENOSPC, a panic).
struct Sink {
    table: Table,
    columns: Vec<Column>,
    schema: Arc<Schema>,
    builders: Vec<Builder>,
    pending: usize,
    rows: usize,
    writer: Option<ArrowWriter<File>>,
    partial: PathBuf,
    path: PathBuf,
    started: Instant,
    done: bool,
}

impl Sink {
    #[cfg(test)]
    fn open(dir: &Path, table: Table) -> Result<Sink, ExportError> {
        Sink::create(dir.join(format!("{}.parquet", table.name())), table, columns(table).0.to_vec(), None)
    }

    /// A file of `table` with these columns; `root`, when given, is said in
    /// the file's metadata as `source_root`.
    fn create(path: PathBuf, table: Table, columns: Vec<Column>, root: Option<&str>) -> Result<Sink, ExportError> {
        let schema = Arc::new(schema_of(&columns));
        let mut partial = path.clone().into_os_string();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).map_err(|source| ExportError::Io { path: partial.clone(), source })?;
        let mut props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(concat!("alphadesk ", env!("CARGO_PKG_VERSION")).to_string());
        if let Some(r) = root {
            props = props.set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
                "source_root".to_string(),
                r.to_string(),
            )]));
        }
        let props = props.build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|source| ExportError::Parquet { table: table.name(), source })?;
        Ok(Sink {
            table,
            builders: columns.iter().map(|c| Builder::new(c.kind)).collect(),
            columns,
            schema,
            pending: 0,
            rows: 0,
            writer: Some(writer),
            partial,
            path,
            started: Instant::now(),
            done: false,
        })
    }

    fn push(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        for ((b, c), v) in self.builders.iter_mut().zip(&self.columns).zip(cells) {
            append(b, c, v.clone()).map_err(|why| ExportError::Value {
                table: self.table.name(),
                column: c.name.to_string(),
                row: self.rows + 1,
                why,
            })?;
        }
        self.pending += 1;
        self.rows += 1;
        if self.pending == BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        if self.pending == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)
            .map_err(|source| ExportError::Arrow { table: self.table.name(), source })?;
        let Some(writer) = self.writer.as_mut() else { unreachable!("no rows after finish") };
        writer.write(&batch).map_err(|source| ExportError::Parquet { table: self.table.name(), source })?;
        self.pending = 0;
        Ok(())
    }

    /// Closes the file, complete, still under its `.partial` name.
    fn finish(mut self) -> Result<Staged, ExportError> {
        self.flush()?;
        let table = self.table.name();
        let Some(writer) = self.writer.take() else { unreachable!("a sink is finished once") };
        writer.close().map_err(|source| ExportError::Parquet { table, source })?;
        let bytes = std::fs::metadata(&self.partial).map(|m| m.len()).unwrap_or(0);
        let staged = Staged {
            partial: self.partial.clone(),
            written: Some(Written {
                table,
                path: self.path.clone(),
                rows: self.rows,
                bytes,
                seconds: self.started.elapsed().as_secs_f64(),
            }),
        };
        self.done = true;
        Ok(staged)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if !self.done {
            drop(self.writer.take());
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// Writes one stored table (not `Scores`) with what was known by `as_of`, each
/// stored file named relative to `root` (see [`source_root`]), which the file's
/// metadata names. The file is staged: [`Staged::commit`] puts it in place.
pub fn write_table(
    store: &Store,
    dir: &Path,
    table: Table,
    as_of: NaiveDate,
    root: Option<&str>,
) -> Result<Staged, ExportError> {
    let (cols, sql) = columns(table);
    assert!(table != Table::Scores, "scores are computed, not stored: see write_scores");
    let store_err = |source: rusqlite::Error| ExportError::Store { table: table.name(), source: source.into() };
    let mut sink = Sink::create(dir.join(format!("{}.parquet", table.name())), table, cols.to_vec(), root)?;
    if table == Table::Facts {
        write_facts(store, &mut sink, sql, as_of, root)?;
        return sink.finish();
    }
    let mut st = store.conn().prepare(sql).map_err(store_err)?;
    let mut rows = st.query([as_of.to_string()]).map_err(store_err)?;
    while let Some(r) = rows.next().map_err(store_err)? {
        // Cells borrow the row's text: no copy of a body or a path per row.
        let mut cells: Vec<Cell<'_>> = Vec::with_capacity(cols.len());
        for (i, c) in cols.iter().enumerate() {
            cells.push(match r.get_ref(i).map_err(store_err)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(x) => Cell::Int(x),
                ValueRef::Real(x) => Cell::Float(x),
                ValueRef::Text(t) => {
                    let text = std::str::from_utf8(t).map_err(|e| ExportError::Value {
                        table: table.name(),
                        column: c.name.to_string(),
                        row: sink.rows + 1,
                        why: e.to_string(),
                    })?;
                    Cell::Text(if c.name == SOURCE_FILE { relative(text, root) } else { text })
                }
                ValueRef::Blob(_) => Cell::Null,
            });
        }
        sink.push(&cells)?;
    }
    sink.finish()
}

/// The facts filed by `as_of`, filer by filer (CIK order), each filer's by
/// concept, period end, filing date and then the order they were stored in.
fn write_facts(
    store: &Store,
    sink: &mut Sink,
    tickers_sql: &str,
    as_of: NaiveDate,
    root: Option<&str>,
) -> Result<(), ExportError> {
    use alphadesk_store::read;
    /// A fact's text, owned while its filer's facts are put in order.
    struct Row {
        key: (String, String, String, i64, usize),
        taxonomy: String,
        unit: String,
        start: Option<String>,
        value: f64,
        form: String,
        fy: Option<i64>,
        fp: Option<String>,
        frame: Option<String>,
        accn: String,
        path: String,
    }
    let store_err = |source| ExportError::Store { table: Table::Facts.name(), source };
    let conn = store.conn();
    let tickers: std::collections::HashMap<i64, String> = conn
        .prepare(tickers_sql)
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(|e: rusqlite::Error| store_err(e.into()))?;
    for cik in read::fact_filers(conn).map_err(store_err)? {
        let mut rows: Vec<Row> = Vec::new();
        read::filer_facts(
            conn,
            cik,
            |_| true,
            |f| {
                if f.filed <= as_of {
                    let t = &f.text;
                    rows.push(Row {
                        key: (t.concept.into(), t.end.into(), t.filed.into(), f.source_id, f.seq),
                        taxonomy: t.taxonomy.into(),
                        unit: t.unit.into(),
                        start: t.start.map(Into::into),
                        value: t.value,
                        form: t.form.into(),
                        fy: t.fy,
                        fp: t.fp.map(Into::into),
                        frame: t.frame.map(Into::into),
                        accn: t.accn.into(),
                        path: f.source_path.into(),
                    });
                }
            },
        )
        .map_err(store_err)?;
        rows.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        fn text(s: &Option<String>) -> Cell<'_> {
            s.as_deref().map_or(Cell::Null, Cell::Text)
        }
        for r in &rows {
            sink.push(&[
                Cell::Int(cik),
                tickers.get(&cik).map_or(Cell::Null, |t| Cell::Text(t)),
                Cell::Text(&r.taxonomy),
                Cell::Text(&r.key.0),
                Cell::Text(&r.unit),
                text(&r.start),
                Cell::Text(&r.key.1),
                Cell::Float(r.value),
                Cell::Text(&r.key.2),
                Cell::Text(&r.form),
                r.fy.map_or(Cell::Null, Cell::Int),
                text(&r.fp),
                text(&r.frame),
                Cell::Text(&r.accn),
                Cell::Text(relative(&r.path, root)),
            ])?;
        }
    }
    Ok(())
}

/// Writes score panels into `dir/scores.parquet`: every record of every date
/// given, in the order given, with the raw value of each of `metric_ids`. The
/// file is staged like [`write_table`]'s.
pub fn write_scores<'a>(
    dir: &Path,
    config_hash: &str,
    metric_ids: &[String],
    dates: impl IntoIterator<Item = &'a [ScoreRecord]>,
) -> Result<Staged, ExportError> {
    stage_scores(&dir.join("scores.parquet"), config_hash, metric_ids, dates, |_| true)
}

/// Writes score panels into one file (`score --history --out FILE.parquet`,
/// `GET /api/v1/panel`), keeping the records `keep` accepts.
pub fn write_scores_file<'a>(
    path: &Path,
    config_hash: &str,
    metric_ids: &[String],
    dates: impl IntoIterator<Item = &'a [ScoreRecord]>,
    keep: impl Fn(&ScoreRecord) -> bool,
) -> Result<Written, ExportError> {
    stage_scores(path, config_hash, metric_ids, dates, keep)?.commit()
}

/// A metric's raw value in a record, by id (none when not computed). Called
/// per metric per row of a panel: compares the id's name, allocating nothing.
pub fn raw_of(r: &ScoreRecord, id: &str) -> Option<f64> {
    r.metrics.iter().find(|m| m.id.name() == id).and_then(|m| m.raw)
}

fn stage_scores<'a>(
    path: &Path,
    config_hash: &str,
    metric_ids: &[String],
    dates: impl IntoIterator<Item = &'a [ScoreRecord]>,
    keep: impl Fn(&ScoreRecord) -> bool,
) -> Result<Staged, ExportError> {
    let mut sink = Sink::create(path.to_path_buf(), Table::Scores, score_columns(metric_ids), None)?;
    for records in dates {
        for r in records.iter().filter(|r| keep(r)) {
            let date = r.as_of.to_string();
            let pillar =
                |p: Pillar| r.pillars.get(&p).and_then(|s| s.score).map(|s| Cell::Int(s.into())).unwrap_or(Cell::Null);
            let mut cells = vec![
                Cell::Text(&date),
                Cell::Text(&r.ticker),
                Cell::Text(r.sector.name()),
                r.alpha_score.map(|s| Cell::Int(s.into())).unwrap_or(Cell::Null),
                r.category.map(|c| Cell::Text(c.word())).unwrap_or(Cell::Null),
                pillar(Pillar::Momentum),
                pillar(Pillar::Value),
                pillar(Pillar::Quality),
                pillar(Pillar::Sentiment),
                Cell::Int(r.coverage.metrics_available as i64),
                Cell::Int(r.coverage.metrics_total as i64),
                Cell::Text(config_hash),
            ];
            cells.extend(metric_ids.iter().map(|id| raw_of(r, id).map(Cell::Float).unwrap_or(Cell::Null)));
            sink.push(&cells)?;
        }
    }
    sink.finish()
}

/// The score panel as CSV: a row per record (date, ticker, sector, scores,
/// coverage as a fraction) and each metric's raw value; the rows written.
pub fn write_scores_csv<'a>(
    w: &mut impl std::io::Write,
    metric_ids: &[String],
    dates: impl IntoIterator<Item = &'a [ScoreRecord]>,
    keep: impl Fn(&ScoreRecord) -> bool,
) -> std::io::Result<usize> {
    write!(w, "date,ticker,sector,alpha_score,momentum,value,quality,sentiment,coverage")?;
    for m in metric_ids {
        write!(w, ",{m}")?;
    }
    writeln!(w)?;
    let opt = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut rows = 0;
    for records in dates {
        for r in records.iter().filter(|r| keep(r)) {
            let p = |q: Pillar| opt(r.pillars.get(&q).and_then(|s| s.score));
            write!(
                w,
                "{},{},\"{}\",{},{},{},{},{},{:.4}",
                r.as_of,
                r.ticker,
                r.sector,
                opt(r.alpha_score),
                p(Pillar::Momentum),
                p(Pillar::Value),
                p(Pillar::Quality),
                p(Pillar::Sentiment),
                r.coverage.fraction
            )?;
            for id in metric_ids {
                match raw_of(r, id) {
                    Some(v) => write!(w, ",{v}")?,
                    None => write!(w, ",")?,
                }
            }
            writeln!(w)?;
            rows += 1;
        }
    }
    Ok(rows)
}

/// Removes partial files a killed export left (the complete files stay).
pub fn clean_partials(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "partial") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn an_export_that_fails_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scores.parquet"), b"the previous export").unwrap();
        let before = names(dir.path());
        // A file written whole but not committed (another table failed), and one
        // dropped half-written (an error or ENOSPC mid-table): both leave nothing.
        {
            let staged = write_scores(dir.path(), "cfg", &[], std::iter::empty::<&[ScoreRecord]>()).unwrap();
            let mut half = Sink::open(dir.path(), Table::Prices).unwrap();
            half.flush().unwrap();
            assert!(names(dir.path()).iter().any(|n| n.ends_with(".partial")));
            drop(half);
            drop(staged);
        }
        assert_eq!(names(dir.path()), before);
        assert_eq!(std::fs::read(dir.path().join("scores.parquet")).unwrap(), b"the previous export");
        // Committed, the new file takes the old one's place and no partial remains.
        let written =
            commit_all(vec![write_scores(dir.path(), "cfg", &[], std::iter::empty::<&[ScoreRecord]>()).unwrap()])
                .unwrap();
        assert_eq!(written[0].rows, 0);
        assert_eq!(names(dir.path()), before);
        assert_ne!(std::fs::read(dir.path().join("scores.parquet")).unwrap(), b"the previous export");
    }

    #[test]
    fn dates_and_instants_convert_exactly() {
        assert_eq!(date32("1970-01-01"), Some(0));
        assert_eq!(date32("2018-04-30"), Some(17651));
        assert_eq!(date32("2018-02-30"), None);
        assert_eq!(micros("1970-01-01T00:00:01Z"), Some(1_000_000));
        assert_eq!(micros("2013-06-03T14:22:00-04:00"), micros("2013-06-03T18:22:00+00:00"));
        assert_eq!(micros("yesterday"), None);
    }

    #[test]
    fn every_table_has_a_schema_and_a_name_that_parses_back() {
        for t in Table::ALL {
            assert_eq!(t.name().parse::<Table>().unwrap(), t);
            let s = schema(t);
            assert!(!s.fields().is_empty());
            for f in s.fields() {
                assert!(!f.metadata()["description"].is_empty(), "{}.{}", t.name(), f.name());
            }
            // Provenance: a stored table names its source file, or (scores) the config.
            assert!(
                s.field_with_name("source_file").is_ok()
                    || s.field_with_name("config_hash").is_ok()
                    || t == Table::Links
                    || t == Table::Securities
            );
        }
        assert!("nope".parse::<Table>().is_err());
    }

    #[test]
    fn a_value_that_does_not_fit_names_its_column_and_row() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = Sink::open(dir.path(), Table::Scores).unwrap();
        let mut cells = vec![Cell::Text("2018-04-30"); SCORE_COLUMNS.len()];
        cells[0] = Cell::Text("not a date");
        let e = sink.push(&cells).unwrap_err().to_string();
        assert!(e.contains("scores: column as_of, row 1"), "{e}");
        // Nothing under the real name: the partial file is all there is.
        assert!(!dir.path().join("scores.parquet").exists());
    }
}
