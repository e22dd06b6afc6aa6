//! Careless and hostile input at the command line: tickers that try to be paths,
//! raw HTML in names, notes in other languages, byte-order marks, FIFOs, missing
//! paths, oversized articles, a damaged store file. Each case failed before its fix.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Datelike, Duration, NaiveDate, Weekday};

fn alphadesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alphadesk")).arg("--db").arg(db).args(args).output().expect("run alphadesk")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Weekday closes over 2015–2016 on a smooth path.
fn prices(ticker: &str, start: f64, daily: f64) -> String {
    let mut out = String::from("date,open,high,low,close,volume,Name\n");
    let mut d = NaiveDate::from_ymd_opt(2015, 1, 2).unwrap();
    let mut p = start;
    while d <= NaiveDate::from_ymd_opt(2016, 6, 30).unwrap() {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push_str(&format!("{d},{p:.4},{p:.4},{p:.4},{p:.4},1000,{ticker}\n"));
            p *= 1.0 + daily;
        }
        d += Duration::days(1);
    }
    out
}

const HEADER: &str = "\"Ticker symbol\",\"Security\",\"SEC filings\",\"GICS Sector\",\"GICS Sub Industry\",\"Address of Headquarters\",\"Date first added\",\"CIK\"\n";

/// A small market: three industrials, one with `<script>` in its name, and
/// listings and price files whose tickers try to be paths.
fn market(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let listing = format!(
        "{HEADER}\"WID\",\"Widget <script>alert(1)</script> Works\",\"reports\",\"Industrials\",\"Machinery\",\"Ohio\",\"\",\"0000000077\"
\"GAD\",\"Gadget Corp\",\"reports\",\"Industrials\",\"Machinery\",\"Ohio\",\"\",\"0000000078\"
\"GIZ\",\"Gizmo Holdings\",\"reports\",\"Industrials\",\"Machinery\",\"Ohio\",\"\",\"0000000079\"
\"../PWN\",\"Escape Inc\",\"reports\",\"Industrials\",\"Machinery\",\"Ohio\",\"\",\"0000000080\"
\"A/B\",\"Slash Corp\",\"reports\",\"Industrials\",\"Machinery\",\"Ohio\",\"\",\"0000000081\"
"
    );
    std::fs::write(src.join("securities.csv"), listing).unwrap();
    std::fs::write(src.join("WID_data.csv"), prices("WID", 40.0, 0.001)).unwrap();
    std::fs::write(src.join("GAD_data.csv"), prices("GAD", 30.0, 0.0005)).unwrap();
    std::fs::write(src.join("GIZ_data.csv"), prices("GIZ", 20.0, -0.0002)).unwrap();
    std::fs::write(src.join("PWN_data.csv"), prices("../PWN", 10.0, 0.0)).unwrap();
    src
}

#[test]
fn tickers_that_try_to_be_paths_are_refused_and_nothing_escapes_out() {
    let dir = tempfile::tempdir().unwrap();
    let src = market(dir.path());
    let db = dir.path().join("h.db");
    let out = alphadesk(&db, &["ingest", "--verbose", src.to_str().unwrap()]);
    let err = text(&out.stderr);
    // The price file naming `../PWN` fails with its line; the listing rows are
    // skipped with theirs; the rest is stored.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("PWN_data.csv") && err.contains("line 2") && err.contains("Name column"), "{err}");
    assert!(err.contains("securities.csv: line 5") && err.contains("securities.csv: line 6"), "{err}");
    let pubdir = dir.path().join("out");
    let out = alphadesk(
        &db,
        &["publish", "--as-of", "2016-06-30", "--out", pubdir.to_str().unwrap(), "--tickers", "WID,wid,GAD"],
    );
    let stdout = text(&out.stdout);
    // WID asked twice is one note.
    assert!(stdout.contains("notes checked"), "{stdout}{}", text(&out.stderr));
    let written: Vec<String> =
        std::fs::read_dir(&pubdir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(written.iter().filter(|f| f.starts_with("WID.")).count() <= 3, "{written:?}");
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with("PWN"), "{name} escaped the output folder");
    }
    // A hostile ticker on the command line is an input error, not a path.
    let out =
        alphadesk(&db, &["publish", "--as-of", "2016-06-30", "--out", pubdir.to_str().unwrap(), "--tickers", "../PWN"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--tickers"), "{}", text(&out.stderr));
    // Raw HTML in a company name reaches the Markdown note as text.
    let note = alphadesk(&db, &["note", "WID", "--as-of", "2016-06-30"]);
    let md = text(&note.stdout);
    assert!(note.status.success(), "{}", text(&note.stderr));
    assert!(!md.contains("<script>") && md.contains("&lt;script&gt;"), "{md}");
}

#[test]
fn notes_in_other_languages_fail_and_a_bom_hides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = market(dir.path());
    let db = dir.path().join("h.db");
    alphadesk(&db, &["ingest", src.to_str().unwrap()]);
    let out = alphadesk(&db, &["note", "GAD", "--as-of", "2016-06-30"]);
    let md = text(&out.stdout);
    let (front, _) = md.split_once("\n---\n").unwrap();
    let write = |name: &str, body: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    for (lang, body) in [
        ("Spanish", "El precio de la acción de Gadget Corp (GAD) está garantizado para duplicarse este año. Compre ahora, la empresa es la mejor del sector y no hay ningún riesgo para el inversor que compre hoy."),
        ("Chinese", "Gadget Corp (GAD) 的股价保证在今年翻倍。现在就买入，这是一个没有任何风险的投资机会，适合所有投资者。"),
    ] {
        let p = write(&format!("{lang}.md"), format!("{front}\n---\n\n# GAD\n\n{body}\n\nEducational coverage, not personalized advice.\n"));
        let out = alphadesk(&db, &["check", p.to_str().unwrap()]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
        assert!(stdout.contains("[language") && stdout.contains(lang), "{stdout}");
    }
    // The composed note, saved with a byte-order mark, still passes: its front
    // matter is read.
    let p = write("bom.md", format!("\u{feff}{md}"));
    let out = alphadesk(&db, &["check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn fifos_and_missing_paths_do_not_stop_an_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let src = market(dir.path());
    let fifo = src.join("pipe.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let db = dir.path().join("h.db");
    let missing = dir.path().join("no-such-folder");
    let out = alphadesk(&db, &["ingest", "--json", missing.to_str().unwrap(), src.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The missing path is a failure with its name; the FIFO is skipped with why;
    // the rest is stored.
    assert_eq!(out.status.code(), Some(1));
    let failed = v["failed"].as_array().unwrap();
    assert!(failed.iter().any(|f| f["path"].as_str().unwrap().contains("no-such-folder")), "{v}");
    let reports = v["reports"].as_array().unwrap();
    let pipe = reports.iter().find(|r| r["path"].as_str().unwrap().ends_with("pipe.csv")).unwrap();
    assert_eq!(pipe["outcome"], "skipped");
    assert!(pipe["reason"].as_str().unwrap().contains("not a regular file"));
    assert!(v["stored"]["prices"][0].as_u64().unwrap() >= 3, "{v}");
}

#[test]
fn read_only_commands_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo.db");
    for args in [
        vec!["facts", "AAPL", "--as-of", "2016-06-30"],
        vec!["score", "--as-of", "2016-06-30"],
        vec!["explain", "AAPL", "--as-of", "2016-06-30"],
        vec!["verify"],
    ] {
        let out = alphadesk(&db, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("no store here"), "{args:?}: {}", text(&out.stderr));
        assert!(!db.exists(), "{args:?} created {}", db.display());
    }
}

#[test]
fn an_oversized_article_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let src = market(dir.path());
    let db = dir.path().join("h.db");
    alphadesk(&db, &["ingest", src.to_str().unwrap()]);
    let big = dir.path().join("big.txt");
    std::fs::write(&big, format!("Gadget Corp news\n\n{}", "Gadget Corp said sales rose. ".repeat(40_000))).unwrap();
    let out = alphadesk(&db, &["news", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("byte limit"), "{}", text(&out.stderr));
}

#[test]
fn a_damaged_store_is_found_and_rebuilt_from_its_sources() {
    let dir = tempfile::tempdir().unwrap();
    let src = market(dir.path());
    let db = dir.path().join("h.db");
    alphadesk(&db, &["ingest", src.to_str().unwrap()]);
    let before = text(&alphadesk(&db, &["score", "--as-of", "2016-06-30", "--json"]).stdout);
    assert!(!before.is_empty());
    assert_eq!(alphadesk(&db, &["verify"]).status.code(), Some(0));
    // The price table's first page overwritten with garbage (4 KiB in the
    // middle of the file, as this test first did, may land in an empty page's
    // unused half, which no check reads).
    let (root, page): (i64, i64) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        let root =
            conn.query_row("SELECT rootpage FROM sqlite_master WHERE name = 'prices'", [], |r| r.get(0)).unwrap();
        (root, conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap())
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let first = ((root - 1) * page) as usize;
    for b in &mut bytes[first..first + page as usize] {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = alphadesk(&db, &["verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("damaged"), "{}", text(&out.stdout));
    let out = alphadesk(&db, &["verify", "--rebuild"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(alphadesk(&db, &["verify"]).status.code(), Some(0));
    let after = text(&alphadesk(&db, &["score", "--as-of", "2016-06-30", "--json"]).stdout);
    assert_eq!(before, after, "the rebuilt store scores as before");
    assert!(std::fs::read_dir(dir.path()).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains("damaged")));
}
