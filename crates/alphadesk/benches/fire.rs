//! The server under closed-loop load at 16, 64 and 256 connections, and the
//! cold-window stampede that took it down before (issue 24). Loopback only;
//! every run is bounded in time.
//!
//!     cargo bench -p alphadesk --bench fire
//!     ALPHADESK_BENCH_BIN=/path/to/older/alphadesk cargo bench -p alphadesk --bench fire   # "before"
//!
//! For each route and each number of connections, every connection sends its
//! next request as soon as the previous one is answered, for
//! [`SECONDS_PER_RUN`] s; the report gives requests per second, p50 and p99 and
//! the errors (status other than 200, or a failed connection). Then: 16
//! simultaneous requests for a cold 366-day themes window on a fresh server, with
//! `/healthz` polled meanwhile — the answer time, the statuses, the slowest
//! health answer and the server's peak memory. The store is the demo's
//! (`ALPHADESK_BENCH_DB` reuses one). A benchmark measures; it asserts nothing.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;

use common::Client;

const SECONDS_PER_RUN: u64 = 5;
const CONNECTIONS: [usize; 3] = [16, 64, 256];
const WINDOW: &str = "/api/v1/themes?from=2013-01-01&to=2013-12-31";

fn binary() -> String {
    std::env::var("ALPHADESK_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_alphadesk").to_string())
}

fn start(db: &Path) -> (Child, SocketAddr) {
    common::start_server(&binary(), db)
}

fn stop(mut child: Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if child.try_wait().ok().flatten().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn kb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix(field).and_then(|r| r.split_whitespace().next()?.parse().ok()))
        })
        .unwrap_or(0.0)
}

struct Run {
    requests: usize,
    errors: usize,
    latencies: Vec<Duration>,
    seconds: f64,
}

fn closed_loop(addr: SocketAddr, paths: Arc<Vec<String>>, connections: usize) -> Run {
    let deadline = Instant::now() + Duration::from_secs(SECONDS_PER_RUN);
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|w| {
            let paths = paths.clone();
            std::thread::spawn(move || {
                let (mut lat, mut errors) = (Vec::new(), 0usize);
                let mut client = Client::connect(addr).ok();
                let mut i = w;
                while Instant::now() < deadline {
                    let Some(c) = client.as_mut() else {
                        errors += 1;
                        std::thread::sleep(Duration::from_millis(10));
                        client = Client::connect(addr).ok();
                        continue;
                    };
                    let t = Instant::now();
                    match c.get(&paths[i % paths.len()]) {
                        Ok(200) => lat.push(t.elapsed()),
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            client = Client::connect(addr).ok();
                        }
                    }
                    i += connections;
                }
                (lat, errors)
            })
        })
        .collect();
    let mut run = Run { requests: 0, errors: 0, latencies: Vec::new(), seconds: 0.0 };
    for w in workers {
        let (lat, errors) = w.join().unwrap();
        run.requests += lat.len() + errors;
        run.errors += errors;
        run.latencies.extend(lat);
    }
    run.seconds = started.elapsed().as_secs_f64();
    run.latencies.sort_unstable();
    run
}

fn tickers(addr: SocketAddr) -> Vec<String> {
    let mut c = Client::connect(addr).unwrap();
    let (_, body) = c.fetch("/api/v1/tickers?limit=500&sort=ticker").unwrap();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    v["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["ticker"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

fn main() {
    let db = common::bench_store("serve", common::DEMO_FOLDERS);
    println!("fire: binary {}", binary());

    // Closed-loop throughput per route and number of connections.
    let (server, addr) = start(&db);
    let pid = server.id();
    // Warm what a visitor would have warmed: the routes' first answers.
    let tickers = tickers(addr);
    let mut warm = Client::connect(addr).unwrap();
    for t in &tickers {
        let _ = warm.get(&format!("/t/{t}"));
        let _ = warm.get(&format!("/api/v1/tickers/{t}"));
    }
    let every = |prefix: &str| -> Vec<String> { tickers.iter().map(|t| format!("{prefix}{t}")).collect() };
    assert!(!tickers.is_empty(), "the store has no scored tickers");
    let routes: Vec<(&str, Vec<String>)> = vec![
        ("/api/v1/healthz", vec!["/api/v1/healthz".into()]),
        ("/api/v1/tickers/{T}", every("/api/v1/tickers/")),
        ("/api/v1/tickers?limit=100", vec!["/api/v1/tickers?limit=100".into()]),
        ("/t/{T}", every("/t/")),
    ];
    println!("fire: {} tickers; {SECONDS_PER_RUN} s per run, closed loop", tickers.len());
    for (name, paths) in routes {
        let paths = Arc::new(paths);
        for c in CONNECTIONS {
            let r = closed_loop(addr, paths.clone(), c);
            println!(
                "fire: {name:<28} {c:>4} connections  {:>7.0} req/s  p50 {:>7.2} ms  p99 {:>8.2} ms  errors {}",
                r.latencies.len() as f64 / r.seconds,
                common::percentile_ms(&r.latencies, 0.50),
                common::percentile_ms(&r.latencies, 0.99),
                r.errors
            );
        }
    }
    println!("fire: peak server RSS {:.0} MiB", kb(pid, "VmHWM:") / 1024.0);
    stop(server);

    // The stampede: 16 cold requests for a year of themes on a fresh server.
    let (server, addr) = start(&db);
    let pid = server.id();
    std::thread::sleep(Duration::from_secs(2));
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut worst = Duration::ZERO;
            let mut failed = 0;
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                match Client::connect(addr).and_then(|mut c| c.get("/api/v1/healthz")) {
                    Ok(200) => worst = worst.max(t.elapsed()),
                    _ => failed += 1,
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            (worst, failed)
        })
    };
    let t = Instant::now();
    let clients: Vec<_> = (0..16)
        .map(|_| {
            std::thread::spawn(move || {
                let t = Instant::now();
                let status = Client::connect(addr).and_then(|mut c| c.get(WINDOW)).unwrap_or(0);
                (status, t.elapsed())
            })
        })
        .collect();
    let answers: Vec<(u16, Duration)> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    let all = t.elapsed();
    done.store(true, Ordering::Relaxed);
    let (worst, failed) = watcher.join().unwrap();
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
    statuses.sort_unstable();
    println!(
        "fire: 16 cold {WINDOW}: all answered in {:.2} s, statuses {statuses:?}; /healthz slowest {:.0} ms, {failed} failed; peak server RSS {:.0} MiB",
        all.as_secs_f64(),
        worst.as_secs_f64() * 1000.0,
        kb(pid, "VmHWM:") / 1024.0
    );
    stop(server);
}
