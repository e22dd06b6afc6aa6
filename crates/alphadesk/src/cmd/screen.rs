//! `alphadesk screen`: a date's scores through thresholds, best first.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;
use alphadesk_service::params::ListScoresParams;
use alphadesk_service::{Order, Sort};

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// The close to screen at (YYYY-MM-DD); default: the latest date in the store.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// One GICS sector ("Financials", "Health Care", ...).
    #[arg(long)]
    sector: Option<String>,
    /// Order by: alpha_score, momentum, value, quality, sentiment, market_cap, change (since the previous month end) or ticker.
    #[arg(long, default_value = "alpha_score")]
    sort: Sort,
    /// desc (highest first; tickers Z to A) or asc; default: highest first, tickers A to Z.
    #[arg(long)]
    order: Option<Order>,
    /// Only Alpha Scores of at least this (0-100).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    min_score: Option<u8>,
    /// Only Alpha Scores of at most this (0-100).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    max_score: Option<u8>,
    /// Only a momentum pillar of at least this (0-100).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    min_momentum: Option<u8>,
    /// Only a value pillar of at least this (0-100).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    min_value: Option<u8>,
    /// Only a quality pillar of at least this (0-100).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    min_quality: Option<u8>,
    /// Only a sentiment pillar of at least this (0-100).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    min_sentiment: Option<u8>,
    /// Only a market cap of at least this many US dollars (10e9 for $10 bn).
    #[arg(long)]
    min_market_cap: Option<f64>,
    /// Only a market cap of at most this many US dollars.
    #[arg(long)]
    max_market_cap: Option<f64>,
    /// Only an Alpha Score that moved at least this many points since the previous month end (-100 to 100).
    #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(i16).range(-100..=100))]
    min_change: Option<i16>,
    /// Only an Alpha Score that moved at most this many points since the previous month end.
    #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(i16).range(-100..=100))]
    max_change: Option<i16>,
    /// Rows listed, 1-100.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100))]
    limit: u64,
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The screen as one JSON record.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, a.config.as_deref(), None)?;
    let p = ListScoresParams {
        as_of: a.as_of.map(|d| d.date()),
        sector: a.sector.clone(),
        sort: Some(a.sort),
        order: a.order,
        min_score: a.min_score,
        max_score: a.max_score,
        min_momentum: a.min_momentum,
        min_value: a.min_value,
        min_quality: a.min_quality,
        min_sentiment: a.min_sentiment,
        min_market_cap: a.min_market_cap,
        max_market_cap: a.max_market_cap,
        min_change: a.min_change,
        max_change: a.max_change,
        limit: Some(a.limit as usize),
        format: None,
    };
    let list = service.screen(&p)?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&list)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let cell = super::score_cell;
    writeln!(
        out,
        "{:<7} {:<32} {:<24} {:>9} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4} {:>4}",
        "ticker", "name", "sector", "mcap_bn", "alpha", "category", "chg", "mom", "val", "qual", "sent"
    )?;
    for row in &list.rows {
        let r = &row.score;
        let name: String = r.name.as_deref().unwrap_or("-").chars().take(32).collect();
        writeln!(
            out,
            "{:<7} {:<32} {:<24} {:>9} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4} {:>4}",
            r.ticker,
            name,
            r.sector,
            r.market_cap.map(|m| format!("{:.1}", m / 1e9)).unwrap_or_else(|| "-".into()),
            cell(r.alpha_score),
            r.category.as_deref().unwrap_or("-"),
            row.change.map(|c| format!("{c:+}")).unwrap_or_else(|| "-".into()),
            cell(r.momentum),
            cell(r.value),
            cell(r.quality),
            cell(r.sentiment)
        )?;
    }
    writeln!(
        out,
        "{} of {} matching tickers as of {}; chg since {} (config {})",
        list.rows.len(),
        list.matching,
        list.as_of,
        list.change_since.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
        list.config_hash
    )?;
    Ok(ExitCode::SUCCESS)
}
