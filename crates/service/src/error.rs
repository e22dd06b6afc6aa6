//! One error type for every face: its [`Kind`] is what the CLI maps to an exit
//! code, the server to an HTTP status and the MCP server to a JSON-RPC error.

use alphadesk_store::StoreError;

/// What went wrong, by whose fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A malformed or out-of-range parameter (HTTP 400, exit 2).
    BadInput,
    /// An unknown ticker, note or date with no data (HTTP 404, exit 2).
    NotFound,
    /// Input that is well-formed but cannot be processed: a note that is not
    /// UTF-8, a ticker with too little data for a note (HTTP 422, exit 2).
    Unprocessable,
    /// Input larger than the limit (HTTP 413, exit 2).
    TooLarge,
    /// The store is busy or cannot be read now (HTTP 503, exit 2).
    Unavailable,
    /// A bug or a broken store (HTTP 500, exit 2).
    Internal,
}

impl Kind {
    /// The stable code in error bodies (`{"error": {"code", "message"}}`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::BadInput => "bad_input",
            Kind::NotFound => "not_found",
            Kind::Unprocessable => "unprocessable",
            Kind::TooLarge => "too_large",
            Kind::Unavailable => "unavailable",
            Kind::Internal => "internal",
        }
    }

    /// The HTTP status a face answers it with.
    pub fn http_status(self) -> u16 {
        match self {
            Kind::BadInput => 400,
            Kind::NotFound => 404,
            Kind::Unprocessable => 422,
            Kind::TooLarge => 413,
            Kind::Unavailable => 503,
            Kind::Internal => 500,
        }
    }
}

/// A service failure: its kind and a message for the person or program that asked.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ServiceError {
    /// What kind of failure.
    pub kind: Kind,
    /// What went wrong, naming the parameter, file or value.
    pub message: String,
}

impl ServiceError {
    /// A failure of any kind.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        ServiceError { kind, message: message.into() }
    }

    /// A malformed or out-of-range parameter.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(Kind::BadInput, message)
    }

    /// An unknown ticker or note, or no data on the date.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }

    /// Input well formed but unusable (an empty note).
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(Kind::Unprocessable, message)
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        if e.is_corrupt() {
            return ServiceError::new(
                Kind::Unavailable,
                format!("{e}: the store file is damaged; `alphadesk verify` says where, `alphadesk verify --rebuild` repairs it from its sources"),
            );
        }
        let kind = if e.is_busy() {
            Kind::Unavailable
        } else {
            match e {
                StoreError::Invalid { .. } | StoreError::TooNew { .. } | StoreError::Io { .. } => Kind::Unavailable,
                StoreError::Parse { .. } | StoreError::Basis { .. } => Kind::BadInput,
                _ => Kind::Internal,
            }
        };
        ServiceError { kind, message: e.to_string() }
    }
}

impl From<alphadesk_notes::NoteError> for ServiceError {
    fn from(e: alphadesk_notes::NoteError) -> Self {
        use alphadesk_notes::NoteError::*;
        match e {
            UnknownTicker(_) | NotScored { .. } => ServiceError::not_found(e.to_string()),
            TooLittleData { .. } | NoArticles { .. } | NoHeadline { .. } => ServiceError::unprocessable(e.to_string()),
            Store(s) => s.into(),
        }
    }
}

impl From<alphadesk_rules::CheckError> for ServiceError {
    fn from(e: alphadesk_rules::CheckError) -> Self {
        use alphadesk_rules::CheckError::*;
        match e {
            UnknownSubject(_) => ServiceError::unprocessable(e.to_string()),
            Store(s) => s.into(),
        }
    }
}

/// A service answer, or why there is none.
pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

impl From<alphadesk_export::ExportError> for ServiceError {
    fn from(e: alphadesk_export::ExportError) -> Self {
        use alphadesk_export::ExportError::*;
        let kind = match &e {
            UnknownTable(_) => Kind::BadInput,
            Io { .. } => Kind::Unavailable,
            Store { .. } | Value { .. } | Parquet { .. } | Arrow { .. } => Kind::Internal,
        };
        ServiceError::new(kind, e.to_string())
    }
}
