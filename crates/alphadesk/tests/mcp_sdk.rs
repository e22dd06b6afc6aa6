//! Every MCP tool through the official MCP Python SDK, over stdio and over HTTP:
//! the SDK checks each tool's structured output against the schema the tool
//! declares, and each tool is also called with bad arguments, which must be
//! refused with a message naming the argument, and no answer may name the
//! server's store or data folder (`tests/scripts/mcp_sdk.py`).

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{bin, required_tool, run_bounded, Server};

/// The tools `tests/mcp.rs` lists by name: each must answer its valid call.
const TOOLS: usize = 19;

#[test]
fn the_official_sdk_validates_every_tool_on_both_transports() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let Some(python) = required_tool(&["python3"]) else { return };
    let has = Command::new(&python).args(["-c", "import mcp"]).output().unwrap();
    if !has.status.success() {
        assert!(std::env::var_os("CI").is_none(), "the MCP Python SDK is not installed (.ci/run installs it)");
        eprintln!("skipping: python3 -m pip install mcp");
        return;
    }
    // Prices, Apple's filings and a summer of Reuters articles: every tool has
    // something to answer.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sdk.db");
    let mut files: Vec<PathBuf> = alphadesk_testkit::SMALL_STORE_FILES.iter().map(|f| data.join(f)).collect();
    files.push(data.join("market/prices/BA_data.csv"));
    files.push(data.join("text/news/reuters_2013_summer.jsonl"));
    let out = bin().arg("--db").arg(&db).arg("ingest").args(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/mcp_sdk.py");
    // No answer may name where the server keeps its store or its data.
    let forbidden = std::env::join_paths([dir.path().canonicalize().unwrap(), data.canonicalize().unwrap()]).unwrap();

    let out = run_bounded(
        Command::new(&python)
            .env("ALPHADESK_FORBIDDEN", &forbidden)
            .arg(&script)
            .arg("stdio")
            .arg(env!("CARGO_BIN_EXE_alphadesk"))
            .arg(&db),
        Duration::from_secs(600),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "stdio:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(text.lines().filter(|l| l.contains("\"valid\": true, \"ok\": true")).count(), TOOLS, "{text}");

    let server = Server::start(&["--db", db.to_str().unwrap(), "serve", "--addr", "127.0.0.1:0"]);
    let url = format!("http://{}/mcp", server.addr);
    let out = run_bounded(
        Command::new(&python).env("ALPHADESK_FORBIDDEN", &forbidden).arg(&script).arg("http").arg(&url),
        Duration::from_secs(600),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "http:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(text.lines().filter(|l| l.contains("\"valid\": true, \"ok\": true")).count(), TOOLS, "{text}");
    // A date in the wrong form is refused naming the argument and the form.
    assert!(text.contains("argument `as_of`") && text.contains("YYYY-MM-DD"), "{text}");
}
