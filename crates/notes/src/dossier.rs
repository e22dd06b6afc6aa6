//! What alphadesk knows about one company on one date, every value with its sources.
//!
//! The dossier is the only thing a note may say: the composer writes from it and
//! the checker grounds any note's numbers against it. Everything in it was known
//! at the close of the note's date (the same point-in-time reads the score uses),
//! and every value names the records it came from, so a published number can be
//! traced to a filing's accession number, a price file's lines, an article, or the
//! score's configuration.

use std::collections::{BTreeSet, HashMap};

use alphadesk_fundamentals::FactsReport;
use alphadesk_model::{DocKind, Field, NaiveDate, Sector, TradeCode};
use alphadesk_score::metrics::{self, MetricId};
use alphadesk_score::panel::Member;
use alphadesk_score::{score, ScoreConfig, ScoreRecord, Universe};
use alphadesk_store::read::{self, FilingRef, SourceRef, StoredDocument};
use alphadesk_store::{Store, StoreError};
use chrono::{Datelike, Duration};

use crate::format;
use serde::Serialize;

/// How a source is written in a note's source list and found again by the checker.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Locator {
    /// An SEC accession number.
    Accession(String),
    /// A stored file, by its last three path components (machine-independent).
    File(String),
    Url(String),
    /// The score configuration hash: values alphadesk computed from stored data.
    Config(String),
    /// A regulation, by its CFR citation.
    Rule(String),
}

/// A record a value came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A periodic report, or any SEC filing with an accession number.
    Filing {
        form: Option<String>,
        accession: String,
        filed: Option<NaiveDate>,
        file: String,
    },
    /// Rows of a stored table or price file.
    File {
        what: String,
        file: String,
        first_line: Option<i64>,
        last_line: Option<i64>,
    },
    Article {
        title: String,
        url: Option<String>,
        /// The trading day on whose close it was first known (a source that gives
        /// only a date counts from the next trading day).
        known: NaiveDate,
        file: String,
        line: i64,
    },
    /// Social posts of one company, stored one day file per ticker.
    Posts {
        folder: String,
        count: usize,
        first: NaiveDate,
        last: NaiveDate,
    },
    /// The Alpha Score and the sector statistics computed with it.
    Score {
        config: String,
        as_of: NaiveDate,
    },
    Rule {
        citation: String,
        text: String,
    },
}

impl Source {
    /// The identifiers the checker resolves; a filing cited from companyfacts
    /// resolves by its accession and by the file.
    pub fn locators(&self) -> Vec<Locator> {
        match self {
            Source::Filing { accession, file, .. } => {
                vec![Locator::Accession(accession.clone()), Locator::File(file.clone())]
            }
            Source::File { file, .. } => vec![Locator::File(file.clone())],
            Source::Article { url: Some(u), .. } => vec![Locator::Url(u.clone())],
            Source::Article { file, .. } => vec![Locator::File(file.clone())],
            Source::Posts { folder, .. } => vec![Locator::File(folder.clone())],
            Source::Score { config, .. } => vec![Locator::Config(config.clone())],
            Source::Rule { citation, .. } => vec![Locator::Rule(citation.clone())],
        }
    }
}

pub use alphadesk_model::display_path;

/// A value and its kind: the kind decides how a written number can match it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    Usd(f64),
    /// A fraction: 0.123 is written `12.3%`.
    Percent(f64),
    Count(f64),
    Shares(f64),
    /// A dimensionless figure written as a decimal (tone, ratios).
    Ratio(f64),
    Date(NaiveDate),
    /// A look-back window in calendar units: `Window(3, 'm')` is "three months".
    Window(u32, char),
}

impl Value {
    /// The value as a note writes it (signs are the sentence's words).
    pub fn written(&self) -> String {
        match *self {
            Value::Usd(v) => format::usd(v),
            Value::Percent(v) => format::pct(v),
            Value::Count(v) => format::count(v as usize),
            Value::Shares(v) => format::shares(v),
            Value::Ratio(v) => format::signed(v),
            Value::Date(d) => format::date(d),
            Value::Window(n, unit) => format::window(n, unit),
        }
    }
}

pub type SourceId = usize;

/// One value alphadesk can stand behind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Datum {
    pub key: String,
    pub label: String,
    pub value: Value,
    pub sources: Vec<SourceId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trade {
    pub owner: String,
    pub code: TradeCode,
}

/// A linked article; its date is the datum `article_{i}_date`.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The headline as a reader sees it (`alphadesk_news::wire::clean_title`).
    pub title: String,
    pub tone: f64,
    pub salience: f64,
    pub source: SourceId,
    /// About the company: its headline names it, or its relevance to it is at
    /// the cut. Only such an article's headline is quoted under the company.
    pub about: bool,
}

/// A company's name without its legal form ("Apple" for "Apple Inc.",
/// "Exxon Mobil" for "Exxon Mobil Corp."): how wire copy names it.
pub fn short_name(name: &str) -> String {
    const FORMS: &[&str] = &[
        "inc",
        "inc.",
        "corp",
        "corp.",
        "corporation",
        "co",
        "co.",
        "company",
        "plc",
        "ltd",
        "ltd.",
        "limited",
        "llc",
        "lp",
        "l.p.",
        "n.v.",
        "s.a.",
        "ag",
        "se",
        "holdings",
        "group",
        "the",
        "&",
    ];
    let mut words: Vec<&str> = name.split_whitespace().collect();
    while words.len() > 1
        && words.last().is_some_and(|w| FORMS.contains(&w.trim_end_matches(',').to_lowercase().as_str()))
    {
        words.pop();
    }
    if words.len() > 1 && words[0].eq_ignore_ascii_case("the") {
        words.remove(0);
    }
    words.join(" ").trim_end_matches(',').to_string()
}

/// Whether `text` holds `phrase` as whole words.
fn holds_words(text: &str, phrase: &str) -> bool {
    !phrase.is_empty()
        && text.match_indices(phrase).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + phrase.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
        })
}

/// Whether a text names the company: its short name as whole words, or its
/// ticker as a word of its own ("GM is expected"), unless the ticker is also an
/// English word wire copy writes in capitals ("ALL", "IT").
pub fn names_company(text: &str, name: &str, ticker: &str) -> bool {
    const WORDS: &[&str] =
        &["A", "ALL", "ARE", "IT", "ON", "ANY", "CAN", "NOW", "SEE", "BIG", "KEY", "LOW", "CAT", "HAS", "WELL"];
    holds_words(text, &short_name(name)) || (ticker.len() >= 2 && !WORDS.contains(&ticker) && holds_words(text, ticker))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchDate {
    pub date: NaiveDate,
    pub what: String,
    pub kind: WatchKind,
    pub source: SourceId,
    /// The datum holding the date.
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WatchKind {
    /// The next periodic report, a year after the same report (its date is the
    /// datum `next_filing_basis`).
    Filing { form: String },
    /// The next 13F deadline (its quarter end is the datum `thirteen_f_quarter`).
    ThirteenF,
    /// A dated sentence of a linked article, quoted verbatim.
    Article { quote: String },
}

/// Watch items taken from one note's articles, at most.
const ARTICLE_WATCH: usize = 2;
/// An article's own watch items count only when the article is mostly about the subject.
const ARTICLE_WATCH_SALIENCE: f64 = 0.3;

/// Trading-day windows of the price paragraph, with how notes name them.
pub const WINDOWS: [(usize, u32, char); 4] = [(21, 1, 'm'), (63, 3, 'm'), (126, 6, 'm'), (252, 12, 'm')];
/// SEC Rule 13f-1: Form 13F is due within 45 days after each calendar quarter.
pub const THIRTEEN_F_DAYS: i64 = 45;
pub const THIRTEEN_F_RULE: &str = "17 CFR 240.13f-1";

#[derive(Debug, Clone)]
pub struct Dossier {
    pub ticker: String,
    pub name: String,
    pub sector: Sector,
    /// The note's date; data are those known at its close.
    pub as_of: NaiveDate,
    pub config_hash: String,
    pub record: ScoreRecord,
    /// The record about a month earlier, for changes.
    pub previous: Option<ScoreRecord>,
    pub other_classes: Vec<String>,
    pub sources: Vec<Source>,
    pub data: Vec<Datum>,
    index: HashMap<String, usize>,
    // What the composer needs beyond `data`: names, titles and the order of things.
    // Every number lives in `data` alone.
    /// Insiders' trades in the window, in the order of `trade_{i}_*` data.
    pub trades: Vec<Trade>,
    /// Linked articles in the window, in the order of `article_{i}_date` data.
    pub articles: Vec<Article>,
    pub watch: Vec<WatchDate>,
    pub price_source: Option<SourceId>,
    pub score_source: SourceId,
}

impl Dossier {
    pub fn get(&self, key: &str) -> Option<&Datum> {
        self.index.get(key).map(|&i| &self.data[i])
    }

    fn source(&mut self, s: Source) -> SourceId {
        if let Some(i) = self.sources.iter().position(|x| *x == s) {
            return i;
        }
        self.sources.push(s);
        self.sources.len() - 1
    }

    fn put(&mut self, key: impl Into<String>, label: impl Into<String>, value: Value, sources: Vec<SourceId>) {
        let key = key.into();
        if value_is_finite(&value) {
            self.index.insert(key.clone(), self.data.len());
            self.data.push(Datum { key, label: label.into(), value, sources });
        }
    }
}

fn value_is_finite(v: &Value) -> bool {
    match v {
        Value::Usd(x) | Value::Percent(x) | Value::Count(x) | Value::Shares(x) | Value::Ratio(x) => x.is_finite(),
        Value::Date(_) | Value::Window(..) => true,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("{0} is not in the scored universe (no priced security with a sector by that ticker)")]
    UnknownTicker(String),
    #[error("{ticker} has no fresh price on {as_of}: nothing current to write about")]
    NotScored { ticker: String, as_of: NaiveDate },
    #[error("{ticker} has too little data on {as_of} for a note: {statements} data-backed statement(s) for the key takeaways, a note needs {needed}")]
    TooLittleData { ticker: String, as_of: NaiveDate, statements: usize, needed: usize },
    #[error("theme {theme} has no article to write from")]
    NoArticles { theme: String },
    /// Every report of the theme forecasts a gain in its headline: no headline
    /// the story could own, so no story (an editor would not run one).
    #[error("theme {theme} has no headline to run: every report's headline predicts a gain or names a company the story does not cover")]
    NoHeadline { theme: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Everything computed once per date and shared by every note of that date.
pub struct Desk<'a> {
    pub store: &'a Store,
    pub universe: &'a Universe,
    pub cfg: &'a ScoreConfig,
    pub as_of: NaiveDate,
    records: HashMap<String, ScoreRecord>,
    previous: HashMap<String, ScoreRecord>,
    /// Median return per (sector, months) among the members with an Alpha Score.
    sector_returns: HashMap<(Sector, u32), f64>,
    /// Members with an Alpha Score, per sector.
    sector_counts: HashMap<Sector, usize>,
    config_hash: String,
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 })
}

/// How far back a note compares its scores ("a month ago": the trading day on
/// or before this many days before the date).
pub const MONTH_AGO_DAYS: i64 = 30;

impl<'a> Desk<'a> {
    /// The date a desk of `as_of` compares its scores with: the trading day on
    /// or before [`MONTH_AGO_DAYS`] earlier, on the calendar of `universe`.
    pub fn month_ago(universe: &Universe, as_of: NaiveDate) -> Option<NaiveDate> {
        universe.trading_day_on_or_before(as_of - Duration::days(MONTH_AGO_DAYS))
    }

    /// The as-of dates a desk of `as_of` scores: the date and its month-ago
    /// comparison's, on the calendar of `universe` (every load shares the
    /// calendar, so the service asks its index). A universe loaded for fewer
    /// would compare with a month without its prices and news. A note's "a
    /// year earlier" lines read further back, for its own ticker only
    /// ([`Universe::notes_timeline`]; [`Desk::window_for_all`] loads that for
    /// every ticker at once).
    pub fn window(universe: &Universe, as_of: NaiveDate) -> alphadesk_score::Window {
        alphadesk_score::Window::dates(Desk::month_ago(universe, as_of).unwrap_or(as_of), as_of)
    }

    /// [`Desk::window`] at notes' reach: what a desk that writes every ticker's
    /// note loads, once, instead of each note's ticker on its own
    /// ([`Universe::notes_timeline`]).
    pub fn window_for_all(universe: &Universe, as_of: NaiveDate) -> alphadesk_score::Window {
        Desk::window(universe, as_of).for_notes()
    }

    pub fn new(
        store: &'a Store,
        universe: &'a Universe,
        cfg: &'a ScoreConfig,
        as_of: NaiveDate,
    ) -> Result<Desk<'a>, StoreError> {
        let records = score(universe, as_of, cfg);
        let previous = Desk::month_ago(universe, as_of).map(|d| score(universe, d, cfg)).unwrap_or_default();
        Ok(Desk::with_scores(store, universe, cfg, as_of, &records, &previous))
    }

    /// [`Desk::new`] with the scores of the date and of its month-ago
    /// comparison ([`Desk::window`]'s first date) already computed — a service
    /// keeps them, and a desk per note would otherwise score every ticker twice.
    pub fn with_scores(
        store: &'a Store,
        universe: &'a Universe,
        cfg: &'a ScoreConfig,
        as_of: NaiveDate,
        scores: &[ScoreRecord],
        month_ago_scores: &[ScoreRecord],
    ) -> Desk<'a> {
        // A universe without the month-ago date would compare with a month
        // without its prices and news, without a word; the tests run in debug
        // builds.
        debug_assert!(
            universe.window.covers(&Desk::window(universe, as_of)),
            "a desk of {as_of} needs {}, the universe holds {}",
            Desk::window(universe, as_of),
            universe.window
        );
        let records: HashMap<String, ScoreRecord> = scores.iter().map(|r| (r.ticker.clone(), r.clone())).collect();
        let previous = month_ago_scores.iter().map(|r| (r.ticker.clone(), r.clone())).collect();
        let mut by_sector: HashMap<(Sector, u32), Vec<f64>> = HashMap::new();
        let mut sector_counts: HashMap<Sector, usize> = HashMap::new();
        for r in records.values().filter(|r| r.alpha_score.is_some()) {
            *sector_counts.entry(r.sector).or_default() += 1;
            let Some(m) = universe.member(&r.ticker) else { continue };
            let Some(idx) = m.prices.index_on_or_before(as_of) else { continue };
            for (bars, months, _) in WINDOWS {
                if let Some(x) = m.prices.return_over(idx, bars) {
                    by_sector.entry((r.sector, months)).or_default().push(x);
                }
            }
        }
        let sector_returns = by_sector.into_iter().filter_map(|(k, v)| Some((k, median(v)?))).collect();
        Desk { store, universe, cfg, as_of, records, previous, sector_returns, sector_counts, config_hash: cfg.hash() }
    }

    /// Tickers with a score record on the desk's date, sorted.
    pub fn tickers(&self) -> Vec<String> {
        let mut t: Vec<String> = self.records.keys().cloned().collect();
        t.sort();
        t
    }

    pub fn record(&self, ticker: &str) -> Option<&ScoreRecord> {
        self.records.get(&ticker.trim().to_ascii_uppercase())
    }

    pub fn dossier(&self, ticker: &str) -> Result<Dossier, NoteError> {
        let t = ticker.trim().to_ascii_uppercase();
        let m = self.universe.member(&t).ok_or_else(|| NoteError::UnknownTicker(t.clone()))?;
        let record =
            self.records.get(&t).cloned().ok_or(NoteError::NotScored { ticker: t.clone(), as_of: self.as_of })?;
        let mut d = Dossier {
            ticker: t.clone(),
            name: m.name_on(self.as_of).map(str::to_string).unwrap_or_else(|| t.clone()),
            sector: m.sector,
            as_of: self.as_of,
            config_hash: self.config_hash.clone(),
            previous: self.previous.get(&t).cloned(),
            record,
            other_classes: Vec::new(),
            sources: Vec::new(),
            data: Vec::new(),
            index: HashMap::new(),
            trades: Vec::new(),
            articles: Vec::new(),
            watch: Vec::new(),
            price_source: None,
            score_source: 0,
        };
        d.score_source = d.source(Source::Score { config: self.config_hash.clone(), as_of: self.as_of });
        d.other_classes = m.share_classes.clone();
        d.put("as_of", "date of the note", Value::Date(self.as_of), vec![d.score_source]);
        let members = self.sector_counts.get(&m.sector).copied().unwrap_or(0) as f64;
        d.put("sector_members", "stocks scored in the sector", Value::Count(members), vec![d.score_source]);
        if d.record.alpha_score.is_some() {
            d.put(
                "sector_peers",
                "other stocks scored in the sector",
                Value::Count(members - 1.0),
                vec![d.score_source],
            );
        }
        // The metrics behind the pillars, as the score computed them (`alphadesk
        // explain` traces each to its inputs).
        let metrics: Vec<(MetricId, f64)> = d.record.metrics.iter().filter_map(|m| Some((m.id, m.raw?))).collect();
        for (id, raw) in metrics {
            if let Some(value) = metric_value(id, raw) {
                d.put(format!("metric_{}", id.name()), id.describe(), value, vec![d.score_source]);
            }
        }
        self.prices(m, &mut d);
        let filings = match m.cik {
            Some(cik) => read::periodic_filings(self.store.conn(), cik)?,
            None => Vec::new(),
        };
        let steps = self.universe.notes_timeline(self.store, m, self.as_of)?;
        self.fundamentals(m, &steps, &filings, &mut d);
        self.insiders(m, &mut d);
        self.holdings(m, &mut d);
        self.news(m, &mut d)?;
        self.calendar(&filings, &mut d);
        Ok(d)
    }

    fn prices(&self, m: &Member, d: &mut Dossier) {
        let Some(idx) = m.prices.index_on_or_before(self.as_of) else { return };
        let first = idx.saturating_sub(WINDOWS[WINDOWS.len() - 1].0);
        // Every file the window's rows came from (a series extended by later files
        // cites each); the close of the day is in the last.
        let segments = m.prices.segments(first, idx);
        let mut srcs: Vec<SourceId> = segments
            .iter()
            .map(|(path, a, b)| {
                d.source(Source::File {
                    what: "Daily prices (adjusted for later splits and dividends)".into(),
                    file: display_path(path),
                    first_line: Some(*a),
                    last_line: Some(*b),
                })
            })
            .collect();
        let close_path = m.prices.path_at(idx);
        let close_at = segments.iter().position(|(p, ..)| *p == close_path).unwrap_or(0);
        let src = srcs[close_at];
        srcs.swap(0, close_at);
        d.price_source = Some(src);
        let day = m.prices.dates[idx];
        let close = m.prices.close[idx];
        if close.is_finite() {
            d.put("close", "adjusted close", Value::Usd(close), vec![src]);
            d.put("close_date", "date of the close", Value::Date(day), vec![src]);
        }
        for (bars, months, unit) in WINDOWS {
            let Some(r) = m.prices.return_over(idx, bars) else { continue };
            let sector = self.sector_returns.get(&(m.sector, months)).copied();
            d.put(format!("return_{months}m"), format!("{months}-month return"), Value::Percent(r), srcs.clone());
            d.put(format!("window_{months}m"), "look-back window", Value::Window(months, unit), srcs.clone());
            if let Some(s) = sector {
                d.put(
                    format!("sector_return_{months}m"),
                    format!("sector median {months}-month return"),
                    Value::Percent(s),
                    vec![d.score_source],
                );
                d.put(
                    format!("relative_return_{months}m"),
                    format!("{months}-month return minus the sector median"),
                    Value::Percent(r - s),
                    srcs.iter().copied().chain([d.score_source]).collect(),
                );
            }
        }
        if let Some((hi_i, hi)) = m.prices.high_over(idx, metrics::YEAR).filter(|(_, h)| *h > 0.0) {
            {
                let gap = m.prices.adj[idx] / hi - 1.0;
                d.put("from_52w_high", "distance from the 52-week closing high", Value::Percent(gap), srcs.clone());
                d.put(
                    "date_52w_high",
                    "date of the 52-week closing high",
                    Value::Date(m.prices.dates[hi_i]),
                    srcs.clone(),
                );
                d.put("window_52w", "52-week window", Value::Window(52, 'w'), srcs.clone());
            }
        }
    }

    fn field_source(
        &self,
        d: &mut Dossier,
        s: &SourceRef,
        filed: Option<NaiveDate>,
        filings: &[FilingRef],
    ) -> SourceId {
        match &s.accession {
            Some(a) => {
                let form = filings.iter().find(|f| &f.accession == a).map(|f| f.form.clone());
                d.source(Source::Filing { form, accession: a.clone(), filed, file: display_path(&s.path) })
            }
            None => d.source(Source::File {
                what: "Fundamentals table".into(),
                file: display_path(&s.path),
                first_line: s.line,
                last_line: s.line,
            }),
        }
    }

    /// `steps`: the member's fundamentals as far back as a note reads them
    /// ([`Universe::notes_timeline`]).
    fn fundamentals(&self, m: &Member, steps: &[FactsReport], filings: &[FilingRef], d: &mut Dossier) {
        let Some(now) = m.fundamentals(self.as_of) else { return };
        let known: Vec<&FactsReport> = steps.iter().filter(|r| r.as_of <= self.as_of).collect();
        // Every standard field known on the date (market cap is computed below, on
        // the close of the date, as the score computes it).
        for &key in alphadesk_fundamentals::FIELDS.iter().filter(|k| **k != Field::MarketCap) {
            let Some(f) = now.fields.get(&key) else { continue };
            let value = |v: f64| if key == Field::SharesOutstanding { Value::Shares(v) } else { Value::Usd(v) };
            let src = self.field_source(d, &f.source, f.filed, filings);
            if key.is_flow() {
                d.put("window_ttm", "trailing twelve months", Value::Window(12, 'm'), vec![src]);
            }
            d.put(key.as_str(), key.words(), value(f.value), vec![src]);
            d.put(format!("{key}_period_end"), "period end", Value::Date(f.period_end), vec![src]);
            if let Some(filed) = f.filed {
                d.put(format!("{key}_filed"), "filed", Value::Date(filed), vec![src]);
            }
            // The same line for the period a year before, as it was known then or since.
            let year_ago = known.iter().rev().find_map(|r| {
                let p = r.fields.get(&key)?;
                let gap = (f.period_end - p.period_end).num_days();
                ((350..=380).contains(&gap) && p.method == f.method).then(|| p.clone())
            });
            if let Some(p) = &year_ago {
                let psrc = self.field_source(d, &p.source, p.filed, filings);
                d.put(format!("{key}_year_ago"), format!("{key} a year earlier"), value(p.value), vec![psrc]);
                d.put(format!("{key}_year_ago_period_end"), "period end", Value::Date(p.period_end), vec![psrc]);
                if p.value > 0.0 && f.value > 0.0 {
                    d.put(
                        format!("{key}_change"),
                        format!("{key} change over a year"),
                        Value::Percent(f.value / p.value - 1.0),
                        vec![src, psrc],
                    );
                }
            }
        }
        let get = |k: Field| now.fields.get(&k);
        if let (Some(ni), Some(rev)) = (get(Field::NetIncomeTtm), get(Field::RevenueTtm)) {
            if rev.value > 0.0 {
                let s = vec![self.field_source(d, &ni.source, ni.filed, filings)];
                d.put("net_margin", "net margin", Value::Percent(ni.value / rev.value), s);
            }
        }
        if let (Some(ocf), Some(capex)) = (get(Field::OperatingCashFlowTtm), get(Field::CapexTtm)) {
            let s = vec![self.field_source(d, &ocf.source, ocf.filed, filings)];
            d.put("free_cash_flow_ttm", "free cash flow", Value::Usd(ocf.value - capex.value), s);
        }
        // Market cap as the score computes it: the close with later splits and
        // dividends undone, times the latest share count known.
        if let (Some(basis), Some((day, close)), Some(shares), Some(p)) =
            (&m.basis, m.prices.close_on_or_before(self.as_of), get(Field::SharesOutstanding), d.price_source)
        {
            if let Ok(mc) = basis.market_cap_value(close, day, self.as_of, shares) {
                let s = self.field_source(d, &shares.source, shares.filed, filings);
                d.put("market_cap", "market capitalisation", Value::Usd(mc), vec![p, s]);
            }
        }
    }

    fn insiders(&self, m: &Member, d: &mut Dossier) {
        let window = metrics::INSIDER_WINDOW_DAYS;
        let recent: Vec<_> = metrics::insider_window(&m.trades, self.as_of).collect();
        if recent.is_empty() {
            return;
        }
        d.put("window_insider", "insider window", Value::Window(window as u32, 'd'), vec![d.score_source]);
        let (mut sold, mut bought, mut sold_sh, mut bought_sh) = (0.0, 0.0, 0.0, 0.0);
        let mut owners = BTreeSet::new();
        let mut sources = Vec::new();
        for (i, t) in recent.iter().enumerate() {
            let src = match &t.source.accession {
                Some(a) => d.source(Source::Filing {
                    form: Some("4".into()),
                    accession: a.clone(),
                    filed: Some(t.filed),
                    file: display_path(&t.source.path),
                }),
                None => d.source(Source::File {
                    what: "Insider transaction report".into(),
                    file: display_path(&t.source.path),
                    first_line: None,
                    last_line: None,
                }),
            };
            sources.push(src);
            let owner = t.owner.clone().unwrap_or_else(|| "an unnamed insider".into());
            owners.insert(owner.clone());
            let value = t.shares * t.price;
            match t.code {
                TradeCode::Purchase => {
                    bought += value;
                    bought_sh += t.shares;
                }
                TradeCode::Sale => {
                    sold += value;
                    sold_sh += t.shares;
                }
            }
            d.put(format!("trade_{i}_shares"), "shares traded", Value::Shares(t.shares), vec![src]);
            d.put(format!("trade_{i}_price"), "trade price", Value::Usd(t.price), vec![src]);
            d.put(format!("trade_{i}_value"), "trade value", Value::Usd(value), vec![src]);
            d.put(format!("trade_{i}_filed"), "filed", Value::Date(t.filed), vec![src]);
            if let Some(td) = t.trade_date {
                d.put(format!("trade_{i}_date"), "trade date", Value::Date(td), vec![src]);
            }
            d.trades.push(Trade { owner, code: t.code });
        }
        sources.sort_unstable();
        sources.dedup();
        d.put("insider_trades", "open-market trades", Value::Count(recent.len() as f64), sources.clone());
        d.put("insiders", "insiders trading", Value::Count(owners.len() as f64), sources.clone());
        d.put("insider_sold", "value sold", Value::Usd(sold), sources.clone());
        d.put("insider_bought", "value bought", Value::Usd(bought), sources.clone());
        d.put("insider_sold_shares", "shares sold", Value::Shares(sold_sh), sources.clone());
        d.put("insider_bought_shares", "shares bought", Value::Shares(bought_sh), sources.clone());
        d.put("insider_net", "net bought", Value::Usd(bought - sold), sources);
    }

    /// The same 13F figure the sentiment pillar uses, with its filings.
    fn holdings(&self, m: &Member, d: &mut Dossier) {
        let Ok(ch) = metrics::institutional_change(&m.positions, self.as_of) else { return };
        let mut sources: Vec<SourceId> = ch
            .counted
            .iter()
            .map(|p| match &p.source.accession {
                Some(a) => d.source(Source::Filing {
                    form: Some("13F-HR".into()),
                    accession: a.clone(),
                    filed: None,
                    file: display_path(&p.source.path),
                }),
                None => d.source(Source::File {
                    what: "13F holdings report".into(),
                    file: display_path(&p.source.path),
                    first_line: None,
                    last_line: None,
                }),
            })
            .collect();
        sources.sort_unstable();
        sources.dedup();
        let (now, then) = (ch.shares_now, ch.shares_then);
        d.put("holdings_period", "13F period", Value::Date(ch.latest), sources.clone());
        d.put("holdings_previous_period", "previous 13F period", Value::Date(ch.previous), sources.clone());
        d.put(
            "holdings_managers",
            "managers reporting both periods",
            Value::Count(ch.managers as f64),
            sources.clone(),
        );
        d.put("holdings_shares", "13F shares held", Value::Shares(now), sources.clone());
        d.put("holdings_shares_before", "13F shares held before", Value::Shares(then), sources.clone());
        d.put("holdings_change", "change in 13F shares", Value::Shares(ch.change), sources.clone());
        if then > 0.0 {
            d.put("holdings_change_pct", "change in 13F shares", Value::Percent(now / then - 1.0), sources);
        }
    }

    fn news(&self, m: &Member, d: &mut Dossier) -> Result<(), NoteError> {
        let window = metrics::NEWS_WINDOW_DAYS;
        let signals = metrics::news_window(&m.news, self.as_of);
        if signals.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = signals.iter().map(|s| s.document_id).collect();
        let docs: HashMap<i64, StoredDocument> =
            read::documents_by_id(self.store.conn(), &ids)?.into_iter().map(|x| (x.id, x)).collect();
        // Versions of one report (an update, a wire duplicate) count once: the
        // latest is kept, the earlier ones are not cited, counted or quoted.
        let leads: HashMap<i64, String> = docs
            .values()
            .filter(|doc| doc.kind != DocKind::Post)
            .map(|doc| {
                let body = alphadesk_news::wire::clean(&doc.body);
                (doc.id, alphadesk_news::article::sentences(&body).into_iter().next().unwrap_or_default().to_string())
            })
            .collect();
        fn report<'a>(doc: &'a StoredDocument, leads: &'a HashMap<i64, String>) -> alphadesk_news::themes::Report<'a> {
            alphadesk_news::themes::Report {
                title: &doc.title,
                lead: leads.get(&doc.id).map(String::as_str).unwrap_or(""),
                known: doc.known_date,
            }
        }
        let articles: Vec<&StoredDocument> =
            signals.iter().filter_map(|s| docs.get(&s.document_id)).filter(|doc| doc.kind != DocKind::Post).collect();
        let superseded: std::collections::HashSet<i64> = articles
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                articles[i + 1..]
                    .iter()
                    .any(|b| b.id != a.id && alphadesk_news::themes::same_report(report(a, &leads), report(b, &leads)))
            })
            .map(|(_, a)| a.id)
            .collect();
        let mut posts: Vec<(&StoredDocument, f64)> = Vec::new();
        for s in signals {
            let Some(doc) = docs.get(&s.document_id) else { continue };
            if doc.kind == DocKind::Post {
                posts.push((doc, s.tone));
                continue;
            }
            if superseded.contains(&doc.id) {
                continue;
            }
            let src = d.source(Source::Article {
                title: doc.title.clone(),
                url: doc.url.clone(),
                known: doc.known_date,
                file: display_path(&doc.path),
                line: doc.line,
            });
            let i = d.articles.len();
            d.put(format!("article_{i}_date"), "day the article was known", Value::Date(doc.known_date), vec![src]);
            // The day it was published, where the source gives one (its first
            // close may be the next trading day's).
            if let Some(published) = doc.published_utc.get(..10).and_then(alphadesk_model::parse_date) {
                d.put(format!("article_{i}_published"), "article publication date", Value::Date(published), vec![src]);
            }
            // The text as a reader sees it: codes, datelines and slugs removed.
            let title = alphadesk_news::wire::clean_title(&doc.title);
            let body = alphadesk_news::wire::clean(&doc.body);
            if s.salience >= ARTICLE_WATCH_SALIENCE {
                for sentence in alphadesk_news::article::sentences(&body) {
                    let n = d.watch.iter().filter(|w| matches!(w.kind, WatchKind::Article { .. })).count();
                    if n >= ARTICLE_WATCH || sentence.chars().count() > alphadesk_news::article::MAX_QUOTE {
                        continue;
                    }
                    // A sentence filed under the company names it, or its headline does.
                    if !names_company(sentence, &d.name, &d.ticker) && !names_company(&title, &d.name, &d.ticker) {
                        continue;
                    }
                    let Some((_, Some(date))) = alphadesk_news::article::watch_cue(sentence, Some(doc.known_date))
                    else {
                        continue;
                    };
                    if date > self.as_of && (date - self.as_of).num_days() <= 366 {
                        let key = format!("article_watch_{n}");
                        d.put(key.clone(), "date named in an article", Value::Date(date), vec![src]);
                        d.watch.push(WatchDate {
                            date,
                            what: "a date named in a linked article".into(),
                            kind: WatchKind::Article { quote: sentence.trim().to_string() },
                            source: src,
                            key,
                        });
                    }
                }
            }
            let about = names_company(&title, &d.name, &d.ticker)
                || s.relevance.is_some_and(|r| r >= alphadesk_news::relevance::RELEVANT);
            d.articles.push(Article { title, tone: s.tone, salience: s.salience, source: src, about });
        }
        d.put("window_news", "news window", Value::Window(window as u32, 'd'), vec![d.score_source]);
        if !d.articles.is_empty() {
            let srcs: Vec<SourceId> = d.articles.iter().map(|a| a.source).collect();
            let n = d.articles.len() as f64;
            let tone = d.articles.iter().map(|a| a.tone).sum::<f64>() / n;
            d.put("articles", "linked articles", Value::Count(n), srcs.clone());
            d.put("article_tone", "mean article tone", Value::Ratio(tone), srcs);
        }
        if !posts.is_empty() {
            let folder = display_path(posts[0].0.path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or(&posts[0].0.path));
            let src = d.source(Source::Posts {
                folder,
                count: posts.len(),
                first: posts.iter().map(|p| p.0.known_date).min().unwrap_or(self.as_of),
                last: posts.iter().map(|p| p.0.known_date).max().unwrap_or(self.as_of),
            });
            let tone = posts.iter().map(|p| p.1).sum::<f64>() / posts.len() as f64;
            d.put("posts", "linked posts", Value::Count(posts.len() as f64), vec![src]);
            d.put("post_tone", "mean post tone", Value::Ratio(tone), vec![src]);
        }
        Ok(())
    }

    fn calendar(&self, filings: &[FilingRef], d: &mut Dossier) {
        // The next periodic report: a year after the same report last year, on the
        // same weekday (52 weeks), unless that report has already been filed.
        let mut next: Option<(NaiveDate, &FilingRef)> = None;
        for f in filings.iter().filter(|f| f.filed <= self.as_of && !f.form.ends_with("/A")) {
            let expected = f.filed + Duration::weeks(52);
            let already = filings
                .iter()
                .any(|g| g.form == f.form && g.filed > f.filed + Duration::days(300) && g.filed <= self.as_of);
            if expected > self.as_of && !already && next.is_none_or(|(e, _)| expected < e) {
                next = Some((expected, f));
            }
        }
        if let Some((date, f)) = next {
            let src = d.source(Source::Filing {
                form: Some(f.form.clone()),
                accession: f.accession.clone(),
                filed: Some(f.filed),
                file: display_path(&f.path),
            });
            d.put("next_filing_expected", format!("next {} expected", f.form), Value::Date(date), vec![src]);
            d.put("next_filing_basis", format!("{} a year earlier", f.form), Value::Date(f.filed), vec![src]);
            d.watch.push(WatchDate {
                date,
                what: format!("the next {}", f.form),
                kind: WatchKind::Filing { form: f.form.clone() },
                source: src,
                key: "next_filing_expected".into(),
            });
        }
        // The next 13F deadline after the note's date.
        let rule = d.source(Source::Rule {
            citation: THIRTEEN_F_RULE.into(),
            text: "SEC Rule 13f-1: Form 13F is due within 45 days after the end of each calendar quarter".into(),
        });
        let mut q = quarter_end_on_or_before(self.as_of);
        while q + Duration::days(THIRTEEN_F_DAYS) <= self.as_of {
            q = next_quarter_end(q);
        }
        let due = q + Duration::days(THIRTEEN_F_DAYS);
        d.put("thirteen_f_quarter", "quarter end", Value::Date(q), vec![rule]);
        d.put("thirteen_f_due", "13F deadline", Value::Date(due), vec![rule]);
        d.put("thirteen_f_days", "13F filing window", Value::Window(THIRTEEN_F_DAYS as u32, 'd'), vec![rule]);
        d.watch.push(WatchDate {
            date: due,
            what: format!("13F reports for the quarter ended {q}"),
            kind: WatchKind::ThirteenF,
            source: rule,
            key: "thirteen_f_due".into(),
        });
        d.watch.sort_by(|a, b| a.date.cmp(&b.date).then(a.what.cmp(&b.what)));
    }
}

/// How a metric is stated in a note: fractions as percentages, multiples as ratios.
/// Two are never stated: margin stability (a negative standard deviation reads as
/// nonsense in prose) and insider buying over market cap (too small to print).
pub fn metric_value(id: MetricId, raw: f64) -> Option<Value> {
    use MetricId::*;
    match id {
        BookToPrice | SalesToPrice => Some(Value::Ratio(raw)),
        NewsTone => Some(Value::Ratio(raw)),
        GrossMarginStability | InsiderNetBuying90d => None,
        _ => Some(Value::Percent(raw)),
    }
}

fn quarter_end_on_or_before(d: NaiveDate) -> NaiveDate {
    let q_month = (d.month0() / 3) * 3 + 3;
    let end = last_day(d.year(), q_month);
    if end <= d {
        end
    } else if q_month == 3 {
        last_day(d.year() - 1, 12)
    } else {
        last_day(d.year(), q_month - 3)
    }
}

fn next_quarter_end(q: NaiveDate) -> NaiveDate {
    if q.month() == 12 {
        last_day(q.year() + 1, 3)
    } else {
        last_day(q.year(), q.month() + 3)
    }
}

fn last_day(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid month") - Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarter_ends() {
        assert_eq!(quarter_end_on_or_before(d("2018-04-30")), d("2018-03-31"));
        assert_eq!(quarter_end_on_or_before(d("2018-03-31")), d("2018-03-31"));
        assert_eq!(quarter_end_on_or_before(d("2018-02-15")), d("2017-12-31"));
        assert_eq!(next_quarter_end(d("2017-12-31")), d("2018-03-31"));
        assert_eq!(next_quarter_end(d("2018-06-30")), d("2018-09-30"));
    }

    #[test]
    fn paths_print_without_the_machine_layout() {
        assert_eq!(display_path("/work/shared/data/market/prices/AAPL_data.csv"), "market/prices/AAPL_data.csv");
        assert_eq!(display_path("a/b"), "a/b");
        let url = "https://www.sec.gov/Archives/edgar/data/320193/000032019317000070/0000320193-17-000070.txt";
        assert_eq!(display_path(url), url);
    }
}
