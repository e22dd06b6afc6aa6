//! Daily bars from Tiingo's end-of-day JSON (`/tiingo/daily/{ticker}/prices`).
//!
//! Tiingo answers an array of rows whose `open`…`close` and `volume` are as
//! traded, beside `adjClose` (split- and dividend-adjusted as of the answer's
//! last row) and each row's `divCash` and `splitFactor`. alphadesk keeps a close
//! *split-adjusted as of the last row* beside the adjusted close — the
//! `CloseAndAdjClose` layout Yahoo's downloads have — so that market caps are
//! computed the one way every series is: the as-traded close is the row's close
//! times the splits after it, which this parser divides out using the rows'
//! own `splitFactor`s. Nothing is interpolated; a row Tiingo sends without a
//! close keeps no close.
//!
//! A JSON answer has no lines a reader would count, so a bar's `line` is its
//! 1-based position in the array (what an error names too).

use alphadesk_model::{parse_date, ActionKind, Ticker};
use serde::Deserialize;

use crate::error::{check_text, Location, ParseError, Warning};
use crate::prices::{flag_bad_rows, follows, CorporateAction, PriceBar, PriceFile, PriceLayout};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    date: String,
    open: Option<f64>,
    high: Option<f64>,
    low: Option<f64>,
    close: Option<f64>,
    volume: Option<f64>,
    adj_close: Option<f64>,
    #[serde(default)]
    div_cash: Option<f64>,
    #[serde(default)]
    split_factor: Option<f64>,
}

/// Tiingo's error answers are an object, e.g. `{"detail": "Not found."}`.
#[derive(Deserialize)]
struct Detail {
    detail: String,
}

/// A Tiingo answer as a price file, with the corporate actions its rows state.
pub fn parse(bytes: &[u8], ticker: &str) -> Result<PriceFile, ParseError> {
    check_text(bytes)?;
    let ticker = Ticker::new(ticker).map_err(|e| ParseError::file(format!("ticker: {e}")))?;
    let rows: Vec<Row> = match serde_json::from_slice(bytes) {
        Ok(rows) => rows,
        Err(e) => {
            if let Ok(d) = serde_json::from_slice::<Detail>(bytes) {
                return Err(ParseError::file(format!("Tiingo answered with no prices: {:?}", d.detail)));
            }
            return Err(ParseError::at(
                Location::LineColumn { line: e.line() as u64, column: e.column() as u64 },
                format!("not Tiingo's daily prices: {e}"),
            ));
        }
    };
    let mut warnings = Vec::new();
    let mut bars: Vec<PriceBar> = Vec::with_capacity(rows.len());
    let mut splits_at: Vec<f64> = Vec::with_capacity(rows.len());
    let mut actions = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let line = i as u64 + 1;
        // "2018-02-01T00:00:00.000Z": the trading day is the date part.
        let Some(date) = r.date.get(..10).and_then(parse_date) else {
            warnings.push(Warning::line(line, format!("unparsable date {:?}; row skipped", r.date)));
            continue;
        };
        if !follows(bars.last(), date, line, &mut warnings) {
            continue;
        }
        let mut bad = Vec::new();
        let mut num = |v: Option<f64>, what: &'static str| match v {
            Some(x) if x.is_finite() && x >= 0.0 => Some(x),
            _ => {
                bad.push(what);
                None
            }
        };
        let bar = PriceBar {
            date,
            open: num(r.open, "open"),
            high: num(r.high, "high"),
            low: num(r.low, "low"),
            close: num(r.close, "close"),
            adj_close: num(r.adj_close, "adjClose"),
            volume: num(r.volume, "volume"),
            line,
            flag: None,
        };
        if !bad.is_empty() {
            warnings.push(Warning::line(line, format!("{date}: empty or invalid {} (left empty)", bad.join(", "))));
        }
        let split = r.split_factor.filter(|f| f.is_finite() && *f > 0.0).unwrap_or(1.0);
        if split != 1.0 {
            actions.push(CorporateAction { date, kind: ActionKind::Split, value: split, line });
        }
        if let Some(cash) = r.div_cash.filter(|c| c.is_finite() && *c > 0.0) {
            actions.push(CorporateAction { date, kind: ActionKind::Dividend, value: cash, line });
        }
        splits_at.push(split);
        bars.push(bar);
    }
    if bars.is_empty() {
        return Err(ParseError::file("no usable price rows"));
    }
    // A split on day k divides every earlier price: walking back from the last
    // row, `later` is the product of the splits after the row.
    let mut later = 1.0;
    for (bar, split) in bars.iter_mut().zip(&splits_at).rev() {
        if later != 1.0 {
            for p in [&mut bar.open, &mut bar.high, &mut bar.low, &mut bar.close].into_iter().flatten() {
                *p /= later;
            }
            if let Some(v) = bar.volume.as_mut() {
                *v *= later;
            }
        }
        later *= split;
    }
    flag_bad_rows(&mut bars, &mut warnings);
    Ok(PriceFile { ticker, layout: PriceLayout::CloseAndAdjClose, bars, warnings, actions: Some(actions) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(date: &str, close: f64, adj: f64, div: f64, split: f64) -> String {
        format!(
            r#"{{"date":"{date}T00:00:00.000Z","open":{close},"high":{close},"low":{close},"close":{close},"volume":1000,"adjClose":{adj},"adjHigh":{adj},"adjLow":{adj},"adjOpen":{adj},"adjVolume":1000,"divCash":{div},"splitFactor":{split}}}"#
        )
    }

    #[test]
    fn a_split_inside_the_answer_is_divided_out_of_the_earlier_closes() {
        let body = format!(
            "[{},{},{},{}]",
            row("2020-08-27", 500.0, 124.0, 0.0, 1.0),
            row("2020-08-28", 499.0, 124.5, 0.0, 1.0),
            row("2020-08-31", 129.0, 128.9, 0.0, 4.0),
            row("2020-09-01", 134.0, 133.9, 0.82, 1.0),
        );
        let p = parse(body.as_bytes(), "aapl").unwrap();
        assert_eq!(p.ticker.as_str(), "AAPL");
        assert_eq!(p.layout, PriceLayout::CloseAndAdjClose);
        let closes: Vec<f64> = p.bars.iter().map(|b| b.close.unwrap()).collect();
        assert_eq!(closes, [125.0, 124.75, 129.0, 134.0]);
        assert_eq!(p.bars[0].volume, Some(4000.0), "volume in post-split shares");
        assert_eq!(p.bars[1].adj_close, Some(124.5), "the adjusted close is Tiingo's");
        assert_eq!(p.bars[3].line, 4, "a row's place in the array");
        assert_eq!(
            p.actions.unwrap(),
            [
                CorporateAction { date: "2020-08-31".parse().unwrap(), kind: ActionKind::Split, value: 4.0, line: 3 },
                CorporateAction {
                    date: "2020-09-01".parse().unwrap(),
                    kind: ActionKind::Dividend,
                    value: 0.82,
                    line: 4
                },
            ]
        );
    }

    #[test]
    fn an_error_object_an_html_page_and_an_empty_array_are_errors_that_say_so() {
        let e = parse(br#"{"detail":"Error: Ticker 'ZZZZ' not found"}"#, "ZZZZ").unwrap_err();
        assert!(e.to_string().contains("Ticker 'ZZZZ' not found"), "{e}");
        let e = parse(b"<html><body>Just a moment...</body></html>", "AAPL").unwrap_err();
        assert!(e.to_string().contains("not Tiingo's daily prices"), "{e}");
        let e = parse(b"[]", "AAPL").unwrap_err();
        assert!(e.to_string().contains("no usable price rows"), "{e}");
    }

    #[test]
    fn a_missing_close_stays_missing_and_is_reported() {
        let body = format!(
            r#"[{},{{"date":"2020-01-03","close":null,"adjClose":null}}]"#,
            row("2020-01-02", 10.0, 9.0, 0.0, 1.0)
        );
        let p = parse(body.as_bytes(), "ABC").unwrap();
        assert_eq!(p.bars[1].close, None);
        assert!(p.warnings.iter().any(|w| w.to_string().contains("close")), "{:?}", p.warnings);
    }
}
