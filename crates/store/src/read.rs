//! Point-in-time reads.
//!
//! Every query that can feed a score takes the as-of date and filters on the date a
//! record became *known*: `filed` for XBRL facts and filings, the filing date for
//! insider and 13F reports, the bar's own date for prices (known at its close), and
//! period end plus a documented lag for table rows that carry no filing date.

use std::collections::HashMap;

use alphadesk_model::{parse_date, Cik, Manager, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::StoreError;

fn shown_path<S: serde::Serializer>(path: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&alphadesk_model::display_path(path))
}

/// Where a stored value came from, precisely enough to open the file and find it.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct SourceRef {
    /// The stored path; answers show it as [`alphadesk_model::display_path`]
    /// does (no machine's directory layout leaves the server).
    #[serde(serialize_with = "shown_path")]
    pub path: String,
    /// Accession number for SEC records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accession: Option<String>,
    /// 1-based line for line-oriented files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Security {
    pub ticker: String,
    pub name: Option<String>,
    pub cik: Option<i64>,
    pub sector: Option<String>,
    pub industry: Option<String>,
    pub exchange: Option<String>,
    pub sic: Option<i64>,
    pub fiscal_year_end: Option<String>,
    /// Other tickers of the same filer (share classes).
    pub share_classes: Vec<String>,
}

/// The securities master's choice among listing claims for the tickers `rows`
/// yields (a SQL row source with a `ticker` column), as the `securities` view
/// makes it: each field from the highest-priority listing that has it. Written out
/// per query because the view groups every listing and cannot use the ticker
/// index. Columns: ticker, name, cik, sector, industry, exchange, sic,
/// fiscal_year_end, then `extra`.
fn master_sql(rows: &str, extra: &str) -> String {
    let pick = |field: &str| {
        format!(
            "(SELECT {field} FROM listings l WHERE l.ticker = t.ticker AND {field} IS NOT NULL ORDER BY priority, source_id LIMIT 1) AS {field}"
        )
    };
    format!(
        "WITH b AS (SELECT t.*, {}, {}, {}, {}, {} FROM ({rows}) t)
         SELECT b.ticker, b.name, b.cik, b.sector, b.industry, b.exchange, c.sic, c.fiscal_year_end{extra}
         FROM b LEFT JOIN companies c ON c.cik = b.cik ORDER BY b.ticker",
        pick("name"),
        pick("cik"),
        pick("sector"),
        pick("industry"),
        pick("exchange")
    )
}

fn security_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Security> {
    Ok(Security {
        ticker: r.get(0)?,
        name: r.get(1)?,
        cik: r.get(2)?,
        sector: r.get(3)?,
        industry: r.get(4)?,
        exchange: r.get(5)?,
        sic: r.get(6)?,
        fiscal_year_end: r.get(7)?,
        share_classes: Vec::new(),
    })
}

/// A ticker known from a listing or, failing that, from a price series.
pub fn security(conn: &Connection, ticker: &str) -> Result<Option<Security>, StoreError> {
    let t = ticker.trim().to_ascii_uppercase();
    let sql = master_sql(
        "SELECT ?1 AS ticker WHERE EXISTS (SELECT 1 FROM listings WHERE ticker = ?1)
            OR EXISTS (SELECT 1 FROM price_series WHERE ticker = ?1)",
        "",
    );
    let Some(mut sec) = conn.prepare_cached(&sql)?.query_row([&t], security_row).optional()? else {
        return Ok(None);
    };
    if let Some(cik) = sec.cik {
        let mut st = conn
            .prepare_cached("SELECT DISTINCT ticker FROM listings WHERE cik = ?1 AND ticker <> ?2 ORDER BY ticker")?;
        sec.share_classes = st.query_map(params![cik, sec.ticker], |r| r.get(0))?.collect::<Result<_, _>>()?;
    }
    Ok(Some(sec))
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredFact {
    pub taxonomy: String,
    pub concept: String,
    pub unit: String,
    pub start: Option<NaiveDate>,
    pub end: NaiveDate,
    pub value: f64,
    pub accn: String,
    pub fy: Option<i64>,
    pub fp: Option<String>,
    pub form: String,
    pub filed: NaiveDate,
    pub frame: Option<String>,
    pub source_path: String,
}

fn date_col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    // Borrow the text: a date per price row is read half a million times per load.
    Ok(r.get_ref(i)?.as_str_or_null().map_err(rusqlite::Error::from)?.and_then(parse_date))
}

/// A document's kind as stored (`article` or `post`).
fn doc_kind(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<alphadesk_model::DocKind> {
    r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?.parse().map_err(|e: alphadesk_model::InvalidValue| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn req_date(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    date_col(r, i)?.ok_or_else(|| rusqlite::Error::InvalidColumnType(i, "date".into(), rusqlite::types::Type::Text))
}

pub use crate::fact_sets::FactRow;

/// A filer's fact as [`filer_facts`] hands it over: its text as stored, its
/// dates read, and where it came from.
pub struct FilerFact<'a> {
    /// As stored (`start` and `frame` none where stated empty).
    pub text: FactRow<'a>,
    pub start: Option<NaiveDate>,
    pub end: NaiveDate,
    pub filed: NaiveDate,
    pub source_id: i64,
    /// Its place in its source.
    pub seq: usize,
    pub source_path: &'a str,
}

impl FilerFact<'_> {
    fn stored(&self) -> ((NaiveDate, i64, usize), StoredFact) {
        let t = &self.text;
        let fact = StoredFact {
            taxonomy: t.taxonomy.to_string(),
            concept: t.concept.to_string(),
            unit: t.unit.to_string(),
            start: self.start,
            end: self.end,
            value: t.value,
            accn: t.accn.to_string(),
            fy: t.fy,
            fp: t.fp.map(str::to_string),
            form: t.form.to_string(),
            filed: self.filed,
            frame: t.frame.map(str::to_string),
            source_path: self.source_path.to_string(),
        };
        ((self.filed, self.source_id, self.seq), fact)
    }
}

/// Facts keyed by (filed, source, place in it), in that order: the order the
/// table of rows gave them in.
fn in_filing_order(mut keyed: Vec<((NaiveDate, i64, usize), StoredFact)>) -> Vec<StoredFact> {
    keyed.sort_unstable_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// Every stored fact of `cik`, oldest filing first (by source and place in
/// it where filed the same day).
pub fn facts_of_filer(conn: &Connection, cik: i64) -> Result<Vec<StoredFact>, StoreError> {
    let mut out = Vec::new();
    filer_facts(conn, cik, |_| true, |f| out.push(f.stored()))?;
    Ok(in_filing_order(out))
}

/// Every filer with stored facts, in CIK order.
pub fn fact_filers(conn: &Connection) -> Result<Vec<i64>, StoreError> {
    let mut st = conn.prepare_cached("SELECT DISTINCT cik FROM fact_sets ORDER BY cik")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A filer's stored sets, oldest source first.
pub(crate) const FACT_SETS_OF: &str = "SELECT source_id, encoded FROM fact_sets WHERE cik = ?1 ORDER BY source_id";

/// Hands `each` every stored fact of `cik` whose concept is `wanted`, source
/// by source and in each source's order (a filer's sets never overlap: see
/// fact_sets.rs). Each set's strings are tested and its dates read once each.
pub fn filer_facts(
    conn: &Connection,
    cik: i64,
    wanted: impl Fn(&str) -> bool,
    mut each: impl FnMut(&FilerFact<'_>),
) -> Result<(), StoreError> {
    use crate::fact_sets::FactSet;
    let mut st = conn.prepare_cached(FACT_SETS_OF)?;
    let mut rows = st.query([cik])?;
    while let Some(r) = rows.next()? {
        let source_id: i64 = r.get(0)?;
        let name = format!("source {source_id}");
        let set = FactSet::decode(r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?, &name)?;
        let path = source_path(conn, source_id)?.unwrap_or_default();
        let keep: Vec<bool> = set.strings.iter().map(|s| wanted(s)).collect();
        let mut dates: Vec<Option<Option<NaiveDate>>> = vec![None; set.strings.len()];
        let damaged = |why: &str| StoreError::Damaged { what: format!("the stored facts of {name}"), why: why.into() };
        // `start` and `frame` stated empty are none, as the rows had them.
        let stated = |o: Option<u32>| o.filter(|&i| !set.strings[i as usize].is_empty());
        for (seq, coded) in set.coded().enumerate() {
            let c = coded.ok_or_else(|| damaged("the set ends early"))?;
            if !keep[c.concept as usize] {
                continue;
            }
            let row = set.row(&c);
            let mut date = |i: u32| *dates[i as usize].get_or_insert_with(|| parse_date(set.strings[i as usize]));
            let (start_id, frame_id) = (stated(c.start), stated(c.frame));
            let fact = FilerFact {
                text: FactRow {
                    start: start_id.map(|i| set.strings[i as usize]),
                    frame: frame_id.map(|i| set.strings[i as usize]),
                    ..row
                },
                start: start_id.and_then(&mut date),
                end: date(c.end).ok_or_else(|| damaged("a period end that is not a date"))?,
                filed: date(c.filed).ok_or_else(|| damaged("a filing date that is not a date"))?,
                source_id,
                seq,
                source_path: &path,
            };
            each(&fact);
        }
    }
    Ok(())
}

/// Stock splits of a filer from XBRL (`StockholdersEquityNoteStockSplitConversionRatio1`),
/// by effective date. These are *not* filtered by filing date: they are used only to
/// undo the split adjustment already baked into an adjusted price file, which itself
/// encodes every split up to its basis date. See docs/fundamentals.md.
pub fn splits(conn: &Connection, cik: i64) -> Result<Vec<Split>, StoreError> {
    // Grouped here rather than joined and grouped in SQL: with a join, SQLite
    // (STAT4) re-plans the statement for every filer, and a window's load asks
    // this of each one.
    const RATIOS: [&str; 2] =
        ["StockholdersEquityNoteStockSplitConversionRatio1", "StockholdersEquityNoteStockSplitConversionRatio"];
    // (end, ratio) -> (least accession, its sources)
    let mut by: std::collections::BTreeMap<(NaiveDate, u64), (String, Vec<i64>)> = Default::default();
    filer_facts(
        conn,
        cik,
        |c| RATIOS.contains(&c),
        |f| {
            if f.text.value > 0.0 {
                let e =
                    by.entry((f.end, f.text.value.to_bits())).or_insert_with(|| (f.text.accn.to_string(), Vec::new()));
                if f.text.accn < e.0.as_str() {
                    e.0 = f.text.accn.to_string();
                }
                e.1.push(f.source_id);
            }
        },
    )?;
    let mut out: Vec<Split> = Vec::with_capacity(by.len());
    for ((effective, ratio), (accn, sources)) in by {
        let mut path: Option<String> = None;
        for id in sources {
            if let Some(p) = source_path(conn, id)?.filter(|p| path.as_ref().is_none_or(|least| p < least)) {
                path = Some(p);
            }
        }
        let ratio = f64::from_bits(ratio);
        // One split reported at two dates (Alphabet's 20-for-1: at its approval,
        // 2022-02-01, and when it took effect, 2022-07-15) is one split in the
        // window between them, not two that would multiply.
        if let Some(same) =
            out.iter_mut().find(|s| s.ratio == ratio && (effective - s.effective).num_days() <= SAME_SPLIT_DAYS)
        {
            same.evidence = format!("{} and at {effective} ({accn})", same.evidence);
            same.effective = same.effective.max(effective);
            continue;
        }
        out.push(Split {
            after: effective.pred_opt().unwrap_or(effective),
            effective,
            evidence: format!("XBRL StockholdersEquityNoteStockSplitConversionRatio1 at {effective} ({accn})"),
            ratio,
            source: SourceRef { path: path.unwrap_or_default(), accession: Some(accn), line: None },
        });
    }
    Ok(out)
}

/// The longest run of days with no session (a Friday holiday and the weekend
/// before a Monday one: four days).
const MARKET_CLOSED_DAYS: i64 = 4;

/// Split-ratio facts of one ratio this close together describe one split.
const SAME_SPLIT_DAYS: i64 = 200;

/// A split or dividend a price source stated, citing the answer and its row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StatedAction {
    /// The ex-date: the first day the stock traded without it.
    pub date: NaiveDate,
    pub kind: alphadesk_model::ActionKind,
    /// New shares per old share for a split; cash per share for a dividend.
    pub value: f64,
    pub source: SourceRef,
}

/// What a ticker's price sources state about its corporate actions: each
/// action, and the days their answers vouch for. A day inside a span with no
/// split stated had none, by the source's word.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct StatedActions {
    pub actions: Vec<StatedAction>,
    /// First and last day of each answer that stated actions, oldest first.
    pub spans: Vec<(NaiveDate, NaiveDate)>,
}

impl StatedActions {
    /// Whether the answers together vouch for every trading day from `from`
    /// to `to`: a gap of a long weekend between them (or before the first)
    /// holds no session.
    pub fn covers(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let gap = chrono::Duration::days(MARKET_CLOSED_DAYS);
        let mut reached = from.pred_opt().unwrap_or(from);
        for &(a, b) in &self.spans {
            if a > reached + gap {
                break;
            }
            reached = reached.max(b);
        }
        reached >= to
    }

    /// The stated splits, as splits on the day each took effect.
    pub fn splits(&self) -> Vec<Split> {
        self.actions
            .iter()
            .filter(|a| a.kind == alphadesk_model::ActionKind::Split)
            .map(|a| Split {
                after: a.date.pred_opt().unwrap_or(a.date),
                effective: a.date,
                ratio: a.value,
                evidence: format!("stated by the price source for {}", a.date),
                source: a.source.clone(),
            })
            .collect()
    }
}

const STATED_ACTIONS: &str = "SELECT a.ticker, a.ex_date, a.kind, a.value, s.path, a.line
     FROM corporate_actions a JOIN sources s ON s.id = a.source_id";
const ACTION_SPANS: &str = "SELECT ticker, first_date, last_date FROM action_spans";

/// Every ticker's stated actions (a small table: a source states a few a year).
pub fn all_stated_actions(conn: &Connection) -> Result<HashMap<String, StatedActions>, StoreError> {
    stated_actions_where(conn, None)
}

/// One ticker's stated actions.
pub fn stated_actions(conn: &Connection, ticker: &str) -> Result<StatedActions, StoreError> {
    Ok(stated_actions_where(conn, Some(ticker))?.remove(ticker).unwrap_or_default())
}

fn stated_actions_where(conn: &Connection, ticker: Option<&str>) -> Result<HashMap<String, StatedActions>, StoreError> {
    let mut out: HashMap<String, StatedActions> = HashMap::new();
    let filter = |sql: &str, col: &str| match ticker {
        Some(_) => format!("{sql} WHERE {col} = ?1"),
        None => sql.to_string(),
    };
    let args: Vec<&str> = ticker.into_iter().collect();
    let mut st = conn.prepare_cached(&filter(STATED_ACTIONS, "a.ticker"))?;
    let mut rows = st.query(rusqlite::params_from_iter(&args))?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(2)?;
        let kind = kind
            .parse()
            .map_err(|e| StoreError::Invalid { path: "corporate_actions".into(), message: format!("{e}") })?;
        out.entry(r.get(0)?).or_default().actions.push(StatedAction {
            date: req_date(r, 1)?,
            kind,
            value: r.get(3)?,
            source: SourceRef { path: r.get(4)?, accession: None, line: Some(r.get(5)?) },
        });
    }
    let mut st = conn.prepare_cached(&filter(ACTION_SPANS, "ticker"))?;
    let mut rows = st.query(rusqlite::params_from_iter(&args))?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().spans.push((req_date(r, 1)?, req_date(r, 2)?));
    }
    for a in out.values_mut() {
        a.actions.sort_by_key(|x| (x.date, x.kind));
        a.spans.sort();
    }
    Ok(out)
}

/// The path of one stored source file.
fn source_path(conn: &Connection, id: i64) -> Result<Option<String>, StoreError> {
    Ok(conn.prepare_cached("SELECT path FROM sources WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?)
}

/// A stock split: `ratio` new shares per old share, effective after `after` and
/// on or before `effective` (the day before and the day itself for a dated split;
/// a wider window when the split is inferred from records a year apart).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Split {
    pub after: NaiveDate,
    pub effective: NaiveDate,
    pub ratio: f64,
    /// How the split is known.
    pub evidence: String,
    pub source: SourceRef,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bar {
    pub date: NaiveDate,
    pub close: Option<f64>,
    pub adj_close: Option<f64>,
    pub source: SourceRef,
}

/// The last bar on or before `date` with a close a metric may use: as
/// [`close_on_or_before`], leaving out the bad prints the ingest flagged (the
/// price columns hold them as empty). What a universe loaded for a window asks
/// for a day before its first row.
pub fn clean_close_on_or_before(conn: &Connection, ticker: &str, date: NaiveDate) -> Result<Option<Bar>, StoreError> {
    bar(conn, CLEAN_CLOSE_ON_OR_BEFORE, ticker, date)
}

/// The last bar with a close on or before `date`.
pub fn close_on_or_before(conn: &Connection, ticker: &str, date: NaiveDate) -> Result<Option<Bar>, StoreError> {
    bar(conn, CLOSE_ON_OR_BEFORE, ticker, date)
}

fn bar(conn: &Connection, sql: &str, ticker: &str, date: NaiveDate) -> Result<Option<Bar>, StoreError> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params![ticker, date.to_string()], |r| {
            Ok(Bar {
                date: req_date(r, 0)?,
                close: r.get(1)?,
                adj_close: r.get(2)?,
                source: SourceRef { path: r.get(3)?, accession: None, line: r.get(4)? },
            })
        })
        .optional()?)
}

/// Names of listings read from dated files (a constituents list of 2018-04-02),
/// per ticker, oldest first: the name in force from that date, where the
/// securities master's own name may be an older one.
pub fn dated_names(
    conn: &Connection,
) -> Result<std::collections::HashMap<String, Vec<(NaiveDate, String)>>, StoreError> {
    let mut st = conn.prepare(
        "SELECT l.ticker, l.name, s.path FROM listings l JOIN sources s ON s.id = l.source_id WHERE l.name IS NOT NULL",
    )?;
    let mut out: std::collections::HashMap<String, Vec<(NaiveDate, String)>> = Default::default();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let path: String = r.get(2)?;
        let file = std::path::Path::new(&path).file_name().and_then(|f| f.to_str()).unwrap_or_default();
        if let Some(date) = alphadesk_model::date_from_file_name(file) {
            out.entry(r.get(0)?).or_default().push((date, r.get(1)?));
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    Ok(out)
}

/// One dated value of a snapshot file, with its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    pub date: NaiveDate,
    pub value: f64,
    pub source: SourceRef,
}

/// A dated snapshot value of one field (`price`, `market_cap_usd`, ...) per
/// ticker, oldest first: the constituents-financials files.
pub fn snapshot_values(
    conn: &Connection,
    field: &str,
) -> Result<std::collections::HashMap<String, Vec<Dated>>, StoreError> {
    snapshot_values_where(conn, field, None)
}

/// One ticker's [`snapshot_values`].
pub fn snapshot_values_of(conn: &Connection, ticker: &str, field: &str) -> Result<Vec<Dated>, StoreError> {
    Ok(snapshot_values_where(conn, field, Some(ticker))?.remove(ticker).unwrap_or_default())
}

fn snapshot_values_where(
    conn: &Connection,
    field: &str,
    ticker: Option<&str>,
) -> Result<std::collections::HashMap<String, Vec<Dated>>, StoreError> {
    let mut st = conn.prepare_cached(match ticker {
        None => SNAPSHOT_VALUES,
        Some(_) => SNAPSHOT_VALUES_OF,
    })?;
    let mut out: std::collections::HashMap<String, Vec<Dated>> = Default::default();
    let mut rows = st.query(rusqlite::params_from_iter(std::iter::once(field).chain(ticker)))?;
    while let Some(r) = rows.next()? {
        let source = SourceRef { path: r.get(3)?, accession: None, line: r.get(4)? };
        out.entry(r.get(0)?).or_default().push(Dated { date: req_date(r, 1)?, value: r.get(2)?, source });
    }
    Ok(out)
}

/// The series' layout and the date its adjusted prices are adjusted to.
pub fn price_basis(conn: &Connection, ticker: &str) -> Result<Option<(String, NaiveDate)>, StoreError> {
    Ok(conn
        .query_row("SELECT layout, basis_date FROM price_series WHERE ticker = ?1", [ticker], |r| {
            Ok((r.get::<_, String>(0)?, req_date(r, 1)?))
        })
        .optional()?)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnnualValue {
    pub period_end: NaiveDate,
    pub item: String,
    pub value: f64,
    pub source: SourceRef,
}

/// Annual table rows of the given items, grouped by ticker (bulk form of
/// [`annual_values`]).
pub fn all_annual_values(
    conn: &Connection,
    items: &[&str],
) -> Result<std::collections::HashMap<String, Vec<AnnualValue>>, StoreError> {
    annual_values_where(conn, items, None)
}

/// One ticker's [`all_annual_values`], by period end and item.
pub fn annual_values_of(conn: &Connection, ticker: &str, items: &[&str]) -> Result<Vec<AnnualValue>, StoreError> {
    Ok(annual_values_where(conn, items, Some(ticker))?.remove(ticker).unwrap_or_default())
}

fn annual_values_where(
    conn: &Connection,
    items: &[&str],
    ticker: Option<&str>,
) -> Result<std::collections::HashMap<String, Vec<AnnualValue>>, StoreError> {
    let list = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
    let mut st = conn.prepare_cached(match ticker {
        None => ANNUAL_VALUES_ALL,
        Some(_) => ANNUAL_VALUES_OF,
    })?;
    let mut out: std::collections::HashMap<String, Vec<AnnualValue>> = Default::default();
    let mut rows = st.query(rusqlite::params_from_iter(std::iter::once(list.as_str()).chain(ticker)))?;
    while let Some(r) = rows.next()? {
        let v = AnnualValue {
            period_end: req_date(r, 1)?,
            item: r.get(2)?,
            value: r.get(3)?,
            source: SourceRef { path: r.get(4)?, accession: None, line: r.get(5)? },
        };
        out.entry(r.get(0)?).or_default().push(v);
    }
    Ok(out)
}

/// Table rows (no filing date) for `ticker` whose period ended on or before
/// `period_end_by`; the caller subtracts the reporting lag from the as-of date.
pub fn annual_values(
    conn: &Connection,
    ticker: &str,
    period_end_by: NaiveDate,
) -> Result<Vec<AnnualValue>, StoreError> {
    let mut st = conn.prepare_cached(ANNUAL_VALUES)?;
    let rows = st.query_map(params![ticker, period_end_by.to_string()], |r| {
        Ok(AnnualValue {
            period_end: req_date(r, 0)?,
            item: r.get(1)?,
            value: r.get(2)?,
            source: SourceRef { path: r.get(3)?, accession: None, line: r.get(4)? },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An open-market insider purchase (`P`) or sale (`S`) from a non-derivative table.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct OpenMarketTrade {
    pub issuer_cik: Option<i64>,
    pub issuer_ticker: Option<String>,
    pub owner: Option<String>,
    /// The day the trade became public (estimated for bare XML, see `filed_estimated`).
    pub filed: NaiveDate,
    pub filed_estimated: bool,
    pub trade_date: Option<NaiveDate>,
    pub code: alphadesk_model::TradeCode,
    pub shares: f64,
    pub price: f64,
    pub source: SourceRef,
    /// The filing date of the amendment that replaces this trade's report, if any:
    /// from then on the amendment's trades count instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded: Option<NaiveDate>,
}

impl OpenMarketTrade {
    /// Whether the trade was public, and not yet replaced by an amendment, at the
    /// close of `d`.
    pub fn current_on(&self, d: NaiveDate) -> bool {
        self.filed <= d && self.superseded.is_none_or(|s| s > d)
    }
}

/// Every stored open-market trade with shares, price and a known filing date. Only
/// codes P and S are discretionary market trades; grants, exercises, tax
/// withholding and gifts say nothing about what an insider thinks of the price.
pub fn open_market_trades(conn: &Connection) -> Result<Vec<OpenMarketTrade>, StoreError> {
    let mut st = conn.prepare(
        "SELECT r.issuer_cik, r.issuer_ticker,
                (SELECT name FROM insider_owners o WHERE o.report_id = r.id ORDER BY seq LIMIT 1),
                r.filed, r.filed_estimated, t.trade_date, t.code, t.shares, t.price, s.path, r.accession,
                (SELECT filed FROM insider_reports a WHERE a.id = r.amended_by)
         FROM insider_transactions t JOIN insider_reports r ON r.id = t.report_id JOIN sources s ON s.id = r.source_id
         WHERE t.tbl = 'non_derivative' AND t.kind = 'transaction' AND t.code IN ('P', 'S')
           AND t.shares IS NOT NULL AND t.price IS NOT NULL AND r.filed IS NOT NULL
         ORDER BY r.filed, r.id, t.seq",
    )?;
    let rows = st.query_map([], |r| {
        Ok(OpenMarketTrade {
            issuer_cik: r.get(0)?,
            issuer_ticker: r.get(1)?,
            owner: r.get(2)?,
            filed: req_date(r, 3)?,
            filed_estimated: r.get(4)?,
            trade_date: date_col(r, 5)?,
            code: r.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?.parse().map_err(
                |e: alphadesk_model::InvalidValue| {
                    rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e))
                },
            )?,
            shares: r.get(7)?,
            price: r.get(8)?,
            source: SourceRef { path: r.get(9)?, accession: r.get(10)?, line: None },
            superseded: date_col(r, 11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One 13F share position (no options, no principal amounts).
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Position {
    /// Manager CIK, or the manager's name when the report has no cover page CIK.
    #[schemars(with = "String")]
    pub manager: Manager,
    pub period: NaiveDate,
    pub filed: NaiveDate,
    pub issuer: String,
    pub cusip: String,
    pub shares: f64,
    pub source: SourceRef,
}

/// Share positions of 13F reports that have a period and a (filing or signature)
/// date, oldest filing first.
pub fn positions(conn: &Connection) -> Result<Vec<Position>, StoreError> {
    let mut st = conn.prepare(
        "SELECT r.manager_cik, r.manager, r.period, r.filed, h.issuer, h.cusip, h.shares, s.path, r.accession
         FROM holdings h JOIN holdings_reports r ON r.id = h.report_id JOIN sources s ON s.id = r.source_id
         WHERE h.put_call IS NULL AND (h.share_type IS NULL OR h.share_type = 'SH') AND h.shares IS NOT NULL
           AND r.period IS NOT NULL AND r.filed IS NOT NULL AND coalesce(r.manager_cik, r.manager) IS NOT NULL
         ORDER BY r.filed, r.id, h.seq",
    )?;
    let rows = st.query_map([], |r| {
        // A stored CIK is valid (it passed `Cik::new` on the way in); the
        // query keeps only rows with a CIK or a name.
        let cik = r.get::<_, Option<i64>>(0)?.and_then(|n| Cik::new(u64::try_from(n).ok()?).ok());
        let manager = match cik {
            Some(c) => Manager::Cik(c),
            None => Manager::Name(r.get(1)?),
        };
        Ok(Position {
            manager,
            period: req_date(r, 2)?,
            filed: req_date(r, 3)?,
            issuer: r.get(4)?,
            cusip: r.get(5)?,
            shares: r.get(6)?,
            source: SourceRef { path: r.get(7)?, accession: r.get(8)?, line: None },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Facts of one filer for the given concepts, oldest filing first: a window's
/// load asks this of every filer, each filer's sets decoded once.
pub fn facts_of(conn: &Connection, cik: i64, concepts: &[&str]) -> Result<Vec<StoredFact>, StoreError> {
    let wanted: std::collections::HashSet<&str> = concepts.iter().copied().collect();
    let mut out = Vec::new();
    filer_facts(conn, cik, |c| wanted.contains(c), |f| out.push(f.stored()))?;
    Ok(in_filing_order(out))
}

/// A priced security with its listing facts: the universe a score can rank.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PricedSecurity {
    pub security: Security,
    pub layout: String,
    pub basis_date: NaiveDate,
    pub price_path: String,
}

pub fn priced_securities(conn: &Connection) -> Result<Vec<PricedSecurity>, StoreError> {
    let sql = master_sql(
        "SELECT ps.ticker, ps.layout, ps.basis_date, src.path FROM price_series ps JOIN sources src ON src.id = ps.source_id",
        ", b.layout, b.basis_date, b.path",
    );
    let mut st = conn.prepare(&sql)?;
    let mut out: Vec<PricedSecurity> = st
        .query_map([], |r| {
            Ok(PricedSecurity {
                security: security_row(r)?,
                layout: r.get(8)?,
                basis_date: req_date(r, 9)?,
                price_path: r.get(10)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    // Only the priced filers' other tickers: a reference list of every listed
    // company holds ten thousand more.
    let mut classes: std::collections::HashMap<i64, Vec<String>> = Default::default();
    let ciks: Vec<i64> = out.iter().filter_map(|p| p.security.cik).collect();
    let mut st = conn.prepare(
        "SELECT DISTINCT cik, ticker FROM listings WHERE cik IN (SELECT value FROM json_each(?1)) ORDER BY cik, ticker",
    )?;
    let mut rows = st.query([serde_json::to_string(&ciks).unwrap_or_else(|_| "[]".into())])?;
    while let Some(r) = rows.next()? {
        classes.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    for p in &mut out {
        if let Some(all) = p.security.cik.and_then(|c| classes.get(&c)) {
            p.security.share_classes = all.iter().filter(|t| **t != p.security.ticker).cloned().collect();
        }
    }
    Ok(out)
}

/// A stored article or post, with where it came from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredDocument {
    pub id: i64,
    pub kind: alphadesk_model::DocKind,
    pub external_id: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub body: String,
    pub published_utc: String,
    pub known_date: NaiveDate,
    pub ticker_hint: Option<String>,
    pub path: String,
    pub line: i64,
}

const DOCUMENT_COLUMNS: &str =
    "d.id, d.kind, d.external_id, d.url, d.title, d.body, d.published_utc, d.known_date, d.ticker_hint, s.path, d.line";

// The reads a point-in-time question makes by key and date. Each is answered
// from an index, never by scanning its table: `keyed_reads_search_an_index`
// asks SQLite's planner and fails on a full scan.
const ACCESSION_KNOWN: &str = "SELECT EXISTS (SELECT 1 FROM filings WHERE accession = ?1)
         OR EXISTS (SELECT 1 FROM fact_accessions WHERE accn = ?1)
         OR EXISTS (SELECT 1 FROM insider_reports WHERE accession = ?1)
         OR EXISTS (SELECT 1 FROM holdings_reports WHERE accession = ?1)";
const CLOSE_ON_OR_BEFORE: &str =
    "SELECT p.date, p.close, p.adj_close, s.path, p.line FROM prices p JOIN sources s ON s.id = p.source_id
     WHERE p.ticker = ?1 AND p.date <= ?2 AND p.close IS NOT NULL ORDER BY p.date DESC LIMIT 1";
const CLEAN_CLOSE_ON_OR_BEFORE: &str =
    "SELECT p.date, p.close, p.adj_close, s.path, p.line FROM prices p JOIN sources s ON s.id = p.source_id
     WHERE p.ticker = ?1 AND p.date <= ?2 AND p.close IS NOT NULL
       AND (p.flag IS NULL OR json_extract(p.flag, '$.kind') IS NOT 'bad_print')
     ORDER BY p.date DESC LIMIT 1";
const SNAPSHOT_VALUES: &str =
    "SELECT m.ticker, m.as_of, m.value, s.path, m.line FROM market_snapshots m JOIN sources s ON s.id = m.source_id
     WHERE m.field = ?1 ORDER BY m.ticker, m.as_of";
const SNAPSHOT_VALUES_OF: &str =
    "SELECT m.ticker, m.as_of, m.value, s.path, m.line FROM market_snapshots m JOIN sources s ON s.id = m.source_id
     WHERE m.field = ?1 AND m.ticker = ?2 ORDER BY m.ticker, m.as_of";
const ANNUAL_VALUES_ALL: &str = "SELECT a.ticker, a.period_end, a.item, a.value, s.path, a.line FROM fundamentals_annual a JOIN sources s ON s.id = a.source_id
     WHERE a.item IN (SELECT value FROM json_each(?1))
     ORDER BY a.ticker, a.period_end, a.item";
const ANNUAL_VALUES_OF: &str = "SELECT a.ticker, a.period_end, a.item, a.value, s.path, a.line FROM fundamentals_annual a JOIN sources s ON s.id = a.source_id
     WHERE a.item IN (SELECT value FROM json_each(?1)) AND a.ticker = ?2
     ORDER BY a.ticker, a.period_end, a.item";
const ANNUAL_VALUES: &str = "SELECT a.period_end, a.item, a.value, s.path, a.line FROM fundamentals_annual a JOIN sources s ON s.id = a.source_id
     WHERE a.ticker = ?1 AND a.period_end <= ?2 ORDER BY a.period_end, a.item";
const LINKS_BETWEEN: &str = "SELECT document_id, ticker, relevance, salience FROM news_signals
     WHERE kind = 'article' AND known_date BETWEEN ?1 AND ?2 ORDER BY document_id, ticker";

fn articles_between_sql() -> String {
    format!(
        "SELECT {DOCUMENT_COLUMNS} FROM documents d JOIN sources s ON s.id = d.source_id
         WHERE d.kind = 'article' AND d.known_date BETWEEN ?1 AND ?2 ORDER BY d.known_date, d.id"
    )
}

/// The count and the page of [`articles_about`].
fn articles_about_sql() -> (String, String) {
    const WHERE: &str = "n.ticker = ?1 AND n.kind = 'article'
           AND (?2 IS NULL OR n.known_date >= ?2) AND (?3 IS NULL OR n.known_date <= ?3)
           AND (?4 = 0 OR n.relevance >= ?4)";
    (
        format!("SELECT count(*) FROM news_signals n WHERE {WHERE}"),
        format!(
            "SELECT {DOCUMENT_COLUMNS}, n.relevance, n.salience, n.tone
             FROM news_signals n JOIN documents d ON d.id = n.document_id JOIN sources s ON s.id = d.source_id
             WHERE {WHERE} ORDER BY n.known_date DESC, d.published_utc DESC, d.id DESC LIMIT ?5"
        ),
    )
}

fn document_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDocument> {
    Ok(StoredDocument {
        id: r.get(0)?,
        kind: doc_kind(r, 1)?,
        external_id: r.get(2)?,
        url: r.get(3)?,
        title: r.get(4)?,
        body: r.get(5)?,
        published_utc: r.get(6)?,
        known_date: req_date(r, 7)?,
        ticker_hint: r.get(8)?,
        path: r.get(9)?,
        line: r.get(10)?,
    })
}

/// How many documents the news stage has not read yet.
pub fn count_unprocessed_documents(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM documents d LEFT JOIN news_processed p ON p.document_id = d.id WHERE p.document_id IS NULL",
        [],
        |r| r.get(0),
    )?)
}

/// Documents the news stage has not read yet, oldest first.
pub fn unprocessed_documents(conn: &Connection) -> Result<Vec<StoredDocument>, StoreError> {
    let mut st = conn.prepare(&format!(
        "SELECT {DOCUMENT_COLUMNS}
         FROM documents d JOIN sources s ON s.id = d.source_id LEFT JOIN news_processed p ON p.document_id = d.id
         WHERE p.document_id IS NULL ORDER BY d.known_date, d.id"
    ))?;
    let rows = st.query_map([], document_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One company's share of one document's tone.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NewsSignal {
    pub document_id: i64,
    pub ticker: String,
    pub kind: alphadesk_model::DocKind,
    pub known_date: NaiveDate,
    pub tone: f64,
    pub salience: f64,
    pub confidence: f64,
    /// How much the article is about the company, 0–100; `None` for posts.
    pub relevance: Option<u8>,
}

/// Every news signal, by ticker and the day it became known.
pub fn news_signals(conn: &Connection) -> Result<Vec<NewsSignal>, StoreError> {
    // Read in the table's order and sorted here: in the (ticker, known_date)
    // index's order, each row was a descent into the table for the columns
    // the index lacks, a third of the read.
    let mut all = signals(conn, NEWS_SIGNALS, [])?;
    all.sort_unstable_by(|a, b| {
        (a.ticker.as_str(), a.known_date, a.document_id).cmp(&(b.ticker.as_str(), b.known_date, b.document_id))
    });
    Ok(all)
}

/// The news signals known from `from` to `to`, in the order of [`news_signals`]:
/// what a window of dates reads, through the `known_date` index.
pub fn news_signals_between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<NewsSignal>, StoreError> {
    signals(conn, NEWS_SIGNALS_BETWEEN, [from.to_string(), to.to_string()])
}

const NEWS_SIGNALS: &str =
    "SELECT document_id, ticker, kind, known_date, tone, salience, confidence, relevance FROM news_signals";
const NEWS_SIGNALS_BETWEEN: &str =
    "SELECT document_id, ticker, kind, known_date, tone, salience, confidence, relevance FROM news_signals
     WHERE known_date BETWEEN ?1 AND ?2 ORDER BY ticker, known_date, document_id";

fn signals<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> Result<Vec<NewsSignal>, StoreError> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(params, |r| {
        Ok(NewsSignal {
            document_id: r.get(0)?,
            ticker: r.get(1)?,
            kind: doc_kind(r, 2)?,
            known_date: req_date(r, 3)?,
            tone: r.get(4)?,
            salience: r.get(5)?,
            confidence: r.get(6)?,
            relevance: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A periodic report (10-K, 10-Q and their amendments) of one filer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FilingRef {
    pub accession: String,
    pub form: String,
    /// The day it became public.
    pub filed: NaiveDate,
    /// The period it reports on, where known.
    pub period: Option<NaiveDate>,
    /// The stored file that names it (submissions index or companyfacts).
    pub path: String,
}

/// Periodic reports of `cik`, oldest filing first: the filings index where the
/// store has the filer's submissions, and every report XBRL facts cite, so that a
/// filer with only a companyfacts file still has a calendar. One row per accession.
pub fn periodic_filings(conn: &Connection, cik: i64) -> Result<Vec<FilingRef>, StoreError> {
    const PERIODIC: [&str; 4] = ["10-K", "10-Q", "10-K/A", "10-Q/A"];
    let mut st = conn.prepare_cached(
        "SELECT f.accession, f.form, f.filed, f.report_date, s.path
         FROM filings f JOIN sources s ON s.id = f.source_id
         WHERE f.cik = ?1 AND f.form IN ('10-K', '10-Q', '10-K/A', '10-Q/A')",
    )?;
    // (filed, accession, the index's own row first) as the sort key.
    let mut all: Vec<((NaiveDate, String, u8), FilingRef)> = st
        .query_map([cik], |r| {
            let f = FilingRef {
                accession: r.get(0)?,
                form: r.get(1)?,
                filed: req_date(r, 2)?,
                period: date_col(r, 3)?,
                path: r.get(4)?,
            };
            Ok(((f.filed, f.accession.clone(), 0), f))
        })?
        .collect::<Result<_, _>>()?;
    // Every report the facts cite, by accession and form: its first filing
    // date, the latest period end it reports, the least path stating it.
    let mut cited: std::collections::BTreeMap<(String, String), (NaiveDate, NaiveDate, String)> = Default::default();
    filer_facts(
        conn,
        cik,
        |_| true,
        |f| {
            if !PERIODIC.contains(&f.text.form) {
                return;
            }
            let e = cited
                .entry((f.text.accn.to_string(), f.text.form.to_string()))
                .or_insert_with(|| (f.filed, f.end, f.source_path.to_string()));
            e.0 = e.0.min(f.filed);
            e.1 = e.1.max(f.end);
            if f.source_path < e.2.as_str() {
                e.2 = f.source_path.to_string();
            }
        },
    )?;
    for ((accession, form), (filed, end, path)) in cited {
        all.push(((filed, accession.clone(), 1), FilingRef { accession, form, filed, period: Some(end), path }));
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<FilingRef> = Vec::new();
    for (_, f) in all {
        // The index's own row comes first and carries the report date as filed.
        if !out.iter().any(|o| o.accession == f.accession) {
            out.push(f);
        }
    }
    Ok(out)
}

/// A company an article names, with how much the article is about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleLink {
    pub ticker: String,
    /// 0–100; `None` when the article was linked before relevance was stored
    /// (the next writer reads it again).
    pub relevance: Option<u8>,
    /// The company's share of the article's mentions, 0–1.
    pub salience: f64,
}

/// Articles first known on trading days `from..=to`, oldest first, each with
/// the companies it names.
pub fn articles_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(StoredDocument, Vec<ArticleLink>)>, StoreError> {
    let mut st = conn.prepare_cached(&articles_between_sql())?;
    let docs: Vec<StoredDocument> =
        st.query_map(params![from.to_string(), to.to_string()], document_row)?.collect::<Result<_, _>>()?;
    let mut links: std::collections::HashMap<i64, Vec<ArticleLink>> = std::collections::HashMap::new();
    let mut st = conn.prepare_cached(LINKS_BETWEEN)?;
    let rows = st.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((r.get::<_, i64>(0)?, ArticleLink { ticker: r.get(1)?, relevance: r.get(2)?, salience: r.get(3)? }))
    })?;
    for row in rows {
        let (id, l) = row?;
        links.entry(id).or_default().push(l);
    }
    Ok(docs
        .into_iter()
        .map(|d| {
            let l = links.remove(&d.id).unwrap_or_default();
            (d, l)
        })
        .collect())
}

/// How one article concerns one company: the news stage's reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TickerLink {
    /// 0–100 (40 and above: the article is about the company); `None` when the
    /// article was linked before relevance was stored.
    pub relevance: Option<u8>,
    /// The company's share of the article's mentions, 0–1.
    pub salience: f64,
    /// Tone toward the company, −1 to 1.
    pub tone: f64,
}

/// Articles linked to `ticker`, first known on `from..=to` (either end open),
/// with relevance at least `min_relevance` (0 keeps articles not yet given one),
/// newest first, at most `limit`; and how many matched in all.
pub fn articles_about(
    conn: &Connection,
    ticker: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    min_relevance: u8,
    limit: usize,
) -> Result<(Vec<(StoredDocument, TickerLink)>, usize), StoreError> {
    let (from, to) = (from.map(|d| d.to_string()), to.map(|d| d.to_string()));
    let (count, rows) = articles_about_sql();
    let total: i64 = conn.prepare_cached(&count)?.query_row(params![ticker, from, to, min_relevance], |r| r.get(0))?;
    let mut st = conn.prepare_cached(&rows)?;
    let rows = st.query_map(params![ticker, from, to, min_relevance, limit as i64], |r| {
        Ok((document_row(r)?, TickerLink { relevance: r.get(11)?, salience: r.get(12)?, tone: r.get(13)? }))
    })?;
    Ok((rows.collect::<Result<_, _>>()?, total as usize))
}

/// Documents by id, in one query, by id (unknown ids are skipped).
pub fn documents_by_id(conn: &Connection, ids: &[i64]) -> Result<Vec<StoredDocument>, StoreError> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let mut st = conn.prepare_cached(&format!(
        "SELECT {DOCUMENT_COLUMNS} FROM documents d JOIN sources s ON s.id = d.source_id
         WHERE d.id IN (SELECT value FROM json_each(?1)) ORDER BY d.id"
    ))?;
    let rows = st.query_map([list], document_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The document stored under `url`, with the companies the news stage linked it to.
pub fn document_by_url(conn: &Connection, url: &str) -> Result<Option<(i64, Vec<ArticleLink>)>, StoreError> {
    let id = conn
        .prepare_cached("SELECT id FROM documents WHERE url = ?1")?
        .query_row([url], |r| r.get::<_, i64>(0))
        .optional()?;
    with_linked(conn, id)
}

/// The document stored from line `line` of the source file at `path` (articles
/// without a URL are cited by file and line), with the companies linked to it.
pub fn document_at(conn: &Connection, path: &str, line: i64) -> Result<Option<(i64, Vec<ArticleLink>)>, StoreError> {
    let id = conn
        .prepare_cached(
            "SELECT d.id FROM documents d JOIN sources s ON s.id = d.source_id
             WHERE s.path = ?1 AND d.line = ?2 ORDER BY d.id LIMIT 1",
        )?
        .query_row(params![path, line], |r| r.get::<_, i64>(0))
        .optional()?;
    with_linked(conn, id)
}

fn with_linked(conn: &Connection, id: Option<i64>) -> Result<Option<(i64, Vec<ArticleLink>)>, StoreError> {
    let Some(id) = id else { return Ok(None) };
    let mut st = conn.prepare_cached(
        "SELECT ticker, relevance, salience FROM news_signals WHERE document_id = ?1 ORDER BY ticker",
    )?;
    let rows =
        st.query_map([id], |r| Ok(ArticleLink { ticker: r.get(0)?, relevance: r.get(1)?, salience: r.get(2)? }))?;
    Ok(Some((id, rows.collect::<Result<_, _>>()?)))
}

/// Whether the store holds a record of this accession number: a filings
/// index entry, XBRL facts, an insider or a 13F report. Each table is asked
/// by an index (the facts' accessions are kept apart for it), so a checker
/// resolves a citation without reading every fact.
pub fn accession_known(conn: &Connection, accession: &str) -> Result<bool, StoreError> {
    Ok(conn.prepare_cached(ACCESSION_KNOWN)?.query_row([accession], |r| r.get(0))?)
}

/// Paths of the stored sources with these ids (a price window's files).
pub fn source_paths_of(conn: &Connection, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let mut st = conn.prepare_cached(SOURCE_PATHS_OF)?;
    let rows = st.query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

const SOURCE_PATHS_OF: &str = "SELECT id, path FROM sources WHERE id IN (SELECT value FROM json_each(?1))";

/// Paths of every stored source file, sorted.
pub fn source_paths(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut st = conn.prepare("SELECT DISTINCT path FROM sources ORDER BY path")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every ticker the securities master knows, priced or not.
pub fn all_tickers(conn: &Connection) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut st = conn.prepare("SELECT ticker FROM listings UNION SELECT ticker FROM price_series")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Who stands behind a 13F or Form 3/4/5 filing: the manager, or the reporting
/// owners. Empty for other accessions.
pub fn filer_names(conn: &Connection, accession: &str) -> Result<Vec<String>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT manager FROM holdings_reports WHERE accession = ?1 AND manager IS NOT NULL
         UNION ALL
         SELECT o.name FROM insider_owners o JOIN insider_reports r ON r.id = o.report_id
         WHERE r.accession = ?1 AND o.name IS NOT NULL",
    )?;
    let rows = st.query_map([accession], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod plans {
    use super::*;

    /// SQLite's plan for each keyed read: every table is searched through an
    /// index (or its primary key), none scanned whole. A query a new column or
    /// a lost index turns into a scan fails here, not at 16 times the data.
    #[test]
    fn keyed_reads_search_an_index() {
        let store = crate::Store::open_in_memory().unwrap();
        let (about_count, about_rows) = articles_about_sql();
        let between = articles_between_sql();
        let reads: [(&str, &str, usize); 16] = [
            ("accession_known", ACCESSION_KNOWN, 1),
            ("filings_of_run", crate::changes::FILINGS_OF_RUN, 2),
            ("trades_of_run", crate::changes::TRADES_OF_RUN, 2),
            ("articles_of_run", crate::changes::ARTICLES_OF_RUN, 2),
            ("fact_sets_of", FACT_SETS_OF, 1),
            ("close_on_or_before", CLOSE_ON_OR_BEFORE, 2),
            ("clean_close_on_or_before", CLEAN_CLOSE_ON_OR_BEFORE, 2),
            ("news_signals_between", NEWS_SIGNALS_BETWEEN, 2),
            ("source_paths_of", SOURCE_PATHS_OF, 1),
            ("annual_values", ANNUAL_VALUES, 2),
            ("annual_values_of", ANNUAL_VALUES_OF, 2),
            ("snapshot_values_of", SNAPSHOT_VALUES_OF, 2),
            ("articles_between", &between, 2),
            ("links_between", LINKS_BETWEEN, 2),
            ("articles_about (count)", &about_count, 4),
            ("articles_about", &about_rows, 5),
        ];
        for (name, sql, n) in reads {
            let mut st = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let params: Vec<String> = (0..n)
                .map(|i| match (i, name) {
                    (0, "annual_values_of") => "[\"Assets\"]".into(),
                    (0, "source_paths_of") => "[1, 2]".into(),
                    _ => "1".into(),
                })
                .collect();
            let plan: Vec<String> = st
                .query_map(rusqlite::params_from_iter(params.iter()), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for step in &plan {
                // A SELECT of EXISTS terms scans its one constant row, no table.
                let scans_a_table =
                    step.starts_with("SCAN ") && !step.contains("VIRTUAL TABLE") && step != "SCAN CONSTANT ROW";
                assert!(!scans_a_table, "{name} scans a table: {step}\n{}", plan.join("\n"));
            }
            assert!(plan.iter().any(|s| s.starts_with("SEARCH ")), "{name} searches an index: {plan:?}");
        }
    }
}
