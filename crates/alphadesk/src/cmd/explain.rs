use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// The company's ticker, e.g. AAPL.
    ticker: String,
    /// Date (YYYY-MM-DD; default: the latest close). Never moved: a date
    /// without a close of its own is answered for itself, and price-based
    /// figures say which close they use.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The whole explanation as one JSON record.
    #[arg(long)]
    json: bool,
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.abs() >= 1e6 => format!("{x:.4e}"),
        Some(x) => format!("{x:.4}"),
        None => "-".into(),
    }
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, a.config.as_deref(), None)?;
    let e = service.explain(&a.ticker, a.as_of.map(AsOf::date))?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(e.as_ref())?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(said) = alphadesk_service::price_date_sentence(e.record.as_of, Some(e.price_date)) {
        writeln!(out, "{said}")?;
    }
    writeln!(out, "{}\n{}", e.explanation[0], e.explanation[1])?;
    for (p, s) in &e.record.pillars {
        writeln!(
            out,
            "\n{p}: {} ({}/{} metrics){}",
            s.score.map(|x| format!("{x} {}", s.label.map(|l| l.word()).unwrap_or(""))).unwrap_or("unscored".into()),
            s.metrics_available,
            s.metrics_total,
            s.reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default()
        )?;
        for v in e.metrics.iter().filter(|m| m.metric.pillar == *p) {
            let m = &v.metric;
            writeln!(
                out,
                "  {:<28} raw {:>12}  sector pct {:>6}  ({}, {:?} is better){}",
                m.id.name(),
                num(m.raw),
                m.sector_percentile.map(|x| format!("{x:.1}")).unwrap_or("-".into()),
                m.meaning,
                m.direction,
                m.reason.as_deref().map(|r| format!("\n      no value: {r}")).unwrap_or_default()
            )?;
            for i in &m.inputs {
                let src = match (&i.source.accession, i.source.line) {
                    (Some(acc), _) => format!("accession {acc}, {}", i.source.path),
                    (None, Some(l)) => format!("{} line {l}", i.source.path),
                    _ => i.source.path.clone(),
                };
                writeln!(out, "      {} = {} ({}) [{src}]", i.name, num(Some(i.value)), i.date)?;
            }
        }
    }
    let figures = service.figures()?;
    writeln!(out, "\nconfig {}\n\n{}", e.config_hash, figures.sentence(service.default_config()))?;
    Ok(ExitCode::SUCCESS)
}
