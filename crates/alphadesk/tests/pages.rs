//! The pages as a reader meets them: `alphadesk serve` on a real store with
//! news, every main page rendered by headless chromium at a desktop and a phone
//! width (tests/browser/measure.mjs drives it over the DevTools protocol), and
//! what the reader would notice measured in the DOM — a page wider than the
//! phone, the store's path, an accessibility violation axe-core rates serious or
//! critical — plus what each page must show: search that finds a company, a
//! stock's articles and stories, a labelled score history, what moved the
//! score, a screener that agrees with `score --json`, stocks side by side.
//!
//! Screenshots of every page at both widths are kept under the target
//! directory (`screenshots/pages/`) to look at.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{bin, required_tool, run_bounded, Server};

/// The date the pages are read at: every pillar has data on it, and the
/// Reuters headline records cover the month before.
const DATE: &str = "2017-03-31";
const WIDTHS: [u32; 2] = [1366, 390];

/// The small store and the 2013-2018 Reuters headline-and-lead records.
fn store_with_news(dir: &Path) -> Option<PathBuf> {
    let data = alphadesk_testkit::data_dir()?;
    let db = dir.join("pages.db");
    let mut files: Vec<PathBuf> = alphadesk_testkit::SMALL_STORE_FILES.iter().map(|r| data.join(r)).collect();
    files.push(data.join("text/news/reuters_leads_2013_2018.jsonl"));
    let out = bin().arg("--db").arg(&db).arg("ingest").args(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(db)
}

/// axe-core as `.ci/run` installs it (npm ci in tests/browser).
fn axe_installed() -> bool {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js");
    if here.exists() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "axe-core is not installed in tests/browser (.ci/run installs it)");
    eprintln!("skipping: axe-core is not installed (npm ci --prefix crates/alphadesk/tests/browser)");
    false
}

struct Rendered {
    name: String,
    width: u64,
    value: serde_json::Value,
}

impl Rendered {
    fn text(&self) -> &str {
        self.value["text"].as_str().unwrap_or_default()
    }
    fn html(&self) -> &str {
        self.value["html"].as_str().unwrap_or_default()
    }
}

fn render(chromium: &Path, server: &Server, pages: &[(&str, String)], shots: &Path) -> Vec<Rendered> {
    let jobs: Vec<serde_json::Value> = pages
        .iter()
        .flat_map(|(name, path)| {
            WIDTHS.map(|w| serde_json::json!({"name": name, "url": server.url(path), "width": w, "axe": true}))
        })
        .collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/measure.mjs");
    let jobs_file = shots.join("jobs.json");
    std::fs::write(&jobs_file, serde_json::to_vec(&jobs).unwrap()).unwrap();
    let mut cmd = Command::new("node");
    cmd.arg(&script).arg(chromium).arg(shots).stdin(std::fs::File::open(&jobs_file).unwrap()).stderr(Stdio::piped());
    let out = run_bounded(&mut cmd, Duration::from_secs(300));
    assert!(out.status.success(), "measure.mjs failed: {}", String::from_utf8_lossy(&out.stderr));
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("measure.mjs answers JSON");
    assert_eq!(results.len(), jobs.len(), "every page was rendered");
    results
        .into_iter()
        .map(|v| Rendered {
            name: v["name"].as_str().unwrap().to_string(),
            width: v["width"].as_u64().unwrap(),
            value: v,
        })
        .collect()
}

#[test]
fn pages_read_well_on_a_phone_and_a_desktop() {
    let Some(chromium) = required_tool(&["chromium", "chromium-browser", "google-chrome"]) else { return };
    if required_tool(&["node"]).is_none() || !axe_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = store_with_news(dir.path()) else { return };
    let server = Server::start(&["--db", db.to_str().unwrap(), "serve", "--addr", "127.0.0.1:0"]);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots/pages");
    std::fs::create_dir_all(&shots).unwrap();

    // A story of the month, as the stories index links it.
    let index = server.get(&format!("/stories?as_of={DATE}")).text();
    let story = index.split("href=\"/stories/").nth(1).and_then(|s| s.split('"').next()).expect("a story on the index");
    let note = server.get(&format!("/notes?as_of={DATE}")).text();
    let note = note.split("href=\"/notes/").nth(1).and_then(|s| s.split('"').next()).expect("a note on the index");
    let pages: Vec<(&str, String)> = vec![
        ("leaderboard", format!("/?as_of={DATE}")),
        ("stock", format!("/t/AAPL?as_of={DATE}")),
        ("screen", format!("/screen?as_of={DATE}&min_momentum=40")),
        ("stories", format!("/stories?as_of={DATE}")),
        ("validation", "/validation".to_string()),
        ("search", "/search?q=apple".to_string()),
        ("story", format!("/stories/{story}")),
        ("notes", format!("/notes?as_of={DATE}")),
        ("note", format!("/notes/{note}")),
        ("themes", format!("/themes?to={DATE}")),
        ("methodology", "/methodology".to_string()),
        ("latest", "/t/XOM".to_string()),
        ("compare", format!("/compare?tickers=AAPL,MSFT,XOM&as_of={DATE}")),
    ];
    let rendered = render(&chromium, &server, &pages, &shots);

    let store_dir = dir.path().to_string_lossy().into_owned();
    for r in &rendered {
        let v = &r.value;
        eprintln!("screenshot: {}", v["screenshot"].as_str().unwrap_or_default());
        assert!(!r.text().contains("There is no page here"), "{} at {}: not a page", r.name, r.width);
        assert!(
            v["scrollWidth"].as_u64() <= v["viewport"].as_u64() && v["wide"].as_array().is_some_and(|w| w.is_empty()),
            "{} at {} px overflows: page {} px wide in a {} px viewport; elements past the edge: {}",
            r.name,
            r.width,
            v["scrollWidth"],
            v["viewport"],
            v["wide"]
        );
        assert!(!r.html().contains(&store_dir), "{} names the store's path", r.name);
        let serious: Vec<&serde_json::Value> = v["violations"]
            .as_array()
            .expect("axe ran")
            .iter()
            .filter(|x| matches!(x["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        assert!(serious.is_empty(), "{} at {} px: axe-core finds {serious:#?}", r.name, r.width);
    }
    let page = |name: &str| rendered.iter().find(|r| r.name == name && r.width == 1366).unwrap();

    // Search finds the company by a word of its name, and a ticker goes straight to its page.
    assert!(page("search").html().contains("href=\"/t/AAPL\""), "search for apple lists AAPL");
    let exact = server.get("/search?q=aapl");
    assert_eq!((exact.status, exact.header("location")), (303, Some("/t/AAPL")), "an exact ticker goes to its page");
    let near = server.get("/search?q=micrsoft").text();
    assert!(near.contains("Did you mean") && near.contains("href=\"/t/MSFT\""), "a near miss is offered: {near}");

    // The stock page: its articles, its stories, a labelled history, what moved.
    let stock = page("stock");
    let news = stock.html().split("id=\"news\"").nth(1).unwrap_or_default();
    assert!(news.matches("<li>").count() >= 3, "the stock page lists its articles");
    let stories = stock.html().split("id=\"stories\"").nth(1).unwrap_or_default();
    assert!(stories.contains("href=\"/stories/"), "the stock page links the stories it is a subject of");
    let months = stock.html().matches("class=\"tick month\"").count();
    assert!(months >= 8, "the score history labels its months ({months})");
    assert!(stock.html().matches("class=\"tick\"").count() >= 5, "and its score axis");
    let change = server.get(&format!("/api/v1/tickers/AAPL/change?as_of={DATE}")).json();
    let moved = &change["metrics"][0];
    let (before, after) = (moved["raw_before"].as_f64(), moved["raw_after"].as_f64());
    assert!(before.is_some() && after.is_some(), "the largest move has both values: {moved}");
    let panel = stock.html().split("id=\"change\"").nth(1).unwrap_or_default();
    assert!(panel.contains(moved["title"].as_str().unwrap()), "the panel names {}", moved["title"]);
    assert!(stock.text().contains(&change["summary"].as_str().unwrap()[..40]), "and says what moved in words");

    // A watchlist is a comparison kept in its address: every ticker a row, linked.
    let compare = page("compare");
    for t in ["AAPL", "MSFT", "XOM"] {
        assert!(compare.html().contains(&format!("href=\"/t/{t}?as_of={DATE}\"")), "compare lists {t}");
    }
    assert!(stock.html().contains("href=\"/compare?tickers=AAPL"), "the stock page compares its peers");

    // The screener's set is the one an independent filter of `score --json` gives.
    let out = bin().args(["--db", db.to_str().unwrap(), "score", "--as-of", DATE, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut expected: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["pillars"]["momentum"]["score"].as_u64().is_some_and(|m| m >= 40))
        .map(|r| r["ticker"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    let screen = page("screen").html().to_string();
    let mut shown: Vec<String> = screen
        .split("<th scope=\"row\"><a href=\"/t/")
        .skip(1)
        .map(|s| s.split('?').next().unwrap().to_string())
        .collect();
    shown.sort();
    assert!(!expected.is_empty() && expected.len() < 6, "the filter keeps some and drops some: {expected:?}");
    assert_eq!(shown, expected, "the screener's stocks are score --json's with momentum at least 40");
    let csv = server.get(&format!("/screen?as_of={DATE}&min_momentum=40&format=csv"));
    assert_eq!(csv.text().lines().count(), expected.len() + 1, "the CSV holds the same rows: {}", csv.text());
}
