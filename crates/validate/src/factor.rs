//! A factor of the user's own: values per (date, ticker) read from a CSV file
//! (here) or a Parquet file (`alphadesk_export::factor`, through [`FactorValues::add`]),
//! evaluated by the same forward returns, calendar and universe as the Alpha
//! Score ([`crate::backtest_with_factor`]). Nothing is shifted to fit: a value
//! on a day that is not a rebalance date, or for a ticker not scored that day,
//! is dropped and counted, with examples, so a reader sees what was not used.

use std::collections::HashMap;
use std::path::Path;

use alphadesk_model::NaiveDate;
use serde::Serialize;

/// The name a user's factor goes by in the figures (`ic.factor`).
pub const FACTOR: &str = "factor";

/// Values of a factor by (date, ticker).
#[derive(Debug, Clone, Default)]
pub struct FactorValues {
    /// The file (or request field) the values came from, as errors name it.
    pub file: String,
    /// The value of each (date, ticker).
    pub values: HashMap<(NaiveDate, String), f64>,
}

/// A factor file that cannot be read, naming the file and line.
#[derive(Debug, thiserror::Error)]
pub enum FactorError {
    /// The file could not be read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line or row that cannot be read.
    #[error("{file}, {at}: {why}")]
    At {
        /// The file.
        file: String,
        /// "line N" of a CSV file, "row N" of a Parquet file.
        at: String,
        /// What is wrong with it.
        why: String,
    },
    /// No row had a value.
    #[error("{file}: no rows with a value (expected date, ticker and value columns and a row per date and ticker)")]
    Empty {
        /// The file.
        file: String,
    },
}

impl FactorValues {
    /// Reads `date,ticker,value` rows (a header line first; columns found by
    /// name, so extra columns are fine). A value left empty is no value; a
    /// repeated (date, ticker) is an error: which one to use would be a guess.
    pub fn read_csv(path: &Path) -> Result<FactorValues, FactorError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| FactorError::Io { file: file.clone(), source })?;
        Self::parse(&file, &text)
    }

    /// Reads CSV text (see [`Self::read_csv`]); `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<FactorValues, FactorError> {
        let bad =
            |line: usize, why: String| FactorError::At { file: file.to_string(), at: format!("line {line}"), why };
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else { return Err(FactorError::Empty { file: file.to_string() }) };
        let cols: Vec<String> = header.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
        let at = |name: &str| cols.iter().position(|c| c == name);
        let (Some(di), Some(ti), Some(vi)) = (at("date"), at("ticker"), at("value")) else {
            return Err(bad(1, format!("the header must name date, ticker and value columns, got {header:?}")));
        };
        let mut f = FactorValues::new(file);
        for (n, line) in lines {
            let cells: Vec<&str> = line.split(',').map(|c| c.trim().trim_matches('"')).collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("");
            let date = alphadesk_model::parse_date(cell(di))
                .ok_or_else(|| bad(n + 1, format!("date {:?} is not YYYY-MM-DD", cell(di))))?;
            let value = match cell(vi) {
                "" => None,
                v => Some(v.parse().map_err(|_| bad(n + 1, format!("value {v:?} is not a finite number")))?),
            };
            f.add(&format!("line {}", n + 1), date, cell(ti), value)?;
        }
        f.finish()
    }

    /// An empty factor named `file`, to [`add`](Self::add) rows to.
    pub fn new(file: &str) -> FactorValues {
        FactorValues { file: file.to_string(), values: HashMap::new() }
    }

    /// One row, from any format: `at` names it in an error ("line 3", "row 3").
    /// No value is no value; a value that is not finite, a malformed ticker or
    /// a (date, ticker) given twice is an error (which one to use would be a
    /// guess).
    pub fn add(&mut self, at: &str, date: NaiveDate, ticker: &str, value: Option<f64>) -> Result<(), FactorError> {
        let bad = |why: String| FactorError::At { file: self.file.clone(), at: at.to_string(), why };
        let ticker = alphadesk_model::Ticker::new(ticker).map_err(|e| bad(format!("ticker: {e}")))?;
        let Some(value) = value else { return Ok(()) };
        if !value.is_finite() {
            return Err(bad(format!("value {value} is not a finite number")));
        }
        if self.values.insert((date, ticker.as_str().to_string()), value).is_some() {
            return Err(bad(format!("{} on {date} appears twice", ticker.as_str())));
        }
        Ok(())
    }

    /// The factor, or [`FactorError::Empty`] when no row had a value.
    pub fn finish(self) -> Result<FactorValues, FactorError> {
        if self.values.is_empty() {
            return Err(FactorError::Empty { file: self.file });
        }
        Ok(self)
    }
}

/// What of a factor file was used, and what was dropped and why.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, schemars::JsonSchema)]
pub struct FactorUse {
    /// The file, as errors name it.
    pub file: String,
    /// Rows with a value.
    pub rows: usize,
    /// Values matched to a ticker scored on a rebalance date.
    pub used: usize,
    /// Values on a day that is not a rebalance date of the backtest.
    pub not_a_rebalance_date: usize,
    /// Values for a ticker the universe does not score on that date.
    pub ticker_not_scored: usize,
    /// Values on a rebalance date whose horizon runs past the last price.
    pub no_forward_return: usize,
    /// A few of the dropped (date, ticker) pairs.
    pub examples: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_by_column_name_and_bad_ones_named_by_line() {
        let f = FactorValues::parse("f.csv", "ticker,extra,date,value\nAAPL,x,2017-03-31,1.5\nmsft,y,2017-03-31,\n")
            .unwrap();
        assert_eq!(f.values.len(), 1, "an empty value is no value");
        assert_eq!(f.values[&("2017-03-31".parse().unwrap(), "AAPL".to_string())], 1.5);
        let err = |text: &str| FactorValues::parse("f.csv", text).unwrap_err().to_string();
        assert!(
            err("date,value\n2017-03-31,1\n").contains("f.csv, line 1: the header must name date, ticker and value")
        );
        assert_eq!(
            err("date,ticker,value\n2017-03-31,AAPL,1\n31/03/2017,AAPL,2\n"),
            "f.csv, line 3: date \"31/03/2017\" is not YYYY-MM-DD"
        );
        assert!(err("date,ticker,value\n2017-03-31,AAPL,1\n2017-03-31,AAPL,2\n")
            .contains("line 3: AAPL on 2017-03-31 appears twice"));
        assert!(
            err("date,ticker,value\n2017-03-31,AAPL,high\n").contains("line 2: value \"high\" is not a finite number")
        );
        assert!(err("date,ticker,value\n2017-03-31,AAPL,NaN\n").contains("not a finite number"));
        assert!(err("").contains("no rows"));
        assert!(err("date,ticker,value\n").contains("no rows"));
    }
}
