//! Server-rendered pages: the leaderboard, a page per stock, notes, the
//! validation report and the method. Compile-time templates (`maud`), one
//! stylesheet served by the binary, no scripts, no remote assets: every page
//! works offline. Each page is a thin view of service answers; the numbers are the
//! ones the API and the CLI give.

use std::sync::Arc;

use alphadesk_score::{Pillar, ScoreRecord};
use alphadesk_service::params::{AsOfParams, TickersParams};
use alphadesk_service::{PricesView, ScorePoint, Service, TickerView};
use alphadesk_store::read::SourceRef;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::api::{blocking, TickerPath, Q};
use crate::error::ApiError;

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

type PageResult = Result<Html<String>, PageError>;

fn layout(title: &str, body: Markup) -> Markup {
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
                                li { a href="/screener" { "Screener" } }
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

fn label_class(score: Option<u8>) -> &'static str {
    match score {
        Some(s) if s >= 75 => "Strong",
        Some(s) if s >= 40 => "Moderate",
        Some(_) => "Weak",
        None => "muted",
    }
}

fn cell(v: Option<u8>) -> Markup {
    html! { td.num.(label_class(v)) { (v.map(|x| x.to_string()).unwrap_or_else(|| "–".into())) } }
}

fn pillar_score(r: &ScoreRecord, p: Pillar) -> Option<u8> {
    r.pillars.get(&p).and_then(|s| s.score)
}

/// `/`: the leaderboard.
pub async fn leaderboard(State(s): State<Arc<Service>>, q: Result<Q<TickersParams>, ApiError>) -> PageResult {
    let Q(p) = q?;
    let sort = p.sort.unwrap_or_default();
    let sector = p.sector.clone().filter(|x| !x.is_empty());
    let (view, health) = blocking(move || {
        let health = s.health()?;
        Ok((s.scores(p.as_of, sector.as_deref(), sort, Some(500), 0)?, health))
    })
    .await?;
    let latest = health.latest_date;
    let as_of = view.as_of;
    // On the default date, say who is not on it: a few tickers ingested ahead
    // do not move everyone's date, and stale ones are named, not hidden.
    let out_of_step = (Some(as_of) == latest).then(|| {
        let mut parts = Vec::new();
        if !health.tickers_ahead.is_empty() {
            let shown: Vec<&str> = health.tickers_ahead.iter().take(10).map(String::as_str).collect();
            let more = health.tickers_ahead.len().saturating_sub(shown.len());
            parts.push(format!(
                "{} {} closes after this date ({}{}), shown here at their close of this date",
                health.tickers_ahead.len(),
                if health.tickers_ahead.len() == 1 { "ticker has" } else { "tickers have" },
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ));
        }
        if health.tickers_behind > 0 {
            parts.push(format!(
                "{} {} no close on this date (stale or delisted) and {} not listed",
                health.tickers_behind,
                if health.tickers_behind == 1 { "ticker has" } else { "tickers have" },
                if health.tickers_behind == 1 { "is" } else { "are" }
            ));
        }
        parts.join("; ")
    });
    let link = |by: &str| -> String {
        let mut q = format!("/?as_of={as_of}&sort={by}");
        if let Some(sec) = &p.sector {
            q.push_str(&format!("&sector={}", sec.replace(' ', "+")));
        }
        q
    };
    let sectors = alphadesk_model::Sector::ALL;
    let body = html! {
        h1 { "Alpha Scores" }
        p.muted { "As of the close of " (view.price_date) " · " (view.page.total) " tickers · configuration " code { (view.config_hash) } }
        @if let Some(said) = alphadesk_service::price_date_sentence(as_of, Some(view.price_date)) {
            p.notice role="note" { (said) }
        }
        @if let Some(note) = out_of_step.filter(|n| !n.is_empty()) {
            p.muted.out-of-step { (note) "." }
        }
        form.pick method="get" action="/" {
            label { "Date" input type="date" name="as_of" value=(as_of) max=[latest.map(|d| d.to_string())]; }
            label { "Sector"
                select name="sector" {
                    option value="" { "All sectors" }
                    @for sec in sectors {
                        option value=(sec.name()) selected[p.sector.as_deref() == Some(sec.name())] { (sec.name()) }
                    }
                }
            }
            button type="submit" { "Show" }
        }
        div.table-wrap {
            table {
                caption.muted { "Sorted by " (sort_name(sort)) "; select a column heading to sort by it. † provisional: fewer than three of the four pillars have data, so its sector rank is mapped onto 40–74: never Strong or Weak." }
                thead {
                    tr {
                        th scope="col" { a href=(link("ticker")) { "Ticker" } }
                        th.wide scope="col" { "Company" }
                        th.wide scope="col" { "Sector" }
                        @for (key, full, short) in [("alpha_score", "Alpha Score", "Score"), ("momentum", "Momentum", "Mom"), ("value", "Value", "Val"), ("quality", "Quality", "Qual"), ("sentiment", "Sentiment", "Sent")] {
                            th scope="col" .num { a href=(link(key)) { span.full { (full) } span.short aria-hidden="true" { (short) } } }
                        }
                    }
                }
                tbody {
                    @for r in &view.page.items {
                        tr {
                            th scope="row" { a href=(format!("/t/{}?as_of={as_of}", r.ticker)) { (r.ticker) } }
                            td.wide { (r.name.clone().unwrap_or_default()) }
                            td.wide { (r.sector.name()) }
                            @if let Some(words) = alphadesk_score::provisional_words(r) {
                                td.num.(label_class(r.alpha_score)) { (r.alpha_score.map(|x| x.to_string()).unwrap_or_default()) abbr title=(words) { "†" } }
                            } @else {
                                (cell(r.alpha_score))
                            }
                            (cell(pillar_score(r, Pillar::Momentum)))
                            (cell(pillar_score(r, Pillar::Value)))
                            (cell(pillar_score(r, Pillar::Quality)))
                            (cell(pillar_score(r, Pillar::Sentiment)))
                        }
                    }
                }
            }
        }
    };
    Ok(Html(layout("Alpha Scores", body).into_string()))
}

fn sort_name(sort: alphadesk_service::Sort) -> &'static str {
    use alphadesk_service::Sort;
    match sort {
        Sort::AlphaScore => "Alpha Score",
        Sort::Momentum => "momentum",
        Sort::Value => "value",
        Sort::Quality => "quality",
        Sort::Sentiment => "sentiment",
        Sort::Ticker => "ticker",
    }
}

/// The score as a half-ring gauge.
fn gauge(score: Option<u8>) -> Markup {
    let v = score.map(f64::from).unwrap_or(0.0);
    // A 180° arc from the left to the right end; the filled part to v%.
    let (cx, cy, r) = (100.0, 100.0, 80.0);
    let angle = std::f64::consts::PI * (1.0 - v / 100.0);
    let (x, y) = (cx + r * angle.cos(), cy - r * angle.sin());
    let label = score.map(|s| format!("Alpha Score {s} out of 100")).unwrap_or_else(|| "No Alpha Score".into());
    html! {
        svg.gauge viewBox="0 0 200 120" role="img" aria-label=(label) {
            title { (label) }
            path.track d=(format!("M {} {cy} A {r} {r} 0 0 1 {} {cy}", cx - r, cx + r)) fill="none" stroke-width="14" {}
            @if score.is_some() {
                path.(label_class(score)) d=(format!("M {} {cy} A {r} {r} 0 0 1 {x:.2} {y:.2}", cx - r)) fill="none" stroke="currentColor" stroke-width="14" {}
            }
            text x="100" y="95" text-anchor="middle" font-size="36" font-weight="700" { (score.map(|s| s.to_string()).unwrap_or_else(|| "–".into())) }
            text x="100" y="115" text-anchor="middle" font-size="11" { "out of 100" }
        }
    }
}

/// Daily closes as a line with the 52-week range, and the monthly Alpha Score
/// beneath.
fn charts(prices: &PricesView, history: &[ScorePoint]) -> Markup {
    let bars: Vec<(chrono::NaiveDate, f64)> = prices.bars.iter().filter_map(|b| Some((b.date, b.adj_close?))).collect();
    let (w, h, pad) = (720.0, 220.0, 36.0);
    if bars.len() < 2 {
        return html! { p.muted { "Too few prices to chart." } };
    }
    let lo = bars.iter().map(|b| b.1).fold(f64::INFINITY, f64::min);
    let hi = bars.iter().map(|b| b.1).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = (lo * 0.98, hi * 1.02);
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (bars.len() - 1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo).max(1e-9);
    let mut d = String::new();
    for (i, (_, v)) in bars.iter().enumerate() {
        d.push_str(&format!("{}{:.1} {:.1} ", if i == 0 { "M" } else { "L" }, x(i), y(*v)));
    }
    let first = bars[0].0;
    let last = bars[bars.len() - 1].0;
    let range_label = format!(
        "Adjusted closes of {} from {first} to {last}{}",
        prices.ticker,
        prices
            .week52
            .as_ref()
            .map(|r| format!("; 52-week high {:.2} on {}, low {:.2} on {}", r.high, r.high_date, r.low, r.low_date))
            .unwrap_or_default()
    );
    let hw = 720.0;
    let hh = 90.0;
    let n = history.len().max(1) as f64;
    let bw = (hw - 2.0 * pad) / n;
    let history_label = format!(
        "Alpha Score at each month end: {}",
        history
            .iter()
            .map(|p| format!("{} {}", p.as_of, p.alpha_score.map(|s| s.to_string()).unwrap_or_else(|| "none".into())))
            .collect::<Vec<_>>()
            .join(", ")
    );
    html! {
        svg.chart.price-chart viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(range_label) {
            title { (range_label) }
            line.axis x1=(pad) y1=(h - pad) x2=(w - pad) y2=(h - pad) {}
            @if let Some(r) = &prices.week52 {
                line.band x1=(pad) y1=(format!("{:.1}", y(r.high))) x2=(w - pad) y2=(format!("{:.1}", y(r.high))) {}
                text x=(w - pad) y=(format!("{:.1}", y(r.high) - 4.0)) text-anchor="end" { "52-week high " (format!("{:.2}", r.high)) }
                line.band x1=(pad) y1=(format!("{:.1}", y(r.low))) x2=(w - pad) y2=(format!("{:.1}", y(r.low))) {}
                text x=(w - pad) y=(format!("{:.1}", y(r.low) + 12.0)) text-anchor="end" { "52-week low " (format!("{:.2}", r.low)) }
            }
            path.price d=(d) {}
            text x=(pad) y=(h - 12.0) { (first) }
            text x=(w - pad) y=(h - 12.0) text-anchor="end" { (last) }
        }
        svg.chart.score-history viewBox=(format!("0 0 {hw} {hh}")) role="img" aria-label=(history_label) {
            title { (history_label) }
            line.axis x1=(pad) y1=(hh - 16.0) x2=(hw - pad) y2=(hh - 16.0) {}
            @for (i, p) in history.iter().enumerate() {
                @if let Some(s) = p.alpha_score {
                    rect.score x=(format!("{:.1}", pad + i as f64 * bw + 1.0)) y=(format!("{:.1}", hh - 16.0 - (hh - 24.0) * f64::from(s) / 100.0))
                        width=(format!("{:.1}", (bw - 2.0).max(1.0))) height=(format!("{:.1}", (hh - 24.0) * f64::from(s) / 100.0)) {
                        title { (p.as_of) ": " (s) }
                    }
                }
            }
            text x=(pad) y=(hh - 3.0) { "Alpha Score, monthly" }
        }
    }
}

/// A record's citation: its EDGAR filing index for an accession, else its file
/// and line.
fn source_link(src: &SourceRef, cik: Option<i64>) -> Markup {
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
fn short_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    parts[parts.len().saturating_sub(3)..].join("/")
}

fn money(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 1e12 {
        format!("${:.2} trillion", a / 1e12)
    } else if a >= 1e9 {
        format!("${:.2} bn", a / 1e9)
    } else if a >= 1e6 {
        format!("${:.1} m", a / 1e6)
    } else {
        format!("${a:.0}")
    };
    if v < 0.0 {
        format!("−{s}")
    } else {
        s
    }
}

/// A reported quantity in words a reader scans: shares in millions or
/// billions, other units as filed.
fn quantity(v: f64, unit: &str) -> String {
    let a = v.abs();
    match unit {
        "shares" if a >= 1e9 => format!("{:.2} billion shares", v / 1e9),
        "shares" if a >= 1e6 => format!("{:.1} million shares", v / 1e6),
        _ if a < 1000.0 => format!("{v:.2} {unit}"),
        _ => format!("{v:.0} {unit}"),
    }
}

/// `/t/{ticker}`: one stock.
// Extractor failures arrive as values so that a page answers them as a page.
pub async fn stock(
    State(s): State<Arc<Service>>,
    t: Result<TickerPath, ApiError>,
    q: Result<Q<AsOfParams>, ApiError>,
) -> PageResult {
    let (TickerPath(t), Q(p)) = (t?, q?);
    let page = blocking(move || {
        let snap = s.snapshot()?;
        let t = s.ticker(&snap, &t)?;
        let latest = snap.latest();
        let view = s.explain(&t, p.as_of)?;
        // Filings, trades and holdings as known on the date asked; prices, the
        // score and notes at the close it uses (the page says so where they differ).
        let (as_of, close) = (view.record.as_of, view.price_date);
        let prices = s.prices(&t, None, Some(close))?;
        let history =
            s.score_history(&t, close - chrono::Duration::days(alphadesk_service::SCORE_HISTORY_DAYS), close)?;
        let facts = s.facts(&t, Some(as_of))?;
        let insiders = s.insiders(&t, Some(as_of))?;
        let holders = s.holders(&t, Some(as_of))?;
        let notes = s.ticker_notes(&t, Some(close))?;
        let news = s.news(
            &t,
            &alphadesk_service::params::NewsQuery { to: Some(as_of), limit: Some(5), ..Default::default() },
        )?;
        let figures = s.figures()?;
        let cik = snap.universe.member(&t).and_then(|m| m.cik);
        Ok(stock_page(
            &view,
            latest,
            cik,
            &prices,
            &history,
            &facts,
            &insiders,
            &holders,
            &notes,
            &news,
            &figures,
            s.default_config(),
        ))
    })
    .await?;
    Ok(Html(page))
}

#[allow(clippy::too_many_arguments)]
fn stock_page(
    v: &TickerView,
    latest: Option<chrono::NaiveDate>,
    cik: Option<i64>,
    prices: &PricesView,
    history: &[ScorePoint],
    facts: &alphadesk_fundamentals::FactsReport,
    insiders: &alphadesk_service::InsidersView,
    holders: &alphadesk_service::HoldersView,
    notes: &[alphadesk_service::NoteSummary],
    news: &alphadesk_service::NewsView,
    figures: &alphadesk_validate::Figures,
    of_record: bool,
) -> String {
    let r = &v.record;
    let name = r.name.clone().unwrap_or_else(|| r.ticker.clone());
    let title = format!("{name} ({})", r.ticker);
    let json_ld = json_ld(v, &name, cik, facts);
    let body = html! {
        script type="application/ld+json" { (PreEscaped(json_ld)) }
        h1 { (title) }
        p.muted { (r.sector.name()) " · as of the close of " (v.price_date) " · configuration " code { (v.config_hash) } }
        @if let Some(said) = alphadesk_service::price_date_sentence(r.as_of, Some(v.price_date)) {
            p.notice role="note" { (said) @if let Some(l) = latest { " The store's prices end " (l) "." } }
        }
        form.pick method="get" action=(format!("/t/{}", r.ticker)) {
            label { "Date" input type="date" name="as_of" value=(r.as_of); }
            button type="submit" { "Show" }
        }
        section aria-labelledby="score" {
            h2 id="score" { "Alpha Score" }
            div.summary {
                div { (gauge(r.alpha_score)) }
                div {
                    ul.pillars {
                        @for p in Pillar::ALL {
                            @let ps = r.pillars.get(&p);
                            @let score = ps.and_then(|x| x.score);
                            li.pillar data-pillar=(p.name()) {
                                span { (capitalise(p.name())) }
                                span.bar role="meter" aria-label=(format!("{} pillar", p.name())) aria-valuemin="0" aria-valuemax="100" aria-valuenow=[score] {
                                    // An SVG rect's width is an attribute, not an inline
                                    // style: the pages' CSP allows no inline styles.
                                    svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" {
                                        rect x="0" y="0" height="10" width=(score.unwrap_or(0)) {}
                                    }
                                }
                                span.(label_class(score)) {
                                    (score.map(|x| format!("{x} {}", ps.and_then(|p| p.label).map(|l| l.word()).unwrap_or(""))).unwrap_or_else(|| "unscored".into()))
                                }
                            }
                        }
                    }
                    div.sentences {
                        p { (v.explanation[1]) }
                        p { (v.explanation[0]) }
                    }
                }
            }
        }
        section aria-labelledby="prices" {
            h2 id="prices" { "Price and score history" }
            (charts(prices, history))
            p.muted { "Adjusted closes (split- and dividend-adjusted), from the stored price files; the score bars are the Alpha Score at each month end." }
        }
        section aria-labelledby="facts" {
            h2 id="facts" { "Key fundamentals" }
            div.table-wrap {
                table.stack {
                    thead { tr { th scope="col" { "Field" } th scope="col" .num { "Value" } th scope="col" { "Period" } th scope="col" { "Known from" } th scope="col" { "Source" } } }
                    tbody {
                        @for f in alphadesk_fundamentals::FIELDS {
                            @if let Some(x) = facts.fields.get(*f) {
                                tr {
                                    th scope="row" { (f.replace('_', " ")) }
                                    td.num data-label="Value" { (if x.unit == "USD" { money(x.value) } else { quantity(x.value, &x.unit) }) }
                                    td data-label="Period" { (x.period_start.map(|s| format!("{s} to ")).unwrap_or_default()) (x.period_end) }
                                    td data-label="Known from" { (x.known_from) }
                                    td data-label="Source" { (source_link(&x.source, cik)) br; span.muted { (x.concept) } }
                                }
                            } @else {
                                tr { th scope="row" { (f.replace('_', " ")) } td.num { "–" } td colspan="3" .muted { (facts.missing.get(*f).cloned().unwrap_or_default()) } }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="insiders" {
            h2 id="insiders" { "Insider trades (Form 4, open market)" }
            @if insiders.trades.is_empty() {
                p.muted { "No open-market insider trade on file by this date." }
            } @else {
                div.table-wrap { table.stack {
                    thead { tr { th scope="col" { "Filed" } th scope="col" { "Insider" } th scope="col" { "Code" } th scope="col" .num { "Shares" } th scope="col" .num { "Price" } th scope="col" { "Source" } } }
                    tbody { @for t in insiders.trades.iter().take(20) {
                        tr { td data-label="Filed" { (t.filed) } td data-label="Insider" { (t.owner.clone().unwrap_or_default()) } td data-label="Code" { (if t.code == "P" { "purchase" } else { "sale" }) } td.num data-label="Shares" { (format!("{:.0}", t.shares)) } td.num data-label="Price" { (format!("{:.2}", t.price)) } td data-label="Source" { (source_link(&t.source, cik)) } }
                    } }
                } }
            }
        }
        section aria-labelledby="holders" {
            h2 id="holders" { "Institutional holders (13F)" }
            @if holders.holders.is_empty() {
                p.muted { "No 13F position on file by this date." }
            } @else {
                div.table-wrap { table.stack {
                    thead { tr { th scope="col" { "Manager" } th scope="col" { "Quarter" } th scope="col" .num { "Shares" } th scope="col" .num { "Previous" } th scope="col" { "Source" } } }
                    tbody { @for h in holders.holders.iter().take(20) {
                        tr { td data-label="Manager" { (h.manager) } td data-label="Quarter" { (h.period) } td.num data-label="Shares" { (format!("{:.0}", h.shares)) } td.num data-label="Previous" { (h.previous_shares.map(|p| format!("{p:.0}")).unwrap_or_else(|| "–".into())) } td data-label="Source" { (source_link(&h.source, h.manager.parse().ok())) } }
                    } }
                } }
            }
        }
        section aria-labelledby="news" {
            h2 id="news" { "In the news" }
            @if news.articles.is_empty() {
                p.muted { "No stored article is about " (name) " by this date." }
            } @else {
                ul.news { @for a in &news.articles {
                    li {
                        @match &a.url {
                            Some(u) => a href=(u) rel="nofollow" { (a.title) },
                            None => span { (a.title) },
                        }
                        br;
                        span.muted {
                            "Known " (a.known) " · relevance " (a.relevance.map(|r| r.to_string()).unwrap_or_else(|| "–".into()))
                            " · tone " (format!("{:+.2}", a.tone))
                            @if a.url.is_none() { " · " (short_path(&a.source.path)) ", line " (a.source.line.unwrap_or(0)) }
                        }
                        @if !a.lead.is_empty() { p.lead { (a.lead) } }
                    }
                } }
                p.muted { (news.articles.len()) " of " (news.matching) " stored articles about " (name) " known by " (news.to) ", newest first; relevance 0–100 (40 and above: about the company), tone −1 to 1 from the lexicon model." }
            }
        }
        section aria-labelledby="notes" {
            h2 id="notes" { "Latest notes" }
            @if notes.is_empty() {
                p.muted { "No note: too little data on these dates." }
            } @else {
                ul { @for n in notes {
                    li { a href=(format!("/notes/{}", n.id)) { (n.headline) } " · " (n.as_of) " · "
                        @if n.passed { span.badge.pass { "passes the publishing rules" } } @else { span.badge.fail { "fails the publishing rules" } }
                    }
                } }
            }
        }
        section aria-labelledby="record" {
            h2 id="record" { "How the score has ranked stocks" }
            p.record { (figures.sentence(of_record)) " This is a historical simulation, not a forecast. " a href="/validation" { "The validation report" } }
        }
    };
    layout(&title, body).into_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// schema.org data for the page: the company, its Alpha Score as a property,
/// and the filings the figures are based on.
fn json_ld(v: &TickerView, name: &str, cik: Option<i64>, facts: &alphadesk_fundamentals::FactsReport) -> String {
    let mut based_on: Vec<serde_json::Value> = Vec::new();
    for f in facts.fields.values() {
        if let (Some(acc), Some(cik)) = (&f.source.accession, cik) {
            let url = format!("https://www.sec.gov/Archives/edgar/data/{cik}/{}/{acc}-index.htm", acc.replace('-', ""));
            if !based_on.iter().any(|b| b["url"] == url) {
                based_on.push(
                    serde_json::json!({"@type": "CreativeWork", "name": format!("SEC filing {acc}"), "url": url}),
                );
            }
        }
    }
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Corporation",
        "name": name,
        "tickerSymbol": v.record.ticker,
        "additionalProperty": {
            "@type": "PropertyValue",
            "name": "Alpha Score",
            "value": v.record.alpha_score,
            "minValue": 0,
            "maxValue": 100,
            "description": format!("{} Computed from data known at the close of {}; a within-sector rank, not a forecast.", v.explanation[0], v.record.as_of),
        },
        "isBasedOn": based_on,
    });
    // `</script>` inside a string must not close the element.
    ld.to_string().replace("</", "<\\/")
}

/// `/notes/{id}`: a published note with its verdict.
pub async fn note(State(s): State<Arc<Service>>, Path(id): Path<String>) -> PageResult {
    let n = blocking(move || s.note_by_id(&id)).await?;
    let body = html! {
        p.muted { a href=(format!("/t/{}?as_of={}", n.ticker, n.as_of)) { (n.ticker) } " · as of " (n.as_of) " · "
            @if n.verdict.passed { span.badge.pass { "passes the publishing rules" } } @else { span.badge.fail { "fails the publishing rules" } }
        }
        @if !n.verdict.violations.is_empty() {
            ul { @for v in &n.verdict.violations { li { "line " (v.line) ", " (v.rule) ": " (v.message) } } }
        }
        article.note { (PreEscaped(&n.html)) }
        p.muted { a href=(format!("/api/v1/notes/{}", n.id)) { "This note as JSON, every claim with its sources" } }
    };
    Ok(Html(layout(&n.headline, body).into_string()))
}

/// The screener's form as a browser sends it: a blank field is an empty string.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenerPage {
    as_of: Option<String>,
    sector: Option<String>,
    sort: Option<String>,
    min_score: Option<String>,
    max_score: Option<String>,
    min_momentum: Option<String>,
    min_value: Option<String>,
    min_quality: Option<String>,
    min_sentiment: Option<String>,
}

impl ScreenerPage {
    /// The screen the form asks for; a value that is not what its field takes
    /// is a 400 naming the field.
    fn params(&self) -> Result<alphadesk_service::params::ListScoresParams, ApiError> {
        fn blank(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|x| !x.is_empty())
        }
        let score = |name: &str, v: &Option<String>| -> Result<Option<u8>, ApiError> {
            blank(v)
                .map(|x| {
                    x.parse::<u8>().ok().filter(|n| *n <= 100).ok_or_else(|| {
                        ApiError::bad_input(format!("{name} must be a whole number 0 to 100, got {x:?}"))
                    })
                })
                .transpose()
        };
        let as_of = blank(&self.as_of)
            .map(|d| {
                alphadesk_model::parse_date(d)
                    .ok_or_else(|| ApiError::bad_input(format!("as_of must be a date (YYYY-MM-DD), got {d:?}")))
            })
            .transpose()?;
        let sort = blank(&self.sort)
            .map(|x| {
                serde_json::from_value::<alphadesk_service::Sort>(serde_json::Value::String(x.to_string())).map_err(
                    |_| {
                        ApiError::bad_input(format!(
                            "sort must be alpha_score, momentum, value, quality, sentiment or ticker, got {x:?}"
                        ))
                    },
                )
            })
            .transpose()?;
        Ok(alphadesk_service::params::ListScoresParams {
            as_of,
            sector: blank(&self.sector).map(str::to_string),
            sort,
            min_score: score("min_score", &self.min_score)?,
            max_score: score("max_score", &self.max_score)?,
            min_momentum: score("min_momentum", &self.min_momentum)?,
            min_value: score("min_value", &self.min_value)?,
            min_quality: score("min_quality", &self.min_quality)?,
            min_sentiment: score("min_sentiment", &self.min_sentiment)?,
            limit: Some(100),
        })
    }
}

/// `/screener`: a date's scores through thresholds on the total and on each
/// pillar, best first; the same screen as `GET /api/v1/screen`.
pub async fn screener(State(s): State<Arc<Service>>, q: Result<Q<ScreenerPage>, ApiError>) -> PageResult {
    let Q(form) = q?;
    let p = form.params()?;
    let asked = p.clone();
    let list = blocking(move || s.screen(&asked)).await?;
    let value = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_default();
    let sort = p.sort.unwrap_or_default();
    let body = html! {
        h1 { "Screener" }
        p.muted { "Alpha Scores of the close of " (list.as_of) " · configuration " code { (list.config_hash) } " · each score ranks a stock within its own sector." }
        form.pick method="get" action="/screener" {
            label { "Date" input type="date" name="as_of" value=(list.as_of); }
            label { "Sector"
                select name="sector" {
                    option value="" { "All sectors" }
                    @for sec in alphadesk_model::Sector::ALL {
                        option value=(sec.name()) selected[p.sector.as_deref() == Some(sec.name())] { (sec.name()) }
                    }
                }
            }
            label { "Sort by"
                select name="sort" {
                    @for (key, name) in [("alpha_score", "Alpha Score"), ("momentum", "Momentum"), ("value", "Value"), ("quality", "Quality"), ("sentiment", "Sentiment"), ("ticker", "Ticker")] {
                        option value=(key) selected[sort_name(sort) == name] { (name) }
                    }
                }
            }
            label { "Score at least" input type="number" name="min_score" min="0" max="100" value=(value(p.min_score)); }
            label { "Score at most" input type="number" name="max_score" min="0" max="100" value=(value(p.max_score)); }
            label { "Momentum at least" input type="number" name="min_momentum" min="0" max="100" value=(value(p.min_momentum)); }
            label { "Value at least" input type="number" name="min_value" min="0" max="100" value=(value(p.min_value)); }
            label { "Quality at least" input type="number" name="min_quality" min="0" max="100" value=(value(p.min_quality)); }
            label { "Sentiment at least" input type="number" name="min_sentiment" min="0" max="100" value=(value(p.min_sentiment)); }
            button type="submit" { "Screen" }
        }
        @if list.rows.is_empty() {
            p { "No stock meets every threshold on this date." }
        } @else {
            p.muted { (list.rows.len()) " of " (list.matching) " matching " (if list.matching == 1 { "stock" } else { "stocks" }) ", best first by " (sort_name(sort)) "." }
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { "Ticker" } th.wide scope="col" { "Company" } th.wide scope="col" { "Sector" }
                    @for (full, short) in [("Alpha Score", "Score"), ("Momentum", "Mom"), ("Value", "Val"), ("Quality", "Qual"), ("Sentiment", "Sent")] {
                        th scope="col" .num { span.full { (full) } span.short aria-hidden="true" { (short) } }
                    }
                } }
                tbody { @for r in &list.rows {
                    tr {
                        th scope="row" { a href=(format!("/t/{}?as_of={}", r.ticker, list.as_of)) { (r.ticker) } }
                        td.wide { (r.name.clone().unwrap_or_default()) }
                        td.wide { (r.sector) }
                        (cell(r.alpha_score)) (cell(r.momentum)) (cell(r.value)) (cell(r.quality)) (cell(r.sentiment))
                    }
                } }
            } }
        }
    };
    Ok(Html(layout("Screener", body).into_string()))
}

/// `/search?q=WORDS`: tickers by symbol or company name, each a link to its page.
pub async fn search(State(s): State<Arc<Service>>, q: Result<Q<SearchPage>, ApiError>) -> PageResult {
    let Q(p) = q?;
    let words = p.q.unwrap_or_default();
    let asked = words.trim().to_string();
    let hits = if asked.is_empty() {
        Vec::new()
    } else {
        let q = asked.clone();
        blocking(move || s.search(&q, 50)).await?
    };
    let body = html! {
        h1 { "Find a stock" }
        form.pick method="get" action="/search" {
            label { "Ticker or company name" input type="search" name="q" value=(asked) maxlength="100"; }
            button type="submit" { "Search" }
        }
        @if !asked.is_empty() {
            @if hits.is_empty() {
                p { "No ticker or company name in the store matches “" (asked) "”." }
            } @else {
                p.muted { (hits.len()) " match" @if hits.len() != 1 { "es" } " for “" (asked) "”." }
                div.table-wrap { table.stack {
                    thead { tr { th scope="col" { "Ticker" } th scope="col" { "Company" } th scope="col" { "Sector" } } }
                    tbody { @for h in &hits {
                        tr {
                            td data-label="Ticker" { a href=(format!("/t/{}", h.ticker)) { (h.ticker) } }
                            td data-label="Company" { (h.name.clone().unwrap_or_default()) }
                            td data-label="Sector" { (h.sector.clone().unwrap_or_default()) }
                        }
                    } }
                } }
            }
        }
    };
    Ok(Html(layout("Find a stock", body).into_string()))
}

/// The search page's query: empty shows the form.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchPage {
    q: Option<String>,
}

/// `/validation`: the figures of record and the report's charts.
pub async fn validation(State(s): State<Arc<Service>>) -> PageResult {
    let (bt, figures, of_record) =
        blocking(move || Ok((s.record_backtest()?, s.figures()?, s.default_config()))).await?;
    let files = alphadesk_validate::report::files(&bt);
    let svgs: Vec<&(&str, String)> = files.iter().filter(|(n, _)| n.ends_with(".svg")).collect();
    let body = html! {
        h1 { "Validation" }
        p.record { (figures.sentence(of_record)) " A historical simulation, not a forecast." }
        div.table-wrap { table {
            caption.muted { "Rank IC (Spearman) of each factor with the next " (figures.horizon) " trading days' return, monthly " (figures.first_date.map(|d| d.to_string()).unwrap_or_default()) " to " (figures.last_date.map(|d| d.to_string()).unwrap_or_default()) }
            thead { tr { th scope="col" { "Factor" } th scope="col" .num { "Mean IC" } th scope="col" .num { "IR" } th scope="col" .num { "t-stat" } th scope="col" .num { "Hit rate" } th scope="col" .num { "Dates" } } }
            tbody { @for (k, ic) in &figures.ic {
                tr { th scope="row" { (k) } td.num { (ic.mean.map(|x| format!("{x:+.3}")).unwrap_or_else(|| "–".into())) } td.num { (ic.ir.map(|x| format!("{x:+.2}")).unwrap_or_else(|| "–".into())) } td.num { (ic.t_stat.map(|x| format!("{x:+.2}")).unwrap_or_else(|| "–".into())) } td.num { (ic.hit_rate.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "–".into())) } td.num { (ic.n_dates) } }
            } }
        } }
        p { "Quintile mean returns, Q1 (lowest scores) to Q5: "
            (figures.quintile_mean_returns.iter().map(|v| v.map(|x| format!("{:+.2}%", x * 100.0)).unwrap_or_else(|| "–".into())).collect::<Vec<_>>().join(", "))
            "; top-quintile turnover " (figures.top_quintile_turnover.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "–".into())) "." }
        @for (name, svg) in svgs {
            figure {
                (PreEscaped(svg))
                figcaption.muted { (name.trim_end_matches(".svg").replace('_', " ")) }
            }
        }
        p.muted { (figures.label) ". " (figures.t_stat_method) "." }
    };
    Ok(Html(layout("Validation", body).into_string()))
}

/// `/methodology`: the method in words (docs/methodology.md).
pub async fn methodology() -> Html<String> {
    static PAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    Html(
        PAGE.get_or_init(|| {
            layout("Methodology", crate::markdown::to_html(alphadesk_service::METHODOLOGY)).into_string()
        })
        .clone(),
    )
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
