//! The change log: which sync stored which sources, and what those sources
//! brought. A run is recorded only when it stored something; what it brought
//! is read back from its sources' rows (filings, insider trades, articles), so
//! the log can never disagree with the data it describes.

use alphadesk_model::{parse_date, NaiveDate};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{Store, StoreError};

/// Where the store stood before a sync: its last source and last close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncMark {
    last_source: i64,
    latest: Option<NaiveDate>,
}

/// One sync that stored something.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SyncRun {
    pub id: i64,
    /// When it finished (RFC 3339, UTC).
    pub finished_at: String,
    /// Which source: sec, prices or news.
    pub what: String,
    pub first_source: i64,
    pub last_source: i64,
    /// The last close in the store before and after it.
    pub latest_before: Option<NaiveDate>,
    pub latest_after: Option<NaiveDate>,
}

/// A filing a sync brought (from a company's submissions).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NewFiling {
    pub accession: String,
    pub cik: i64,
    pub form: String,
    pub filed: NaiveDate,
}

/// An open-market insider trade (code P or S) a sync brought.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NewTrade {
    pub accession: Option<String>,
    pub issuer_cik: Option<i64>,
    pub issuer_ticker: Option<String>,
    pub owner: Option<String>,
    pub code: alphadesk_model::TradeCode,
    pub shares: Option<f64>,
    pub price: Option<f64>,
    pub filed: Option<NaiveDate>,
}

/// An article a sync brought, with the companies the news stage linked it to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NewArticle {
    pub title: String,
    pub url: Option<String>,
    pub known: NaiveDate,
    pub tickers: Vec<String>,
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.as_deref().and_then(parse_date)
}

impl Store {
    /// Where the store stands now (taken before a sync, compared after it).
    pub fn sync_mark(&self) -> Result<SyncMark, StoreError> {
        let last_source: i64 = self.conn.query_row("SELECT ifnull(max(id), 0) FROM sources", [], |r| r.get(0))?;
        let latest: Option<String> =
            self.conn.query_row("SELECT max(last_date) FROM price_series", [], |r| r.get(0))?;
        Ok(SyncMark { last_source, latest: date(latest) })
    }

    /// Records a `what` sync that started at `before`, if it stored any source.
    pub fn log_sync(&self, what: &str, before: &SyncMark) -> Result<Option<SyncRun>, StoreError> {
        let after = self.sync_mark()?;
        if after.last_source <= before.last_source {
            return Ok(None);
        }
        let finished_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.conn.execute(
            "INSERT INTO sync_runs (finished_at, what, first_source, last_source, latest_before, latest_after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                finished_at,
                what,
                before.last_source + 1,
                after.last_source,
                before.latest.map(|d| d.to_string()),
                after.latest.map(|d| d.to_string())
            ],
        )?;
        Ok(Some(SyncRun {
            id: self.conn.last_insert_rowid(),
            finished_at,
            what: what.into(),
            first_source: before.last_source + 1,
            last_source: after.last_source,
            latest_before: before.latest,
            latest_after: after.latest,
        }))
    }

    /// The runs that finished on or after `since` (a day, UTC), oldest first;
    /// without it, the last run only.
    pub fn sync_runs(&self, since: Option<NaiveDate>) -> Result<Vec<SyncRun>, StoreError> {
        let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<SyncRun> {
            Ok(SyncRun {
                id: r.get(0)?,
                finished_at: r.get(1)?,
                what: r.get(2)?,
                first_source: r.get(3)?,
                last_source: r.get(4)?,
                latest_before: date(r.get(5)?),
                latest_after: date(r.get(6)?),
            })
        };
        const COLUMNS: &str = "id, finished_at, what, first_source, last_source, latest_before, latest_after";
        Ok(match since {
            Some(d) => self
                .conn
                .prepare(&format!("SELECT {COLUMNS} FROM sync_runs WHERE finished_at >= ?1 ORDER BY id"))?
                .query_map([d.to_string()], row)?
                .collect::<Result<_, _>>()?,
            None => self
                .conn
                .query_row(&format!("SELECT {COLUMNS} FROM sync_runs ORDER BY id DESC LIMIT 1"), [], row)
                .optional()?
                .into_iter()
                .collect(),
        })
    }

    /// The filings stored from the run's sources, newest filing first.
    pub fn filings_of_run(&self, run: &SyncRun) -> Result<Vec<NewFiling>, StoreError> {
        let mut st = self.conn.prepare_cached(FILINGS_OF_RUN)?;
        let rows = st.query_map([run.first_source, run.last_source], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (accession, cik, form, filed) = row?;
            if let Some(filed) = parse_date(&filed) {
                out.push(NewFiling { accession, cik, form, filed });
            }
        }
        Ok(out)
    }

    /// The open-market trades (P, S) stored from the run's sources.
    pub fn trades_of_run(&self, run: &SyncRun) -> Result<Vec<NewTrade>, StoreError> {
        let mut st = self.conn.prepare_cached(TRADES_OF_RUN)?;
        let rows = st.query_map([run.first_source, run.last_source], |r| {
            Ok(NewTrade {
                accession: r.get(0)?,
                issuer_cik: r.get(1)?,
                issuer_ticker: r.get(2)?,
                owner: r.get(3)?,
                code: r.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?.parse().map_err(
                    |e: alphadesk_model::InvalidValue| {
                        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
                    },
                )?,
                shares: r.get(5)?,
                price: r.get(6)?,
                filed: date(r.get(7)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The articles stored from the run's sources, with their linked tickers.
    pub fn articles_of_run(&self, run: &SyncRun) -> Result<Vec<NewArticle>, StoreError> {
        let mut st = self.conn.prepare_cached(ARTICLES_OF_RUN)?;
        let rows = st.query_map([run.first_source, run.last_source], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (title, url, known, tickers) = row?;
            let Some(known) = parse_date(&known) else { continue };
            let mut tickers: Vec<String> =
                tickers.map(|t| t.split(',').map(str::to_string).collect()).unwrap_or_default();
            tickers.sort();
            out.push(NewArticle { title, url, known, tickers });
        }
        Ok(out)
    }
}

pub(crate) const FILINGS_OF_RUN: &str =
    "SELECT accession, cik, form, filed FROM filings WHERE source_id BETWEEN ?1 AND ?2 ORDER BY filed DESC, accession";
pub(crate) const TRADES_OF_RUN: &str = "SELECT r.accession, r.issuer_cik, r.issuer_ticker,
                    (SELECT o.name FROM insider_owners o WHERE o.report_id = r.id ORDER BY o.seq LIMIT 1),
                    t.code, t.shares, t.price, r.filed
             FROM insider_reports r JOIN insider_transactions t ON t.report_id = r.id
             WHERE r.source_id BETWEEN ?1 AND ?2 AND t.kind = 'transaction' AND t.code IN ('P', 'S')
             ORDER BY r.filed DESC, r.id, t.seq";
pub(crate) const ARTICLES_OF_RUN: &str = "SELECT d.title, d.url, d.known_date,
                    (SELECT group_concat(s.ticker, ',') FROM news_signals s WHERE s.document_id = d.id)
             FROM documents d WHERE d.source_id BETWEEN ?1 AND ?2 AND d.kind = 'article'
             ORDER BY d.known_date DESC, d.id";
