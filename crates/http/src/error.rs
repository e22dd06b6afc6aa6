//! Errors into responses: one shape for every failure,
//! `{"error": {"code", "message"}}`, with the status the service's error kind
//! names. Internals are logged, not shown.

use alphadesk_service::{Kind, ServiceError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use schemars::JsonSchema;
use serde::Serialize;

/// What every failed request returns.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// A failure's code and message.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorDetail {
    /// bad_input, not_found, unprocessable, too_large, unavailable, internal,
    /// timeout, or unsupported_media_type.
    pub code: String,
    /// What went wrong, naming the parameter, file or value.
    pub message: String,
}

/// A failed request.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status answered.
    pub status: StatusCode,
    /// The stable code of [`ErrorDetail::code`].
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
}

impl ApiError {
    /// A failure with any status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }

    /// 400: a malformed or out-of-range parameter.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_input", message)
    }

    /// 404: an unknown ticker, note or route, or no data on the date.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let status = StatusCode::from_u16(e.kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = if e.kind == Kind::Internal {
            // The message may name files on the server; the log keeps it.
            tracing::error!(error = %e.message, "internal error");
            "the server failed to answer; the error is in its log".to_string()
        } else {
            e.message
        };
        ApiError { status, code: e.kind.code(), message }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let busy = self.status == StatusCode::SERVICE_UNAVAILABLE;
        let body = ErrorBody { error: ErrorDetail { code: self.code.to_string(), message: self.message } };
        let mut res = (self.status, Json(body)).into_response();
        if busy {
            // A busy server says when to come back rather than queueing callers.
            let secs = alphadesk_service::work::RETRY_AFTER_SECS.to_string();
            if let Ok(v) = axum::http::HeaderValue::from_str(&secs) {
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        res
    }
}
