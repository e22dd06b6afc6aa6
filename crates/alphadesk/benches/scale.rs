//! How costs grow: a synthetic universe at 1×, 4× and 16× today's ticker-days,
//! every stage run as the CLI runs it, with wall time, peak memory and the
//! growth exponent per stage.
//!
//!     cargo bench -p alphadesk --bench scale                       # 1,4,16
//!     ALPHADESK_SCALE=1,4 cargo bench -p alphadesk --bench scale
//!     ALPHADESK_SCALE=16@5,16 cargo bench -p alphadesk --bench scale  # 16× tickers at 5 and 10 years
//!     ALPHADESK_SCALE_KEEP=/tmp/scale cargo bench ...   # keep each size's files and store (K/data, K/scale.db) to profile
//!
//! Sizes (`testkit::synthetic`, seed 42): 1× = 500 tickers × 5 years (today's
//! shared universe), 4× = 1,000 × 10, 16× = 4,000 × 10; `K@Y` keeps K's tickers
//! over Y years (whether a stage grows with the years stored or only with the
//! tickers). Each stage is a separate
//! `alphadesk` process timed by GNU `time` (wall seconds, peak RSS): ingest of the
//! whole tree, one as-of score, one ticker's explanation on that date, the
//! monthly score panel to Parquet, the walk-forward backtest, composing and
//! checking a note per ticker, the themes of a month, the Parquet export, and
//! the first stock page a freshly started server answers. The exponent is log(t_k / t_1) / log(k): 1 is linear in
//! ticker-days. A benchmark measures; it asserts nothing about speed.

use std::path::Path;
use std::process::Command;

mod common;

fn size(k: usize) -> (usize, i32) {
    match k {
        0 => (60, 3), // a smoke run
        1 => (500, 5),
        4 => (1_000, 10),
        16 => (4_000, 10),
        k => (500 * k / 2, 10),
    }
}

/// (seconds, peak MiB) of one alphadesk run; panics with its stderr on failure.
fn timed(db: &Path, args: &[&str]) -> (f64, f64) {
    let mut all: Vec<std::ffi::OsString> = vec!["--db".into(), db.into()];
    all.extend(args.iter().map(Into::into));
    common::timed(&all)
}

/// (seconds, the server's peak MiB) of the first `/t/{ticker}` a freshly
/// started server answers: what its first visitor waits for (the server warms
/// its caches meanwhile, as it does in use).
fn first_page(db: &Path, ticker: &str) -> (f64, f64) {
    use std::io::{Read, Write};
    let (mut server, addr) = common::start_server(env!("CARGO_BIN_EXE_alphadesk"), db);
    let started = std::time::Instant::now();
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    write!(conn, "GET /t/{ticker} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).unwrap();
    let secs = started.elapsed().as_secs_f64();
    let head = String::from_utf8_lossy(&answer[..answer.len().min(40)]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "/t/{ticker} answered {head:?}");
    let peak = std::fs::read_to_string(format!("/proc/{}/status", server.id()))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .map_or(f64::NAN, |kib: f64| kib / 1024.0);
    let _ = server.kill();
    let _ = server.wait();
    (secs, peak)
}

fn main() {
    let ks: Vec<(usize, Option<i32>)> = std::env::var("ALPHADESK_SCALE")
        .unwrap_or_else(|_| "1,4,16".into())
        .split(',')
        .filter_map(|s| {
            let (k, years) = s.trim().split_once('@').map_or((s.trim(), None), |(k, y)| (k, Some(y)));
            Some((k.parse().ok()?, years.map(|y| y.parse()).transpose().ok()?))
        })
        .collect();
    let stages = [
        "ingest",
        "score as-of",
        "explain",
        "panel (monthly)",
        "backtest",
        "notes (all)",
        "themes (a month)",
        "export",
        "first stock page",
    ];
    let mut results: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    for &(k, years) in &ks {
        let (tickers, default_years) = size(k);
        let years = years.unwrap_or(default_years);
        let temp = tempfile::tempdir().unwrap();
        let root = match std::env::var_os("ALPHADESK_SCALE_KEEP") {
            Some(dir) => {
                let kept = Path::new(&dir).join(format!("{k}@{years}"));
                // A kept size starts afresh, as a temporary one does.
                let _ = std::fs::remove_dir_all(&kept);
                std::fs::create_dir_all(&kept).unwrap();
                kept
            }
            None => temp.path().to_path_buf(),
        };
        let data = root.join("data");
        let spec = alphadesk_testkit::synthetic::Spec::new(tickers, years);
        let w = alphadesk_testkit::synthetic::write(&data, &spec).unwrap();
        println!(
            "{k}×: {tickers} tickers × {years} years ({}..{}): {} price rows, {} facts, {} articles, {} Form 4s, {} 13F reports, {:.0} MiB of files",
            w.first_day,
            w.last_day,
            w.price_rows,
            w.facts,
            w.articles,
            w.insider_reports,
            w.holdings_reports,
            w.bytes as f64 / 1048576.0
        );
        let db = root.join("scale.db");
        let last = w.last_day.clone();
        let from = format!("{}-01-01", spec.last_year - years + 2);
        let month = format!("{}-12-01", spec.last_year);
        let bt_to = format!("{}-10-31", spec.last_year);
        let (notes, export) = (root.join("notes"), root.join("export"));
        let history = format!("{from}..{last}");
        let panel = root.join("panel.parquet");
        let first_ticker = alphadesk_testkit::synthetic::ticker(0);
        let runs: Vec<Vec<&str>> = vec![
            vec!["ingest", data.to_str().unwrap()],
            vec!["score", "--as-of", &last, "--json"],
            vec!["explain", &first_ticker, "--as-of", &last, "--json"],
            vec!["score", "--history", &history, "--every", "month", "--out", panel.to_str().unwrap()],
            vec!["backtest", "--from", &from, "--to", &bt_to, "--json"],
            vec!["publish", "--as-of", &last, "--no-stories", "--out", notes.to_str().unwrap()],
            vec!["themes", "--from", &month, "--to", &last, "--json"],
            vec!["export", "--to", export.to_str().unwrap()],
        ];
        let mut row = Vec::new();
        for (stage, args) in stages.iter().zip(&runs) {
            let (s, m) = timed(&db, args);
            println!("  {stage:<18} {s:>8.2} s {m:>8.0} MiB");
            row.push((s, m));
        }
        let (s, m) = first_page(&db, &first_ticker);
        println!("  {:<18} {s:>8.2} s {m:>8.0} MiB", stages[runs.len()]);
        row.push((s, m));
        // What the stages worked on: how many tickers had a score, and facts.
        let said = |args: &[&str]| {
            let o = Command::new(env!("CARGO_BIN_EXE_alphadesk")).arg("--db").arg(&db).args(args).output().unwrap();
            String::from_utf8_lossy(&o.stdout).lines().last().unwrap_or_default().to_string()
        };
        println!("  {}", said(&["score", "--as-of", &last]));
        let facts = said(&["facts", &alphadesk_testkit::synthetic::ticker(0), "--as-of", &last]);
        println!("  facts of the first ticker, last line: {facts}");
        let store = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
        println!("  store {:.0} MiB", store as f64 / 1048576.0);
        // The exponents compare sizes at their default years.
        if years == default_years {
            results.push((k, row));
        }
    }
    if let Some((k1, base)) = results.iter().find(|(k, _)| *k == 1) {
        println!("\ngrowth exponent per stage against ticker-days (1 = linear), time / memory:");
        for (k, row) in results.iter().filter(|(k, _)| *k > *k1) {
            let ln = (*k as f64).ln();
            for ((stage, (t, m)), (t1, m1)) in stages.iter().zip(row).zip(base) {
                println!("  {k:>2}×  {stage:<18} {:>5.2} / {:>5.2}", (t / t1).ln() / ln, (m / m1).ln() / ln);
            }
        }
    }
}
