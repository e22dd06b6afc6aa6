//! Test support shared by the stage crates' integration tests.
//!
//! Real-data tests read `../shared/data` beside the repository (or
//! `$ALPHADESK_DATA`). Those files are never copied into the repository. When they
//! are absent the tests say so and pass only outside CI: in CI (`CI` set) a missing
//! data directory is a failure, so a broken checkout cannot go green by skipping.

#![warn(missing_docs)]

pub mod sources;
pub mod synthetic;

use std::path::PathBuf;

/// The shared data directory, or `None` (after saying why) when it is absent
/// outside CI.
pub fn data_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("ALPHADESK_DATA") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    if dir.is_dir() {
        return Some(dir.canonicalize().unwrap_or(dir));
    }
    if std::env::var_os("CI").is_some() {
        panic!("real data not found at {} (set ALPHADESK_DATA)", dir.display());
    }
    eprintln!("skipping real-data test: {} not found (set ALPHADESK_DATA)", dir.display());
    None
}

/// The small real store the serving tests share (router, CLI end to end, MCP):
/// two sectors (three IT, three Energy), the tables, Apple's XBRL facts and
/// filings index — enough for every route and tool to have something to say.
pub const SMALL_STORE_FILES: &[&str] = &[
    "market/securities/securities.csv",
    "market/fundamentals/fundamentals.csv",
    "market/prices/AAPL_data.csv",
    "market/prices/MSFT_data.csv",
    "market/prices/ADBE_data.csv",
    "market/prices/XOM_data.csv",
    "market/prices/CVX_data.csv",
    "market/prices/OXY_data.csv",
    "sec/companyfacts/CIK0000320193.json",
    "sec/submissions/CIK0000320193.json",
    // Seven open-market sales filed 2022-05: insider trades past the last price.
    "sec/form4/form4_AAPL_0000320193-22-000061.txt",
];

/// A file under the data directory.
pub fn data_file(rel: &str) -> Option<PathBuf> {
    data_dir().map(|d| d.join(rel))
}
