use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;
use alphadesk_notes::{compose, render, Desk};
use alphadesk_rules::{Checker, Verdict};

use super::check::load_rules;
use super::note::Format;
use super::score::{load_config, open_scored};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    as_of: AsOf,
    /// Comma-separated tickers; default: every ticker scored on the date.
    #[arg(long, value_delimiter = ',')]
    tickers: Vec<String>,
    /// Folder for the notes that pass (Markdown, HTML and JSON per ticker).
    #[arg(long)]
    out: PathBuf,
    #[arg(long)]
    rules: Option<PathBuf>,
    #[arg(long)]
    config: Option<PathBuf>,
}

/// What a publishing run did.
pub struct Outcome {
    pub published: Vec<String>,
    pub failed: Vec<(String, Verdict)>,
    /// Tickers that could not be composed, with why.
    pub skipped: Vec<(String, String)>,
    pub seconds: f64,
}

impl Outcome {
    pub fn summary(&self) -> String {
        let checked = self.published.len() + self.failed.len();
        format!(
            "published {} of {} notes checked ({:.1}% pass), {} failed, {} not composed; {:.2} s",
            self.published.len(),
            checked,
            if checked == 0 { 0.0 } else { 100.0 * self.published.len() as f64 / checked as f64 },
            self.failed.len(),
            self.skipped.len(),
            self.seconds
        )
    }
}

/// Composes and checks a note per ticker; writes only the passing ones.
pub fn publish(checker: &Checker<'_>, tickers: &[String], out: &Path) -> anyhow::Result<Outcome> {
    let started = std::time::Instant::now();
    std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out.display()))?;
    let mut o = Outcome { published: vec![], failed: vec![], skipped: vec![], seconds: 0.0 };
    // A note published by an earlier run must not outlive a failure in this one:
    // the folder holds exactly the notes that pass on this date.
    let withdraw = |t: &str| {
        for f in [Format::Md, Format::Html, Format::Json] {
            let path = out.join(format!("{t}.{}", f.extension()));
            if path.exists() {
                std::fs::remove_file(&path).map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", path.display()))?;
            }
        }
        anyhow::Ok(())
    };
    for t in tickers {
        // The checker keeps the dossier it builds: composing from it means the
        // note is checked against exactly what it was written from, built once.
        let note = match checker.dossier(t) {
            Ok(Some(d)) => compose(&d).map_err(|e| e.to_string()),
            Ok(None) => Err(format!("{t} has no fresh price on {}: nothing current to write about", checker.as_of())),
            Err(e) => Err(e.to_string()),
        };
        let note = match note {
            Ok(n) => n,
            Err(why) => {
                withdraw(t)?;
                o.skipped.push((t.clone(), why));
                continue;
            }
        };
        let md = render::markdown(&note);
        let verdict = checker.check(&md, Some(&note.ticker))?;
        if !verdict.passed {
            withdraw(&note.ticker)?;
            o.failed.push((note.ticker.clone(), verdict));
            continue;
        }
        for f in [Format::Md, Format::Html, Format::Json] {
            let path = out.join(format!("{}.{}", note.ticker, f.extension()));
            let text = if f == Format::Md { md.clone() } else { f.render(&note) };
            std::fs::write(&path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        }
        o.published.push(note.ticker.clone());
    }
    o.seconds = started.elapsed().as_secs_f64();
    Ok(o)
}

pub fn print_failures(o: &Outcome) {
    for (t, v) in &o.failed {
        println!("{}", super::check::human(&format!("{t}.md"), v));
    }
    for (t, why) in &o.skipped {
        println!("{t}: not composed: {why}");
    }
}

pub fn run(db: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let rules = load_rules(a.rules.as_deref())?;
    let cfg = load_config(a.config.as_deref())?;
    let (store, u) = open_scored(db)?;
    let desk = Desk::new(&store, &u, &cfg, a.as_of.date())?;
    let checker = Checker::new(&desk, rules)?;
    let tickers: Vec<String> = if a.tickers.is_empty() {
        desk.tickers()
    } else {
        a.tickers.iter().map(|t| t.trim().to_ascii_uppercase()).filter(|t| !t.is_empty()).collect()
    };
    if tickers.is_empty() {
        anyhow::bail!("no ticker is scored on {}: nothing to publish", a.as_of.date());
    }
    let o = publish(&checker, &tickers, &a.out)?;
    print_failures(&o);
    println!("{} -> {}", o.summary(), a.out.display());
    // A ticker asked for by name must be published; across the whole universe, a
    // ticker with too little data for a note is reported, not a failure.
    let explicit_skipped = !a.tickers.is_empty() && !o.skipped.is_empty();
    Ok(if o.failed.is_empty() && !explicit_skipped { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
