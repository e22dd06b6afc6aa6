//! `alphadesk screen`: a date's scores through thresholds, best first.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;
use alphadesk_service::params::ListScoresParams;
use alphadesk_service::Sort;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// The close to screen at (YYYY-MM-DD); default: the latest date in the store.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// One GICS sector ("Financials", "Health Care", ...).
    #[arg(long)]
    sector: Option<String>,
    /// Order, highest first: alpha_score, momentum, value, quality, sentiment, or ticker.
    #[arg(long, default_value = "alpha_score")]
    sort: Sort,
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
        min_score: a.min_score,
        max_score: a.max_score,
        min_momentum: a.min_momentum,
        min_value: a.min_value,
        min_quality: a.min_quality,
        min_sentiment: a.min_sentiment,
        limit: Some(a.limit as usize),
    };
    let list = service.screen(&p)?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&list)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let cell = super::score_cell;
    writeln!(
        out,
        "{:<7} {:<32} {:<24} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}",
        "ticker", "name", "sector", "alpha", "category", "mom", "val", "qual", "sent"
    )?;
    for r in &list.rows {
        let name: String = r.name.as_deref().unwrap_or("-").chars().take(32).collect();
        writeln!(
            out,
            "{:<7} {:<32} {:<24} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}",
            r.ticker,
            name,
            r.sector,
            cell(r.alpha_score),
            r.category.as_deref().unwrap_or("-"),
            cell(r.momentum),
            cell(r.value),
            cell(r.quality),
            cell(r.sentiment)
        )?;
    }
    writeln!(
        out,
        "{} of {} matching tickers as of {} (config {})",
        list.rows.len(),
        list.matching,
        list.as_of,
        list.config_hash
    )?;
    Ok(ExitCode::SUCCESS)
}
