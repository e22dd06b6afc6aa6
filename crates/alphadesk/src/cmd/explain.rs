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
    t.push_str(&format!("\nconfig {}\n\n{}", e.config_hash, record_line(&u, &cfg)));
    crate::output::emit(&t)?;
    Ok(ExitCode::SUCCESS)
}

/// How the score has ranked stocks in the past, stated beside it: the backtest of
/// record (the default configuration over the whole shared period), or of the
/// configuration in use when it is not the default.
pub fn record_line(u: &alphadesk_score::Universe, cfg: &alphadesk_score::ScoreConfig) -> String {
    let spec = alphadesk_validate::record_spec();
    let bt = alphadesk_validate::backtest(u, cfg, &spec);
    let which = if cfg.hash() == alphadesk_score::ScoreConfig::default().hash() {
        "Figures of record"
    } else {
        "Backtest of this configuration"
    };
    let ic = &bt.evaluation.ic["alpha_score"];
    let q = &bt.evaluation.quantiles;
    format!(
        "{which} (a backtest: a historical simulation on survivorship-biased data, not a forecast): over {} monthly rebalances {}..{}, the Alpha Score's mean rank IC with 21-day forward returns was {} (t {}), and the top quintile beat the bottom by {} per period on average.",
        bt.dates.len(),
        bt.dates.first().map(|d| d.to_string()).unwrap_or_default(),
        bt.dates.last().map(|d| d.to_string()).unwrap_or_default(),
        ic.mean.map(|x| format!("{x:+.3}")).unwrap_or("n/a".into()),
        ic.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("n/a".into()),
        q.spread_mean.map(|x| format!("{:+.2}%", x * 100.0)).unwrap_or("n/a".into())
    )
}
