//! The full backtest on the shared universe, with the pandas reference in the same run.
//!
//!     cargo bench -p alphadesk --bench backtest
//!
//! Rust: open the store, load the universe, score every month end 2014-05..2018-05,
//! attach 21-day forward returns, compute IC, quintiles, sector IC and turnover
//! (best of three). Pandas: `benches/score_reference.py` with a horizon scores the
//! same dates with the same formulas and runs the same IC and quintile evaluation
//! (best of two). Target: under 1 s, and at least 5x faster than pandas.
//! Set ALPHADESK_BENCH_DB to reuse a store; otherwise one is built from the shared data.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use alphadesk_score::{ScoreConfig, Universe};
use alphadesk_store::Store;

mod common;

fn main() {
    let db = common::bench_store("backtest", common::DEMO_FOLDERS);
    let cfg = ScoreConfig::default();
    let spec = alphadesk_validate::record_spec();
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..3 {
        let t = Instant::now();
        let store = Store::open(&db).unwrap();
        let u = Universe::load(&store).unwrap();
        let bt = alphadesk_validate::backtest(&u, &cfg, &spec);
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(bt);
    }
    let bt = last.expect("ran");
    println!(
        "rust backtest {}..{} ({} monthly dates, horizon {}): {:.0} ms including reading the store (best of 3); mean IC {:+.4}",
        spec.from,
        spec.to,
        bt.dates.len(),
        spec.horizon,
        best * 1e3,
        bt.evaluation.ic["alpha_score"].mean.unwrap_or(f64::NAN)
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/score_reference.py");
    let out = std::env::temp_dir().join(format!("alphadesk-bt-ref-{}.csv", std::process::id()));
    let mut py = f64::INFINITY;
    for _ in 0..2 {
        let run = Command::new("python3")
            .arg(&script)
            .arg(&db)
            .arg(spec.from.to_string())
            .arg(spec.to.to_string())
            .arg(&out)
            .arg(spec.horizon.to_string())
            .output();
        match run {
            Ok(r) if r.status.success() => {
                let s = String::from_utf8_lossy(&r.stdout);
                py = py.min(
                    s.lines().find_map(|l| l.strip_prefix("seconds=")).and_then(|x| x.parse().ok()).unwrap_or(f64::NAN),
                );
            }
            other => {
                println!(
                    "pandas reference not run: {:?}",
                    other.map(|r| String::from_utf8_lossy(&r.stderr).into_owned())
                );
                return;
            }
        }
    }
    let _ = std::fs::remove_file(out);
    println!(
        "pandas backtest (same formulas, scores included): {:.0} ms (best of 2) -> Rust is {:.1}x faster",
        py * 1e3,
        py / best
    );
}
