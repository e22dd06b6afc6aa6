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

/// Every ticker's cached columns.
pub fn all(conn: &Connection) -> Result<Vec<PriceColumns>, StoreError> {
    let mut st =
        conn.prepare("SELECT ticker, n, dates, close, adj, lines, sources, flags FROM price_columns ORDER BY ticker")?;
    let mut out = Vec::new();
    let mut rows = st.query([])?;
    let e = epoch();
    while let Some(r) = rows.next()? {
        let ticker: String = r.get(0)?;
        let n: i64 = r.get(1)?;
        let blob = |i: usize, width: usize| -> Result<&[u8], StoreError> {
            let b = r.get_ref(i)?.as_blob().map_err(rusqlite::Error::from)?;
            if b.len() != n as usize * width {
                return Err(StoreError::Invalid {
                    path: "price_columns".into(),
                    message: format!("{ticker}: column {i} holds {} bytes for {n} rows", b.len()),
                });
            }
            Ok(b)
        };
        let f64s = |b: &[u8]| b.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
        let dates = blob(2, 4)?
            .chunks_exact(4)
            .map(|c| e + chrono::Duration::days(i32::from_le_bytes(c.try_into().expect("4 bytes")) as i64))
            .collect();
        let close = f64s(blob(3, 8)?);
        let adj = f64s(blob(4, 8)?);
        let u32s =
            |b: &[u8]| b.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")) as i64).collect();
        let lines = u32s(blob(5, 4)?);
        let sources = u32s(blob(6, 4)?);
        let flags: std::collections::BTreeMap<String, String> =
            serde_json::from_str(r.get_ref(7)?.as_str().map_err(rusqlite::Error::from)?).unwrap_or_default();
        let flags = flags.into_iter().filter_map(|(k, v)| Some((k.parse().ok()?, v))).collect();
        out.push(PriceColumns { ticker, dates, close, adj, lines, sources, flags });
    }
    Ok(out)
}
