//! The backtest as a folder readable on GitHub: `README.md` with the figures
//! (IC by month as a table) and SVG charts: cumulative quintile returns, IC over
//! time and its distribution, IC by sector, the cumulative long–short return,
//! and the IC at each horizon when several were asked for; and the live record
//! of the configuration when it is the one of record.
//! Hand-written SVG: a dependency-free, diffable text format that renders anywhere.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::live::LiveRecord;
use crate::{Backtest, QuantileReturns, FACTORS};

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

/// Writes the report's files (see [`files`]) into `dir` and returns their paths.
pub fn write(bt: &Backtest, live: Option<&LiveRecord>, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (name, body) in files(bt, live) {
        let p = dir.join(name);
        std::fs::write(&p, body)?;
        out.push(p);
    }
    Ok(out)
}

/// The report as named files: `README.md`, the SVG charts and `backtest.json`.
/// The web page shows the same charts. `live`: the configuration's live
/// record, stated in the README when its configuration is the backtest's.
pub fn files(bt: &Backtest, live: Option<&LiveRecord>) -> Vec<(&'static str, String)> {
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
    let mut ic_row = |label: String, s: &crate::IcSummary| {
        let _ = writeln!(
            md,
            "| {label} | {} | {} | {} | {} | {} | {} |",
            num(s.mean),
            s.std.map(|x| format!("{x:.4}")).unwrap_or("—".into()),
            num(s.ir),
            s.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("—".into()),
            s.hit_rate.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or("—".into()),
            s.n_dates
        );
    };
    for f in FACTORS.into_iter().chain(bt.factor.is_some().then_some(crate::FACTOR)) {
        ic_row(f.to_string(), &e.ic[f]);
    }
    for (f, s) in &e.sector_neutral_ic {
        ic_row(format!("{f}, sector-neutral"), s);
    }
    let _ = writeln!(
        md,
        "\nSector-neutral: each date's forward returns less their sector's mean, so a factor is not credited for picking sectors.\n"
    );
    let _ = writeln!(md, "![IC over time](ic_over_time.svg)\n");
    let _ = writeln!(md, "{}", ic_by_month(&e.ic["alpha_score"].series));
    let _ = writeln!(md, "![Rank IC by month](ic_by_month.svg)\n");
    let _ = writeln!(md, "![How the monthly IC is distributed](ic_distribution.svg)\n");
    if !bt.by_horizon.is_empty() {
        let _ = writeln!(md, "## IC decay: the Alpha Score's rank IC at each horizon\n\n| horizon (trading days) | dates | mean IC | t-stat | sector-neutral IC | Q5 − Q1 (± SE) | sector-neutral Q5 − Q1 (± SE) | Newey–West lags |\n|---|---|---|---|---|---|---|---|");
        for h in &bt.by_horizon {
            let s = &h.ic["alpha_score"];
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                h.horizon,
                h.dates,
                num(s.mean),
                s.t_stat.map(|x| format!("{x:+.2}")).unwrap_or("—".into()),
                num(h.sector_neutral_ic.get("alpha_score").and_then(|s| s.mean)),
                with_se(h.quantiles.returns.spread_mean, h.quantiles.returns.spread_std_error),
                with_se(h.quantiles.sector_neutral.spread_mean, h.quantiles.sector_neutral.spread_std_error),
                h.lags
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
                pct(f.quantiles.returns.spread_mean)
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
    let _ = writeln!(md, "{}", variants_table(&e.quantiles));
    let _ = writeln!(md, "![Cumulative quintile returns](cumulative_quintiles.svg)\n");
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
    if let Some(l) = live.filter(|l| l.config_hash == bt.config_hash) {
        let _ = writeln!(md, "## The live record\n\n{}\n", l.sentence());
        if !l.closes.is_empty() {
            let _ = writeln!(
                md,
                "| close | stated | live | scored | matured on | with a return | rank IC |\n|---|---|---|---|---|---|---|"
            );
            for c in l.closes.iter().rev() {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    c.as_of,
                    c.recorded_at.get(..10).unwrap_or(&c.recorded_at),
                    if c.live { "yes" } else { "no: recorded later" },
                    c.scored,
                    c.matured_on.map(|d| d.to_string()).unwrap_or("not yet".into()),
                    c.n,
                    num(c.ic)
                );
            }
            let _ = writeln!(md);
        }
    }
    let _ = writeln!(
        md,
        "Rerun: `alphadesk backtest --from {} --to {} --horizon {}{} --rebalance {} --report DIR`.",
        bt.from,
        bt.to,
        bt.horizon,
        if bt.by_horizon.is_empty() {
            String::new()
        } else {
            format!(" --horizons {}", bt.by_horizon.iter().map(|h| h.horizon.to_string()).collect::<Vec<_>>().join(","))
        },
        bt.rebalance
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
        ("ic_by_month.svg", ic_heatmap_svg(ic)),
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

/// A mean return with its standard error, "+1.23% ± 0.45%"; the mean alone
/// without one; "—" without either.
pub fn with_se(mean: Option<f64>, se: Option<f64>) -> String {
    match (mean, se) {
        (Some(m), Some(se)) => format!("{:+.2}% ± {:.2}%", m * 100.0, se * 100.0),
        (m, _) => pct(m),
    }
}

/// Quintile returns raw, demeaned and sector-neutral, each with its standard error.
fn variants_table(q: &crate::Quantiles) -> String {
    let mut t = String::from(
        "Raw, less each date's mean (demeaned), and with quintiles formed within each sector less the sector's mean (sector-neutral); mean ± standard error:\n\n| returns | Q1 | Q2 | Q3 | Q4 | Q5 | Q5 − Q1 | t-stat |\n|---|---|---|---|---|---|---|---|\n",
    );
    let rows: [(&str, &QuantileReturns); 3] =
        [("raw", &q.returns), ("demeaned", &q.demeaned), ("sector-neutral", &q.sector_neutral)];
    for (name, r) in rows {
        let cells: Vec<String> = r.mean_returns.iter().zip(&r.std_errors).map(|(m, se)| with_se(*m, *se)).collect();
        let _ = writeln!(
            t,
            "| {name} | {} | {} | {} |",
            cells.join(" | "),
            with_se(r.spread_mean, r.spread_std_error),
            r.spread_t_stat.map(|x| format!("{x:+.2}")).unwrap_or("—".into())
        );
    }
    t
}

/// The per-date IC as a year-by-month heatmap: blue above zero, red below,
/// the deeper the larger (full colour at |IC| = 0.3), each cell labelled.
fn ic_heatmap_svg(series: &[crate::IcPoint]) -> String {
    use chrono::Datelike;
    const CELL_W: f64 = 52.0;
    const CELL_H: f64 = 24.0;
    const LEFT: f64 = 56.0;
    const TOP: f64 = 44.0;
    let years: std::collections::BTreeSet<i32> = series.iter().map(|p| p.date.year()).collect();
    let height = TOP + CELL_H * years.len() as f64 + 16.0;
    let width = LEFT + CELL_W * 12.0 + 16.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{PAD}\" y=\"18\" font-size=\"14\">Rank IC of the Alpha Score by month (backtest; blue above zero, red below)</text>\n"
    );
    for (m, name) in
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].iter().enumerate()
    {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{name}</text>",
            LEFT + CELL_W * (m as f64 + 0.5),
            TOP - 6.0
        );
    }
    for (row, y) in years.iter().enumerate() {
        let top = TOP + CELL_H * row as f64;
        let _ = writeln!(s, "<text x=\"8\" y=\"{:.1}\">{y}</text>", top + CELL_H * 0.65);
        for p in series.iter().filter(|p| p.date.year() == *y) {
            let x = LEFT + CELL_W * p.date.month0() as f64;
            let depth = (p.ic.abs() / 0.3).min(1.0);
            // From white to the quintile chart's darkest blue or red.
            let (r, g, b) = if p.ic >= 0.0 { (0x21, 0x66, 0xac) } else { (0xb2, 0x18, 0x2b) };
            let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * depth).round() as u8;
            let ink = if depth > 0.6 { "white" } else { "black" };
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#{:02x}{:02x}{:02x}\" stroke=\"#fff\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{ink}\">{:+.2}</text>",
                CELL_W,
                CELL_H,
                mix(r),
                mix(g),
                mix(b),
                x + CELL_W / 2.0,
                top + CELL_H * 0.65,
                p.ic
            );
        }
    }
    s.push_str("</svg>\n");
    s
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
