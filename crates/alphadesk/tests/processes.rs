//! The command line as other processes meet it: a reader that closes the pipe
//! early, two writers on one new store, a writer that holds the lock too long.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use alphadesk_testkit::data_dir;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_alphadesk"))
}

/// A small real store (Apple's prices, filings and a Form 4; the securities
/// master), built once per test binary with the real `ingest`.
fn store() -> Option<&'static Path> {
    static DB: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    DB.get_or_init(|| {
        let data = data_dir()?;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("small.db");
        let out = bin().arg("--db").arg(&db).arg("ingest").args(apple_files(&data)).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Some((dir, db))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

fn apple_files(data: &Path) -> Vec<PathBuf> {
    [
        "market/securities/securities.csv",
        "market/prices/AAPL_data.csv",
        "market/prices/MSFT_data.csv",
        "market/prices/XOM_data.csv",
        "sec/companyfacts/CIK0000320193.json",
        "sec/form4/form4_AAPL_0000320193-22-000061.txt",
    ]
    .iter()
    .map(|r| data.join(r))
    .collect()
}

/// Runs the command with its standard output's read end closed before it can
/// write: every write meets a broken pipe. Returns the exit code and stderr.
fn with_closed_pipe(db: &Path, args: &[&str], stdin: Option<&str>) -> (Option<i32>, String) {
    let mut child = bin()
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    if let (Some(text), Some(mut w)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        let _ = w.write_all(text.as_bytes());
    }
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (child.wait().unwrap().code(), err)
}

#[test]
fn a_closed_pipe_ends_quietly_and_keeps_the_exit_status() {
    let Some(db) = store() else { return };
    let dir = tempfile::tempdir().unwrap();
    let note = dir.path().join("AAPL.md");
    let out = bin().arg("--db").arg(db).args(["note", "AAPL", "--as-of", "2016-06-30"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&note, &out.stdout).unwrap();
    let failing = dir.path().join("failing.md");
    let text = String::from_utf8(out.stdout).unwrap();
    std::fs::write(&failing, text.replace("Educational coverage, not personalized advice.", "")).unwrap();
    let (note, failing) = (note.to_str().unwrap(), failing.to_str().unwrap());
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["facts", "AAPL", "--as-of", "2016-06-30"], 0),
        (vec!["facts", "AAPL", "--as-of", "2016-06-30", "--json"], 0),
        (vec!["score", "--as-of", "2016-06-30"], 0),
        (vec!["score", "--as-of", "2016-06-30", "--json"], 0),
        (vec!["explain", "AAPL", "--as-of", "2016-06-30"], 0),
        (vec!["explain", "AAPL", "--as-of", "2016-06-30", "--json"], 0),
        (vec!["note", "AAPL", "--as-of", "2016-06-30"], 0),
        (vec!["note", "AAPL", "--as-of", "2016-06-30", "--format", "json"], 0),
        (vec!["check", note], 0),
        (vec!["check", note, "--json"], 0),
        // A failing check keeps exit 1 when its reader stops: a CI gate under
        // `set -o pipefail` must not pass a failing note.
        (vec!["check", failing], 1),
        (vec!["check", failing, "--json"], 1),
        (vec!["check", note, failing], 1),
        (vec!["backtest", "--from", "2015-01-01", "--to", "2016-06-30"], 0),
        (vec!["backtest", "--from", "2015-01-01", "--to", "2016-06-30", "--json"], 0),
        (vec!["verify"], 0),
        (vec!["verify", "--json"], 0),
    ];
    for (args, want) in cases {
        let (code, err) = with_closed_pipe(db, &args, None);
        assert_eq!(code, Some(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // Commands that write: their work is done and their status kept.
    let pubdir = dir.path().join("pub");
    let (code, err) =
        with_closed_pipe(db, &["publish", "--as-of", "2016-06-30", "--out", pubdir.to_str().unwrap()], None);
    assert!(code == Some(0) || code == Some(1), "{err}");
    assert!(pubdir.join("AAPL.md").exists(), "publish wrote its notes before its reader went");
    let copy = dir.path().join("copy.db");
    let (code, err) = with_closed_pipe(
        &copy,
        &["ingest", "--json", data_dir().unwrap().join("market/prices/AAPL_data.csv").to_str().unwrap()],
        None,
    );
    assert_eq!(code, Some(0), "{err}");
    // Commands that need no store.
    let Some(data) = data_dir() else { return };
    let prices = data.join("market/prices/AAPL_data.csv");
    for (args, stdin) in [
        (vec!["parse", "prices", prices.to_str().unwrap()], None),
        (vec!["parse", "prices", prices.to_str().unwrap(), "--json"], None),
        (vec!["tone", "-"], Some("Profit rose sharply.\nSales fell.\n")),
        (vec!["news", "-"], Some("Apple profit rises\n\nApple Inc said on Tuesday its profit rose.")),
    ] {
        let (code, err) = with_closed_pipe(db, &args, stdin);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn two_first_ingests_on_one_new_store_both_succeed() {
    let Some(data) = data_dir() else { return };
    let files = apple_files(&data);
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new.db");
        // The same files twice, and different halves, started together.
        let (a, b): (Vec<&PathBuf>, Vec<&PathBuf>) = if round == 0 {
            (files.iter().collect(), files.iter().collect())
        } else {
            (files.iter().step_by(2).collect(), files.iter().skip(1).step_by(2).collect())
        };
        let spawn = |f: &[&PathBuf]| {
            bin()
                .arg("--db")
                .arg(&db)
                .arg("ingest")
                .args(f)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (pa, pb) = (spawn(&a), spawn(&b));
        for p in [pa, pb] {
            let out = p.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        // Everything is stored once: a third run changes nothing, and the counts
        // are those of one ingest of every file.
        let again = bin().arg("--db").arg(&db).arg("ingest").arg("--json").args(&files).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(v["unchanged"], serde_json::json!(files.len()), "round {round}: {v}");
        let out =
            bin().arg("--db").arg(&db).args(["facts", "AAPL", "--as-of", "2016-06-30", "--json"]).output().unwrap();
        let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(f["fields"]["revenue_ttm"]["value"], serde_json::json!(227_535_000_000.0), "round {round}");
    }
}

#[test]
fn a_writer_that_holds_the_lock_is_named_after_the_timeout() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("locked.db");
    let first =
        bin().arg("--db").arg(&db).arg("ingest").arg(data.join("market/prices/AAPL_data.csv")).output().unwrap();
    assert!(first.status.success());
    // Another alphadesk is writing: its note is beside the store and it holds
    // the write lock.
    let holder = rusqlite_lock(&db);
    // The test process stands in for the writer: its pid is alive.
    let note = format!("sync (pid {}, since 2026-11-29T10:00:00Z)", std::process::id());
    std::fs::write(dir.path().join("locked.db-writer"), &note).unwrap();
    let out = bin()
        .env("ALPHADESK_BUSY_TIMEOUT_MS", "300")
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(data.join("market/prices/MSFT_data.csv"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("busy") && err.contains(&format!("alphadesk {note}")), "{err}");
    // A reader is not blocked by the writer (WAL).
    let read = bin().arg("--db").arg(&db).args(["facts", "AAPL", "--as-of", "2016-06-30"]).output().unwrap();
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    drop(holder);
    // Once the lock is free, the same ingest stores the file; nothing was lost.
    let out = bin().arg("--db").arg(&db).arg("ingest").arg(data.join("market/prices/MSFT_data.csv")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A connection holding a write transaction on `db` until dropped.
fn rusqlite_lock(db: &Path) -> alphadesk_store::Store {
    let s = alphadesk_store::Store::open(db).unwrap();
    s.conn().execute_batch("BEGIN IMMEDIATE; INSERT INTO store_meta (key, value) VALUES ('lock', 1);").unwrap();
    s
}
