//! What each question takes: the one set of parameter types that the HTTP API
//! reads from query strings and bodies, the MCP tools read from their arguments,
//! and both document (OpenAPI parameters and tool input schemas come from these
//! JSON Schemas). A field a face does not know is an error, not a silent default.

use alphadesk_model::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::{Order, Sort};

/// Scores of a date.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TickersParams {
    /// The close of this date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
    /// One GICS sector, e.g. "Financials" or "Health Care".
    #[serde(default)]
    #[schemars(schema_with = "sector_schema")]
    pub sector: Option<String>,
    /// Order: alpha_score (default, highest first), momentum, value, quality, sentiment or ticker.
    pub sort: Option<Sort>,
    /// Results per page, 1 to 500 (default 50).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<usize>,
    /// Results to skip (default 0).
    #[schemars(range(max = crate::MAX_OFFSET))]
    pub offset: Option<usize>,
}

/// One ticker as of a date.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TickerParams {
    /// The ticker symbol, e.g. AAPL (BRK.B and BRK-B are one security).
    pub ticker: String,
    /// The close of this date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
}

/// A date, for the HTTP routes that take the ticker from the path.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AsOfParams {
    /// The close of this date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
}

/// The change log from a day on.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangesParams {
    /// Syncs that finished on or after this day (YYYY-MM-DD, UTC); default:
    /// the last sync only.
    pub since: Option<NaiveDate>,
}

/// A span of daily prices.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeParams {
    /// First day (YYYY-MM-DD); default: a year before `to`.
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD); default: the ticker's latest price.
    pub to: Option<NaiveDate>,
}

/// Daily prices of a ticker.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PricesParams {
    /// The ticker symbol, e.g. AAPL.
    pub ticker: String,
    /// First day (YYYY-MM-DD); default: a year before `to`.
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD); default: the ticker's latest price.
    pub to: Option<NaiveDate>,
}

/// A search by symbol or name.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Words of a company name, or a symbol.
    #[schemars(length(min = 1, max = 100))]
    pub q: String,
    /// Most hits returned, 1 to 500 (default 20).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<usize>,
}

/// A list of notes of a date.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotesParams {
    /// The publication date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
    /// Results per page, 1 to 500 (default 50).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<usize>,
    /// Results to skip (default 0).
    #[schemars(range(max = crate::MAX_OFFSET))]
    pub offset: Option<usize>,
}

/// A note by its id, or by ticker and date.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteParams {
    /// `TICKER-YYYY-MM-DD`; or give `ticker` (and `as_of`).
    pub id: Option<String>,
    /// The ticker symbol, e.g. AAPL (with `as_of` instead of `id`).
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?$"))]
    pub ticker: Option<String>,
    /// The note's date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
    /// Which rendering to return: markdown (default: the note as published, with
    /// its numbered sources), html, claims (every claim with its value and
    /// sources, as JSON), or all. The verdict comes with each.
    pub format: Option<NoteFormat>,
    /// Exactly these parts instead (the id, ticker and date always come):
    /// ["verdict"] to learn whether it passes without its text, ["headline",
    /// "claims"] for the figures.
    pub fields: Option<Vec<NoteField>>,
}

/// A part of a note's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteField {
    /// The headline.
    Headline,
    /// The note as published, with its numbered sources.
    Markdown,
    /// The note as HTML.
    Html,
    /// Every claim with its value and sources.
    Claims,
    /// The checker's verdict.
    Verdict,
}

/// A note's renderings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteFormat {
    /// The note as published, with its numbered sources.
    #[default]
    Markdown,
    /// The note as HTML.
    Html,
    /// Every claim with its value and sources.
    Claims,
    /// All three.
    All,
}

/// A note to check against the publishing rules.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckParams {
    /// The note, in Markdown (at most 1 MiB).
    #[schemars(regex(pattern = r"\S"), length(max = 1048576))]
    pub markdown: String,
    /// Publication date (YYYY-MM-DD); default: the note's `as_of` front matter, else the latest date.
    pub as_of: Option<NaiveDate>,
    /// The story's subjects, comma-separated (`NVDA,AMD`); default: front matter
    /// (`ticker:` or `tickers:`), else the companies of the headline and lead.
    #[schemars(regex(
        pattern = r"^[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?(,[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?)*$"
    ))]
    pub ticker: Option<String>,
}

/// Where to check a note posted as a raw body.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    /// Publication date (YYYY-MM-DD); default: the note's `as_of` front matter, else the latest date.
    pub as_of: Option<NaiveDate>,
    /// The story's subjects, comma-separated (`NVDA,AMD`); default: front matter
    /// (`ticker:` or `tickers:`), else the companies of the headline and lead.
    #[schemars(regex(
        pattern = r"^[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?(,[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?)*$"
    ))]
    pub ticker: Option<String>,
}

/// Subjects given as `A,B,C`: each a valid ticker, upper-cased; empty items are
/// skipped.
pub fn subject_list(raw: Option<&str>) -> crate::Result<Vec<String>> {
    let mut out = Vec::new();
    for t in raw.unwrap_or_default().split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let t = alphadesk_model::Ticker::new(t).map_err(|e| crate::ServiceError::bad_input(format!("ticker: {e}")))?;
        if !out.iter().any(|x: &String| x == t.as_str()) {
            out.push(t.as_str().to_string());
        }
    }
    Ok(out)
}

/// Themes of a window of articles.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemesParams {
    /// First day of the window (YYYY-MM-DD): articles known from its close;
    /// default: 30 days before `to`, the window a story of the same date reads.
    pub from: Option<NaiveDate>,
    /// Last day of the window (YYYY-MM-DD); at most 366 days after `from`.
    pub to: NaiveDate,
    /// Articles a theme needs, 2 to 1000 (default 3).
    #[schemars(range(min = 2, max = 1000))]
    pub min_articles: Option<usize>,
    /// Words the theme should be about ("chip export"): only the best match is returned.
    pub query: Option<String>,
    /// Only themes with an article about this company (relevance 40 or more), e.g. BA.
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?$"))]
    pub ticker: Option<String>,
}

/// A theme story.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryParams {
    /// A theme id from the themes of the same window (`2013-06-19-fed-bernanke`).
    pub theme: Option<String>,
    /// Words to find the theme by, instead of an id.
    pub query: Option<String>,
    /// The story's date (YYYY-MM-DD): the window ends here and figures are as of its close.
    pub as_of: NaiveDate,
    /// First day of the window; default: 30 days before `as_of` (or the theme id's day, if earlier).
    pub from: Option<NaiveDate>,
}

impl StoryParams {
    /// The theme asked for: `theme` or `query`, exactly one.
    pub fn theme_ref(&self) -> crate::Result<crate::ThemeRef> {
        match (&self.theme, &self.query) {
            (Some(id), None) => Ok(crate::ThemeRef::Id(id.clone())),
            (None, Some(q)) => Ok(crate::ThemeRef::Query(q.clone())),
            _ => Err(crate::ServiceError::bad_input("give exactly one of `theme` and `query`")),
        }
    }
}

/// No parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// The highest (or lowest) scores of a date, optionally of one sector, within
/// thresholds on the score, its pillars, market cap and the change since the
/// previous month end.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListScoresParams {
    /// The close of this date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
    /// One GICS sector, e.g. "Financials" or "Health Care".
    #[serde(default)]
    #[schemars(schema_with = "sector_schema")]
    pub sector: Option<String>,
    /// Order by: alpha_score (default), momentum, value, quality, sentiment, market_cap, change or ticker.
    pub sort: Option<Sort>,
    /// desc (highest first; the default) or asc; tickers run A to Z unless desc is asked.
    pub order: Option<Order>,
    /// Only scores of at least this (0-100).
    #[schemars(range(max = 100))]
    pub min_score: Option<u8>,
    /// Only scores of at most this (0-100).
    #[schemars(range(max = 100))]
    pub max_score: Option<u8>,
    /// Only a momentum pillar score of at least this (0-100).
    #[schemars(range(max = 100))]
    pub min_momentum: Option<u8>,
    /// Only a value pillar score of at least this (0-100).
    #[schemars(range(max = 100))]
    pub min_value: Option<u8>,
    /// Only a quality pillar score of at least this (0-100).
    #[schemars(range(max = 100))]
    pub min_quality: Option<u8>,
    /// Only a sentiment pillar score of at least this (0-100).
    #[schemars(range(max = 100))]
    pub min_sentiment: Option<u8>,
    /// Only a market cap of at least this many US dollars (e.g. 10000000000 for $10 bn).
    #[schemars(range(min = 0.0, max = 1e15))]
    pub min_market_cap: Option<f64>,
    /// Only a market cap of at most this many US dollars.
    #[schemars(range(min = 0.0, max = 1e15))]
    pub max_market_cap: Option<f64>,
    /// Only an Alpha Score that moved at least this many points since the previous month end (-100 to 100).
    #[schemars(range(min = -100, max = 100))]
    pub min_change: Option<i16>,
    /// Only an Alpha Score that moved at most this many points since the previous month end (-100 to 100).
    #[schemars(range(min = -100, max = 100))]
    pub max_change: Option<i16>,
    /// Rows to return, 1 to 100 (default 20).
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<usize>,
    /// json (default) or csv (the HTTP API; other faces answer JSON).
    pub format: Option<ListFormat>,
}

/// What a screen is answered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListFormat {
    /// JSON rows.
    Json,
    /// A CSV file.
    Csv,
}

impl ListScoresParams {
    /// Every threshold within its range, and no lower bound above its upper.
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |m: String| Err(crate::ServiceError::bad_input(m));
        let scores = [
            ("min_score", self.min_score),
            ("max_score", self.max_score),
            ("min_momentum", self.min_momentum),
            ("min_value", self.min_value),
            ("min_quality", self.min_quality),
            ("min_sentiment", self.min_sentiment),
        ];
        if let Some((name, v)) = scores.iter().find_map(|(n, v)| v.filter(|x| *x > 100).map(|x| (n, x))) {
            return bad(format!("{name} must be 0 to 100, got {v}"));
        }
        for (name, v) in [("min_market_cap", self.min_market_cap), ("max_market_cap", self.max_market_cap)] {
            if let Some(v) = v.filter(|v| !(0.0..=1e15).contains(v)) {
                return bad(format!("{name} must be 0 to 1e15 US dollars, got {v}"));
            }
        }
        for (name, v) in [("min_change", self.min_change), ("max_change", self.max_change)] {
            if let Some(v) = v.filter(|v| !(-100..=100).contains(v)) {
                return bad(format!("{name} must be -100 to 100 points, got {v}"));
            }
        }
        if let (Some(lo), Some(hi)) = (self.min_score, self.max_score) {
            if lo > hi {
                return bad(format!("min_score {lo} is above max_score {hi}"));
            }
        }
        if let (Some(lo), Some(hi)) = (self.min_market_cap, self.max_market_cap) {
            if lo > hi {
                return bad(format!("min_market_cap {lo} is above max_market_cap {hi}"));
            }
        }
        if let (Some(lo), Some(hi)) = (self.min_change, self.max_change) {
            if lo > hi {
                return bad(format!("min_change {lo} is above max_change {hi}"));
            }
        }
        Ok(())
    }
}

/// One ticker's month-end Alpha Scores over a span.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreHistoryParams {
    /// The ticker symbol, e.g. AAPL.
    pub ticker: String,
    /// First month end considered (YYYY-MM-DD); default: two years before `to`.
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD); default: the latest date in the store.
    pub to: Option<NaiveDate>,
    /// The last trading day of each month (default), week or day.
    pub every: Option<alphadesk_score::Every>,
}

/// Several tickers side by side on one date.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareParams {
    /// 2 to 10 ticker symbols, e.g. ["AAPL", "MSFT"].
    pub tickers: Vec<String>,
    /// The close of this date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
}

/// Articles about one company.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsParams {
    /// The ticker symbol, e.g. AAPL.
    pub ticker: String,
    /// First day (YYYY-MM-DD): articles first known on or after it; default: no bound.
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD): articles first known by its close; default: the latest date in the store.
    pub to: Option<NaiveDate>,
    /// Least relevance to the company, 0 to 100 (default 40: articles about it; 0 adds passing mentions).
    #[schemars(range(max = 100))]
    pub min_relevance: Option<u8>,
    /// Articles returned, newest first, 1 to 100 (default 20).
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<usize>,
}

impl NewsParams {
    /// The query part, without the ticker.
    pub fn query(&self) -> NewsQuery {
        NewsQuery { from: self.from, to: self.to, min_relevance: self.min_relevance, limit: self.limit }
    }
}

/// Which articles about a company, for the routes that take the ticker from the path.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsQuery {
    /// First day (YYYY-MM-DD): articles first known on or after it; default: no bound.
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD): articles first known by its close; default: the latest date in the store.
    pub to: Option<NaiveDate>,
    /// Least relevance to the company, 0 to 100 (default 40: articles about it; 0 adds passing mentions).
    #[schemars(range(max = 100))]
    pub min_relevance: Option<u8>,
    /// Articles returned, newest first, 1 to 100 (default 20).
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<usize>,
}

/// A span of month-end scores, for the routes that take the ticker from the path.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// First month end considered (YYYY-MM-DD); default: two years before `to`.
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD); default: the latest date in the store. At most ten years after `from`.
    pub to: Option<NaiveDate>,
    /// The last trading day of each month (default), week or day; at most 600 dates.
    pub every: Option<alphadesk_score::Every>,
}

/// A panel of every ticker's scores over time.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelParams {
    /// First rebalance date considered (YYYY-MM-DD); default: two years before `to`.
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD); default: the latest date in the store. At most ten years after `from`.
    pub to: Option<NaiveDate>,
    /// Rebalance on the last trading day of each month (default), week or day; at most 600 dates.
    pub every: Option<alphadesk_score::Every>,
    /// One GICS sector, e.g. "Financials".
    #[serde(default)]
    #[schemars(schema_with = "sector_schema")]
    pub sector: Option<String>,
    /// json (default), csv or parquet; an `Accept` of text/csv or application/vnd.apache.parquet also chooses.
    pub format: Option<PanelFormat>,
}

/// How a panel is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PanelFormat {
    /// JSON rows.
    Json,
    /// A CSV file.
    Csv,
    /// A Parquet file.
    Parquet,
}

/// A GICS sector parameter: one of the eleven names (`Sector::from_label` also
/// reads a few aliases, which the document does not list).
fn sector_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut names: Vec<serde_json::Value> = alphadesk_model::Sector::ALL.iter().map(|s| s.name().into()).collect();
    names.push(serde_json::Value::Null);
    schemars::json_schema!({"type": ["string", "null"], "enum": names, "description": "One GICS sector, e.g. \"Financials\" or \"Health Care\"."})
}

/// The most rows a factor sent with a backtest request may have.
pub const MAX_FACTOR_ROWS: usize = 250_000;

/// A backtest asked over the API or by an agent: the specification, and your
/// own factor to evaluate beside the Alpha Score, as rows or as CSV text.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestParams {
    /// First rebalance date considered (YYYY-MM-DD); default: the record's
    /// first (2014-05-01), or ten years before `to` if later.
    pub from: Option<NaiveDate>,
    /// Last rebalance date considered (YYYY-MM-DD); default: the latest date in
    /// the store. Dates whose horizon runs past the last price are left out.
    /// At most ten years after `from`.
    pub to: Option<NaiveDate>,
    /// Forward return horizon, trading days (default 21).
    #[schemars(range(min = 1, max = 252))]
    pub horizon: Option<usize>,
    /// Also the IC and quintiles at each of these horizons (trading days), for
    /// the IC decay: at most 10.
    #[serde(default)]
    #[schemars(length(max = 10))]
    pub horizons: Vec<Horizon>,
    /// Rebalance on the last trading day of each month (default), week or day;
    /// at most 600 rebalance dates.
    pub rebalance: Option<alphadesk_score::Every>,
    /// Your factor as rows (higher values expected to do better): its figures
    /// sit beside the score's (`ic.factor`, `sector_neutral_ic.factor`,
    /// `own_factor`). A row on a day that is not a rebalance date, or for a
    /// ticker not scored that day, is counted as dropped, never moved.
    #[serde(default)]
    #[schemars(length(max = MAX_FACTOR_ROWS))]
    pub factor: Vec<FactorRow>,
    /// Your factor as the text of a CSV file with `date,ticker,value` columns
    /// (instead of `factor`).
    pub factor_csv: Option<String>,
}

/// A forward-return horizon in trading days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Horizon(#[schemars(range(min = 1, max = 252))] pub usize);

/// One value of a user's factor.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorRow {
    /// The rebalance date it ranks on (YYYY-MM-DD): known by that close.
    pub date: NaiveDate,
    /// The ticker symbol, e.g. AAPL.
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?$"))]
    pub ticker: String,
    /// The value; null is no value.
    pub value: Option<f64>,
}
