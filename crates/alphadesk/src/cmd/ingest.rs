use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_service::write::{Summary, Writer};
use alphadesk_service::Outcome;
use indicatif::{ProgressBar, ProgressStyle};

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders; folders are read recursively.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print the summary and every file's outcome as JSON.
    #[arg(long)]
    json: bool,
    /// List warnings (empty cells, gaps, skipped rows) for each stored file.
    #[arg(long)]
    verbose: bool,
}

/// Ingests every file under `paths` with a progress bar on a terminal, reporting
/// failures as they happen and going on with the rest.
pub fn ingest_all(w: &mut Writer, paths: &[PathBuf], verbose: bool) -> anyhow::Result<Summary> {
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let s = w.ingest(paths, |i, total, report| {
        bar.set_length(total as u64);
        bar.set_position(i as u64 + 1);
        bar.set_message(report.path.rsplit('/').next().unwrap_or_default().to_string());
        match &report.outcome {
            Outcome::Stored { warnings, .. } if verbose => {
                for w in warnings {
                    bar.suspend(|| eprintln!("warning: {}: {w}", report.path));
                }
            }
            Outcome::Failed { error, .. } => bar.suspend(|| eprintln!("error: {}: {error}", report.path)),
            _ => {}
        }
    })?;
    bar.finish_and_clear();
    Ok(s)
}

pub fn print_summary(out: &mut Out, s: &Summary) -> std::io::Result<()> {
    writeln!(out, "{} files examined", s.files)?;
    for (kind, (files, rows)) in &s.stored {
        writeln!(out, "  stored {kind:<13} {files:>5} files {rows:>10} rows")?;
    }
    if s.unchanged > 0 {
        writeln!(out, "  unchanged      {:>5} files (already stored, same sha256)", s.unchanged)?;
    }
    if s.skipped > 0 {
        writeln!(out, "  skipped        {:>5} files (not a source alphadesk reads)", s.skipped)?;
    }
    if s.warnings > 0 {
        writeln!(out, "  warnings       {:>5} (rerun with --verbose to list them)", s.warnings)?;
    }
    if !s.failed.is_empty() {
        writeln!(out, "  FAILED         {:>5} files:", s.failed.len())?;
        for f in &s.failed {
            if let Outcome::Failed { error, .. } = &f.outcome {
                writeln!(out, "    {}: {error}", f.path)?;
            }
        }
    }
    if s.changed_nothing() {
        writeln!(out, "nothing changed: every file was already stored or is not a source")?;
    }
    Ok(())
}

/// After new data: read the news it brought and refresh the cached figures of
/// record, so that readers state them without recomputing a backtest.
pub fn after_ingest(w: &mut Writer, s: &Summary) -> anyhow::Result<Option<alphadesk_service::Derived>> {
    let derived = w.derive_news()?;
    if !s.stored.is_empty() || derived.as_ref().is_some_and(|d| d.documents > 0) {
        w.refresh_figures(&alphadesk_service::ScoreConfig::default())?;
    }
    Ok(derived)
}

/// After a sync stored new documents: the figures of record follow the store.
pub fn after_sync(w: &mut Writer) -> anyhow::Result<()> {
    w.refresh_figures(&alphadesk_service::ScoreConfig::default())?;
    Ok(())
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let mut w = Writer::open(db, "ingest")?;
    let s = ingest_all(&mut w, &a.paths, a.verbose)?;
    if let Some(d) = after_ingest(&mut w, &s)? {
        if d.documents > 0 {
            eprintln!("news: read {} new documents into {} company tone signals", d.documents, d.signals);
        }
    }
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?;
    } else {
        print_summary(out, &s)?;
    }
    Ok(if s.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
