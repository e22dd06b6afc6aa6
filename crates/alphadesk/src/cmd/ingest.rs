use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_store::{FileReport, Outcome, Store};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

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

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    /// Per kind: files stored and rows written.
    pub stored: BTreeMap<String, (u64, u64)>,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: Vec<FileReport>,
    pub warnings: usize,
    pub reports: Vec<FileReport>,
}

impl Summary {
    pub fn changed_nothing(&self) -> bool {
        self.stored.is_empty() && self.failed.is_empty()
    }
}

/// Ingests every file under `paths`, one transaction per file, reporting failures
/// as they happen and going on with the rest.
pub fn ingest_all(store: &mut Store, paths: &[PathBuf], verbose: bool) -> anyhow::Result<Summary> {
    let files = alphadesk_store::walk(paths)?;
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(files.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let mut s = Summary { files: files.len(), ..Summary::default() };
    for (path, explicit) in files {
        bar.set_message(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let report = store.ingest_path(&path, explicit);
        match &report.outcome {
            Outcome::Stored { kind, rows, warnings } => {
                let e = s.stored.entry(kind.name().to_string()).or_default();
                e.0 += 1;
                e.1 += rows;
                s.warnings += warnings.len();
                if verbose {
                    for w in warnings {
                        bar.suspend(|| eprintln!("warning: {}: {w}", report.path));
                    }
                }
            }
            Outcome::Unchanged { .. } => s.unchanged += 1,
            Outcome::Skipped { .. } => s.skipped += 1,
            Outcome::Failed { error, .. } => {
                bar.suspend(|| eprintln!("error: {}: {error}", report.path));
                s.failed.push(report.clone());
            }
        }
        s.reports.push(report);
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(s)
}

pub fn print_summary(s: &Summary) {
    println!("{} files examined", s.files);
    for (kind, (files, rows)) in &s.stored {
        println!("  stored {kind:<13} {files:>5} files {rows:>10} rows");
    }
    if s.unchanged > 0 {
        println!("  unchanged      {:>5} files (already stored, same sha256)", s.unchanged);
    }
    if s.skipped > 0 {
        println!("  skipped        {:>5} files (not a source alphadesk reads)", s.skipped);
    }
    if s.warnings > 0 {
        println!("  warnings       {:>5} (rerun with --verbose to list them)", s.warnings);
    }
    if !s.failed.is_empty() {
        println!("  FAILED         {:>5} files:", s.failed.len());
        for f in &s.failed {
            if let Outcome::Failed { error, .. } = &f.outcome {
                println!("    {}: {error}", f.path);
            }
        }
    }
    if s.changed_nothing() {
        println!("nothing changed: every file was already stored or is not a source");
    }
}

pub fn run(db: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(db)?;
    let s = ingest_all(&mut store, &a.paths, a.verbose)?;
    if let Some(d) = super::news::derive_signals(&mut store)? {
        if d.documents > 0 {
            eprintln!("news: read {} new documents into {} company tone signals", d.documents, d.signals);
        }
    }
    if a.json {
        crate::output::emit(&serde_json::to_string_pretty(&s)?)?;
    } else {
        print_summary(&s);
    }
    Ok(if s.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
