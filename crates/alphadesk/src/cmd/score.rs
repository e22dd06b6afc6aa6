use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::{AsOf, NaiveDate};
use alphadesk_service::{Every, Pillar, ScoreRecord, Sort, MAX_LIMIT};
use anyhow::Context;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Score as of the close of this date (YYYY-MM-DD); default: the latest date in the store.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// One ticker: its score on the date, or with --history FROM..TO its month-end
    /// scores (printed; no --out needed).
    #[arg(long)]
    ticker: Option<String>,
    /// Only this GICS sector (e.g. "Financials", "Health Care").
    #[arg(long)]
    sector: Option<String>,
    /// Score configuration (TOML). Default: the documented defaults.
    #[arg(long)]
    config: Option<PathBuf>,
    /// A panel of scores for research: FROM..TO (dates), with --every and --out;
    /// with --ticker, that ticker's month-end scores.
    #[arg(long, value_name = "FROM..TO")]
    history: Option<String>,
    /// Rebalance frequency of --history: the last trading day of each month
    /// (default), week or day.
    #[arg(long, default_value = "month")]
    every: Every,
    /// Output file of --history: CSV (scores, pillars and raw metrics), or Parquet
    /// when it ends in `.parquet`.
    #[arg(long, requires = "history")]
    out: Option<PathBuf>,
    /// One JSON record per line instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, a.config.as_deref(), None)?;
    if let (Some(t), Some(h)) = (&a.ticker, &a.history) {
        let (from, to) = parse_range(h)?;
        return ticker_history(&service, t, from, to, a.every, a.json, out);
    }
    if let Some(h) = &a.history {
        let file = a.out.as_deref().ok_or_else(|| anyhow::anyhow!("--history needs --out FILE"))?;
        let (from, to) = parse_range(h)?;
        let panel = service.research_panel(from, to, a.every, a.sector.as_deref())?;
        let rows = if file.extension().is_some_and(|x| x.eq_ignore_ascii_case("parquet")) {
            panel.write_parquet(file)?
        } else {
            let f = std::fs::File::create(file).with_context(|| format!("cannot write {}", file.display()))?;
            let mut w = std::io::BufWriter::new(f);
            let rows = panel.write_csv(&mut w)?;
            w.flush()?;
            rows
        };
        writeln!(
            out,
            "wrote {rows} rows for {} dates (every {}) to {} (config {})",
            panel.dates.len(),
            a.every,
            file.display(),
            panel.config_hash
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let as_of = super::as_of_or_latest(&service, a.as_of)?;
    // One ticker as the service reads it (`brk-b` is BRK.B; an unknown one is named).
    let snap = service.snapshot()?;
    let only = a.ticker.as_deref().map(|t| service.ticker(&snap, t)).transpose()?;
    // Every record, in ticker order: the CLI prints the whole universe.
    let mut records = Vec::new();
    let mut offset = 0;
    loop {
        let view = service.scores(Some(as_of), a.sector.as_deref(), Sort::Ticker, Some(MAX_LIMIT), offset)?;
        let n = view.page.items.len();
        records.extend(view.page.items.into_iter().filter(|r| only.as_deref().is_none_or(|t| t == r.ticker)));
        offset += n;
        if n == 0 || offset >= view.page.total {
            break;
        }
    }
    if let (Some(t), true) = (&a.ticker, records.is_empty()) {
        anyhow::bail!("{t} is not in the scored universe on {as_of}: `alphadesk search WORDS` finds tickers");
    }
    if let Some(said) = alphadesk_service::price_date_sentence(as_of, records.first().map(|r| r.as_of)) {
        // Beside the table, not inside the JSON lines (each record carries the
        // close it was scored at).
        eprintln!("{said}");
    }
    if a.json {
        for r in &records {
            writeln!(out, "{}", serde_json::to_string(r)?)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:<7} {:<24} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}  coverage",
        "ticker", "sector", "alpha", "category", "mom", "val", "qual", "sent"
    )?;
    let cell = |r: &ScoreRecord, p: Pillar| super::score_cell(r.pillars.get(&p).and_then(|s| s.score));
    for r in &records {
        writeln!(
            out,
            "{:<7} {:<24} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}  {}/{}",
            r.ticker,
            r.sector.name(),
            r.alpha_score.map(|s| s.to_string()).unwrap_or("-".into()),
            r.category.map(|c| c.word()).unwrap_or("-"),
            cell(r, Pillar::Momentum),
            cell(r, Pillar::Value),
            cell(r, Pillar::Quality),
            cell(r, Pillar::Sentiment),
            r.coverage.metrics_available,
            r.coverage.metrics_total
        )?;
    }
    let scored = records.iter().filter(|r| r.alpha_score.is_some()).count();
    writeln!(out, "{scored} of {} tickers scored as of {as_of} (config {})", records.len(), service.config_hash())?;
    Ok(ExitCode::SUCCESS)
}

/// `score --ticker T --history FROM..TO`: one ticker's month-end scores.
fn ticker_history(
    service: &alphadesk_service::Service,
    ticker: &str,
    from: NaiveDate,
    to: NaiveDate,
    every: Every,
    json: bool,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let h = service.history(ticker, Some(from), Some(to), Some(every))?;
    if json {
        for p in &h.points {
            let mut v = serde_json::to_value(p)?;
            v["ticker"] = h.ticker.clone().into();
            writeln!(out, "{v}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:<10} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}  pillars",
        "month end", "alpha", "category", "mom", "val", "qual", "sent"
    )?;
    let cell = super::score_cell;
    for p in &h.points {
        writeln!(
            out,
            "{:<10} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}  {}/4",
            p.as_of,
            cell(p.alpha_score),
            p.category.as_deref().unwrap_or("-"),
            cell(p.momentum),
            cell(p.value),
            cell(p.quality),
            cell(p.sentiment),
            p.pillars_available
        )?;
    }
    writeln!(
        out,
        "{}: {} dates (every {}) {}..{} (config {})",
        h.ticker,
        h.points.len(),
        h.every.name(),
        h.from,
        h.to,
        h.config_hash
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn parse_range(h: &str) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let (a, b) = h.split_once("..").ok_or_else(|| anyhow::anyhow!("expected FROM..TO, got {h:?}"))?;
    let from: AsOf = a.parse()?;
    let to: AsOf = b.parse()?;
    if from > to {
        anyhow::bail!("{h}: FROM is after TO");
    }
    Ok((from.date(), to.date()))
}
