//! Schemathesis (property-based API testing from the OpenAPI document) against a
//! served store: every route is called with requests generated from its
//! documented parameters and bodies, and must accept what the document allows,
//! refuse what it does not, never answer 5xx, and answer in the schema it
//! declares. Loopback only, bounded in examples and time; a fixed seed, so a
//! failure is reproduced by the same run. Allowances, each with why, are in
//! `tests/schemathesis/schemathesis.toml`.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{bin, required_tool, run_bounded, Server};

#[test]
fn every_route_holds_to_its_openapi_document() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let Some(st) = required_tool(&["st", "schemathesis"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    let mut files: Vec<PathBuf> = alphadesk_testkit::SMALL_STORE_FILES.iter().map(|f| data.join(f)).collect();
    files.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../http/tests/fixtures/apple_news.jsonl"));
    let out = bin().arg("--db").arg(&db).arg("ingest").args(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let server = Server::start(&["--db", db.to_str().unwrap(), "serve", "--addr", "127.0.0.1:0"]);
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis/schemathesis.toml");
    let out = run_bounded(
        Command::new(&st)
            .current_dir(dir.path())
            .arg("--config-file")
            .arg(&config)
            .arg("run")
            .arg(server.url("/api/v1/openapi.json"))
            .args(["--max-examples", "25", "--request-timeout", "30", "--phases", "examples,coverage,fuzzing"])
            .args(["--seed", "305210176524192947734711374554668969772"])
            .env("NO_COLOR", "1"),
        Duration::from_secs(900),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "schemathesis found problems:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Tested: 2"), "every operation tested: {text}");
}
