//! `alphadesk serve` as a user runs it: the binary on a free loopback port, the
//! API and the pages fetched over a socket, the OpenAPI document validated by an
//! independent validator, the pages rendered by a real browser, MCP over HTTP,
//! and a graceful stop on SIGTERM.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{bin, request, required_tool, run_bounded, store, Server};

/// The JSON-RPC message of an MCP answer: a JSON body, or the last `data:` event
/// of an event stream (the spec allows either).
fn rpc(r: &common::Response) -> serde_json::Value {
    if r.header("content-type").is_some_and(|c| c.starts_with("text/event-stream")) {
        let text = r.text();
        let data = text.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim).rfind(|d| !d.is_empty());
        return serde_json::from_str(data.unwrap_or_else(|| panic!("no data event: {text}"))).unwrap();
    }
    r.json()
}

fn start(db: &std::path::Path) -> Server {
    Server::start(&["--db", db.to_str().unwrap(), "serve", "--addr", "127.0.0.1:0"])
}

#[test]
fn serves_api_pages_and_mcp_then_stops_on_sigterm() {
    let Some(db) = store() else { return };
    let server = start(db);
    assert!(server.banner.contains("/t/AAPL") && server.banner.contains("/mcp"), "{}", server.banner);

    let h = server.get("/api/v1/healthz");
    assert_eq!(h.status, 200, "{}", h.text());
    let latest = h.json()["latest_date"].as_str().unwrap().to_string();

    // The API's record is `score --json`'s record, field for field.
    let api = server.get("/api/v1/tickers/AAPL").json();
    let out = bin().args(["--db", db.to_str().unwrap(), "score", "--json", "--as-of", &latest]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // JSON Lines, a record per ticker.
    let cli: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let cli_aapl = cli.iter().find(|r| r["ticker"] == "AAPL").unwrap();
    for (k, v) in cli_aapl.as_object().unwrap() {
        assert_eq!(&api[k], v, "field {k} differs between the API and score --json");
    }
    assert_eq!(api["explanation"].as_array().unwrap().len(), 2);

    let page = server.get("/t/AAPL");
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert!(page.text().contains("Apple Inc. (AAPL)"));
    assert_eq!(server.get("/").status, 200);
    assert_eq!(server.get("/static/site.css").status, 200);
    let missing = server.get("/api/v1/tickers/ZZZZ");
    assert_eq!((missing.status, missing.json()["error"]["code"].as_str()), (404, Some("not_found")));

    // A 10 MiB body is refused without being read whole, and the server goes on.
    let big = vec![b'x'; 10 << 20];
    let r = request(server.addr, "POST", "/api/v1/check", &[("Content-Type", "text/markdown")], &big);
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(server.get("/api/v1/healthz").status, 200);

    // MCP over streamable HTTP: initialize, then list the tools in that session.
    let accept = ("Accept", "application/json, text/event-stream");
    let json = ("Content-Type", "application/json");
    let init = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}});
    let r = request(server.addr, "POST", "/mcp", &[accept, json], init.to_string().as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(rpc(&r)["result"]["serverInfo"]["name"], "alphadesk", "{}", r.text());
    let session = r.header("mcp-session-id").expect("a session id").to_string();
    let session = ("Mcp-Session-Id", session.as_str());
    let version = ("MCP-Protocol-Version", "2025-06-18");
    let note = serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let r = request(server.addr, "POST", "/mcp", &[accept, json, session, version], note.to_string().as_bytes());
    assert!(r.status == 202 || r.status == 200, "{}", r.status);
    let list = serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let r = request(server.addr, "POST", "/mcp", &[accept, json, session, version], list.to_string().as_bytes());
    assert_eq!(rpc(&r)["result"]["tools"].as_array().map(Vec::len), Some(19), "{}", r.text());
    let call = serde_json::json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "get_score", "arguments": {"ticker": "AAPL"}}});
    let r = request(server.addr, "POST", "/mcp", &[accept, json, session, version], call.to_string().as_bytes());
    assert_eq!(rpc(&r)["result"]["structuredContent"]["score"]["alpha_score"], api["alpha_score"], "{}", r.text());
    // A Host that is not loopback is refused (DNS rebinding).
    let r =
        request(server.addr, "POST", "/mcp", &[accept, json, ("Host", "evil.example")], init.to_string().as_bytes());
    assert!(r.status >= 400, "{}", r.status);

    let status = server.stop();
    assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let Some(db) = store() else { return };
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = bin().args(["--db", db.to_str().unwrap(), "serve", "--addr", &addr]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    // A store that is not there is named, and not created.
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none.db");
    let out = bin().args(["--db", none.to_str().unwrap(), "serve", "--addr", "127.0.0.1:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("none.db"));
    assert!(!none.exists());
}

/// The OpenAPI document, checked by an independent validator
/// (`openapi-spec-validator`, installed by `.ci/run`), and holding every route.
#[test]
fn openapi_document_validates() {
    let Some(db) = store() else { return };
    let Some(python) = required_tool(&["python3"]) else { return };
    let check = Command::new(&python).args(["-c", "import openapi_spec_validator"]).output().unwrap();
    if !check.status.success() {
        assert!(std::env::var_os("CI").is_none(), "openapi-spec-validator is not installed (.ci/run installs it)");
        eprintln!("skipping: python3 -m pip install openapi-spec-validator");
        return;
    }
    let server = start(db);
    let doc = server.get("/api/v1/openapi.json");
    assert_eq!(doc.status, 200);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, &doc.body).unwrap();
    let script = "import json, sys\n\
                  from openapi_spec_validator import validate\n\
                  from openapi_spec_validator.versions import consts\n\
                  doc = json.load(open(sys.argv[1]))\n\
                  validate(doc)\n\
                  print('valid', doc['openapi'], len(doc['paths']))\n";
    let out = run_bounded(Command::new(&python).args(["-c", script, path.to_str().unwrap()]), Duration::from_secs(120));
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("valid 3.1.0"));
    let doc = doc.json();
    for path in [
        "/api/v1/tickers",
        "/api/v1/tickers/{ticker}",
        "/api/v1/tickers/{ticker}/facts",
        "/api/v1/tickers/{ticker}/prices",
        "/api/v1/tickers/{ticker}/insiders",
        "/api/v1/tickers/{ticker}/holders",
        "/api/v1/tickers/{ticker}/notes",
        "/api/v1/notes",
        "/api/v1/notes/{id}",
        "/api/v1/check",
        "/api/v1/themes",
        "/api/v1/stories",
        "/api/v1/validation",
        "/api/v1/search",
        "/api/v1/healthz",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
}

/// Debian's chromium, headless, renders `/` and `/t/AAPL`: the DOM it builds
/// holds the score, four pillar bars and the charts' SVG paths, and screenshots at
/// desktop and phone widths are kept under the target directory to look at.
#[test]
fn a_browser_renders_the_pages() {
    let Some(db) = store() else { return };
    let Some(chromium) = required_tool(&["chromium", "chromium-browser", "google-chrome"]) else { return };
    let server = start(db);
    let profile = tempfile::tempdir().unwrap();
    let shots = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let browser = |extra: &[String], url: &str| {
        let mut c = Command::new(&chromium);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url);
        let out = run_bounded(&mut c, Duration::from_secs(120));
        assert!(out.status.success(), "chromium failed on {url}: {}", String::from_utf8_lossy(&out.stderr));
        out
    };

    let dom = String::from_utf8_lossy(&browser(&["--dump-dom".into()], &server.url("/t/AAPL")).stdout).into_owned();
    let score = server.get("/api/v1/tickers/AAPL").json()["alpha_score"].as_u64().unwrap();
    assert!(dom.contains(&format!("aria-label=\"Alpha Score {score} out of 100\"")), "the gauge shows {score}");
    assert_eq!(dom.matches("class=\"bar\"").count(), 4, "four pillar bars");
    let scored = ["momentum", "value", "quality", "sentiment"]
        .iter()
        .filter(|p| server.get("/api/v1/tickers/AAPL").json()["pillars"][**p]["score"].is_u64())
        .count();
    assert_eq!(dom.matches("role=\"meter\"").count(), scored, "a meter for each scored pillar");
    for p in ["momentum", "value", "quality", "sentiment"] {
        assert!(dom.contains(&format!("data-pillar=\"{p}\"")), "{p} bar");
    }
    let price_path = dom.split("class=\"price\" d=\"").nth(1).expect("the price chart's SVG path");
    assert!(price_path.matches('L').count() > 200, "a year of daily closes is drawn");
    assert!(dom.contains("score-history\""), "the score history is drawn");
    assert!(dom.matches("<rect class=\"score ").count() >= 20, "a bar per month end, coloured by its band");
    assert!(dom.contains("historical simulation, not a forecast"));

    let board = String::from_utf8_lossy(&browser(&["--dump-dom".into()], &server.url("/")).stdout).into_owned();
    assert!(board.contains("href=\"/t/AAPL"), "the leaderboard links to stock pages");
    assert!(board.matches("<tr").count() >= 7, "a row per ticker");

    for (name, size, path) in [
        ("aapl-desktop.png", "1280,2600", "/t/AAPL"),
        ("aapl-phone.png", "375,2400", "/t/AAPL"),
        ("leaderboard-desktop.png", "1280,1000", "/"),
        ("leaderboard-phone.png", "375,1200", "/"),
    ] {
        let file = shots.join(name);
        let _ = std::fs::remove_file(&file);
        browser(&[format!("--window-size={size}"), format!("--screenshot={}", file.display())], &server.url(path));
        let png = std::fs::read(&file).unwrap_or_else(|e| panic!("no screenshot {}: {e}", file.display()));
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} is an image", file.display());
        eprintln!("screenshot: {}", file.display());
    }
}

/// Four years of month ends for every ticker in one request, in each format,
/// row for row what `score --history` writes.
#[test]
fn the_panel_in_one_request_is_score_history() {
    let Some(db) = store() else { return };
    let dir = tempfile::tempdir().unwrap();
    let csv_file = dir.path().join("panel.csv");
    let out = bin()
        .arg("--db")
        .arg(db)
        .args(["score", "--history", "2014-01-01..2018-04-30", "--out"])
        .arg(&csv_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli = std::fs::read(&csv_file).unwrap();

    let server = start(db);
    let q = "/api/v1/panel?from=2014-01-01&to=2018-04-30";
    let csv = request(server.addr, "GET", &format!("{q}&format=csv"), &[], b"");
    assert_eq!(csv.status, 200);
    assert!(csv.body == cli, "the API's CSV panel is score --history's, byte for byte");
    let rows = String::from_utf8_lossy(&cli).lines().count() - 1;

    let json = request(server.addr, "GET", q, &[("Accept", "application/json")], b"").json();
    assert_eq!(json["dates"].as_array().unwrap().len(), 52, "month ends 2014-01 to 2018-04");
    assert_eq!(json["rows"].as_array().unwrap().len(), rows);

    let pq = request(server.addr, "GET", q, &[("Accept", "application/vnd.apache.parquet")], b"");
    assert_eq!(pq.status, 200);
    let file = dir.path().join("panel.parquet");
    std::fs::write(&file, &pq.body).unwrap();
    let reader =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap())
            .unwrap()
            .build()
            .unwrap();
    let n: usize = reader.map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(n, rows, "the Parquet panel holds the same rows");
}
