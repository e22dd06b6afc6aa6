use std::path::PathBuf;

use alphadesk_ingest::ParseError;

/// Why a store operation failed. Callers act on the variant: a parse error is the
/// file's fault and the run goes on; an SQLite or migration error is the store's and
/// stops it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {error}")]
    Parse { path: String, error: ParseError },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("migration {version} failed: {source}")]
    Migration { version: i64, source: rusqlite::Error },
    #[error("store file is at schema version {found}, newer than this build's {supported}; upgrade alphadesk")]
    TooNew { found: i64, supported: i64 },
    #[error("injected fault after {0} rows (test hook)")]
    InjectedFault(u64),
}
