use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use alphadesk_service::{ratio_label, SplitCheck, Testimony};

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
        Testimony::Split { ratio, effective, .. } => format!("{} on {effective}", ratio_label(*ratio)),
        Testimony::NoSplit => "no split".into(),
        Testimony::Silent => "-".into(),
    }
}

fn used(c: &SplitCheck) -> String {
    match c.used {
        Some(u) => format!("{} ({})", ratio_label(u.ratio), u.witness.as_str()),
        None => "none".into(),
    }
}
