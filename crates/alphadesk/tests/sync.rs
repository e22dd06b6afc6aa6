//! `alphadesk sync sec` against a local EDGAR that misbehaves on purpose: a
//! server started in the test (loopback only) serves the real files of
//! `../shared/data/sec` under EDGAR's paths, with ETags, and injects a 429 with
//! `Retry-After`, a 503, a connection dropped mid-body, a stall past the
//! client's timeout, a 403 and a 200 "Request Rate Threshold Exceeded" page, a
//! 404 and a truncated JSON. The store a sync leaves must hold exactly the rows
//! `ingest` of the same files gives, each fault must be reported once with its
//! URL, and the server's log must never show more than 10 requests in a second.

mod common;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::bin;

/// The day of the one Form 4 in the shared data that AAPL's submissions list.
const DAY: &str = "2022-05-06";
const FORM4: &str = "sec/form4/form4_AAPL_0000320193-22-000061.txt";
const UA: &str = "alphadesk tests tests@alphadesk.invalid";

#[derive(Debug, Clone)]
enum Fault {
    TooMany { retry_after: u64 },
    Unavailable,
    DropMidBody,
    Stall(Duration),
    Threshold403,
    Threshold200,
    Truncate,
    Html,
}

const THRESHOLD: &str = "<!DOCTYPE html><html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body><h1>Your Request Originates from an Undeclared Automated Tool</h1><p>Request Rate Threshold Exceeded</p></body></html>";

/// A local EDGAR: paths to files, faults to inject (each once, unless `always`),
/// and a log of every request.
struct Edgar {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<(Instant, String, u16)>>>,
    _stop: Arc<std::sync::atomic::AtomicBool>,
}

struct Routes {
    data: PathBuf,
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    always: HashMap<String, Fault>,
    /// Extra latency on every answer (to kill a sync midway).
    delay: Duration,
    /// Files served at paths of their own (bulk archives built by the test).
    extra: HashMap<String, PathBuf>,
}

impl Routes {
    fn file(&self, path: &str) -> Option<PathBuf> {
        if let Some(p) = self.extra.get(path) {
            return Some(p.clone());
        }
        let d = &self.data;
        if path == "/files/company_tickers.json" {
            return Some(d.join("sec/reference/company_tickers.json"));
        }
        if let Some(name) = path.strip_prefix("/submissions/") {
            return Some(d.join("sec/submissions").join(name)).filter(|p| p.is_file());
        }
        if let Some(name) = path.strip_prefix("/api/xbrl/companyfacts/") {
            return Some(d.join("sec/companyfacts").join(name)).filter(|p| p.is_file());
        }
        if let Some(rest) = path.strip_prefix("/Archives/edgar/data/") {
            let acc = rest.rsplit('/').next()?.strip_suffix(".txt")?;
            return ["sec/form4", "sec/13f"]
                .iter()
                .flat_map(|dir| std::fs::read_dir(d.join(dir)).into_iter().flatten().flatten())
                .map(|e| e.path())
                .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(acc)));
        }
        None
    }
}

fn etag_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(bytes);
    format!("\"{}\"", d[..8].iter().map(|b| format!("{b:02x}")).collect::<String>())
}

impl Edgar {
    fn start(routes: Routes) -> Edgar {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let log: Arc<Mutex<Vec<(Instant, String, u16)>>> = Arc::default();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let routes = Arc::new(routes);
        let (log2, stop2) = (log.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (routes, log) = (routes.clone(), log2.clone());
                std::thread::spawn(move || serve(conn, &routes, &log));
            }
        });
        Edgar { addr, log, _stop: stop }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<(Instant, String, u16)> {
        self.log.lock().unwrap().clone()
    }
}

fn serve(mut conn: TcpStream, routes: &Routes, log: &Mutex<Vec<(Instant, String, u16)>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split(' ').nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.trim().eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(v.trim().to_string());
            }
        }
    }
    let at = Instant::now();
    std::thread::sleep(routes.delay);
    let fault = routes
        .always
        .get(&path)
        .cloned()
        .or_else(|| routes.faults.lock().unwrap().get_mut(&path).and_then(|q| q.pop_front()));
    let respond = |conn: &mut TcpStream, status: u16, extra: &str, body: &[u8]| {
        let reason = match status {
            200 => "OK",
            304 => "Not Modified",
            403 => "Forbidden",
            404 => "Not Found",
            429 => "Too Many Requests",
            _ => "Service Unavailable",
        };
        let head =
            format!("HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n", body.len());
        let _ = conn.write_all(head.as_bytes());
        let _ = conn.write_all(body);
    };
    let file = routes.file(&path);
    let status = match (fault, &file) {
        (Some(Fault::TooMany { retry_after }), _) => {
            respond(&mut conn, 429, &format!("Retry-After: {retry_after}\r\n"), b"Too Many Requests");
            429
        }
        (Some(Fault::Unavailable), _) => {
            respond(&mut conn, 503, "", b"busy");
            503
        }
        (Some(Fault::Threshold403), _) => {
            respond(&mut conn, 403, "Content-Type: text/html\r\n", THRESHOLD.as_bytes());
            403
        }
        (Some(Fault::Threshold200), _) => {
            respond(&mut conn, 200, "Content-Type: text/html\r\n", THRESHOLD.as_bytes());
            200
        }
        (Some(Fault::Html), _) => {
            respond(&mut conn, 200, "Content-Type: text/html\r\n", b"<html><body>Maintenance</body></html>");
            200
        }
        (Some(Fault::Stall(d)), _) => {
            std::thread::sleep(d);
            0
        }
        (Some(Fault::DropMidBody), Some(f)) => {
            let body = std::fs::read(f).unwrap();
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(&body[..body.len() / 3]);
            200
        }
        (Some(Fault::Truncate), Some(f)) => {
            let body = std::fs::read(f).unwrap();
            respond(&mut conn, 200, "Content-Type: application/json\r\n", &body[..body.len() / 2]);
            200
        }
        (_, Some(f)) => {
            let body = std::fs::read(f).unwrap();
            let tag = etag_of(&body);
            if if_none_match.as_deref() == Some(tag.as_str()) {
                respond(&mut conn, 304, &format!("ETag: {tag}\r\n"), b"");
                304
            } else {
                respond(
                    &mut conn,
                    200,
                    &format!("ETag: {tag}\r\nLast-Modified: Fri, 06 May 2022 18:30:57 GMT\r\n"),
                    &body,
                );
                200
            }
        }
        (_, None) => {
            respond(&mut conn, 404, "", b"Not Found");
            404
        }
    };
    let _ = conn.flush();
    let _ = conn.shutdown(std::net::Shutdown::Both);
    log.lock().unwrap().push((at, path, status));
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

fn sync_cmd(db: &Path, edgar: &Edgar, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec![
        "--db".into(),
        db.display().to_string(),
        "sync".into(),
        "sec".into(),
        "--sec-base".into(),
        edgar.base(),
        "--sec-archives-base".into(),
        edgar.base(),
        "--user-agent".into(),
        UA.into(),
        "--ban-pause".into(),
        "1".into(),
        "--timeout".into(),
        "2".into(),
        "--backoff".into(),
        "0.1".into(),
        "--workers".into(),
        "4".into(),
        "--json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    common::run_bounded(bin().args(&args), Duration::from_secs(300))
}

fn report(out: &std::process::Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!("not a JSON report ({e}):\n{text}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr))
    })
}

/// Every row of every data table, without the ids and sources that differ
/// between two stores built from the same documents.
fn rows(db: &Path) -> BTreeMap<String, Vec<String>> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .filter(|t: &String| {
            // How and when documents came, not what they say.
            !matches!(t.as_str(), "sources" | "fetches" | "sync_state" | "sync_runs" | "store_meta" | "cached_results")
        })
        .collect();
    let mut out = BTreeMap::new();
    for t in tables {
        let mut st = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let names: Vec<String> = st.column_names().map(|s| s.to_string()).collect();
        let keep: Vec<usize> = (0..names.len())
            .filter(|&i| names[i] != "id" && !names[i].ends_with("_id") && names[i] != "ingested_at")
            .collect();
        let mut rows: Vec<String> = st
            .query_map([], |r| {
                Ok(keep
                    .iter()
                    .map(|&i| format!("{:?}", r.get_ref(i).map(|v| v.to_owned()).ok()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows.sort();
        out.insert(t, rows);
    }
    out
}

/// Ingests `files` into `ingested` and asserts that the synced store holds the
/// same rows, table by table; the synced rows.
fn same_rows_as_ingest(synced: &Path, ingested: &Path, files: &[PathBuf]) -> BTreeMap<String, Vec<String>> {
    let out = bin().arg("--db").arg(ingested).arg("ingest").args(files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (rows(synced), rows(ingested));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (table, rows) in &a {
        assert!(rows == &b[table], "{table}: {} synced rows, {} ingested, or rows differ", rows.len(), b[table].len());
    }
    a
}

fn most_in_one_second(log: &[(Instant, String, u16)]) -> usize {
    let mut t: Vec<Instant> = log.iter().map(|e| e.0).collect();
    t.sort();
    (0..t.len())
        .map(|i| t[i..].iter().take_while(|b| b.duration_since(t[i]) < Duration::from_secs(1)).count())
        .max()
        .unwrap_or(0)
}

fn faulty(data: &Path) -> Routes {
    let q = |f: Fault| VecDeque::from([f]);
    let faults = HashMap::from([
        ("/files/company_tickers.json".to_string(), q(Fault::TooMany { retry_after: 1 })),
        ("/submissions/CIK0000320193.json".to_string(), q(Fault::Unavailable)),
        ("/api/xbrl/companyfacts/CIK0000320193.json".to_string(), q(Fault::DropMidBody)),
        ("/api/xbrl/companyfacts/CIK0001835632.json".to_string(), q(Fault::Stall(Duration::from_secs(4)))),
        ("/submissions/CIK0001835632.json".to_string(), q(Fault::Threshold403)),
        ("/Archives/edgar/data/320193/000032019322000061/0000320193-22-000061.txt".to_string(), q(Fault::Threshold200)),
    ]);
    // TSLA: its submissions always truncated; it has no companyfacts here (404).
    let always = HashMap::from([("/submissions/CIK0001318605.json".to_string(), Fault::Truncate)]);
    Routes {
        data: data.to_path_buf(),
        faults: Mutex::new(faults),
        always,
        delay: Duration::ZERO,
        extra: HashMap::new(),
    }
}

#[test]
fn a_sync_through_every_fault_stores_what_ingest_stores() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let edgar = Edgar::start(faulty(&data));
    let dir = tempfile::tempdir().unwrap();
    let synced = dir.path().join("synced.db");
    let out = sync_cmd(&synced, &edgar, &["--tickers", "AAPL,MRVL,TSLA", "--since", DAY, "--until", DAY]);
    let r = report(&out);
    assert_eq!(out.status.code(), Some(1), "failures make exit 1: {r}");

    // What failed, once each, with its URL.
    let failures: Vec<(String, String)> = r["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["url"].as_str().unwrap().to_string(), f["why"].as_str().unwrap().to_string()))
        .collect();
    let base = edgar.base();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(
        failures
            .iter()
            .any(|(u, w)| u == &format!("{base}/api/xbrl/companyfacts/CIK0001318605.json") && w.contains("404")),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|(u, w)| u == &format!("{base}/submissions/CIK0001318605.json") && w.contains("does not parse")),
        "{failures:?}"
    );
    // What was recovered from, once each, with its URL.
    let faults: Vec<(String, String)> = r["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["url"].as_str().unwrap().to_string(), f["why"].as_str().unwrap().to_string()))
        .collect();
    for (path, what) in [
        ("/files/company_tickers.json", "HTTP 429"),
        ("/submissions/CIK0000320193.json", "HTTP 503"),
        ("/api/xbrl/companyfacts/CIK0000320193.json", "broke off"),
        ("/api/xbrl/companyfacts/CIK0001835632.json", "timed out"),
        ("/submissions/CIK0001835632.json", "HTTP 403"),
        ("/Archives/edgar/data/320193/000032019322000061/0000320193-22-000061.txt", "HTTP 200"),
    ] {
        let url = format!("{base}{path}");
        let seen: Vec<_> = faults.iter().filter(|(u, _)| *u == url).collect();
        assert_eq!(seen.len(), 1, "{url}: {faults:?}");
        assert!(seen[0].1.contains(what), "{url}: {} lacks {what}", seen[0].1);
    }
    assert!(r["bans"].as_u64().unwrap() >= 3, "{r}");

    // The rate, from the server's own log.
    let log = edgar.requests();
    assert!(most_in_one_second(&log) <= 10, "{} requests within a second", most_in_one_second(&log));

    // The same rows as ingest of the same files.
    let ingested = dir.path().join("ingested.db");
    let files: Vec<PathBuf> = [
        "sec/reference/company_tickers.json",
        "sec/submissions/CIK0000320193.json",
        "sec/companyfacts/CIK0000320193.json",
        "sec/submissions/CIK0001835632.json",
        "sec/companyfacts/CIK0001835632.json",
        FORM4,
    ]
    .iter()
    .map(|f| data.join(f))
    .collect();
    let a = same_rows_as_ingest(&synced, &ingested, &files);
    let facts: i64 = rusqlite::Connection::open(&synced)
        .unwrap()
        .query_row("SELECT sum(facts) FROM fact_sets", [], |r| r.get(0))
        .unwrap();
    assert!(a["fact_sets"].len() == 2 && facts > 10_000 && !a["insider_transactions"].is_empty(), "a real sync");

    // Provenance: every document stored is a source named by its URL, with the
    // fetch's status and validators.
    let conn = rusqlite::Connection::open(&synced).unwrap();
    let (sources, with_fetch): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(f.id) FROM sources s LEFT JOIN fetches f ON f.source_id = s.id AND f.status = 200 AND f.etag IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((sources, with_fetch), (6, 6));
    let form4: String = conn.query_row("SELECT path FROM sources WHERE kind = 'form4'", [], |r| r.get(0)).unwrap();
    assert_eq!(form4, format!("{base}/Archives/edgar/data/320193/000032019322000061/0000320193-22-000061.txt"));

    // A second run: mutable documents answer 304, the filing is not asked for
    // again, nothing changes.
    // (By when they were asked: the first run's stalled answer is logged when
    // the server gives up on it, which may be after that run ended.)
    let started = std::time::Instant::now();
    let out = sync_cmd(&synced, &edgar, &["--tickers", "AAPL,MRVL", "--since", DAY, "--until", DAY]);
    let r = report(&out);
    assert_eq!(out.status.code(), Some(0), "{r}");
    let second: Vec<_> = edgar.requests().into_iter().filter(|(at, _, _)| *at >= started).collect();
    assert!(second.iter().all(|(_, _, s)| *s == 304), "{second:?}");
    assert_eq!(second.len(), 5, "the map, two submissions, two companyfacts: {second:?}");
    assert_eq!(r["skipped_stored"], 1);
    assert_eq!(rows(&synced), a);
}

#[test]
fn no_user_agent_an_unreachable_host_and_a_non_json_answer_change_nothing() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let out = bin()
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(data.join("sec/companyfacts/CIK0000320193.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let before = rows(&db);

    // No User-Agent: refused before any request, exit 2, saying why.
    let out = bin()
        .arg("--db")
        .arg(&db)
        .args(["sync", "sec", "--tickers", "AAPL"])
        .env_remove("ALPHADESK_USER_AGENT")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("User-Agent"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = bin()
        .arg("--db")
        .arg(&db)
        .args(["sync", "sec", "--tickers", "AAPL", "--user-agent", "curl/8"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    // Nothing listens on this port (bound, then closed): a clear failure naming the URL.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let base = format!("http://{closed}");
    let out = common::run_bounded(
        bin().arg("--db").arg(&db).args([
            "sync",
            "sec",
            "--tickers",
            "AAPL",
            "--sec-base",
            &base,
            "--sec-archives-base",
            &base,
            "--user-agent",
            UA,
            "--attempts",
            "2",
            "--backoff",
            "0.05",
        ]),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{base}/files/company_tickers.json")) && text.contains("connection"), "{text}");

    // The same from a config file: its hosts and User-Agent are used, and a
    // misspelt key is a usage error naming the file.
    let config = dir.path().join("sync.toml");
    std::fs::write(
        &config,
        format!("user_agent = \"{UA}\"\nsec_base = \"{base}\"\nsec_archives_base = \"{base}\"\nattempts = 1\n"),
    )
    .unwrap();
    let out = common::run_bounded(
        bin().arg("--db").arg(&db).args(["sync", "sec", "--tickers", "AAPL", "--config"]).arg(&config),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{base}/files/company_tickers.json")));
    std::fs::write(&config, "user-agent = \"x y@z.invalid\"\n").unwrap();
    let out = bin()
        .arg("--db")
        .arg(&db)
        .args(["sync", "sec", "--tickers", "AAPL", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sync.toml") && err.contains("user-agent"), "{err}");

    // A host name that does not resolve: the sync runs in a network namespace
    // of its own (no interface but a loopback that is down), so the lookup fails
    // on this machine and no query leaves it. Where namespaces are not allowed
    // (some containers), this case is said to be skipped.
    let isolated = std::process::Command::new("unshare").args(["-rn", "true"]).output();
    if isolated.is_ok_and(|o| o.status.success()) {
        let mut cmd = std::process::Command::new("unshare");
        cmd.args(["-rn"]).arg(env!("CARGO_BIN_EXE_alphadesk")).arg("--db").arg(&db).args([
            "sync",
            "sec",
            "--tickers",
            "AAPL",
            "--sec-base",
            "http://data.sec.invalid",
            "--sec-archives-base",
            "http://www.sec.invalid",
            "--user-agent",
            UA,
            "--attempts",
            "2",
            "--backoff",
            "0.05",
        ]);
        let out = common::run_bounded(&mut cmd, Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("http://www.sec.invalid/files/company_tickers.json")
                && text.contains("does not resolve (DNS"),
            "{text}"
        );
    } else {
        eprintln!("skipped the DNS case: `unshare -rn` (a network namespace) is not allowed here");
    }

    // An HTML page where JSON was promised, served with 200.
    let mut routes = faulty(&data);
    routes.always.insert("/files/company_tickers.json".into(), Fault::Html);
    let edgar = Edgar::start(routes);
    let out = sync_cmd(&db, &edgar, &["--tickers", "AAPL"]);
    assert_eq!(out.status.code(), Some(1));
    let r = report(&out);
    assert!(r["failures"][0]["why"].as_str().unwrap().contains("HTML"), "{r}");
    assert_eq!(rows(&db), before, "nothing stored changed");
}

#[test]
fn a_killed_sync_resumes_without_duplicates_or_refetching() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let routes = Routes {
        data: data.clone(),
        faults: Mutex::default(),
        always: HashMap::new(),
        delay: Duration::from_millis(400),
        extra: HashMap::new(),
    };
    let edgar = Edgar::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("killed.db");
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args(["sync", "sec", "--tickers", "AAPL,MRVL", "--since", DAY, "--until", DAY, "--workers", "1", "--json"])
        .args(["--sec-base", &edgar.base(), "--sec-archives-base", &edgar.base(), "--user-agent", UA])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed after the map and the first company documents are stored.
    let deadline = Instant::now() + Duration::from_secs(60);
    while edgar.requests().iter().filter(|e| e.2 == 200).count() < 3 {
        assert!(Instant::now() < deadline, "the sync made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(150));
    child.kill().unwrap();
    child.wait().unwrap();
    let first: Vec<String> = edgar.requests().iter().filter(|e| e.2 == 200).map(|e| e.1.clone()).collect();

    let before = edgar.requests().len();
    let out = sync_cmd(&db, &edgar, &["--tickers", "AAPL,MRVL", "--since", DAY, "--until", DAY]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let second = edgar.requests()[before..].to_vec();
    // A document stored by the killed run is asked for conditionally (304) or not
    // at all; none is downloaded twice unless the kill came before it was stored.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored_paths: Vec<String> = conn
        .prepare("SELECT path FROM sources")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let refetched: Vec<&(Instant, String, u16)> =
        second.iter().filter(|e| e.2 == 200 && first.contains(&e.1)).collect();
    assert!(refetched.len() <= 1, "at most the document in flight at the kill is fetched again: {refetched:?}");
    assert!(second.iter().any(|e| e.2 == 304), "stored documents are revalidated, not downloaded: {second:?}");
    assert_eq!(stored_paths.len(), 6, "{stored_paths:?}");

    // The same rows as a clean sync, no duplicates.
    let clean = dir.path().join("clean.db");
    let out = sync_cmd(&clean, &edgar, &["--tickers", "AAPL,MRVL", "--since", DAY, "--until", DAY]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(rows(&db), rows(&clean));

    // A third run is all 304s and skips.
    let before = edgar.requests().len();
    let out = sync_cmd(&db, &edgar, &["--tickers", "AAPL,MRVL", "--since", DAY, "--until", DAY]);
    assert_eq!(out.status.code(), Some(0));
    assert!(edgar.requests()[before..].iter().all(|e| e.2 == 304));
}

/// A zip of `files` (name in the archive, file on disk), deflated.
fn archive(path: &Path, files: &[(&str, PathBuf)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, file) in files {
        z.start_file(*name, opts).unwrap();
        z.write_all(&std::fs::read(file).unwrap()).unwrap();
    }
    z.finish().unwrap();
}

/// Flips bytes in the middle of one entry's compressed data.
fn corrupt(path: &Path, entry: &str) {
    let (start, size) = {
        let mut a = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let e = a.by_name(entry).unwrap();
        (e.data_start().unwrap(), e.compressed_size())
    };
    let mut bytes = std::fs::read(path).unwrap();
    for b in &mut bytes[(start + size / 2) as usize..(start + size / 2 + 64) as usize] {
        *b ^= 0x5a;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn bulk_archives_are_read_entry_by_entry_and_a_corrupt_entry_is_named() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sub = |n: &str| data.join("sec/submissions").join(n);
    let facts = |n: &str| data.join("sec/companyfacts").join(n);
    let submissions_zip = dir.path().join("submissions.zip");
    archive(
        &submissions_zip,
        &[
            ("CIK0000320193.json", sub("CIK0000320193.json")),
            ("CIK0001318605-submissions-001.json", sub("CIK0001318605-submissions-001.json")),
            ("CIK0001835632.json", sub("CIK0001835632.json")),
            ("CIK0001318605.json", sub("CIK0001318605.json")),
        ],
    );
    let companyfacts_zip = dir.path().join("companyfacts.zip");
    archive(
        &companyfacts_zip,
        &[("CIK0000320193.json", facts("CIK0000320193.json")), ("CIK0001835632.json", facts("CIK0001835632.json"))],
    );
    corrupt(&companyfacts_zip, "CIK0001835632.json");
    let routes = Routes {
        data: data.clone(),
        faults: Mutex::default(),
        always: HashMap::new(),
        delay: Duration::ZERO,
        extra: HashMap::from([
            ("/Archives/edgar/daily-index/bulkdata/submissions.zip".to_string(), submissions_zip),
            ("/Archives/edgar/daily-index/xbrl/companyfacts.zip".to_string(), companyfacts_zip),
        ]),
    };
    let edgar = Edgar::start(routes);
    let db = dir.path().join("bulk.db");
    let out = sync_cmd(&db, &edgar, &["--bulk", "--tickers", "AAPL,MRVL", "--since", DAY, "--until", DAY]);
    let r = report(&out);
    assert_eq!(out.status.code(), Some(1), "{r}");
    let base = edgar.base();
    let failures = r["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{r}");
    assert_eq!(
        failures[0]["url"],
        format!("{base}/Archives/edgar/daily-index/xbrl/companyfacts.zip/CIK0001835632.json")
    );
    assert!(failures[0]["why"].as_str().unwrap().contains("corrupt entry"), "{r}");
    // No request per company: the two archives, the map and the one filing.
    let paths: Vec<String> = edgar.requests().iter().map(|e| e.1.clone()).collect();
    assert_eq!(paths.len(), 4, "{paths:?}");
    assert!(!paths.iter().any(|p| p.starts_with("/submissions/") || p.starts_with("/api/")), "{paths:?}");

    // The same rows as ingest of the entries that were whole (TSLA's two were not
    // asked for).
    let ingested = dir.path().join("ingested.db");
    let files: Vec<PathBuf> = [
        "sec/reference/company_tickers.json",
        "sec/submissions/CIK0000320193.json",
        "sec/companyfacts/CIK0000320193.json",
        "sec/submissions/CIK0001835632.json",
        FORM4,
    ]
    .iter()
    .map(|f| data.join(f))
    .collect();
    let a = same_rows_as_ingest(&db, &ingested, &files);

    // Again: both archives answer 304 and nothing changes.
    let before = edgar.requests().len();
    let out = sync_cmd(&db, &edgar, &["--bulk", "--tickers", "AAPL", "--since", DAY, "--until", DAY]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(edgar.requests()[before..].iter().all(|e| e.2 == 304), "{:?}", &edgar.requests()[before..]);
    assert_eq!(rows(&db), a);
}

#[test]
fn daily_indexes_find_new_filings_and_refresh_only_the_filers() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edgar/form.20220506.idx");
    let routes = Routes {
        data: data.clone(),
        faults: Mutex::default(),
        always: HashMap::new(),
        delay: Duration::ZERO,
        extra: HashMap::from([("/Archives/edgar/daily-index/2022/QTR2/form.20220506.idx".to_string(), fixture)]),
    };
    let edgar = Edgar::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");

    // The first time needs a start.
    let out = sync_cmd(&db, &edgar, &["--daily-index", "--tickers", "AAPL,MRVL"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(report(&out)["failures"][0]["why"].as_str().unwrap().contains("needs --since"));

    // Thursday to Monday: Thursday and Monday have no index here (404, passed
    // over), the weekend is not asked for, Friday's lists AAPL's Form 4.
    let before = edgar.requests().len();
    let out = sync_cmd(
        &db,
        &edgar,
        &["--daily-index", "--tickers", "AAPL,MRVL", "--since", "2022-05-05", "--until", "2022-05-09"],
    );
    let r = report(&out);
    assert_eq!(out.status.code(), Some(0), "{r}");
    let paths: Vec<String> = edgar.requests()[before..].iter().map(|e| e.1.clone()).collect();
    for day in ["20220505", "20220506", "20220509"] {
        assert!(paths.iter().any(|p| p.ends_with(&format!("form.{day}.idx"))), "{paths:?}");
    }
    assert!(!paths.iter().any(|p| p.contains("form.20220507") || p.contains("form.20220508")), "{paths:?}");
    // AAPL filed: its submissions, companyfacts and the Form 4; MRVL did not.
    assert!(paths.contains(&"/submissions/CIK0000320193.json".to_string()), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("1835632")), "MRVL filed nothing: {paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("0000320193-22-000061.txt")), "{paths:?}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mark: String =
        conn.query_row("SELECT value FROM sync_state WHERE key = 'sec.daily_index.last'", [], |r| r.get(0)).unwrap();
    assert_eq!(mark, "2022-05-09");

    // The next run starts the day after the mark.
    let before = edgar.requests().len();
    let out = sync_cmd(&db, &edgar, &["--daily-index", "--tickers", "AAPL,MRVL", "--until", "2022-05-10"]);
    assert_eq!(out.status.code(), Some(0));
    let paths: Vec<String> = edgar.requests()[before..].iter().map(|e| e.1.clone()).collect();
    let indexes: Vec<&String> = paths.iter().filter(|p| p.ends_with(".idx")).collect();
    assert_eq!(indexes, vec!["/Archives/edgar/daily-index/2022/QTR2/form.20220510.idx"], "{paths:?}");
}

#[test]
fn a_manager_s_13f_filings_are_fetched_and_stored_like_ingest_stores_them() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    // MetLife's submissions, written by hand to list its real 13F-HR in the
    // shared data (and an 8-K, which a manager's sync does not fetch).
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edgar/CIK0001099219.json");
    let routes = Routes {
        data: data.clone(),
        faults: Mutex::default(),
        always: HashMap::new(),
        delay: Duration::ZERO,
        extra: HashMap::from([("/submissions/CIK0001099219.json".to_string(), fixture.clone())]),
    };
    let edgar = Edgar::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("managers.db");
    let out = sync_cmd(&db, &edgar, &["--managers", "1099219", "--since", "2023-03-01", "--until", "2023-03-31"]);
    let r = report(&out);
    assert_eq!(out.status.code(), Some(0), "{r}");
    let paths: Vec<String> = edgar.requests().iter().map(|e| e.1.clone()).collect();
    assert!(
        paths.contains(&"/Archives/edgar/data/1099219/000114036123013281/0001140361-23-013281.txt".to_string()),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.contains("companyfacts") || p.contains("000109921923000010")), "{paths:?}");

    let ingested = dir.path().join("ingested.db");
    let files = [
        data.join("sec/reference/company_tickers.json"),
        fixture,
        data.join("sec/13f/13F-HR_METLIFE_INC_0001140361-23-013281.txt"),
    ];
    let a = same_rows_as_ingest(&db, &ingested, &files);
    assert!(!a["holdings"].is_empty(), "the 13F's holdings are stored");
}

#[test]
fn a_second_sync_on_one_store_waits_for_the_first_and_says_so() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let routes = Routes {
        data,
        faults: Mutex::default(),
        always: HashMap::new(),
        delay: Duration::from_millis(300),
        extra: HashMap::new(),
    };
    let edgar = Edgar::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let args = ["--tickers", "AAPL", "--since", DAY, "--until", DAY];
    let (db1, base) = (db.clone(), edgar.base());
    let first = std::thread::spawn(move || {
        let mut cmd = bin();
        cmd.arg("--db").arg(&db1).args(["sync", "sec", "--json", "--user-agent", UA]);
        cmd.args(["--sec-base", &base, "--sec-archives-base", &base]).args(args);
        common::run_bounded(&mut cmd, Duration::from_secs(120))
    });
    // The second starts once the first is fetching.
    let deadline = Instant::now() + Duration::from_secs(60);
    while edgar.requests().is_empty() {
        assert!(Instant::now() < deadline, "the first sync made no request");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = sync_cmd(&db, &edgar, &args);
    let first = first.join().unwrap();
    assert_eq!((first.status.code(), second.status.code()), (Some(0), Some(0)));
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("another sync holds this store") && said.contains("waiting"), "{said}");
    // It ran after the first: the map, AAPL's submissions and companyfacts were
    // current (304) and its filing stored.
    let r = report(&second);
    assert_eq!((r["not_modified"].as_u64(), r["skipped_stored"].as_u64()), (Some(3), Some(1)), "{r}");
}

#[test]
fn a_note_cites_synced_filings_by_their_edgar_urls_and_the_checker_resolves_them() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let routes = Routes {
        data: data.clone(),
        faults: Mutex::default(),
        always: HashMap::new(),
        delay: Duration::ZERO,
        extra: HashMap::new(),
    };
    let edgar = Edgar::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cited.db");
    // Prices and sectors from files; everything SEC from the (local) EDGAR.
    let files: Vec<PathBuf> = alphadesk_testkit::SMALL_STORE_FILES
        .iter()
        .filter(|f| f.starts_with("market/"))
        .map(|f| data.join(f))
        .collect();
    let out = bin().arg("--db").arg(&db).arg("ingest").args(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = sync_cmd(&db, &edgar, &["--tickers", "AAPL", "--since", DAY, "--until", DAY]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));

    let base = edgar.base();
    let facts_url = format!("{base}/api/xbrl/companyfacts/CIK0000320193.json");
    let note = dir.path().join("AAPL.md");
    let out = bin()
        .arg("--db")
        .arg(&db)
        .args(["note", "AAPL", "--as-of", "2018-04-30", "--out"])
        .arg(&note)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(&note).unwrap();
    let sources = md.split("## Sources").nth(1).expect("a sources list");
    assert!(sources.contains(&format!("({facts_url})")), "a fundamental cites its EDGAR URL:\n{sources}");

    // The checker reads the URL as the stored document it names...
    let out = bin().arg("--db").arg(&db).arg("check").arg(&note).arg("--json").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("no stored article or document"), "{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
    // ... and refuses one it does not hold.
    let forged = md.replace(&facts_url, &format!("{base}/api/xbrl/companyfacts/CIK0000789019.json"));
    let forged_path = dir.path().join("forged.md");
    std::fs::write(&forged_path, forged).unwrap();
    let out = bin().arg("--db").arg(&db).arg("check").arg(&forged_path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("no stored article or document has the URL"), "{text}");

    // The page links it.
    let out = bin()
        .arg("--db")
        .arg(&db)
        .args(["note", "AAPL", "--as-of", "2018-04-30", "--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(html.contains(&format!("<a href=\"{facts_url}\" rel=\"nofollow\">")), "the sources list links the URL");
}
