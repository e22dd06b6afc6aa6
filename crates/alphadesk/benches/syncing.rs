//! A server that syncs while it answers (issue 29): `serve --sync-every` over
//! the demo store, a price source on loopback that has one week more of every
//! ticker, and a closed loop of page and API requests from before the sync
//! until well after the new week is shown. Loopback only; bounded in time.
//!
//!     cargo bench -p alphadesk --bench syncing
//!
//! Each request's latency and status is kept with the moment it was sent,
//! and the report splits them by phase: before the sync, while it writes
//! (the source's first to last answer), while the service loads the new
//! generation, and after the new week is shown. A benchmark measures; it
//! asserts nothing.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

use common::Client;

/// Connections in the closed loop.
const CONNECTIONS: usize = 8;
/// The sync's interval: the first one starts this long after the server.
const SYNC_EVERY: &str = "60s";
/// The loop goes on this long after the new week is shown.
const AFTER: Duration = Duration::from_secs(20);
/// Nothing runs longer than this.
const LIMIT: Duration = Duration::from_secs(600);
const NEW_WEEK: [&str; 5] = ["2018-05-21", "2018-05-22", "2018-05-23", "2018-05-24", "2018-05-25"];

/// Every shared price file with five more weekdays, each ticker drifting by
/// its own few percent (a hash of the ticker, so every run serves the same).
fn price_files() -> BTreeMap<String, String> {
    let dir = common::data_dir().join("market/prices");
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(&dir).expect("the shared price files") {
        let path = e.unwrap().path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix("_data.csv")) else {
            continue;
        };
        let mut text = std::fs::read_to_string(&path).unwrap();
        let Some(last) = text.lines().last().map(str::to_string) else { continue };
        let cells: Vec<&str> = last.split(',').collect();
        let Some(mut close) = cells.get(4).and_then(|c| c.parse::<f64>().ok()) else { continue };
        let seed = name.bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
        let drift = ((seed % 121) as f64 - 60.0) / 1000.0; // -6% .. +6% a day
        for d in NEW_WEEK {
            close *= 1.0 + drift / 5.0;
            text.push_str(&format!("{d},{close:.4},{close:.4},{close:.4},{close:.4},1000000,{}\n", cells[6]));
        }
        files.insert(format!("/q/{}.csv", name.to_ascii_lowercase()), text);
    }
    files
}

/// (sent at, latency, status; 0 for a failed connection, which path)
type Sample = (Duration, Duration, u16, usize);

fn price_date(addr: SocketAddr) -> String {
    let Ok(mut c) = Client::connect(addr) else { return String::new() };
    let Ok((_, body)) = c.fetch("/api/v1/tickers?limit=1") else { return String::new() };
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    v["price_date"].as_str().unwrap_or_default().to_string()
}

/// The kind of page or route a path is, for saying which ones were slow.
fn route(path: &str) -> &str {
    match path {
        p if p.starts_with("/t/") => "/t/{T}",
        p if p.starts_with("/api/v1/tickers/") => "/api/v1/tickers/{T}",
        p => p,
    }
}

fn report(name: &str, samples: &[&Sample], paths: &[String]) {
    let mut lat: Vec<Duration> = samples.iter().filter(|s| s.2 == 200).map(|s| s.1).collect();
    lat.sort_unstable();
    let failed = samples.iter().filter(|s| s.2 == 0 || s.2 >= 500).count();
    let other = samples.iter().filter(|s| s.2 != 0 && s.2 != 200 && s.2 < 500).count();
    let pct = |p: f64| common::percentile_ms(&lat, p);
    let slow = lat.iter().filter(|d| **d > Duration::from_secs(1)).count();
    println!(
        "syncing: {name:<34} {:>6} requests  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  over 1 s {slow:>3}  5xx/failed {failed}  other {other}",
        samples.len(),
        pct(0.50),
        pct(0.99),
        pct(1.0),
    );
    // Which routes were slow or refused, and with what.
    let mut bad: BTreeMap<(String, u16), (usize, Duration)> = BTreeMap::new();
    for s in samples.iter().filter(|s| s.2 == 0 || s.2 >= 500 || s.1 > Duration::from_secs(1)) {
        let e = bad.entry((route(&paths[s.3]).to_string(), s.2)).or_default();
        e.0 += 1;
        e.1 = e.1.max(s.1);
    }
    for ((r, status), (n, worst)) in bad {
        println!("syncing:     {r} status {status}: {n} (slowest {:.0} ms)", worst.as_secs_f64() * 1000.0);
    }
    let slow: Vec<String> = samples
        .iter()
        .filter(|s| s.1 > Duration::from_secs(1))
        .take(8)
        .map(|s| format!("{} sent at {:.1} s", paths[s.3], s.0.as_secs_f64()))
        .collect();
    if !slow.is_empty() {
        println!("syncing:     over 1 s: {} (since the bench began)", slow.join("; "));
    }
}

fn main() {
    let t0 = Instant::now();
    let stored = common::bench_store("syncing", common::DEMO_FOLDERS);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("served.db");
    std::fs::copy(&stored, &db).expect("copy the bench store");
    for side in ["-wal", "-shm"] {
        let from = std::path::PathBuf::from(format!("{}{side}", stored.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{side}", db.display())).unwrap();
        }
    }
    let files = price_files();
    let source = alphadesk_testkit::sources::csv_source(files.clone());
    let (source_addr, asked) = (source.addr, source.asked);
    let config = dir.path().join("sync.toml");
    std::fs::write(
        &config,
        format!("price_url = \"http://{source_addr}/q/{{ticker_lower}}.csv?from={{from}}\"\nprice_format = \"csv\"\nprice_rate = 10\n"),
    )
    .unwrap();
    let started = t0.elapsed();
    let (mut server, addr) = common::start_server_with(
        env!("CARGO_BIN_EXE_alphadesk"),
        &db,
        &["--sync-every", SYNC_EVERY, "--sync-config", config.to_str().unwrap()],
    );
    println!(
        "syncing: {} price files with a week more served on {source_addr}; server on {addr}, syncing every {SYNC_EVERY}",
        files.len()
    );
    let before = price_date(addr);

    let stop = Arc::new(AtomicBool::new(false));
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
    let tickers: Vec<String> = files.keys().map(|k| k[3..k.len() - 4].to_ascii_uppercase()).collect();
    let mut paths: Vec<String> = Vec::new();
    for t in &tickers {
        paths.push(format!("/t/{t}"));
        paths.push(format!("/api/v1/tickers/{t}"));
    }
    paths.extend(["/".to_string(), "/api/v1/tickers?limit=100".to_string(), "/api/v1/changes".to_string()]);
    let paths = Arc::new(paths);
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|w| {
            let (stop, samples, paths) = (stop.clone(), samples.clone(), paths.clone());
            std::thread::spawn(move || {
                let mut client = Client::connect(addr).ok();
                let mut i = w * 7919;
                while !stop.load(Ordering::Relaxed) {
                    let sent = t0.elapsed();
                    let t = Instant::now();
                    let status = match client.as_mut().map(|c| c.get(&paths[i % paths.len()])) {
                        Some(Ok(s)) => s,
                        _ => {
                            client = Client::connect(addr).ok();
                            0
                        }
                    };
                    samples.lock().unwrap().push((sent, t.elapsed(), status, i % paths.len()));
                    i += 1;
                }
            })
        })
        .collect();
    let mut shown: Option<Duration> = None;
    while t0.elapsed() < started + LIMIT {
        std::thread::sleep(Duration::from_millis(500));
        if shown.is_none() && price_date(addr) == NEW_WEEK[4] {
            shown = Some(t0.elapsed());
        }
        if shown.is_some_and(|s| t0.elapsed() > s + AFTER) {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    let page_shows = Client::connect(addr)
        .and_then(|mut c| c.fetch("/t/AAPL"))
        .map(|(_, b)| String::from_utf8_lossy(&b).contains(NEW_WEEK[4]))
        .unwrap_or(false);
    let changes: serde_json::Value = Client::connect(addr)
        .and_then(|mut c| c.fetch("/api/v1/changes"))
        .map(|(_, b)| serde_json::from_slice(&b).unwrap_or_default())
        .unwrap_or_default();
    let _ = std::process::Command::new("kill").arg("-TERM").arg(server.id().to_string()).status();
    let _ = server.wait();

    let mut asked: Vec<Duration> = asked.lock().unwrap().iter().map(|(at, _)| at.duration_since(t0)).collect();
    asked.sort_unstable();
    // The first sync's requests: up to the first pause of ten seconds (the
    // next sync starts a minute after this one ends).
    let first_run = asked.windows(2).position(|w| w[1] - w[0] > Duration::from_secs(10)).map_or(asked.len(), |i| i + 1);
    let (first, last) = (asked.first().copied(), asked.get(first_run.saturating_sub(1)).copied());
    let samples = samples.lock().unwrap().clone();
    let secs = |d: Option<Duration>| d.map_or("never".into(), |d| format!("{:.1} s", (d - started).as_secs_f64()));
    println!(
        "syncing: latest close {before} before; the first sync asked the source {} times from {} to {} ({} more asks after); {} shown at {} (server start = 0)",
        first_run,
        secs(first),
        secs(last),
        asked.len() - first_run,
        NEW_WEEK[4],
        secs(shown)
    );
    let (first, last) = (first.unwrap_or(LIMIT + started), last.unwrap_or(LIMIT + started));
    let shown_at = shown.unwrap_or(LIMIT + started);
    let phase =
        |from: Duration, to: Duration| -> Vec<&Sample> { samples.iter().filter(|s| s.0 >= from && s.0 < to).collect() };
    report("before the sync", &phase(Duration::ZERO, first), &paths);
    report("while the sync writes", &phase(first, last), &paths);
    report("while the new generation loads", &phase(last, shown_at), &paths);
    report("after the new week is shown", &phase(shown_at, LIMIT * 2), &paths);
    report("all", &samples.iter().collect::<Vec<_>>(), &paths);
    let run = &changes["runs"][0];
    println!(
        "syncing: the stock page shows {}: {page_shows}; change log: {} run(s), the last {} with {} score moves of 10 points or more",
        NEW_WEEK[4],
        changes["runs"].as_array().map_or(0, Vec::len),
        run["what"],
        run["moves"].as_array().map_or(0, Vec::len)
    );
}
