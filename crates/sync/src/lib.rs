//! Fetching primary data from its sources, so that alphadesk can bring itself up
//! to date: `alphadesk sync sec`, `sync prices` and `sync news` (see docs/sync.md).
//!
//! Two layers: [`fetch`] is a polite HTTP client (one pace for every worker, ban
//! pauses, backoff with jitter, conditional requests, bodies checked against what
//! their URL promises), and the sources above it: [`sec`] knows EDGAR — which
//! documents a sync needs, at which paths, in which order — [`prices`] asks
//! a daily-bar source the user brings, and [`news`] reads RSS and Atom feeds.
//! None stores anything: documents go to a [`sec::Sink`], a
//! [`prices::PriceSink`] or a [`news::NewsSink`], which the service's writer
//! implements with the same parsers and per-document transaction `ingest` uses,
//! so a synced document and the same file ingested from disk give the same rows.

#![warn(missing_docs)]

pub mod config;
pub mod fetch;
pub mod news;
pub mod prices;
pub mod sec;

pub use config::SyncConfig;
pub use fetch::{check_user_agent, Expect, FetchError, Fetched, Fetcher, Policy, Validators};
pub use sec::{Bulk, Failure, Hosts, Plan, Report, Sink, Stored};
