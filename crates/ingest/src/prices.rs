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
    /// What the ingest found wrong with the row, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<PriceFlag>,
}

/// A row the data contradicts (see [`flag_bad_rows`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PriceFlag {
    /// A jump that reverts within days: a bad print, left out of every metric.
    BadPrint { note: String },
    /// A row before an unadjusted split or share dividend: its prices are
    /// multiplied by `factor` onto the later rows' basis (the file's values are
    /// `value / factor`).
    Rebased { factor: f64, note: String },
}

impl PriceFlag {
    pub fn note(&self) -> &str {
        match self {
            PriceFlag::BadPrint { note } | PriceFlag::Rebased { note, .. } => note,
        }
    }
}

/// A close this many times the previous one (or its reciprocal) is a jump worth a look.
const JUMP: f64 = 1.6;
/// A jump that returns within this many rows to within [`REVERT`] of the close before
/// it is a bad print.
const REVERT_ROWS: usize = 5;
const REVERT: f64 = 0.2;
/// Ratios an unadjusted split or share dividend leaves (old price over new).
const SPLIT_RATIOS: &[f64] = &[2.0, 3.0, 4.0, 5.0, 10.0];
const SPLIT_TOLERANCE: f64 = 0.03;

/// Finds rows the file's own neighbours contradict, on the adjusted close:
/// - a jump of more than ×1.6 (or ÷1.6) that comes back within five rows to within
///   20% of the close before it: every row of the excursion is a bad print;
/// - a jump that stays, by a split ratio (÷2, ÷3, ...) within 3%: an unadjusted
///   split or share dividend; the rows before it are re-based onto the later rows
///   by the exact ratio.
///
/// Other persistent moves are markets (a biotech halving on a trial) and stay.
/// Each finding is a warning naming its line.
pub fn flag_bad_rows(bars: &mut [PriceBar], warnings: &mut Vec<Warning>) {
    let value = |b: &PriceBar| b.adj_close.filter(|v| *v > 0.0);
    let mut prev: Option<usize> = None;
    let mut i = 0;
    while i < bars.len() {
        let Some(now) = value(&bars[i]) else {
            i += 1;
            continue;
        };
        let Some(p) = prev else {
            prev = Some(i);
            i += 1;
            continue;
        };
        let before = value(&bars[p]).expect("prev has a value");
        let r = now / before;
        if r < JUMP && r > 1.0 / JUMP {
            prev = Some(i);
            i += 1;
            continue;
        }
        // Does it come back?
        let back = (i + 1..bars.len().min(i + 1 + REVERT_ROWS))
            .find(|&k| value(&bars[k]).is_some_and(|v| (v / before - 1.0).abs() <= REVERT));
        if let Some(k) = back {
            let before_date = bars[p].date;
            for row in &mut bars[i..k] {
                let msg = format!(
                    "close {:.4} on {} is ×{r:.2} the close of {} and returns within {} rows: a bad print, left out of metrics",
                    row.adj_close.unwrap_or(f64::NAN),
                    row.date,
                    before_date,
                    k - i
                );
                row.flag = Some(PriceFlag::BadPrint { note: format!("line {}: {msg}", row.line) });
                warnings.push(Warning::line(row.line, msg));
            }
            i = k;
            continue;
        }
        if let Some(ratio) =
            SPLIT_RATIOS.iter().flat_map(|x| [*x, 1.0 / x]).find(|x| (r * x - 1.0).abs() <= SPLIT_TOLERANCE)
        {
            // r ≈ 1/ratio: the price fell by the split; earlier rows × (1/ratio).
            let factor = 1.0 / ratio;
            let msg = format!(
                "close moves ×{r:.3} on {} and stays: an unadjusted split or share dividend ({}); the {} rows before are re-based ×{factor}",
                bars[i].date,
                if ratio >= 1.0 { format!("{ratio}-for-1") } else { format!("1-for-{}", 1.0 / ratio) },
                i
            );
            let note = format!("line {}: {msg}", bars[i].line);
            warnings.push(Warning::line(bars[i].line, msg));
            for row in &mut bars[..i] {
                for v in [&mut row.open, &mut row.high, &mut row.low, &mut row.close, &mut row.adj_close] {
                    *v = v.map(|x| x * factor);
                }
                // A bad print stays a bad print; its values move with the rest.
                if row.flag.is_none() {
                    row.flag = Some(PriceFlag::Rebased { factor, note: note.clone() });
                }
            }
        }
        prev = Some(i);
        i += 1;
    }
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
    /// The splits and dividends the source states for the days of `bars`:
    /// `None` for a layout that states none (a CSV download), `Some` — empty
    /// or not — for one that does (Tiingo's rows), whose word then covers
    /// every day of the file.
    pub actions: Option<Vec<CorporateAction>>,
}

/// A split or dividend as a price source states it, on the row that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CorporateAction {
    /// The ex-date: the first day the stock traded without it.
    pub date: NaiveDate,
    pub kind: alphadesk_model::ActionKind,
    /// New shares per old share for a split; cash per share for a dividend.
    pub value: f64,
    /// The row of the source that states it.
    pub line: u64,
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

/// Whether a row dated `date` may follow `prev`: a day not after it is skipped,
/// a gap longer than holidays explain is kept and reported.
pub(crate) fn follows(prev: Option<&PriceBar>, date: NaiveDate, line: u64, warnings: &mut Vec<Warning>) -> bool {
    let Some(prev) = prev else { return true };
    if date <= prev.date {
        warnings
            .push(Warning::line(line, format!("{date} is not after the previous row's {}; row skipped", prev.date)));
        return false;
    }
    let gap = (date - prev.date).num_days();
    if gap > MAX_HOLIDAY_GAP_DAYS {
        warnings.push(Warning::line(line, format!("gap: no bars between {} and {date} ({gap} days)", prev.date)));
    }
    true
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
            // A ticker names files and URL paths: one that is not a ticker is an
            // error in the file, never a fallback.
            ticker = Some(Ticker::new(&rec[i]).map_err(|e| ParseError::line(line, format!("Name column: {e}")))?);
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
        if !follows(bars.last(), date, line, &mut warnings) {
            continue;
        }
        let adj_close = match layout {
            PriceLayout::AdjustedOhlcv => close,
            PriceLayout::CloseAndAdjClose => adj,
        };
        bars.push(PriceBar { date, open, high, low, close, adj_close, volume, line, flag: None });
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
    flag_bad_rows(&mut bars, &mut warnings);
    if empty_cells > 0 {
        warnings.push(Warning::file(format!("{empty_cells} empty or invalid cells in total")));
    }
    Ok(PriceFile { ticker, layout, bars, warnings, actions: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(closes: &[f64]) -> Vec<PriceBar> {
        closes
            .iter()
            .enumerate()
            .map(|(i, c)| PriceBar {
                date: NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Duration::days(i as i64),
                open: None,
                high: None,
                low: None,
                close: Some(*c),
                adj_close: Some(*c),
                volume: None,
                line: i as u64 + 2,
                flag: None,
            })
            .collect()
    }

    #[test]
    fn bad_prints_and_unadjusted_splits_are_found() {
        // A single wild print, three days at 3x, then a share dividend halving the
        // price for good; a real fall of 40% stays untouched.
        let mut closes = vec![100.0, 101.0, 990.0, 102.0, 103.0, 309.0, 310.0, 311.0, 104.0, 105.0];
        closes.extend([52.6, 53.0, 54.0, 32.0, 31.0, 30.0]);
        let mut bars = series(&closes);
        let mut w = Vec::new();
        flag_bad_rows(&mut bars, &mut w);
        let bad: Vec<u64> =
            bars.iter().filter(|b| matches!(b.flag, Some(PriceFlag::BadPrint { .. }))).map(|b| b.line).collect();
        assert_eq!(bad, [4, 7, 8, 9], "{w:?}");
        let rebased = bars.iter().filter(|b| matches!(b.flag, Some(PriceFlag::Rebased { .. }))).count();
        assert_eq!(rebased, 6, "the ten rows before the halving, less the four bad prints");
        assert_eq!(bars[0].close, Some(50.0));
        assert_eq!(bars[13].close, Some(32.0), "a 40% fall that stays is a market, not a split");
        assert_eq!(w.len(), 5);
        assert!(w.iter().any(|x| x.to_string().contains("line 12") && x.to_string().contains("2-for-1")), "{w:?}");
    }

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
