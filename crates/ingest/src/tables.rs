//! Reference and table files: the securities master sources (S&P constituents, the
//! NYSE `securities.csv`, SEC `company_tickers*.json`), the SIC code list, the annual
//! fundamentals table and the dated constituents-financials snapshots.
//!
//! Table rows carry no filing date. They are stored with their period and the
//! store's documented reporting lag decides when each became known.

use std::collections::BTreeMap;

use alphadesk_model::{parse_date, NaiveDate, Sector, Ticker};
use serde::{Deserialize, Serialize};

use crate::csvrows::Rows;
use crate::error::{check_text, ParseError, Warning};

/// Which source a listing row came from. The securities master merges them in this
/// order of precedence (GICS sub-industry and CIK first).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ListingSource {
    /// NYSE/Kaggle `securities.csv`: ticker, name, GICS sector and sub-industry, CIK.
    GicsSecurities,
    /// S&P 500 `constituents.csv`: ticker, name, GICS sector.
    Constituents,
    /// SEC `company_tickers_exchange.json`: CIK, name, ticker, exchange.
    SecTickersExchange,
    /// SEC `company_tickers.json`: CIK, ticker, title.
    SecTickers,
}

impl ListingSource {
    /// Lower is preferred when sources disagree.
    pub fn priority(self) -> i64 {
        match self {
            ListingSource::GicsSecurities => 1,
            ListingSource::Constituents => 2,
            ListingSource::SecTickersExchange => 3,
            ListingSource::SecTickers => 4,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Listing {
    pub ticker: Ticker,
    pub cik: Option<u64>,
    pub name: Option<String>,
    pub sector: Option<Sector>,
    /// The sector as the source spelled it.
    pub sector_label: Option<String>,
    pub industry: Option<String>,
    pub exchange: Option<String>,
    pub first_added: Option<NaiveDate>,
    pub line: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Listings {
    pub source: ListingSource,
    pub rows: Vec<Listing>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SicCode {
    pub code: u32,
    pub office: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FundamentalsRow {
    pub ticker: Ticker,
    /// Fiscal period end as printed; the row was *known* only some time later.
    pub period_end: NaiveDate,
    pub items: BTreeMap<String, f64>,
    pub line: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundamentalsTable {
    pub rows: Vec<FundamentalsRow>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SnapshotRow {
    pub ticker: Ticker,
    pub name: Option<String>,
    pub sector_label: Option<String>,
    /// Normalised fields: `market_cap_usd` and `ebitda_usd` in dollars,
    /// `week52_low`/`week52_high` in the right order, ratios as published.
    pub fields: BTreeMap<String, f64>,
    pub line: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MarketSnapshot {
    /// The snapshot's date, from the file name (`..._2017-03-08.csv`).
    pub as_of: NaiveDate,
    pub rows: Vec<SnapshotRow>,
    /// How units and column quirks were decided, in words.
    pub normalisations: Vec<String>,
    pub warnings: Vec<Warning>,
}

fn header_index(h: &csv::StringRecord, name: &str) -> Option<usize> {
    h.iter().position(|c| c.trim().eq_ignore_ascii_case(name))
}

fn opt(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn num(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A ticker cell, or why the row is skipped: a ticker names files and URL paths,
/// so anything outside the ticker alphabet is refused where it enters.
fn ticker_at(cell: Option<&str>, line: u64, warnings: &mut Vec<Warning>) -> Option<Ticker> {
    let Some(raw) = opt(cell) else {
        warnings.push(Warning::line(line, "row without a ticker skipped"));
        return None;
    };
    match Ticker::new(&raw) {
        Ok(t) => Some(t),
        Err(e) => {
            warnings.push(Warning::line(line, format!("{e}; row skipped")));
            None
        }
    }
}

/// `securities.csv` (GICS) and `constituents.csv`.
pub fn parse_listing_csv(bytes: &[u8]) -> Result<Listings, ParseError> {
    check_text(bytes)?;
    let mut rows_in = Rows::open(bytes)?;
    let h = rows_in.header.clone();
    let (source, ticker_col) = if let Some(i) = header_index(&h, "Ticker symbol") {
        (ListingSource::GicsSecurities, i)
    } else if let Some(i) = header_index(&h, "Symbol") {
        (ListingSource::Constituents, i)
    } else {
        return Err(ParseError::line(1, "no `Ticker symbol` or `Symbol` column"));
    };
    let name = header_index(&h, "Security").or_else(|| header_index(&h, "Name"));
    let sector = header_index(&h, "GICS Sector").or_else(|| header_index(&h, "Sector"));
    let industry = header_index(&h, "GICS Sub Industry");
    let cik = header_index(&h, "CIK");
    let added = header_index(&h, "Date first added");
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    while let Some((line, rec)) = rows_in.next_row(&mut warnings, false) {
        let Some(ticker) = ticker_at(rec.get(ticker_col), line, &mut warnings) else { continue };
        let sector_label = sector.and_then(|i| opt(rec.get(i)));
        let sec = sector_label.as_deref().and_then(Sector::from_label);
        if sector_label.is_some() && sec.is_none() {
            warnings.push(Warning::line(line, format!("unknown sector {:?}", sector_label.as_deref().unwrap_or(""))));
        }
        rows.push(Listing {
            ticker,
            cik: cik.and_then(|i| rec.get(i)).and_then(|s| s.trim().parse().ok()),
            name: name.and_then(|i| opt(rec.get(i))),
            sector: sec,
            sector_label,
            industry: industry.and_then(|i| opt(rec.get(i))),
            exchange: None,
            first_added: added.and_then(|i| rec.get(i)).and_then(parse_date),
            line,
        });
    }
    Ok(Listings { source, rows, warnings })
}

#[derive(Deserialize)]
struct TickerEntry {
    cik_str: u64,
    ticker: String,
    title: String,
}

#[derive(Deserialize)]
struct TickerExchange {
    fields: Vec<String>,
    data: Vec<Vec<serde_json::Value>>,
}

/// SEC `company_tickers.json` (`{"0": {"cik_str", "ticker", "title"}, ...}`) and
/// `company_tickers_exchange.json` (`{"fields": [...], "data": [[...], ...]}`).
pub fn parse_sec_tickers(bytes: &[u8]) -> Result<Listings, ParseError> {
    check_text(bytes)?;
    let head = &bytes[..bytes.len().min(256)];
    if crate::companyfacts::contains(head, b"\"fields\"") {
        let t: TickerExchange = serde_json::from_slice(bytes).map_err(|e| ParseError::from_json(&e))?;
        let col = |n: &str| t.fields.iter().position(|f| f == n);
        let (Some(c), Some(nm), Some(tk)) = (col("cik"), col("name"), col("ticker")) else {
            return Err(ParseError::file("company_tickers_exchange.json lacks cik/name/ticker fields"));
        };
        let ex = col("exchange");
        let mut rows = Vec::new();
        let mut warnings = Vec::new();
        for (i, r) in t.data.iter().enumerate() {
            let s = |j: usize| r.get(j).and_then(|v| v.as_str()).map(str::to_string);
            let Some(ticker) = ticker_at(s(tk).as_deref(), i as u64 + 1, &mut warnings) else { continue };
            rows.push(Listing {
                ticker,
                cik: r.get(c).and_then(|v| v.as_u64()),
                name: s(nm),
                sector: None,
                sector_label: None,
                industry: None,
                exchange: ex.and_then(s),
                first_added: None,
                line: i as u64 + 1,
            });
        }
        return Ok(Listings { source: ListingSource::SecTickersExchange, rows, warnings });
    }
    let m: BTreeMap<String, TickerEntry> = serde_json::from_slice(bytes).map_err(|e| ParseError::from_json(&e))?;
    let mut entries: Vec<(u64, TickerEntry)> =
        m.into_iter().map(|(k, v)| (k.parse::<u64>().unwrap_or(u64::MAX), v)).collect();
    entries.sort_by_key(|(k, _)| *k);
    let mut warnings = Vec::new();
    let rows = entries
        .into_iter()
        .filter_map(|(k, e)| {
            let line = k.saturating_add(1);
            Some((ticker_at(Some(&e.ticker), line, &mut warnings)?, line, e))
        })
        .map(|(ticker, line, e)| Listing {
            ticker,
            cik: Some(e.cik_str),
            name: Some(e.title),
            sector: None,
            sector_label: None,
            industry: None,
            exchange: None,
            first_added: None,
            line,
        })
        .collect();
    Ok(Listings { source: ListingSource::SecTickers, rows, warnings })
}

pub fn parse_sic(bytes: &[u8]) -> Result<Vec<SicCode>, ParseError> {
    check_text(bytes)?;
    let mut rows_in = Rows::open(bytes)?;
    let h = rows_in.header.clone();
    let code = header_index(&h, "SIC Code").ok_or_else(|| ParseError::line(1, "no `SIC Code` column"))?;
    let office = header_index(&h, "Office");
    let title = header_index(&h, "Industry Title");
    let mut out = Vec::new();
    let mut unreadable = Vec::new();
    while let Some((line, rec)) = rows_in.next_row(&mut unreadable, false) {
        let c = rec
            .get(code)
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| ParseError::line(line, "SIC code is not a number"))?;
        out.push(SicCode {
            code: c,
            office: office.and_then(|i| opt(rec.get(i))).unwrap_or_default(),
            title: title.and_then(|i| opt(rec.get(i))).unwrap_or_default(),
        });
    }
    // A reference list with a hole in it would silently mislabel industries.
    if let Some(w) = unreadable.into_iter().next() {
        return Err(ParseError::at(w.location, w.message));
    }
    Ok(out)
}

/// The wide annual fundamentals table (`,Ticker Symbol,Period Ending,<76 items>`).
pub fn parse_fundamentals(bytes: &[u8]) -> Result<FundamentalsTable, ParseError> {
    check_text(bytes)?;
    let mut rows_in = Rows::open(bytes)?;
    let h = rows_in.header.clone();
    let t = header_index(&h, "Ticker Symbol").ok_or_else(|| ParseError::line(1, "no `Ticker Symbol` column"))?;
    let p = header_index(&h, "Period Ending").ok_or_else(|| ParseError::line(1, "no `Period Ending` column"))?;
    let items: Vec<(usize, String)> = h
        .iter()
        .enumerate()
        .filter(|(i, name)| *i != t && *i != p && !name.trim().is_empty())
        .map(|(i, name)| (i, name.trim().to_string()))
        .collect();
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    while let Some((line, rec)) = rows_in.next_row(&mut warnings, true) {
        if rec.len() != h.len() {
            warnings
                .push(Warning::line(line, format!("row has {} fields, header has {}; skipped", rec.len(), h.len())));
            continue;
        }
        let Some(ticker) = ticker_at(rec.get(t), line, &mut warnings) else { continue };
        let Some(period_end) = rec.get(p).and_then(parse_date) else {
            warnings
                .push(Warning::line(line, format!("unparsable Period Ending {:?}; skipped", rec.get(p).unwrap_or(""))));
            continue;
        };
        let mut values = BTreeMap::new();
        for (i, name) in &items {
            if let Some(v) = rec.get(*i).and_then(num) {
                values.insert(name.clone(), v);
            }
        }
        rows.push(FundamentalsRow { ticker, period_end, items: values, line });
    }
    Ok(FundamentalsTable { rows, warnings })
}

pub use alphadesk_model::date_from_file_name;

/// A dated constituents-financials snapshot. Its units drift between versions (market
/// cap in billions in 2016/2017, in dollars in 2018; the 2018 file swaps the 52-week
/// columns). Both are decided from the data, not from the date, and recorded.
pub fn parse_snapshot(bytes: &[u8], file_name: &str) -> Result<MarketSnapshot, ParseError> {
    check_text(bytes)?;
    let as_of = date_from_file_name(file_name)
        .ok_or_else(|| ParseError::file(format!("snapshot file name {file_name:?} carries no YYYY-MM-DD date")))?;
    let mut rows_in = Rows::open(bytes)?;
    let h = rows_in.header.clone();
    let sym = header_index(&h, "Symbol").ok_or_else(|| ParseError::line(1, "no `Symbol` column"))?;
    let name = header_index(&h, "Name");
    let sector = header_index(&h, "Sector");
    let numeric: Vec<(usize, String)> = h
        .iter()
        .enumerate()
        .filter(|(i, n)| {
            ![Some(*i) == Some(sym), Some(*i) == name, Some(*i) == sector].contains(&true)
                && !n.eq_ignore_ascii_case("SEC Filings")
        })
        .map(|(i, n)| (i, n.trim().to_ascii_lowercase()))
        .collect();
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    while let Some((line, rec)) = rows_in.next_row(&mut warnings, false) {
        let Some(ticker) = ticker_at(rec.get(sym), line, &mut warnings) else { continue };
        let mut fields = BTreeMap::new();
        for (i, n) in &numeric {
            if let Some(v) = rec.get(*i).and_then(num) {
                let key = match n.as_str() {
                    "price" => "price",
                    "dividend yield" => "dividend_yield_pct",
                    "price/earnings" => "pe",
                    "earnings/share" => "eps",
                    "book value" => "book_value_per_share",
                    "52 week low" => "week52_low",
                    "52 week high" => "week52_high",
                    "market cap" => "market_cap_usd",
                    "ebitda" => "ebitda_usd",
                    "price/sales" => "price_to_sales",
                    "price/book" => "price_to_book",
                    _ => continue,
                };
                fields.insert(key.to_string(), v);
            }
        }
        rows.push(SnapshotRow {
            ticker,
            name: name.and_then(|i| opt(rec.get(i))),
            sector_label: sector.and_then(|i| opt(rec.get(i))),
            fields,
            line,
        });
    }
    let mut normalisations = Vec::new();
    let median = |k: &str| {
        let mut v: Vec<f64> = rows.iter().filter_map(|r| r.fields.get(k).copied()).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(v.len() / 2).copied()
    };
    // An S&P 500 member is worth billions: a median below a million can only be a
    // figure in billions.
    if let Some(m) = median("market_cap_usd") {
        if m < 1e6 {
            for r in &mut rows {
                for k in ["market_cap_usd", "ebitda_usd"] {
                    if let Some(v) = r.fields.get_mut(k) {
                        *v *= 1e9;
                    }
                }
            }
            normalisations
                .push(format!("Market Cap and EBITDA in billions (median market cap {m}); scaled to dollars"));
        } else {
            normalisations.push(format!("Market Cap and EBITDA in dollars (median market cap {m:.0})"));
        }
    }
    let swapped = rows
        .iter()
        .filter(|r| matches!((r.fields.get("week52_low"), r.fields.get("week52_high")), (Some(l), Some(h)) if l > h))
        .count();
    if swapped * 2 > rows.len() {
        for r in &mut rows {
            if let (Some(l), Some(h)) = (r.fields.remove("week52_low"), r.fields.remove("week52_high")) {
                r.fields.insert("week52_low".into(), h);
                r.fields.insert("week52_high".into(), l);
            }
        }
        normalisations
            .push(format!("52-week low/high columns swapped in {swapped} of {} rows; swapped back", rows.len()));
    }
    Ok(MarketSnapshot { as_of, rows, normalisations, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_files() {
        let s = "\"Ticker symbol\",\"Security\",\"SEC filings\",\"GICS Sector\",\"GICS Sub Industry\",\"Address of Headquarters\",\"Date first added\",\"CIK\"\r\n\"T\",\"AT&T Inc\",\"reports\",\"Telecommunications Services\",\"Integrated Telecommunications Services\",\"Dallas, Texas\",\"1983-11-30\",\"0000732717\"\r\n";
        let l = parse_listing_csv(s.as_bytes()).unwrap();
        assert_eq!(l.source, ListingSource::GicsSecurities);
        assert_eq!(l.rows[0].sector, Some(Sector::CommunicationServices));
        assert_eq!(l.rows[0].cik, Some(732717));
        assert_eq!(l.rows[0].line, 2);
        let c = parse_listing_csv(b"Symbol,Name,Sector\nMMM,3M Company,Industrials\n").unwrap();
        assert_eq!(c.source, ListingSource::Constituents);
    }

    #[test]
    fn snapshot_units_are_normalised() {
        let s = "Symbol,Name,Sector,Price,Market Cap,52 Week Low,52 Week High,SEC Filings\nMMM,3M,Industrials,222.89,107.43,259.77,175.49,x\n";
        let m = parse_snapshot(s.as_bytes(), "constituents-financials_2018-02-08.csv").unwrap();
        assert_eq!(m.as_of.to_string(), "2018-02-08");
        let f = &m.rows[0].fields;
        assert_eq!(f["market_cap_usd"], 107.43e9);
        assert_eq!(f["week52_low"], 175.49);
        assert_eq!(m.normalisations.len(), 2);
        assert!(parse_snapshot(s.as_bytes(), "nodate.csv").is_err());
    }

    #[test]
    fn fundamentals_wide_rows() {
        let s = ",Ticker Symbol,Period Ending,Total Revenue,Net Income\r\n0,AAL,2012-12-31,24855000000,-1876000000\r\n1,AAL,bad,1,2\r\n";
        let t = parse_fundamentals(s.as_bytes()).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].items["Net Income"], -1876000000.0);
        assert_eq!(t.warnings.len(), 1);
    }
}
