//! `alphadesk search WORDS`: tickers by symbol or company name.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// A symbol, or words of a company name ("apple", "exxon mobil").
    #[arg(required = true, num_args = 1..)]
    words: Vec<String>,
    /// Most hits listed, 1-500.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=500))]
    limit: u64,
    /// One JSON record per hit.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, None, None)?;
    let q = a.words.join(" ");
    let hits = service.search(&q, a.limit as usize)?;
    if a.json {
        for h in &hits {
            writeln!(out, "{}", serde_json::to_string(h)?)?;
        }
    } else {
        for h in &hits {
            writeln!(
                out,
                "{:<7} {:<40} {}",
                h.ticker,
                h.name.as_deref().unwrap_or("-"),
                h.sector.as_deref().unwrap_or("-")
            )?;
        }
        if hits.is_empty() {
            writeln!(out, "no ticker or company name matches {q:?}")?;
        }
    }
    Ok(if hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
