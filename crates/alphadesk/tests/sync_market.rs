//! `alphadesk sync prices` and `sync news` against local sources (servers
//! started in the test, loopback only).
//!
//! Prices: a source that answers Tiingo's JSON and a CSV download, and
//! misbehaves as such sources do: an HTML challenge page and a quota message
//! served with status 200, a 404. The stored bars must be the source's, a key
//! must never reach the store or the output, a re-run must ask nothing it
//! need not, and a dividend that re-bases the source's history must replace
//! the stored series on the new basis, never mix the two.
//!
//! News: an RSS feed with an ETag (a 304 the second time), an Atom feed, a
//! malformed feed and an HTML page; an item with a relative link, an item
//! twice in one feed, a headline in both feeds on one day. Each item is stored
//! once, known no earlier than the day it was fetched, and linked to its company.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::bin;

const KEY: &str = "s3cr3t-k3y";

/// One day of the source's truth for a ticker.
#[derive(Clone)]
struct Day {
    date: String,
    close: f64,
    div: f64,
    split: f64,
}

/// What the source knows: each ticker's days, and CSV bodies by path.
#[derive(Default)]
struct Truth {
    tiingo: BTreeMap<String, Vec<Day>>,
    csv: BTreeMap<String, String>,
    /// Every request: its path and query as received.
    log: Vec<String>,
    /// Feeds by path: body and ETag (none: no validator sent).
    feeds: BTreeMap<String, (String, Option<String>)>,
    /// `If-None-Match` values received, by path.
    conditional: Vec<(String, String)>,
}

impl Truth {
    /// Tiingo's answer: rows in [from, to], each `adjClose` adjusted for every
    /// dividend and split after it that the source knows.
    fn tiingo(&self, ticker: &str, from: &str, to: &str) -> Option<String> {
        let days = self.tiingo.get(ticker)?;
        let rows: Vec<String> = days
            .iter()
            .enumerate()
            .filter(|(_, d)| d.date.as_str() >= from && d.date.as_str() <= to)
            .map(|(i, d)| {
                let mut factor = 1.0;
                // What the source knows on `to`: nothing after it.
                for later in days[i + 1..].iter().filter(|l| l.date.as_str() <= to) {
                    factor /= later.split;
                    // A dividend lowers every earlier adjusted close by its share of the close before it.
                    let prev = days.iter().rev().find(|p| p.date < later.date).map_or(later.close, |p| p.close);
                    factor *= 1.0 - later.div / prev;
                }
                format!(
                    r#"{{"date":"{}T00:00:00.000Z","close":{},"high":{},"low":{},"open":{},"volume":1000,"adjClose":{},"adjHigh":0,"adjLow":0,"adjOpen":0,"adjVolume":0,"divCash":{},"splitFactor":{}}}"#,
                    d.date,
                    d.close,
                    d.close,
                    d.close,
                    d.close,
                    d.close * factor,
                    d.div,
                    d.split
                )
            })
            .collect();
        Some(format!("[{}]", rows.join(",")))
    }
}

struct Source {
    addr: SocketAddr,
    truth: Arc<Mutex<Truth>>,
}

impl Source {
    fn start() -> Source {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let truth: Arc<Mutex<Truth>> = Arc::default();
        let t = truth.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let t = t.clone();
                std::thread::spawn(move || answer(conn, &t));
            }
        });
        Source { addr, truth }
    }

    fn requests(&self) -> Vec<String> {
        self.truth.lock().unwrap().log.clone()
    }
}

fn query<'a>(q: &'a str, name: &str) -> &'a str {
    q.split('&').find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('='))).unwrap_or("")
}

fn answer(mut conn: TcpStream, truth: &Mutex<Truth>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
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
    let target = line.split(' ').nth(1).unwrap_or("/").to_string();
    let (path, q) = target.split_once('?').unwrap_or((&target, ""));
    let mut t = truth.lock().unwrap();
    t.log.push(target.clone());
    if let Some(v) = &if_none_match {
        t.conditional.push((path.to_string(), v.clone()));
    }
    if let Some((body, etag)) = t.feeds.get(path).cloned() {
        drop(t);
        let (status, body) = match (&etag, &if_none_match) {
            (Some(e), Some(asked)) if e == asked => (304, String::new()),
            _ => (200, body),
        };
        let etag = etag.map(|e| format!("ETag: {e}\r\n")).unwrap_or_default();
        let _ = write!(
            conn,
            "HTTP/1.1 {status} X\r\nContent-Type: application/xml\r\n{etag}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        return;
    }
    let (status, kind, body) = if let Some(rest) = path.strip_prefix("/tiingo/daily/") {
        let ticker = rest.trim_end_matches("/prices").to_ascii_uppercase();
        match (query(q, "token") == KEY, t.tiingo(&ticker, query(q, "startDate"), query(q, "endDate"))) {
            (false, _) => (401, "application/json", r#"{"detail":"Invalid token."}"#.to_string()),
            (true, Some(b)) => (200, "application/json", b),
            (true, None) => (404, "application/json", r#"{"detail":"Not found."}"#.to_string()),
        }
    } else {
        match t.csv.get(path) {
            Some(b) => (200, "text/csv", b.clone()),
            None => (404, "text/plain", "not found".to_string()),
        }
    };
    drop(t);
    let _ = write!(
        conn,
        "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn weekdays(from: &str, n: usize) -> Vec<String> {
    use chrono::Datelike;
    let mut d: chrono::NaiveDate = from.parse().unwrap();
    let mut out = Vec::new();
    while out.len() < n {
        if d.weekday().num_days_from_monday() < 5 {
            out.push(d.to_string());
        }
        d = d.succ_opt().unwrap();
    }
    out
}

fn sync(db: &Path, args: &[&str], key: Option<&str>) -> (std::process::Output, serde_json::Value) {
    sync_of("prices", db, args, key)
}

fn sync_of(what: &str, db: &Path, args: &[&str], key: Option<&str>) -> (std::process::Output, serde_json::Value) {
    let mut cmd = bin();
    cmd.arg("--db").arg(db).args(["sync", what, "--json", "--timeout", "5", "--backoff", "0.05", "--rate", "10"]);
    cmd.args(args).env_remove("ALPHADESK_PRICE_KEY").env_remove("ALPHADESK_SYNC_CONFIG");
    if let Some(k) = key {
        cmd.env("ALPHADESK_PRICE_KEY", k);
    }
    let out = common::run_bounded(&mut cmd, Duration::from_secs(120));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let json = serde_json::from_str(text.trim()).unwrap_or(serde_json::Value::Null);
    (out, json)
}

/// (date, close, adj_close, source path, line) of a ticker's stored rows.
fn stored(db: &Path, ticker: &str) -> Vec<(String, f64, f64, String, i64)> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut st = conn
        .prepare(
            "SELECT p.date, p.close, p.adj_close, s.path, p.line FROM prices p JOIN sources s ON s.id = p.source_id
             WHERE p.ticker = ?1 ORDER BY p.date",
        )
        .unwrap();
    st.query_map([ticker], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn everything_in(db: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut text = String::new();
    for table in ["sources", "fetches", "prices", "price_series"] {
        let mut st = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap();
        for r in rows {
            text.push_str(&r.unwrap());
            text.push('\n');
        }
    }
    text
}

/// ABC's ten weekdays from 2018-01-02 (to 2018-01-15) as traded, with a
/// 2-for-1 split on the sixth (2018-01-09): the as-traded close halves.
fn ten_days_split_on_the_sixth() -> Vec<Day> {
    weekdays("2018-01-02", 10)
        .iter()
        .enumerate()
        .map(|(i, d)| Day {
            date: d.clone(),
            close: if i < 5 { 200.0 + 2.0 * i as f64 } else { 100.0 + i as f64 },
            div: 0.0,
            split: if i == 5 { 2.0 } else { 1.0 },
        })
        .collect()
}

#[test]
fn tiingo_answers_extend_the_series_and_a_dividend_replaces_it_on_the_new_basis() {
    let src = Source::start();
    let truth = ten_days_split_on_the_sixth();
    src.truth.lock().unwrap().tiingo.insert("ABC".into(), truth[..8].to_vec());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let template = format!(
        "http://{}/tiingo/daily/{{ticker_lower}}/prices?startDate={{from}}&endDate={{to}}&token={{key}}",
        src.addr
    );
    let base = ["--price-url", template.as_str(), "--price-format", "tiingo", "--tickers", "abc"];

    // Without the key the template names: refused before any request.
    let (out, _) = sync(&db, &[&base[..], &["--until", "2018-01-08"]].concat(), None);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ALPHADESK_PRICE_KEY"));
    assert!(src.requests().is_empty());

    // First sync: the whole history to 2018-01-08 (five days).
    let (out, r) = sync(&db, &[&base[..], &["--until", "2018-01-08"]].concat(), Some(KEY));
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stderr), r);
    assert_eq!(r["tickers"]["ABC"]["rows"], 5, "{r}");
    let rows = stored(&db, "ABC");
    assert_eq!(rows.len(), 5);
    // Closes split-adjusted as of the answer's last row (no split yet): as traded.
    assert_eq!(rows[0].1, 200.0);
    assert_eq!(rows[4].1, 208.0);
    assert!(rows[0].3.contains("startDate=1970-01-01") && rows[0].3.ends_with("token={key}"), "{}", rows[0].3);
    assert_eq!(rows[2].4, 3, "a row's line is its place in the answer");

    // Second sync: from the stored last day; the split on 2018-01-09 comes in.
    // Tiingo's adjusted closes of the stored days halve with it: another
    // basis, so the whole history is asked again and replaces the series.
    let (out, r) = sync(&db, &[&base[..], &["--until", "2018-01-11"]].concat(), Some(KEY));
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stderr), r);
    let abc = &r["tickers"]["ABC"];
    assert_eq!((abc["new_from"].as_str(), abc["new_to"].as_str()), (Some("2018-01-09"), Some("2018-01-11")), "{r}");
    assert!(abc["rebased"].as_str().unwrap().contains("another adjustment basis"), "{r}");
    assert_eq!(abc["actions"], 1, "the split: {r}");
    let asked = src.requests();
    assert!(asked[1].contains("startDate=2018-01-08") && asked[2].contains("startDate=1970-01-01"), "{asked:?}");
    let rows = stored(&db, "ABC");
    assert_eq!(rows.len(), 8);
    // Every close now on the post-split basis, the as-traded one continuous across the split.
    let closes: Vec<f64> = rows.iter().map(|r| r.1).collect();
    assert_eq!(closes, [100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0]);
    assert!((rows[0].2 - 100.0).abs() < 1e-9, "adjusted close on the new basis: {rows:?}");

    // Same day again: nothing is due, nothing is asked.
    let before = src.requests().len();
    let (out, r) = sync(&db, &[&base[..], &["--until", "2018-01-11"]].concat(), Some(KEY));
    assert!(out.status.success());
    assert_eq!(r["up_to_date"][0], "ABC", "{r}");
    assert_eq!(src.requests().len(), before);

    // Two new days, no action: appended; every stored row keeps its citation.
    src.truth.lock().unwrap().tiingo.insert("ABC".into(), truth.clone());
    let cited: Vec<(String, String, i64)> = rows.iter().map(|r| (r.0.clone(), r.3.clone(), r.4)).collect();
    let (out, r) = sync(&db, &[&base[..], &["--until", "2018-01-15"]].concat(), Some(KEY));
    assert!(out.status.success(), "{r}");
    assert_eq!(r["tickers"]["ABC"]["rows"], 2, "{r}");
    assert!(r["tickers"]["ABC"]["rebased"].is_null(), "{r}");
    let rows = stored(&db, "ABC");
    assert_eq!(rows.len(), 10);
    let kept: Vec<(String, String, i64)> = rows[..8].iter().map(|r| (r.0.clone(), r.3.clone(), r.4)).collect();
    assert_eq!(kept, cited);

    // A dividend of $1.00 on 2018-01-16: the source lowers every earlier
    // adjusted close by 1 - 1.00/the close before it; the stored series is
    // replaced on that basis, as-traded closes unchanged.
    let closes_before: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let mut with_dividend = truth.clone();
    with_dividend.push(Day { date: "2018-01-16".into(), close: 110.0, div: 1.0, split: 1.0 });
    src.truth.lock().unwrap().tiingo.insert("ABC".into(), with_dividend);
    let (out, r) = sync(&db, &[&base[..], &["--until", "2018-01-16"]].concat(), Some(KEY));
    assert!(out.status.success(), "{r}");
    let abc = &r["tickers"]["ABC"];
    assert!(abc["rebased"].as_str().unwrap().contains("another adjustment basis"), "{r}");
    assert_eq!((abc["new_from"].as_str(), abc["actions"].as_u64()), (Some("2018-01-16"), Some(2)), "{r}");
    let rows = stored(&db, "ABC");
    assert_eq!(rows.iter().map(|r| r.1).take(10).collect::<Vec<_>>(), closes_before);
    let factor = 1.0 - 1.0 / 109.0;
    assert!((rows[9].2 - 109.0 * factor).abs() < 1e-9 && (rows[10].2 - 110.0).abs() < 1e-9, "{rows:?}");

    // The key reached the source and nothing else.
    assert!(src.requests().iter().all(|q| q.contains(KEY)));
    assert!(!everything_in(&db).contains(KEY));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(KEY) && !String::from_utf8_lossy(&out.stderr).contains(KEY));

    // A wrong key: the source's 401 is a failure naming the URL without the key.
    let (out, r) = sync(&db, &[&base[..], &["--since", "2018-01-12", "--until", "2018-01-15"]].concat(), Some("wrong"));
    assert_eq!(out.status.code(), Some(1), "{r}");
    let f = &r["failures"][0];
    assert!(f["url"].as_str().unwrap().ends_with("token={key}") && f["why"].as_str().unwrap().contains("401"), "{r}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("wrong"));
}

/// A filer whose XBRL reports its split wrongly (3-for-1, dated five days
/// early) and a price source that states it as it traded (2-for-1 on
/// 2018-01-09): the split is stored with its citation, the check shows both
/// reports and the disagreement, and the market cap uses the source's, so it
/// runs on across the split instead of jumping by half.
#[test]
fn a_split_the_source_states_decides_the_market_cap_where_xbrl_disagrees() {
    let src = Source::start();
    let truth = ten_days_split_on_the_sixth();
    src.truth.lock().unwrap().tiingo.insert("ABC".into(), truth);
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("src");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        files.join("securities.csv"),
        "\"Ticker symbol\",\"Security\",\"SEC filings\",\"GICS Sector\",\"GICS Sub Industry\",\"Address of Headquarters\",\"Date first added\",\"CIK\"\n\"ABC\",\"ABC Corp\",\"reports\",\"Industrials\",\"Machinery\",\"Ohio\",\"\",\"0000000042\"\n",
    )
    .unwrap();
    let fact = |end: &str, val: f64, accn: &str| {
        format!(
            r#"{{"end": "{end}", "val": {val}, "accn": "{accn}", "fy": 2017, "fp": "FY", "form": "10-K", "filed": "2018-01-05"}}"#
        )
    };
    std::fs::write(
        files.join("CIK0000000042.json"),
        format!(
            r#"{{"cik": 42, "entityName": "ABC Corp", "facts": {{
              "dei": {{"EntityCommonStockSharesOutstanding": {{"label": "Shares", "units": {{"shares": [{}]}}}}}},
              "us-gaap": {{"StockholdersEquityNoteStockSplitConversionRatio1": {{"label": "Split", "units": {{"pure": [{}]}}}}}}}}}}"#,
            fact("2017-12-29", 1_000_000.0, "0000000042-18-000001"),
            fact("2018-01-04", 3.0, "0000000042-18-000001")
        ),
    )
    .unwrap();
    let db = dir.path().join("p.db");
    let out = bin().arg("--db").arg(&db).args(["ingest"]).arg(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let template = format!(
        "http://{}/tiingo/daily/{{ticker_lower}}/prices?startDate={{from}}&endDate={{to}}&token={{key}}",
        src.addr
    );
    let args =
        ["--price-url", template.as_str(), "--price-format", "tiingo", "--tickers", "ABC", "--until", "2018-01-15"];
    let (out, r) = sync(&db, &args, Some(KEY));
    assert!(out.status.success(), "{}\n{r}", String::from_utf8_lossy(&out.stderr));

    // Stored as the source stated it, citing the answer (key redacted) and its row.
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let (kind, date, value, path, line): (String, String, f64, String, i64) = conn
        .query_row(
            "SELECT a.kind, a.ex_date, a.value, s.path, a.line FROM corporate_actions a JOIN sources s ON s.id = a.source_id WHERE a.ticker = 'ABC'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), date.as_str(), value, line), ("split", "2018-01-09", 2.0, 6));
    assert!(path.ends_with("token={key}"), "{path}");

    // The check: both reports, the disagreement, the source's split used.
    let out = bin().arg("--db").arg(&db).args(["splits", "ABC", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(checks.as_array().unwrap().len(), 1, "{checks:#}");
    let c = &checks[0];
    assert_eq!((c["source"]["ratio"].as_f64(), c["source"]["effective"].as_str()), (Some(2.0), Some("2018-01-09")));
    assert_eq!(c["source"]["source"]["line"], 6, "{c:#}");
    assert_eq!((c["xbrl"]["ratio"].as_f64(), c["xbrl"]["effective"].as_str()), (Some(3.0), Some("2018-01-04")));
    assert_eq!(c["xbrl"]["source"]["accession"], "0000000042-18-000001");
    assert_eq!(c["used"], serde_json::json!({"ratio": 2.0, "witness": "source"}), "{c:#}");
    let why = c["disagreements"].to_string();
    assert!(why.contains("XBRL reports 3 for 1 where price source reports 2 for 1"), "{why}");
    let out = bin().arg("--db").arg(&db).args(["splits", "--disagreements"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 splits reported, 1 with witnesses that disagree") && text.contains("2:1 (price source)"),
        "{text}"
    );

    // The market cap across the split: the pre-split count of 2017-12-29
    // times the split the source states, so 208 × 1M then 105 × 2M.
    let cap = |day: &str| {
        let out = bin().arg("--db").arg(&db).args(["facts", "ABC", "--as-of", day, "--json"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["fields"]["market_cap"]["value"].as_f64().unwrap_or_else(|| panic!("{v:#}"))
    };
    assert!((cap("2018-01-08") - 208e6).abs() < 1.0, "{}", cap("2018-01-08"));
    assert!((cap("2018-01-09") - 210e6).abs() < 1.0, "{}", cap("2018-01-09"));
}

#[test]
fn a_csv_source_stores_the_file_s_bars_and_refuses_pages_that_are_not_prices() {
    let Some(file) = alphadesk_testkit::data_file("market/prices/AAPL_data.csv") else {
        eprintln!("skipped: ALPHADESK_DATA not found");
        return;
    };
    let src = Source::start();
    let real = std::fs::read_to_string(&file).unwrap();
    {
        let mut t = src.truth.lock().unwrap();
        t.csv.insert("/q/aapl.csv".into(), real.clone());
        t.csv.insert("/q/xyz.csv".into(), "<!DOCTYPE html><html><title>Just a moment...</title></html>".into());
        t.csv.insert("/q/qqq.csv".into(), "Exceeded the daily hits limit".into());
    }
    let dir = tempfile::tempdir().unwrap();
    let (synced, ingested) = (dir.path().join("s.db"), dir.path().join("i.db"));
    let template = format!("http://{}/q/{{ticker_lower}}.csv", src.addr);
    let base = ["--price-url", template.as_str(), "--price-format", "csv", "--until", "2018-05-18"];
    let (out, r) = sync(&synced, &[&base[..], &["--tickers", "AAPL,XYZ,QQQ,NOPE"]].concat(), None);
    assert_eq!(out.status.code(), Some(1), "{r}");
    assert_eq!(r["tickers"]["AAPL"]["rows"], 1259, "{r}");
    let why: BTreeMap<String, String> = r["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["url"].as_str().unwrap().rsplit('/').next().unwrap().to_string(), f["why"].to_string()))
        .collect();
    assert!(why["xyz.csv"].contains("HTML"), "{why:?}");
    assert!(why["qqq.csv"].contains("Exceeded the daily hits limit"), "{why:?}");
    assert!(why["nope.csv"].contains("404"), "{why:?}");
    assert_eq!(why.len(), 3);

    // The bars are the file's, as `ingest` of it stores them.
    let out = bin().arg("--db").arg(&ingested).arg("ingest").arg(&file).output().unwrap();
    assert!(out.status.success());
    let strip = |rows: Vec<(String, f64, f64, String, i64)>| -> Vec<(String, f64, f64, i64)> {
        rows.into_iter().map(|(d, c, a, _, l)| (d, c, a, l)).collect()
    };
    assert_eq!(strip(stored(&synced, "AAPL")), strip(stored(&ingested, "AAPL")));
    assert!(stored(&synced, "XYZ").is_empty() && stored(&synced, "QQQ").is_empty());

    // Nothing is due after the file's last day (a Friday) until the Monday.
    let before = src.requests().len();
    let (out, r) = sync(&synced, &[&base[..], &["--tickers", "AAPL"]].concat(), None);
    assert!(out.status.success(), "{r}");
    assert_eq!(r["up_to_date"][0], "AAPL");
    assert_eq!(src.requests().len(), before);
    // On the Monday it is asked, and an answer with no new day adds no source.
    let sources = |db: &Path| -> i64 {
        let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0)).unwrap()
    };
    let was = sources(&synced);
    let (out, r) = sync(
        &synced,
        &["--price-url", template.as_str(), "--price-format", "csv", "--until", "2018-05-21", "--all"],
        None,
    );
    assert!(out.status.success(), "{r}");
    assert_eq!(r["nothing_new"][0], "AAPL", "{r}");
    assert_eq!(sources(&synced), was, "no second copy of the same answer");
    assert_eq!(stored(&synced, "AAPL").len(), 1259);
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Press releases</title><link>https://example.com/</link>
<item><guid>pr-1</guid><link>/news/apple-record.html</link><title>Apple Inc. reports record quarterly revenue</title>
<description>Apple Inc. said revenue rose to a record on strong iPhone demand.</description><pubDate>Mon, 30 Nov 2026 14:00:00 GMT</pubDate></item>
<item><guid>pr-1</guid><link>/news/apple-record-2.html</link><title>Apple Inc. reports record quarterly revenue (updated)</title>
<description>The same release, edited.</description><pubDate>Mon, 30 Nov 2026 15:00:00 GMT</pubDate></item>
<item><guid>pr-2</guid><link>https://example.com/msft-dividend</link><title>Microsoft Corp. raises its quarterly dividend</title>
<description>Microsoft Corp. raised its dividend by ten percent.</description><pubDate>Tue, 01 Dec 2026 13:00:00 GMT</pubDate></item>
</channel></rss>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>tag:example.com,2026:wire</id>
<entry><id>tag:example.com,2026:3</id><link href="https://example.com/xom-permian"/><title>Exxon Mobil Corp. to expand Permian output</title>
<summary>Exxon Mobil Corp. plans to raise output in the Permian basin.</summary><published>2026-12-01T12:00:00Z</published></entry>
<entry><id>tag:example.com,2026:4</id><link href="https://example.com/apple-copy"/><title>Apple Inc. reports record quarterly revenue</title>
<summary>A copy of the release under another address.</summary><published>2026-11-30T14:05:00Z</published></entry>
</feed>"#;

#[test]
fn feeds_bring_each_new_item_once_known_from_its_fetch_and_linked_to_its_company() {
    let Some(data) = alphadesk_testkit::data_dir() else {
        eprintln!("skipped: ALPHADESK_DATA not found");
        return;
    };
    let src = Source::start();
    {
        let mut t = src.truth.lock().unwrap();
        t.feeds.insert("/rss.xml".into(), (RSS.into(), Some("\"v1\"".into())));
        t.feeds.insert("/atom.xml".into(), (ATOM.into(), None));
        t.feeds.insert("/broken.xml".into(), ("<rss><channel><item><title>cut off".into(), None));
        t.feeds.insert("/page.xml".into(), ("<!DOCTYPE html><html><body>Sign in</body></html>".into(), None));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("n.db");
    let master = [
        "market/securities/securities.csv",
        "market/prices/AAPL_data.csv",
        "market/prices/MSFT_data.csv",
        "market/prices/XOM_data.csv",
    ];
    let out = bin().arg("--db").arg(&db).arg("ingest").args(master.iter().map(|f| data.join(f))).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let feed = |p: &str| format!("http://{}{p}", src.addr);
    let (rss, atom, broken, page) = (feed("/rss.xml"), feed("/atom.xml"), feed("/broken.xml"), feed("/page.xml"));
    let args = ["--feed", rss.as_str(), "--feed", atom.as_str(), "--feed", broken.as_str(), "--feed", page.as_str()];
    let today = chrono::Utc::now().date_naive();

    let (out, r) = sync_of("news", &db, &args, None);
    assert_eq!(out.status.code(), Some(1), "{}\n{r}", String::from_utf8_lossy(&out.stderr));
    assert_eq!((r["feeds"][&rss]["items"].as_u64(), r["feeds"][&rss]["seen"].as_u64()), (Some(2), Some(1)), "{r}");
    assert_eq!((r["feeds"][&atom]["items"].as_u64(), r["feeds"][&atom]["seen"].as_u64()), (Some(1), Some(1)), "{r}");
    let failed: BTreeMap<String, String> = r["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["url"].as_str().unwrap().to_string(), f["why"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    // Where the feed broke, as the parser says it.
    assert!(
        failed[&broken].contains("<rss/channel/item/title>") && failed[&broken].contains("truncated"),
        "{failed:?}"
    );
    assert!(failed[&page].contains("HTML"), "{failed:?}");

    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let docs: Vec<(String, String, String, String)> = conn
        .prepare("SELECT title, ifnull(url, ''), known_date, published_raw FROM documents WHERE kind = 'article' ORDER BY title")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(docs.len(), 3, "{docs:?}");
    let apple = docs.iter().find(|d| d.0.starts_with("Apple")).unwrap();
    assert_eq!(apple.1, feed("/news/apple-record.html"), "a relative link read against the feed's address");
    assert_eq!(apple.3, "Mon, 30 Nov 2026 14:00:00 GMT", "the feed's own date kept as written");
    let known: chrono::NaiveDate = apple.2.parse().unwrap();
    assert!(
        known >= today && known <= today + chrono::Duration::days(3),
        "known from the fetch, not the feed's date: {known}"
    );
    let linked = |title: &str| -> Vec<String> {
        conn.prepare("SELECT s.ticker FROM news_signals s JOIN documents d ON d.id = s.document_id WHERE d.title = ?1 ORDER BY 1")
            .unwrap()
            .query_map([title], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(linked("Apple Inc. reports record quarterly revenue"), ["AAPL"]);
    assert_eq!(linked("Microsoft Corp. raises its quarterly dividend"), ["MSFT"]);
    assert_eq!(linked("Exxon Mobil Corp. to expand Permian output"), ["XOM"]);

    // Again: the RSS feed is asked with its ETag and answers 304; the Atom feed
    // (no validator) brings only items seen before; nothing is stored twice.
    let (out, r) = sync_of("news", &db, &args[..4], None);
    assert!(out.status.success(), "{r}");
    assert_eq!(r["feeds"][&rss]["not_modified"], true, "{r}");
    assert_eq!((r["feeds"][&atom]["items"].as_u64(), r["feeds"][&atom]["seen"].as_u64()), (Some(0), Some(2)), "{r}");
    let asked = src.truth.lock().unwrap().conditional.clone();
    assert_eq!(asked, [("/rss.xml".to_string(), "\"v1\"".to_string())]);
    let n: i64 = conn.query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 3);

    // Without a feed: a usage error.
    let (out, _) = sync_of("news", &db, &[], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--feed"));
}

/// A shared price file as a CSV source that has a week more (2018-05-21..25)
/// serves it: at `closes`, or flat at the file's last close.
fn with_a_new_week(data: &Path, file: &str, closes: Option<[f64; 5]>) -> String {
    let mut text = std::fs::read_to_string(data.join(file)).unwrap();
    let last = text.lines().last().unwrap().to_string();
    let cells: Vec<&str> = last.split(',').collect();
    let (flat, name) = (cells[4].parse::<f64>().unwrap(), cells[6]);
    for (i, d) in ["2018-05-21", "2018-05-22", "2018-05-23", "2018-05-24", "2018-05-25"].iter().enumerate() {
        let c = closes.map_or(flat, |c| c[i]);
        text.push_str(&format!("{d},{c},{c},{c},{c},20000000,{name}\n"));
    }
    text
}

/// The small store's price files as a source that has a week more serves
/// them — AAPL falling by a third, to move its score — answering only rows
/// from `?from=` on, as a source asked for a range does.
fn price_files(data: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for f in alphadesk_testkit::SMALL_STORE_FILES.iter().filter(|f| f.starts_with("market/prices/")) {
        let ticker = f.trim_start_matches("market/prices/").trim_end_matches("_data.csv").to_ascii_lowercase();
        let closes = (ticker == "aapl").then_some([125.0, 124.0, 123.0, 122.0, 121.0]);
        files.insert(format!("/q/{ticker}.csv"), with_a_new_week(data, f, closes));
    }
    files
}

/// A CSV source answering `/q/{ticker}.csv?from=D` from `files`, and what it
/// was asked (paths with their queries).
fn csv_source(files: BTreeMap<String, String>) -> (SocketAddr, impl Fn() -> Vec<String>) {
    let src = alphadesk_testkit::sources::csv_source(files);
    let asked = src.asked.clone();
    (src.addr, move || asked.lock().unwrap().iter().map(|(_, q)| q.clone()).collect())
}

/// Score moves as (ticker, points).
type Moves = Vec<(String, i64)>;

/// The change log run's moves as (ticker, points), and what they should be:
/// every ticker whose score, read from the list API at the two closes, moved
/// by 10 points or more; both sorted.
fn moves_and_score_changes(server: &common::Server, run: &serde_json::Value, from: &str, to: &str) -> (Moves, Moves) {
    let scores = |date: &str| -> BTreeMap<String, i64> {
        let r = server.get(&format!("/api/v1/tickers?as_of={date}&limit=100"));
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| Some((x["ticker"].as_str()?.to_string(), x["alpha_score"].as_i64()?)))
            .collect()
    };
    let (before, after) = (scores(from), scores(to));
    let expected: Moves = after
        .iter()
        .filter_map(|(t, a)| Some((t.clone(), a - before.get(t)?)))
        .filter(|(_, d)| d.abs() >= 10)
        .collect();
    let mut listed: Moves = run["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["ticker"].as_str().unwrap().to_string(), m["points"].as_i64().unwrap()))
        .collect();
    listed.sort();
    (listed, expected)
}

/// The tests' small store: prices of six stocks with the securities master and
/// fundamentals (so that they are scored), and AAPL's filings.
fn small_store(data: &Path, db: &Path) {
    let files = alphadesk_testkit::SMALL_STORE_FILES;
    let out = bin().arg("--db").arg(db).arg("ingest").args(files.iter().map(|f| data.join(f))).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn sync_with_a_config_runs_its_sources_every_interval_and_stops_on_sigterm() {
    let Some(data) = alphadesk_testkit::data_dir() else {
        eprintln!("skipped: ALPHADESK_DATA not found");
        return;
    };
    let (addr, asked) = csv_source(price_files(&data));
    let feeds = Source::start();
    feeds.truth.lock().unwrap().feeds.insert("/rss.xml".into(), (RSS.into(), Some("\"v1\"".into())));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("every.db");
    small_store(&data, &db);
    let config = dir.path().join("sync.toml");
    std::fs::write(
        &config,
        format!(
            "price_url = \"http://{addr}/q/{{ticker_lower}}.csv?from={{from}}\"\nprice_format = \"csv\"\nfeeds = [\"http://{}/rss.xml\"]\nrate = 10\nprice_rate = 10\n",
            feeds.addr
        ),
    )
    .unwrap();

    // Once, from the config alone: prices, then news; the worst status.
    let mut once = bin();
    once.arg("--db").arg(&db).args(["sync", "--json", "--config"]).arg(&config).env_remove("ALPHADESK_SYNC_CONFIG");
    let out = common::run_bounded(&mut once, Duration::from_secs(120));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let records: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 2, "{text}");
    assert_eq!(records[0]["tickers"]["AAPL"]["new_to"], "2018-05-25", "{text}");
    assert_eq!(records[1]["feeds"][&format!("http://{}/rss.xml", feeds.addr)]["items"], 2, "{text}");
    assert_eq!(stored(&db, "AAPL").last().unwrap().0, "2018-05-25");

    // Every second until SIGTERM: it runs again (the feed asked with its ETag),
    // and a SIGTERM between runs ends it at once with status 0.
    let mut every = bin();
    every
        .arg("--db")
        .arg(&db)
        .args(["sync", "--json", "--every", "1s", "--config"])
        .arg(&config)
        .env_remove("ALPHADESK_SYNC_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = every.spawn().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while feeds.truth.lock().unwrap().conditional.len() < 2 {
        assert!(std::time::Instant::now() < deadline, "two more runs within a minute");
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = common::terminate(&mut child);
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(err.contains("next at") && err.contains("sync: stopped"), "{err}");
    // Nothing new after the first run: no day stored twice, MSFT asked from its last day.
    assert_eq!(stored(&db, "AAPL").len(), 1264);
    assert!(asked().iter().any(|q| q == "/q/msft.csv?from=2018-05-18"), "{:?}", asked());

    // A config naming nothing, and --every with a source named, are usage errors.
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "rate = 1\n").unwrap();
    let out = bin().arg("--db").arg(&db).args(["sync", "--config"]).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("names no source"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bin()
        .arg("--db")
        .arg(&db)
        .args(["sync", "--every", "1h", "news", "--feed", "http://127.0.0.1:9/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_server_that_syncs_keeps_answering_and_then_shows_the_new_days() {
    let Some(data) = alphadesk_testkit::data_dir() else {
        eprintln!("skipped: ALPHADESK_DATA not found");
        return;
    };
    let (addr, asked) = csv_source(price_files(&data));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("served.db");
    small_store(&data, &db);
    let config = dir.path().join("sync.toml");
    std::fs::write(
        &config,
        format!("price_url = \"http://{addr}/q/{{ticker_lower}}.csv?from={{from}}\"\nprice_format = \"csv\"\nprice_rate = 10\n"),
    )
    .unwrap();
    let db_arg = db.display().to_string();
    let config_arg = config.display().to_string();
    let server = common::Server::start(&[
        "--db",
        &db_arg,
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--sync-every",
        "1s",
        "--sync-config",
        &config_arg,
    ]);
    let latest = |s: &common::Server| -> String {
        let r = s.get("/api/v1/tickers?limit=1");
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        v["price_date"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(latest(&server), "2018-05-18");
    // A load of requests while the sync writes and the service reloads: none fails.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let (mut answered, mut slowest) = (0usize, Duration::ZERO);
    let mut now_latest = String::new();
    while std::time::Instant::now() < deadline {
        for path in ["/", "/t/AAPL", "/api/v1/tickers/MSFT", "/api/v1/tickers?limit=5"] {
            let t = std::time::Instant::now();
            let r = server.get(path);
            slowest = slowest.max(t.elapsed());
            assert!(r.status < 500, "{path}: {} {}", r.status, String::from_utf8_lossy(&r.body));
            answered += 1;
        }
        now_latest = latest(&server);
        if now_latest == "2018-05-25" {
            break;
        }
    }
    assert_eq!(now_latest, "2018-05-25", "the server shows the synced days ({answered} requests answered)");
    let page = String::from_utf8_lossy(&server.get("/t/AAPL").body).to_string();
    assert!(page.contains("2018-05-25") || page.contains("May 25, 2018"), "the stock page shows the new last close");
    eprintln!("{answered} requests answered during the sync, the slowest in {slowest:?}");
    assert!(asked().iter().any(|q| q.starts_with("/q/aapl.csv?from=2018-05-18")));

    // The change log: the prices sync, the closes it moved, and exactly the
    // scores that moved by 10 points or more between those closes.
    let changes = |s: &common::Server| -> serde_json::Value {
        let r = s.get("/api/v1/changes");
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        serde_json::from_slice(&r.body).unwrap()
    };
    let mut log = changes(&server);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while log["runs"][0]["moves_pending"] == true && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        log = changes(&server);
    }
    let run = &log["runs"][0];
    assert_eq!(run["what"], "prices", "{log}");
    assert_eq!(
        (run["last_close_before"].as_str(), run["last_close_after"].as_str()),
        (Some("2018-05-18"), Some("2018-05-25")),
        "{log}"
    );
    let (listed, expected) = moves_and_score_changes(&server, run, "2018-05-18", "2018-05-25");
    assert_eq!(listed, expected, "{log}");
    let page = String::from_utf8_lossy(&server.get("/").body).to_string();
    assert!(page.contains("Since the last sync") && page.contains("closes from 2018-05-18 to 2018-05-25"), "{page}");
    assert!(server.stop().success());
}

#[test]
fn the_change_log_lists_every_score_a_sync_moved_by_ten_points() {
    // A synthetic universe (every pillar has data) ingested without its last
    // month of prices, which a price source then brings.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let spec = alphadesk_testkit::synthetic::Spec::new(40, 2);
    alphadesk_testkit::synthetic::write(&data, &spec).unwrap();
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(data.join("market/prices")).unwrap() {
        let path = entry.unwrap().path();
        let full = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = full.lines().collect();
        let kept = lines.len().saturating_sub(22).max(2);
        std::fs::write(&path, format!("{}\n", lines[..kept].join("\n"))).unwrap();
        let ticker = path.file_name().unwrap().to_string_lossy().trim_end_matches("_data.csv").to_ascii_lowercase();
        files.insert(format!("/q/{ticker}.csv"), full);
    }
    let db = dir.path().join("c.db");
    let out = bin().arg("--db").arg(&db).arg("ingest").arg(&data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (addr, _) = csv_source(files);
    let template = format!("http://{addr}/q/{{ticker_lower}}.csv?from={{from}}");
    let (out, r) = sync(&db, &["--all", "--price-url", &template, "--price-format", "csv"], None);
    assert!(out.status.success(), "{}\n{r}", String::from_utf8_lossy(&out.stderr));

    let db_arg = db.display().to_string();
    let server = common::Server::start(&["--db", &db_arg, "serve", "--addr", "127.0.0.1:0"]);
    let r = server.get("/api/v1/changes");
    assert_eq!(r.status, 200);
    let log: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["what"], "prices", "{log}");
    let (from, to) = (run["last_close_before"].as_str().unwrap(), run["last_close_after"].as_str().unwrap());
    assert!(from < to, "{log}");
    let (listed, expected) = moves_and_score_changes(&server, run, from, to);
    assert!(!expected.is_empty(), "a month of prices moves some score by 10 points");
    assert_eq!(listed, expected, "{log}");
    let moves = run["moves"].as_array().unwrap();
    // Largest first, each with the metric that moved it and a sentence.
    let sizes: Vec<i64> = moves.iter().map(|m| m["points"].as_i64().unwrap().abs()).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    for m in moves {
        assert!(m["summary"].as_str().unwrap().contains(m["ticker"].as_str().unwrap()), "{m}");
        assert!(m["metric"].is_string(), "{m}");
    }
    // The leaderboard names the sync and the first move.
    let page = String::from_utf8_lossy(&server.get("/").body).to_string();
    assert!(page.contains("Since the last sync"), "{page}");
    assert!(page.contains(&format!("/t/{}", moves[0]["ticker"].as_str().unwrap())), "{page}");

    // The live record: the close the ingest ended on and the one the sync
    // brought, each stated once; the first has had its 21 trading days.
    let r = server.get("/api/v1/validation/live");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let live: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let closes = live["closes"].as_array().unwrap();
    assert_eq!(closes.len(), 2, "{live:#}");
    assert_eq!((closes[0]["as_of"].as_str(), closes[1]["as_of"].as_str()), (Some(from), Some(to)), "{live:#}");
    assert!(closes.iter().all(|c| c["live"] == false), "history recorded today is a replay, not live: {live:#}");
    assert_eq!((live["live_dates"].as_u64(), &live["live_mean_ic"]), (Some(0), &serde_json::Value::Null));
    let matured = closes[0]["matured_on"].as_str().expect("21 trading days after the first close");
    assert!(closes[1]["matured_on"].is_null());
    // As stated then, and as the desk scores that close now: point in time,
    // nothing the sync brought changes them.
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let stated: BTreeMap<String, i64> = conn
        .prepare("SELECT ticker, score FROM live_scores WHERE as_of = ?1")
        .unwrap()
        .query_map([from], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let r = server.get(&format!("/api/v1/tickers?as_of={from}&limit=100"));
    let now: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let rescored: BTreeMap<String, i64> = now["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| Some((i["ticker"].as_str()?.to_string(), i["alpha_score"].as_i64()?)))
        .collect();
    assert_eq!(stated, rescored);
    // Its rank IC, recomputed here from the stored closes.
    let close = |t: &str, d: &str| -> f64 {
        conn.query_row("SELECT adj_close FROM prices WHERE ticker = ?1 AND date = ?2", [t, d], |r| r.get(0)).unwrap()
    };
    let (x, y): (Vec<f64>, Vec<f64>) =
        stated.iter().map(|(t, s)| (*s as f64, close(t, matured) / close(t, from) - 1.0)).unzip();
    assert_eq!(closes[0]["n"].as_u64(), Some(x.len() as u64));
    let ic = closes[0]["ic"].as_f64().unwrap();
    assert!((ic - spearman(&x, &y)).abs() < 1e-12, "{ic} vs {}", spearman(&x, &y));
    let page = String::from_utf8_lossy(&server.get("/validation").body).to_string();
    assert!(page.contains("The live record") && page.contains("2 closes recorded"), "{page}");
    assert!(server.stop().success());
}

/// Spearman's rank correlation, ties given their average rank.
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let ranks = |v: &[f64]| -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|a, b| v[*a].total_cmp(&v[*b]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
                j += 1;
            }
            for k in &idx[i..=j] {
                r[*k] = (i + j) as f64 / 2.0 + 1.0;
            }
            i = j + 1;
        }
        r
    };
    let (a, b) = (ranks(x), ranks(y));
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(&b).map(|(p, q)| (p - ma) * (q - mb)).sum();
    let va: f64 = a.iter().map(|p| (p - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|q| (q - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}
