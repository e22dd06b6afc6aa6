//! Alpha Score benchmarks on the shared universe, with the pandas reference in the
//! same run.
//!
//!     cargo bench -p alphadesk --bench score
//!
//! Reports:
//! - loading the universe from the store (prices, filings, table rows);
//! - one as-of score over the whole universe from the loaded universe (target < 20 ms);
//! - a monthly panel 2014-01..2018-04 with all four pillars, store reading included
//!   (target < 1 s), and peak resident memory;
//! - `benches/score_reference.py` (plain pandas, same formulas, same store) timed in
//!   the same run, the speed ratio (target >= 5x), and the largest difference between
//!   the two sides' metric values.
//!
//! Set ALPHADESK_BENCH_DB to reuse a store; otherwise one is built from the shared data.
//! A benchmark measures; it asserts nothing about speed.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use alphadesk_model::NaiveDate;
use alphadesk_score::{score, ScoreConfig, Universe};
use alphadesk_store::Store;

mod common;
use common::peak_rss_mib;

fn main() {
    let db = common::bench_store("score", common::DEMO_FOLDERS);
    let cfg = ScoreConfig::default();
    let (from, to) = ("2014-01-01".parse().unwrap(), "2018-04-30".parse().unwrap());
    let rss_before = peak_rss_mib();

    // Monthly panel, store reading included: the figure of record. Best of three
    // runs, as for the pandas side below (best of two): the first run of either pays
    // for a cold page cache.
    type Run = (Duration, Duration, Universe, Vec<NaiveDate>, Vec<Vec<alphadesk_score::ScoreRecord>>);
    let mut best: Option<Run> = None;
    let mut rss_one_run = f64::NAN;
    for run in 0..3 {
        let start = Instant::now();
        let store = Store::open(&db).unwrap();
        let u = Universe::load(&store).unwrap();
        let load = start.elapsed();
        let dates = u.rebalance_dates(from, to, alphadesk_score::Every::Month);
        let records: Vec<_> = dates.iter().map(|d| score(&u, *d, &cfg)).collect();
        let panel = start.elapsed();
        if run == 0 {
            rss_one_run = peak_rss_mib();
        }
        if best.as_ref().is_none_or(|b| panel < b.1) {
            best = Some((load, panel, u, dates, records));
        }
    }
    let (load, panel, u, dates, records) = best.expect("three runs");
    let rows: usize = records.iter().map(Vec::len).sum();
    println!(
        "universe load: {} members, {} trading days in {:.0} ms",
        u.members.len(),
        u.calendar.len(),
        load.as_secs_f64() * 1e3
    );
    println!(
        "monthly panel {}..{}: {} dates, {rows} ticker-dates, all four pillars: {:.0} ms including reading the store ({:.1} ms per date after loading)",
        dates[0],
        dates[dates.len() - 1],
        dates.len(),
        panel.as_secs_f64() * 1e3,
        (panel - load).as_secs_f64() * 1e3 / dates.len() as f64
    );

    // One as-of score from the loaded universe, repeated.
    let as_of: NaiveDate = "2016-06-30".parse().unwrap();
    let mut n = 0u32;
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(2) {
        std::hint::black_box(score(&u, as_of, &cfg));
        n += 1;
    }
    println!(
        "one as-of score ({as_of}, {} tickers) from the loaded universe: {:.2} ms (mean of {n})",
        score(&u, as_of, &cfg).len(),
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
    println!("peak RSS of one panel run {rss_one_run:.1} MiB (before loading {rss_before:.1} MiB)");

    // The pandas reference.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/score_reference.py");
    let out = std::env::temp_dir().join(format!("alphadesk-ref-{}.csv", std::process::id()));
    let mut secs = f64::INFINITY;
    for _ in 0..2 {
        let run =
            Command::new("python3").arg(&script).arg(&db).arg(from.to_string()).arg(to.to_string()).arg(&out).output();
        let run = match run {
            Ok(r) if r.status.success() => r,
            Ok(r) => {
                println!(
                    "pandas reference failed (is pandas installed?): {}",
                    String::from_utf8_lossy(&r.stderr).trim()
                );
                return;
            }
            Err(e) => {
                println!("pandas reference not run: {e}");
                return;
            }
        };
        let stdout = String::from_utf8_lossy(&run.stdout);
        let s: f64 =
            stdout.lines().find_map(|l| l.strip_prefix("seconds=")).and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
        secs = secs.min(s);
    }
    println!(
        "pandas reference (momentum, value, quality; store reading included; best of 2): {:.0} ms -> Rust panel (best of 3) is {:.1}x faster",
        secs * 1e3,
        secs / panel.as_secs_f64()
    );
    compare(&out, &u, &dates, &records);
    let _ = std::fs::remove_file(out);
}

/// Largest absolute difference per metric between the pandas CSV and the Rust
/// records, over tickers whose fundamentals come from the table on both sides.
fn compare(csv_path: &Path, u: &Universe, dates: &[NaiveDate], records: &[Vec<alphadesk_score::ScoreRecord>]) {
    let text = std::fs::read_to_string(csv_path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut reference: HashMap<(String, String), Vec<Option<f64>>> = HashMap::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        reference.insert((f[0].to_string(), f[1].to_string()), f[2..].iter().map(|x| x.parse().ok()).collect());
    }
    let xbrl: Vec<&str> = u
        .members
        .iter()
        .filter(|m| {
            m.timeline
                .iter()
                .any(|r| r.fields.values().any(|f| f.concept.starts_with("us-gaap") || f.concept.starts_with("dei")))
        })
        .map(|m| m.ticker.as_str())
        .collect();
    let mut worst: HashMap<&str, (f64, usize, usize)> = HashMap::new();
    for (d, recs) in dates.iter().zip(records) {
        for r in recs {
            let Some(row) = reference.get(&(d.to_string(), r.ticker.clone())) else { continue };
            for m in &r.metrics {
                let Some(col) = header.iter().position(|h| *h == m.id.name()) else { continue };
                let fundamental = !matches!(m.id.pillar(), alphadesk_score::Pillar::Momentum);
                if fundamental && xbrl.contains(&r.ticker.as_str()) {
                    continue;
                }
                let e = worst.entry(m.id.name()).or_insert((0.0, 0, 0));
                match (m.raw, row[col - 2]) {
                    (Some(a), Some(b)) => {
                        e.0 = e.0.max((a - b).abs() / b.abs().max(1e-12));
                        e.1 += 1;
                    }
                    (None, None) => e.1 += 1,
                    _ => e.2 += 1,
                }
            }
        }
    }
    let mut names: Vec<_> = worst.keys().copied().collect();
    names.sort();
    println!("agreement with pandas (largest relative difference; ticker-dates compared; present on one side only):");
    for n in names {
        let (w, k, miss) = worst[n];
        println!("  {n:<24} {w:.2e}  {k:>6}  {miss}");
    }
    println!("  (fundamental metrics of {} XBRL-backed tickers left out: {})", xbrl.len(), xbrl.join(", "));
}
