//! What alphadesk writes: notes and theme stories with the checker's verdict on
//! each, their indexes, and the themes of a window of articles.

use std::sync::Arc;

use alphadesk_service::{Service, ThemeRef};
use axum::extract::{Path, State};
use axum::response::Html;
use maud::{html, Markup, PreEscaped};

use super::{date_field, layout, PageResult};
use crate::api::{blocking, Q};
use crate::error::ApiError;

/// Dates a reading page is asked for, as a browser's form sends them (a blank
/// field is none).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    as_of: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn verdict_badge(passed: bool) -> Markup {
    html! {
        @if passed { span.badge.pass { "passes the publishing rules" } } @else { span.badge.fail { "fails the publishing rules" } }
    }
}

fn violations(v: &alphadesk_service::Verdict) -> Markup {
    html! {
        @if !v.violations.is_empty() {
            section.violations aria-labelledby="why-fails" {
                h2 id="why-fails" { "Why it fails" }
                ul { @for x in &v.violations { li { "Line " (x.line) ", rule " code { (x.rule) } ": " (x.message) } } }
            }
        }
    }
}

/// `/notes?as_of=`: every ticker's note of a date with its verdict.
pub async fn notes(State(s): State<Arc<Service>>, q: Result<Q<Dates>, ApiError>) -> PageResult {
    let Q(d) = q?;
    let as_of = date_field("as_of", &d.as_of)?;
    let page = blocking(move || s.notes(as_of, Some(500), 0)).await?;
    let date = page.items.first().map(|n| n.as_of);
    let passed = page.items.iter().filter(|n| n.passed).count();
    let body = html! {
        h1 { "Research notes" }
        p { "A note per scored stock, written from the data known at the close"
            @if let Some(d) = date { " of " (d) } ", every figure cited to its filing, price file or article and checked against the publishing rules before it is shown. "
            (passed) " of " (page.total) " pass." }
        form.pick method="get" action="/notes" {
            label { "Date" input type="date" name="as_of" value=[date.map(|d| d.to_string())]; }
            button type="submit" { "Show" }
        }
        @if page.items.is_empty() {
            p.notice role="status" { "No note on this date: no stock has a fresh price on it." }
        } @else {
            div.table-wrap tabindex="0" { table.stack {
                thead { tr { th scope="col" { "Ticker" } th scope="col" { "Headline" } th scope="col" { "Verdict" } } }
                tbody { @for n in &page.items {
                    tr {
                        td data-label="Ticker" { a href=(format!("/t/{}?as_of={}", n.ticker, n.as_of)) { (n.ticker) } }
                        td data-label="Headline" { a href=(format!("/notes/{}", n.id)) { (n.headline) } }
                        td data-label="Verdict" { (verdict_badge(n.passed)) }
                    }
                } }
            } }
        }
    };
    Ok(Html(layout("Research notes", body).into_string()))
}

/// `/notes/{id}`: a published note with its verdict.
pub async fn note(State(s): State<Arc<Service>>, Path(id): Path<String>) -> PageResult {
    let n = blocking(move || s.note_by_id(&id)).await?;
    let body = html! {
        p.muted { a href=(format!("/t/{}?as_of={}", n.ticker, n.as_of)) { (n.ticker) } " · as of " (n.as_of) " · " (verdict_badge(n.verdict.passed)) }
        (violations(&n.verdict))
        article.note { (PreEscaped(&n.html)) }
        p.muted { a href=(format!("/api/v1/notes/{}", n.id)) { "This note as JSON, every claim with its sources" } }
    };
    Ok(Html(layout(&n.headline, body).into_string()))
}

/// `/stories?as_of=&from=`: the theme stories of a window of articles, each
/// with the checker's verdict, and the themes withheld with the reason.
pub async fn stories(State(s): State<Arc<Service>>, q: Result<Q<Dates>, ApiError>) -> PageResult {
    let Q(d) = q?;
    let (as_of, from) = (date_field("as_of", &d.as_of)?, date_field("from", &d.from)?);
    let index = blocking(move || s.story_index(as_of, from)).await?;
    let passed = index.stories.iter().filter(|x| x.passed).count();
    let body = html! {
        h1 { "Stories" }
        p { "Stories on the themes of the articles first known from " (index.from) " to " (index.as_of) ": each names the companies its articles are about, with their figures at the close of " (index.as_of) ", and is checked against the publishing rules. "
            (passed) " of " (index.stories.len()) " pass." }
        form.pick method="get" action="/stories" {
            label { "From" input type="date" name="from" value=(index.from); }
            label { "To" input type="date" name="as_of" value=(index.as_of); }
            button type="submit" { "Show" }
        }
        @if index.stories.is_empty() {
            p.notice role="status" { "No story for this window: no theme has three or more articles in it." }
        } @else {
            ol.stories { @for st in &index.stories {
                li {
                    a href=(format!("/stories/{}", st.id)) { (st.headline) } br;
                    span.muted { "Theme: " (st.label) }
                    @if !st.tickers.is_empty() {
                        " · " span.muted { "About " }
                        @for (i, t) in st.tickers.iter().enumerate() {
                            @if i > 0 { ", " } a href=(format!("/t/{t}?as_of={}", index.as_of)) { (t) }
                        }
                    }
                    " · " (verdict_badge(st.passed))
                }
            } }
        }
        @if !index.withheld.is_empty() {
            details {
                summary { (index.withheld.len()) " " (if index.withheld.len() == 1 { "theme" } else { "themes" }) " without a story, and why" }
                ul { @for w in &index.withheld { li { code { (w.theme) } ": " (w.reason) } } }
            }
        }
        p.muted { a href=(format!("/themes?from={}&to={}", index.from, index.as_of)) { "Every theme of this window, with its companies" } }
    };
    Ok(Html(layout("Stories", body).into_string()))
}

/// `/stories/{THEME@YYYY-MM-DD}`: one story with its verdict.
pub async fn story(State(s): State<Arc<Service>>, Path(id): Path<String>, q: Result<Q<Dates>, ApiError>) -> PageResult {
    let Q(d) = q?;
    let from = date_field("from", &d.from)?;
    let (theme, date) = id
        .rsplit_once('@')
        .and_then(|(t, d)| Some((t.to_string(), alphadesk_model::parse_date(d)?)))
        .ok_or_else(|| ApiError::bad_input(format!("story id {id:?} is not THEME@YYYY-MM-DD")))?;
    let v = blocking(move || s.story(&ThemeRef::Id(theme), date, from)).await?;
    let body = html! {
        p.muted { "Theme: " (v.label) " · as of " (v.as_of) " · " (verdict_badge(v.verdict.passed)) }
        (violations(&v.verdict))
        article.note { (PreEscaped(&v.html)) }
        p.muted {
            a href=(format!("/stories?as_of={}", v.as_of)) { "The other stories of this window" } " · "
            a href=(format!("/api/v1/stories?theme={}&as_of={}", v.theme, v.as_of)) { "This story as JSON, every claim with its sources" }
        }
    };
    Ok(Html(layout(&v.headline, body).into_string()))
}

/// `/themes?from=&to=`: the themes of a window of articles, largest first.
pub async fn themes(State(s): State<Arc<Service>>, q: Result<Q<Dates>, ApiError>) -> PageResult {
    let Q(d) = q?;
    let (from, to) = (date_field("from", &d.from)?, date_field("to", &d.to)?);
    let view = blocking(move || {
        let to = match to {
            Some(t) => t,
            None => s
                .health()?
                .latest_date
                .ok_or_else(|| alphadesk_service::ServiceError::not_found("the store holds no prices"))?,
        };
        s.find_themes(&alphadesk_service::params::ThemesParams {
            from,
            to,
            min_articles: None,
            query: None,
            ticker: None,
        })
    })
    .await?;
    let body = html! {
        h1 { "Themes" }
        p { "Groups of articles first known from " (view.from) " to " (view.to) " that share their key phrases, largest first, with the companies they are about. A theme needs three articles." }
        form.pick method="get" action="/themes" {
            label { "From" input type="date" name="from" value=(view.from); }
            label { "To" input type="date" name="to" value=(view.to); }
            button type="submit" { "Show" }
        }
        @if view.themes.is_empty() {
            p.notice role="status" { "No theme in this window: fewer than three articles share their key phrases. The stored articles run from 2010 to 2018; try a month in that span." }
        } @else {
            div.table-wrap tabindex="0" { table.stack {
                thead { tr { th scope="col" { "Theme" } th scope="col" .num { "Articles" } th scope="col" { "Known" } th scope="col" { "About" } } }
                tbody { @for t in &view.themes {
                    tr {
                        td data-label="Theme" { a href=(format!("/stories/{}@{}?from={}", t.id, view.to, view.from)) { (t.label) } }
                        td.num data-label="Articles" { (t.articles.len()) }
                        td data-label="Known" { (t.from) @if t.to != t.from { " to " (t.to) } }
                        td data-label="About" {
                            @let about: Vec<_> = t.companies.iter().filter(|c| c.articles > 0).take(5).collect();
                            @if about.is_empty() { span.muted { "no scored company" } }
                            @for (i, c) in about.iter().enumerate() {
                                @if i > 0 { ", " } a href=(format!("/t/{}?as_of={}", c.ticker, view.to)) { (c.ticker) }
                            }
                        }
                    }
                } }
            } }
        }
    };
    Ok(Html(layout("Themes", body).into_string()))
}
