//! The server under load, on loopback: `alphadesk serve` on the demo store, and an
//! open-loop client sending a fixed rate of requests.
//!
//!     cargo bench -p alphadesk --bench serve
//!
//! For each route: 1,000 requests per second for 10 s (10,000 requests, bounded),
//! over up to 64 keep-alive connections to 127.0.0.1 only. Latency is measured
//! from the moment a request was *due*, not from when a connection was free, so
//! a server that falls behind shows it in the tail (no coordinated omission).
//! Reports throughput, p50/p90/p99/max and errors per route, then the server
//! process's peak resident memory. Targets: p99 < 10 ms for the API, < 25 ms for
//! pages, peak memory < 200 MiB.
//!
//! Routes: one ticker (`/api/v1/tickers/AAPL`), every ticker in turn
//! (`/api/v1/tickers/{T}`, the first pass computes, later ones are cached), the
//! first page of 100 scores, and stock pages for one and for every ticker.
//!
//! ALPHADESK_BENCH_DB reuses a store; otherwise the demo's folders are ingested.
//! A benchmark measures; it asserts nothing about speed.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, Mutex};

mod common;

const RATE: u64 = 1_000;
const SECONDS: u64 = 10;
const CONNECTIONS: usize = 64;

fn main() {
    let db = common::bench_store("serve", common::DEMO_FOLDERS);
    let (mut server, addr) = common::start_server(env!("CARGO_BIN_EXE_alphadesk"), &db);
    println!("serve: alphadesk serve on {addr} (pid {}), store {}", server.id(), db.display());
    println!("serve: after start, server RSS {:.0} MiB", rss_mib(server.id(), "VmRSS:"));

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let tickers = tickers(addr).await;
        println!("serve: {} tickers in the universe", tickers.len());
        let every = |prefix: &str, suffix: &str| -> Vec<String> {
            tickers.iter().map(|t| format!("{prefix}{t}{suffix}")).collect()
        };
        let runs: Vec<(&str, Vec<String>, f64)> = vec![
            ("/api/v1/tickers/AAPL", vec!["/api/v1/tickers/AAPL".into()], 10.0),
            ("/api/v1/tickers/{T}, every ticker in turn", every("/api/v1/tickers/", ""), 10.0),
            ("/api/v1/tickers?limit=100", vec!["/api/v1/tickers?limit=100".into()], 10.0),
            ("/t/AAPL", vec!["/t/AAPL".into()], 25.0),
            ("/t/{T}, every ticker in turn", every("/t/", ""), 25.0),
        ];
        for (name, paths, target) in runs {
            // One request first so that a one-off start-up cost is not the tail.
            let _ = get(&mut connect(addr).await, &paths[0]).await;
            let r = run(addr, Arc::new(paths)).await;
            println!(
                "serve: {name:<45} {:>6.0} req/s  p50 {:>6.2} ms  p90 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  errors {}  (target p99 < {target} ms)",
                r.throughput, r.p50, r.p90, r.p99, r.max, r.errors
            );
        }
    });
    println!("serve: server peak memory {:.0} MiB (target < 200 MiB)", rss_mib(server.id(), "VmHWM:"));
    let _ = Command::new("kill").arg("-TERM").arg(server.id().to_string()).status();
    let _ = server.wait();
}

struct Report {
    throughput: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    errors: usize,
}

/// RATE requests a second for SECONDS, cycling through `paths`.
async fn run(addr: SocketAddr, paths: Arc<Vec<String>>) -> Report {
    let total = (RATE * SECONDS) as usize;
    let (tx, rx) = mpsc::channel::<(usize, Instant)>(total);
    let rx = Arc::new(Mutex::new(rx));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Result<f64, String>>();
    for _ in 0..CONNECTIONS {
        let (rx, done, paths) = (rx.clone(), done_tx.clone(), paths.clone());
        tokio::spawn(async move {
            let mut conn = connect(addr).await;
            loop {
                let job = rx.lock().await.recv().await;
                let Some((i, due)) = job else { break };
                let outcome = match get(&mut conn, &paths[i % paths.len()]).await {
                    Ok(200) => Ok(due.elapsed().as_secs_f64() * 1e3),
                    Ok(status) => Err(format!("status {status}")),
                    Err(e) => {
                        conn = connect(addr).await;
                        Err(e.to_string())
                    }
                };
                let _ = done.send(outcome);
            }
        });
    }
    drop(done_tx);
    let started = Instant::now();
    let interval = Duration::from_nanos(1_000_000_000 / RATE);
    for i in 0..total {
        let due = started + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        tx.send((i, due)).await.unwrap();
    }
    drop(tx);
    let mut latencies = Vec::with_capacity(total);
    let mut errors = 0;
    while let Some(o) = done_rx.recv().await {
        match o {
            Ok(ms) => latencies.push(ms),
            Err(_) => errors += 1,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let q = |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN);
    Report {
        throughput: latencies.len() as f64 / elapsed,
        p50: q(0.50),
        p90: q(0.90),
        p99: q(0.99),
        max: latencies.last().copied().unwrap_or(f64::NAN),
        errors,
    }
}

type Conn = tokio::io::BufReader<tokio::net::TcpStream>;

async fn connect(addr: SocketAddr) -> Conn {
    assert!(addr.ip().is_loopback());
    let s = tokio::net::TcpStream::connect(addr).await.expect("connect to the server");
    s.set_nodelay(true).unwrap();
    tokio::io::BufReader::new(s)
}

/// One keep-alive GET; the body is read (by its length) and dropped.
async fn get(conn: &mut Conn, path: &str) -> std::io::Result<u16> {
    conn.get_mut().write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("bad status line {line:?}")))?;
    let mut length = 0usize;
    loop {
        line.clear();
        conn.read_line(&mut line).await?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).await?;
    Ok(status)
}

async fn tickers(addr: SocketAddr) -> Vec<String> {
    let mut conn = connect(addr).await;
    let path = "/api/v1/tickers?limit=500&sort=ticker";
    conn.get_mut().write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).await.unwrap();
    let mut head = String::new();
    let mut length = 0;
    loop {
        head.clear();
        conn.read_line(&mut head).await.unwrap();
        if head == "\r\n" {
            break;
        }
        if let Some(v) = head.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    v["items"].as_array().unwrap().iter().map(|i| i["ticker"].as_str().unwrap().to_string()).collect()
}

fn rss_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}
