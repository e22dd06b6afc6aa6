use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;
use alphadesk_service::Every;
use alphadesk_service::{percent_with_se, BacktestSpec as Spec, FACTOR, FACTORS};

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// First rebalance date considered.
    #[arg(long)]
    from: AsOf,
    /// Last rebalance date considered (dates whose horizon runs past the data are left out).
    #[arg(long)]
    to: AsOf,
    /// Forward return horizon in trading days.
    #[arg(long, default_value_t = 21)]
    horizon: usize,
    /// Also the IC and quintiles at each of these horizons (trading days,
    /// comma-separated, e.g. 1,5,10,21,63): how the information decays.
    #[arg(long, value_delimiter = ',')]
    horizons: Vec<usize>,
    /// Your own factor to evaluate beside the score: date, ticker and value
    /// columns as CSV or Parquet (higher values are expected to do better); its
    /// figures are `ic.factor`, `sector_neutral_ic.factor` and `own_factor`.
    #[arg(long)]
    factor: Option<PathBuf>,
    /// Rebalance on the last trading day of each month (default), week or day.
    #[arg(long, default_value = "month")]
    rebalance: Every,
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Write the Markdown report, SVG charts and JSON into this folder.
    #[arg(long)]
    report: Option<PathBuf>,
    /// The figures as one JSON record.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    if a.horizon == 0 {
        anyhow::bail!("--horizon must be at least one trading day");
    }
    if a.from > a.to {
        anyhow::bail!("--from {} is after --to {}", a.from, a.to);
    }
    let service = super::service(db, a.config.as_deref(), None)?;
    let spec = Spec { from: a.from.date(), to: a.to.date(), horizon: a.horizon, rebalance: a.rebalance };
    let factor = a.factor.as_deref().map(alphadesk_service::read_factor).transpose()?;
    let bt = service.backtest_with(&spec, &a.horizons, factor.as_ref())?;
    if bt.dates.is_empty() {
        anyhow::bail!(
            "no rebalance date in {}..{} has {} trading days of prices after it (prices run {}..{})",
            spec.from,
            spec.to,
            spec.horizon,
            bt.data_range.0,
            bt.data_range.1
        );
    }
    if let Some(dir) = &a.report {
        let live = service.live_record()?;
        let files = alphadesk_service::write_report(&bt, Some(&live), dir)?;
        eprintln!("report: {}", files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "));
    }
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&bt)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{}", summary(&bt))?;
    Ok(ExitCode::SUCCESS)
}

/// The figures in a few lines, labelled as a backtest.
pub fn summary(bt: &alphadesk_service::Backtest) -> String {
    let e = &bt.evaluation;
    let mut t = format!(
        "Backtest (historical simulation, not a forecast): {} rebalances {}..{}, {}-day forward returns, config {}\n",
        bt.dates.len(),
        bt.dates.first().map(|d| d.to_string()).unwrap_or_default(),
        bt.dates.last().map(|d| d.to_string()).unwrap_or_default(),
        bt.horizon,
        bt.config_hash
    );
    for f in FACTORS.into_iter().chain(bt.factor.is_some().then_some(FACTOR)) {
        let s = &e.ic[f];
        match s.mean {
            Some(m) => t.push_str(&format!(
                "  rank IC {f:<12} mean {m:+.4}  IR {}  t {}  hit {}  ({} dates)\n",
                s.ir.map(|x| format!("{x:+.2}")).unwrap_or("-".into()),
                s.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("-".into()),
                s.hit_rate.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or("-".into()),
                s.n_dates
            )),
            None => t.push_str(&format!("  rank IC {f:<12} no data\n")),
        }
    }
    let q = &e.quantiles.returns;
    let p = |v: Option<f64>| v.map(|x| format!("{:+.2}%", x * 100.0)).unwrap_or("-".into());
    if !bt.by_horizon.is_empty() {
        t.push_str("  IC decay of the Alpha Score (horizon in trading days: mean rank IC, t, sector-neutral IC, Q5-Q1 spread ± SE):\n");
        for h in &bt.by_horizon {
            let ic = &h.ic["alpha_score"];
            t.push_str(&format!(
                "    {:>3} days  IC {}  t {}  neutral {}  spread {}  ({} dates)\n",
                h.horizon,
                ic.mean.map(|x| format!("{x:+.4}")).unwrap_or("-".into()),
                ic.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("-".into()),
                h.sector_neutral_ic
                    .get("alpha_score")
                    .and_then(|s| s.mean)
                    .map(|x| format!("{x:+.4}"))
                    .unwrap_or("-".into()),
                percent_with_se(h.quantiles.returns.spread_mean, h.quantiles.returns.spread_std_error),
                h.dates
            ));
        }
    }
    if let Some(h) = &bt.holdout {
        t.push_str(&format!(
            "  Held out from {} (declared {}; no change may be chosen by these figures), apart from the dates before (mean rank IC, t, Q5-Q1 spread):\n",
            h.from, h.declared
        ));
        for (name, f) in [("before", &h.before), ("held out", &h.held_out)] {
            let ic = &f.ic["alpha_score"];
            let span = match (f.quantiles.series.first(), f.quantiles.series.last()) {
                (Some(a), Some(b)) => format!("{}..{}", a.date, b.date),
                _ => "no dates".into(),
            };
            t.push_str(&format!(
                "    {name:<9} IC {}  t {}  spread {}  ({} dates, {span})\n",
                ic.mean.map(|x| format!("{x:+.4}")).unwrap_or("-".into()),
                ic.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("-".into()),
                p(f.quantiles.returns.spread_mean),
                f.dates
            ));
        }
        if !h.purged.is_empty() {
            let purged: Vec<String> = h.purged.iter().map(|d| d.to_string()).collect();
            t.push_str(&format!("    in neither: {} (forward window reaches the held-out dates)\n", purged.join(", ")));
        }
    }
    if let Some(u) = &bt.factor {
        t.push_str(&format!(
            "  factor {}: {} of {} values used; dropped {} on days that are not rebalance dates, {} for tickers not scored that day, {} on dates with no forward return yet{}\n",
            u.file,
            u.used,
            u.rows,
            u.not_a_rebalance_date,
            u.ticker_not_scored,
            u.no_forward_return,
            if u.examples.is_empty() { String::new() } else { format!(" (e.g. {})", u.examples.join(", ")) }
        ));
    }
    let f = &e.factor_returns;
    t.push_str(&format!(
        "  factor-weighted long-short {} per period (t {}), alpha {} beta {} on the equal-weighted universe; rank autocorrelation {}\n",
        p(f.mean),
        f.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("-".into()),
        p(f.alpha),
        f.beta.map(|x| format!("{x:+.2}")).unwrap_or("-".into()),
        e.rank_autocorrelation.map(|x| format!("{x:.2}")).unwrap_or("-".into())
    ));
    for (name, q) in [
        ("", q),
        (" less the date's mean", &e.quantiles.demeaned),
        (" within sectors, less the sector's mean", &e.quantiles.sector_neutral),
    ] {
        t.push_str(&format!(
            "  quintile mean returns{name} Q1..Q5: {}  spread Q5-Q1 {} (t {})\n",
            q.mean_returns.iter().map(|v| p(*v)).collect::<Vec<_>>().join(" "),
            percent_with_se(q.spread_mean, q.spread_std_error),
            q.spread_t_stat.map(|x| format!("{x:+.2}")).unwrap_or("-".into())
        ));
    }
    if let Some(s) = e.sector_neutral_ic.get("alpha_score") {
        t.push_str(&format!(
            "  sector-neutral rank IC (returns less their sector's mean) {} (t {})\n",
            s.mean.map(|x| format!("{x:+.4}")).unwrap_or("-".into()),
            s.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("-".into())
        ));
    }
    if let Some(own) = &e.own_factor {
        let q = &own.quantiles.returns;
        t.push_str(&format!(
            "  your factor: quintile mean returns Q1..Q5 {}  spread {} (t {}); factor-weighted long-short {} per period (t {})\n",
            q.mean_returns.iter().map(|v| p(*v)).collect::<Vec<_>>().join(" "),
            percent_with_se(q.spread_mean, q.spread_std_error),
            q.spread_t_stat.map(|x| format!("{x:+.2}")).unwrap_or("-".into()),
            p(own.factor_returns.mean),
            own.factor_returns.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("-".into())
        ));
    }
    t.push_str(&format!(
        "  top-quintile turnover {}; observations dropped for a missing price: {}; {}",
        e.turnover.top_quantile_mean.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or("-".into()),
        bt.dropped_total,
        e.t_stat_method
    ));
    t
}
