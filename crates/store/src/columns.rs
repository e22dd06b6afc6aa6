//! The columnar price cache (`price_columns`): each ticker's closes as packed
//! little-endian arrays, rebuilt from `prices` whenever a price file is written.
//!
//! It is derived data with one source of truth: `prices` holds the rows with their
//! provenance, and this table is rewritten from it inside the same transaction, so
//! the two can never disagree in a committed store.

use alphadesk_model::NaiveDate;
use rusqlite::{params, Connection};

use crate::StoreError;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// Rewrites the cached columns of `ticker` from its rows in `prices`.
pub(crate) fn rebuild(conn: &Connection, ticker: &str) -> Result<(), StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT date, close, adj_close, line, source_id, flag FROM prices WHERE ticker = ?1 ORDER BY date",
    )?;
    let (mut dates, mut close, mut adj, mut lines, mut sources) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut flags: std::collections::BTreeMap<String, String> = Default::default();
    let mut n = 0i64;
    let mut rows = st.query([ticker])?;
    while let Some(r) = rows.next()? {
        let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let d = alphadesk_model::parse_date(text).ok_or_else(|| StoreError::Invalid {
            path: "prices".into(),
            message: format!("stored date {text:?} of {ticker} is not a date"),
        })?;
        let flag: Option<serde_json::Value> =
            r.get::<_, Option<String>>(5)?.and_then(|f| serde_json::from_str(&f).ok());
        // A bad print stays in `prices` as read, and out of every metric.
        let bad = flag.as_ref().is_some_and(|f| f["kind"] == "bad_print");
        if let Some(note) = flag.as_ref().and_then(|f| f["note"].as_str()) {
            flags.insert(n.to_string(), note.to_string());
        }
        let value = |v: Option<f64>| if bad { f64::NAN } else { v.unwrap_or(f64::NAN) };
        dates.extend_from_slice(&((d - epoch()).num_days() as i32).to_le_bytes());
        close.extend_from_slice(&value(r.get(1)?).to_le_bytes());
        adj.extend_from_slice(&value(r.get(2)?).to_le_bytes());
        lines.extend_from_slice(&(r.get::<_, i64>(3)? as u32).to_le_bytes());
        sources.extend_from_slice(&(r.get::<_, i64>(4)? as u32).to_le_bytes());
        n += 1;
    }
    conn.execute(
        "INSERT OR REPLACE INTO price_columns (ticker, n, dates, close, adj, lines, sources, flags)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![ticker, n, dates, close, adj, lines, sources, serde_json::to_string(&flags).unwrap_or_default()],
    )?;
    Ok(())
}

/// Rebuilds every ticker's columns (after a migration, or after rows were deleted).
pub(crate) fn rebuild_all(conn: &Connection) -> Result<(), StoreError> {
    let tickers: Vec<String> =
        conn.prepare("SELECT DISTINCT ticker FROM prices")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    conn.execute("DELETE FROM price_columns", [])?;
    for t in tickers {
        rebuild(conn, &t)?;
    }
    Ok(())
}

/// One ticker's closes as arrays, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceColumns {
    pub ticker: String,
    pub dates: Vec<NaiveDate>,
    pub close: Vec<f64>,
    pub adj: Vec<f64>,
    pub lines: Vec<i64>,
    /// The stored file each row came from (a `sources` id).
    pub sources: Vec<i64>,
    /// What the ingest found wrong with a row, by row index.
    pub flags: std::collections::BTreeMap<usize, String>,
}

/// Every ticker's cached columns, whole.
pub fn all(conn: &Connection) -> Result<Vec<PriceColumns>, StoreError> {
    Ok(since(conn, None)?.series)
}

/// What [`since`] reads: the rows of a window, and what is known of the whole
/// history without decoding it.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Each ticker's rows dated on or after the window's first day, in ticker order.
    pub series: Vec<PriceColumns>,
    pub history: History,
}

/// The trading calendar (every day any ticker has a row, ascending) and each
/// ticker's first and last stored day, over the whole stored history.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub calendar: Vec<NaiveDate>,
    pub spans: std::collections::HashMap<String, (NaiveDate, NaiveDate)>,
}

/// Builds a [`History`] from each ticker's packed dates: the days any ticker
/// has a row kept as a bitmap (one pass, no sort, whatever the number of
/// tickers), and each ticker's first and last.
#[derive(Default)]
struct HistoryBuilder {
    first: i32,
    bits: Vec<bool>,
    spans: std::collections::HashMap<String, (NaiveDate, NaiveDate)>,
}

impl HistoryBuilder {
    fn add(&mut self, ticker: &str, days: &[u8]) {
        let Some(last) = (days.len() / 4).checked_sub(1) else { return };
        let (Some(a), Some(b)) = (day_at(days, 0), day_at(days, last)) else { return };
        self.spans.insert(ticker.to_string(), (day(a), day(b)));
        if self.bits.is_empty() {
            self.first = a;
        }
        if a < self.first {
            let mut grown = vec![false; (self.first - a) as usize];
            grown.append(&mut self.bits);
            self.bits = grown;
            self.first = a;
        }
        let need = (b - self.first + 1) as usize;
        if self.bits.len() < need {
            self.bits.resize(need, false);
        }
        for c in days.chunks_exact(4) {
            let d = i32::from_le_bytes(c.try_into().expect("4 bytes"));
            self.bits[(d - self.first) as usize] = true;
        }
    }

    fn finish(self) -> History {
        let calendar = (0..self.bits.len()).filter(|&i| self.bits[i]).map(|i| day(self.first + i as i32)).collect();
        History { calendar, spans: self.spans }
    }
}

/// The index of the first packed day on or after `first` (days ascend).
fn first_on_or_after(days: &[u8], first: i32) -> usize {
    let (mut a, mut b) = (0usize, days.len() / 4);
    while a < b {
        let mid = (a + b) / 2;
        if day_at(days, mid).is_some_and(|d| d < first) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    a
}

fn day_at(days: &[u8], i: usize) -> Option<i32> {
    days.get(i * 4..i * 4 + 4).map(|c| i32::from_le_bytes(c.try_into().expect("4 bytes")))
}

fn day(d: i32) -> NaiveDate {
    epoch() + chrono::Duration::days(d as i64)
}

/// The calendar and every ticker's first and last day, reading only the dates
/// column (SQLite stops reading a row at the last column asked for).
pub fn history(conn: &Connection) -> Result<History, StoreError> {
    let mut st = conn.prepare("SELECT ticker, n, dates FROM price_columns ORDER BY ticker")?;
    let mut rows = st.query([])?;
    let mut history = HistoryBuilder::default();
    while let Some(r) = rows.next()? {
        let ticker: String = r.get(0)?;
        let n: i64 = r.get(1)?;
        history.add(&ticker, blob(r, 2, n, 4, &ticker)?);
    }
    Ok(history.finish())
}

fn blob<'r>(r: &'r rusqlite::Row<'_>, i: usize, n: i64, width: usize, ticker: &str) -> Result<&'r [u8], StoreError> {
    let b = r.get_ref(i)?.as_blob().map_err(rusqlite::Error::from)?;
    if b.len() != n as usize * width {
        return Err(StoreError::Invalid {
            path: "price_columns".into(),
            message: format!("{ticker}: column {i} holds {} bytes for {n} rows", b.len()),
        });
    }
    Ok(b)
}

/// Every ticker's rows dated on or after `first` (all of them without one),
/// with the calendar and spans of the whole history. Only the rows kept are
/// decoded: a window's load costs the window, plus one pass over the dates.
pub fn since(conn: &Connection, first: Option<NaiveDate>) -> Result<Columns, StoreError> {
    let mut st =
        conn.prepare("SELECT ticker, n, dates, close, adj, lines, sources, flags FROM price_columns ORDER BY ticker")?;
    let (mut series, mut history) = (Vec::new(), HistoryBuilder::default());
    let from = first.map(|d| (d - epoch()).num_days() as i32);
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let ticker: String = r.get(0)?;
        let n: i64 = r.get(1)?;
        let days = blob(r, 2, n, 4, &ticker)?;
        history.add(&ticker, days);
        let lo = from.map_or(0, |f| first_on_or_after(days, f));
        let f64s = |b: &[u8]| -> Vec<f64> {
            b[lo * 8..].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect()
        };
        let u32s = |b: &[u8]| -> Vec<i64> {
            b[lo * 4..].chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")) as i64).collect()
        };
        let dates =
            days[lo * 4..].chunks_exact(4).map(|c| day(i32::from_le_bytes(c.try_into().expect("4 bytes")))).collect();
        let close = f64s(blob(r, 3, n, 8, &ticker)?);
        let adj = f64s(blob(r, 4, n, 8, &ticker)?);
        let lines = u32s(blob(r, 5, n, 4, &ticker)?);
        let sources = u32s(blob(r, 6, n, 4, &ticker)?);
        let flags: std::collections::BTreeMap<String, String> =
            serde_json::from_str(r.get_ref(7)?.as_str().map_err(rusqlite::Error::from)?).unwrap_or_default();
        // Flags are keyed by row index in the whole series; re-based on the window.
        let flags =
            flags.into_iter().filter_map(|(k, v)| Some((k.parse::<usize>().ok()?.checked_sub(lo)?, v))).collect();
        series.push(PriceColumns { ticker, dates, close, adj, lines, sources, flags });
    }
    Ok(Columns { series, history: history.finish() })
}
