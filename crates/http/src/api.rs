//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document.
//!
//! Routes are declared once, in [`api!`]: the same declaration registers the
//! handler on the router and writes the route into the OpenAPI document, with the
//! JSON Schemas of its query, body and answer (the service's own types, which the
//! MCP tools use too). A route cannot be served without being documented, or
//! documented without being served.

use std::sync::Arc;

use alphadesk_service::params::{
    subject_list, AsOfParams, CheckQuery, NotesParams, RangeParams, SearchParams, StoryParams, ThemesParams,
    TickersParams,
};
use alphadesk_service::{
    Health, HoldersView, InsidersView, NoteSummary, NoteView, Page, PricesView, ScoresView, SearchHit, Service,
    StoryView, ThemesView, TickerView,
};
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ErrorBody};

/// The largest note `POST /check` reads.
pub const MAX_BODY: usize = alphadesk_service::MAX_NOTE_BYTES;

/// Runs blocking service work (SQLite, scoring) off the async workers, on
/// behalf of this request: when the request goes away (its timeout, a closed
/// connection), the future is dropped and the work it alone waited for stops.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> alphadesk_service::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let request = alphadesk_service::Request::new();
    let _cancel = request.cancel_on_drop();
    match tokio::task::spawn_blocking(move || request.enter(f)).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("the request stopped: {e}")))
        }
    }
}

/// A query string read into `T`; a malformed one is a 400 naming the parameter.
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded_like(query).map(Q)
    }
}

/// Deserialises a query string, naming the parameter that is wrong. Every
/// component is checked first: a malformed percent-escape or invalid UTF-8 is a
/// 400, where `serde_urlencoded` alone would read it leniently.
fn serde_urlencoded_like<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let mut seen = std::collections::HashSet::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = decode(k)?;
        decode(v)?;
        if !seen.insert(k.clone()) {
            return Err(ApiError::bad_input(format!("query parameter {k:?} is given twice")));
        }
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." || path.is_empty() {
            ApiError::bad_input(format!("query: {}", e.inner()))
        } else {
            ApiError::bad_input(format!("query parameter {path:?}: {}", e.inner()))
        }
    })
}

/// Percent-decoding of one query component (`+` is a space); malformed escapes
/// and invalid UTF-8 are a 400.
fn decode(s: &str) -> Result<String, ApiError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
                let Some(byte) = hex else {
                    return Err(ApiError::bad_input(format!("malformed percent-escape in query: {s:?}")));
                };
                out.push(byte);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ApiError::bad_input("query is not UTF-8 after percent-decoding"))
}

/// A ticker from the path, validated as a ticker before anything uses it.
pub struct TickerPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for TickerPath {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_input(format!("path: {e}")))?;
        let t = alphadesk_model::Ticker::new(&raw).map_err(|e| ApiError::bad_input(e.to_string()))?;
        Ok(TickerPath(t.as_str().to_string()))
    }
}

/// A note posted as the raw body (`text/markdown`, `text/plain`), or as JSON
/// `{"markdown", "as_of", "ticker"}` (the documented `CheckParams`); at most
/// [`MAX_BODY`] bytes.
pub struct NoteBody(pub alphadesk_service::params::CheckParams);

impl<S: Send + Sync> FromRequest<S> for NoteBody {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let essence = crate::media_type(req.headers());
        let json = essence.as_deref() == Some("application/json");
        let text = matches!(essence.as_deref(), None | Some("text/markdown" | "text/x-markdown" | "text/plain"));
        if !json && !text {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!(
                    "a note is posted as text/markdown, text/plain or application/json {{\"markdown\": ...}}, not {}",
                    essence.unwrap_or_default()
                ),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(status, "too_large", format!("the body is over the {MAX_BODY}-byte limit"))
            } else {
                ApiError::new(status, "bad_input", format!("body: {e}"))
            }
        })?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", format!("the note is not UTF-8: {e}"))
        })?;
        let note: alphadesk_service::params::CheckParams = if json {
            serde_json::from_str(&text).map_err(|e| ApiError::bad_input(format!("body: {e}")))?
        } else {
            alphadesk_service::params::CheckParams { markdown: text, as_of: None, ticker: None }
        };
        if note.markdown.trim().is_empty() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable",
                "the note is empty: post the Markdown to check",
            ));
        }
        Ok(NoteBody(note))
    }
}

/// The largest backtest request `POST /backtest` reads: room for a factor of
/// about 150,000 rows as JSON, or 400,000 as CSV text.
pub const MAX_BACKTEST_BODY: usize = 8 << 20;

/// A backtest request: JSON, at most [`MAX_BACKTEST_BODY`] bytes (read with
/// its own limit, above the router's 1 MiB for notes).
pub struct BacktestBody(pub alphadesk_service::params::BacktestParams);

impl<S: Send + Sync> FromRequest<S> for BacktestBody {
    type Rejection = ApiError;
    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let essence = crate::media_type(req.headers());
        if essence.as_deref() != Some("application/json") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!(
                    "a backtest is posted as application/json ({{\"from\", \"to\", \"horizons\", \"factor\" or \"factor_csv\"}}), not {}",
                    essence.unwrap_or_default()
                ),
            ));
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BACKTEST_BODY).await.map_err(|e| {
            if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("the body is over the {MAX_BACKTEST_BODY}-byte limit"),
                )
            } else {
                ApiError::bad_input(format!("body: {e}"))
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let params = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            if path == "." || path.is_empty() {
                ApiError::bad_input(format!("body: {}", e.inner()))
            } else {
                ApiError::bad_input(format!("body field {path:?}: {}", e.inner()))
            }
        })?;
        Ok(BacktestBody(params))
    }
}

type Svc = State<Arc<Service>>;
type ApiResult<T> = Result<Json<T>, ApiError>;

async fn list_tickers(State(s): Svc, Q(p): Q<TickersParams>) -> ApiResult<ScoresView> {
    let v = blocking(move || {
        s.scores(p.as_of, p.sector.as_deref(), p.sort.unwrap_or_default(), p.limit, p.offset.unwrap_or(0))
    })
    .await?;
    Ok(Json(v))
}

async fn get_ticker(State(s): Svc, TickerPath(t): TickerPath, Q(p): Q<AsOfParams>) -> ApiResult<TickerView> {
    Ok(Json(blocking(move || s.explain(&t, p.as_of)).await?.as_ref().clone()))
}

async fn get_facts(
    State(s): Svc,
    TickerPath(t): TickerPath,
    Q(p): Q<AsOfParams>,
) -> ApiResult<alphadesk_service::FactsReport> {
    Ok(Json(blocking(move || s.facts(&t, p.as_of)).await?))
}

async fn get_prices(State(s): Svc, TickerPath(t): TickerPath, Q(p): Q<RangeParams>) -> ApiResult<PricesView> {
    Ok(Json(blocking(move || s.prices(&t, p.from, p.to)).await?))
}

async fn get_insiders(State(s): Svc, TickerPath(t): TickerPath, Q(p): Q<AsOfParams>) -> ApiResult<InsidersView> {
    Ok(Json(blocking(move || s.insiders(&t, p.as_of)).await?))
}

async fn get_holders(State(s): Svc, TickerPath(t): TickerPath, Q(p): Q<AsOfParams>) -> ApiResult<HoldersView> {
    Ok(Json(blocking(move || s.holders(&t, p.as_of)).await?))
}

async fn get_history(
    State(s): Svc,
    TickerPath(t): TickerPath,
    Q(p): Q<alphadesk_service::params::HistoryQuery>,
) -> ApiResult<alphadesk_service::ScoreHistory> {
    Ok(Json(blocking(move || s.history(&t, p.from, p.to, p.every)).await?))
}

/// The screen as JSON, or as CSV with `format=csv` or `Accept: text/csv`.
async fn get_change(
    State(s): Svc,
    TickerPath(t): TickerPath,
    Q(p): Q<AsOfParams>,
) -> ApiResult<alphadesk_service::ScoreChange> {
    Ok(Json(blocking(move || s.score_change(&t, p.as_of)).await?))
}

async fn get_changes(
    State(s): Svc,
    Q(p): Q<alphadesk_service::params::ChangesParams>,
) -> ApiResult<alphadesk_service::ChangesView> {
    Ok(Json(blocking(move || s.changes(p.since)).await?))
}

/// A date and how many peers.
#[derive(Debug, Clone, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PeersQuery {
    /// The close of this date (YYYY-MM-DD); default: the latest date in the store.
    as_of: Option<alphadesk_model::NaiveDate>,
    /// Peers besides the ticker, 1 to 20 (default 8).
    #[schemars(range(min = 1, max = 20))]
    n: Option<usize>,
}

async fn get_peers(
    State(s): Svc,
    TickerPath(t): TickerPath,
    Q(p): Q<PeersQuery>,
) -> ApiResult<alphadesk_service::ScoreList> {
    Ok(Json(blocking(move || s.peers(&t, p.as_of, p.n.unwrap_or(8))).await?))
}

async fn screen(
    State(s): Svc,
    headers: axum::http::HeaderMap,
    Q(p): Q<alphadesk_service::params::ListScoresParams>,
) -> Result<Response, ApiError> {
    use alphadesk_service::params::ListFormat;
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let csv = p.format == Some(ListFormat::Csv) || (p.format.is_none() && accept.contains("text/csv"));
    let list = blocking(move || s.screen(&p)).await?;
    Ok(if csv {
        csv_download(&format!("screen-{}", list.as_of), list.csv().into_bytes())
    } else {
        Json(list).into_response()
    })
}

/// Tickers to compare, comma-separated in the query string.
#[derive(Debug, Clone, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CompareQuery {
    /// 2 to 10 tickers, comma-separated (`AAPL,MSFT`).
    #[schemars(regex(
        pattern = r"^[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?(,[A-Za-z][A-Za-z0-9]{0,5}([.-][A-Za-z0-9]{1,3})?){1,9}$"
    ))]
    tickers: String,
    /// The close of this date (YYYY-MM-DD); default: the latest date in the store.
    as_of: Option<alphadesk_model::NaiveDate>,
}

async fn compare(State(s): Svc, Q(p): Q<CompareQuery>) -> ApiResult<alphadesk_service::Comparison> {
    // Each as given, a repeat included: the list is the comparison asked for.
    let tickers: Vec<String> = p.tickers.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    Ok(Json(blocking(move || s.compare(&tickers, p.as_of)).await?))
}

/// The panel in the format asked for: `format`, else the `Accept` header, else JSON.
async fn panel(
    State(s): Svc,
    headers: axum::http::HeaderMap,
    Q(p): Q<alphadesk_service::params::PanelParams>,
) -> Result<Response, ApiError> {
    use alphadesk_service::params::PanelFormat;
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let format = p.format.unwrap_or(if accept.contains("text/csv") {
        PanelFormat::Csv
    } else if accept.contains("parquet") {
        PanelFormat::Parquet
    } else {
        PanelFormat::Json
    });
    let name = format!(
        "panel-{}-{}",
        p.from.map(|d| d.to_string()).unwrap_or_default(),
        p.to.map(|d| d.to_string()).unwrap_or_default()
    );
    let answer = blocking(move || {
        let panel = s.panel(&p)?;
        Ok(match format {
            PanelFormat::Json => Err(panel.view()),
            PanelFormat::Csv => Ok(("text/csv; charset=utf-8", "csv", panel.csv()?)),
            PanelFormat::Parquet => Ok(("application/vnd.apache.parquet", "parquet", panel.parquet()?)),
        })
    })
    .await?;
    Ok(match answer {
        Err(view) => Json(view).into_response(),
        Ok((media, extension, bytes)) => download(media, &format!("{}.{extension}", name.trim_end_matches('-')), bytes),
    })
}

/// A file to save: its type, and the name a browser saves it under.
pub(crate) fn download(media: &str, file: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, media.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// CSV to save as `NAME.csv`.
pub(crate) fn csv_download(name: &str, bytes: Vec<u8>) -> Response {
    download("text/csv; charset=utf-8", &format!("{name}.csv"), bytes)
}

async fn get_news(
    State(s): Svc,
    TickerPath(t): TickerPath,
    Q(p): Q<alphadesk_service::params::NewsQuery>,
) -> ApiResult<alphadesk_service::NewsView> {
    Ok(Json(blocking(move || s.news(&t, &p)).await?))
}

async fn get_ticker_notes(
    State(s): Svc,
    TickerPath(t): TickerPath,
    Q(p): Q<AsOfParams>,
) -> ApiResult<Vec<NoteSummary>> {
    Ok(Json(blocking(move || s.ticker_notes(&t, p.as_of)).await?))
}

async fn list_notes(State(s): Svc, Q(p): Q<NotesParams>) -> ApiResult<Page<NoteSummary>> {
    Ok(Json(blocking(move || s.notes(p.as_of, p.limit, p.offset.unwrap_or(0))).await?))
}

async fn get_note(State(s): Svc, Path(id): Path<String>) -> ApiResult<NoteView> {
    Ok(Json(blocking(move || s.note_by_id(&id)).await?.as_ref().clone()))
}

/// The query's date and subjects win over the JSON body's.
async fn post_check(
    State(s): Svc,
    Q(p): Q<CheckQuery>,
    NoteBody(b): NoteBody,
) -> ApiResult<alphadesk_service::Verdict> {
    let as_of = p.as_of.or(b.as_of);
    let ticker = p.ticker.or(b.ticker);
    Ok(Json(blocking(move || s.check(&b.markdown, as_of, &subject_list(ticker.as_deref())?)).await?))
}

async fn list_themes(State(s): Svc, Q(p): Q<ThemesParams>) -> ApiResult<ThemesView> {
    Ok(Json(blocking(move || s.find_themes(&p)).await?))
}

async fn get_story(State(s): Svc, Q(p): Q<StoryParams>) -> ApiResult<StoryView> {
    Ok(Json(blocking(move || s.story(&p.theme_ref()?, p.as_of, p.from)).await?))
}

async fn get_validation(State(s): Svc) -> ApiResult<alphadesk_service::Figures> {
    Ok(Json(blocking(move || s.figures()).await?.as_ref().clone()))
}

async fn post_backtest(State(s): Svc, BacktestBody(p): BacktestBody) -> ApiResult<alphadesk_service::Backtest> {
    Ok(Json(blocking(move || s.run_backtest(&p)).await?))
}

async fn get_live_record(State(s): Svc) -> ApiResult<alphadesk_service::LiveRecord> {
    Ok(Json(blocking(move || s.live_record()).await?))
}

async fn search(State(s): Svc, Q(p): Q<SearchParams>) -> ApiResult<Vec<SearchHit>> {
    Ok(Json(blocking(move || s.search(&p.q, p.limit.unwrap_or(20))).await?))
}

async fn healthz(State(s): Svc) -> ApiResult<Health> {
    Ok(Json(blocking(move || s.health()).await?))
}

/// One route as the OpenAPI document describes it.
pub struct Endpoint {
    /// The HTTP method, lower case.
    pub method: &'static str,
    /// The path under `/api/v1`, with `{name}` for path parameters.
    pub path: &'static str,
    /// What it answers, in a sentence.
    pub summary: &'static str,
    /// Each path parameter and its description.
    pub path_params: &'static [(&'static str, &'static str)],
    /// The JSON Schema of its query string.
    pub query: Option<fn(&mut SchemaGenerator) -> Schema>,
    /// Content types and schema of the request body.
    pub body: Option<fn(&mut SchemaGenerator) -> Schema>,
    /// The JSON Schema of its answer.
    pub response: fn(&mut SchemaGenerator) -> Schema,
}

const TICKER: &[(&str, &str)] = &[("ticker", "The ticker symbol, e.g. AAPL (BRK.B and BRK-B are one security).")];
const NOTE_ID: &[(&str, &str)] = &[("id", "A note id, TICKER-YYYY-MM-DD.")];

/// Declares the API: each line registers a handler and documents it.
macro_rules! api {
    ($( $method:ident $path:literal $handler:ident, $summary:literal, params: $params:expr, query: $query:ty, body: $body:ty, response: $resp:ty; )*) => {
        /// The API routes (relative to `/api/v1`).
        pub fn routes() -> Router<Arc<Service>> {
            Router::new()$(.route($path, $method($handler)))*
        }

        /// Every route, for the OpenAPI document.
        pub fn endpoints() -> Vec<Endpoint> {
            vec![$(Endpoint {
                method: stringify!($method),
                path: $path,
                summary: $summary,
                path_params: $params,
                query: schema_of::<$query>(),
                body: schema_of::<$body>(),
                response: |g| g.subschema_for::<$resp>(),
            }),*]
        }
    };
}

/// `None` for the unit type (no query, no body), else `T`'s schema.
fn schema_of<T: JsonSchema + 'static>() -> Option<fn(&mut SchemaGenerator) -> Schema> {
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<()>() {
        None
    } else {
        Some(|g| g.subschema_for::<T>())
    }
}

api! {
    get "/tickers" list_tickers, "Alpha Scores of a date: filter by sector, sort, page.", params: &[], query: TickersParams, body: (), response: ScoresView;
    get "/tickers/{ticker}" get_ticker, "One ticker's score record, both explanation sentences, and every metric with its inputs and sources.", params: TICKER, query: AsOfParams, body: (), response: TickerView;
    get "/tickers/{ticker}/facts" get_facts, "Standardised fundamentals known at the close of a date, each with concept, period, filing date and source.", params: TICKER, query: AsOfParams, body: (), response: alphadesk_service::FactsReport;
    get "/tickers/{ticker}/prices" get_prices, "Daily closes with the file and line of each, and the 52-week range.", params: TICKER, query: RangeParams, body: (), response: PricesView;
    get "/tickers/{ticker}/insiders" get_insiders, "Open-market insider trades (Form 4, codes P and S) filed by a date.", params: TICKER, query: AsOfParams, body: (), response: InsidersView;
    get "/tickers/{ticker}/holders" get_holders, "Each 13F manager's latest position filed by a date.", params: TICKER, query: AsOfParams, body: (), response: HoldersView;
    get "/tickers/{ticker}/history" get_history, "The ticker's Alpha Score and pillar scores at each month end from `from` (default: two years before `to`) to `to` (default: the latest date), at most ten years, in one answer.", params: TICKER, query: alphadesk_service::params::HistoryQuery, body: (), response: alphadesk_service::ScoreHistory;
    get "/tickers/{ticker}/news" get_news, "Stored articles about the company, newest first: headline, opening, published and first-known dates, relevance (default at least 40) and tone, each with its URL or file and line.", params: TICKER, query: alphadesk_service::params::NewsQuery, body: (), response: alphadesk_service::NewsView;
    get "/tickers/{ticker}/change" get_change, "How the ticker's Alpha Score moved from the previous month end to the close of `as_of`: the score and each pillar at both closes, and every metric whose value or sector percentile moved, the largest weighted move first, with a summary in words.", params: TICKER, query: AsOfParams, body: (), response: alphadesk_service::ScoreChange;
    get "/tickers/{ticker}/peers" get_peers, "The stocks of the ticker's sector nearest it by market cap on a date (the ticker first), with scores, market caps and changes since the previous month end.", params: TICKER, query: PeersQuery, body: (), response: alphadesk_service::ScoreList;
    get "/tickers/{ticker}/notes" get_ticker_notes, "The ticker's notes at the date and the three month ends before, with their verdicts.", params: TICKER, query: AsOfParams, body: (), response: Vec<NoteSummary>;
    get "/changes" get_changes, "The change log: what each sync that finished on or after `since` (default: the last sync) stored — filings, open-market insider trades, articles with the companies they were linked to, the last close before and after — and every Alpha Score that moved by 10 points or more between those two closes, with the metric that moved it most and a summary in words.", params: &[], query: alphadesk_service::params::ChangesParams, body: (), response: alphadesk_service::ChangesView;
    get "/screen" screen, "A screen of a date's scores: one sector or all, thresholds on the total (min_score, max_score), each pillar (min_momentum, min_value, min_quality, min_sentiment), market cap in USD (min_market_cap, max_market_cap) and the change since the previous month end (min_change, max_change), ordered by any of them (`sort`, `order`), at most `limit` rows (1-100); JSON, or CSV by `format=csv` or `Accept: text/csv`. The page /screen takes the same parameters.", params: &[], query: alphadesk_service::params::ListScoresParams, body: (), response: alphadesk_service::ScoreList;
    get "/compare" compare, "Two to ten tickers side by side on one date (`tickers=AAPL,MSFT`), each with its published explanation sentence.", params: &[], query: CompareQuery, body: (), response: alphadesk_service::Comparison;
    get "/panel" panel, "Every ticker's Alpha Score, pillar scores and raw metric values at each rebalance date from `from` to `to` (at most ten years, 600 dates), one sector or all, in one answer: JSON, CSV or Parquet by `format` or the `Accept` header (text/csv, application/vnd.apache.parquet).", params: &[], query: alphadesk_service::params::PanelParams, body: (), response: alphadesk_service::PanelView;
    get "/notes" list_notes, "Every ticker's note of a date, with its verdict.", params: &[], query: NotesParams, body: (), response: Page<NoteSummary>;
    get "/notes/{id}" get_note, "A note: its Markdown, claims with sources, and the checker's verdict.", params: NOTE_ID, query: (), body: (), response: NoteView;
    post "/check" post_check, "Check a Markdown note (the body, or JSON {\"markdown\"}) against the publishing rules.", params: &[], query: CheckQuery, body: alphadesk_service::params::CheckParams, response: alphadesk_service::Verdict;
    get "/themes" list_themes, "Themes of the stored articles of a window, with the companies they concern; with `query`, the one theme that matches.", params: &[], query: ThemesParams, body: (), response: ThemesView;
    get "/stories" get_story, "A theme story composed from data as of a date, with the checker's verdict.", params: &[], query: StoryParams, body: (), response: StoryView;
    get "/validation" get_validation, "The figures of record: a walk-forward backtest of the Alpha Score (historical simulation, not a forecast).", params: &[], query: (), body: (), response: alphadesk_service::Figures;
    get "/validation/live" get_live_record, "The live record: each latest close's Alpha Scores as this desk first stated them (kept as stated), with the rank IC of the 21-trading-day returns that followed once they have; the live mean counts only closes stated within a week of themselves, never a store built from history.", params: &[], query: (), body: (), response: alphadesk_service::LiveRecord;
    post "/backtest" post_backtest, "A backtest of the Alpha Score with any span, horizon and rebalance (at most ten years, 600 rebalance dates), the IC decay at up to ten more horizons (`horizons`), and your own factor evaluated beside the score (`factor` rows or `factor_csv` text: date, ticker, value) by the same point-in-time forward returns, calendar and universe: rank IC (also sector-neutral), quintile returns raw, demeaned and sector-neutral with standard errors, the factor-weighted long-short with alpha and beta, turnover and rank autocorrelation, and what of the factor was used or dropped and why. A historical simulation on survivorship-biased data, not a forecast. JSON body, at most 8 MiB.", params: &[], query: (), body: alphadesk_service::params::BacktestParams, response: alphadesk_service::Backtest;
    get "/search" search, "Tickers by symbol or company-name words.", params: &[], query: SearchParams, body: (), response: Vec<SearchHit>;
    get "/healthz" healthz, "The service's state: store generation, universe size, latest date.", params: &[], query: (), body: (), response: Health;
}

/// The OpenAPI 3.1 document of the API, generated from [`endpoints`].
pub fn openapi() -> Value {
    // Parameters and bodies are described as they are read, answers as they are
    // written: a field an answer leaves out when empty (`price_basis` with no
    // price) is optional there, though required of a reader.
    let settings = || {
        schemars::generate::SchemaSettings::draft2020_12().with(|s| {
            s.definitions_path = "#/components/schemas/".into();
        })
    };
    let mut g = SchemaGenerator::new(settings());
    let mut answers = SchemaGenerator::new(settings().for_serialize());
    let error = answers.subschema_for::<ErrorBody>();
    let mut paths = Map::new();
    for e in endpoints() {
        let mut parameters: Vec<Value> = e
            .path_params
            .iter()
            .map(|(name, desc)| json!({"name": name, "in": "path", "required": true, "description": desc, "schema": path_schema(name), "example": example(name)}))
            .collect();
        if let Some(q) = e.query {
            let s = q(&mut g);
            let resolved = resolve(&g, &s);
            let required: Vec<String> = resolved
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            if let Some(props) = resolved.get("properties").and_then(Value::as_object) {
                for (name, schema) in props {
                    let mut schema = schema.clone();
                    let description = schema.as_object_mut().and_then(|o| o.remove("description"));
                    // A query parameter is absent or a value, never null: its
                    // default is its absence.
                    if let Some(o) = schema.as_object_mut() {
                        if o.get("default").is_some_and(Value::is_null) {
                            o.remove("default");
                        }
                        if let Some(Value::Array(e)) = o.get_mut("enum") {
                            e.retain(|v| !v.is_null());
                        }
                        if let Some(Value::Array(t)) = o.get_mut("type") {
                            t.retain(|v| v != "null");
                        }
                    }
                    let mut p =
                        json!({"name": name, "in": "query", "required": required.contains(name), "schema": schema});
                    if let Some(d) = description {
                        p["description"] = d;
                    }
                    if let Some(x) = example(name) {
                        p["example"] = x.into();
                    }
                    parameters.push(p);
                }
            }
        }
        let mut op = json!({
            "summary": e.summary,
            "operationId": operation_id(e.method, e.path),
            "parameters": parameters,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": (e.response)(&mut answers)}}},
                "400": {"description": "A malformed or out-of-range parameter.", "content": {"application/json": {"schema": error.clone()}}},
                "404": {"description": "An unknown ticker, note or route, or no data on the date.", "content": {"application/json": {"schema": error.clone()}}},
            },
        });
        if let Some(b) = e.body {
            let schema = b(&mut g);
            if e.path == "/backtest" {
                op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": schema}}});
                op["responses"]["413"] = json!({"description": format!("A body over {} MiB.", MAX_BACKTEST_BODY >> 20), "content": {"application/json": {"schema": error.clone()}}});
                op["responses"]["503"] = json!({"description": "Every place for a computation is taken: retry after the seconds in `Retry-After`.", "content": {"application/json": {"schema": error.clone()}}});
                op["responses"]["415"] = json!({"description": "A body that is not application/json.", "content": {"application/json": {"schema": error.clone()}}});
            } else {
                op["requestBody"] = json!({
                    "required": true,
                    "content": {
                        "text/markdown": {"schema": {"type": "string", "maxLength": MAX_BODY, "pattern": "\\S"}},
                        "application/json": {"schema": schema},
                    },
                });
                op["responses"]["413"] = json!({"description": "A body over 1 MiB.", "content": {"application/json": {"schema": error.clone()}}});
                op["responses"]["422"] = json!({"description": "A note that cannot be read (not UTF-8).", "content": {"application/json": {"schema": error.clone()}}});
            }
        }
        if e.path == "/panel" || e.path == "/screen" {
            // Also sent as CSV (and the panel as Parquet): `format`, or `Accept`.
            let content = &mut op["responses"]["200"]["content"];
            content["text/csv"] = json!({"schema": {"type": "string"}});
            if e.path == "/panel" {
                content["application/vnd.apache.parquet"] =
                    json!({"schema": {"type": "string", "contentMediaType": "application/vnd.apache.parquet"}});
            }
        }
        let entry = paths.entry(format!("/api/v1{}", e.path)).or_insert_with(|| json!({}));
        entry[e.method] = op;
    }
    let mut components: Map<String, Value> =
        g.take_definitions(true).into_iter().map(|(k, v)| (k, strip_schema_keyword(v))).collect();
    for (k, v) in answers.take_definitions(true) {
        let v = strip_schema_keyword(v);
        // One name, one schema: a type both read and written must be described
        // alike both ways (a unit test holds this).
        if components.get(&k).is_some_and(|known| *known != v) {
            components.insert(format!("{k}__as_read_and_written_differently"), v);
        } else {
            components.insert(k, v);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "alphadesk",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "An open equity research desk: Alpha Scores with their explanations, fundamentals, prices, insider trades, 13F holders, research notes and the publishing-rules checker, every number with its source and as-of date. Read-only. Scores are within-sector ranks, not forecasts.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "paths": paths,
        "components": {"schemas": components},
    })
}

/// `get /tickers/{ticker}/facts` → `get_tickers_ticker_facts`.
fn operation_id(method: &str, path: &str) -> String {
    let clean: String = path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let mut id = format!("{method}{clean}");
    while id.contains("__") {
        id = id.replace("__", "_");
    }
    id.trim_end_matches('_').to_string()
}

/// A schema with its `$ref` followed into the generator's definitions.
fn resolve(g: &SchemaGenerator, s: &Schema) -> Value {
    let v = s.as_value().clone();
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or(r);
            g.definitions().get(name).cloned().unwrap_or(v)
        }
        None => v,
    }
}

/// An example value of a parameter, by its name: one the demo store answers.
fn example(name: &str) -> Option<&'static str> {
    Some(match name {
        "ticker" => "AAPL",
        "id" => "AAPL-2018-04-30",
        "tickers" => "AAPL,MSFT",
        "as_of" | "to" => "2018-04-30",
        "from" => "2017-05-01",
        "sector" => "Information Technology",
        "q" => "apple",
        "query" => "iPhone",
        _ => return None,
    })
}

/// What a path parameter may be: a ticker as `Ticker::new` reads one (a
/// letter first, letters and digits, `.` or `-` between), a note id as a
/// ticker and a date.
fn path_schema(name: &str) -> Value {
    const TICKER: &str = "[A-Za-z][A-Za-z0-9]*([.-][A-Za-z0-9]+)*";
    match name {
        "ticker" => json!({"type": "string", "pattern": format!("^{TICKER}$"), "maxLength": 12}),
        "id" => json!({
            "type": "string",
            "pattern": format!("^{TICKER}-[0-9]{{4}}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
            "maxLength": 23,
        }),
        _ => json!({"type": "string"}),
    }
}

fn strip_schema_keyword(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("$schema");
    }
    v
}

/// Every path the router serves, in OpenAPI form (for the test that holds the
/// document to the router).
pub fn served_paths() -> Vec<(String, String)> {
    endpoints().into_iter().map(|e| (e.method.to_string(), format!("/api/v1{}", e.path))).collect()
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOC.get_or_init(|| openapi().to_string()).clone();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_and_name_what_is_wrong() {
        let p: TickersParams = serde_urlencoded_like("as_of=2018-04-30&sector=Health%20Care&limit=10").unwrap();
        assert_eq!(
            (p.as_of.unwrap().to_string(), p.sector.as_deref(), p.limit),
            ("2018-04-30".into(), Some("Health Care"), Some(10))
        );
        let e = serde_urlencoded_like::<TickersParams>("as_of=2018-13-40").err().unwrap();
        assert!(e.message.contains("as_of") || e.message.contains("input"), "{}", e.message);
        assert!(serde_urlencoded_like::<TickersParams>("limit=ten").err().unwrap().message.contains("limit"));
        assert!(serde_urlencoded_like::<TickersParams>("bogus=1").err().unwrap().message.contains("bogus"));
        assert!(serde_urlencoded_like::<TickersParams>("a=%zz").is_err());
        assert!(serde_urlencoded_like::<TickersParams>("sector=%ff%fe").is_err());
        assert!(serde_urlencoded_like::<TickersParams>("limit=1&limit=2").is_err());
        // A text parameter that looks like a number stays text.
        let q: SearchParams = serde_urlencoded_like("q=3M").unwrap();
        assert_eq!(q.q, "3M");
        let q: SearchParams = serde_urlencoded_like("q=007&limit=5").unwrap();
        assert_eq!((q.q.as_str(), q.limit), ("007", Some(5)));
    }

    #[test]
    fn every_route_is_documented() {
        let doc = openapi();
        for (method, path) in served_paths() {
            assert!(doc["paths"][&path][&method].is_object(), "{method} {path} is not in the OpenAPI document");
        }
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["components"]["schemas"]["ScoreRecord"].is_object());
        let names: Vec<&String> = doc["components"]["schemas"].as_object().unwrap().keys().collect();
        assert!(!names.iter().any(|k| k.contains("__as_read_and_written_differently")), "{names:?}");
        // An answer's field left out when empty is not required of the answer.
        let facts = &doc["components"]["schemas"]["FactsReport"];
        assert!(
            !facts["required"].as_array().unwrap().iter().any(|r| r == "price_basis"),
            "price_basis is skipped when empty: {facts}"
        );
    }
}
