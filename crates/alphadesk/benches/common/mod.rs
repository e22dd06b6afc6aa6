//! What the benchmarks share: where the data is, a store to measure against, a
//! server to load, an `alphadesk` run timed by GNU time, and peak memory.

#![allow(dead_code)] // each bench uses a different subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `$ALPHADESK_DATA`, else `../shared/data` beside the repository.
pub fn data_dir() -> PathBuf {
    let d = std::env::var_os("ALPHADESK_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(d.is_dir(), "no data at {} (set ALPHADESK_DATA)", d.display());
    d
}

/// The folders `alphadesk demo` ingests, so that a bench's store is the demo's.
pub const DEMO_FOLDERS: &[&str] = &["market", "sec", "text/news", "social/stocknet/tweet/preprocessed"];

/// `$ALPHADESK_BENCH_DB` when set; otherwise a fresh store in a temporary folder
/// with `folders` of the data directory ingested and the news stage run, as
/// `alphadesk ingest` does.
pub fn bench_store(name: &str, folders: &[&str]) -> PathBuf {
    if let Some(p) = std::env::var_os("ALPHADESK_BENCH_DB") {
        return PathBuf::from(p);
    }
    let data = data_dir();
    let dir = std::env::temp_dir().join(format!("alphadesk-bench-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("bench.db");
    // Built by the CLI in its own process: the same path as `alphadesk ingest`
    // (news stage included), and this process's peak memory stays the bench's own.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_alphadesk"))
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .args(folders.iter().map(|f| data.join(f)).filter(|p| p.is_dir()))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run alphadesk ingest");
    assert!(status.code().is_some_and(|c| c <= 1), "ingest for the bench store failed: {status}");
    db
}

/// Peak resident set size of this process so far (Linux), in MiB.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// `BINARY serve` on a free loopback port over `db`: the child and its address,
/// read from its first line (the rest of its output is drained).
pub fn start_server(binary: &str, db: &Path) -> (std::process::Child, std::net::SocketAddr) {
    start_server_with(binary, db, &[])
}

/// [`start_server`] with more arguments to `serve`.
pub fn start_server_with(binary: &str, db: &Path, more: &[&str]) -> (std::process::Child, std::net::SocketAddr) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(binary)
        .arg("--db")
        .arg(db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(more)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start alphadesk serve");
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    let addr: std::net::SocketAddr = first
        .trim()
        .strip_prefix("alphadesk is serving on http://")
        .and_then(|a| a.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"));
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut lines, &mut std::io::sink());
    });
    (child, addr)
}

/// (seconds, peak MiB) of one `alphadesk` run under GNU time; panics with its
/// standard error when it fails (exit 1, "ran and found failures", counts as run).
pub fn timed(args: &[std::ffi::OsString]) -> (f64, f64) {
    let (out, secs, mib) = run_timed(&[], args);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    (secs, mib)
}

/// One `alphadesk ARGS` run under GNU time, behind `prefix` (e.g. `taskset
/// -c 0`): its output (standard error kept), seconds and peak MiB.
pub fn run_timed(prefix: &[&str], args: &[std::ffi::OsString]) -> (std::process::Output, f64, f64) {
    let mut command: Vec<std::ffi::OsString> = prefix.iter().map(Into::into).collect();
    command.push(env!("CARGO_BIN_EXE_alphadesk").into());
    command.extend(args.iter().cloned());
    time_program(&command)
}

/// Any program `command[0]` with its arguments, run under GNU time: its
/// output (standard error kept), seconds and peak MiB.
pub fn time_program(command: &[std::ffi::OsString]) -> (std::process::Output, f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("time");
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%e %M", "-o"])
        .arg(&report)
        .args(command)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("GNU time (/usr/bin/time) running {command:?}: {e}"));
    let t = std::fs::read_to_string(&report).unwrap_or_default();
    let mut it = t.lines().last().unwrap_or_default().split_whitespace();
    let secs: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    let kib: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    (out, secs, kib / 1024.0)
}

/// The `p` quantile of sorted latencies, in milliseconds (NaN for none).
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// One keep-alive connection: sends GETs, reads each answer whole.
pub struct Client {
    stream: BufReader<TcpStream>,
    addr: SocketAddr,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> std::io::Result<Client> {
        assert!(addr.ip().is_loopback());
        let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        s.set_nodelay(true)?;
        Ok(Client { stream: BufReader::new(s), addr })
    }

    /// The status, or an error when the connection failed.
    pub fn get(&mut self, path: &str) -> std::io::Result<u16> {
        self.fetch(path).map(|(status, _)| status)
    }

    /// The status and the body.
    pub fn fetch(&mut self, path: &str) -> std::io::Result<(u16, Vec<u8>)> {
        let head = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr);
        self.stream.get_mut().write_all(head.as_bytes())?;
        let mut line = String::new();
        self.stream.read_line(&mut line)?;
        let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
        let (mut length, mut chunked, mut close) = (0usize, false, false);
        loop {
            line.clear();
            self.stream.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            } else if lower.starts_with("connection:") && lower.contains("close") {
                close = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
                let mut buf = vec![0; size + 2];
                self.stream.read_exact(&mut buf)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&buf[..size]);
            }
        } else {
            body.resize(length, 0);
            self.stream.read_exact(&mut body)?;
        }
        if close {
            *self = Client::connect(self.addr)?;
        }
        Ok((status, body))
    }
}
