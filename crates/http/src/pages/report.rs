//! How far to trust the score: the validation report, and the method with
//! what the store holds.

use std::sync::{Arc, Mutex};

use alphadesk_service::Service;
use axum::extract::State;
use axum::response::Html;
use maud::{html, Markup, PreEscaped};

use super::{capitalise, configuration, layout, PageResult};
use crate::api::blocking;

/// `/validation`: the figures of record and the report's charts.
pub async fn validation(State(s): State<Arc<Service>>) -> PageResult {
    let (bt, figures, of_record, live) =
        blocking(move || Ok((s.record_backtest()?, s.figures()?, s.default_config(), s.live_record()?))).await?;
    let files = alphadesk_service::report_files(&bt, None);
    let svgs: Vec<&(&str, String)> = files.iter().filter(|(n, _)| n.ends_with(".svg")).collect();
    let body = html! {
        h1 { "Validation" }
        p.record { (figures.sentence(of_record)) " A historical simulation, not a forecast." }
        h2 { "In plain words" }
        ul.plain { @for (k, ic) in &figures.ic { li { (ic_words(k, ic, figures.horizon)) } } }
        p { (quintile_words(&figures)) }
        p { (portfolio_words(&figures)) }
        @if let Some(h) = &figures.holdout {
            h2 { "Held out" }
            p { (figures.holdout_sentence().unwrap_or_default()) " No change to the configuration may be chosen by these figures, and a change made for another reason is published with both sets. The rebalance dates before " (h.from) " are the rest of the record; a date whose forward window reaches the held-out dates is in neither part." }
            div.table-wrap tabindex="0" { table {
                caption.muted { "The Alpha Score's rank IC and quintile spread with the next " (figures.horizon) " trading days' return, before and on the held-out dates" }
                thead { tr { th scope="col" { "Dates" } th scope="col" { "From" } th scope="col" { "To" } th scope="col" .num { "Rebalances" } th scope="col" .num { "Mean IC" } th scope="col" .num { "t-stat" } th scope="col" .num { "Q5 − Q1" } } }
                tbody { @for (name, part) in [("Before", &h.before), ("Held out", &h.held_out)] {
                    tr {
                        th scope="row" { (name) }
                        td { (part.first_date.map(|d| d.to_string()).unwrap_or("—".into())) }
                        td { (part.last_date.map(|d| d.to_string()).unwrap_or("—".into())) }
                        td.num { (part.dates) }
                        td.num { (signed(part.ic.as_ref().and_then(|i| i.mean), 3)) }
                        td.num { (signed(part.ic.as_ref().and_then(|i| i.t_stat), 2)) }
                        td.num { (pct_se(part.spread_mean, None)) }
                    }
                } }
            } }
        }
        h2 { "The live record" }
        p { (live.sentence()) }
        @if !live.closes.is_empty() {
            div.table-wrap tabindex="0" { table {
                caption.muted { "The latest closes recorded, newest first: the Alpha Scores as first stated, and their rank IC with the next " (live.horizon) " trading days' return once the store has it" }
                thead { tr { th scope="col" { "Close" } th scope="col" { "Stated" } th scope="col" { "Live" } th scope="col" .num { "Scored" } th scope="col" { "Matured on" } th scope="col" .num { "With a return" } th scope="col" .num { "Rank IC" } } }
                tbody { @for c in live.closes.iter().rev().take(12) {
                    tr {
                        th scope="row" { (c.as_of) }
                        td { (c.recorded_at.get(..10).unwrap_or(&c.recorded_at)) }
                        td { (if c.live { "yes" } else { "no: recorded later" }) }
                        td.num { (c.scored) }
                        td { (c.matured_on.map(|d| d.to_string()).unwrap_or("not yet".into())) }
                        td.num { (c.n) }
                        td.num { (signed(c.ic, 3)) }
                    }
                } }
            } }
        }
        h2 { "The figures" }
        p.muted { "A rank IC is the rank correlation between the scores of a date and the returns that followed: +1 would order every stock perfectly, 0 is no relation. The IR is its mean over its spread, the t-statistic says how far the mean is from zero given the dates (beyond ±2 is usually taken as statistically significant), and the hit rate is the share of dates with a positive IC." }
        div.table-wrap tabindex="0" { table {
            caption.muted { "Rank IC (Spearman) of each factor with the next " (figures.horizon) " trading days' return, monthly " (figures.first_date.map(|d| d.to_string()).unwrap_or_default()) " to " (figures.last_date.map(|d| d.to_string()).unwrap_or_default()) }
            thead { tr { th scope="col" { "Factor" } th scope="col" .num { "Mean IC" } th scope="col" .num { "IR" } th scope="col" .num { "t-stat" } th scope="col" .num { "Hit rate" } th scope="col" .num { "Dates" } } }
            tbody { @for (k, ic) in &figures.ic {
                tr { th scope="row" { (k) } td.num { (ic.mean.map(|x| format!("{x:+.3}")).unwrap_or_else(|| "–".into())) } td.num { (ic.ir.map(|x| format!("{x:+.2}")).unwrap_or_else(|| "–".into())) } td.num { (ic.t_stat.map(|x| format!("{x:+.2}")).unwrap_or_else(|| "–".into())) } td.num { (ic.hit_rate.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "–".into())) } td.num { (ic.n_dates) } }
            } }
        } }
        @if !bt.by_horizon.is_empty() {
            h2 { "How the information decays" }
            p { (decay_words(&bt)) }
            div.table-wrap tabindex="0" { table {
                caption.muted { "The Alpha Score's rank IC and quintile spread at each horizon, over the same rebalance dates; sector-neutral: returns less their sector's mean; ± one standard error (Newey–West where windows overlap)" }
                thead { tr { th scope="col" { "Horizon" } th scope="col" .num { "Dates" } th scope="col" .num { "Mean IC" } th scope="col" .num { "t-stat" } th scope="col" .num { "Sector-neutral IC" } th scope="col" .num { "Q5 − Q1" } th scope="col" .num { "Sector-neutral Q5 − Q1" } } }
                tbody { @for h in &bt.by_horizon {
                    tr {
                        th scope="row" { (days(h.horizon)) }
                        td.num { (h.dates) }
                        td.num { (signed(h.ic["alpha_score"].mean, 3)) }
                        td.num { (signed(h.ic["alpha_score"].t_stat, 2)) }
                        td.num { (signed(h.sector_neutral_ic.get("alpha_score").and_then(|i| i.mean), 3)) }
                        td.num { (pct_se(h.quantiles.returns.spread_mean, h.quantiles.returns.spread_std_error)) }
                        td.num { (pct_se(h.quantiles.sector_neutral.spread_mean, h.quantiles.sector_neutral.spread_std_error)) }
                    }
                } }
            } }
        }
        div.table-wrap tabindex="0" { table {
            caption.muted { "Mean return over the next " (bt.horizon) " trading days by Alpha Score quintile, ± one standard error: raw, less each date's mean (demeaned), and with quintiles formed within each sector, less the sector's mean (sector-neutral)" }
            thead { tr { th scope="col" { "Returns" } @for k in 1..=5 { th scope="col" .num { "Q" (k) } } th scope="col" .num { "Q5 − Q1" } th scope="col" .num { "t-stat" } } }
            tbody { @for (name, r) in [("Raw", &bt.evaluation.quantiles.returns), ("Demeaned", &bt.evaluation.quantiles.demeaned), ("Sector-neutral", &bt.evaluation.quantiles.sector_neutral)] {
                tr {
                    th scope="row" { (name) }
                    @for (m, se) in r.mean_returns.iter().zip(&r.std_errors) { td.num { (pct_se(*m, *se)) } }
                    td.num { (pct_se(r.spread_mean, r.spread_std_error)) }
                    td.num { (signed(r.spread_t_stat, 2)) }
                }
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
        (configuration(&figures.config_hash))
    };
    Ok(Html(layout("Validation", body).into_string()))
}

/// What a factor's rank IC says, in a sentence a reader without statistics
/// follows: the direction, how large the relation is, and whether it is
/// distinguishable from chance.
fn ic_words(factor: &str, ic: &alphadesk_service::IcBrief, horizon: usize) -> String {
    let name = if factor == "alpha_score" { "The Alpha Score".to_string() } else { format!("The {factor} pillar") };
    let Some(mean) = ic.mean else {
        return format!("{name}: too few dates to measure.");
    };
    let better = if mean > 0.0 { "better" } else { "worse" };
    let size = match mean.abs() {
        x if x < 0.02 => "a negligible relation",
        x if x < 0.05 => "a small relation",
        _ => "a sizeable relation for a stock factor",
    };
    let significance = match ic.t_stat {
        Some(t) if t.abs() >= 2.0 => {
            format!("with a t-statistic of {} it is statistically significant", signed(Some(t), 2))
        }
        Some(t) => {
            format!(
                "with a t-statistic of {} it is not statistically significant: it could be chance",
                signed(Some(t), 2)
            )
        }
        None => "too few dates to say whether it is chance".to_string(),
    };
    format!(
        "{name}: stocks it ranked higher did {better} over the next {horizon} trading days on average — {size} (mean rank IC {} over {} months); {significance}.",
        signed(Some(mean), 3),
        ic.n_dates
    )
}

/// A signed number with a true minus sign, or a dash.
fn signed(v: Option<f64>, places: usize) -> String {
    v.map(|x| format!("{x:+.places$}").replace('-', "−")).unwrap_or("—".into())
}

/// A percentage with its standard error, with a true minus sign.
fn pct_se(m: Option<f64>, se: Option<f64>) -> String {
    alphadesk_service::percent_with_se(m, se).replace('-', "−")
}

/// "1 trading day", "5 trading days".
fn days(n: usize) -> String {
    if n == 1 {
        "1 trading day".into()
    } else {
        format!("{n} trading days")
    }
}

/// Where the score's rank IC is largest across horizons, in words.
fn decay_words(bt: &alphadesk_service::Backtest) -> String {
    let points: Vec<(usize, f64)> =
        bt.by_horizon.iter().filter_map(|h| Some((h.horizon, h.ic["alpha_score"].mean?))).collect();
    let Some(&(best_h, best)) = points.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
        return "Too few dates to measure the IC at any horizon.".into();
    };
    let list: Vec<String> = points.iter().map(|(h, ic)| format!("{} at {}", signed(Some(*ic), 3), days(*h))).collect();
    let longest = points.iter().map(|(h, _)| *h).max() == Some(best_h);
    format!(
        "The same scores measured against returns over different spans: {}. The relation is strongest over {} ({}){}",
        list.join(", "),
        days(best_h),
        signed(Some(best), 3),
        if longest && points.len() > 1 {
            ", the longest span measured: the score ranks slow-moving differences between companies more than next week's moves."
        } else {
            "."
        }
    )
}

/// The score held as a portfolio, and how stable it is, in words.
fn portfolio_words(f: &alphadesk_service::Figures) -> String {
    let pct = |x: f64| format!("{:+.2}%", x * 100.0).replace('-', "−");
    let mut s = match (f.long_short_mean, f.long_short_t_stat) {
        (Some(m), Some(t)) => format!(
            "Held as a portfolio — long the stocks scored above the month's average and short those below, in proportion to the gap — the score returned {} per {}-day period on average ({}){}.",
            pct(m),
            f.horizon,
            if t.abs() >= 2.0 { format!("t {}, statistically significant", signed(Some(t), 2)) } else { format!("t {}, not statistically significant", signed(Some(t), 2)) },
            match (f.long_short_alpha, f.long_short_beta) {
                (Some(a), Some(b)) => format!("; against the equal-weighted universe its alpha was {} per period and its beta {}", pct(a), signed(Some(b), 2)),
                _ => String::new(),
            }
        ),
        _ => "Too few dates to hold the score as a portfolio.".to_string(),
    };
    if let Some(r) = f.rank_autocorrelation {
        s.push_str(&format!(" From one month to the next the ranking keeps a rank correlation of {r:.2} (1 would be the same order every month)"));
        if let (Some(top), Some(bottom)) = (f.top_quintile_turnover, f.bottom_quintile_turnover) {
            s.push_str(&format!(
                ", and {:.0}% of the top fifth and {:.0}% of the bottom fifth change each month",
                top * 100.0,
                bottom * 100.0
            ));
        }
        s.push('.');
    }
    s
}

fn quintile_words(f: &alphadesk_service::Figures) -> String {
    match f.spread_mean {
        Some(x) => format!(
            "Split each month into fifths by Alpha Score: the highest fifth's return over the next {} trading days {} the lowest fifth's by {:.2}% a month on average (the mean of each month's gap){}.",
            f.horizon,
            if x >= 0.0 { "beat" } else { "trailed" },
            x.abs() * 100.0,
            match f.spread_t_stat {
                Some(t) if t.abs() >= 2.0 => format!("; with a t-statistic of {} the gap is statistically significant", signed(Some(t), 2)),
                Some(t) => format!("; with a t-statistic of {} the gap is not statistically significant", signed(Some(t), 2)),
                None => String::new(),
            }
        ),
        None => "Too few dates to compare the highest and lowest fifths of scores.".to_string(),
    }
}

/// `/methodology`: what this store holds and the configuration in use, read
/// from them (so they cannot drift from the data), then the method in words
/// (docs/methodology.md). Built once per store generation.
pub async fn methodology(State(s): State<Arc<Service>>) -> PageResult {
    static PAGE: Mutex<Option<(i64, String)>> = Mutex::new(None);
    let page = blocking(move || {
        let health = s.health()?;
        if let Some((g, page)) = PAGE.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if *g == health.generation {
                return Ok(page.clone());
            }
        }
        let (counts, figures) = (s.counts()?, s.figures()?);
        let page = layout("Methodology", methodology_page(&s, &health, &counts, &figures)).into_string();
        *PAGE.lock().unwrap_or_else(|p| p.into_inner()) = Some((health.generation, page.clone()));
        Ok(page)
    })
    .await?;
    Ok(Html(page))
}

fn methodology_page(
    s: &Service,
    health: &alphadesk_service::Health,
    c: &alphadesk_service::Counts,
    figures: &alphadesk_service::Figures,
) -> Markup {
    let n = |v: i64| super::grouped(v as f64);
    let span = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "none stored".to_string(),
    };
    let cfg = s.config();
    let all_weight: f64 = cfg.pillars.values().map(|p| p.weight).sum();
    let (title, method) =
        alphadesk_service::METHODOLOGY.split_once('\n').unwrap_or(("", alphadesk_service::METHODOLOGY));
    html! {
        h1 { (title.trim_start_matches('#').trim()) }
        section.store aria-labelledby="holds" {
            h2 id="holds" { "What this store holds" }
            p.muted { "Read from the store at generation " (health.generation) "; it changes when data is ingested or synced." }
            ul {
                li { "Daily prices: " (n(c.price_bars)) " closes of " (n(c.tickers_with_prices)) " tickers, " (span(&c.first_price_date, &c.last_price_date)) "; questions without a date are about " (health.latest_date.map(|d| d.to_string()).unwrap_or_else(|| "no date".into())) "." }
                li { "SEC filings: " (n(c.facts)) " XBRL facts of " (n(c.companies)) " companies, " (n(c.filings)) " filings, " (n(c.insider_reports)) " insider reports (Forms 3, 4, 5) with " (n(c.insider_transactions)) " transactions, " (n(c.holdings_reports)) " 13F reports with " (n(c.holdings)) " positions." }
                li { "News: " (n(c.articles)) " articles first known " (span(&c.first_article_known, &c.last_article_known)) ", and " (n(c.posts)) " StockNet posts." }
                li { (n(c.sources)) " source files, each recorded with its content hash (" code { "alphadesk verify" } " re-checks them)." }
            }
            p.record { (figures.sentence(s.default_config())) " " a href="/validation" { "The validation report" } }
        }
        section aria-labelledby="config" {
            h2 id="config" { "The scoring configuration in use" }
            p { "Each pillar is the mean of its metrics' sector percentiles (it needs the number of metrics shown), ranked again within the sector; the Alpha Score ranks the weighted pillars within the sector. A score needs " (cfg.min_pillars) " pillars; with fewer than " (cfg.full_pillars) " it is provisional. Configuration " code { (s.config_hash()) } "." }
            div.table-wrap tabindex="0" { table.stack {
                thead { tr { th scope="col" { "Pillar" } th scope="col" .num { "Weight" } th scope="col" { "Metrics (needs)" } } }
                tbody { @for (p, spec) in &cfg.pillars {
                    tr {
                        th scope="row" { (capitalise(p.name())) }
                        td.num data-label="Weight" { (format!("{:.0}%", spec.weight / all_weight * 100.0)) }
                        td data-label="Metrics" {
                            @for (i, m) in spec.metrics.iter().enumerate() {
                                @if i > 0 { "; " }
                                (m.id.title()) span.muted { " (" (m.id.describe()) ", " (if matches!(m.direction, alphadesk_service::Direction::Higher) { "higher is better" } else { "lower is better" }) ")" }
                            }
                            " (" (spec.min_metrics) ")"
                        }
                    }
                } }
            } }
        }
        (crate::markdown::to_html(method))
    }
}
