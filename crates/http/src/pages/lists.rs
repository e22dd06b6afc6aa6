//! Lists of stocks: the leaderboard, the screener and search.

use std::sync::Arc;

use alphadesk_service::params::{ListFormat, ListScoresParams, TickersParams};
use alphadesk_service::Pillar;
use alphadesk_service::{Order, Service, Sort};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};

use super::{
    blank, capitalise, cell, change_cell, configuration, date_field, grouped, label_class, layout, money, pillar_score,
    sort_name, PageError, PageResult,
};
use crate::api::{blocking, Q};
use crate::error::ApiError;

/// `/`: the leaderboard.
pub async fn leaderboard(State(s): State<Arc<Service>>, q: Result<Q<TickersParams>, ApiError>) -> PageResult {
    let Q(p) = q?;
    let sort = p.sort.unwrap_or_default();
    let sector = p.sector.clone().filter(|x| !x.is_empty());
    let (view, health, month_ago, changes) = blocking(move || {
        let health = s.health()?;
        let view = s.scores(p.as_of, sector.as_deref(), sort, Some(500), 0)?;
        let before = s.previous_month_scores(view.price_date)?;
        let changes = s.changes(None)?;
        Ok((view, health, before, changes))
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
        p.muted { "As of the close of " (view.price_date) " · " (view.page.total) " tickers, each ranked within its sector" }
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
        @for run in &changes.runs {
            (sync_changes(run))
        }
        div.table-wrap tabindex="0" {
            table {
                caption.muted { "Sorted by " (sort_name(sort)) "; select a column heading to sort by it. Change: Alpha Score points since the close of " (month_ago.date.map(|d| d.to_string()).unwrap_or_else(|| "the previous month end".into())) ". † provisional: fewer than three of the four pillars have data, so its sector rank is mapped onto 40–74: never Strong or Weak." }
                thead {
                    tr {
                        th scope="col" { a href=(link("ticker")) { "Ticker" } }
                        th.wide scope="col" { "Company" }
                        th.wide scope="col" { "Sector" }
                        th.wide scope="col" .num { a href=(link("market_cap")) { "Market cap" } }
                        @for (key, full, short) in [("alpha_score", "Alpha Score", "Score"), ("change", "Change", "Chg"), ("momentum", "Momentum", "Mom"), ("value", "Value", "Val"), ("quality", "Quality", "Qual"), ("sentiment", "Sentiment", "Sent")] {
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
                            td.wide.num { (r.market_cap.map(money).unwrap_or_else(|| "–".into())) }
                            @if let Some(words) = alphadesk_service::provisional_words(r) {
                                td.num.(label_class(r.alpha_score)) { (r.alpha_score.map(|x| x.to_string()).unwrap_or_default()) abbr title=(words) { "†" } }
                            } @else {
                                (cell(r.alpha_score))
                            }
                            (change_cell(month_ago.change(&r.ticker, r.alpha_score)))
                            (cell(pillar_score(r, Pillar::Momentum)))
                            (cell(pillar_score(r, Pillar::Value)))
                            (cell(pillar_score(r, Pillar::Quality)))
                            (cell(pillar_score(r, Pillar::Sentiment)))
                        }
                    }
                }
            }
        }
        (configuration(&view.config_hash))
    };
    Ok(Html(layout("Alpha Scores", body).into_string()))
}

/// An RFC 3339 instant as a reader reads it: "2026-12-05 05:22 UTC".
fn finished(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| at.to_string())
}

/// The change log's last sync, above the leaderboard: what it stored and the
/// scores it moved (`GET /api/v1/changes`).
fn sync_changes(run: &alphadesk_service::SyncChanges) -> Markup {
    let count = |n: usize, one: &str, many: &str| format!("{} {}", grouped(n as f64), if n == 1 { one } else { many });
    let mut brought = Vec::new();
    if let (Some(a), Some(b)) = (run.last_close_before, run.last_close_after) {
        if b > a {
            brought.push(format!("closes from {a} to {b}"));
        }
    }
    if run.filings_total > 0 {
        brought.push(count(run.filings_total, "filing", "filings"));
    }
    if run.trades_total > 0 {
        brought.push(count(run.trades_total, "insider trade", "insider trades"));
    }
    if run.articles_total > 0 {
        brought.push(count(run.articles_total, "article", "articles"));
    }
    html! {
        section.changes aria-labelledby="changes" {
            h2 #changes { "Since the last sync" }
            p.muted {
                "The " (run.what) " sync that finished " (finished(&run.finished_at)) " brought "
                (if brought.is_empty() { "documents with nothing new in them".to_string() } else { brought.join(", ") }) "."
                @if run.moves_pending { " The scores of its new close are still loading." }
            }
            @if !run.moves.is_empty() {
                ul {
                    @for m in &run.moves {
                        li {
                            a href=(format!("/t/{}", m.ticker)) { (m.ticker) } " "
                            (if m.points > 0 { format!("+{}", m.points) } else { format!("\u{2212}{}", m.points.unsigned_abs()) }) " points: "
                            (m.summary)
                        }
                    }
                }
            } @else if !run.moves_pending && run.last_close_after > run.last_close_before {
                p.muted { "No Alpha Score moved by 10 points or more." }
            }
            @if !run.trades.is_empty() {
                p { "Insider trades: "
                    @for (i, t) in run.trades.iter().take(5).enumerate() {
                        @if i > 0 { "; " }
                        (t.ticker.clone().unwrap_or_default()) " " (t.owner.clone().unwrap_or_default()) " "
                        (t.code.verb()) " "
                        (t.shares.map(grouped).unwrap_or_default()) " shares"
                    }
                }
            }
        }
    }
}

/// The screener's form as a browser sends it: a blank field is an empty
/// string. The names are the API's (`GET /api/v1/screen`), so a screen's
/// address works in both.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenPage {
    as_of: Option<String>,
    sector: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    min_score: Option<String>,
    max_score: Option<String>,
    min_momentum: Option<String>,
    min_value: Option<String>,
    min_quality: Option<String>,
    min_sentiment: Option<String>,
    min_market_cap: Option<String>,
    max_market_cap: Option<String>,
    min_change: Option<String>,
    max_change: Option<String>,
    format: Option<String>,
}

/// A field as the type the API reads it as: blank is none, anything else is
/// parsed as a JSON scalar of the API's (`"asc"`, `10`, `2e9`), and a value
/// that does not parse is a 400 naming the field and what it takes.
fn field<T: serde::de::DeserializeOwned>(name: &str, v: &Option<String>, takes: &str) -> Result<Option<T>, ApiError> {
    let Some(x) = blank(v) else { return Ok(None) };
    let value = x.parse::<f64>().ok().filter(|_| !x.starts_with('+')).map(|n| {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            serde_json::Value::from(n as i64)
        } else {
            serde_json::Value::from(n)
        }
    });
    let value = value.unwrap_or_else(|| serde_json::Value::String(x.to_string()));
    serde_json::from_value(value)
        .map(Some)
        .map_err(|_| ApiError::bad_input(format!("{name} must be {takes}, got {x:?}")))
}

impl ScreenPage {
    /// The screen the form asks for.
    fn params(&self) -> Result<ListScoresParams, ApiError> {
        const SCORE: &str = "a whole number 0 to 100";
        const SORTS: &str = "alpha_score, momentum, value, quality, sentiment, market_cap, change or ticker";
        let as_of = date_field("as_of", &self.as_of)?;
        let p = ListScoresParams {
            as_of,
            sector: blank(&self.sector).map(str::to_string),
            sort: field("sort", &self.sort, SORTS)?,
            order: field("order", &self.order, "asc or desc")?,
            min_score: field("min_score", &self.min_score, SCORE)?,
            max_score: field("max_score", &self.max_score, SCORE)?,
            min_momentum: field("min_momentum", &self.min_momentum, SCORE)?,
            min_value: field("min_value", &self.min_value, SCORE)?,
            min_quality: field("min_quality", &self.min_quality, SCORE)?,
            min_sentiment: field("min_sentiment", &self.min_sentiment, SCORE)?,
            min_market_cap: field("min_market_cap", &self.min_market_cap, "US dollars, e.g. 10000000000")?,
            max_market_cap: field("max_market_cap", &self.max_market_cap, "US dollars, e.g. 10000000000")?,
            min_change: field("min_change", &self.min_change, "a whole number of points, -100 to 100")?,
            max_change: field("max_change", &self.max_change, "a whole number of points, -100 to 100")?,
            limit: Some(100),
            format: field("format", &self.format, "html or csv").or_else(|e| {
                if blank(&self.format) == Some("html") {
                    Ok(None)
                } else {
                    Err(e)
                }
            })?,
        };
        p.validate().map_err(ApiError::from)?;
        Ok(p)
    }

    /// This screen's address with the fields `set` set (blank fields left out).
    fn with(&self, set: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = [
            ("as_of", &self.as_of),
            ("sector", &self.sector),
            ("sort", &self.sort),
            ("order", &self.order),
            ("min_score", &self.min_score),
            ("max_score", &self.max_score),
            ("min_momentum", &self.min_momentum),
            ("min_value", &self.min_value),
            ("min_quality", &self.min_quality),
            ("min_sentiment", &self.min_sentiment),
            ("min_market_cap", &self.min_market_cap),
            ("max_market_cap", &self.max_market_cap),
            ("min_change", &self.min_change),
            ("max_change", &self.max_change),
        ]
        .into_iter()
        .filter(|(k, _)| set.iter().all(|(s, _)| s != k))
        .filter_map(|(k, v)| Some((k, blank(v)?)))
        .collect();
        pairs.extend_from_slice(set);
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        format!("/screen?{}", q.finish())
    }
}

/// Market-cap bounds a reader picks from (no script converts typed billions).
const CAP_STEPS: [(f64, &str); 5] =
    [(2e9, "$2 bn"), (10e9, "$10 bn"), (50e9, "$50 bn"), (200e9, "$200 bn"), (1e12, "$1 trillion")];

fn cap_options(name: &str, chosen: Option<f64>) -> Markup {
    html! {
        select name=(name) {
            option value="" { "Any" }
            @for (v, label) in CAP_STEPS {
                option value=(format!("{v:.0}")) selected[chosen == Some(v)] { (label) }
            }
            @if let Some(c) = chosen.filter(|c| !CAP_STEPS.iter().any(|(v, _)| v == c)) {
                option value=(format!("{c:.0}")) selected { (money(c)) }
            }
        }
    }
}

/// `/screen`: a date's scores through thresholds on the total, each pillar,
/// market cap and the change since the previous month end; the same screen as
/// `GET /api/v1/screen` with the same parameters, and as CSV with `format=csv`.
pub async fn screen(State(s): State<Arc<Service>>, q: Result<Q<ScreenPage>, ApiError>) -> Result<Response, PageError> {
    let Q(form) = q?;
    let p = form.params()?;
    let asked = p.clone();
    let list = blocking(move || s.screen(&asked)).await?;
    if p.format == Some(ListFormat::Csv) {
        return Ok(crate::api::csv_download(&format!("screen-{}", list.as_of), list.csv().into_bytes()));
    }
    let value = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_default();
    let sort = p.sort.unwrap_or_default();
    let order = p.order.unwrap_or(Order::natural(sort));
    // A heading sorts by its column; the current column's heading turns it round.
    let heading = |key: &str, this: Sort, full: &str, short: &str| -> Markup {
        let (next, mark) = match (sort == this, order) {
            (true, Order::Descending) => ("asc", " ↓"),
            (true, Order::Ascending) => ("desc", " ↑"),
            (false, _) => (if this == Sort::Ticker { "asc" } else { "desc" }, ""),
        };
        let href = form.with(&[("sort", key), ("order", next)]);
        html! {
            th scope="col" .num[this != Sort::Ticker] aria-sort=[(sort == this).then(|| if order == Order::Descending { "descending" } else { "ascending" })] {
                a href=(href) { span.full { (full) } span.short aria-hidden="true" { (short) } (mark) }
            }
        }
    };
    let since = list.change_since.map(|d| d.to_string()).unwrap_or_else(|| "the previous month end".into());
    let body = html! {
        h1 { "Screener" }
        p { "Alpha Scores at the close of " (list.as_of) ". Each score ranks a stock within its own sector (0–100); \"Change\" is the points gained or lost since the close of " (since) "." }
        form.pick.screen method="get" action="/screen" {
            fieldset {
                legend { "Which stocks" }
                label { "Date" input type="date" name="as_of" value=(list.as_of); }
                label { "Sector"
                    select name="sector" {
                        option value="" { "All sectors" }
                        @for sec in alphadesk_model::Sector::ALL {
                            option value=(sec.name()) selected[p.sector.as_deref() == Some(sec.name())] { (sec.name()) }
                        }
                    }
                }
                label { "Market cap at least" (cap_options("min_market_cap", p.min_market_cap)) }
                label { "Market cap at most" (cap_options("max_market_cap", p.max_market_cap)) }
            }
            fieldset {
                legend { "Thresholds (0–100)" }
                label { "Score at least" input type="number" name="min_score" min="0" max="100" value=(value(p.min_score)); }
                label { "Score at most" input type="number" name="max_score" min="0" max="100" value=(value(p.max_score)); }
                label { "Momentum at least" input type="number" name="min_momentum" min="0" max="100" value=(value(p.min_momentum)); }
                label { "Value at least" input type="number" name="min_value" min="0" max="100" value=(value(p.min_value)); }
                label { "Quality at least" input type="number" name="min_quality" min="0" max="100" value=(value(p.min_quality)); }
                label { "Sentiment at least" input type="number" name="min_sentiment" min="0" max="100" value=(value(p.min_sentiment)); }
                label { "Change at least" input type="number" name="min_change" min="-100" max="100" value=(p.min_change.map(|x| x.to_string()).unwrap_or_default()); }
                label { "Change at most" input type="number" name="max_change" min="-100" max="100" value=(p.max_change.map(|x| x.to_string()).unwrap_or_default()); }
            }
            fieldset {
                legend { "Order" }
                label { "Sort by"
                    select name="sort" {
                        @for (key, this) in [("alpha_score", Sort::AlphaScore), ("change", Sort::Change), ("market_cap", Sort::MarketCap), ("momentum", Sort::Momentum), ("value", Sort::Value), ("quality", Sort::Quality), ("sentiment", Sort::Sentiment), ("ticker", Sort::Ticker)] {
                            option value=(key) selected[sort == this] { (capitalise(sort_name(this))) }
                        }
                    }
                }
                label { "Direction"
                    select name="order" {
                        option value="desc" selected[order == Order::Descending] { "Highest first (Z to A)" }
                        option value="asc" selected[order == Order::Ascending] { "Lowest first (A to Z)" }
                    }
                }
            }
            button type="submit" { "Screen" }
        }
        @if list.rows.is_empty() {
            p.notice role="status" { "No stock meets every threshold on " (list.as_of) ". Loosen a threshold or pick all sectors." }
        } @else {
            p role="status" { (list.rows.len()) " of " (list.matching) " matching " (if list.matching == 1 { "stock" } else { "stocks" }) ", by " (sort_name(sort)) (if order == Order::Descending { ", highest first" } else { ", lowest first" }) ". "
                a href=(form.with(&[("format", "csv")])) download { "Download all " (list.matching.min(100)) " as CSV" } }
            div.table-wrap tabindex="0" { table.screen {
                caption.visually-hidden { "Stocks matching the screen" }
                thead { tr {
                    (heading("ticker", Sort::Ticker, "Ticker", "Ticker"))
                    th.wide scope="col" { "Company" } th.wide scope="col" { "Sector" }
                    (heading("market_cap", Sort::MarketCap, "Market cap", "Cap"))
                    (heading("alpha_score", Sort::AlphaScore, "Alpha Score", "Score"))
                    (heading("change", Sort::Change, "Change", "Chg"))
                    (heading("momentum", Sort::Momentum, "Momentum", "Mom"))
                    (heading("value", Sort::Value, "Value", "Val"))
                    (heading("quality", Sort::Quality, "Quality", "Qual"))
                    (heading("sentiment", Sort::Sentiment, "Sentiment", "Sent"))
                } }
                tbody { @for row in &list.rows {
                    @let r = &row.score;
                    tr {
                        th scope="row" { a href=(format!("/t/{}?as_of={}", r.ticker, list.as_of)) { (r.ticker) } }
                        td.wide { (r.name.clone().unwrap_or_default()) }
                        td.wide { (r.sector) }
                        td.num { (r.market_cap.map(money).unwrap_or_else(|| "–".into())) }
                        (cell(r.alpha_score)) (change_cell(row.change))
                        (cell(r.momentum)) (cell(r.value)) (cell(r.quality)) (cell(r.sentiment))
                    }
                } }
            } }
        }
        (configuration(&list.config_hash))
    };
    Ok(Html(layout("Screener", body).into_string()).into_response())
}

/// `/screener` (the first address of the screen): the same screen at `/screen`.
pub async fn screener(uri: axum::http::Uri) -> Response {
    let to = match uri.query() {
        Some(q) => format!("/screen?{q}"),
        None => "/screen".to_string(),
    };
    axum::response::Redirect::permanent(&to).into_response()
}

/// `/search?q=WORDS`: tickers by symbol or company name, each a link to its page.
/// An exact ticker goes straight to its page; a search that finds nothing
/// offers the near misses ("did you mean").
pub async fn search(State(s): State<Arc<Service>>, q: Result<Q<SearchPage>, ApiError>) -> Result<Response, PageError> {
    let Q(p) = q?;
    let words = p.q.unwrap_or_default();
    let asked = words.trim().to_string();
    let (hits, near) = if asked.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let q = asked.clone();
        blocking(move || {
            let hits = s.search(&q, 50)?;
            let near = if hits.is_empty() { s.suggest(&q, 5)? } else { Vec::new() };
            Ok((hits, near))
        })
        .await?
    };
    if let Some(exact) = hits.first().filter(|h| h.ticker.eq_ignore_ascii_case(&asked)) {
        return Ok(axum::response::Redirect::to(&format!("/t/{}", exact.ticker)).into_response());
    }
    let body = html! {
        h1 { "Find a stock" }
        form.pick method="get" action="/search" {
            label { "Ticker or company name" input type="search" name="q" value=(asked) maxlength="100"; }
            button type="submit" { "Search" }
        }
        @if !asked.is_empty() {
            @if hits.is_empty() {
                p { "No ticker or company name in the store matches “" (asked) "”." }
                @if !near.is_empty() {
                    p { "Did you mean "
                        @for (i, h) in near.iter().enumerate() {
                            @if i > 0 { (if i + 1 == near.len() { " or " } else { ", " }) }
                            a href=(format!("/t/{}", h.ticker)) { (h.ticker) } @if let Some(n) = &h.name { " (" (n) ")" }
                        }
                        "?"
                    }
                }
            } @else {
                p.muted { (hits.len()) " match" @if hits.len() != 1 { "es" } " for “" (asked) "”." }
                div.table-wrap tabindex="0" { table.stack {
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
    Ok(Html(layout("Find a stock", body).into_string()).into_response())
}

/// The search page's query: empty shows the form.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchPage {
    q: Option<String>,
}

/// The compare page's query: tickers comma-separated as a link writes them, or
/// typed into the form with spaces.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComparePage {
    tickers: Option<String>,
    as_of: Option<String>,
}

/// `/compare?tickers=AAPL,MSFT`: two to ten stocks side by side — a watchlist
/// is this page bookmarked. Each row has its score, change since the previous
/// month end, market cap, pillars and the sentence that explains it.
pub async fn compare(State(s): State<Arc<Service>>, q: Result<Q<ComparePage>, ApiError>) -> PageResult {
    let Q(p) = q?;
    let as_of = date_field("as_of", &p.as_of)?;
    let tickers: Vec<String> = blank(&p.tickers)
        .unwrap_or_default()
        .split([',', ' '])
        .map(|t| t.trim().to_ascii_uppercase())
        .filter(|t| !t.is_empty())
        .collect();
    let typed = tickers.join(", ");
    let answer = if tickers.is_empty() {
        None
    } else {
        Some(
            blocking(move || {
                let c = s.compare(&tickers, as_of)?;
                let before = s.previous_month_scores(c.as_of)?;
                Ok((c, before))
            })
            .await?,
        )
    };
    let body = html! {
        h1 { "Compare stocks" }
        p { "Two to ten stocks side by side on one date. Bookmark the page to keep it as a watchlist: the stocks are in its address." }
        form.pick method="get" action="/compare" {
            label { "Tickers (2 to 10, separated by commas or spaces)" input type="text" name="tickers" value=(typed) maxlength="120" placeholder="AAPL, MSFT, GOOGL"; }
            label { "Date" input type="date" name="as_of" value=[answer.as_ref().map(|(c, _)| c.as_of.to_string())]; }
            button type="submit" { "Compare" }
        }
        @if let Some((c, month_ago)) = &answer {
            p.muted { "Alpha Scores at the close of " (c.as_of) "; change since the close of " (month_ago.date.map(|d| d.to_string()).unwrap_or_else(|| "the previous month end".into())) ". Each score ranks a stock within its own sector: stocks of different sectors are compared by where they stand among their peers." }
            div.table-wrap tabindex="0" { table {
                thead { tr {
                    th scope="col" { "Ticker" } th.wide scope="col" { "Company" } th.wide scope="col" { "Sector" }
                    th scope="col" .num { span.full { "Market cap" } span.short aria-hidden="true" { "Cap" } }
                    th scope="col" .num { "Score" }
                    th scope="col" .num { span.full { "Change" } span.short aria-hidden="true" { "Chg" } }
                    th scope="col" .num { span.full { "Momentum" } span.short aria-hidden="true" { "Mom" } }
                    th scope="col" .num { span.full { "Value" } span.short aria-hidden="true" { "Val" } }
                    th scope="col" .num { span.full { "Quality" } span.short aria-hidden="true" { "Qual" } }
                    th scope="col" .num { span.full { "Sentiment" } span.short aria-hidden="true" { "Sent" } }
                } }
                tbody { @for row in &c.rows {
                    @let r = &row.score;
                    tr {
                        th scope="row" { a href=(format!("/t/{}?as_of={}", r.ticker, c.as_of)) { (r.ticker) } }
                        td.wide { (r.name.clone().unwrap_or_default()) }
                        td.wide { (r.sector) }
                        td.num { (r.market_cap.map(money).unwrap_or_else(|| "–".into())) }
                        (cell(r.alpha_score))
                        (change_cell(month_ago.change(&r.ticker, r.alpha_score)))
                        (cell(r.momentum)) (cell(r.value)) (cell(r.quality)) (cell(r.sentiment))
                    }
                } }
            } }
            h2 { "Why each scores as it does" }
            ul.plain { @for row in &c.rows { li { a href=(format!("/t/{}?as_of={}", row.score.ticker, c.as_of)) { (row.score.ticker) } ": " (row.explanation) } } }
            (configuration(&c.config_hash))
        }
    };
    Ok(Html(layout("Compare stocks", body).into_string()))
}
