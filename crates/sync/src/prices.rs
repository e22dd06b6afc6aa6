//! Daily bars from a price source the user brings: `alphadesk sync prices`.
//!
//! No free daily-bar source answers without a key any more, so a source is a
//! URL template with `{ticker}`, `{from}`, `{to}` and `{key}` in it, and a
//! format ([`PriceFormat`]). The key comes from the environment or the config
//! file, never from a command line that lands in shell history, and it never
//! leaves this module: every URL stored, reported or logged is the template's
//! with `{key}` left in place ([`PriceSource::shown`]).
//!
//! Each ticker is asked for the days from its stored last day on, so the first
//! day of the answer is one the store already holds: the store compares the
//! adjusted closes of the shared days and refuses an answer on another
//! adjustment basis (a dividend or split since the last sync re-bases the whole
//! history). A refused answer makes this ask for the ticker's whole history
//! once, which replaces the stored series on the source's new basis — what
//! Tiingo recommends when a row carries a dividend or split. An answer with no
//! day after the stored last is not stored at all.

use std::collections::BTreeMap;

use alphadesk_model::NaiveDate;

use crate::fetch::{Answer, Expect, Fetched, Fetcher};
use crate::sec::Failure;

/// How a source's answer is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PriceFormat {
    /// Tiingo's end-of-day JSON: as-traded prices, `adjClose`, and each row's
    /// `divCash` and `splitFactor`.
    Tiingo,
    /// A CSV download with `Date,Open,High,Low,Close,Volume` (the Stooq layout,
    /// prices adjusted as of the last row) or with an `Adj Close` column too.
    Csv,
}

impl PriceFormat {
    /// Its spelling in flags and the config.
    pub fn name(self) -> &'static str {
        match self {
            PriceFormat::Tiingo => "tiingo",
            PriceFormat::Csv => "csv",
        }
    }

    fn expect(self) -> Expect {
        match self {
            PriceFormat::Tiingo => Expect::Json,
            PriceFormat::Csv => Expect::PriceCsv,
        }
    }
}

impl std::str::FromStr for PriceFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tiingo" => Ok(PriceFormat::Tiingo),
            "csv" => Ok(PriceFormat::Csv),
            _ => Err(format!("expected tiingo or csv, got {s:?}")),
        }
    }
}

impl std::fmt::Display for PriceFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The first day asked for when a ticker's whole history is wanted: before any
/// source's first row.
pub const WHOLE_HISTORY_FROM: &str = "1970-01-01";

fn whole_history_from() -> NaiveDate {
    WHOLE_HISTORY_FROM.parse().expect("a date")
}

/// A price source: where a ticker's bars are, in which format, with which key.
#[derive(Clone)]
pub struct PriceSource {
    template: String,
    /// How its answers are laid out.
    pub format: PriceFormat,
    key: Option<String>,
}

impl std::fmt::Debug for PriceSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of every debug print too.
        f.debug_struct("PriceSource").field("template", &self.template).field("format", &self.format).finish()
    }
}

impl PriceSource {
    /// A source from its template; `key` fills `{key}`. Refused: a template
    /// that is not an http(s) URL, that does not name `{ticker}`, or that
    /// names `{key}` with no key given.
    pub fn new(template: &str, format: PriceFormat, key: Option<String>) -> Result<PriceSource, String> {
        let template = template.trim().to_string();
        if !(template.starts_with("https://") || template.starts_with("http://")) {
            return Err(format!("the price URL must be an http(s) URL template, got {template:?}"));
        }
        if !template.contains("{ticker}") && !template.contains("{ticker_lower}") {
            return Err(format!("the price URL names no {{ticker}} (or {{ticker_lower}}): {template:?}"));
        }
        let key = key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
        if template.contains("{key}") && key.is_none() {
            return Err(format!(
                "the price URL {template:?} needs a key: set ALPHADESK_PRICE_KEY or price_key in the config file (never on the command line)"
            ));
        }
        Ok(PriceSource { template, format, key })
    }

    /// The template filled for one ticker and range, with `{key}` as given.
    fn fill(&self, ticker: &str, from: NaiveDate, to: NaiveDate, key: &str) -> String {
        self.template
            .replace("{ticker}", ticker)
            .replace("{ticker_lower}", &ticker.to_ascii_lowercase())
            .replace("{from}", &from.to_string())
            .replace("{to}", &to.to_string())
            .replace("{key}", key)
    }

    /// The URL to ask.
    fn url(&self, ticker: &str, from: NaiveDate, to: NaiveDate) -> String {
        self.fill(ticker, from, to, self.key.as_deref().unwrap_or("{key}"))
    }

    /// The URL as stored, cited and reported: the key left as `{key}`.
    pub fn shown(&self, ticker: &str, from: NaiveDate, to: NaiveDate) -> String {
        self.fill(ticker, from, to, "{key}")
    }

    /// `text` with the key, wherever it appears, replaced by `{key}`.
    pub fn redact(&self, text: &str) -> String {
        match &self.key {
            Some(k) => text.replace(k.as_str(), "{key}"),
            None => text.to_string(),
        }
    }
}

/// What a price sync is asked to do.
#[derive(Debug, Clone)]
pub struct PricePlan {
    /// Tickers to sync (with `all`: every ticker with stored prices as well).
    pub tickers: Vec<String>,
    /// Every ticker with stored prices too.
    pub all: bool,
    /// Ask from this day instead of each ticker's stored last day.
    pub since: Option<NaiveDate>,
    /// The last day asked for (today, by default).
    pub until: NaiveDate,
    /// List the URLs (key elided) instead of fetching them.
    pub dry_run: bool,
}

/// What storing a price answer did.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceStored {
    /// Rows written: `new_from..=last` are days the store did not hold;
    /// `replaced` when the answer covered the stored series and took its place.
    New {
        /// Rows written.
        rows: u64,
        /// The first day the store did not hold.
        new_from: Option<NaiveDate>,
        /// The answer's last day.
        last: NaiveDate,
        /// Whether it took the stored series' place.
        replaced: bool,
        /// Dividends and splits its rows carry.
        actions: usize,
    },
    /// Not stored: no day after the stored last.
    NothingNew,
    /// The same answer was stored before.
    Unchanged,
    /// Refused: its adjusted closes are on another basis than the stored series'.
    OtherBasis(String),
    /// Not stored, and why.
    Failed(String),
}

/// Where a price sync's answers go.
pub trait PriceSink {
    /// Every stored series: ticker, first and last day.
    fn spans(&mut self) -> Vec<(String, NaiveDate, NaiveDate)>;
    /// Parses and stores an answer for `ticker`, recorded under `shown_url`;
    /// with `after`, an answer with no day after it is not stored.
    fn store_prices(
        &mut self,
        doc: &Fetched,
        shown_url: &str,
        ticker: &str,
        format: PriceFormat,
        after: Option<NaiveDate>,
    ) -> PriceStored;
}

/// What one ticker's sync did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct TickerPrices {
    /// Rows written (a replaced series counts every row).
    pub rows: u64,
    /// The first and last day the store did not hold before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_from: Option<NaiveDate>,
    /// (See `new_from`.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_to: Option<NaiveDate>,
    /// Dividends and splits the answer's rows carry.
    pub actions: usize,
    /// Why the stored series was replaced (on the source's adjustment basis):
    /// its whole history asked again after a refused answer, or an answer
    /// that covered every stored day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebased: Option<String>,
}

/// What a price sync did.
#[derive(Debug, Default, serde::Serialize)]
pub struct PriceReport {
    /// The source's URL template, its key elided.
    pub source: String,
    /// Its format.
    pub format: String,
    /// Tickers with new rows.
    pub tickers: BTreeMap<String, TickerPrices>,
    /// Tickers whose stored series already reaches the last weekday asked for.
    pub up_to_date: Vec<String>,
    /// Tickers asked whose answer held no new day, or the same bytes as before.
    pub nothing_new: Vec<String>,
    /// Requests, failures (URLs with the key elided), a dry run's URLs.
    #[serde(flatten)]
    pub tally: crate::fetch::Tally,
}

impl PriceReport {
    /// Whether a ticker's source gave nothing usable.
    pub fn failed(&self) -> bool {
        self.tally.failed()
    }
}

/// Whether a series ending on `last` may have a bar a source has by `until`:
/// a weekday after it (a holiday costs one request that brings nothing).
fn due(last: NaiveDate, until: NaiveDate) -> bool {
    use chrono::Datelike;
    let mut d = last.succ_opt();
    while let Some(day) = d.filter(|d| *d <= until) {
        if day.weekday().num_days_from_monday() < 5 {
            return true;
        }
        d = day.succ_opt();
    }
    false
}

/// Brings each ticker's bars up to `plan.until` from `source` (see the module
/// documentation), one request at a time at the fetcher's pace.
pub fn sync(fetcher: &Fetcher, source: &PriceSource, plan: &PricePlan, sink: &mut dyn PriceSink) -> PriceReport {
    let spans: BTreeMap<String, (NaiveDate, NaiveDate)> =
        sink.spans().into_iter().map(|(t, a, b)| (t, (a, b))).collect();
    let mut tickers: Vec<String> = plan.tickers.iter().map(|t| t.trim().to_ascii_uppercase()).collect();
    if plan.all {
        tickers.extend(spans.keys().cloned());
    }
    tickers.sort();
    tickers.dedup();
    let mut report =
        PriceReport { source: source.template.clone(), format: source.format.name().into(), ..PriceReport::default() };
    let total = tickers.len() as u64;
    for (i, ticker) in tickers.iter().enumerate() {
        if fetcher.stopping() {
            report.tally.stopped = true;
            break;
        }
        fetcher.progress("prices", i as u64, total);
        let span = spans.get(ticker).copied();
        if let (None, Some((_, last))) = (plan.since, span) {
            if !due(last, plan.until) {
                report.up_to_date.push(ticker.clone());
                continue;
            }
        }
        let from = plan.since.or(span.map(|(_, last)| last)).unwrap_or_else(whole_history_from);
        if plan.dry_run {
            report.tally.would_fetch.push(source.shown(ticker, from, plan.until));
            continue;
        }
        let after = span.map(|(_, last)| last);
        match ask(fetcher, source, ticker, from, plan.until, after, sink) {
            Err(f) => report.tally.failures.push(f),
            Ok(PriceStored::OtherBasis(why)) if span.is_some() => {
                // The source re-based its history since the stored one: take the
                // whole of it, once, on its new basis.
                match ask(fetcher, source, ticker, whole_history_from(), plan.until, after, sink) {
                    Ok(PriceStored::New { rows, new_from, last, actions, .. }) => {
                        let new_to = after.is_none_or(|a| last > a).then_some(last);
                        report.tickers.insert(
                            ticker.clone(),
                            TickerPrices {
                                rows,
                                new_from,
                                new_to,
                                actions,
                                rebased: Some(format!(
                                    "its whole history was asked again on the source's basis: {why}"
                                )),
                            },
                        );
                    }
                    Ok(PriceStored::NothingNew | PriceStored::Unchanged) => report.nothing_new.push(ticker.clone()),
                    Ok(PriceStored::OtherBasis(w) | PriceStored::Failed(w)) => report.tally.failures.push(Failure {
                        url: source.shown(ticker, whole_history_from(), plan.until),
                        why: source.redact(&w),
                        cik: None,
                    }),
                    Err(f) => report.tally.failures.push(f),
                }
            }
            Ok(PriceStored::New { rows, new_from, last, actions, replaced }) => {
                let rebased = replaced.then(|| {
                    "the answer covered every stored day and replaced the series, on its own basis".to_string()
                });
                let new_to = after.is_none_or(|a| last > a).then_some(last);
                report.tickers.insert(ticker.clone(), TickerPrices { rows, new_from, new_to, actions, rebased });
            }
            Ok(PriceStored::NothingNew | PriceStored::Unchanged) => report.nothing_new.push(ticker.clone()),
            Ok(PriceStored::OtherBasis(why) | PriceStored::Failed(why)) => report.tally.failures.push(Failure {
                url: source.shown(ticker, from, plan.until),
                why: source.redact(&why),
                cik: None,
            }),
        }
    }
    fetcher.progress("prices", total, total);
    report.tally.close(fetcher, |t| source.redact(t));
    report
}

/// Fetches one range of one ticker and stores it; a fetch that failed is a
/// failure naming the URL without the key.
#[allow(clippy::too_many_arguments)]
fn ask(
    fetcher: &Fetcher,
    source: &PriceSource,
    ticker: &str,
    from: NaiveDate,
    to: NaiveDate,
    after: Option<NaiveDate>,
    sink: &mut dyn PriceSink,
) -> Result<PriceStored, Failure> {
    let shown = source.shown(ticker, from, to);
    match fetcher.get(&source.url(ticker, from, to), source.format.expect(), None) {
        Ok(Answer::Body(mut doc)) => {
            doc.url = shown.clone();
            Ok(sink.store_prices(&doc, &shown, ticker, source.format, after))
        }
        // Asked without validators, a 304 cannot mean the stored copy.
        Ok(Answer::NotModified { .. }) => Ok(PriceStored::Unchanged),
        Err(e) => {
            // The error names its URL first; the failure names it once, shown.
            let text = e.to_string();
            let why = text.strip_prefix(&format!("{}: ", e.url())).unwrap_or(&text);
            Err(Failure { url: shown, why: source.redact(why), cik: None })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_key_fills_the_url_and_never_shows() {
        let s = PriceSource::new(
            "https://api.tiingo.com/tiingo/daily/{ticker_lower}/prices?startDate={from}&endDate={to}&token={key}",
            PriceFormat::Tiingo,
            Some("s3cr3t".into()),
        )
        .unwrap();
        let (a, b) = (day("2018-05-01"), day("2018-05-31"));
        assert_eq!(
            s.url("BRK-B", a, b),
            "https://api.tiingo.com/tiingo/daily/brk-b/prices?startDate=2018-05-01&endDate=2018-05-31&token=s3cr3t"
        );
        assert!(s.shown("BRK-B", a, b).ends_with("token={key}"));
        assert_eq!(s.redact("https://x/?token=s3cr3t: HTTP 500"), "https://x/?token={key}: HTTP 500");
        assert!(!format!("{s:?}").contains("s3cr3t"));
    }

    #[test]
    fn a_template_is_refused_without_its_ticker_its_key_or_a_scheme() {
        let no_key = PriceSource::new("https://x/{ticker}?token={key}", PriceFormat::Tiingo, None).unwrap_err();
        assert!(no_key.contains("ALPHADESK_PRICE_KEY"), "{no_key}");
        assert!(PriceSource::new("https://x/{ticker}?token={key}", PriceFormat::Tiingo, Some("  ".into())).is_err());
        assert!(PriceSource::new("https://x/prices.csv", PriceFormat::Csv, None).unwrap_err().contains("{ticker}"));
        assert!(PriceSource::new("ftp://x/{ticker}", PriceFormat::Csv, None).is_err());
        assert!(PriceSource::new("https://stooq.com/q/d/l/?s={ticker_lower}.us&i=d", PriceFormat::Csv, None).is_ok());
    }

    #[test]
    fn a_series_is_due_when_a_weekday_has_passed_since_its_last_bar() {
        // Friday's bar, asked on Saturday and Sunday: nothing due; on Monday: due.
        assert!(!due(day("2018-05-18"), day("2018-05-19")));
        assert!(!due(day("2018-05-18"), day("2018-05-20")));
        assert!(due(day("2018-05-18"), day("2018-05-21")));
        assert!(!due(day("2018-05-21"), day("2018-05-21")));
    }
}
