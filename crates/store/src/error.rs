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
    /// A price file on another adjustment basis (or layout) than the stored
    /// series it only partly covers: refused, never mixed.
    #[error("{path}: {message}")]
    Basis { path: String, message: String },
    #[error("migration {version} failed: {source}")]
    Migration { version: i64, source: rusqlite::Error },
    #[error("store file is at schema version {found}, newer than this build's {supported}; upgrade alphadesk")]
    TooNew { found: i64, supported: i64 },
    /// Stored bytes alphadesk wrote that no longer read back (a damaged page,
    /// or a newer build's format): `what` names the record.
    #[error("{what} cannot be read back: {why}")]
    Damaged { what: String, why: String },
    #[error("injected fault after {0} rows (test hook)")]
    InjectedFault(u64),
    /// Another process held the write lock for longer than the busy timeout.
    #[error("the store is busy: another process has held its write lock for over {waited_ms} ms ({holder}); try again when it is done")]
    Busy { waited_ms: u64, holder: String },
}

impl StoreError {
    /// Whether SQLite found the file damaged.
    pub fn is_corrupt(&self) -> bool {
        let e = match self {
            StoreError::Sqlite(e) | StoreError::Migration { source: e, .. } => e,
            StoreError::Damaged { .. } => return true,
            _ => return false,
        };
        matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
    }

    /// Whether SQLite gave up waiting for another connection's lock.
    pub fn is_busy(&self) -> bool {
        let e = match self {
            StoreError::Sqlite(e) | StoreError::Migration { source: e, .. } => e,
            StoreError::Busy { .. } => return true,
            _ => return false,
        };
        matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    }
}
