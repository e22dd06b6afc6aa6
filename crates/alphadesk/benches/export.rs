//! Parquet export of the demo store, one core.
//!
//!     cargo bench -p alphadesk --bench export
//!
//! Exports every table (scores: every month end of the history) three times into a
//! fresh folder through the service layer, as `alphadesk export` does, and reports
//! the best wall time, rows and bytes per table, the total against the SQLite
//! file's size, and peak memory (target: < 5 s for the demo store).
//!
//! ALPHADESK_BENCH_DB reuses a store; otherwise the demo's folders are ingested.
//! A benchmark measures; it asserts nothing about speed.

use std::time::Instant;

use alphadesk_service::{Options, Service};

mod common;

fn main() {
    let db = common::bench_store("export", common::DEMO_FOLDERS);
    let mut best = f64::INFINITY;
    let mut last = Vec::new();
    for _ in 0..3 {
        // A fresh service each round: the month-end scores are computed, not cached.
        let service = Service::open(&db, Options { readers: 1, ..Options::default() }).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        last = service.export(dir.path(), &[], None).unwrap();
        best = best.min(started.elapsed().as_secs_f64());
    }
    let mut bytes = 0;
    for w in &last {
        bytes += w.bytes;
        println!("  {:<9} {:>9} rows {:>11} bytes {:.2} s", w.table, w.rows, w.bytes, w.seconds);
    }
    let store = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!(
        "export: all {} tables in {best:.2} s (best of 3; target < 5 s), {:.1} MiB of Parquet for a {:.1} MiB store; peak memory {:.0} MiB",
        last.len(),
        bytes as f64 / 1048576.0,
        store as f64 / 1048576.0,
        common::peak_rss_mib()
    );
}
