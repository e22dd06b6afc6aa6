//! The backtest as a folder readable on GitHub: `README.md` with the figures
//! (IC by month as a table) and SVG charts: cumulative quintile returns, IC over
//! time and its distribution, IC by sector, the cumulative long–short return,
//! and the IC at each horizon when several were asked for.
//! Hand-written SVG: a dependency-free, diffable text format that renders anywhere.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{Backtest, FACTORS};

const W: f64 = 760.0;
const H: f64 = 320.0;
const PAD: f64 = 48.0;
const COLORS: [&str; 5] = ["#b2182b", "#ef8a62", "#999999", "#67a9cf", "#2166ac"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Opens an SVG whose plot area is the standard one, with `extra` pixels below it
/// for long axis labels.
fn frame(title: &str, lo: f64, hi: f64, extra: f64) -> String {
    let total = H + extra;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{total}\" viewBox=\"0 0 {W} {total}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{PAD}\" y=\"20\" font-size=\"14\">{}</text>\n",
        esc(title)
    );
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let y = H - PAD - (H - 2.0 * PAD) * k as f64 / 4.0;
        let _ = writeln!(
            s,
            "<line x1=\"{PAD}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"4\" y=\"{:.1}\">{v:.3}</text>",
            W - PAD,
            y + 4.0
        );
    }
    s
}

fn y_of(v: f64, lo: f64, hi: f64) -> f64 {
    H - PAD - (H - 2.0 * PAD) * (v - lo) / (hi - lo)
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    (lo, hi)
}

fn cumulative_svg(bt: &Backtest) -> String {
    let cum = &bt.evaluation.quantiles.cumulative;
    let (lo, hi) = range(cum.iter().flatten().copied());
    let mut s = frame("Cumulative mean forward return by Alpha Score quintile (backtest)", lo, hi, 0.0);
    let n = cum.len().max(2) as f64;
    for q in 0..crate::QUANTILES {
        let pts: Vec<String> = cum
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{:.1},{:.1}", PAD + (W - 2.0 * PAD) * i as f64 / (n - 1.0), y_of(c[q], lo, hi)))
            .collect();
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
            COLORS[q],
            pts.join(" ")
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" fill=\"{}\">Q{}</text>",
            W - PAD + 6.0,
            40.0 + 14.0 * q as f64,
            COLORS[q],
            q + 1
        );
    }
    if let (Some(first), Some(last)) = (bt.evaluation.quantiles.series.first(), bt.evaluation.quantiles.series.last()) {
        let _ = writeln!(
            s,
            "<text x=\"{PAD}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            H - 20.0,
            first.date,
            W - PAD,
            H - 20.0,
            last.date
        );
    }
    s.push_str("</svg>\n");
    s
}

fn bars_svg(title: &str, labels: &[String], values: &[f64]) -> String {
    let (lo, hi) = range(values.iter().copied());
    let mut s = frame(title, lo, hi, 90.0);
    let n = values.len().max(1) as f64;
    let bw = (W - 2.0 * PAD) / n;
    let zero = y_of(0.0, lo, hi);
    let _ = writeln!(s, "<line x1=\"{PAD}\" x2=\"{}\" y1=\"{zero:.1}\" y2=\"{zero:.1}\" stroke=\"#444\"/>", W - PAD);
    for (i, v) in values.iter().enumerate() {
        let y = y_of(*v, lo, hi);
        let (top, h) = if *v >= 0.0 { (y, zero - y) } else { (zero, y - zero) };
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
            PAD + bw * i as f64 + bw * 0.1,
            bw * 0.8,
            if *v >= 0.0 { COLORS[4] } else { COLORS[0] }
        );
    }
    let every = (labels.len() / 12).max(1);
    for (i, l) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let x = PAD + bw * (i as f64 + 0.5);
        let _ = writeln!(
            s,
            "<text x=\"{x:.1}\" y=\"{}\" transform=\"rotate(40 {x:.1} {})\">{}</text>",
            H - PAD + 12.0,
            H - PAD + 12.0,
            esc(l)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:+.2}%", x * 100.0)).unwrap_or("—".into())
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:+.4}")).unwrap_or("—".into())
}

/// Writes the report into `dir` and returns the files written.
/// Writes the report's files (see [`files`]) into `dir`.
pub fn write(bt: &Backtest, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (name, body) in files(bt) {
        let p = dir.join(name);
        std::fs::write(&p, body)?;
        out.push(p);
    }
    Ok(out)
}

/// The report as named files: `README.md`, the SVG charts and `backtest.json`.
/// The web page shows the same charts.
pub fn files(bt: &Backtest) -> Vec<(&'static str, String)> {
    let e = &bt.evaluation;
    let mut md = String::new();
    let _ = writeln!(md, "# Alpha Score backtest\n");
    let _ = writeln!(
        md,
        "**This is a backtest**: a historical simulation, not a forecast and not a recommendation. \
         It ranks the 2018 S&P 500 members present in the data (survivorship-biased: companies that left \
         the index before 2018 are absent) on split- and dividend-adjusted prices.\n"
    );
    let _ = writeln!(
        md,
        "- configuration hash: `{}`\n- data range: {} to {}\n- rebalance: {}, {} dates from {} to {}; forward horizon {} trading days\n- {}\n- observations dropped for a missing price: {} (per date in `backtest.json`)\n",
        bt.config_hash,
        bt.data_range.0,
        bt.data_range.1,
        bt.rebalance,
        bt.dates.len(),
        bt.dates.first().map(|d| d.to_string()).unwrap_or_default(),
        bt.dates.last().map(|d| d.to_string()).unwrap_or_default(),
        bt.horizon,
        e.t_stat_method,
        bt.dropped_total
    );
    let _ = writeln!(md, "## Rank IC (Spearman) with the forward return\n");
    let _ = writeln!(md, "| factor | mean IC | std | IR | t-stat | hit rate | dates |\n|---|---|---|---|---|---|---|");
    for f in FACTORS.into_iter().chain(bt.factor.is_some().then_some(crate::FACTOR)) {
        let s = &e.ic[f];
        let _ = writeln!(
            md,
            "| {f} | {} | {} | {} | {} | {} | {} |",
            num(s.mean),
            s.std.map(|x| format!("{x:.4}")).unwrap_or("—".into()),
            num(s.ir),
            s.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("—".into()),
            s.hit_rate.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or("—".into()),
            s.n_dates
        );
    }
    let _ = writeln!(md, "\n![IC over time](ic_over_time.svg)\n");
    let _ = writeln!(md, "{}", ic_by_month(&e.ic["alpha_score"].series));
    let _ = writeln!(md, "![How the monthly IC is distributed](ic_distribution.svg)\n");
    if !bt.by_horizon.is_empty() {
        let _ = writeln!(md, "## IC decay: the Alpha Score's rank IC at each horizon\n\n| horizon (trading days) | dates | mean IC | t-stat | Q5 − Q1 |\n|---|---|---|---|---|");
        for h in &bt.by_horizon {
            let s = &h.ic["alpha_score"];
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                h.horizon,
                h.dates,
                num(s.mean),
                s.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("—".into()),
                pct(h.quantiles.spread_mean)
            );
        }
        let _ = writeln!(md, "\n![IC decay](ic_decay.svg)\n");
    }
    if let Some(h) = &bt.holdout {
        let _ = writeln!(
            md,
            "## Held out\n\nRebalance dates from {} on are held out (declared {}): no change to the configuration may be chosen by their figures. A date before them whose forward window reaches them is in neither part{}.\n\n| dates | rebalances | mean IC | t-stat | Q5 − Q1 |\n|---|---|---|---|---|",
            h.from,
            h.declared,
            if h.purged.is_empty() {
                String::new()
            } else {
                format!(" ({})", h.purged.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "))
            }
        );
        for (name, f) in [("before", &h.before), ("held out", &h.held_out)] {
            let s = &f.ic["alpha_score"];
            let _ = writeln!(
                md,
                "| {name} | {} | {} | {} | {} |",
                f.dates,
                num(s.mean),
                s.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("—".into()),
                pct(f.quantiles.spread_mean)
            );
        }
        let _ = writeln!(md);
    }
    let f = &e.factor_returns;
    let _ = writeln!(
        md,
        "## The score as a portfolio\n\nFactor-weighted long–short (weights: the score minus its mean, scaled to gross 1): {} per period (t {}), alpha {} and beta {} on the equal-weighted universe; rank autocorrelation between rebalances {}; bottom-quintile turnover {}.\n\n![Cumulative long–short return](long_short.svg)\n",
        pct(f.mean),
        f.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("—".into()),
        pct(f.alpha),
        f.beta.map(|x| format!("{x:+.2}")).unwrap_or("—".into()),
        e.rank_autocorrelation.map(|x| format!("{x:.2}")).unwrap_or("—".into()),
        e.turnover.bottom_quantile_mean.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or("—".into())
    );
    let _ = writeln!(md, "## Mean forward return by Alpha Score quintile (Q1 lowest, Q5 highest)\n");
    let _ = writeln!(md, "| Q1 | Q2 | Q3 | Q4 | Q5 | Q5 − Q1 | t-stat |\n|---|---|---|---|---|---|---|");
    let q = &e.quantiles;
    let _ = writeln!(
        md,
        "| {} | {} | {} | {} | {} | {} | {} |",
        pct(q.mean_returns[0]),
        pct(q.mean_returns[1]),
        pct(q.mean_returns[2]),
        pct(q.mean_returns[3]),
        pct(q.mean_returns[4]),
        pct(q.spread_mean),
        q.spread_t_stat.map(|x| format!("{x:+.2}")).unwrap_or("—".into())
    );
    let _ = writeln!(md, "\n![Cumulative quintile returns](cumulative_quintiles.svg)\n");
    let _ = writeln!(
        md,
        "Top-quintile turnover between rebalances: {}.\n",
        e.turnover.top_quantile_mean.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or("—".into())
    );
    let _ = writeln!(md, "## IC within each sector\n\n| sector | mean IC | dates |\n|---|---|---|");
    for s in &e.sectors {
        let _ = writeln!(md, "| {} | {} | {} |", s.sector, num(s.mean_ic), s.n_dates);
    }
    let _ = writeln!(md, "\n![IC by sector](ic_by_sector.svg)\n");
    let _ = writeln!(
        md,
        "Rerun: `alphadesk backtest --from {} --to {} --horizon {} --rebalance {} --report DIR`.",
        bt.from, bt.to, bt.horizon, bt.rebalance
    );

    let ic = &e.ic["alpha_score"].series;
    let sectors: Vec<_> = e.sectors.iter().filter(|s| s.mean_ic.is_some()).collect();
    let (labels, counts) = distribution(&ic.iter().map(|p| p.ic).collect::<Vec<_>>());
    let mut files = vec![
        ("README.md", md),
        ("cumulative_quintiles.svg", cumulative_svg(bt)),
        (
            "ic_over_time.svg",
            bars_svg(
                "Rank IC of the Alpha Score per rebalance date (backtest)",
                &ic.iter().map(|p| p.date.to_string()).collect::<Vec<_>>(),
                &ic.iter().map(|p| p.ic).collect::<Vec<_>>(),
            ),
        ),
        (
            "ic_by_sector.svg",
            bars_svg(
                "Mean rank IC of the Alpha Score within each sector (backtest)",
                &sectors.iter().map(|s| s.sector.to_string()).collect::<Vec<_>>(),
                &sectors.iter().map(|s| s.mean_ic.unwrap_or(0.0)).collect::<Vec<_>>(),
            ),
        ),
        (
            "ic_distribution.svg",
            bars_svg("How many rebalance dates had each rank IC of the Alpha Score (backtest)", &labels, &counts),
        ),
        (
            "long_short.svg",
            bars_svg(
                "Cumulative factor-weighted long–short return of the Alpha Score (backtest)",
                &f.series.iter().map(|p| p.date.to_string()).collect::<Vec<_>>(),
                &f.cumulative,
            ),
        ),
    ];
    if !bt.by_horizon.is_empty() {
        files.push((
            "ic_decay.svg",
            bars_svg(
                "Mean rank IC of the Alpha Score at each horizon in trading days (backtest)",
                &bt.by_horizon.iter().map(|h| format!("{} days", h.horizon)).collect::<Vec<_>>(),
                &bt.by_horizon.iter().map(|h| h.ic["alpha_score"].mean.unwrap_or(0.0)).collect::<Vec<_>>(),
            ),
        ));
    }
    files.push(("backtest.json", serde_json::to_string_pretty(bt).unwrap_or_default()));
    files
}

/// The per-date IC as a year-by-month table (a heatmap in figures).
fn ic_by_month(series: &[crate::IcPoint]) -> String {
    use chrono::Datelike;
    let mut years: std::collections::BTreeMap<i32, [Option<f64>; 12]> = Default::default();
    for p in series {
        years.entry(p.date.year()).or_insert([None; 12])[p.date.month0() as usize] = Some(p.ic);
    }
    let mut t = String::from("### Rank IC of the Alpha Score by month\n\n| year | Jan | Feb | Mar | Apr | May | Jun | Jul | Aug | Sep | Oct | Nov | Dec |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (y, months) in &years {
        let cells: Vec<String> = months.iter().map(|m| m.map(|x| format!("{x:+.2}")).unwrap_or_default()).collect();
        let _ = writeln!(t, "| {y} | {} |", cells.join(" | "));
    }
    t
}

/// Counts of ICs in bins of 0.05 from the lowest to the highest seen.
fn distribution(ics: &[f64]) -> (Vec<String>, Vec<f64>) {
    const BIN: f64 = 0.05;
    if ics.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let bin = |x: f64| (x / BIN).floor() as i64;
    let (lo, hi) = (ics.iter().map(|x| bin(*x)).min().unwrap_or(0), ics.iter().map(|x| bin(*x)).max().unwrap_or(0));
    let labels = (lo..=hi).map(|b| format!("{:+.2} to {:+.2}", b as f64 * BIN, (b + 1) as f64 * BIN)).collect();
    let counts = (lo..=hi).map(|b| ics.iter().filter(|x| bin(**x) == b).count() as f64).collect();
    (labels, counts)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ics_are_counted_in_bins_of_five_hundredths() {
        let (labels, counts) = super::distribution(&[-0.07, -0.01, 0.0, 0.02, 0.049, 0.12]);
        assert_eq!(labels.first().map(String::as_str), Some("-0.10 to -0.05"));
        assert_eq!(counts, [1.0, 1.0, 3.0, 0.0, 1.0]);
        assert_eq!(counts.iter().sum::<f64>(), 6.0);
    }
}
