use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use alphadesk_service::{SplitCheck, Testimony};

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Tickers to check (default: every priced ticker).
    tickers: Vec<String>,
    /// Only the splits the witnesses disagree on.
    #[arg(long)]
    disagreements: bool,
    /// One JSON array: each split with every witness's report, its source, and
    /// the split the market cap uses.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = alphadesk_service::Service::open(db, alphadesk_service::Options { readers: 1, ..Default::default() })
        .map_err(|e| anyhow::anyhow!("cannot open the store {}: {e}", db.display()))?;
    let mut checks = service.splits(&a.tickers)?;
    if a.disagreements {
        checks.retain(|c| !c.disagreements.is_empty());
    }
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&checks)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let disagreeing = checks.iter().filter(|c| !c.disagreements.is_empty()).count();
    writeln!(out, "{} splits reported, {disagreeing} with witnesses that disagree", checks.len())?;
    writeln!(
        out,
        "{:<7} {:<23} {:<20} {:<20} {:<20} market cap uses",
        "ticker", "window", "price source", "XBRL", "inferred"
    )?;
    for c in &checks {
        writeln!(
            out,
            "{:<7} {:<23} {:<20} {:<20} {:<20} {}",
            c.ticker,
            window(c),
            said(&c.source),
            said(&c.xbrl),
            said(&c.inferred),
            used(c)
        )?;
        for d in &c.disagreements {
            writeln!(out, "        - {d}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn window(c: &SplitCheck) -> String {
    if c.after.succ_opt() == Some(c.effective) {
        c.effective.to_string()
    } else {
        format!("{}..{}", c.after, c.effective)
    }
}

fn said(t: &Testimony) -> String {
    match t {
        Testimony::Split { ratio, effective, .. } => format!("{} on {effective}", ratio_text(*ratio)),
        Testimony::NoSplit => "no split".into(),
        Testimony::Silent => "-".into(),
    }
}

fn used(c: &SplitCheck) -> String {
    match c.used {
        Some(u) => format!("{} ({})", ratio_text(u.ratio), u.witness.as_str()),
        None => "none".into(),
    }
}

/// New shares per old as a reader says it: 7:1, 5:4, 1:4 for a reverse split.
fn ratio_text(r: f64) -> String {
    let whole = |x: f64| (x - x.round()).abs() < 1e-6;
    if whole(r) {
        format!("{}:1", r.round())
    } else if whole(1.0 / r) {
        format!("1:{}", (1.0 / r).round())
    } else if whole(r * 4.0) {
        format!("{}:4", (r * 4.0).round())
    } else {
        format!("{r:.3}:1")
    }
}
