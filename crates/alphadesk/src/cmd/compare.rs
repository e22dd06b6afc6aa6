//! `alphadesk compare T1 T2 ...`: tickers side by side on one date.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use alphadesk_model::AsOf;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Two to ten tickers.
    #[arg(required = true, num_args = 2..=10)]
    tickers: Vec<String>,
    /// The close to compare at (YYYY-MM-DD); default: the latest date in the store.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<std::path::PathBuf>,
    /// The comparison as one JSON record.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, a.config.as_deref(), None)?;
    let c = service.compare(&a.tickers, a.as_of.map(|d| d.date()))?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&c)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let cell = super::score_cell;
    writeln!(
        out,
        "{:<7} {:<24} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}",
        "ticker", "sector", "alpha", "category", "mom", "val", "qual", "sent"
    )?;
    for r in &c.rows {
        let s = &r.score;
        writeln!(
            out,
            "{:<7} {:<24} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}",
            s.ticker,
            s.sector,
            cell(s.alpha_score),
            s.category.as_deref().unwrap_or("-"),
            cell(s.momentum),
            cell(s.value),
            cell(s.quality),
            cell(s.sentiment)
        )?;
    }
    for r in &c.rows {
        writeln!(out, "{}: {}", r.score.ticker, r.explanation)?;
    }
    writeln!(out, "as of {} (config {}); each score ranks its ticker within its own sector", c.as_of, c.config_hash)?;
    Ok(ExitCode::SUCCESS)
}
