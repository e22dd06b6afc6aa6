//! What `/mcp` checks before the MCP SDK sees a request: that a POST is JSON
//! (a JSON-RPC error when it is not, as the protocol's clients expect, where the
//! SDK would answer in plain text), that a new session fits under the cap, and
//! that a session has sent `notifications/initialized` before anything but a
//! ping. Origin and Host are checked by the SDK itself (see
//! `alphadesk_mcp::HttpConfig`).
//!
//! The SDK answers requests before `initialized` (the specification says a
//! client SHOULD NOT send them), and clients post messages concurrently (the
//! Python SDK does): so a request that arrives first waits a moment for its
//! session's notification before it is refused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The largest JSON-RPC message read.
const MAX_MESSAGE: usize = 4 << 20;

/// How long a request waits for its session's `initialized` notification.
const INITIALIZED_GRACE: Duration = Duration::from_secs(2);

pub(crate) struct Guard {
    pub sessions: alphadesk_mcp::Sessions,
    pub max_sessions: usize,
    /// Per session id: whether `notifications/initialized` has come.
    pub initialized: Mutex<HashMap<String, tokio::sync::watch::Sender<bool>>>,
}

impl Guard {
    pub(crate) fn new(sessions: alphadesk_mcp::Sessions, max_sessions: usize) -> Guard {
        Guard { sessions, max_sessions, initialized: Mutex::new(HashMap::new()) }
    }

    fn state(&self, session: &str) -> tokio::sync::watch::Receiver<bool> {
        let mut map = self.initialized.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(session.to_string()).or_insert_with(|| tokio::sync::watch::channel(false).0).subscribe()
    }

    async fn mark_initialized(&self, session: &str) {
        let prune = {
            let mut map = self.initialized.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(session.to_string()).or_insert_with(|| tokio::sync::watch::channel(false).0).send_replace(true);
            map.len() > 2 * self.max_sessions
        };
        if prune {
            // Forget sessions the SDK has closed (expired or deleted).
            let live = self.sessions.ids().await;
            let mut map = self.initialized.lock().unwrap_or_else(|p| p.into_inner());
            map.retain(|id, _| live.contains(id));
        }
    }
}

/// A JSON-RPC error answer with no request id (the request could not be read).
fn rpc_error(status: StatusCode, code: i64, message: impl Into<String>) -> Response {
    let body = json!({"jsonrpc": "2.0", "id": Value::Null, "error": {"code": code, "message": message.into()}});
    let mut res = (status, axum::Json(body)).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
    }
    res
}

pub(crate) async fn guard(State(g): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    if crate::media_type(req.headers()).as_deref() != Some("application/json") {
        return rpc_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            -32600,
            "an MCP message is posted as Content-Type: application/json",
        );
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_MESSAGE).await {
        Ok(b) => b,
        Err(_) => {
            return rpc_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                -32600,
                format!("the message is over {MAX_MESSAGE} bytes or was not sent whole"),
            )
        }
    };
    let message: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return rpc_error(StatusCode::BAD_REQUEST, -32700, format!("Parse error: {e}")),
    };
    // A batch or one message.
    let messages: Vec<&Value> = match &message {
        Value::Array(batch) => batch.iter().collect(),
        m => vec![m],
    };
    let method = |m: &Value| m.get("method").and_then(Value::as_str).map(str::to_string);
    let is_initialize = messages.iter().any(|m| method(m).as_deref() == Some("initialize"));
    let session = parts.headers.get("mcp-session-id").and_then(|v| v.to_str().ok()).map(str::to_string);
    if let Some(session) = &session {
        if messages.iter().any(|m| method(m).as_deref() == Some("notifications/initialized")) {
            g.mark_initialized(session).await;
        }
        // A request (it has an id) other than a ping needs `initialized` first.
        let gated = messages
            .iter()
            .find(|m| m.get("id").is_some() && method(m).is_some_and(|x| x != "ping" && x != "initialize"));
        if let Some(request) = gated {
            let mut state = g.state(session);
            let ready = tokio::time::timeout(INITIALIZED_GRACE, state.wait_for(|i| *i)).await.is_ok_and(|r| r.is_ok());
            if !ready {
                let body = json!({"jsonrpc": "2.0", "id": request.get("id").cloned().unwrap_or(Value::Null),
                    "error": {"code": -32600, "message": "send notifications/initialized after the initialize result, before other requests"}});
                return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
            }
        }
    }
    if is_initialize && session.is_none() {
        let live = g.sessions.live().await;
        if live >= g.max_sessions {
            return rpc_error(
                StatusCode::SERVICE_UNAVAILABLE,
                -32000,
                format!(
                    "the server holds its maximum of {} MCP sessions; end one (DELETE /mcp with its Mcp-Session-Id) or retry when idle sessions expire",
                    g.max_sessions
                ),
            );
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
