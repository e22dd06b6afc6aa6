//! What the service answers with: the shapes every face returns (the CLI prints
//! them as JSON, the HTTP API serves them, the MCP tools return them as
//! structured content). Each derives a JSON Schema, which is where the OpenAPI
//! document and the MCP tool schemas come from, so the three cannot disagree.

use alphadesk_model::NaiveDate;

// The types the views are made of, defined by the stages that compute them and
// re-exported here: a face (HTTP, MCP) names them through the service and
// depends on no stage crate (crates/alphadesk/tests/tidy.rs holds it).
pub use alphadesk_export::Table;
pub use alphadesk_fundamentals::{FactsReport, Field, FIELDS};
pub use alphadesk_news::signals::Derived;
pub use alphadesk_rules::{RulesConfig, Severity, Verdict};
pub use alphadesk_score::config::Direction;
pub use alphadesk_score::metrics::MetricId;
pub use alphadesk_score::{
    profile_sentence, provisional_words, tracking_sentence, Every, Pillar, ScoreConfig, ScoreRecord,
};
pub use alphadesk_store::read::SourceRef;
pub use alphadesk_store::{Counts, Outcome};
pub use alphadesk_validate::{
    Backtest, BacktestBrief, FactorBrief, FactorError, FactorValues, Figures, HorizonBrief, IcBrief,
    Spec as BacktestSpec, FACTOR, FACTORS,
};

/// Figures as a page writes them, the same words the notes use.
pub mod format {
    pub use alphadesk_notes::format::{grouped, metric};
}

use alphadesk_score::metrics::Evidence;
use alphadesk_score::ExplainedMetric;
/// The validation report's files (Markdown, SVG charts, JSON) for a backtest.
pub use alphadesk_validate::report::{files as report_files, with_se as percent_with_se, write as write_report};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A page of results.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Page<T> {
    /// How many results there are in all, before paging.
    pub total: usize,
    /// Results skipped before this page.
    pub offset: usize,
    /// Results per page asked for.
    pub limit: usize,
    /// This page's results.
    pub items: Vec<T>,
}

/// How to order a list of scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Highest Alpha Score first (unscored last), then ticker.
    #[default]
    AlphaScore,
    /// Highest momentum pillar first.
    Momentum,
    /// Highest value pillar first.
    Value,
    /// Highest quality pillar first.
    Quality,
    /// Highest sentiment pillar first.
    Sentiment,
    /// Market capitalisation at the close.
    MarketCap,
    /// The Alpha Score's change since the previous month end.
    Change,
    /// Alphabetical.
    Ticker,
}

/// Which way a list runs: `desc` (highest first, tickers Z to A) or `asc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Order {
    #[serde(rename = "desc")]
    /// Highest first.
    Descending,
    #[serde(rename = "asc")]
    /// Lowest first.
    Ascending,
}

impl std::str::FromStr for Order {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "desc" => Ok(Order::Descending),
            "asc" => Ok(Order::Ascending),
            other => Err(format!("unknown order {other:?}: expected asc or desc")),
        }
    }
}

impl Order {
    /// The order a list runs in unless asked: highest first, tickers A to Z.
    pub fn natural(sort: Sort) -> Order {
        if sort == Sort::Ticker {
            Order::Ascending
        } else {
            Order::Descending
        }
    }
}

impl std::str::FromStr for Sort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "alpha_score" | "score" => Sort::AlphaScore,
            "momentum" => Sort::Momentum,
            "value" => Sort::Value,
            "quality" => Sort::Quality,
            "sentiment" => Sort::Sentiment,
            "market_cap" => Sort::MarketCap,
            "change" => Sort::Change,
            "ticker" => Sort::Ticker,
            other => {
                return Err(format!(
                    "unknown sort {other:?}: expected alpha_score, momentum, value, quality, sentiment, market_cap, change or ticker"
                ))
            }
        })
    }
}

/// Scores of a date, filtered and paged.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoresView {
    /// The date asked about (default: the latest close).
    pub as_of: NaiveDate,
    /// The close the scores are computed at: the last trading day on or before
    /// `as_of`. It differs on a weekend, a holiday, or a date past the last price.
    pub price_date: NaiveDate,
    /// The score configuration's hash: every figure here was computed with it.
    pub config_hash: String,
    #[serde(flatten)]
    /// The page of records.
    pub page: Page<ScoreRecord>,
}

/// One ticker's Alpha Score with its explanation and every metric's sources.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TickerView {
    /// `as_of` is the date asked about.
    #[serde(flatten)]
    pub record: ScoreRecord,
    /// The close the score is computed at: the last trading day on or before
    /// `as_of`.
    pub price_date: NaiveDate,
    /// The two published sentences: the profile and the tracking sentence.
    pub explanation: [String; 2],
    /// Every configured metric with its inputs and sources.
    pub metrics: Vec<MetricView>,
    /// The score configuration's hash.
    pub config_hash: String,
}

/// One metric: its value, sector percentile, inputs and the records they came from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MetricView {
    #[serde(flatten)]
    /// The metric, its value, percentile and inputs.
    pub metric: ExplainedMetric,
    /// Every distinct record the inputs came from.
    pub sources: Vec<SourceRef>,
}

impl From<ExplainedMetric> for MetricView {
    fn from(metric: ExplainedMetric) -> MetricView {
        let mut sources: Vec<SourceRef> = Vec::new();
        for Evidence { source, .. } in &metric.inputs {
            if !sources.contains(source) {
                sources.push(source.clone());
            }
        }
        MetricView { metric, sources }
    }
}

/// A daily bar with the file and line it was read from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PriceBar {
    /// The trading day.
    pub date: NaiveDate,
    /// As-traded (split-adjusted) close where the file has one, else the adjusted close.
    pub close: Option<f64>,
    /// Split- and dividend-adjusted close, from which returns are computed.
    pub adj_close: Option<f64>,
    /// The stored file and line.
    pub source: SourceRef,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// A ticker's daily closes over a span.
pub struct PricesView {
    /// The ticker.
    pub ticker: String,
    /// First day asked for.
    pub from: NaiveDate,
    /// Last day asked for.
    pub to: NaiveDate,
    /// Highest and lowest close of the 52 weeks to `to`, where a year of prices exists.
    pub week52: Option<Range52>,
    /// Every bar in the span, oldest first.
    pub bars: Vec<PriceBar>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// The highest and lowest close of 52 weeks.
pub struct Range52 {
    /// The highest close.
    pub high: f64,
    /// Its day.
    pub high_date: NaiveDate,
    /// The lowest close.
    pub low: f64,
    /// Its day.
    pub low_date: NaiveDate,
}

/// A monthly Alpha Score, for a page's score history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScorePoint {
    /// The close scored.
    pub as_of: NaiveDate,
    /// 0-100, or null where the ticker was not scored that day.
    pub alpha_score: Option<u8>,
    /// Weak (0-39), Moderate (40-74) or Strong (75-100).
    pub category: Option<String>,
    /// The momentum pillar's score.
    pub momentum: Option<u8>,
    /// The value pillar's score.
    pub value: Option<u8>,
    /// The quality pillar's score.
    pub quality: Option<u8>,
    /// The sentiment pillar's score.
    pub sentiment: Option<u8>,
    /// Pillars that had data, of four (0 where the ticker was not scored).
    pub pillars_available: usize,
}

impl ScorePoint {
    /// The point of `as_of`, from the ticker's record that day (none: not scored).
    pub fn of(as_of: NaiveDate, r: Option<&ScoreRecord>) -> ScorePoint {
        let row = r.map(ScoreRow::from);
        ScorePoint {
            as_of,
            alpha_score: row.as_ref().and_then(|r| r.alpha_score),
            category: row.as_ref().and_then(|r| r.category.clone()),
            momentum: row.as_ref().and_then(|r| r.momentum),
            value: row.as_ref().and_then(|r| r.value),
            quality: row.as_ref().and_then(|r| r.quality),
            sentiment: row.as_ref().and_then(|r| r.sentiment),
            pillars_available: row.as_ref().map(|r| r.pillars_available).unwrap_or(0),
        }
    }
}

/// One ticker's month-end scores over a span.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoreHistory {
    /// The ticker.
    pub ticker: String,
    /// The scoring configuration every point was computed with.
    pub config_hash: String,
    /// The first date asked for.
    pub from: NaiveDate,
    /// The last date asked for.
    pub to: NaiveDate,
    /// The points are the last trading day of each month, week or day.
    pub every: alphadesk_score::Every,
    /// One point per rebalance date, oldest first.
    pub points: Vec<ScorePoint>,
}

/// One ticker's score in a list: the figures one compares, without the
/// per-pillar detail (a ticker's explanation has it).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoreRow {
    /// The ticker.
    pub ticker: String,
    /// The company's name in force on the date.
    pub name: Option<String>,
    /// GICS sector: the score ranks the ticker within it.
    pub sector: String,
    /// 0-100, or null when fewer pillars than the configuration needs had data.
    pub alpha_score: Option<u8>,
    /// Weak (0-39), Moderate (40-74) or Strong (75-100).
    pub category: Option<String>,
    /// The momentum pillar's score.
    pub momentum: Option<u8>,
    /// The value pillar's score.
    pub value: Option<u8>,
    /// The quality pillar's score.
    pub quality: Option<u8>,
    /// The sentiment pillar's score.
    pub sentiment: Option<u8>,
    /// Pillars that had data, of four.
    pub pillars_available: usize,
    /// Market capitalisation at the close, USD (null without a share count).
    pub market_cap: Option<f64>,
}

impl From<&ScoreRecord> for ScoreRow {
    fn from(r: &ScoreRecord) -> Self {
        use alphadesk_score::Pillar;
        let pillar = |p: Pillar| r.pillars.get(&p).and_then(|s| s.score);
        ScoreRow {
            ticker: r.ticker.clone(),
            name: r.name.clone(),
            sector: r.sector.name().to_string(),
            alpha_score: r.alpha_score,
            category: r.category.map(|c| c.word().to_string()),
            momentum: pillar(Pillar::Momentum),
            value: pillar(Pillar::Value),
            quality: pillar(Pillar::Quality),
            sentiment: pillar(Pillar::Sentiment),
            pillars_available: r.coverage.pillars_available,
            market_cap: r.market_cap,
        }
    }
}

/// Points a score moved from `before` to `after`; none unless both exist.
pub fn points_moved(before: Option<u8>, after: Option<u8>) -> Option<i16> {
    Some(i16::from(after?) - i16::from(before?))
}

/// Every ticker's Alpha Score at the month end before a close: what a
/// "change since last month" is measured from, by every list and page.
#[derive(Debug, Clone, Default)]
pub struct MonthAgo {
    /// The close compared from (none before the store's prices).
    pub date: Option<NaiveDate>,
    /// Each ticker's Alpha Score on that close.
    pub scores: std::collections::HashMap<String, u8>,
}

impl MonthAgo {
    /// How far `ticker`'s score `now` moved since then.
    pub fn change(&self, ticker: &str, now: Option<u8>) -> Option<i16> {
        points_moved(self.scores.get(ticker).copied(), now)
    }
}

/// A row of a screen: the score and its change since the previous month end.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScreenedRow {
    #[serde(flatten)]
    /// The ticker's score.
    pub score: ScoreRow,
    /// Alpha Score points gained (or lost) since `change_since`; null when it
    /// was not scored on one of the two dates.
    pub change: Option<i16>,
}

/// Stored articles about one company, newest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NewsView {
    /// The ticker.
    pub ticker: String,
    /// First day asked for (articles first known on or after it); none: no bound.
    pub from: Option<NaiveDate>,
    /// Last day: articles first known by its close.
    pub to: NaiveDate,
    /// Least relevance an article has to the company, 0–100 (40 and above: the
    /// article is about it; below: a passing mention).
    pub min_relevance: u8,
    /// Articles that matched in all; `articles` holds at most `limit` of them.
    pub matching: usize,
    /// The articles, newest first (at most `limit`).
    pub articles: Vec<NewsItem>,
}

/// One article as a reader sees it, with how it concerns the company.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NewsItem {
    /// The stored article's id (themes and stories cite articles by it).
    pub id: i64,
    /// The headline, wire slugs and exchange codes removed.
    pub title: String,
    /// The article's opening, dateline and exchange codes removed (at most 300
    /// characters, cut at a word).
    pub lead: String,
    /// When it was published, as the source gives it (UTC).
    pub published: String,
    /// The trading day it was first known: the first close it can move.
    pub known: NaiveDate,
    /// 0–100; null for an article linked before relevance was stored.
    pub relevance: Option<u8>,
    /// Tone toward the company, −1 (negative) to 1 (positive), from the lexicon model.
    pub tone: f64,
    /// The article's address, when the source gives one.
    pub url: Option<String>,
    /// The stored file it was read from and its line there.
    pub source: SourceRef,
}

/// Open-market insider trades (Form 4 codes P and S) known by a date.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InsidersView {
    /// The ticker.
    pub ticker: String,
    /// The date asked about: trades filed by its close.
    pub as_of: NaiveDate,
    /// The trades, newest first.
    pub trades: Vec<alphadesk_store::read::OpenMarketTrade>,
}

/// One manager's latest 13F position in the company known by a date, with the
/// change from its previous report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Holder {
    /// Manager CIK, or name when the report has none.
    #[schemars(with = "String")]
    pub manager: alphadesk_model::Manager,
    /// The quarter the position is for.
    pub period: NaiveDate,
    /// The day its report was filed.
    pub filed: NaiveDate,
    /// Shares held.
    pub shares: f64,
    /// Shares in the manager's previous report, if it has one.
    pub previous_shares: Option<f64>,
    /// The CUSIP the position is reported under.
    pub cusip: String,
    /// The report: file and accession.
    pub source: SourceRef,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// Each 13F manager's latest position in a company known by a date.
pub struct HoldersView {
    /// The ticker.
    pub ticker: String,
    /// The date asked about: reports filed by its close.
    pub as_of: NaiveDate,
    /// The managers, largest position first.
    pub holders: Vec<Holder>,
}

/// A ticker found by a search.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SearchHit {
    /// The ticker.
    pub ticker: String,
    /// The company's name.
    pub name: Option<String>,
    /// Its GICS sector.
    pub sector: Option<String>,
    /// Whether it is in the scored universe (priced, with a sector).
    pub scored: bool,
}

impl SearchHit {
    /// A scored member as a search lists it, under its latest name.
    pub(crate) fn of(m: &alphadesk_score::panel::Member) -> SearchHit {
        SearchHit {
            ticker: m.ticker.clone(),
            name: m.dated_names.last().map(|(_, n)| n.clone()).or_else(|| m.name.clone()),
            sector: Some(m.sector.name().to_string()),
            scored: true,
        }
    }
}

/// A research note and the checker's verdict on it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NoteView {
    /// `TICKER-YYYY-MM-DD`.
    pub id: String,
    /// The subject.
    pub ticker: String,
    /// The date asked about.
    pub as_of: NaiveDate,
    /// The close the note is written at (the one its id names): the last
    /// trading day on or before `as_of`.
    pub price_date: NaiveDate,
    /// The note's headline.
    pub headline: String,
    /// The note as published (what the checker reads).
    pub markdown: String,
    /// The note's body as HTML (escaped text, citation links).
    pub html: String,
    /// The checker's verdict on the Markdown.
    pub verdict: alphadesk_rules::Verdict,
    /// Every claim with its value and sources (the note's JSON rendering).
    pub note: serde_json::Value,
}

/// The themes of a window of articles, largest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ThemesView {
    /// First day of the window of articles.
    pub from: NaiveDate,
    /// Last day of the window.
    pub to: NaiveDate,
    /// The themes.
    pub themes: Vec<ThemeView>,
}

/// A theme: articles of a window grouped by what they are about.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ThemeView {
    /// The theme's first day and leading terms (`2013-06-19-fed-bernanke`);
    /// stable for the same window of articles.
    pub id: String,
    /// Its key phrases.
    pub label: String,
    /// The days its first and last article were known.
    pub from: NaiveDate,
    /// (See `from`.)
    pub to: NaiveDate,
    /// Article ids, oldest first.
    pub articles: Vec<i64>,
    /// Companies its articles are about, most relevant first.
    pub companies: Vec<ThemeCompanyView>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// A company a theme's articles are about.
pub struct ThemeCompanyView {
    /// The ticker.
    pub ticker: String,
    /// The company's name.
    pub name: Option<String>,
    /// Mean relevance of the theme's articles to it, 0-100 (an article that
    /// does not name it counts 0).
    pub relevance: u8,
    /// Articles of the theme about it (relevance at least 40).
    pub articles: usize,
}

/// A theme story and the checker's verdict on it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StoryView {
    /// `THEME@YYYY-MM-DD`.
    pub id: String,
    /// The theme's id.
    pub theme: String,
    /// The theme's key phrases.
    pub label: String,
    /// The close the story is written as of.
    pub as_of: NaiveDate,
    /// The days its first and last article were known.
    pub from: NaiveDate,
    /// (See `from`.)
    pub to: NaiveDate,
    /// Its subjects: the companies given a paragraph.
    pub tickers: Vec<String>,
    /// The story's headline.
    pub headline: String,
    /// The story as published (what the checker reads).
    pub markdown: String,
    /// The story's body as HTML.
    pub html: String,
    /// The checker's verdict on the Markdown.
    pub verdict: alphadesk_rules::Verdict,
    /// Every claim with its value and sources.
    pub story: serde_json::Value,
}

impl StoryView {
    /// The story as a standalone HTML page, titled with its headline and date.
    pub fn page(&self) -> String {
        alphadesk_notes::render::page(&alphadesk_notes::render::story_title(&self.headline, self.as_of), &self.html)
    }
}

/// The `as_of:` a note's front matter states, as written; `None` when it
/// states none.
pub fn front_matter_as_of(markdown: &str) -> Option<String> {
    alphadesk_rules::note::parse(markdown).front.get("as_of").map(|(v, _)| v.clone())
}

/// A note in a list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NoteSummary {
    /// `TICKER-YYYY-MM-DD`.
    pub id: String,
    /// The subject.
    pub ticker: String,
    /// The close the note is written at.
    pub as_of: NaiveDate,
    /// The note's headline.
    pub headline: String,
    /// Whether the checker passed it.
    pub passed: bool,
}

impl From<&NoteView> for NoteSummary {
    fn from(n: &NoteView) -> NoteSummary {
        NoteSummary {
            id: n.id.clone(),
            ticker: n.ticker.clone(),
            as_of: n.price_date,
            headline: n.headline.clone(),
            passed: n.verdict.passed,
        }
    }
}

/// The service's state, for health checks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// The store's generation: every write raises it.
    pub generation: i64,
    /// Tickers in the scored universe.
    pub tickers: usize,
    /// The date questions without one are about: the latest close at least half
    /// of the universe has.
    pub latest_date: Option<NaiveDate>,
    /// The latest close of any ticker (after `latest_date` when a few tickers
    /// were ingested ahead of the rest).
    pub newest_price_date: Option<NaiveDate>,
    /// Tickers whose last close is before `latest_date` (stale or delisted).
    pub tickers_behind: usize,
    /// Tickers with closes after `latest_date`.
    pub tickers_ahead: Vec<String>,
    /// The score configuration in use.
    pub config_hash: String,
}

/// What every face says when the close a date's price-based values use is not
/// the date itself (a weekend, a holiday, a date past the last price), or when
/// there is none; `None` when the date has its own close.
pub fn price_date_sentence(as_of: NaiveDate, price_date: Option<NaiveDate>) -> Option<String> {
    match price_date {
        Some(p) if p == as_of => None,
        Some(p) => Some(format!(
            "{as_of} has no close in the store: price-based figures (the score, returns, market cap) use the close of {p}, the last on or before it; filings, insider trades and holdings are as known on {as_of}."
        )),
        None => Some(format!(
            "The store has no price on or before {as_of}: price-based figures are missing; filings are as known on {as_of}."
        )),
    }
}

/// Tickers side by side on one date.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Comparison {
    /// The close the scores are of.
    pub as_of: NaiveDate,
    /// The score configuration's hash.
    pub config_hash: String,
    /// One row per ticker asked, in the order asked.
    pub rows: Vec<ComparedRow>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// One ticker of a comparison.
pub struct ComparedRow {
    #[serde(flatten)]
    /// The ticker's score.
    pub score: ScoreRow,
    /// The published sentence that says why ("Alpha Score of 68 reflects ...").
    pub explanation: String,
}

/// A screen of a date's scores, filtered and ordered.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoreList {
    /// The close the scores are of.
    pub as_of: NaiveDate,
    /// The close each row's `change` is measured from: the last trading day of
    /// the month before.
    pub change_since: Option<NaiveDate>,
    /// The score configuration's hash.
    pub config_hash: String,
    /// Rows that matched the sector and thresholds (before `limit`).
    pub matching: usize,
    /// The rows, in the order asked (at most `limit`).
    pub rows: Vec<ScreenedRow>,
}

/// Every ticker's scores (one sector or all) at each rebalance date, with the
/// raw value of each metric: the panel a quant loads in one request.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PanelView {
    /// The score configuration's hash.
    pub config_hash: String,
    /// First date asked for.
    pub from: NaiveDate,
    /// Last date asked for.
    pub to: NaiveDate,
    /// How often: month ends, week ends or days.
    pub every: alphadesk_score::Every,
    /// The rebalance dates, oldest first.
    pub dates: Vec<NaiveDate>,
    /// The metrics whose raw values each row carries, in the configuration's order.
    pub metrics: Vec<String>,
    /// One row per ticker and date.
    pub rows: Vec<PanelRow>,
}

/// One ticker on one date.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PanelRow {
    /// The rebalance date.
    pub as_of: NaiveDate,
    #[serde(flatten)]
    /// The ticker's score.
    pub score: ScoreRow,
    /// Each metric's raw value (before winsorising and ranking), null without data.
    pub raw: std::collections::BTreeMap<String, Option<f64>>,
}

/// How a ticker's Alpha Score moved since the previous month end, and the
/// metrics that moved it most.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoreChange {
    /// The ticker.
    pub ticker: String,
    /// The close compared from: the last trading day of the month before.
    pub from: NaiveDate,
    /// The close compared to.
    pub to: NaiveDate,
    /// The Alpha Score at `from`.
    pub before: Option<u8>,
    /// The Alpha Score at `to`.
    pub after: Option<u8>,
    /// Each pillar's move.
    pub pillars: Vec<PillarMove>,
    /// Metrics whose value or sector percentile moved, the largest weighted
    /// percentile move first.
    pub metrics: Vec<MetricMove>,
    /// What moved, in plain words.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// One pillar's score at both closes.
pub struct PillarMove {
    /// The pillar.
    pub pillar: alphadesk_score::Pillar,
    /// Its score at the earlier close.
    pub before: Option<u8>,
    /// Its score at the later close.
    pub after: Option<u8>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// One metric's move between two closes.
pub struct MetricMove {
    /// The metric.
    pub metric: alphadesk_score::metrics::MetricId,
    /// Its pillar.
    pub pillar: alphadesk_score::Pillar,
    /// Its name as a page shows it.
    pub title: String,
    /// Its value at the earlier close.
    pub raw_before: Option<f64>,
    /// Its value at the later close.
    pub raw_after: Option<f64>,
    /// Rank within the sector, 0-100 (100: best in the sector for the score).
    pub percentile_before: Option<f64>,
    /// (See `percentile_before`.)
    pub percentile_after: Option<f64>,
    /// Its share of a full score's weight (the pillar's weight over the sum of
    /// the pillars', split evenly among the pillar's metrics).
    pub weight: f64,
}

/// The stories of a window in brief: what an index page lists.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StoryIndex {
    /// The close the stories are written as of.
    pub as_of: NaiveDate,
    /// The first day of the window of articles.
    pub from: NaiveDate,
    /// Largest theme first.
    pub stories: Vec<StorySummary>,
    /// Themes no story was written on, each with the reason.
    pub withheld: Vec<WithheldTheme>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// A theme story in a list.
pub struct StorySummary {
    /// `THEME@YYYY-MM-DD`.
    pub id: String,
    /// The theme's key phrases.
    pub label: String,
    /// The story's headline.
    pub headline: String,
    /// Its subjects: the companies given a paragraph.
    pub tickers: Vec<String>,
    /// Whether the checker passed it.
    pub passed: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
/// A theme no story was written on.
pub struct WithheldTheme {
    /// The theme's id.
    pub theme: String,
    /// Why.
    pub reason: String,
}

/// What the syncs since a day (default: the last sync) brought.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChangesView {
    /// The day asked for (UTC); none: the last sync only.
    pub since: Option<NaiveDate>,
    /// Each sync that stored something, oldest first.
    pub runs: Vec<SyncChanges>,
}

/// What one sync brought, read from the documents it stored.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SyncChanges {
    /// When the sync finished (RFC 3339, UTC).
    pub finished_at: String,
    /// Which source: sec, prices or news.
    pub what: String,
    /// The store's last close before and after the sync.
    pub last_close_before: Option<NaiveDate>,
    /// (See `last_close_before`.)
    pub last_close_after: Option<NaiveDate>,
    /// Filings it stored (from companies' submissions), newest first: the
    /// first 100 and how many in all.
    pub filings: Vec<FilingChange>,
    /// How many filings it stored.
    pub filings_total: usize,
    /// Open-market insider trades (codes P and S) it stored.
    pub trades: Vec<TradeChange>,
    /// How many trades it stored.
    pub trades_total: usize,
    /// Articles it stored, with the companies the news stage linked them to.
    pub articles: Vec<ArticleChange>,
    /// How many articles it stored.
    pub articles_total: usize,
    /// Alpha Scores that moved by 10 points or more from the last close before
    /// the sync to the last close after it, the largest move first.
    pub moves: Vec<ScoreMove>,
    /// The service has not loaded the new close yet: the moves follow on a
    /// later request.
    pub moves_pending: bool,
}

/// A filing a sync stored.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FilingChange {
    /// The filer's ticker, when the store knows it.
    pub ticker: Option<String>,
    /// The filer's CIK.
    pub cik: i64,
    /// The form type (10-K, 4, 13F-HR, …).
    pub form: String,
    /// The day it was filed.
    pub filed: NaiveDate,
    /// The accession number.
    pub accession: String,
}

/// An open-market insider trade a sync stored.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TradeChange {
    /// The issuer's ticker, when the store knows it.
    pub ticker: Option<String>,
    /// The reporting owner's name.
    pub owner: Option<String>,
    /// P (purchase) or S (sale).
    pub code: alphadesk_model::TradeCode,
    /// Shares traded.
    pub shares: Option<f64>,
    /// Price per share, USD.
    pub price: Option<f64>,
    /// The day the Form 4 was filed.
    pub filed: Option<NaiveDate>,
    /// The Form 4's accession number.
    pub accession: Option<String>,
}

/// An article a sync stored.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ArticleChange {
    /// The headline.
    pub title: String,
    /// Where it was published.
    pub url: Option<String>,
    /// The trading day whose close first includes it.
    pub known: NaiveDate,
    /// Companies the news stage linked it to.
    pub tickers: Vec<String>,
}

/// An Alpha Score that moved across a sync.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoreMove {
    /// The ticker.
    pub ticker: String,
    /// The closes compared: the last before the sync and the last after it.
    pub from: NaiveDate,
    /// (See `from`.)
    pub to: NaiveDate,
    /// The Alpha Score at `from`.
    pub before: u8,
    /// The Alpha Score at `to`.
    pub after: u8,
    /// after - before.
    pub points: i16,
    /// The metric whose weighted sector percentile moved most.
    pub metric: Option<String>,
    /// What moved, in plain words.
    pub summary: String,
}

/// Everything one stock page shows, answered from one snapshot of the store
/// ([`crate::Service::stock_page`]): a page never mixes two generations.
#[derive(Debug, Clone)]
pub struct StockPage {
    /// The ticker's score, explanation and metrics.
    pub view: std::sync::Arc<TickerView>,
    /// The latest close of the universe (the page says when it shows another).
    pub latest: Option<NaiveDate>,
    /// The filer's CIK (for links to EDGAR).
    pub cik: Option<i64>,
    /// The year of closes to the close the chart draws.
    pub prices: PricesView,
    /// Month-end scores over the two years to the close.
    pub history: Vec<ScorePoint>,
    /// Against the previous month end; none in a first month.
    pub change: Option<ScoreChange>,
    /// The ticker's sector neighbours by market cap.
    pub peers: Option<ScoreList>,
    /// Fundamentals known at the close.
    pub facts: alphadesk_fundamentals::FactsReport,
    /// Open-market insider trades.
    pub insiders: InsidersView,
    /// 13F holders.
    pub holders: HoldersView,
    /// The ticker's notes at the close and the three month ends before.
    pub notes: Vec<NoteSummary>,
    /// Stored articles about the company.
    pub news: NewsView,
    /// The stories of the month to the close that give this stock a paragraph.
    pub stories: Vec<StorySummary>,
    /// The backtest's figures stated beside the score.
    pub figures: std::sync::Arc<Figures>,
    /// Whether the figures are the configuration of record's.
    pub of_record: bool,
}
