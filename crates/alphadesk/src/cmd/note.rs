use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;

use crate::output::Out;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Html,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// The company's ticker, e.g. AAPL.
    ticker: String,
    /// The note's date (YYYY-MM-DD); default: the latest date in the store, said on standard error.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// md (Markdown with numbered sources), html, or json (every claim with its value and sources).
    #[arg(long, value_enum, default_value = "md")]
    format: Format,
    /// Write the note here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, a.config.as_deref(), None)?;
    let as_of = super::as_of_or_latest(&service, a.as_of)?;
    let note = service.note_text(&a.ticker, as_of)?;
    let text = match a.format {
        Format::Md => note.markdown,
        Format::Html => note.html,
        Format::Json => note.json,
    };
    match &a.out {
        Some(p) => std::fs::write(p, &text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?,
        None => writeln!(out, "{}", text.trim_end())?,
    }
    Ok(ExitCode::SUCCESS)
}
