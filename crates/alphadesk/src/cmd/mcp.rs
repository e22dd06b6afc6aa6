use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Rules configuration (TOML) for `check_note`; default: the shipped one.
    #[arg(long)]
    rules: Option<PathBuf>,
}

/// The MCP server on standard input and output: standard output carries the
/// protocol, so nothing else is written there (logs go to standard error).
pub fn run(db: &Path, a: Args, _out: &mut Out) -> anyhow::Result<ExitCode> {
    super::serve::logging();
    let service = super::serve::open(db, a.config.as_deref(), a.rules.as_deref(), 2)?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(alphadesk_mcp::serve_stdio(service))?;
    Ok(ExitCode::SUCCESS)
}
