//! `alphadesk mcp` driven over standard input and output as an agent's client
//! drives it: newline-delimited JSON-RPC 2.0, `initialize`, `tools/list`, and
//! `tools/call` for every tool, with good and bad arguments.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, ChildStdout, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{bin, store};
use serde_json::{json, Value};

struct Client {
    child: std::process::Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    next_id: u64,
}

impl Client {
    fn start(db: &std::path::Path) -> Client {
        let mut child = bin()
            .args(["--db", db.to_str().unwrap(), "mcp"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Client { child, stdin: Some(stdin), lines, next_id: 1 }
    }

    fn send(&mut self, msg: &Value) {
        self.send_raw(&msg.to_string());
    }

    fn send_raw(&mut self, line: &str) {
        let w = self.stdin.as_mut().unwrap();
        writeln!(w, "{line}").unwrap();
        w.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let line = self.lines.recv_timeout(Duration::from_secs(120)).expect("an answer within 120 s");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON-RPC ({e}): {line}"))
    }

    /// A request and its response (notifications from the server are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let v = self.receive();
            if v["id"] == json!(id) {
                return v;
            }
        }
    }

    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        self.request("tools/call", json!({"name": tool, "arguments": arguments}))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn initialized(db: &std::path::Path) -> Client {
    let mut c = Client::start(db);
    let init = c.request(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}),
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "alphadesk", "{init}");
    assert!(init["result"]["capabilities"]["tools"].is_object(), "{init}");
    let instructions = init["result"]["instructions"].as_str().unwrap();
    assert!(instructions.contains("not forecasts") && instructions.contains("## Sources"), "{instructions}");
    assert!(
        init["result"]["capabilities"]["resources"].is_object()
            && init["result"]["capabilities"]["prompts"].is_object()
    );
    c.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    c
}

#[test]
fn every_tool_answers_with_sources_and_dates() {
    let Some(db) = store() else { return };
    let mut c = initialized(db);

    let list = c.request("tools/list", json!({}));
    let tools = list["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "search_tickers",
            "get_score",
            "list_scores",
            "get_score_history",
            "compare",
            "explain_score",
            "get_facts",
            "get_prices",
            "get_insider_trades",
            "get_holders",
            "get_note",
            "get_news",
            "find_themes",
            "get_story",
            "check_note",
            "get_changes",
            "get_validation",
            "run_backtest",
            "get_live_record"
        ]
    );
    for t in tools {
        assert_eq!(t["inputSchema"]["type"], "object", "{}", t["name"]);
        assert_eq!(t["outputSchema"]["type"], "object", "{}", t["name"]);
        // How sources are cited is said once, in the instructions.
        assert!(!t["description"].as_str().unwrap().contains("quote them with the number"), "{}", t["name"]);
        assert_eq!(t["annotations"]["readOnlyHint"], true);
    }
    let get_score = tools.iter().find(|t| t["name"] == "get_score").unwrap();
    assert_eq!(get_score["inputSchema"]["required"], json!(["ticker"]));
    assert!(get_score["description"].as_str().unwrap().contains("not a forecast"));

    let date = "2016-06-30";
    let ok = |v: &Value| -> Value {
        assert!(v["error"].is_null(), "{v}");
        assert_ne!(v["result"]["isError"], true, "{v}");
        v["result"]["structuredContent"].clone()
    };
    let hits = ok(&c.call("search_tickers", json!({"q": "apple"})));
    assert_eq!(hits["hits"][0]["ticker"], "AAPL");

    let score = ok(&c.call("get_score", json!({"ticker": "AAPL", "as_of": date})));
    // get_score equals `score --json` for the same date.
    let out = bin().args(["--db", db.to_str().unwrap(), "score", "--json", "--as-of", date]).output().unwrap();
    // JSON Lines, a record per ticker.
    let cli: Vec<Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let cli_aapl = cli.iter().find(|r| r["ticker"] == "AAPL").unwrap();
    assert_eq!(&score["score"], cli_aapl);
    assert_eq!(score["score"]["as_of"], date);
    assert_eq!(score["config_hash"].as_str().unwrap().len(), 16);

    let explained = ok(&c.call("explain_score", json!({"ticker": "AAPL", "as_of": date})));
    assert!(explained["metrics"].to_string().contains("AAPL_data.csv"), "inputs cite their file");
    let facts = ok(&c.call("get_facts", json!({"ticker": "AAPL", "as_of": date})));
    let rev = &facts["fields"]["revenue_ttm"];
    assert!(rev["filed"].is_string() && rev["period_end"].is_string(), "filed and period end: {rev}");
    let prices = ok(&c.call("get_prices", json!({"ticker": "AAPL", "from": "2016-06-01", "to": date})));
    assert_eq!(prices["bars"].as_array().unwrap().len(), 22);
    assert!(prices["bars"][0]["source"]["line"].is_u64());
    ok(&c.call("get_insider_trades", json!({"ticker": "AAPL", "as_of": date})));
    // Past the last price: filings and insider trades as known on the date asked,
    // and the close price-based values use, stated.
    let later = ok(&c.call("get_facts", json!({"ticker": "AAPL", "as_of": "2022-06-30"})));
    assert_eq!((later["as_of"].as_str(), later["price_date"].as_str()), (Some("2022-06-30"), Some("2018-05-18")));
    assert!(later["fields"]["revenue_ttm"]["period_end"].as_str().unwrap() >= "2022-03-26", "{later}");
    let trades = ok(&c.call("get_insider_trades", json!({"ticker": "AAPL", "as_of": "2022-06-30"})));
    assert!(trades["trades"].to_string().contains("0000320193-22-000061"), "{trades}");
    ok(&c.call("get_holders", json!({"ticker": "AAPL", "as_of": date})));
    let note = ok(&c.call("get_note", json!({"id": "AAPL-2016-06-30"})));
    assert_eq!(note["verdict"]["passed"], true);
    let verdict = ok(&c.call("check_note", json!({"markdown": note["markdown"]})));
    assert_eq!(verdict["passed"], true);
    let bad = ok(&c.call("check_note", json!({"markdown": "Apple Inc. (AAPL) will double by 2017. Buy it."})));
    assert_eq!(bad["passed"], false);
    // This store holds no articles: no themes, and a story is a clear miss.
    let themes = ok(&c.call("find_themes", json!({"from": "2016-06-01", "to": "2016-06-30"})));
    assert_eq!(themes["themes"], json!([]), "{themes}");
    let story = c.call("get_story", json!({"query": "chip export", "as_of": "2016-06-30"}));
    assert_eq!(story["result"]["isError"], true, "{story}");
    let figures = ok(&c.call("get_validation", json!({})));
    assert!(figures["label"].as_str().unwrap().contains("not a forecast"));

    // Bad arguments are JSON-RPC errors; questions without an answer are tool
    // errors the model reads; neither stops the server.
    for (tool, a) in [
        ("get_score", json!({})),
        ("get_score", json!({"ticker": 5})),
        ("get_score", json!({"ticker": "AAPL", "as_of": "soon"})),
        ("get_score", json!({"ticker": "../../etc/passwd"})),
        ("get_score", json!({"ticker": "AAPL", "extra": true})),
        ("get_prices", json!({"ticker": "AAPL", "from": "2016-07-01", "to": "2016-06-01"})),
        ("get_note", json!({})),
        ("search_tickers", json!({"q": ""})),
        ("no_such_tool", json!({})),
    ] {
        let v = c.call(tool, a.clone());
        assert_eq!(v["error"]["code"], -32602, "{tool} {a}: {v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let v = c.call("get_score", json!({"ticker": "ZZZZ"}));
    assert_eq!(v["result"]["isError"], true, "{v}");
    assert_eq!(v["result"]["structuredContent"]["error"]["code"], "not_found");
    // An unknown method, then a line that is not JSON: errors, and the server
    // still answers.
    let v = c.request("no/such/method", json!({}));
    assert!(v["error"].is_object(), "{v}");
    c.send_raw("{not json");
    let again = ok(&c.call("get_score", json!({"ticker": "AAPL", "as_of": date})));
    assert_eq!(again, score);
}

#[test]
fn closing_stdin_ends_the_server() {
    let Some(db) = store() else { return };
    let mut c = initialized(db);
    drop(c.stdin.take());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still running 20 s after its input closed");
        std::thread::sleep(Duration::from_millis(50));
    }
}
