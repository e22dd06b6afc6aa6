use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;

use super::score::{load_config, load_universe};

#[derive(clap::Args)]
pub struct Args {
    ticker: String,
    #[arg(long)]
    as_of: AsOf,
    #[arg(long)]
    config: Option<PathBuf>,
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

pub fn run(db: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let cfg = load_config(a.config.as_deref())?;
    let u = load_universe(db)?;
    let as_of = a.as_of.date();
    let Some(e) = alphadesk_score::explain(&u, &a.ticker, as_of, &cfg) else {
        if u.member(&a.ticker).is_none() {
            anyhow::bail!("{} is not in the scored universe (no prices or no sector in {})", a.ticker, db.display());
        }
        anyhow::bail!("{} has no fresh price on {as_of}, so it is not scored on that date", a.ticker);
    };
    if a.json {
        crate::output::emit(&serde_json::to_string_pretty(&e)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = format!("{}\n{}\n", e.sentences[0], e.sentences[1]);
    for (p, s) in &e.record.pillars {
        t.push_str(&format!(
            "\n{p}: {} ({}/{} metrics){}\n",
            s.score.map(|x| format!("{x} {}", s.label.map(|l| l.word()).unwrap_or(""))).unwrap_or("unscored".into()),
            s.metrics_available,
            s.metrics_total,
            s.reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default()
        ));
        for m in e.metrics.iter().filter(|m| m.pillar == *p) {
            t.push_str(&format!(
                "  {:<28} raw {:>12}  sector pct {:>6}  ({}, {:?} is better){}\n",
                m.id.name(),
                num(m.raw),
                m.sector_percentile.map(|x| format!("{x:.1}")).unwrap_or("-".into()),
                m.meaning,
                m.direction,
                m.reason.as_deref().map(|r| format!("\n      no value: {r}")).unwrap_or_default()
            ));
            for i in &m.inputs {
                let src = match (&i.source.accession, i.source.line) {
                    (Some(acc), _) => format!("accession {acc}, {}", i.source.path),
                    (None, Some(l)) => format!("{} line {l}", i.source.path),
                    _ => i.source.path.clone(),
                };
                t.push_str(&format!("      {} = {} ({}) [{src}]\n", i.name, num(Some(i.value)), i.date));
            }
        }
    }
    t.push_str(&format!("\nconfig {}", e.config_hash));
    crate::output::emit(&t)?;
    Ok(ExitCode::SUCCESS)
}
