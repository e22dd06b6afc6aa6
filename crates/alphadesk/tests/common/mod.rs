//! What the tests that run `alphadesk serve` and `alphadesk mcp` share: a small
//! real store, the server as a child process on a free loopback port, a minimal
//! HTTP/1.1 client (loopback only), and external programs run with a deadline.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use alphadesk_testkit::data_dir;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_alphadesk"))
}

/// The shared small store (`testkit::SMALL_STORE_FILES`), built once per test
/// binary with the real `ingest`.
pub fn store() -> Option<&'static Path> {
    static DB: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    DB.get_or_init(|| {
        let data = data_dir()?;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("served.db");
        let files: Vec<PathBuf> = alphadesk_testkit::SMALL_STORE_FILES.iter().map(|r| data.join(r)).collect();
        let out = bin().arg("--db").arg(&db).arg("ingest").args(&files).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Some((dir, db))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

/// `alphadesk serve` on a free loopback port; stopped (SIGTERM) when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    /// Everything the server printed on standard output up to "Ctrl-C stops it."
    pub banner: String,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut cmd = bin();
        cmd.args(args).stderr(Stdio::null());
        Server::start_cmd(cmd)
    }

    /// A server from a command the caller has set up (its standard error, its
    /// limits); standard output is read here.
    pub fn start_cmd(mut cmd: Command) -> Server {
        let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        let mut addr = None;
        let deadline = Instant::now() + Duration::from_secs(600);
        while Instant::now() < deadline {
            let mut line = String::new();
            if lines.read_line(&mut line).unwrap() == 0 {
                let _ = child.kill();
                panic!("the server stopped before listening:\n{banner}");
            }
            banner.push_str(&line);
            if let Some(rest) = line.strip_prefix("alphadesk is serving on http://") {
                addr = Some(rest.trim().trim_end_matches('/').parse().unwrap());
            }
            if line.starts_with("Ctrl-C stops it.") {
                break;
            }
        }
        // Keep draining stdout so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut lines, &mut std::io::sink());
        });
        Server { child, addr: addr.expect("the server printed its address"), banner }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn get(&self, path: &str) -> Response {
        request(self.addr, "GET", path, &[], b"")
    }

    /// SIGTERM, then the exit status (the server finishes what it is doing).
    pub fn stop(mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let ok = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(ok.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "the server did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on its own connection (`Connection: close`). Loopback only.
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    assert!(addr.ip().is_loopback(), "tests talk to loopback only");
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) and close before the whole body is sent: the
    // write fails, and the answer is read all the same.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    if let Err(e) = s.read_to_end(&mut raw) {
        assert!(!raw.is_empty(), "no answer from {addr}{path}: {e}");
    }
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).split(';').next().unwrap().trim(), 16)
                    .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        body = out;
    }
    Response { status, headers, body }
}

/// Runs a program, killing it if it outlives `limit`.
pub fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let o = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let e = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output { status, stdout: o.join().unwrap(), stderr: e.join().unwrap() }
}

/// An external program the test needs: present, or (outside CI only) absent
/// with a note. In CI, `.ci/run` installs it, and its absence is a failure.
pub fn required_tool(names: &[&str]) -> Option<PathBuf> {
    for n in names {
        if let Ok(out) = Command::new("sh").arg("-c").arg(format!("command -v {n}")).output() {
            if out.status.success() {
                return Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
            }
        }
    }
    assert!(std::env::var_os("CI").is_none(), "{names:?} not installed (.ci/run installs it)");
    eprintln!("skipping: none of {names:?} is installed");
    None
}
