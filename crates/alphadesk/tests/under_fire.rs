//! `alphadesk serve` under the traffic that took it down before (issue 24), on
//! loopback only and bounded in requests and time:
//!
//! - a stampede of 16 requests for one cold year of themes: the computation
//!   runs once, `/healthz` answers within a second throughout, every request
//!   ends 200 or 503, the server's peak memory stays under 1 GiB;
//! - the same window asked and abandoned: the work stops within 2 s;
//! - 1,100 idle connections against an open-file limit of 1,024: a reader is
//!   still answered within a second; a stalled header is closed on time;
//! - 5,000 MCP `initialize` calls against the session cap; hostile origins and
//!   malformed messages;
//! - a store file replaced under the server is served at once;
//! - the security headers, per-coding ETags, `POST /check` refusals and note
//!   ids of dates without a close.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use common::{bin, request, Server};

/// The year every stampede asks for: the whole of 2013, whose summer holds the
/// Reuters full-text articles.
const YEAR: &str = "/api/v1/themes?from=2013-01-01&to=2013-12-31";

/// A store with a year of articles: the small store's prices and fundamentals,
/// Boeing and Bank of America, and the summer-2013 Reuters articles.
fn store() -> Option<&'static Path> {
    static DB: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    DB.get_or_init(|| {
        let data = alphadesk_testkit::data_dir()?;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("fire.db");
        let mut files: Vec<PathBuf> = alphadesk_testkit::SMALL_STORE_FILES.iter().map(|r| data.join(r)).collect();
        for f in ["market/prices/BA_data.csv", "market/prices/BAC_data.csv", "text/news/reuters_2013_summer.jsonl"] {
            files.push(data.join(f));
        }
        let out = bin().arg("--db").arg(&db).arg("ingest").args(&files).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Some((dir, db))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

/// A server on a copy of `db` (each test may replace or load its own), its log
/// in a file; `wrap` runs it under a shell prefix (`ulimit`).
struct Logged {
    server: Server,
    log: PathBuf,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

impl Logged {
    fn start(db: &Path, extra: &[&str], shell_prefix: Option<&str>) -> Logged {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("served.db");
        std::fs::copy(db, &copy).unwrap();
        let log = dir.path().join("server.log");
        let mut args: Vec<String> =
            vec!["--db".into(), copy.display().to_string(), "serve".into(), "--addr".into(), "127.0.0.1:0".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        let cmd = match shell_prefix {
            Some(prefix) => {
                let mut c = Command::new("sh");
                let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
                c.arg("-c").arg(format!("{prefix}; exec '{}' {}", env!("CARGO_BIN_EXE_alphadesk"), quoted.join(" ")));
                c
            }
            None => {
                let mut c = bin();
                c.args(&args);
                c
            }
        };
        let mut cmd = cmd;
        cmd.env("RUST_LOG", "info").stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
        let server = Server::start_cmd(cmd);
        Logged { server, log, db: copy, _dir: dir }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (bounded) until the log holds `needle`.
    fn wait_for_log(&self, needle: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !self.log().contains(needle) {
            assert!(Instant::now() < deadline, "no {needle:?} in the log within {limit:?}:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pid(&self) -> u32 {
        self.server.child.id()
    }

    fn addr(&self) -> SocketAddr {
        self.server.addr
    }
}

/// A field of /proc/PID/status in kB (VmHWM: peak resident memory).
fn status_kb(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix(field).and_then(|r| r.trim_start_matches(':').split_whitespace().next()))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// CPU seconds the process has used (user + system).
fn cpu_seconds(pid: u32) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name in parentheses; utime and stime are 14, 15.
    let rest = &s[s.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    // SAFETY: sysconf reads a constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks / hz
}

/// Polls /healthz every 100 ms until stopped; the slowest answer seen.
fn watch_health(addr: SocketAddr, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<(Duration, usize)> {
    std::thread::spawn(move || {
        let (mut worst, mut n) = (Duration::ZERO, 0);
        while !stop.load(Ordering::Relaxed) {
            let t = Instant::now();
            let r = request(addr, "GET", "/api/v1/healthz", &[], b"");
            assert_eq!(r.status, 200, "{}", r.text());
            worst = worst.max(t.elapsed());
            n += 1;
            std::thread::sleep(Duration::from_millis(100));
        }
        (worst, n)
    })
}

#[test]
fn a_cold_year_of_themes_is_computed_once_while_the_server_stays_responsive() {
    let Some(db) = store() else { return };
    // A debug build finds a year of themes in about 20 s: give requests the time.
    let s = Logged::start(db, &["--timeout", "300"], None);
    s.wait_for_log("caches warm", Duration::from_secs(300));
    let stop = Arc::new(AtomicBool::new(false));
    let health = watch_health(s.addr(), stop.clone());
    let addr = s.addr();
    let clients: Vec<_> = (0..16).map(|_| std::thread::spawn(move || request(addr, "GET", YEAR, &[], b""))).collect();
    let answers: Vec<common::Response> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    stop.store(true, Ordering::Relaxed);
    let (worst, polls) = health.join().unwrap();
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "{statuses:?}");
    assert!(statuses.contains(&200), "{statuses:?}");
    let bodies: std::collections::BTreeSet<&[u8]> =
        answers.iter().filter(|a| a.status == 200).map(|a| a.body.as_slice()).collect();
    assert_eq!(bodies.len(), 1, "every caller gets the one answer");
    let runs = s.log().matches("finding the themes of 2013-01-01..2013-12-31").count();
    assert_eq!(runs, 1, "the computation runs once:\n{}", s.log());
    assert!(worst < Duration::from_secs(1), "/healthz took {worst:?} at worst over {polls} polls");
    let peak_kb = status_kb(s.pid(), "VmHWM");
    assert!(peak_kb < 1 << 20, "peak RSS {} MiB", peak_kb / 1024);
    eprintln!(
        "16 cold requests: {statuses:?}; /healthz worst {worst:?} over {polls} polls; peak {} MiB",
        peak_kb / 1024
    );
    // Answered now from the cache, at once.
    let t = Instant::now();
    assert_eq!(request(addr, "GET", YEAR, &[], b"").status, 200);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[test]
fn work_nobody_waits_for_stops() {
    let Some(db) = store() else { return };
    let s = Logged::start(db, &["--timeout", "300"], None);
    s.wait_for_log("caches warm", Duration::from_secs(300));
    let addr = s.addr();
    // Sixteen clients ask, then hang up before the answer.
    let mut conns: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut c = TcpStream::connect(addr).unwrap();
            c.write_all(format!("GET {YEAR} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).unwrap();
            c
        })
        .collect();
    s.wait_for_log("finding the themes of 2013-01-01..2013-12-31", Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(500));
    for c in &mut conns {
        c.shutdown(std::net::Shutdown::Both).unwrap();
    }
    drop(conns);
    s.wait_for_log("abandoned the themes of 2013-01-01..2013-12-31", Duration::from_secs(5));
    // Two seconds on, the server is idle: under a tenth of a CPU second a second.
    std::thread::sleep(Duration::from_secs(2));
    let before = cpu_seconds(s.pid());
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_seconds(s.pid()) - before;
    assert!(used < 0.1, "the server used {used:.2} CPU s in the second after its clients left");
    assert_eq!(s.log().matches("finding the themes of 2013-01-01..2013-12-31").count(), 1, "{}", s.log());
}

/// Raises this process's open-file limit so that it can hold the idle sockets.
fn raise_own_file_limit(want: u64) {
    // SAFETY: getrlimit/setrlimit on a struct we own.
    unsafe {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        if lim.rlim_cur < want {
            lim.rlim_cur = want.min(lim.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

#[test]
fn idle_connections_do_not_lock_readers_out_and_stalled_headers_are_closed() {
    let Some(db) = common::store() else { return };
    raise_own_file_limit(4096);
    // The server's limit is 1,024 soft and hard: it cannot raise it.
    let s = Logged::start(db, &["--header-timeout", "3"], Some("ulimit -n 1024"));
    let addr = s.addr();
    assert_eq!(request(addr, "GET", "/t/AAPL", &[], b"").status, 200);
    let idle: Vec<TcpStream> = (0..1100).map(|_| TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..3 {
        let t = Instant::now();
        let r = request(addr, "GET", "/t/AAPL", &[], b"");
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(t.elapsed() < Duration::from_secs(1), "/t/AAPL took {:?} beside 1,100 idle connections", t.elapsed());
    }
    drop(idle);

    // A header that never ends is closed after the header timeout (3 s here).
    let mut stalled = TcpStream::connect(addr).unwrap();
    stalled.write_all(b"GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n").unwrap();
    stalled.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    let mut buf = Vec::new();
    let _ = stalled.read_to_end(&mut buf);
    let waited = t.elapsed();
    assert!(waited >= Duration::from_secs(2) && waited < Duration::from_secs(5), "closed after {waited:?}");
    // An idle kept-alive connection likewise.
    let mut kept = TcpStream::connect(addr).unwrap();
    kept.write_all(format!("GET /api/v1/healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    let mut all = Vec::new();
    let _ = kept.read_to_end(&mut all);
    assert!(String::from_utf8_lossy(&all).starts_with("HTTP/1.1 200"));
    assert!(t.elapsed() < Duration::from_secs(5), "kept-alive connection open for {:?}", t.elapsed());
}

fn mcp_post(addr: SocketAddr, headers: &[(&str, &str)], body: &str) -> common::Response {
    let mut h = vec![("Accept", "application/json, text/event-stream")];
    h.extend_from_slice(headers);
    request(addr, "POST", "/mcp", &h, body.as_bytes())
}

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fire","version":"0"}}}"#;

#[test]
fn mcp_sessions_are_capped_origins_checked_and_bad_messages_answered_in_json_rpc() {
    let Some(db) = common::store() else { return };
    let s = Logged::start(db, &["--max-sessions", "1000"], None);
    let addr = s.addr();
    let json = ("Content-Type", "application/json");

    // Origins: absent (not a browser) and the server's own are accepted.
    assert_eq!(mcp_post(addr, &[json], INIT).status, 200);
    let own = format!("http://127.0.0.1:{}", addr.port());
    assert_eq!(mcp_post(addr, &[json, ("Origin", &own)], INIT).status, 200);
    for hostile in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        let r = mcp_post(addr, &[json, ("Origin", hostile)], INIT);
        assert_eq!(r.status, 403, "Origin {hostile}: {}", r.text());
    }

    // Tools need `notifications/initialized` first (after a short grace for a
    // notification posted concurrently).
    let r = mcp_post(addr, &[json], INIT);
    let sid = r.header("mcp-session-id").expect("a session").to_string();
    let in_session = [json, ("Mcp-Session-Id", sid.as_str()), ("MCP-Protocol-Version", "2025-06-18")];
    let list = r#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#;
    let r = mcp_post(addr, &in_session, list);
    assert_eq!((r.status, r.json()["id"].clone(), r.json()["error"]["code"].clone()), (400, 7.into(), (-32600).into()));
    let r = mcp_post(addr, &in_session, r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    assert!(r.status == 202 || r.status == 200, "{}", r.status);
    let r = mcp_post(addr, &in_session, list);
    assert_eq!(r.status, 200, "{}", r.text());

    // Malformed messages get JSON-RPC errors.
    let r = mcp_post(addr, &[json], "{not json");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], -32700, "{}", r.text());
    let r = mcp_post(addr, &[("Content-Type", "text/plain")], INIT);
    assert_eq!(r.status, 415);
    assert_eq!(r.json()["error"]["code"], -32600, "{}", r.text());

    // 5,000 initialize calls: the cap holds, with a clear error, and memory
    // stays within 100 MB of where it started.
    let start_kb = status_kb(s.pid(), "VmRSS");
    let (mut ok, mut refused) = (0, 0);
    let mut message = String::new();
    for _ in 0..5000 {
        let r = mcp_post(addr, &[json], INIT);
        match r.status {
            200 => ok += 1,
            503 => {
                refused += 1;
                message = r.json()["error"]["message"].as_str().unwrap_or("").to_string();
                assert!(r.header("retry-after").is_some());
            }
            other => panic!("initialize answered {other}: {}", r.text()),
        }
    }
    let grew_mb = (status_kb(s.pid(), "VmRSS") as f64 - start_kb as f64) / 1024.0;
    eprintln!("5,000 initialize: {ok} sessions, {refused} refused; RSS grew {grew_mb:.1} MB");
    assert_eq!(ok + 3, 1000, "sessions up to the cap");
    assert_eq!(refused, 4003);
    assert!(message.contains("maximum of 1000 MCP sessions"), "{message}");
    assert!(grew_mb < 100.0, "RSS grew {grew_mb:.1} MB");
    // Other routes are unaffected.
    assert_eq!(request(addr, "GET", "/api/v1/healthz", &[], b"").status, 200);
}

#[test]
fn a_replaced_store_is_served_on_the_next_request() {
    let Some(db) = common::store() else { return };
    let data = alphadesk_testkit::data_dir().unwrap();
    let s = Logged::start(db, &[], None);
    let addr = s.addr();
    assert_eq!(request(addr, "GET", "/api/v1/tickers/XOM", &[], b"").status, 200);
    let before = request(addr, "GET", "/api/v1/healthz", &[], b"").json();

    // Another store, without XOM, written elsewhere and renamed over the served one.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.db");
    let files: Vec<PathBuf> =
        ["market/securities/securities.csv", "market/prices/AAPL_data.csv", "market/prices/MSFT_data.csv"]
            .iter()
            .map(|f| data.join(f))
            .collect();
    let out = bin().arg("--db").arg(&other).arg("ingest").args(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let staged = s.db.with_file_name("incoming.db");
    std::fs::copy(&other, &staged).unwrap();
    std::fs::rename(&staged, &s.db).unwrap();

    let r = request(addr, "GET", "/api/v1/tickers/XOM", &[], b"");
    assert_eq!(r.status, 404, "the first request after the replacement is answered from the new store: {}", r.text());
    let after = request(addr, "GET", "/api/v1/healthz", &[], b"").json();
    assert_eq!(after["tickers"], 2, "{after}");
    assert_ne!(before["tickers"], after["tickers"]);
    assert!(s.log().contains("was replaced: reopening it"), "{}", s.log());
}

#[test]
fn headers_etags_check_bodies_and_note_ids() {
    let Some(db) = common::store() else { return };
    let s = Logged::start(db, &[], None);
    let addr = s.addr();
    for path in ["/", "/t/AAPL", "/api/v1/healthz", "/api/v1/nope"] {
        let r = request(addr, "GET", path, &[], b"");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert!(r.header("content-security-policy").is_some_and(|c| c.contains("frame-ancestors 'none'")), "{path}");
        assert!(r.header("referrer-policy").is_some(), "{path}");
    }
    // One ETag per content coding, and each revalidates.
    let plain = request(addr, "GET", "/t/AAPL", &[], b"");
    let gzip = request(addr, "GET", "/t/AAPL", &[("Accept-Encoding", "gzip")], b"");
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    let (pt, gt) = (plain.header("etag").unwrap().to_string(), gzip.header("etag").unwrap().to_string());
    assert_ne!(pt, gt);
    assert_eq!(request(addr, "GET", "/t/AAPL", &[("If-None-Match", &pt)], b"").status, 304);
    assert_eq!(
        request(addr, "GET", "/t/AAPL", &[("Accept-Encoding", "gzip"), ("If-None-Match", &gt)], b"").status,
        304
    );
    assert_eq!(request(addr, "GET", "/t/AAPL", &[("If-None-Match", &gt)], b"").status, 200);

    // POST /check: an empty note is 422, a picture 415.
    let r = request(addr, "POST", "/api/v1/check", &[("Content-Type", "text/markdown")], b"");
    assert_eq!(r.status, 422, "{}", r.text());
    let r = request(addr, "POST", "/api/v1/check", &[("Content-Type", "image/png")], b"\x89PNG");
    assert_eq!(r.status, 415, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "unsupported_media_type");

    // A note id names one date: a date past the last close is not another date's note.
    let r = request(addr, "GET", "/api/v1/notes/AAPL-2099-01-01", &[], b"");
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(r.text().contains("AAPL-2018-"), "names the nearest note: {}", r.text());
    assert_eq!(request(addr, "GET", "/notes/AAPL-2018-05-19", &[], b"").status, 404, "a Saturday");
}

#[test]
fn a_few_tickers_ahead_do_not_move_everyone_s_date() {
    let Some(db) = common::store() else { return };
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("ahead.db");
    std::fs::copy(db, &copy).unwrap();
    // Three more days for one ticker, in the price file's own layout.
    let extra = dir.path().join("AAPL_extra.csv");
    std::fs::write(
        &extra,
        "date,open,high,low,close,volume,Name\n2018-05-21,188.0,189.0,187.0,188.5,1000,AAPL\n2018-05-22,188.5,189.5,187.5,188.0,1000,AAPL\n2018-05-23,188.0,189.0,187.0,188.2,1000,AAPL\n",
    )
    .unwrap();
    let out = bin().arg("--db").arg(&copy).arg("ingest").arg(&extra).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = Logged::start(&copy, &[], None);
    let h = request(s.addr(), "GET", "/api/v1/healthz", &[], b"").json();
    assert_eq!(h["latest_date"], "2018-05-18", "{h}");
    assert_eq!(h["newest_price_date"], "2018-05-23", "{h}");
    assert_eq!(h["tickers_ahead"], serde_json::json!(["AAPL"]), "{h}");
    let page = request(s.addr(), "GET", "/", &[], b"").text();
    assert!(page.contains("2018-05-18"), "the leaderboard is of the majority's date");
    assert!(page.contains("AAPL") && page.contains("closes after this date"), "and says who is ahead");
}
