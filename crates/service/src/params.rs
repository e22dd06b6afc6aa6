//! What each question takes: the one set of parameter types that the HTTP API
//! reads from query strings and bodies, the MCP tools read from their arguments,
//! and both document (OpenAPI parameters and tool input schemas come from these
//! JSON Schemas). A field a face does not know is an error, not a silent default.

use alphadesk_model::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::Sort;

/// Scores of a date.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TickersParams {
    /// The close of this date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
    /// One GICS sector, e.g. "Financials" or "Health Care".
    pub sector: Option<String>,
    /// Order: alpha_score (default, highest first), momentum, value, quality, sentiment or ticker.
    pub sort: Option<Sort>,
    /// Results per page, 1 to 500 (default 50).
    pub limit: Option<usize>,
    /// Results to skip (default 0).
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
    pub q: String,
    /// Most hits returned, 1 to 500 (default 20).
    pub limit: Option<usize>,
}

/// A list of notes of a date.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotesParams {
    /// The publication date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
    /// Results per page, 1 to 500 (default 50).
    pub limit: Option<usize>,
    /// Results to skip (default 0).
    pub offset: Option<usize>,
}

/// A note by its id, or by ticker and date.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteParams {
    /// `TICKER-YYYY-MM-DD`; or give `ticker` (and `as_of`).
    pub id: Option<String>,
    pub ticker: Option<String>,
    /// The note's date (YYYY-MM-DD); default: the latest date in the store.
    pub as_of: Option<NaiveDate>,
}

/// A note to check against the publishing rules.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckParams {
    /// The note, in Markdown (at most 1 MiB).
    pub markdown: String,
    /// Publication date (YYYY-MM-DD); default: the note's `as_of` front matter, else the latest date.
    pub as_of: Option<NaiveDate>,
    /// The note's subject; default: front matter, else the first `Company (TICKER)`.
    pub ticker: Option<String>,
}

/// Where to check a note posted as a raw body.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    /// Publication date (YYYY-MM-DD); default: the note's `as_of` front matter, else the latest date.
    pub as_of: Option<NaiveDate>,
    /// The note's subject; default: front matter, else the first `Company (TICKER)`.
    pub ticker: Option<String>,
}

/// No parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}
