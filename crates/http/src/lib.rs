//! alphadesk on the web: one router over the service layer.
//!
//! - `/api/v1/...`: the JSON API ([`api`]), its OpenAPI 3.1 document at
//!   `/api/v1/openapi.json`, generated from the same declarations that route it;
//! - `/`, `/t/{ticker}`, `/notes/{id}`, `/validation`, `/methodology`: pages
//!   ([`pages`]), server-rendered, no scripts, no remote assets;
//! - `/mcp`: the MCP tools over streamable HTTP (`alphadesk-mcp`).
//!
//! Handlers parse, call the service and render; none opens the store. The router
//! is read-only: no route changes the store. Around it: request logs (`tracing`),
//! a panic turned into a 500 (the server keeps answering), a request timeout
//! whose expiry also abandons the computation nobody else waits for (see
//! `alphadesk_service::work`), gzip/brotli, an ETag per content coding with
//! `Cache-Control` on every successful GET (a matching `If-None-Match` gets 304),
//! and the security headers every answer carries. [`app`] builds the router,
//! which the tests drive in-process; [`serve`] runs it on a socket through
//! [`conn`] (connection cap, header timeout) with a graceful shutdown on SIGTERM
//! and Ctrl-C.

#![warn(missing_docs)]

pub mod api;
pub mod conn;
pub mod error;
mod markdown;
mod mcp_guard;
pub mod pages;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use alphadesk_service::Service;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;

/// How the server is run.
#[derive(Debug, Clone)]
pub struct Options {
    /// A request that takes longer is answered 408.
    pub timeout: Duration,
    /// Host names accepted by `/mcp` besides loopback (DNS-rebinding defence).
    pub hosts: Vec<String>,
    /// Browser origins allowed to call `/mcp` besides the server's own loopback
    /// address (`http://127.0.0.1:PORT`, `http://localhost:PORT`); a request
    /// without `Origin` (not a browser) is allowed.
    pub origins: Vec<String>,
    /// MCP sessions alive at once; an `initialize` past it is refused (503).
    pub max_sessions: usize,
    /// An MCP session unused this long is closed.
    pub session_idle: Duration,
    /// Connection limits and timeouts.
    pub limits: conn::Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(20),
            hosts: Vec::new(),
            origins: Vec::new(),
            max_sessions: 1000,
            session_idle: Duration::from_secs(600),
            limits: conn::Limits::default(),
        }
    }
}

/// The headers every answer carries: pages load only their own stylesheet and
/// are never framed; no answer is sniffed as another type.
const SECURITY_HEADERS: [(header::HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    res
}

/// The whole site: API, pages and MCP, with the middleware around them.
pub fn app(service: Arc<Service>, opts: &Options) -> Router {
    let api = api::routes()
        .route("/openapi.json", get(api::openapi_json))
        // JSON 404 for unknown API routes.
        .fallback(|| async { ApiError::not_found("no such API route; see /api/v1/openapi.json") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route answers another method; see /api/v1/openapi.json",
            )
        })
        .layer(DefaultBodyLimit::max(api::MAX_BODY));
    let pages = Router::new()
        .route("/", get(pages::leaderboard))
        .route("/t/{ticker}", get(pages::stock))
        .route("/search", get(pages::search))
        .route("/screen", get(pages::screen))
        .route("/screener", get(pages::screener))
        .route("/compare", get(pages::compare))
        .route("/notes", get(pages::notes))
        .route("/notes/{id}", get(pages::note))
        .route("/stories", get(pages::stories))
        .route("/stories/{id}", get(pages::story))
        .route("/themes", get(pages::themes))
        .route("/validation", get(pages::validation))
        .route("/methodology", get(pages::methodology))
        .route("/static/site.css", get(pages::css));
    let mcp_config = alphadesk_mcp::HttpConfig {
        hosts: opts.hosts.clone(),
        origins: opts.origins.clone(),
        session_idle: opts.session_idle,
    };
    let (mcp, sessions) = alphadesk_mcp::http_service(service.clone(), &mcp_config);
    let guard = mcp_guard::Guard::new(sessions, opts.max_sessions);
    let mcp =
        Router::new().fallback_service(mcp).layer(middleware::from_fn_with_state(Arc::new(guard), mcp_guard::guard));
    Router::new()
        .nest("/api/v1", api)
        .merge(pages)
        .nest_service("/mcp", mcp)
        .fallback(pages::not_found)
        .with_state(service)
        .layer(CompressionLayer::new().gzip(true).br(true))
        // Outside compression: the tag is of the bytes sent, so a gzip answer and
        // an identity answer never share one.
        .layer(middleware::from_fn(etag))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(opts.timeout, timeout))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server failed to answer this request")
                .into_response()
        }))
        .layer(TraceLayer::new_for_http())
}

/// A request that takes longer than `limit` (a slow client sending its body, a
/// slow answer) is answered 408 in the one error shape; the work it started is
/// dropped.
async fn timeout(axum::extract::State(limit): axum::extract::State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!("the request took longer than {} s", limit.as_secs_f64()),
        )
        .into_response(),
    }
}

/// A request's media type without its parameters, lower-cased
/// (`Application/JSON; charset=utf-8` → `application/json`); `?` when the header
/// is not text.
pub(crate) fn media_type(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("?").split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// An ETag (a hash of the body) and `Cache-Control` on successful GETs; 304 when
/// the client's `If-None-Match` names the same body.
async fn etag(req: Request, next: Next) -> Response {
    let get = req.method() == Method::GET;
    let is_mcp = req.uri().path().starts_with("/mcp");
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let res = next.run(req).await;
    if !get || is_mcp || res.status() != StatusCode::OK {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the answer could not be read")
            .into_response();
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!("\"{}\"", digest[..12].iter().map(|b| format!("{b:02x}")).collect::<String>());
    if let Ok(v) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, v);
    }
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        // Answers change when the store does (an ingest, a sync): short-lived, and
        // revalidated cheaply by the ETag.
        parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    }
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Binds `addr`; when `or_free_port` and the port is taken, a free port on the
/// same address instead (the demo's "8080, or whatever is free").
pub async fn bind(addr: SocketAddr, or_free_port: bool) -> std::io::Result<tokio::net::TcpListener> {
    match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => Ok(l),
        Err(e) if or_free_port && e.kind() == std::io::ErrorKind::AddrInUse => {
            tokio::net::TcpListener::bind(SocketAddr::new(addr.ip(), 0))
                .await
                .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {}: {e}", addr.ip())))
        }
        Err(e) => Err(std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}"))),
    }
}

/// Serves `app` on `listener` until SIGTERM or Ctrl-C, then finishes the
/// requests in flight. `ready` is called with the bound address.
pub async fn serve(
    service: Arc<Service>,
    listener: tokio::net::TcpListener,
    opts: Options,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    serve_until(service, listener, opts, Arc::default(), ready, shutdown_signal()).await
}

/// [`serve`] until `shutdown` resolves, counting connections in `registry`
/// (tests stop it without a signal and read the counts).
pub async fn serve_until(
    service: Arc<Service>,
    listener: tokio::net::TcpListener,
    opts: Options,
    registry: Arc<conn::Registry>,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let bound = listener.local_addr()?;
    let mut opts = opts;
    opts.hosts.push(bound.ip().to_string());
    opts.hosts.push(bound.to_string());
    // The server's own pages may call /mcp from a browser; so may the loopback
    // names of its address.
    let port = bound.port();
    opts.origins.extend([
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        format!("http://[::1]:{port}"),
        format!("http://{bound}"),
    ]);
    let router = app(service, &opts);
    ready(bound);
    conn::run(listener, router, opts.limits.clone(), registry, shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
