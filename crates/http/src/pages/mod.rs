//! Server-rendered pages: the leaderboard and the screener, a page per stock,
//! notes and stories, the validation report and the method. Compile-time
//! templates (`maud`), one stylesheet served by the binary, no scripts, no
//! remote assets: every page works offline. Each page is a thin view of service
//! answers; the numbers are the ones the API and the CLI give.
//!
//! - [`lists`]: the leaderboard, the screener, search;
//! - [`stock`]: one stock (score and its reasons, what changed, peers, news);
//! - [`reading`]: notes and stories, their indexes, themes;
//! - [`report`]: validation and methodology.

mod lists;
mod reading;
mod report;
mod stock;

pub use lists::{compare, leaderboard, screen, screener, search};
pub use reading::{note, notes, stories, story, themes};
pub use report::{methodology, validation};
pub use stock::stock;

use alphadesk_service::SourceRef;
use alphadesk_service::{Pillar, ScoreRecord};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::error::ApiError;

/// The one stylesheet every page links (`/static/site.css`).
pub const CSS: &str = include_str!("site.css");
const DISCLAIMER: &str = "Educational coverage, not personalized advice.";

/// An error as a page (the API answers errors in JSON).
pub struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let title = if e.status == StatusCode::NOT_FOUND { "Not found" } else { "Cannot show this page" };
        (
            e.status,
            Html(
                layout(
                    title,
                    html! { h1 { (title) } p { (e.message) } p { a href="/" { "Back to the leaderboard" } } },
                )
                .into_string(),
            ),
        )
            .into_response()
    }
}

pub(crate) type PageResult = Result<Html<String>, PageError>;

pub(crate) fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · alphadesk" }
                link rel="stylesheet" href="/static/site.css";
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.site {
                    div.wrap {
                        a.brand href="/" { "alphadesk" }
                        nav aria-label="Main" {
                            ul {
                                li { a href="/" { "Leaderboard" } }
                                li { a href="/screen" { "Screener" } }
                                li { a href="/compare" { "Compare" } }
                                li { a href="/stories" { "Stories" } }
                                li { a href="/notes" { "Notes" } }
                                li { a href="/validation" { "Validation" } }
                                li { a href="/methodology" { "Methodology" } }
                                li { a href="/api/v1/openapi.json" { "API" } }
                            }
                        }
                        form.search role="search" method="get" action="/search" {
                            label for="search-q" { "Find a stock" }
                            input id="search-q" type="search" name="q" placeholder="Ticker or company" maxlength="100";
                            button type="submit" { "Search" }
                        }
                    }
                }
                main id="main" { (body) }
                footer.site {
                    div.wrap {
                        p { (DISCLAIMER) " Alpha Scores rank a stock within its sector on data known at a date's close; they are not forecasts. Every figure links to the record it came from." }
                    }
                }
            }
        }
    }
}

pub(crate) fn label_class(score: Option<u8>) -> &'static str {
    match score {
        Some(s) if s >= 75 => "Strong",
        Some(s) if s >= 40 => "Moderate",
        Some(_) => "Weak",
        None => "muted",
    }
}

pub(crate) fn cell(v: Option<u8>) -> Markup {
    html! { td.num.(label_class(v)) { (v.map(|x| x.to_string()).unwrap_or_else(|| "–".into())) } }
}

pub(crate) fn pillar_score(r: &ScoreRecord, p: Pillar) -> Option<u8> {
    r.pillars.get(&p).and_then(|s| s.score)
}

pub(crate) fn sort_name(sort: alphadesk_service::Sort) -> &'static str {
    use alphadesk_service::Sort;
    match sort {
        Sort::AlphaScore => "Alpha Score",
        Sort::Momentum => "momentum",
        Sort::Value => "value",
        Sort::Quality => "quality",
        Sort::Sentiment => "sentiment",
        Sort::MarketCap => "market cap",
        Sort::Change => "change since last month",
        Sort::Ticker => "ticker",
    }
}

/// A record's citation: its EDGAR filing index for an accession, else its file
/// and line.
pub(crate) fn source_link(src: &SourceRef, cik: Option<i64>) -> Markup {
    match (&src.accession, cik) {
        (Some(acc), Some(cik)) => {
            let url = format!("https://www.sec.gov/Archives/edgar/data/{cik}/{}/{acc}-index.htm", acc.replace('-', ""));
            html! { a href=(url) rel="external noopener" { "accession " (acc) } }
        }
        (Some(acc), None) => html! { "accession " (acc) },
        (None, Some(_)) | (None, None) => {
            let file = short_path(&src.path);
            html! { (file) @if let Some(l) = src.line { ", line " (l) } }
        }
    }
}

/// A stored path as the notes print it: its last three components.
pub(crate) fn short_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    parts[parts.len().saturating_sub(3)..].join("/")
}

pub(crate) fn money(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 1e12 {
        format!("${:.2} trillion", a / 1e12)
    } else if a >= 1e9 {
        format!("${:.2} bn", a / 1e9)
    } else if a >= 1e6 {
        format!("${:.1} m", a / 1e6)
    } else {
        format!("${}", grouped(a))
    };
    if v < 0.0 {
        format!("−{s}")
    } else {
        s
    }
}

/// A reported quantity in words a reader scans: shares in millions or
/// billions, other units as filed.
pub(crate) fn quantity(v: f64, unit: &str) -> String {
    let a = v.abs();
    match unit {
        "shares" if a >= 1e9 => format!("{:.2} billion shares", v / 1e9),
        "shares" if a >= 1e6 => format!("{:.1} million shares", v / 1e6),
        _ if a < 1000.0 => format!("{v:.2} {unit}"),
        _ => format!("{} {unit}", grouped(v)),
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The configuration a page's scores were computed with, folded away: a reader
/// who wants to reproduce a figure opens it, others never see a hash.
pub(crate) fn configuration(hash: &str) -> Markup {
    html! {
        details.config {
            summary { "Scoring configuration" }
            p.muted { "Every score on this page was computed with configuration " code { (hash) } " (docs/methodology.md says what it holds); the same configuration on the same store gives the same figures." }
        }
    }
}

/// Points moved, signed as a reader writes them: `+12`, `−5`, `0`.
pub(crate) fn signed(x: i16) -> String {
    match x {
        x if x > 0 => format!("+{x}"),
        x if x < 0 => format!("−{}", x.unsigned_abs()),
        _ => "0".into(),
    }
}

/// A change since the previous month end as a table cell; a dash (with why)
/// when the stock was not scored on one of the two dates.
pub(crate) fn change_cell(c: Option<i16>) -> Markup {
    html! {
        td.num.change {
            @match c {
                Some(x) => { (signed(x)) }
                None => { span.muted title="not scored at the previous month end" { "–" } }
            }
        }
    }
}

/// A whole number with thousands separators: `4,915,138,000`.
pub(crate) fn grouped(v: f64) -> String {
    alphadesk_service::format::grouped(v).replace('-', "−")
}

/// A form field left blank is none.
pub(crate) fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|x| !x.is_empty())
}

/// A date field of a form: blank is none, anything else a date or a 400
/// naming the field.
pub(crate) fn date_field(name: &str, v: &Option<String>) -> Result<Option<chrono::NaiveDate>, ApiError> {
    blank(v)
        .map(|d| {
            alphadesk_model::parse_date(d)
                .ok_or_else(|| ApiError::bad_input(format!("{name} must be a date (YYYY-MM-DD), got {d:?}")))
        })
        .transpose()
}

/// `/static/site.css`.
pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], CSS)
        .into_response()
}

/// Any other path: a page saying so.
pub async fn not_found() -> Response {
    PageError(ApiError::not_found("There is no page here.")).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn large_figures_read_in_words() {
        assert_eq!(super::money(2_351_700_000_000.0), "$2.35 trillion");
        assert_eq!(super::money(-64_260_000_000.0), "−$64.26 bn");
        assert_eq!(super::quantity(4_915_138_000.0, "shares"), "4.92 billion shares");
        assert_eq!(super::quantity(830_100_000.0, "shares"), "830.1 million shares");
        assert_eq!(super::quantity(2.5, "USD/shares"), "2.50 USD/shares");
    }
}
