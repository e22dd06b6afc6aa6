//! Daily price bars from CSV.
//!
//! Two layouts are read: the shared data's `date,open,high,low,close,volume,Name`
//! (split- and dividend-adjusted as of the file's last date, per its SOURCES.md) and
//! the Yahoo/Stooq `Date,Open,High,Low,Close,Adj Close,Volume`. Empty cells stay
//! empty (`None`) and are reported; a missing trading day is reported as a gap. No
//! value is ever interpolated: a score that used an invented price would be a score
//! about nothing.

use alphadesk_model::{parse_date, NaiveDate, Ticker};
use serde::Serialize;

use crate::csvrows::Rows;
use crate::error::{check_text, ParseError, Warning};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PriceBar {
    pub date: NaiveDate,
    pub open: Option<f64>,
    pub high: Option<f64>,
    pub low: Option<f64>,
    pub close: Option<f64>,
    /// Split- and dividend-adjusted close. For the shared layout this equals `close`,
    /// which is already adjusted.
    pub adj_close: Option<f64>,
    pub volume: Option<f64>,
    /// 1-based line in the source file.
    pub line: u64,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PriceLayout {
    /// `date,open,high,low,close,volume,Name`: every price adjusted as of the last row.
    AdjustedOhlcv,
    /// `Date,Open,High,Low,Close,Adj Close,Volume`: close as traded (split-adjusted by
    /// Yahoo), adjusted close separately.
    CloseAndAdjClose,
}

#[derive(Debug, Clone, Serialize)]
pub struct PriceFile {
    pub ticker: Ticker,
    pub layout: PriceLayout,
    pub bars: Vec<PriceBar>,
    pub warnings: Vec<Warning>,
}

/// Longest calendar gap between consecutive bars that US market holidays explain
/// (a Friday to a Tuesday after a Monday holiday). Longer gaps are reported.
pub const MAX_HOLIDAY_GAP_DAYS: i64 = 4;

struct Columns {
    date: usize,
    open: Option<usize>,
    high: Option<usize>,
    low: Option<usize>,
    close: usize,
    adj_close: Option<usize>,
    volume: Option<usize>,
    name: Option<usize>,
}

pub(crate) fn looks_like(header: &str) -> bool {
    let h = header.to_ascii_lowercase();
    let cols: Vec<&str> = h.split(',').map(|c| c.trim().trim_matches('"')).collect();
    // Price-plus-signal panels (FNSPID's `Sentiment_gpt` columns) are other datasets
    // that happen to carry prices; reading them as a ticker's price series would
    // overwrite the real one.
    cols.contains(&"date") && cols.contains(&"close") && !cols.iter().any(|c| c.contains("sentiment"))
}

/// Parses a price CSV. `file_stem` supplies the ticker when the file has no `Name`
/// column (Yahoo downloads are named `AAPL.csv`, the shared files `AAPL_data.csv`).
pub fn parse(bytes: &[u8], file_stem: &str) -> Result<PriceFile, ParseError> {
    check_text(bytes)?;
    let mut rows_in = Rows::open(bytes)?;
    let headers = rows_in.header.clone();
    let find = |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)));
    let cols = Columns {
        date: find(&["date"]).ok_or_else(|| ParseError::line(1, "no `date` column in the header"))?,
        open: find(&["open"]),
        high: find(&["high"]),
        low: find(&["low"]),
        close: find(&["close"]).ok_or_else(|| ParseError::line(1, "no `close` column in the header"))?,
        adj_close: find(&["adj close", "adj_close", "adjclose", "adjusted close"]),
        volume: find(&["volume"]),
        name: find(&["name", "ticker", "symbol"]),
    };
    let layout = if cols.adj_close.is_some() { PriceLayout::CloseAndAdjClose } else { PriceLayout::AdjustedOhlcv };
    let mut bars: Vec<PriceBar> = Vec::new();
    let mut warnings = Vec::new();
    let mut ticker: Option<Ticker> = None;
    let mut empty_cells = 0u64;
    while let Some((line, rec)) = rows_in.next_row(&mut warnings, true) {
        let Some(date) = parse_date(&rec[cols.date]) else {
            warnings.push(Warning::line(line, format!("unparsable date {:?}; row skipped", &rec[cols.date])));
            continue;
        };
        if let (None, Some(i)) = (&ticker, cols.name) {
            ticker = Ticker::new(&rec[i]).ok();
        }
        let mut bad = Vec::new();
        let mut num = |idx: Option<usize>, what: &'static str| -> Option<f64> {
            let cell = rec.get(idx?)?.trim();
            if cell.is_empty() || cell.eq_ignore_ascii_case("null") || cell.eq_ignore_ascii_case("nan") {
                bad.push(what);
                return None;
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                _ => {
                    bad.push(what);
                    None
                }
            }
        };
        let open = num(cols.open, "open");
        let high = num(cols.high, "high");
        let low = num(cols.low, "low");
        let close = num(Some(cols.close), "close");
        let adj = num(cols.adj_close, "adj close");
        let volume = num(cols.volume, "volume");
        if !bad.is_empty() {
            empty_cells += bad.len() as u64;
            warnings.push(Warning::line(line, format!("{date}: empty or invalid {} (left empty)", bad.join(", "))));
        }
        if let Some(prev) = bars.last() {
            if date <= prev.date {
                warnings.push(Warning::line(
                    line,
                    format!("{date} is not after the previous row's {}; row skipped", prev.date),
                ));
                continue;
            }
            let gap = (date - prev.date).num_days();
            if gap > MAX_HOLIDAY_GAP_DAYS {
                warnings
                    .push(Warning::line(line, format!("gap: no bars between {} and {date} ({gap} days)", prev.date)));
            }
        }
        let adj_close = match layout {
            PriceLayout::AdjustedOhlcv => close,
            PriceLayout::CloseAndAdjClose => adj,
        };
        bars.push(PriceBar { date, open, high, low, close, adj_close, volume, line });
    }
    let ticker = match ticker {
        Some(t) => t,
        None => {
            let stem = file_stem.strip_suffix("_data").unwrap_or(file_stem);
            let stem = stem.split('.').next().unwrap_or(stem);
            Ticker::new(stem).map_err(|_| {
                ParseError::file(format!("no ticker: no Name column and file name {file_stem:?} is not a ticker"))
            })?
        }
    };
    if bars.is_empty() {
        return Err(ParseError::file("no usable price rows"));
    }
    if empty_cells > 0 {
        warnings.push(Warning::file(format!("{empty_cells} empty or invalid cells in total")));
    }
    Ok(PriceFile { ticker, layout, bars, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_layout_with_empty_cell_and_gap() {
        let csv = "date,open,high,low,close,volume,Name\n2014-01-02,1,2,0.5,1.5,100,abc\n2014-01-03,,2,0.5,1.6,100,ABC\n2014-01-13,1,2,0.5,1.7,100,ABC\n";
        let p = parse(csv.as_bytes(), "ABC_data").unwrap();
        assert_eq!(p.ticker.as_str(), "ABC");
        assert_eq!(p.bars.len(), 3);
        assert_eq!(p.bars[1].open, None);
        assert_eq!(p.bars[1].adj_close, Some(1.6));
        assert!(p.warnings.iter().any(|w| w.message.contains("gap")));
        assert!(p.warnings.iter().any(|w| w.to_string().starts_with("line 3")));
    }

    #[test]
    fn yahoo_layout_takes_ticker_from_file_name() {
        let csv = "Date,Open,High,Low,Close,Adj Close,Volume\n2012-09-04,95.1,96.4,94.9,96.42,87.12,91973000\n";
        let p = parse(csv.as_bytes(), "AAPL").unwrap();
        assert_eq!(p.layout, PriceLayout::CloseAndAdjClose);
        assert_eq!(p.bars[0].adj_close, Some(87.12));
        assert_eq!(p.ticker.as_str(), "AAPL");
    }

    #[test]
    fn broken_rows_are_reported_not_stored() {
        let csv = "date,open,high,low,close,volume,Name\n2014-01-02,1,2,0.5,1.5,100,ABC\n2014-01-03,1,2\nnot-a-date,1,2,0.5,1.5,100,ABC\n";
        let p = parse(csv.as_bytes(), "ABC_data").unwrap();
        assert_eq!(p.bars.len(), 1);
        assert_eq!(p.warnings.len(), 2);
        assert!(parse(b"", "X").is_err());
        assert!(parse(b"a,b\n1,2\n", "X").unwrap_err().to_string().contains("date"));
    }
}
