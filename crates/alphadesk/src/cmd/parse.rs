use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use alphadesk_ingest::Kind;
use anyhow::Context;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// prices, companyfacts, submissions, form4, 13f, fundamentals, snapshot, listings, sec-tickers, sic; or `auto`.
    kind: String,
    /// The file to read.
    file: PathBuf,
    /// Compact JSON (one line) instead of indented.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let name = a.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let kind = if a.kind.eq_ignore_ascii_case("auto") {
        match alphadesk_ingest::detect(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", a.file.display()))? {
            alphadesk_ingest::Detected::Kind(k) => k,
            alphadesk_ingest::Detected::Unrecognised(why) => {
                anyhow::bail!("{}: not a source alphadesk reads: {why}", a.file.display())
            }
        }
    } else {
        a.kind.parse::<Kind>().map_err(anyhow::Error::msg)?
    };
    let parsed =
        alphadesk_ingest::parse(kind, &name, &bytes).map_err(|e| anyhow::anyhow!("{}: {e}", a.file.display()))?;
    let text = if a.json { serde_json::to_string(&parsed)? } else { serde_json::to_string_pretty(&parsed)? };
    writeln!(out, "{text}")?;
    for w in parsed.warnings() {
        eprintln!("warning: {}: {w}", a.file.display());
    }
    Ok(ExitCode::SUCCESS)
}
