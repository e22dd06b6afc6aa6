//! One stock's page: its Alpha Score and the metrics behind it, what changed
//! since the previous month end, its peers, prices and score history, filings,
//! insider trades, holders, news, stories and notes.

use std::sync::Arc;

use alphadesk_service::params::AsOfParams;
use alphadesk_service::Pillar;
use alphadesk_service::{points_moved, PricesView, ScorePoint, Service, StockPage, TickerView};
use axum::extract::State;
use axum::response::Html;
use maud::{html, Markup, PreEscaped};

use super::{
    capitalise, cell, change_cell, configuration, grouped, label_class, layout, money, quantity, short_path, signed,
    source_link, PageResult,
};
use crate::api::{blocking, TickerPath, Q};
use crate::error::ApiError;

/// `/t/{ticker}`: one stock.
// Extractor failures arrive as values so that a page answers them as a page.
pub async fn stock(
    State(s): State<Arc<Service>>,
    t: Result<TickerPath, ApiError>,
    q: Result<Q<AsOfParams>, ApiError>,
) -> PageResult {
    let (TickerPath(t), Q(p)) = (t?, q?);
    let page =
        blocking(move || Ok(stock_page(&s.stock_page(&t, p.as_of, alphadesk_service::STOCK_PAGE_PEERS)?))).await?;
    Ok(Html(page))
}

fn stock_page(s: &StockPage) -> String {
    let v = &s.view;
    let r = &v.record;
    let name = r.name.clone().unwrap_or_else(|| r.ticker.clone());
    let title = format!("{name} ({})", r.ticker);
    let json_ld = json_ld(v, &name, s.cik, &s.facts);
    let body = html! {
        script type="application/ld+json" { (PreEscaped(json_ld)) }
        h1 { (title) }
        p.muted { (r.sector.name()) " · as of the close of " (v.price_date)
            @if let Some(m) = r.market_cap { " · market cap " (money(m)) } }
        @if let Some(said) = alphadesk_service::price_date_sentence(r.as_of, Some(v.price_date)) {
            p.notice role="note" { (said) @if let Some(l) = s.latest { " The store's prices end " (l) "." } }
        }
        form.pick method="get" action=(format!("/t/{}", r.ticker)) {
            label { "Date" input type="date" name="as_of" value=(r.as_of); }
            button type="submit" { "Show" }
        }
        (score_section(v))
        (change_section(s))
        (metrics_section(v, s.cik))
        section aria-labelledby="prices" {
            h2 id="prices" { "Price and score history" }
            (price_chart(&s.prices))
            (history_chart(&s.history))
        }
        (peers_section(s))
        (facts_section(s, &name))
        (insiders_section(s))
        (holders_section(s))
        (news_section(s, &name))
        (stories_section(s, &name))
        (notes_section(s))
        section aria-labelledby="record" {
            h2 id="record" { "How the score has ranked stocks" }
            p.record { (s.figures.sentence(s.of_record)) " This is a historical simulation, not a forecast. " a href="/validation" { "The validation report" } }
        }
        (configuration(&v.config_hash))
    };
    layout(&title, body).into_string()
}

/// Why a pillar or the score is missing, in words: its own reason, and for a
/// pillar the first metric reason behind it ("needs 252 trading days of history").
fn pillar_reason(v: &TickerView, p: Pillar) -> Option<String> {
    let ps = v.record.pillars.get(&p)?;
    ps.score.is_none().then(|| {
        let metric = v.metrics.iter().filter(|m| m.metric.pillar == p).find_map(|m| m.metric.reason.clone());
        match (ps.reason.as_deref(), metric) {
            (Some(a), Some(b)) => format!("{a}: {b}"),
            (Some(a), None) => a.to_string(),
            (None, Some(b)) => b,
            (None, None) => "no data".to_string(),
        }
    })
}

fn score_section(v: &TickerView) -> Markup {
    let r = &v.record;
    html! {
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
                                // A meter needs a value: an unscored pillar's empty bar is
                                // decoration, and its words say "unscored".
                                span.bar role=[score.map(|_| "meter")] aria-hidden=[score.is_none().then_some("true")] aria-label=[score.map(|_| format!("{} pillar", p.name()))] aria-valuemin=[score.map(|_| 0)] aria-valuemax=[score.map(|_| 100)] aria-valuenow=[score] {
                                    // An SVG rect's width is an attribute, not an inline
                                    // style: the pages' CSP allows no inline styles.
                                    svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" {
                                        rect x="0" y="0" height="10" width=(score.unwrap_or(0)) {}
                                    }
                                }
                                span.(label_class(score)) {
                                    (score.map(|x| format!("{x} {}", ps.and_then(|p| p.label).map(|l| l.word()).unwrap_or(""))).unwrap_or_else(|| "unscored".into()))
                                }
                                @if let Some(why) = pillar_reason(v, p) { span.why.muted { (why) } }
                            }
                        }
                    }
                    div.sentences {
                        @if r.alpha_score.is_none() {
                            p.notice role="note" { "No Alpha Score on this date: " (r.reason.clone().unwrap_or_else(|| "too little data".into())) ". The pillars below say what each one lacks." }
                        }
                        p { (v.explanation[1]) }
                        p { (v.explanation[0]) }
                    }
                }
            }
        }
    }
}

fn score_or_dash(v: Option<u8>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "–".into())
}

fn metric_value(id: alphadesk_service::MetricId, v: Option<f64>) -> String {
    v.map(|x| alphadesk_service::format::metric(id, x)).unwrap_or_else(|| "–".into())
}

fn percentile(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.0}")).unwrap_or_else(|| "–".into())
}

/// "Since last month": the score and each pillar before and after, and the
/// metrics that moved it most with both values.
fn change_section(s: &StockPage) -> Markup {
    let Some(c) = &s.change else {
        return html! {};
    };
    html! {
        section.change aria-labelledby="change" {
            h2 id="change" { "Since last month" }
            p { (c.summary) }
            div.table-wrap tabindex="0" { table {
                caption.muted { "Alpha Score and pillars at the close of " (c.from) " and of " (c.to) }
                thead { tr { th scope="col" { "" } th scope="col" .num { (c.from) } th scope="col" .num { (c.to) } th scope="col" .num { "Change" } } }
                tbody {
                    tr.total {
                        th scope="row" { "Alpha Score" }
                        td.num data-label=(c.from.to_string()) { (score_or_dash(c.before)) }
                        td.num data-label=(c.to.to_string()) { (score_or_dash(c.after)) }
                        td.num data-label="Change" { (points_moved(c.before, c.after).map(signed).unwrap_or_else(|| "–".into())) }
                    }
                    @for p in &c.pillars {
                        tr {
                            th scope="row" { (capitalise(p.pillar.name())) }
                            td.num data-label=(c.from.to_string()) { (score_or_dash(p.before)) }
                            td.num data-label=(c.to.to_string()) { (score_or_dash(p.after)) }
                            td.num data-label="Change" { (points_moved(p.before, p.after).map(signed).unwrap_or_else(|| "–".into())) }
                        }
                    }
                }
            } }
            @if !c.metrics.is_empty() {
                h3 { "The metrics that moved it most" }
                div.table-wrap tabindex="0" { table.stack.movers {
                    thead { tr { th scope="col" { "Metric" } th scope="col" .num { "Value then" } th scope="col" .num { "Value now" } th scope="col" .num { "Sector percentile then" } th scope="col" .num { "Now" } } }
                    tbody { @for m in c.metrics.iter().take(5) {
                        tr {
                            th scope="row" { (m.title) span.muted { " · " (m.pillar.name()) } }
                            td.num data-label="Value then" { (metric_value(m.metric, m.raw_before)) }
                            td.num data-label="Value now" { (metric_value(m.metric, m.raw_after)) }
                            td.num data-label="Percentile then" { (percentile(m.percentile_before)) }
                            td.num data-label="Percentile now" { (percentile(m.percentile_after)) }
                        }
                    } }
                } }
                p.muted { "Ordered by how far each metric's sector percentile moved, weighted by its share of the score. " a href=(format!("/api/v1/tickers/{}/change?as_of={}", c.ticker, c.to)) { "Every metric that moved, as JSON" } }
            }
        }
    }
}

/// Every metric behind each pillar: its value, its percentile in the sector,
/// and the record it came from, or why it is missing.
fn metrics_section(v: &TickerView, cik: Option<i64>) -> Markup {
    html! {
        section aria-labelledby="metrics" {
            h2 id="metrics" { "What the score is made of" }
            p { "Each metric is ranked within the " (v.record.sector.name()) " sector on the close of " (v.price_date) ": a sector percentile of 80 means it is better than 80% of the sector's stocks for the score (for leverage and accruals, lower values rank higher)." }
            div.table-wrap tabindex="0" { table.stack.metrics {
                thead { tr { th scope="col" { "Metric" } th scope="col" .num { "Value" } th scope="col" .num { "Sector percentile" } th scope="col" { "From" } } }
                @for p in Pillar::ALL {
                    tbody {
                        tr.pillar-row { th scope="colgroup" colspan="4" { (capitalise(p.name())) " pillar: " (score_or_dash(v.record.pillars.get(&p).and_then(|x| x.score))) } }
                        @for m in v.metrics.iter().filter(|m| m.metric.pillar == p) {
                            tr {
                                th scope="row" { (m.metric.id.title()) br; span.muted { (m.metric.meaning) } }
                                @if m.metric.raw.is_some() {
                                    td.num data-label="Value" { (metric_value(m.metric.id, m.metric.raw)) }
                                    td.num data-label="Sector percentile" { (percentile(m.metric.sector_percentile)) }
                                    td data-label="From" {
                                        @if let Some(src) = m.sources.first() { (source_link(src, cik)) }
                                        @if m.sources.len() > 1 { span.muted { " and " (m.sources.len() - 1) " more" } }
                                    }
                                } @else {
                                    td.num data-label="Value" { "–" }
                                    td colspan="2" .muted data-label="Why" { (m.metric.reason.clone().unwrap_or_else(|| "no data".into())) }
                                }
                            }
                        }
                    }
                }
            } }
            p.muted { a href=(format!("/api/v1/tickers/{}?as_of={}", v.record.ticker, v.record.as_of)) { "Every metric with each of its inputs and their records, as JSON" } }
        }
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

/// SVG coordinates are written with one decimal.
fn at(v: f64) -> String {
    format!("{v:.1}")
}

/// Daily closes as a line, with price and date labels and the 52-week range.
fn price_chart(prices: &PricesView) -> Markup {
    let bars: Vec<(chrono::NaiveDate, f64)> = prices.bars.iter().filter_map(|b| Some((b.date, b.adj_close?))).collect();
    if bars.len() < 2 {
        return html! { p.notice role="note" { "Too few stored prices to chart: " (bars.len()) " adjusted close" (if bars.len() == 1 { "" } else { "s" }) " in the year to " (prices.to) "." } };
    }
    let (w, h, left, right, pad) = (720.0, 240.0, 56.0, 16.0, 24.0);
    let lo = bars.iter().map(|b| b.1).fold(f64::INFINITY, f64::min);
    let hi = bars.iter().map(|b| b.1).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = (lo * 0.98, hi * 1.02);
    let x = |i: usize| left + (w - left - right) * i as f64 / (bars.len() - 1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo).max(1e-9);
    let mut d = String::new();
    for (i, (_, v)) in bars.iter().enumerate() {
        d.push_str(&format!("{}{:.1} {:.1} ", if i == 0 { "M" } else { "L" }, x(i), y(*v)));
    }
    let (first, last) = (bars[0].0, bars[bars.len() - 1].0);
    let ticks: Vec<f64> = (0..=3).map(|k| lo + (hi - lo) * f64::from(k) / 3.0).collect();
    let dates: Vec<usize> = vec![0, bars.len() / 3, 2 * bars.len() / 3, bars.len() - 1];
    let label = format!(
        "Adjusted closes of {} from {first} ({:.2}) to {last} ({:.2}){}",
        prices.ticker,
        bars[0].1,
        bars[bars.len() - 1].1,
        prices
            .week52
            .as_ref()
            .map(|r| format!("; 52-week high {:.2} on {}, low {:.2} on {}", r.high, r.high_date, r.low, r.low_date))
            .unwrap_or_default()
    );
    html! {
        figure {
            svg.chart.price-chart viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(label) {
                title { (label) }
                @for t in &ticks {
                    line.grid x1=(left) y1=(at(y(*t))) x2=(w - right) y2=(at(y(*t))) {}
                    text.tick x=(left - 6.0) y=(at(y(*t) + 4.0)) text-anchor="end" { (format!("{t:.0}")) }
                }
                @for i in &dates {
                    text.tick x=(at(x(*i))) y=(h - 6.0) text-anchor=(if *i == 0 { "start" } else if *i == bars.len() - 1 { "end" } else { "middle" }) { (bars[*i].0.format("%b %Y")) }
                }
                @if let Some(r) = &prices.week52 {
                    line.band x1=(left) y1=(at(y(r.high))) x2=(w - right) y2=(at(y(r.high))) {}
                    text x=(w - right) y=(at(y(r.high) - 4.0)) text-anchor="end" { "52-week high " (format!("{:.2}", r.high)) }
                    line.band x1=(left) y1=(at(y(r.low))) x2=(w - right) y2=(at(y(r.low))) {}
                    text x=(w - right) y=(at(y(r.low) + 12.0)) text-anchor="end" { "52-week low " (format!("{:.2}", r.low)) }
                }
                path.price d=(d) {}
            }
            figcaption.muted { "Adjusted closes in US dollars (split- and dividend-adjusted), " (first) " to " (last) ", from the stored price files." }
        }
    }
}

/// One pillar's score of a month-end point.
type PillarOf = fn(&ScorePoint) -> Option<u8>;

/// The Alpha Score at each month end as labelled bars, with the four pillars as
/// lines over them; the same figures as a table for readers who cannot see it.
fn history_chart(history: &[ScorePoint]) -> Markup {
    if history.iter().all(|p| p.alpha_score.is_none() && p.pillars_available == 0) {
        return html! { p.notice role="note" { "No month-end score to chart yet: the stock was not scored at any month end in the two years to this date." } };
    }
    let (w, h, left, right, top, bottom) = (720.0, 240.0, 36.0, 16.0, 16.0, 40.0);
    let n = history.len().max(1) as f64;
    let bw = (w - left - right) / n;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / 100.0);
    let cx = |i: usize| left + bw * (i as f64 + 0.5);
    let line = |get: PillarOf| -> String {
        let mut d = String::new();
        let mut pen_up = true;
        for (i, p) in history.iter().enumerate() {
            match get(p) {
                Some(v) => {
                    d.push_str(&format!("{}{:.1} {:.1} ", if pen_up { "M" } else { "L" }, cx(i), y(f64::from(v))));
                    pen_up = false;
                }
                None => pen_up = true,
            }
        }
        d
    };
    let pillars: [(&str, PillarOf); 4] = [
        ("momentum", |p| p.momentum),
        ("value", |p| p.value),
        ("quality", |p| p.quality),
        ("sentiment", |p| p.sentiment),
    ];
    // A month label every few bars keeps them apart at any history length.
    let every = (history.len() / 8).max(1);
    let label = format!(
        "Alpha Score at each month end: {}",
        history
            .iter()
            .map(|p| format!("{} {}", p.as_of.format("%b %Y"), score_or_dash(p.alpha_score)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    html! {
        figure {
            svg.chart.score-history viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(label) {
                title { (label) }
                @for t in [0.0, 25.0, 50.0, 75.0, 100.0] {
                    line.grid x1=(left) y1=(at(y(t))) x2=(w - right) y2=(at(y(t))) {}
                    text.tick x=(left - 6.0) y=(at(y(t) + 4.0)) text-anchor="end" { (t) }
                }
                @for (i, p) in history.iter().enumerate() {
                    @if let Some(s) = p.alpha_score {
                        rect.score.(label_class(Some(s))) x=(at(left + i as f64 * bw + 1.0)) y=(at(y(f64::from(s))))
                            width=(at((bw - 2.0).max(1.0))) height=(at(y(0.0) - y(f64::from(s)))) {
                            title { (p.as_of) ": Alpha Score " (s) }
                        }
                        @if bw >= 18.0 {
                            text.value x=(at(cx(i))) y=(at(y(f64::from(s)) - 3.0)) text-anchor="middle" { (s) }
                        }
                    }
                    @if i % every == 0 || i + 1 == history.len() {
                        text.tick.month x=(at(cx(i))) y=(h - bottom + 16.0) text-anchor="middle" { (p.as_of.format("%b")) }
                        text.tick.year x=(at(cx(i))) y=(h - bottom + 30.0) text-anchor="middle" { (p.as_of.format("%Y")) }
                    }
                }
                @for (name, get) in pillars {
                    path.pillar-line.(name) d=(line(get)) {}
                }
            }
            figcaption {
                span.muted { "Bars: the Alpha Score at each month end (0–100). Lines: the pillars — " }
                @for (i, (name, _)) in pillars.iter().enumerate() {
                    @if i > 0 { ", " }
                    span.key.(name) { (name) }
                }
                span.muted { "." }
            }
        }
        details {
            summary { "The month-end scores as a table" }
            div.table-wrap tabindex="0" { table {
                thead { tr { th scope="col" { "Month end" } th scope="col" .num { "Score" } th scope="col" .num { "Mom" } th scope="col" .num { "Val" } th scope="col" .num { "Qual" } th scope="col" .num { "Sent" } } }
                tbody { @for p in history.iter().rev() {
                    tr { th scope="row" { (p.as_of) } (cell(p.alpha_score)) (cell(p.momentum)) (cell(p.value)) (cell(p.quality)) (cell(p.sentiment)) }
                } }
            } }
        }
    }
}

/// The stocks of the sector nearest this one by market cap.
fn peers_section(s: &StockPage) -> Markup {
    let me = &s.view.record.ticker;
    html! {
        section aria-labelledby="peers" {
            h2 id="peers" { "Peers" }
            @match &s.peers {
                Some(p) if p.rows.len() > 1 => {
                    p { @if p.rows.len() == 2 { "The stock of the " } @else { "The " (p.rows.len() - 1) " stocks of the " } (s.view.record.sector.name()) " sector nearest " (me) " by market cap at the close of " (p.as_of) ", largest first; change since " (p.change_since.map(|d| d.to_string()).unwrap_or_else(|| "the previous month end".into())) "." }
                    div.table-wrap tabindex="0" { table.peers {
                        thead { tr { th scope="col" { "Ticker" } th.wide scope="col" { "Company" } th scope="col" .num { "Market cap" } th scope="col" .num { "Score" } th scope="col" .num { "Change" } th scope="col" .num { "Mom" } th scope="col" .num { "Val" } th scope="col" .num { "Qual" } th scope="col" .num { "Sent" } } }
                        tbody { @for row in &p.rows {
                            @let r = &row.score;
                            tr.me[&r.ticker == me] {
                                th scope="row" { a href=(format!("/t/{}?as_of={}", r.ticker, p.as_of)) { (r.ticker) } }
                                td.wide { (r.name.clone().unwrap_or_default()) }
                                td.num { (r.market_cap.map(money).unwrap_or_else(|| "–".into())) }
                                (cell(r.alpha_score))
                                (change_cell(row.change))
                                (cell(r.momentum)) (cell(r.value)) (cell(r.quality)) (cell(r.sentiment))
                            }
                        } }
                    } }
                    p.muted {
                        a href=(format!("/compare?tickers={}&as_of={}", p.rows.iter().take(10).map(|r| r.score.ticker.as_str()).collect::<Vec<_>>().join(","), p.as_of)) { "Compare them side by side" }
                        " · "
                        a href=(format!("/screen?as_of={}&sector={}&sort=market_cap", p.as_of, s.view.record.sector.name().replace(' ', "+"))) { "The whole sector in the screener" }
                    }
                }
                _ => {
                    p.muted { "No peers to show: " (me) " has no market cap on this date (no share count known), so no stock of its sector can be matched to its size." }
                }
            }
        }
    }
}

fn facts_section(s: &StockPage, name: &str) -> Markup {
    let (facts, cik) = (&s.facts, s.cik);
    html! {
        section aria-labelledby="facts" {
            h2 id="facts" { "Key fundamentals" }
            @if facts.fields.is_empty() {
                p.notice role="note" { "No fundamentals for " (name) " known by " (facts.as_of) ": the store holds none of its XBRL company facts or fundamentals tables for this date, so the value and quality pillars cannot be scored. "
                    code { "alphadesk sync sec --tickers " (s.view.record.ticker) } " fetches them from SEC EDGAR." }
            } @else {
                div.table-wrap tabindex="0" {
                    table.stack {
                        thead { tr { th scope="col" { "Field" } th scope="col" .num { "Value" } th scope="col" { "Period" } th scope="col" { "Known from" } th scope="col" { "Source" } } }
                        tbody {
                            @for f in alphadesk_service::FIELDS {
                                @if let Some(x) = facts.fields.get(f) {
                                    tr {
                                        th scope="row" { (field_name(f.as_str())) }
                                        td.num data-label="Value" { (if x.unit == "USD" { money(x.value) } else { quantity(x.value, &x.unit) }) }
                                        td data-label="Period" { (x.period_start.map(|s| format!("{s} to ")).unwrap_or_default()) (x.period_end) }
                                        td data-label="Known from" { (x.known_from) }
                                        td data-label="Source" { (source_link(&x.source, cik)) br; span.muted { (x.concept) } }
                                    }
                                } @else {
                                    tr { th scope="row" { (field_name(f.as_str())) } td.num data-label="Value" { "–" } td colspan="3" .muted data-label="Why" { (facts.missing.get(f).cloned().unwrap_or_default()) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `revenue_ttm` as a reader reads it: "Revenue, trailing 12 months".
fn field_name(f: &str) -> String {
    match f.strip_suffix("_ttm") {
        Some(base) => format!("{}, trailing 12 months", capitalise(&base.replace('_', " "))),
        None => capitalise(&f.replace('_', " ")),
    }
}

fn insiders_section(s: &StockPage) -> Markup {
    html! {
        section aria-labelledby="insiders" {
            h2 id="insiders" { "Insider trades (Form 4, open market)" }
            @if s.insiders.trades.is_empty() {
                p.muted { "No open-market insider purchase or sale on file by " (s.insiders.as_of) "." }
            } @else {
                div.table-wrap tabindex="0" { table.stack {
                    thead { tr { th scope="col" { "Filed" } th scope="col" { "Insider" } th scope="col" { "Trade" } th scope="col" .num { "Shares" } th scope="col" .num { "Price" } th scope="col" { "Source" } } }
                    tbody { @for t in s.insiders.trades.iter().take(20) {
                        tr { td data-label="Filed" { (t.filed) } td data-label="Insider" { (t.owner.clone().unwrap_or_default()) } td data-label="Trade" { (t.code.noun()) } td.num data-label="Shares" { (grouped(t.shares)) } td.num data-label="Price" { (format!("${:.2}", t.price)) } td data-label="Source" { (source_link(&t.source, s.cik)) } }
                    } }
                } }
            }
        }
    }
}

fn holders_section(s: &StockPage) -> Markup {
    html! {
        section aria-labelledby="holders" {
            h2 id="holders" { "Institutional holders (13F)" }
            @if s.holders.holders.is_empty() {
                p.muted { "No 13F position in this stock on file by " (s.holders.as_of) " (the store holds the 13F reports of the managers it was given)." }
            } @else {
                div.table-wrap tabindex="0" { table.stack {
                    thead { tr { th scope="col" { "Manager" } th scope="col" { "Quarter" } th scope="col" .num { "Shares" } th scope="col" .num { "Previous" } th scope="col" { "Source" } } }
                    tbody { @for h in s.holders.holders.iter().take(20) {
                        tr { td data-label="Manager" { (h.manager) } td data-label="Quarter" { (h.period) } td.num data-label="Shares" { (grouped(h.shares)) } td.num data-label="Previous" { (h.previous_shares.map(grouped).unwrap_or_else(|| "–".into())) } td data-label="Source" { (source_link(&h.source, h.manager.cik().map(|c| c.get() as i64))) } }
                    } }
                } }
            }
        }
    }
}

fn news_section(s: &StockPage, name: &str) -> Markup {
    let news = &s.news;
    html! {
        section aria-labelledby="news" {
            h2 id="news" { "In the news" }
            @if news.articles.is_empty() {
                p.muted { "No stored article is about " (name) " by " (news.to) " (the store's articles are Reuters' of 2010–2018)." }
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
                            " · tone " (format!("{:+.2}", a.tone).replace('-', "−"))
                            @if a.url.is_none() { " · " (short_path(&a.source.path)) ", line " (a.source.line.unwrap_or(0)) }
                        }
                        @if !a.lead.is_empty() { p.lead { (a.lead) } }
                    }
                } }
                p.muted { (news.articles.len()) " of " (news.matching) " stored articles about " (name) " known by " (news.to) ", newest first; relevance 0–100 (40 and above: about the company), tone −1 to 1 from the lexicon model. "
                    a href=(format!("/api/v1/tickers/{}/news?to={}", s.view.record.ticker, news.to)) { "All of them, as JSON" } }
            }
        }
    }
}

fn stories_section(s: &StockPage, name: &str) -> Markup {
    let close = s.view.price_date;
    html! {
        section aria-labelledby="stories" {
            h2 id="stories" { "In the stories" }
            @if s.stories.is_empty() {
                p.muted { "No theme story of the month to " (close) " gives " (name) " a paragraph. " a href=(format!("/stories?as_of={close}")) { "That month's stories" } }
            } @else {
                ul { @for st in &s.stories {
                    li { a href=(format!("/stories/{}", st.id)) { (st.headline) } " · "
                        @if st.passed { span.badge.pass { "passes the publishing rules" } } @else { span.badge.fail { "fails the publishing rules" } }
                    }
                } }
            }
        }
    }
}

fn notes_section(s: &StockPage) -> Markup {
    html! {
        section aria-labelledby="notes" {
            h2 id="notes" { "Latest notes" }
            @if s.notes.is_empty() {
                p.muted { "No note on these dates: a note needs an Alpha Score, and the stock had none at these month ends." }
            } @else {
                ul { @for n in &s.notes {
                    li { a href=(format!("/notes/{}", n.id)) { (n.headline) } " · " (n.as_of) " · "
                        @if n.passed { span.badge.pass { "passes the publishing rules" } } @else { span.badge.fail { "fails the publishing rules" } }
                    }
                } }
            }
        }
    }
}

/// schema.org data for the page: the company, its Alpha Score as a property,
/// and the filings the figures are based on.
fn json_ld(v: &TickerView, name: &str, cik: Option<i64>, facts: &alphadesk_service::FactsReport) -> String {
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
