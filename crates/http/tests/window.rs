//! A question about one date reads only what that date needs (the windowed
//! universe loads of `alphadesk_score::window`) and answers exactly what the
//! whole history's load answers: every API route and page, byte for byte, on
//! seven dates across the history — the first month end, the first with a year
//! of prices, a weekend, dates with news, 13F and Form 4 filings, and the last.
//!
//! The store is the shared data's: every sixth price file (about seventy
//! tickers across the sectors) with the six of the small store, the listings,
//! the fundamentals table and its dated snapshots, every SEC file, and the
//! 80,000 Reuters headline-and-lead records of 2013–2018.

use std::path::PathBuf;
use std::sync::Arc;

use alphadesk_http::{app, Options};
use alphadesk_service::write::Writer;
use alphadesk_service::Service;
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use tower::ServiceExt;

fn files(data: &std::path::Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = alphadesk_testkit::SMALL_STORE_FILES.iter().map(|f| data.join(f)).collect();
    let mut prices: Vec<PathBuf> =
        std::fs::read_dir(data.join("market/prices")).unwrap().map(|e| e.unwrap().path()).collect();
    prices.sort();
    paths.extend(prices.into_iter().step_by(6).filter(|p| !paths.contains(p)).collect::<Vec<_>>());
    for dir in ["market/fundamentals", "sec/companyfacts", "sec/submissions", "sec/form4", "sec/13f"] {
        paths.push(data.join(dir));
    }
    paths.push(data.join("text/news/reuters_leads_2013_2018.jsonl"));
    paths
}

async fn body(r: &Router, uri: &str) -> (u16, Vec<u8>) {
    let res = r.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status().as_u16();
    (status, axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_the_same_from_a_window_as_from_the_whole_history() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("window.db");
    {
        let mut w = Writer::open(&db, "test").unwrap();
        let s = w.ingest(&files(&data), |_, _, _| {}).unwrap();
        assert!(s.failed.is_empty(), "{:?}", s.failed);
        w.derive_news().unwrap();
        w.refresh_figures(&Default::default()).unwrap();
    }
    let open = |windowed: bool| {
        let opts = alphadesk_service::Options { windowed, ..Default::default() };
        Arc::new(Service::open(&db, opts).unwrap())
    };
    let (windowed, whole) = (open(true), open(false));
    let (a, b) = (app(windowed.clone(), &Options::default()), app(whole.clone(), &Options::default()));

    let latest = windowed.snapshot().unwrap().latest().unwrap();
    let dates = ["2013-06-28", "2014-05-30", "2015-03-31", "2016-07-02", "2017-03-31", "2017-11-30"]
        .iter()
        .map(|d| d.parse().unwrap())
        .chain([latest])
        .collect::<Vec<chrono::NaiveDate>>();
    let mut checked = 0;
    let mut differ: Vec<String> = Vec::new();
    for (i, d) in dates.iter().enumerate() {
        let year_before = *d - chrono::Duration::days(365);
        let month_before = *d - chrono::Duration::days(30);
        // The tickers of the day's list: a scored few, and one that is not.
        let (_, list) = body(&b, &format!("/api/v1/tickers?as_of={d}&limit=500&sort=ticker")).await;
        let list: serde_json::Value = serde_json::from_slice(&list).unwrap();
        let mut tickers: Vec<String> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["ticker"].as_str().map(str::to_string))
            .step_by(17)
            .collect();
        tickers.extend(["AAPL".to_string(), "BHF".to_string()]);
        let mut uris = vec![
            format!("/api/v1/tickers?as_of={d}&limit=500"),
            format!("/api/v1/screen?as_of={d}&limit=100&sort=momentum"),
            format!("/api/v1/screen?as_of={d}&min_change=-100&format=csv"),
            format!("/api/v1/compare?tickers=AAPL,MSFT,XOM&as_of={d}"),
            format!("/api/v1/panel?from={year_before}&to={d}&format=csv"),
            format!("/api/v1/notes?as_of={d}&limit=500"),
            format!("/api/v1/themes?from={month_before}&to={d}"),
            format!("/?as_of={d}"),
            format!("/screen?as_of={d}&min_score=60"),
            format!("/compare?tickers=AAPL,MSFT&as_of={d}"),
            format!("/notes?as_of={d}"),
            format!("/themes?from={month_before}&to={d}"),
        ];
        for t in &tickers {
            for path in ["", "/facts", "/insiders", "/holders", "/change", "/peers", "/notes"] {
                uris.push(format!("/api/v1/tickers/{t}{path}?as_of={d}"));
            }
            uris.push(format!("/api/v1/tickers/{t}/prices?to={d}"));
            uris.push(format!("/api/v1/tickers/{t}/prices?from={year_before}&to={d}"));
            uris.push(format!("/api/v1/tickers/{t}/history?to={d}"));
            uris.push(format!("/api/v1/notes/{t}-{d}"));
            uris.push(format!("/t/{t}?as_of={d}"));
        }
        // A theme's story (the first theme of the month), and the page of all
        // stories on two dates: composing a month's stories is the slowest page.
        let (_, themes) = body(&b, &format!("/api/v1/themes?from={month_before}&to={d}")).await;
        let themes: serde_json::Value = serde_json::from_slice(&themes).unwrap_or_default();
        if let Some(theme) = themes["themes"].as_array().and_then(|t| t.first()).and_then(|t| t["id"].as_str()) {
            uris.push(format!("/api/v1/stories?theme={theme}&as_of={d}"));
        }
        if i == 4 || *d == latest {
            uris.push(format!("/stories?as_of={d}"));
        }
        for uri in &uris {
            let (x, y) = (body(&a, uri).await, body(&b, uri).await);
            checked += 1;
            if x != y {
                differ.push(format!("{uri}: {} vs {} ({} vs {} bytes)", x.0, y.0, x.1.len(), y.1.len()));
            }
        }
    }
    for uri in ["/api/v1/healthz", "/api/v1/validation", "/validation", "/methodology", "/api/v1/search?q=apple"] {
        checked += 1;
        if body(&a, uri).await != body(&b, uri).await {
            differ.push(uri.to_string());
        }
    }
    assert!(differ.is_empty(), "{} of {checked} answers differ:\n{}", differ.len(), differ.join("\n"));
    assert!(checked > 400, "{checked} answers compared");
}
