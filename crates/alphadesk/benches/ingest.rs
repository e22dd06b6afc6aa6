//! Ingest benchmarks on the shared real data.
//!
//!     cargo bench -p alphadesk --bench ingest
//!
//! Reports, on one core:
//! - wall time and peak resident memory of ingesting `market/` and `sec/` into a
//!   fresh store (run first, so the parser benchmarks' buffers do not inflate the
//!   peak);
//! - companyfacts parsing throughput in MB/s (target >= 200);
//! - Form 3/4/5 documents parsed per second (target >= 5,000).
//!
//! A benchmark, not a test: it asserts nothing about speed, it measures.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use alphadesk_ingest::{parse, Kind};
use alphadesk_store::{Outcome, Store};

mod common;
use common::{data_dir, peak_rss_mib};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    v.sort();
    v
}

/// Runs `f` repeatedly for at least `min` and returns (iterations, elapsed).
fn repeat(min: Duration, mut f: impl FnMut()) -> (u64, Duration) {
    f(); // warm-up
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < min {
        f();
        n += 1;
    }
    (n, start.elapsed())
}

fn main() {
    let data = data_dir();
    assert!(data.is_dir(), "no data at {} (set ALPHADESK_DATA)", data.display());

    // 1. Full ingest.
    let tmp = std::env::temp_dir().join(format!("alphadesk-bench-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let before = peak_rss_mib();
    let start = Instant::now();
    let mut store = Store::open(&tmp).unwrap();
    let list = alphadesk_store::walk(&[data.join("market"), data.join("sec")]).unwrap();
    let (mut stored, mut failed, mut bytes) = (0, 0, 0u64);
    for (path, explicit) in &list {
        bytes += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        match store.ingest_path(path, *explicit).outcome {
            Outcome::Stored { .. } => stored += 1,
            Outcome::Failed { .. } => failed += 1,
            _ => {}
        }
    }
    let wall = start.elapsed();
    let counts = store.counts().unwrap();
    drop(store);
    let peak = peak_rss_mib();
    println!(
        "ingest market+sec: {} files ({:.1} MiB) -> {stored} stored, {failed} failed, {} price bars, {} facts in {:.2} s; peak RSS {:.1} MiB (process before: {:.1} MiB)",
        list.len(),
        bytes as f64 / 1048576.0,
        counts.price_bars,
        counts.facts,
        wall.as_secs_f64(),
        peak,
        before,
    );
    let start = Instant::now();
    let mut store = Store::open(&tmp).unwrap();
    for (path, explicit) in &list {
        store.ingest_path(path, *explicit);
    }
    println!("re-ingest (all unchanged, hashing only): {:.2} s", start.elapsed().as_secs_f64());
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
    }

    // 2. companyfacts throughput.
    let cf: Vec<(String, Vec<u8>)> = files(&data.join("sec/companyfacts"))
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    let total: usize = cf.iter().map(|(_, b)| b.len()).sum();
    let mut facts = 0usize;
    let (n, el) = repeat(Duration::from_secs(3), || {
        for (name, b) in &cf {
            match parse(Kind::CompanyFacts, name, b) {
                Ok(alphadesk_ingest::Parsed::CompanyFacts(f)) => facts = facts.wrapping_add(f.facts.len()),
                other => panic!("{name}: {:?}", other.err()),
            }
        }
    });
    let mbps = (total as f64 * n as f64) / el.as_secs_f64() / 1e6;
    println!(
        "companyfacts parse: {} files, {:.1} MB per pass, {n} passes: {mbps:.0} MB/s ({:.2} M facts/s)",
        cf.len(),
        total as f64 / 1e6,
        facts as f64 / (n as f64 + 1.0) * n as f64 / el.as_secs_f64() / 1e6
    );

    // 3. Form 4 documents per second.
    let mut docs: Vec<(String, Vec<u8>)> = Vec::new();
    for sub in ["sec/form4", "sec/form4/sec_spec_samples"] {
        for p in files(&data.join(sub)) {
            docs.push((p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()));
        }
    }
    let (n, el) = repeat(Duration::from_secs(3), || {
        for (name, b) in &docs {
            parse(Kind::Form4, name, b).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    });
    let per_sec = (docs.len() as f64 * n as f64) / el.as_secs_f64();
    let avg_kb = docs.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / docs.len() as f64 / 1024.0;
    println!("form4 parse: {} documents (avg {avg_kb:.1} KiB, .txt/.nc/.xml): {per_sec:.0} documents/s", docs.len());
}
