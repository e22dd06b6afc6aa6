use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;
use alphadesk_service::Table;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Folder for the Parquet files (one per table; replaced whole when complete).
    #[arg(long)]
    to: PathBuf,
    /// Only what was known by this date's close; default: the latest date in the store.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// Comma-separated: securities, prices, facts, filings, insiders, holdings, articles, links, scores (default: all).
    #[arg(long, value_delimiter = ',')]
    tables: Vec<String>,
    /// Score configuration (TOML) of the scores table; default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let tables: Vec<Table> = a
        .tables
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| t.parse::<Table>().map_err(|e| anyhow::anyhow!("--tables: {e}")))
        .collect::<anyhow::Result<_>>()?;
    let service = super::service(db, a.config.as_deref(), None)?;
    let started = std::time::Instant::now();
    let written = service.export(&a.to, &tables, a.as_of.map(|d| d.date()))?;
    let mut bytes = 0;
    for w in &written {
        bytes += w.bytes;
        writeln!(
            out,
            "{:<9} {:>9} rows {:>12} bytes  {:.2} s  {}",
            w.table,
            w.rows,
            super::format_value(w.bytes as f64),
            w.seconds,
            w.path.display()
        )?;
    }
    let store_bytes = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    writeln!(
        out,
        "exported {} tables, {} bytes of Parquet (the store is {} bytes) in {:.2} s",
        written.len(),
        super::format_value(bytes as f64),
        super::format_value(store_bytes as f64),
        started.elapsed().as_secs_f64()
    )?;
    Ok(ExitCode::SUCCESS)
}
