//! The router in-process: every route, every error status, and hostile input
//! (path traversal, junk escapes, oversized bodies, a slow client) on a small
//! store built from the shared data.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use alphadesk_http::{app, Options};
use alphadesk_service::write::Writer;
use alphadesk_service::Service;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

struct Fixture {
    _dir: tempfile::TempDir,
    service: Arc<Service>,
}

fn fixture() -> Option<&'static Fixture> {
    static F: OnceLock<Option<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        let data = alphadesk_testkit::data_dir()?;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("router.db");
        {
            let mut w = Writer::open(&db, "test").unwrap();
            let paths: Vec<PathBuf> = alphadesk_testkit::SMALL_STORE_FILES.iter().map(|f| data.join(f)).collect();
            let mut paths = paths;
            // Three hand-written articles: two about Apple, one that mentions it in passing.
            paths.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/apple_news.jsonl"));
            let s = w.ingest(&paths, |_, _, _| {}).unwrap();
            assert!(s.failed.is_empty(), "{:?}", s.failed);
            w.derive_news().unwrap();
            w.refresh_figures(&Default::default()).unwrap();
        }
        let service = Arc::new(Service::open(&db, Default::default()).unwrap());
        Some(Fixture { _dir: dir, service })
    })
    .as_ref()
}

fn router(f: &Fixture) -> Router {
    app(f.service.clone(), &Options::default())
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The one error shape, with its code.
    fn error_code(&self) -> String {
        let v = self.json();
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        v["error"]["code"].as_str().unwrap().to_string()
    }
}

async fn send(r: &Router, req: Request<Body>) -> Answer {
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
    Answer { status, headers, body }
}

async fn get(r: &Router, uri: &str) -> Answer {
    send(r, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post(r: &Router, uri: &str, content_type: &str, body: impl Into<Body>) -> Answer {
    send(r, Request::post(uri).header(header::CONTENT_TYPE, content_type).body(body.into()).unwrap()).await
}

#[tokio::test]
async fn scores_list_filter_sort_and_page() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let a = get(&r, "/api/v1/tickers?as_of=2016-06-30").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    assert_eq!(v["as_of"], "2016-06-30");
    assert_eq!(v["total"], 6);
    let scores: Vec<u64> = v["items"].as_array().unwrap().iter().filter_map(|i| i["alpha_score"].as_u64()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "highest first: {scores:?}");

    let v = get(&r, "/api/v1/tickers?as_of=2016-06-30&sector=Energy&sort=ticker&limit=2&offset=1").await.json();
    let tickers: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["ticker"].as_str().unwrap()).collect();
    assert_eq!((v["total"].as_u64(), tickers), (Some(3), vec!["OXY", "XOM"]));

    // A weekend date is answered for itself, at the close of the trading day before.
    let v = get(&r, "/api/v1/tickers?as_of=2016-07-03").await.json();
    assert_eq!((v["as_of"].as_str(), v["price_date"].as_str()), (Some("2016-07-03"), Some("2016-07-01")));

    for (q, names) in [
        ("limit=501", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("as_of=2016-13-45", "as_of"),
        ("as_of=yesterday", "as_of"),
        ("sort=best", "sort"),
        ("bogus=1", "bogus"),
        ("limit=1&limit=2", "limit"),
        ("sector=%zz", "escape"),
        ("sector=%ff%fe", "UTF-8"),
    ] {
        let a = get(&r, &format!("/api/v1/tickers?{q}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}: {}", a.text());
        assert_eq!(a.error_code(), "bad_input");
        assert!(a.json()["error"]["message"].as_str().unwrap().contains(names), "{q}: {}", a.text());
    }
    let a = get(&r, "/api/v1/tickers?sector=Astrology").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    assert!(a.text().contains("Health Care"), "the sectors are listed: {}", a.text());
    let a = get(&r, "/api/v1/tickers?as_of=1999-01-04").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "before the first price: {}", a.text());
}

#[tokio::test]
async fn one_ticker_with_explanation_metrics_and_sources() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let v = get(&r, "/api/v1/tickers/AAPL?as_of=2016-06-30").await.json();
    assert_eq!((v["ticker"].as_str(), v["as_of"].as_str()), (Some("AAPL"), Some("2016-06-30")));
    assert_eq!(v["explanation"].as_array().unwrap().len(), 2);
    assert!(v["explanation"][0].as_str().unwrap().starts_with("Alpha Score of "), "{}", v["explanation"][0]);
    let metrics = v["metrics"].as_array().unwrap();
    assert!(metrics.len() >= 10, "{}", metrics.len());
    let cited = metrics.iter().filter(|m| m["sources"].as_array().is_some_and(|s| !s.is_empty())).count();
    assert!(cited >= 8, "metrics with a value cite their records: {cited}");
    assert!(v.to_string().contains("AAPL_data.csv"), "a price input names its file");
    // The same record the service gives the CLI.
    let direct = f.service.explain("AAPL", Some("2016-06-30".parse().unwrap())).unwrap();
    assert_eq!(v["alpha_score"], serde_json::json!(direct.record.alpha_score));
    // Lower case and the dash form are the same security.
    assert_eq!(get(&r, "/api/v1/tickers/aapl?as_of=2016-06-30").await.json()["alpha_score"], v["alpha_score"]);
    // Without a date: the latest in the store.
    assert_eq!(get(&r, "/api/v1/tickers/AAPL").await.json()["as_of"], "2018-05-18");
}

#[tokio::test]
async fn ticker_sub_resources() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let facts = get(&r, "/api/v1/tickers/AAPL/facts?as_of=2016-06-30").await;
    assert_eq!(facts.status, StatusCode::OK, "{}", facts.text());
    let rev = &facts.json()["fields"]["revenue_ttm"];
    assert!(rev["value"].as_f64().unwrap() > 2.0e11, "{rev}");
    assert!(rev.to_string().contains("0001"), "revenue cites its accession: {rev}");

    let p = get(&r, "/api/v1/tickers/AAPL/prices?from=2016-06-01&to=2016-06-30").await.json();
    let bars = p["bars"].as_array().unwrap();
    assert_eq!(bars.len(), 22, "June 2016 trading days");
    assert!(bars[0]["source"].to_string().contains("AAPL_data.csv"));
    let a = get(&r, "/api/v1/tickers/AAPL/prices?from=2016-07-01&to=2016-06-01").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());

    for sub in ["insiders", "holders", "notes"] {
        let a = get(&r, &format!("/api/v1/tickers/AAPL/{sub}?as_of=2016-06-30")).await;
        assert_eq!(a.status, StatusCode::OK, "{sub}: {}", a.text());
    }
    let notes = get(&r, "/api/v1/tickers/AAPL/notes?as_of=2016-06-30").await.json();
    assert!(notes.as_array().unwrap().iter().any(|n| n["id"] == "AAPL-2016-06-30"), "{notes}");
}

/// A date past the last price is answered for itself: filings and insider trades
/// as known on it, and price-based values at the last close, which is stated.
#[tokio::test]
async fn dates_past_the_last_price_are_answered_not_moved() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let facts = get(&r, "/api/v1/tickers/AAPL/facts?as_of=2021-06-30").await.json();
    assert_eq!(facts["as_of"], "2021-06-30");
    assert_eq!(facts["price_date"], "2018-05-18");
    let rev = &facts["fields"]["revenue_ttm"];
    // Apple's four quarters to 2021-03-27 (fiscal Q2 2021), filed 2021-04-29.
    assert_eq!(rev["period_end"], "2021-03-27", "{rev}");
    assert_eq!(rev["value"].as_f64().unwrap(), 325_406_000_000.0, "{rev}");
    let why = facts["missing"]["market_cap"].as_str().unwrap();
    assert!(why.contains("2018-05-18"), "the market cap says its price is stale: {why}");

    let score = get(&r, "/api/v1/tickers/AAPL?as_of=2021-06-30").await.json();
    assert_eq!((score["as_of"].as_str(), score["price_date"].as_str()), (Some("2021-06-30"), Some("2018-05-18")));
    let scores = get(&r, "/api/v1/tickers?as_of=2016-07-02").await.json();
    assert_eq!((scores["as_of"].as_str(), scores["price_date"].as_str()), (Some("2016-07-02"), Some("2016-07-01")));

    let before = get(&r, "/api/v1/tickers/AAPL/insiders?as_of=2022-05-01").await.json();
    assert_eq!(before["trades"].as_array().unwrap().len(), 0, "filed 2022-05-06: not known before");
    let after = get(&r, "/api/v1/tickers/AAPL/insiders?as_of=2022-06-30").await.json();
    assert_eq!(after["as_of"], "2022-06-30");
    let trades = after["trades"].as_array().unwrap();
    assert!(!trades.is_empty() && trades.iter().all(|t| t["code"] == "S"), "{after}");

    let html = get(&r, "/t/AAPL?as_of=2022-06-30").await.text();
    assert!(html.contains("2022-06-30 has no close in the store"), "the page states the price date");
    assert!(html.contains("0000320193-22-000061"), "the page lists the 2022 Form 4");
}

#[tokio::test]
async fn unknown_and_hostile_tickers() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    for uri in ["/api/v1/tickers/ZZZZ", "/api/v1/tickers/ZZZZ/facts", "/api/v1/tickers/IBM/prices"] {
        let a = get(&r, uri).await;
        assert_eq!((a.status, a.error_code().as_str()), (StatusCode::NOT_FOUND, "not_found"), "{uri}: {}", a.text());
    }
    for uri in [
        "/api/v1/tickers/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/tickers/..%2Fprices",
        "/api/v1/tickers/%2e%2e",
        "/api/v1/tickers/%00",
        "/api/v1/tickers/%ZZ",
        "/api/v1/tickers/%C0%AF",
        "/api/v1/tickers/AAPL%3Cscript%3E",
        "/api/v1/tickers/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let a = get(&r, uri).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}: {}", a.text());
        assert_eq!(a.error_code(), "bad_input");
        assert!(a.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    }
    // Pages answer HTML errors; the same traversal never reaches a file.
    let a = get(&r, "/t/..%2F..%2Fetc%2Fpasswd").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("<html") && !a.text().contains("root:"));
    let a = get(&r, "/t/AAPL%3Cscript%3E").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("AAPL&lt;script&gt;") && !a.text().contains("<script>"), "escaped: {}", a.text());
    let a = get(&r, "/static/..%2F..%2FCargo.toml").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn notes_list_one_and_check() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let v = get(&r, "/api/v1/notes?as_of=2016-06-30&limit=4").await.json();
    assert_eq!((v["total"].as_u64(), v["items"].as_array().unwrap().len()), (Some(6), 4));
    let note = get(&r, "/api/v1/notes/AAPL-2016-06-30").await;
    assert_eq!(note.status, StatusCode::OK, "{}", note.text());
    let note = note.json();
    assert_eq!(note["verdict"]["passed"], true, "{}", note["verdict"]);
    let md = note["markdown"].as_str().unwrap().to_string();
    assert!(note["html"].as_str().unwrap().contains("<h2"));
    for (id, status) in [
        ("AAPL-2016-13-01", 404),
        ("AAPL-2016-1x-01", 400),
        ("nonsense", 400),
        ("ZZZZ-2016-06-30", 404),
        ("AAPL-1990-01-02", 404),
    ] {
        let a = get(&r, &format!("/api/v1/notes/{id}")).await;
        assert_eq!(a.status.as_u16(), status, "{id}: {}", a.text());
    }

    // Check: the published note passes as Markdown and as JSON; an edited one fails
    // with the rule named, exactly as `check --json`.
    let a = post(&r, "/api/v1/check", "text/markdown", md.clone()).await;
    assert_eq!((a.status, a.json()["passed"].as_bool()), (StatusCode::OK, Some(true)), "{}", a.text());
    let body = serde_json::json!({"markdown": md}).to_string();
    assert_eq!(post(&r, "/api/v1/check", "application/json", body).await.json()["passed"], true);
    let tampered = md.replacen("## Key takeaways", "## Key takeaways\n\nApple will surely double in 2017.", 1);
    let v = post(&r, "/api/v1/check", "text/markdown", tampered).await.json();
    assert_eq!(v["passed"], false, "{v}");
    assert!(!v["violations"].as_array().unwrap().is_empty());
    // The verdict equals the CLI's checker on the same text.
    let direct = f.service.check(&md, None, &[]).unwrap();
    assert_eq!(
        serde_json::to_value(&direct).unwrap(),
        post(&r, "/api/v1/check", "text/plain", md.clone()).await.json()
    );

    // Bodies: malformed JSON 400, unknown field 400, not UTF-8 422,
    // over 1 MiB 413 (also at 10 MiB).
    let a = post(&r, "/api/v1/check", "application/json", "{\"markdown\": ").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    let a = post(&r, "/api/v1/check", "application/json", "{\"markdown\": \"x\", \"extra\": 1}").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    let a = post(&r, "/api/v1/check", "text/markdown", vec![0xff, 0xfe, 0x41]).await;
    assert_eq!((a.status, a.error_code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"));
    // A story about no company in the universe is checked as such: a verdict,
    // not an error (this one lacks the disclaimer).
    let a = post(&r, "/api/v1/check", "text/markdown", "Nothing about any company here.").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["subjects"], serde_json::json!([]), "{}", a.text());
    assert_eq!(a.json()["passed"], false, "{}", a.text());
    assert!(a.text().contains("\"disclaimer\""), "{}", a.text());
    // Several subjects, comma-separated; a malformed one is a 400 naming it.
    let a = post(&r, "/api/v1/check?ticker=AAPL,MSFT", "text/markdown", "Nothing about any company here.").await;
    assert_eq!(a.json()["subjects"], serde_json::json!(["AAPL", "MSFT"]), "{}", a.text());
    let a = post(&r, "/api/v1/check?ticker=AAPL,../x", "text/markdown", "x").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    for size in [(1 << 20) + 1, 10 << 20] {
        let a = post(&r, "/api/v1/check", "text/markdown", vec![b'a'; size]).await;
        assert_eq!((a.status, a.error_code().as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_large"), "{size}");
    }
    let a = post(&r, "/api/v1/check?as_of=someday", "text/markdown", md).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn validation_search_health_and_routes() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let v = get(&r, "/api/v1/validation").await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text());
    assert!(v.json()["label"].as_str().is_some_and(|s| s.contains("historical simulation")), "{}", v.text());
    assert_eq!(v.json()["dates"], 47);
    let hits = get(&r, "/api/v1/search?q=apple").await.json();
    assert_eq!(hits[0]["ticker"], "AAPL", "{hits}");
    assert_eq!(get(&r, "/api/v1/search?q=XOM&limit=1").await.json()[0]["ticker"], "XOM");
    assert_eq!(get(&r, "/api/v1/search").await.status, StatusCode::BAD_REQUEST, "q is required");
    assert_eq!(get(&r, "/api/v1/search?q=apple&limit=0").await.status, StatusCode::BAD_REQUEST);
    let h = get(&r, "/api/v1/healthz").await.json();
    assert_eq!((h["status"].as_str(), h["tickers"].as_u64()), (Some("ok"), Some(6)));

    let a = get(&r, "/api/v1/no/such/route").await;
    assert_eq!((a.status, a.error_code().as_str()), (StatusCode::NOT_FOUND, "not_found"));
    let a = send(&r, Request::delete("/api/v1/tickers/AAPL").body(Body::empty()).unwrap()).await;
    assert_eq!((a.status, a.error_code().as_str()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    let a = send(&r, Request::post("/api/v1/tickers").body(Body::from("x")).unwrap()).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    let a = get(&r, "/no/such/page").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));

    // The OpenAPI document lists every route the router serves.
    let doc = get(&r, "/api/v1/openapi.json").await.json();
    for (method, path) in alphadesk_http::api::served_paths() {
        assert!(doc["paths"][&path][&method].is_object(), "{method} {path}");
        // And every documented route answers something other than "no such route".
        let uri = path.replace("{ticker}", "AAPL").replace("{id}", "AAPL-2016-06-30");
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let a = send(&r, Request::builder().method(m).uri(&uri).body(Body::from("Apple Inc. (AAPL)")).unwrap()).await;
        assert!(
            a.status != StatusCode::NOT_FOUND
                || a.error_code() != "not_found"
                || !a.text().contains("no such API route"),
            "{method} {uri}"
        );
    }
}

#[tokio::test]
async fn caching_and_compression() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let a = get(&r, "/api/v1/tickers/AAPL?as_of=2016-06-30").await;
    let tag = a.headers[header::ETAG].to_str().unwrap().to_string();
    assert!(a.headers[header::CACHE_CONTROL].to_str().unwrap().contains("max-age"));
    let req = Request::get("/api/v1/tickers/AAPL?as_of=2016-06-30")
        .header(header::IF_NONE_MATCH, &tag)
        .body(Body::empty())
        .unwrap();
    let b = send(&r, req).await;
    assert_eq!((b.status, b.body.len()), (StatusCode::NOT_MODIFIED, 0));
    let req = Request::get("/api/v1/tickers/AAPL?as_of=2016-06-29")
        .header(header::IF_NONE_MATCH, &tag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&r, req).await.status, StatusCode::OK, "another date, another body");
    let req = Request::get("/api/v1/tickers?as_of=2016-06-30")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let c = send(&r, req).await;
    assert_eq!(c.headers[header::CONTENT_ENCODING], "gzip");
    let req =
        Request::get("/t/AAPL?as_of=2016-06-30").header(header::ACCEPT_ENCODING, "br").body(Body::empty()).unwrap();
    assert_eq!(send(&r, req).await.headers[header::CONTENT_ENCODING], "br");
    // Errors are not cached.
    assert!(get(&r, "/api/v1/tickers/ZZZZ").await.headers.get(header::ETAG).is_none());
}

#[tokio::test]
async fn pages() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let a = get(&r, "/?as_of=2016-06-30&sort=momentum&sector=Energy").await;
    assert_eq!(a.status, StatusCode::OK);
    let html = a.text();
    assert!(html.contains("href=\"/t/XOM") && !html.contains("href=\"/t/AAPL"), "Energy only");
    assert!(html.contains("<th scope=\"col\""));

    let html = get(&r, "/t/AAPL?as_of=2016-06-30").await.text();
    for part in [
        "Apple Inc. (AAPL)",
        "role=\"img\"",
        "<svg",
        "Momentum",
        "Value",
        "Quality",
        "Sentiment",
        "52-week",
        "historical simulation, not a forecast",
        "application/ld+json",
        "\"@type\":\"Corporation\"",
        "https://www.sec.gov/Archives/edgar/data/",
        "AAPL-2016-06-30",
        "type=\"date\"",
    ] {
        assert!(html.contains(part), "stock page lacks {part}");
    }
    assert!(html.contains("role=\"search\"") && html.contains("action=\"/search\""), "a search box on every page");
    // The news about the company by the page's date, newest first, linked.
    let html = get(&r, "/t/AAPL?as_of=2018-04-30").await.text();
    assert!(html.contains("In the news"), "a news section");
    assert!(
        html.contains("href=\"https://example.invalid/news/apple-iphone-beat\"")
            && html.contains("Apple shares rise as iPhone sales beat estimates"),
        "the article about Apple, linked"
    );
    assert!(!html.contains("Microsoft cloud revenue"), "a passing mention is not news about Apple");
    let html = get(&r, "/t/AAPL?as_of=2016-06-30").await.text();
    assert!(html.contains("No stored article is about"), "said when there is none");
    for (q, want) in
        [("apple", "href=\"/t/AAPL\""), ("exxon", "href=\"/t/XOM\""), ("zzzz qqq", "No ticker or company name")]
    {
        let a = get(&r, &format!("/search?q={}", q.replace(' ', "+"))).await;
        assert_eq!(a.status, StatusCode::OK, "{q}");
        assert!(a.text().contains(want), "search {q}: {}", a.text());
    }
    assert_eq!(get(&r, "/search").await.status, StatusCode::OK, "the empty form");
    // The screener, as a browser submits it: blank fields are empty strings.
    let a = get(&r, "/screener?min_score=5").await;
    assert_eq!(
        (a.status, a.headers.get(header::LOCATION).and_then(|l| l.to_str().ok())),
        (StatusCode::PERMANENT_REDIRECT, Some("/screen?min_score=5")),
        "the first address still works"
    );
    let a = get(&r, "/screen?as_of=2017-12-29&sector=Energy&sort=momentum&order=&min_score=&max_score=&min_momentum=0&min_value=&min_quality=&min_sentiment=&min_market_cap=&max_market_cap=&min_change=&max_change=").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let html = a.text();
    assert!(html.contains("href=\"/t/XOM?as_of=2017-12-29\"") && !html.contains("href=\"/t/AAPL"), "Energy only");
    assert!(
        html.contains("matching stocks, by momentum, highest first")
            || html.contains("matching stock, by momentum, highest first"),
        "{html}"
    );
    let a = get(&r, "/screen?min_score=999").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("min_score"), "the field is named");
    assert_eq!(get(&r, "/screen").await.status, StatusCode::OK, "the latest date, no thresholds");
    for uri in ["/stories?as_of=2018-04-30", "/themes?to=2018-04-30", "/notes?as_of=2016-06-30"] {
        let a = get(&r, uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.text());
    }
    assert_eq!(get(&r, "/stories/not-a-story").await.status, StatusCode::BAD_REQUEST);
    let c = get(&r, "/compare?tickers=aapl+msft&as_of=2017-12-29").await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text());
    assert!(
        c.text().contains("href=\"/t/AAPL?as_of=2017-12-29\"")
            && c.text().contains("href=\"/t/MSFT?as_of=2017-12-29\"")
    );
    assert_eq!(get(&r, "/compare").await.status, StatusCode::OK, "the empty form");
    let one = get(&r, "/compare?tickers=AAPL").await;
    assert_eq!(one.status, StatusCode::BAD_REQUEST);
    assert!(one.text().contains("2 to 10"), "{}", one.text());
    let html = get(&r, "/t/AAPL?as_of=2016-06-30").await.text();
    let direct = f.service.explain("AAPL", Some("2016-06-30".parse().unwrap())).unwrap();
    assert!(html.contains(&direct.explanation[0]), "the page states the service's sentence");

    for uri in ["/notes/AAPL-2016-06-30", "/validation", "/methodology", "/static/site.css"] {
        let a = get(&r, uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
    }
    assert!(get(&r, "/validation").await.text().contains("historical simulation, not a forecast"));
    let a = get(&r, "/t/ZZZZ").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.text().contains("Not found"));
    let a = get(&r, "/?limit=abc").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

/// A slow client on a real loopback socket: one that stalls mid-headers and one
/// that stalls mid-body. The stalled body is answered 408 after the timeout, and
/// other clients are answered meanwhile.
#[tokio::test]
async fn slow_clients_do_not_stop_the_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(f) = fixture() else { return };
    let opts = Options { timeout: Duration::from_millis(700), ..Options::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app(f.service.clone(), &opts);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let mut stalled_headers = tokio::net::TcpStream::connect(addr).await.unwrap();
    stalled_headers.write_all(b"GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut stalled_body = tokio::net::TcpStream::connect(addr).await.unwrap();
    stalled_body
        .write_all(b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/markdown\r\nContent-Length: 1000\r\n\r\nApple")
        .await
        .unwrap();

    let answer = |path: &'static str| async move {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await.unwrap().unwrap();
        String::from_utf8_lossy(&buf).into_owned()
    };
    assert!(answer("/api/v1/healthz").await.starts_with("HTTP/1.1 200"));

    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stalled_body.read_to_end(&mut buf)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"timeout\""), "{text}");
    assert!(answer("/t/AAPL?as_of=2016-06-30").await.starts_with("HTTP/1.1 200"));
    drop(stalled_headers);
    server.abort();
}

/// A ticker's Alpha Score before and after, from two screens.
fn rows_of(before: &serde_json::Value, after: &serde_json::Value, t: &str) -> (serde_json::Value, serde_json::Value) {
    let find = |v: &serde_json::Value| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ticker"] == t)
            .map(|r| r["alpha_score"].clone())
            .unwrap_or_default()
    };
    (find(before), find(after))
}

/// A ticker's news, history, a screen and a comparison: each one request.
#[tokio::test]
async fn news_history_screen_and_compare() {
    let Some(f) = fixture() else { return };
    let r = router(f);

    let a = get(&r, "/api/v1/tickers/AAPL/news").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    let titles: Vec<&str> = v["articles"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Apple shares rise as iPhone sales beat estimates", "Apple weighs new supplier for iPhone displays"],
        "about Apple, newest first, the wire slug gone: {v}"
    );
    assert_eq!(v["min_relevance"], 40);
    let first = &v["articles"][0];
    assert!(first["lead"].as_str().unwrap().starts_with("Apple Inc's shares rose"), "no dateline: {first}");
    assert_eq!(first["known"], "2018-04-25", "published after the close: first known the next trading day");
    assert_eq!(first["url"], "https://example.invalid/news/apple-iphone-beat");
    assert!(first["source"]["path"].as_str().unwrap().ends_with("fixtures/apple_news.jsonl"), "{first}");
    assert!(!first["source"]["path"].as_str().unwrap().starts_with('/'), "no server path: {first}");

    let all = get(&r, "/api/v1/tickers/AAPL/news?min_relevance=0").await.json();
    assert_eq!(all["matching"], 3, "a passing mention comes with min_relevance=0: {all}");
    let recent = get(&r, "/api/v1/tickers/AAPL/news?from=2018-01-01&limit=1").await.json();
    assert_eq!((recent["matching"].as_u64(), recent["articles"].as_array().unwrap().len()), (Some(1), 1));
    for (q, word) in
        [("limit=0", "limit"), ("min_relevance=101", "min_relevance"), ("from=2018-05-01&to=2018-04-01", "after")]
    {
        let a = get(&r, &format!("/api/v1/tickers/AAPL/news?{q}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}: {}", a.text());
        assert!(a.text().contains(word), "{q}: {}", a.text());
    }

    let h = get(&r, "/api/v1/tickers/AAPL/history?from=2017-01-01&to=2017-12-31").await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.text());
    let h = h.json();
    let points = h["points"].as_array().unwrap();
    assert_eq!(points.len(), 12, "twelve month ends in one answer");
    assert!(points.iter().all(|p| p["alpha_score"].is_u64() && p["momentum"].is_u64()), "{h}");
    let w = get(&r, "/api/v1/tickers/AAPL/history?from=2018-01-01&to=2018-03-31&every=week").await.json();
    assert_eq!((w["every"].as_str(), w["points"].as_array().unwrap().len()), (Some("week"), 13), "{w}");
    let a = get(&r, "/api/v1/tickers/AAPL/history?from=2000-01-01&to=2017-12-31").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "over ten years: {}", a.text());

    let s = get(&r, "/api/v1/screen?as_of=2017-12-29&min_momentum=50&sort=momentum&limit=100").await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text());
    let s = s.json();
    let rows = s["rows"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r["momentum"].as_u64().unwrap() >= 50), "{s}");
    let m: Vec<u64> = rows.iter().map(|r| r["momentum"].as_u64().unwrap()).collect();
    assert!(m.windows(2).all(|w| w[0] >= w[1]), "highest momentum first: {m:?}");
    let a = get(&r, "/api/v1/screen?min_score=80&max_score=20").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());

    // Market cap and the change since the previous month end: columns, filters
    // and orders, both ways; the same screen as CSV.
    let all = get(&r, "/api/v1/screen?as_of=2017-12-29&limit=100").await.json();
    assert_eq!(all["change_since"], "2017-11-30", "{all}");
    let rows = all["rows"].as_array().unwrap();
    let before = get(&r, "/api/v1/screen?as_of=2017-11-30&limit=100").await.json();
    for row in rows {
        let then = before["rows"].as_array().unwrap().iter().find(|b| b["ticker"] == row["ticker"]);
        let expected = match (row["alpha_score"].as_i64(), then.and_then(|t| t["alpha_score"].as_i64())) {
            (Some(a), Some(b)) => serde_json::json!(a - b),
            _ => serde_json::Value::Null,
        };
        assert_eq!(row["change"], expected, "change is the score minus November's: {row}");
    }
    let caps: Vec<f64> = rows.iter().filter_map(|r| r["market_cap"].as_f64()).collect();
    assert!(!caps.is_empty(), "market caps: {all}");
    let mid = caps.iter().copied().fold(0.0, f64::max) / 2.0;
    let big = get(&r, &format!("/api/v1/screen?as_of=2017-12-29&min_market_cap={mid:.0}&sort=market_cap&order=asc"))
        .await
        .json();
    let big: Vec<f64> = big["rows"].as_array().unwrap().iter().map(|r| r["market_cap"].as_f64().unwrap()).collect();
    assert!(!big.is_empty() && big.iter().all(|c| *c >= mid) && big.windows(2).all(|w| w[0] <= w[1]), "{big:?}");
    let up = get(&r, "/api/v1/screen?as_of=2017-12-29&min_change=0&sort=change").await.json();
    let up: Vec<i64> = up["rows"].as_array().unwrap().iter().map(|r| r["change"].as_i64().unwrap()).collect();
    assert!(up.iter().all(|c| *c >= 0) && up.windows(2).all(|w| w[0] >= w[1]), "{up:?}");
    let z = get(&r, "/api/v1/screen?as_of=2017-12-29&sort=ticker&order=desc").await.json();
    let z: Vec<&str> = z["rows"].as_array().unwrap().iter().map(|r| r["ticker"].as_str().unwrap()).collect();
    assert!(z.windows(2).all(|w| w[0] > w[1]), "Z to A: {z:?}");
    let csv = get(&r, "/api/v1/screen?as_of=2017-12-29&limit=100&format=csv").await;
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(csv.text().lines().count(), rows.len() + 1, "{}", csv.text());
    for (q, word) in [("min_change=-101", "min_change"), ("min_market_cap=-1", "min_market_cap"), ("order=up", "order")]
    {
        let a = get(&r, &format!("/api/v1/screen?{q}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}: {}", a.text());
        assert!(a.text().contains(word), "{q}: {}", a.text());
    }
    // The page takes the same parameters.
    let page = get(&r, "/screen?as_of=2017-12-29&min_change=0&sort=change").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let bad = get(&r, "/screen?min_change=lots").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("min_change must be a whole number"), "{}", bad.text());

    // Why the score moved, and peers.
    let c = get(&r, "/api/v1/tickers/AAPL/change?as_of=2017-12-29").await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text());
    let c = c.json();
    assert_eq!((c["from"].as_str(), c["to"].as_str()), (Some("2017-11-30"), Some("2017-12-29")), "{c}");
    let score = |d: &str| rows_of(&before, &all, d);
    assert_eq!((c["before"].clone(), c["after"].clone()), score("AAPL"), "{c}");
    let moves: Vec<f64> = c["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let (b, a) =
                (m["percentile_before"].as_f64().unwrap_or(50.0), m["percentile_after"].as_f64().unwrap_or(50.0));
            (a - b).abs() * m["weight"].as_f64().unwrap()
        })
        .collect();
    assert!(!moves.is_empty() && moves.windows(2).all(|w| w[0] >= w[1]), "largest weighted move first: {moves:?}");
    assert!(c["summary"].as_str().unwrap().starts_with("AAPL's Alpha Score"), "{c}");
    let p = get(&r, "/api/v1/tickers/AAPL/peers?as_of=2017-12-29&n=2").await.json();
    let peers = p["rows"].as_array().unwrap();
    assert_eq!(peers[0]["ticker"], "AAPL", "the ticker first: {p}");
    assert!(peers.len() <= 3 && peers.iter().all(|x| x["sector"] == peers[0]["sector"]), "same sector: {p}");

    let c = get(&r, "/api/v1/compare?tickers=AAPL,MSFT&as_of=2018-04-30").await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text());
    let c = c.json();
    let tickers: Vec<&str> = c["rows"].as_array().unwrap().iter().map(|r| r["ticker"].as_str().unwrap()).collect();
    assert_eq!(tickers, ["AAPL", "MSFT"]);
    assert!(c["rows"][0]["explanation"].as_str().unwrap().contains("Alpha Score"), "{c}");
    let a = get(&r, "/api/v1/compare?tickers=AAPL").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());

    // A year of month ends for every ticker in one request, in three formats.
    let p = get(&r, "/api/v1/panel?from=2017-01-01&to=2017-12-31").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    let p = p.json();
    assert_eq!(p["dates"].as_array().unwrap().len(), 12);
    let rows = p["rows"].as_array().unwrap();
    let metrics = p["metrics"].as_array().unwrap();
    assert!(
        metrics.len() >= 5 && rows.iter().all(|r| r["raw"].as_object().unwrap().len() == metrics.len()),
        "{}",
        rows[0]
    );
    let aapl_dec = rows.iter().find(|r| r["ticker"] == "AAPL" && r["as_of"] == "2017-12-29").unwrap();
    let one = get(&r, "/api/v1/tickers/AAPL/history?from=2017-12-01&to=2017-12-31").await.json();
    assert_eq!(aapl_dec["alpha_score"], one["points"][0]["alpha_score"], "the panel and the history agree");

    let csv = send(
        &r,
        Request::get("/api/v1/panel?from=2017-01-01&to=2017-12-31")
            .header(header::ACCEPT, "text/csv")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text();
    assert!(
        text.starts_with("date,ticker,sector,alpha_score,momentum,value,quality,sentiment,coverage,"),
        "{}",
        &text[..200]
    );
    assert_eq!(text.lines().count(), rows.len() + 1, "a CSV line per JSON row");

    let pq = get(&r, "/api/v1/panel?from=2017-01-01&to=2017-12-31&format=parquet&sector=Energy").await;
    assert_eq!(pq.status, StatusCode::OK, "{}", pq.text());
    assert_eq!(&pq.body[..4], b"PAR1", "a Parquet file");
    assert!(pq.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains(".parquet"));

    for q in
        ["from=2000-01-01&to=2017-12-31", "every=day&from=2014-01-01&to=2017-12-31", "sector=Nowhere", "format=xls"]
    {
        let a = get(&r, &format!("/api/v1/panel?{q}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}: {}", a.text());
    }
}

/// No answer — API or page — names where the server keeps its store, its data
/// or its fixtures: sources are named as notes cite them.
#[tokio::test]
async fn no_answer_names_a_server_path() {
    let Some(f) = fixture() else { return };
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let r = router(f);
    let forbidden: Vec<String> = [
        data.canonicalize().unwrap_or(data.clone()),
        f._dir.path().to_path_buf(),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    ]
    .iter()
    .map(|p| p.display().to_string())
    .collect();
    let routes = [
        "/api/v1/tickers?as_of=2018-04-30",
        "/api/v1/tickers/AAPL?as_of=2018-04-30",
        "/api/v1/tickers/AAPL/facts?as_of=2018-04-30",
        "/api/v1/tickers/AAPL/prices?from=2018-04-01&to=2018-04-30",
        "/api/v1/tickers/AAPL/insiders?as_of=2022-06-30",
        "/api/v1/tickers/AAPL/holders",
        "/api/v1/tickers/AAPL/notes?as_of=2018-04-30",
        "/api/v1/tickers/AAPL/history?from=2018-01-01&to=2018-04-30",
        "/api/v1/tickers/AAPL/news?min_relevance=0",
        "/api/v1/notes?as_of=2018-04-30",
        "/api/v1/notes/AAPL-2018-04-30",
        "/api/v1/screen?as_of=2018-04-30",
        "/api/v1/compare?tickers=AAPL,MSFT",
        "/api/v1/panel?from=2018-01-01&to=2018-04-30",
        "/api/v1/panel?from=2018-01-01&to=2018-04-30&format=csv",
        "/api/v1/themes?from=2018-04-01&to=2018-04-30",
        "/api/v1/search?q=apple",
        "/api/v1/validation",
        "/api/v1/healthz",
        "/api/v1/openapi.json",
        "/api/v1/tickers/ZZZZ",
        "/api/v1/notes/AAPL-2099-01-01",
        "/",
        "/t/AAPL",
        "/t/ZZZZ",
        "/notes/AAPL-2018-04-30",
        "/validation",
        "/methodology",
    ];
    for route in routes {
        let a = get(&r, route).await;
        let body = a.text();
        for p in &forbidden {
            assert!(!body.contains(p.as_str()), "{route} names {p}");
        }
    }
}

#[tokio::test]
async fn a_backtest_with_your_own_factor_over_the_api() {
    let Some(f) = fixture() else { return };
    let r = router(f);
    let json = "application/json";
    // The decay at two more horizons, as the service computes it for the CLI.
    let a = post(&r, "/api/v1/backtest", json, r#"{"horizons": [5, 63]}"#).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let bt = a.json();
    let spec = alphadesk_service::BacktestSpec {
        from: "2014-05-01".parse().unwrap(),
        to: "2018-05-18".parse().unwrap(),
        horizon: 21,
        rebalance: alphadesk_service::Every::Month,
    };
    // Through text both ways: serde_json's default float parsing may differ
    // from the value in the last bit.
    let direct = f.service.backtest_horizons(&spec, &[5, 63]).unwrap();
    let direct: Value = serde_json::from_str(&serde_json::to_string(&direct).unwrap()).unwrap();
    assert_eq!(bt, direct, "the API's backtest is the service's");
    assert_eq!(bt["by_horizon"].as_array().map(Vec::len), Some(2));
    for k in ["demeaned", "sector_neutral"] {
        assert!(bt["quantiles"][k]["std_errors"].is_array(), "{k}");
    }

    // The score itself as your factor, sent as rows and as CSV text, is the score.
    let panel = get(&r, "/api/v1/panel?from=2014-05-01&to=2018-05-18&format=csv").await.text();
    let mut head = panel.lines().next().unwrap().split(',');
    let col = |name: &str, head: &mut std::str::Split<'_, char>| head.position(|c| c == name).unwrap();
    let (di, ti, si) =
        (col("date", &mut head.clone()), col("ticker", &mut head.clone()), col("alpha_score", &mut head));
    let mut rows = Vec::new();
    let mut csv = String::from("date,ticker,value\n");
    for line in panel.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let value: Option<f64> = c[si].parse().ok();
        rows.push(serde_json::json!({"date": c[di], "ticker": c[ti], "value": value}));
        csv.push_str(&format!("{},{},{}\n", c[di], c[ti], c[si]));
    }
    rows.push(serde_json::json!({"date": "2014-05-02", "ticker": "AAPL", "value": 1.0}));
    for body in [serde_json::json!({"factor": rows}), serde_json::json!({"factor_csv": csv})] {
        let a = post(&r, "/api/v1/backtest", json, body.to_string()).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        let mine = a.json();
        assert_eq!(mine["ic"]["factor"], bt["ic"]["alpha_score"], "the score as a factor is the score");
        assert_eq!(mine["own_factor"]["factor_returns"], bt["factor_returns"]);
        assert!(mine["factor"]["used"].as_u64().unwrap() > 200, "{}", mine["factor"]);
    }

    // Each refusal names what is wrong.
    let refused = |a: &Answer, status: StatusCode, says: &str| {
        assert_eq!(a.status, status, "{}", a.text());
        let message = a.json()["error"]["message"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(says), "{says}: {message}");
    };
    let dup = r#"{"factor": [{"date": "2017-03-31", "ticker": "AAPL", "value": 1}, {"date": "2017-03-31", "ticker": "aapl", "value": 2}]}"#;
    refused(
        &post(&r, "/api/v1/backtest", json, dup).await,
        StatusCode::BAD_REQUEST,
        "factor, row 2: AAPL on 2017-03-31 appears twice",
    );
    let both =
        r#"{"factor": [{"date": "2017-03-31", "ticker": "AAPL", "value": 1}], "factor_csv": "date,ticker,value\n"}"#;
    refused(&post(&r, "/api/v1/backtest", json, both).await, StatusCode::BAD_REQUEST, "not both");
    refused(&post(&r, "/api/v1/backtest", json, r#"{"horizons": [0]}"#).await, StatusCode::BAD_REQUEST, "1 to 252");
    refused(
        &post(&r, "/api/v1/backtest", json, r#"{"horizon": "a month"}"#).await,
        StatusCode::BAD_REQUEST,
        "body field \"horizon\"",
    );
    refused(
        &post(&r, "/api/v1/backtest", json, r#"{"from": "2018-05-01"}"#).await,
        StatusCode::BAD_REQUEST,
        "no rebalance date from 2018-05-01",
    );
    refused(
        &post(&r, "/api/v1/backtest", json, r#"{"speed": 1}"#).await,
        StatusCode::BAD_REQUEST,
        "unknown field `speed`",
    );
    refused(
        &post(&r, "/api/v1/backtest", "text/csv", csv.clone()).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "application/json",
    );
    let huge = format!(r#"{{"factor_csv": "{}"}}"#, "x".repeat(alphadesk_http::api::MAX_BACKTEST_BODY));
    refused(&post(&r, "/api/v1/backtest", json, huge).await, StatusCode::PAYLOAD_TOO_LARGE, "-byte limit");
    // Over the notes' 1 MiB, under its own limit: read.
    let padded = format!(r#"{{"factor_csv": "{}date,ticker,value\n2017-03-31,AAPL,1\n"}}"#, r"\n".repeat(1 << 20));
    assert_eq!(post(&r, "/api/v1/backtest", json, padded).await.status, StatusCode::OK);
}
