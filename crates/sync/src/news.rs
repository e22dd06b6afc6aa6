//! News from RSS 2.0 and Atom feeds: `alphadesk sync news`.
//!
//! Each feed is asked with the validators of its last copy, so an unchanged
//! feed costs a 304. A changed feed goes to the [`NewsSink`], which parses it
//! with the article reader `ingest` uses and keeps only the items it has not
//! seen: not the same guid, not the same link, not the same headline on the
//! same day. An item is known from the later of the feed's own date and the
//! day alphadesk first fetched it — a feed's date can be wrong or back-dated,
//! and a score as of a day must not read what was not yet on the wire.

use std::collections::BTreeMap;

use crate::fetch::{Answer, Expect, Fetched, Fetcher, Validators};
use crate::sec::Failure;

/// What a news sync is asked to do.
#[derive(Debug, Clone, Default)]
pub struct NewsPlan {
    /// The RSS and Atom feeds to read.
    pub feeds: Vec<String>,
    /// List the feeds instead of fetching them.
    pub dry_run: bool,
}

/// What storing a feed did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedStored {
    /// Items stored, and items skipped as already seen.
    New {
        /// Items stored.
        items: u64,
        /// Items already stored.
        seen: u64,
    },
    /// Every item had been seen (the fetch is recorded, for its validators).
    NothingNew {
        /// Items already stored.
        seen: u64,
    },
    /// Not stored, and why.
    Failed(String),
}

/// Where a news sync's feeds go.
pub trait NewsSink {
    /// The validators of the last copy of `url`, if any.
    fn validators(&mut self, url: &str) -> Option<Validators>;
    /// Parses and stores a feed's new items.
    fn store_feed(&mut self, doc: &Fetched) -> FeedStored;
    /// Records a 304.
    fn not_modified(&mut self, url: &str, at: chrono::DateTime<chrono::Utc>);
}

/// What one feed's sync did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct FeedReport {
    /// Items stored.
    pub items: u64,
    /// Items skipped as already stored (same guid, link, or headline that day).
    pub seen: u64,
    /// The feed answered 304: unchanged since the last copy.
    pub not_modified: bool,
}

/// What a news sync did.
#[derive(Debug, Default, serde::Serialize)]
pub struct NewsReport {
    /// Each feed's report, by URL.
    pub feeds: BTreeMap<String, FeedReport>,
    /// Requests, failures (URLs with the key elided), a dry run's URLs.
    #[serde(flatten)]
    pub tally: crate::fetch::Tally,
}

impl NewsReport {
    /// Whether a feed gave nothing usable.
    pub fn failed(&self) -> bool {
        self.tally.failed()
    }

    /// Items stored, over every feed.
    pub fn items(&self) -> u64 {
        self.feeds.values().map(|f| f.items).sum()
    }
}

/// `link` as an absolute URL, read against the feed's own `base`: a feed may
/// give `/news/2026/item.html` or `item.html` instead of the full address.
pub fn resolve_link(base: &str, link: &str) -> String {
    let link = link.trim();
    if link.starts_with("http://") || link.starts_with("https://") || base.is_empty() {
        return link.to_string();
    }
    let Some((scheme, rest)) = base.split_once("://") else { return link.to_string() };
    let host_end = rest.find('/').unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..host_end]);
    if let Some(net) = link.strip_prefix("//") {
        return format!("{scheme}://{net}");
    }
    if link.starts_with('/') {
        return format!("{origin}{link}");
    }
    // Relative to the feed's folder (its path up to the last '/', query dropped).
    let path = rest[host_end..].split(['?', '#']).next().unwrap_or("");
    let folder = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let folder = if folder.is_empty() { "/" } else { folder };
    format!("{origin}{folder}{link}")
}

/// Fetches each feed (conditionally) and stores what is new in it.
pub fn sync(fetcher: &Fetcher, plan: &NewsPlan, sink: &mut dyn NewsSink) -> NewsReport {
    let mut report = NewsReport::default();
    let total = plan.feeds.len() as u64;
    for (i, url) in plan.feeds.iter().enumerate() {
        if fetcher.stopping() {
            report.tally.stopped = true;
            break;
        }
        fetcher.progress("feeds", i as u64, total);
        if plan.dry_run {
            report.tally.would_fetch.push(url.clone());
            continue;
        }
        let known = sink.validators(url);
        match fetcher.get(url, Expect::Feed, known.as_ref()) {
            Ok(Answer::NotModified { url, fetched_at }) => {
                sink.not_modified(&url, fetched_at);
                report.feeds.insert(url, FeedReport { not_modified: true, ..FeedReport::default() });
            }
            Ok(Answer::Body(doc)) => match sink.store_feed(&doc) {
                FeedStored::New { items, seen } => {
                    report.feeds.insert(url.clone(), FeedReport { items, seen, not_modified: false });
                }
                FeedStored::NothingNew { seen } => {
                    report.feeds.insert(url.clone(), FeedReport { items: 0, seen, not_modified: false });
                }
                FeedStored::Failed(why) => report.tally.failures.push(Failure { url: url.clone(), why, cik: None }),
            },
            Err(e) => {
                let text = e.to_string();
                let why = text.strip_prefix(&format!("{}: ", e.url())).unwrap_or(&text).to_string();
                report.tally.failures.push(Failure { url: url.clone(), why, cik: None });
            }
        }
    }
    fetcher.progress("feeds", total, total);
    report.tally.close(fetcher, str::to_string);
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_read_against_the_feed_s_address() {
        let base = "https://investor.example.com/news/rss.xml?lang=en";
        assert_eq!(resolve_link(base, "https://other.org/a"), "https://other.org/a");
        assert_eq!(resolve_link(base, "//cdn.example.com/a"), "https://cdn.example.com/a");
        assert_eq!(resolve_link(base, "/press/2026/q3.html"), "https://investor.example.com/press/2026/q3.html");
        assert_eq!(resolve_link(base, "q3.html"), "https://investor.example.com/news/q3.html");
        assert_eq!(resolve_link("http://127.0.0.1:8080", "a.html"), "http://127.0.0.1:8080/a.html");
    }
}
