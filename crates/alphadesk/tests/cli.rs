//! The command line end to end: exit codes, messages, JSON shapes, and a real
//! process killed mid-ingest.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use alphadesk_testkit::data_dir;

fn alphadesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alphadesk")).arg("--db").arg(db).args(args).output().expect("run alphadesk")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn ingest_reports_bad_files_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("ABC_data.csv"), "date,open,high,low,close,volume,Name\n2014-01-02,1,2,0.5,1.5,100,ABC\n")
        .unwrap();
    std::fs::write(src.join("bad.json"), "{\"cik\": 1, \"entityName\": \"x\", \"facts\": {\"dei\": ").unwrap();
    std::fs::write(src.join("README.md"), "# not data").unwrap();
    let db = dir.path().join("t.db");
    let out = alphadesk(&db, &["ingest", src.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a failed file makes the exit status non-zero");
    let err = text(&out.stderr);
    assert!(err.contains("bad.json") && err.contains("truncated JSON") && err.contains("line 1"), "{err}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("stored prices") && stdout.contains("FAILED"), "{stdout}");

    std::fs::remove_file(src.join("bad.json")).unwrap();
    let again = alphadesk(&db, &["ingest", src.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(text(&again.stdout).contains("nothing changed"), "{}", text(&again.stdout));
}

#[test]
fn parse_prints_the_documented_shapes() {
    let Some(data) = data_dir() else { return };
    let db = tempfile::tempdir().unwrap();
    let f4 = data.join("sec/form4/form4_AAPL_0000320193-22-000061.txt");
    let out = alphadesk(&db.path().join("x.db"), &["parse", "form4", f4.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in ["form_type", "issuer", "reporting_owners", "period_of_report", "transactions", "footnotes"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    let t = &v["transactions"][0];
    for k in [
        "table",
        "security_title",
        "date",
        "code",
        "shares",
        "price",
        "acquired_disposed",
        "shares_owned_after",
        "ownership",
        "footnotes",
    ] {
        assert!(t.get(k).is_some(), "missing transactions[0].{k}");
    }
    assert_eq!(t["shares"], serde_json::json!(9136.0));
    assert_eq!(v["issuer"]["cik"], "0000320193");

    let t13 = data.join("sec/13f/13F-HR_Bull_Street_Advisors_LLC_0001790837-23-000002.txt");
    let out = alphadesk(&db.path().join("x.db"), &["parse", "13f", t13.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in ["manager", "period", "holdings", "total_value_usd"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["total_value_usd"], serde_json::json!(192767000.0));

    let out = alphadesk(&db.path().join("x.db"), &["parse", "nonsense", t13.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown kind"));
}

#[test]
fn facts_json_and_unknown_ticker() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let out = alphadesk(
        &db,
        &[
            "ingest",
            data.join("market/securities/securities.csv").to_str().unwrap(),
            data.join("market/prices/AAPL_data.csv").to_str().unwrap(),
            data.join("sec/companyfacts/CIK0000320193.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = alphadesk(&db, &["facts", "AAPL", "--as-of", "2016-06-30", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ticker"], "AAPL");
    assert_eq!(v["as_of"], "2016-06-30");
    let rev = &v["fields"]["revenue_ttm"];
    for k in ["value", "unit", "concept", "period_start", "period_end", "filed", "source"] {
        assert!(rev.get(k).is_some(), "missing fields.revenue_ttm.{k}");
    }
    assert_eq!(rev["value"], serde_json::json!(227535000000.0));
    let out = alphadesk(&db, &["facts", "NOPE", "--as-of", "2016-06-30"]);
    assert_eq!(out.status.code(), Some(2));
    let out = alphadesk(&db, &["facts", "AAPL", "--as-of", "June"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Kills a real ingest part way, then checks the store is sound and that a rerun
/// finishes with exactly what an uninterrupted run stores.
#[test]
fn killed_ingest_leaves_a_consistent_store_and_rerun_completes() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let prices = data.join("market/prices");
    let db = dir.path().join("killed.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_alphadesk"))
        .arg("--db")
        .arg(&db)
        .args(["ingest", prices.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some files are in, then kill mid-run.
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let n = alphadesk_store::Store::open(&db).ok().and_then(|s| s.counts().ok()).map(|c| c.sources).unwrap_or(0);
        if n >= 20 || started.elapsed().as_secs() > 120 {
            break;
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    let partial = alphadesk_store::Store::open(&db).unwrap();
    partial.check_integrity().unwrap();
    let mid = partial.counts().unwrap();
    assert!(mid.sources < 401, "the ingest finished before it could be killed; nothing was tested");
    drop(partial);
    // Every recorded source is complete: its row count equals the rows it owns.
    let s = alphadesk_store::Store::open(&db).unwrap();
    let mismatched: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM sources s WHERE s.rows <> (SELECT count(*) FROM prices p WHERE p.source_id = s.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mismatched, 0, "a partly written file is visible after the kill");
    drop(s);

    let rerun = alphadesk(&db, &["ingest", prices.to_str().unwrap()]);
    assert!(rerun.status.success(), "{}", text(&rerun.stderr));
    let clean_db = dir.path().join("clean.db");
    let clean = alphadesk(&clean_db, &["ingest", prices.to_str().unwrap()]);
    assert!(clean.status.success());
    let a = alphadesk_store::Store::open(&db).unwrap().counts().unwrap();
    let b = alphadesk_store::Store::open(&clean_db).unwrap().counts().unwrap();
    assert_eq!(a, b, "killed ({status:?} after {} sources) + rerun must equal a clean run", mid.sources);
}

/// A small real store: three energy stocks and Apple, with the listing and
/// fundamentals tables and Apple's XBRL facts, plus `extra` files.
fn small_store(data: &Path, db: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["ingest".to_string()];
    for rel in [
        "market/securities/securities.csv",
        "market/fundamentals/fundamentals.csv",
        "market/prices/XOM_data.csv",
        "market/prices/CVX_data.csv",
        "market/prices/OXY_data.csv",
        "market/prices/AAPL_data.csv",
        "sec/companyfacts/CIK0000320193.json",
    ]
    .iter()
    .chain(extra)
    {
        args.push(data.join(rel).to_string_lossy().into_owned());
    }
    let out = alphadesk(db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", text(&out.stderr));
    db.to_path_buf()
}

/// `score`, `explain` and `score --history` on a small real store (three energy
/// stocks plus Apple, with the listing and fundamentals tables).
#[test]
fn score_explain_and_history() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = small_store(&data, &dir.path().join("s.db"), &[]);

    let out = alphadesk(&db, &["score", "--as-of", "2016-06-30", "--json", "--sector", "Energy"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let recs: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(recs.iter().map(|r| r["ticker"].as_str().unwrap()).collect::<Vec<_>>(), ["CVX", "OXY", "XOM"]);
    for r in &recs {
        for k in ["ticker", "name", "sector", "alpha_score", "category", "pillars", "coverage"] {
            assert!(r.get(k).is_some(), "missing {k}");
        }
        for p in ["momentum", "value", "quality", "sentiment"] {
            assert!(r["pillars"][p].get("score").is_some() && r["pillars"][p].get("label").is_some());
        }
    }
    // Three stocks in a sector: ranks 0, 50, 100 on a pillar without ties.
    let mut mom: Vec<i64> = recs.iter().filter_map(|r| r["pillars"]["momentum"]["score"].as_i64()).collect();
    mom.sort();
    assert_eq!(mom, [0, 50, 100]);

    let out = alphadesk(&db, &["explain", "AAPL", "--as-of", "2016-06-30"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    let first = t.lines().next().unwrap();
    assert!(first.starts_with("Alpha Score of ") && first.contains(" overall profile with "), "{first}");
    assert!(t.lines().nth(1).unwrap().starts_with("alphadesk tracks Apple Inc. (AAPL) with an Alpha Score of "));
    assert!(t.contains("AAPL_data.csv line 765"), "the 2016-06-01 close is cited by line:\n{t}");
    assert!(t.contains("accession 0001193125-16-559625"), "the 10-Q behind the TTM figures is cited");

    let csv = dir.path().join("panel.csv");
    let out = alphadesk(
        &db,
        &["score", "--history", "2015-01-01..2015-12-31", "--every", "month", "--out", csv.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = body.lines().collect();
    assert!(rows[0].starts_with("date,ticker,sector,alpha_score,momentum,value,quality,sentiment,coverage,mom_12_1"));
    assert_eq!(rows.len(), 1 + 12 * 4, "twelve month ends, four tickers");
    assert!(rows[1].starts_with("2015-01-30,"), "{}", rows[1]);

    let out = alphadesk(&db, &["score", "--as-of", "2009-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("before the store's first trading day"), "{}", text(&out.stderr));
    let out = alphadesk(&db, &["score", "--as-of", "2016-06-30", "--config", "/nonexistent.toml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn tone_reads_lines_and_refuses_binary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let f = dir.path().join("s.txt");
    // latin-1 bytes (not UTF-8) are decoded, not rejected.
    std::fs::write(&f, b"Operating profit rose 34.9 % .\nSepp\xe4l\xe4 cut its outlook .\n\n").unwrap();
    let out = alphadesk(&db, &["tone", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["label"], "positive");
    assert_eq!(lines[1]["label"], "negative");
    assert!(lines[1]["evidence"][0]["text"].as_str().unwrap().contains("cut its outlook"));

    std::fs::write(&f, b"").unwrap();
    let out = alphadesk(&db, &["tone", f.to_str().unwrap()]);
    assert!(out.status.success() && out.stdout.is_empty());
    std::fs::write(&f, b"\x00\x01binary").unwrap();
    let out = alphadesk(&db, &["tone", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("binary"));
    let big = "Sales rose. ".repeat(1_000_000);
    std::fs::write(&f, big).unwrap();
    let out = alphadesk(&db, &["tone", f.to_str().unwrap()]);
    assert!(out.status.success(), "a 12 MB line is scored, not a crash");
    let out = alphadesk(&db, &["tone", "--model", f.to_str().unwrap(), "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not an alphadesk tone model"));
}

/// `alphadesk news` over real Reuters articles and a hand-made one with the ALL trap.
#[test]
fn news_links_on_evidence_only() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("n.db");
    let out = alphadesk(&db, &["ingest", data.join("market").to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The failure that motivates the linker: an article about chip rules that says "all".
    let article = dir.path().join("chips.txt");
    std::fs::write(
        &article,
        "# New export rules hit chip makers\n\nAll chip makers face new export rules, officials said on Monday. \
         Nvidia Corp shares fell 3 percent. The rules take effect over the next 30 days.",
    )
    .unwrap();
    let out = alphadesk(&db, &["news", article.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in ["id", "links", "tone", "entity_tone", "takeaways", "watch"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    let tickers: Vec<&str> = v["links"].as_array().unwrap().iter().map(|l| l["ticker"].as_str().unwrap()).collect();
    assert_eq!(tickers, ["NVDA"], "All is a word, not Allstate");
    assert_eq!(v["links"][0]["evidence"], "Nvidia");
    assert!(v["watch"][0]["text"].as_str().unwrap().contains("next 30 days"));

    // JSON Lines in, one line out per article, ids echoed in order.
    let jsonl = dir.path().join("r.jsonl");
    let all = std::fs::read_to_string(data.join("text/news/reuters_2010_2012_companies.jsonl")).unwrap();
    let lines: Vec<&str> = all.lines().take(20).collect();
    std::fs::write(&jsonl, lines.join("\n") + "\nnot json\n").unwrap();
    let out = alphadesk(&db, &["news", jsonl.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a bad line is reported and the rest is read");
    assert!(text(&out.stderr).contains("line 21"));
    let results: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results.len(), 20);
    for (r, l) in results.iter().zip(&lines) {
        let input: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(r["id"], input["id"]);
    }
    // The first article is about Kraft's 2010 bid for Cadbury: Kraft Foods is not
    // today's Kraft Heinz, so it must not link to KHC; Hershey is named and links.
    let first: Vec<&str> =
        results[0]["links"].as_array().unwrap().iter().map(|l| l["ticker"].as_str().unwrap()).collect();
    assert!(!first.contains(&"KHC"), "{first:?}");
    assert!(first.contains(&"HSY"), "{first:?}");

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    assert_eq!(alphadesk(&db, &["news", empty.to_str().unwrap()]).status.code(), Some(2));
}

#[test]
fn news_survives_hostile_input() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let out = alphadesk(
        &db,
        &[
            "ingest",
            data.join("market/securities/securities.csv").to_str().unwrap(),
            data.join("market/prices/AAPL_data.csv").to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let f = dir.path().join("a.txt");
    std::fs::write(&f, b"\x00\x01\x02binary").unwrap();
    let out = alphadesk(&db, &["news", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("binary"));
    // 1 MB in one sentence of a common-word name with the only company word at the
    // end: each candidate needs the sentence's context, which must be counted once,
    // not rescanned per candidate.
    let mut big = b"Apple ".repeat(170_000);
    big.extend(b"shares");
    std::fs::write(&f, &big).unwrap();
    let started = std::time::Instant::now();
    let out = alphadesk(&db, &["news", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["links"][0]["ticker"], "AAPL");
    assert!(started.elapsed().as_secs() < 120, "a 1 MB article must not take minutes");
    // Past the article limit, refused before it is read.
    big = b"Apple ".repeat(1_700_000);
    std::fs::write(&f, &big).unwrap();
    let out = alphadesk(&db, &["news", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("byte limit"), "{}", text(&out.stderr));
    // Invalid UTF-8 (latin-1) is decoded, not rejected.
    std::fs::write(&f, b"Sepp\xe4l\xe4 news\n\nApple Inc. said sales rose.").unwrap();
    let out = alphadesk(&db, &["news", f.to_str().unwrap()]);
    assert!(out.status.success());
}

/// The README's first command, on a small data folder linked from the shared data:
/// the market files and Apple's XBRL facts (news and posts left out for speed).
#[test]
fn demo_runs_end_to_end() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("data");
    std::fs::create_dir_all(small.join("sec/companyfacts")).unwrap();
    std::os::unix::fs::symlink(data.join("market"), small.join("market")).unwrap();
    std::os::unix::fs::symlink(
        data.join("sec/companyfacts/CIK0000320193.json"),
        small.join("sec/companyfacts/CIK0000320193.json"),
    )
    .unwrap();
    let db = dir.path().join("demo.db");
    let out = alphadesk(&db, &["demo", "--no-serve", "--data", small.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}\n{stdout}", text(&out.stderr));
    assert!(stdout.contains("stored prices          401 files     491282 rows"), "{stdout}");
    assert!(stdout.contains("split factor 7"), "Apple's market cap across the split:\n{stdout}");
    assert!(stdout.contains("== Alpha Score as of 2017-03-31"));
    let tracks = stdout.lines().filter(|l| l.contains("alphadesk tracks ")).count();
    let profiles = stdout.lines().filter(|l| l.trim_start().starts_with("Alpha Score of ")).count();
    assert_eq!((tracks, profiles), (20, 20), "ten highest and ten lowest, two sentences each");
    assert!(stdout.contains("rank IC alpha_score"), "the backtest of record is printed beside the scores");
    assert!(dir.path().join("alphadesk-report/README.md").is_file(), "the report lands beside the store");
    assert!(stdout.contains("== Research notes as of 2017-03-31"), "{stdout}");
    assert!(stdout.contains("notes checked (100.0% pass), 0 failed"), "every composed note passes:\n{stdout}");
    assert!(dir.path().join("alphadesk-notes/AAPL.md").is_file(), "published notes land beside the store");
    // A second run ingests nothing new.
    let again = alphadesk(&db, &["demo", "--no-serve", "--data", small.to_str().unwrap()]);
    assert!(text(&again.stdout).contains("nothing changed"));
}

/// `note`, `check` and `publish` on a small real store: formats, exit codes
/// (0 pass, 1 a rule failed, 2 usage or input error) and the published files.
#[test]
fn note_check_and_publish() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = small_store(&data, &dir.path().join("n.db"), &["sec/submissions/CIK0000320193.json"]);

    let out = alphadesk(&db, &["note", "AAPL", "--as-of", "2016-06-30"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.starts_with("---\nticker: AAPL\n"), "{md}");
    for part in ["## Key takeaways", "■ ", "## Watch for:", "## Sources", "accession 0001193125-16-559625"] {
        assert!(md.contains(part), "missing {part}:\n{md}");
    }
    assert!(md.trim_end().ends_with("Educational coverage, not personalized advice."));
    let note = dir.path().join("AAPL.md");
    std::fs::write(&note, &md).unwrap();

    // The note passes; --as-of comes from its front matter when not given.
    let out = alphadesk(&db, &["check", note.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!((v["passed"].as_bool(), v["subject"].as_str()), (Some(true), Some("AAPL")));

    // One fault: exit 1 and a violation that names rule, line and column.
    let bad = dir.path().join("bad.md");
    std::fs::write(&bad, md.replace("Educational coverage, not personalized advice.", "Read this.")).unwrap();
    let out = alphadesk(&db, &["check", bad.to_str().unwrap(), "--as-of", "2016-06-30", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["passed"], false);
    let x = &v["violations"][0];
    assert_eq!(x["rule"], "disclaimer");
    assert!(x["line"].as_u64().unwrap() > 1 && x["column"].as_u64().unwrap() == 1, "{x}");
    let out = alphadesk(&db, &["check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(": error [disclaimer] the disclaimer"), "{}", text(&out.stdout));

    // Several notes, and folders of them, each against its own date: JSON lines
    // name the file; one failure makes exit 1, one unreadable file exit 2 (the
    // others are still checked).
    let out = alphadesk(&db, &["check", note.to_str().unwrap(), bad.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0]["passed"].as_bool(), lines[1]["passed"].as_bool()), (Some(true), Some(false)));
    assert!(lines[1]["file"].as_str().unwrap().ends_with("bad.md"));
    let out = alphadesk(&db, &["check", dir.path().to_str().unwrap(), "/nonexistent/x.md", "--as-of", "2016-06-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/x.md"), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("AAPL.md: passed") && text(&out.stdout).contains("bad.md: FAILED"));
    assert!(
        text(&out.stdout).contains("checked 3 notes: 1 passed, 1 failed, 1 could not be checked"),
        "{}",
        text(&out.stdout)
    );

    // Usage and input errors: exit 2 with a message naming the problem.
    let out = alphadesk(&db, &["check", "/nonexistent/note.md", "--as-of", "2016-06-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/note.md"));
    let undated = dir.path().join("undated.md");
    std::fs::write(&undated, "Apple Inc. (AAPL) shares rose.\n").unwrap();
    let out = alphadesk(&db, &["check", undated.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--as-of"), "{}", text(&out.stderr));
    let nobody = dir.path().join("nobody.md");
    std::fs::write(&nobody, "Shares rose.\n").unwrap();
    // A note about no company in the universe is checked as such: a verdict
    // (here: no sources, no disclaimer), not an input error.
    let out = alphadesk(&db, &["check", nobody.to_str().unwrap(), "--as-of", "2016-06-30"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("error [sources]") && stdout.contains("error [disclaimer]"), "{stdout}");
    assert!(stdout.contains("FAILED (no subject in the universe on 2016-06-30"), "{stdout}");
    let binary = dir.path().join("binary.md");
    std::fs::write(&binary, b"\xff\xfe\x00 not text").unwrap();
    let out = alphadesk(&db, &["check", binary.to_str().unwrap(), "--as-of", "2016-06-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not UTF-8"), "{}", text(&out.stderr));

    // HTML and JSON forms, and --out.
    let html = dir.path().join("AAPL.html");
    let out =
        alphadesk(&db, &["note", "AAPL", "--as-of", "2016-06-30", "--format", "html", "--out", html.to_str().unwrap()]);
    assert!(out.status.success() && out.stdout.is_empty());
    assert!(std::fs::read_to_string(&html).unwrap().starts_with("<!doctype html>"));
    let out = alphadesk(&db, &["note", "aapl", "--as-of", "2016-06-30", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["ticker"], "AAPL");
    let out = alphadesk(&db, &["note", "NOPE", "--as-of", "2016-06-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("NOPE"));

    // publish: every scored ticker, only passing notes written, a summary line.
    let pubdir = dir.path().join("pub");
    let out = alphadesk(&db, &["publish", "--as-of", "2016-06-30", "--out", pubdir.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("published 4 of 4 notes checked (100.0% pass), 0 failed"), "{stdout}");
    for t in ["AAPL", "CVX", "OXY", "XOM"] {
        for ext in ["md", "html", "json"] {
            assert!(pubdir.join(format!("{t}.{ext}")).is_file(), "{t}.{ext}");
        }
    }
    let out = alphadesk(
        &db,
        &["publish", "--as-of", "2016-06-30", "--tickers", "XOM,NOPE", "--out", pubdir.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "a ticker asked for by name that cannot be composed fails the run");
    assert!(text(&out.stdout).contains("NOPE: not composed"), "{}", text(&out.stdout));
    // A stricter rule set that fails a note withdraws the copy published before.
    let strict = dir.path().join("strict.toml");
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/default.toml")).unwrap();
    std::fs::write(
        &strict,
        rules.replace("Educational coverage, not personalized advice.", "A disclaimer no note has."),
    )
    .unwrap();
    let (strict, out_dir) = (strict.to_str().unwrap(), pubdir.to_str().unwrap());
    let out =
        alphadesk(&db, &["publish", "--as-of", "2016-06-30", "--tickers", "XOM", "--rules", strict, "--out", out_dir]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("error [disclaimer]"), "{}", text(&out.stdout));
    assert!(!pubdir.join("XOM.md").exists() && !pubdir.join("XOM.html").exists(), "withdrawn");
    assert!(pubdir.join("CVX.md").exists(), "other tickers' notes stay");
}

/// The questions a reader asks at a terminal: find a ticker, screen, compare,
/// one ticker's history, its news; `--as-of` defaults to the latest date and
/// says so.
#[test]
fn search_screen_compare_history_and_news_from_the_command_line() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = small_store(&data, &dir.path().join("q.db"), &[]);
    let news = Path::new(env!("CARGO_MANIFEST_DIR")).join("../http/tests/fixtures/apple_news.jsonl");
    let out =
        Command::new(env!("CARGO_BIN_EXE_alphadesk")).arg("--db").arg(&db).arg("ingest").arg(&news).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = alphadesk(&db, &["search", "exxon", "mobil"]);
    assert!(out.status.success() && text(&out.stdout).starts_with("XOM"), "{}", text(&out.stdout));
    let out = alphadesk(&db, &["search", "no", "such", "company"]);
    assert_eq!(out.status.code(), Some(1));

    let out = alphadesk(&db, &["screen", "--as-of", "2017-12-29", "--sector", "Energy", "--sort", "momentum"]);
    let t = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(t.contains("XOM") && t.contains("matching tickers as of 2017-12-29"), "{t}");
    let out = alphadesk(&db, &["screen", "--min-momentum", "101"]);
    assert_eq!(out.status.code(), Some(2), "a threshold over 100 is a usage error");

    let out = alphadesk(&db, &["compare", "XOM", "CVX", "--as-of", "2018-04-30", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 2);
    assert!(v["rows"][0]["explanation"].as_str().unwrap().contains("Alpha Score"));

    let out = alphadesk(&db, &["score", "--ticker", "AAPL", "--history", "2017-01-01..2017-12-31", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 12, "a month end each");
    assert!(lines.iter().all(|l| l["ticker"] == "AAPL" && l["alpha_score"].is_u64()));
    // The same months as the panel the API and MCP give.
    let out = alphadesk(&db, &["score", "--ticker", "AAPL"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("the latest date in the store"), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("AAPL"));
    let out = alphadesk(&db, &["score", "--ticker", "ZZZZ", "--as-of", "2018-04-30"]);
    assert!(!out.status.success() && text(&out.stderr).contains("ZZZZ"), "{}", text(&out.stderr));

    let out = alphadesk(&db, &["news", "--ticker", "AAPL"]);
    let t = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(t.contains("Apple shares rise as iPhone sales beat estimates"), "{t}");
    assert!(!t.contains("Microsoft cloud revenue"), "a passing mention is not news about Apple: {t}");
    let out = alphadesk(&db, &["news", "--ticker", "AAPL", "--min-relevance", "0", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["matching"], 3);
}
