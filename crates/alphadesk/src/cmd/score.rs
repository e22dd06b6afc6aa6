use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::{AsOf, NaiveDate, Sector};
use alphadesk_score::{score, Every, Pillar, ScoreConfig, ScoreRecord, Universe};
use alphadesk_store::Store;
use anyhow::Context;

#[derive(clap::Args)]
pub struct Args {
    /// Score as of the close of this date (YYYY-MM-DD).
    #[arg(long, required_unless_present = "history")]
    as_of: Option<AsOf>,
    /// Only this GICS sector (e.g. "Financials", "Health Care").
    #[arg(long)]
    sector: Option<String>,
    /// Score configuration (TOML). Default: the documented defaults.
    #[arg(long)]
    config: Option<PathBuf>,
    /// A panel of scores for research: FROM..TO (dates), with --every and --out.
    #[arg(long, value_name = "FROM..TO")]
    history: Option<String>,
    /// Rebalance frequency of --history: the last trading day of each period.
    #[arg(long, default_value = "month")]
    every: Every,
    /// Output file of --history (CSV).
    #[arg(long, requires = "history")]
    out: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn load_config(path: Option<&Path>) -> anyhow::Result<ScoreConfig> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            ScoreConfig::from_toml(&text).with_context(|| format!("in {}", p.display()))
        }
        None => Ok(ScoreConfig::default()),
    }
}

pub fn load_universe(db: &Path) -> anyhow::Result<Universe> {
    Ok(open_scored(db)?.1)
}

/// The store and the universe loaded from it, or why there is nothing to score.
pub fn open_scored(db: &Path) -> anyhow::Result<(Store, Universe)> {
    if !db.exists() {
        anyhow::bail!("no store at {}: run `alphadesk ingest` or `alphadesk demo` first", db.display());
    }
    let store = Store::open(db)?;
    let u = Universe::load(&store)?;
    if u.members.is_empty() {
        anyhow::bail!("{} holds no priced securities with a sector: ingest prices and listings first", db.display());
    }
    Ok((store, u))
}

pub fn run(db: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let cfg = load_config(a.config.as_deref())?;
    let sector = match &a.sector {
        Some(s) => Some(Sector::from_label(s).ok_or_else(|| anyhow::anyhow!("unknown sector {s:?}"))?),
        None => None,
    };
    let u = load_universe(db)?;
    if let Some(h) = &a.history {
        let out = a.out.as_deref().ok_or_else(|| anyhow::anyhow!("--history needs --out FILE"))?;
        return history(&u, &cfg, h, a.every, out, sector);
    }
    let as_of = a.as_of.expect("clap requires --as-of without --history").date();
    let mut records = score(&u, as_of, &cfg);
    if let Some(s) = sector {
        records.retain(|r| r.sector == s);
    }
    if records.is_empty() {
        anyhow::bail!("no ticker has a fresh price on {as_of} (the store's prices run {}..{})", first(&u), last(&u));
    }
    if a.json {
        let mut text = String::new();
        for r in &records {
            text.push_str(&serde_json::to_string(r)?);
            text.push('\n');
        }
        crate::output::emit(text.trim_end())?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = format!(
        "{:<7} {:<24} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}  {}\n",
        "ticker", "sector", "alpha", "category", "mom", "val", "qual", "sent", "coverage"
    );
    let cell = |r: &ScoreRecord, p: Pillar| {
        r.pillars.get(&p).and_then(|s| s.score).map(|s| s.to_string()).unwrap_or("-".into())
    };
    for r in &records {
        text.push_str(&format!(
            "{:<7} {:<24} {:>5} {:<9} {:>4} {:>4} {:>4} {:>4}  {}/{}\n",
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
        ));
    }
    let scored = records.iter().filter(|r| r.alpha_score.is_some()).count();
    text.push_str(&format!("{scored} of {} tickers scored as of {as_of} (config {})", records.len(), cfg.hash()));
    crate::output::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn first(u: &Universe) -> String {
    u.calendar.first().map(|d| d.to_string()).unwrap_or_default()
}

fn last(u: &Universe) -> String {
    u.calendar.last().map(|d| d.to_string()).unwrap_or_default()
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

fn history(
    u: &Universe,
    cfg: &ScoreConfig,
    range: &str,
    every: Every,
    out: &Path,
    sector: Option<Sector>,
) -> anyhow::Result<ExitCode> {
    let (from, to) = parse_range(range)?;
    let dates = u.rebalance_dates(from, to, every);
    if dates.is_empty() {
        anyhow::bail!("no trading days in {range} (the store's prices run {}..{})", first(u), last(u));
    }
    let file = std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let cfg_metrics: Vec<String> =
        cfg.pillars.values().flat_map(|p| p.metrics.iter().map(|m| m.id.to_string())).collect();
    write!(w, "date,ticker,sector,alpha_score,momentum,value,quality,sentiment,coverage")?;
    for m in &cfg_metrics {
        write!(w, ",{m}")?;
    }
    writeln!(w)?;
    let opt = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut rows = 0;
    for d in &dates {
        for r in score(u, *d, cfg) {
            if sector.is_some_and(|s| s != r.sector) {
                continue;
            }
            let p = |q: Pillar| opt(r.pillars.get(&q).and_then(|s| s.score));
            write!(
                w,
                "{d},{},\"{}\",{},{},{},{},{},{:.4}",
                r.ticker,
                r.sector,
                opt(r.alpha_score),
                p(Pillar::Momentum),
                p(Pillar::Value),
                p(Pillar::Quality),
                p(Pillar::Sentiment),
                r.coverage.fraction
            )?;
            for m in &r.metrics {
                match m.raw {
                    Some(v) => write!(w, ",{v}")?,
                    None => write!(w, ",")?,
                }
            }
            writeln!(w)?;
            rows += 1;
        }
    }
    w.flush()?;
    println!(
        "wrote {rows} rows for {} dates (every {every}) to {} (config {})",
        dates.len(),
        out.display(),
        cfg.hash()
    );
    Ok(ExitCode::SUCCESS)
}
