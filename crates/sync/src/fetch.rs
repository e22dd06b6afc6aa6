//! One polite HTTP client for every worker of a sync.
//!
//! SEC EDGAR's fair-access rules are the ones this is built around: a declared
//! User-Agent with a contact address, at most 10 requests per second from a
//! client, and a ban of about ten minutes for a client that goes over — which
//! the SEC answers with a 429 or a 403 "Request Rate Threshold Exceeded" page
//! (sometimes with status 200), usually without `Retry-After`, and which a retry
//! during the ban extends. So:
//!
//! - **One pace for all workers** ([`Pace`]): requests are spaced at least
//!   `1/rate` seconds apart across the process (the default rate, 9 per second,
//!   keeps any one-second window at 10 or fewer).
//! - **A ban pauses everyone**: on a 429 or a threshold page, every worker waits
//!   `Retry-After` when given, else the configured ban pause (600 s), before any
//!   request to the host; the progress line says so.
//! - **Backoff with jitter** for 5xx, dropped connections and timeouts, a bounded
//!   number of times; a 404 or a malformed body is not retried.
//! - **Conditional requests** from the validators stored with the last copy
//!   (`If-None-Match`, `If-Modified-Since`): an unchanged document costs a 304.
//! - **Nothing is trusted by its status**: a body is returned only when it is what
//!   the URL promises ([`Expect`]) — an HTML error page served with 200 is a
//!   failure naming the URL, never a source.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// What a URL promises to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A JSON document (tickers, submissions, companyfacts).
    Json,
    /// A full EDGAR submission (`.txt`): SGML header and the documents.
    Submission,
    /// An XML document (a Form 4 or 13F primary document).
    Xml,
    /// A zip archive (bulk files).
    Zip,
    /// Plain text (a daily form index).
    Text,
    /// A CSV of daily bars: a header naming at least a date and a close.
    PriceCsv,
    /// An RSS 2.0 or Atom feed.
    Feed,
}

impl Expect {
    fn name(self) -> &'static str {
        match self {
            Expect::Json => "JSON",
            Expect::Submission => "an EDGAR submission",
            Expect::Xml => "XML",
            Expect::Zip => "a zip archive",
            Expect::Text => "a text index",
            Expect::PriceCsv => "a CSV of daily prices",
            Expect::Feed => "an RSS or Atom feed",
        }
    }

    /// Why `body` is not what was expected, if it is not.
    pub fn check(self, body: &[u8]) -> Option<String> {
        let head = trim_start(body);
        if looks_like_html(head) {
            return Some("an HTML page".into());
        }
        match self {
            Expect::Json => serde_json::from_slice::<serde::de::IgnoredAny>(body)
                .err()
                .map(|e| format!("JSON that does not parse ({e}; {} bytes)", body.len())),
            // A local file header, or the end record alone: an archive with no
            // entries (EDGAR's on a day nothing changed would be one) is a zip.
            Expect::Zip => (!body.starts_with(b"PK\x03\x04") && !body.starts_with(b"PK\x05\x06"))
                .then(|| "no zip signature".into()),
            Expect::Xml => (!head.starts_with(b"<")).then(|| "no XML".into()),
            Expect::Submission => (!(head.starts_with(b"<SEC-DOCUMENT>") || head.starts_with(b"<SEC-HEADER>")))
                .then(|| "no SGML header".into()),
            Expect::Text => std::str::from_utf8(body).err().map(|_| "text that is not UTF-8".into()),
            Expect::Feed => {
                let lead = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_ascii_lowercase();
                (!(head.starts_with(b"<") && (lead.contains("<rss") || lead.contains("<feed"))))
                    .then(|| "no <rss> or <feed> root element".into())
            }
            // A source over its quota often answers 200 with a line of text
            // ("Exceeded the daily hits limit"): no header, no prices.
            Expect::PriceCsv => {
                let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
                let first = String::from_utf8_lossy(first);
                let lower = first.to_ascii_lowercase();
                let cols: Vec<&str> = lower.split(',').map(|c| c.trim().trim_matches('"')).collect();
                (!(cols.contains(&"date") && cols.contains(&"close"))).then(|| {
                    let shown: String = first.trim().chars().take(80).collect();
                    format!("text without a Date…Close header (it begins {shown:?})")
                })
            }
        }
    }
}

fn trim_start(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn looks_like_html(head: &[u8]) -> bool {
    let start: Vec<u8> = head.iter().take(64).map(|c| c.to_ascii_lowercase()).collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

/// The SEC's rate-limit page (served with 403, 429, or even 200).
pub fn is_threshold_page(body: &[u8]) -> bool {
    let head = &body[..body.len().min(8192)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    text.contains("request rate threshold exceeded")
}

/// Validators of a stored copy, sent back to ask "has it changed?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` received.
    pub etag: Option<String>,
    /// The `Last-Modified` received.
    pub last_modified: Option<String>,
}

/// A document as fetched: what it says and how it came.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL asked.
    pub url: String,
    /// The HTTP status.
    pub status: u16,
    /// `ETag` and `Last-Modified` exactly as received.
    pub validators: Validators,
    /// When the answer arrived.
    pub fetched_at: DateTime<Utc>,
    /// The body, as received.
    pub body: Vec<u8>,
}

/// What a request came to.
#[derive(Debug)]
pub enum Answer {
    /// A document.
    Body(Fetched),
    /// 304: the stored copy is current.
    NotModified {
        /// The URL asked.
        url: String,
        /// When the answer arrived.
        fetched_at: DateTime<Utc>,
    },
}

/// Why a URL gave nothing usable.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    /// 404.
    #[error("{url}: not found (HTTP 404)")]
    NotFound {
        /// The URL asked.
        url: String,
    },
    /// Another status, after every attempt.
    #[error("{url}: HTTP {status}{}", attempts_note(*.attempts))]
    Status {
        /// The URL asked.
        url: String,
        /// The last status.
        status: u16,
        /// Tries made.
        attempts: u32,
    },
    /// No answer (a refused or dropped connection, a timeout), after every attempt.
    #[error("{url}: {why}{}", attempts_note(*.attempts))]
    Transport {
        /// The URL asked.
        url: String,
        /// What happened.
        why: String,
        /// Tries made.
        attempts: u32,
    },
    /// An answer that is not what was asked for (an HTML page for JSON).
    #[error("{url}: the answer is not {expected}: it is {why}")]
    Invalid {
        /// The URL asked.
        url: String,
        /// What was expected.
        expected: &'static str,
        /// What it is instead.
        why: String,
    },
    /// Rate-limited more often than the policy tolerates.
    #[error("{url}: the server kept refusing for rate ({bans} bans); stopped asking")]
    Banned {
        /// The URL asked.
        url: String,
        /// Rate-limit answers received.
        bans: u32,
    },
}

fn attempts_note(n: u32) -> String {
    if n > 1 {
        format!(" (after {n} attempts)")
    } else {
        String::new()
    }
}

impl FetchError {
    /// The URL that failed.
    pub fn url(&self) -> &str {
        match self {
            FetchError::NotFound { url }
            | FetchError::Status { url, .. }
            | FetchError::Transport { url, .. }
            | FetchError::Invalid { url, .. }
            | FetchError::Banned { url, .. } => url,
        }
    }
}

/// How a fetcher behaves; the defaults are the SEC's rules.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The declared `User-Agent` ("Name contact@example.com").
    pub user_agent: String,
    /// Requests per second across all workers (at most 10).
    pub rate: f64,
    /// How long a ban pauses every request when the server gives no `Retry-After`.
    pub ban_pause: Duration,
    /// Attempts per URL for 5xx, dropped connections and timeouts.
    pub attempts: u32,
    /// The first backoff; doubled each attempt, with ±50% jitter.
    pub backoff: Duration,
    /// One request, from connect to the last byte.
    pub timeout: Duration,
    /// Bans tolerated per URL before giving up on it.
    pub max_bans: u32,
    /// The largest body read into memory.
    pub max_body: u64,
}

impl Policy {
    /// EDGAR's fair-access defaults, asking as `user_agent`.
    pub fn new(user_agent: impl Into<String>) -> Policy {
        Policy {
            user_agent: user_agent.into(),
            rate: 9.0,
            ban_pause: Duration::from_secs(600),
            attempts: 5,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(60),
            max_bans: 3,
            max_body: 1 << 30,
        }
    }
}

/// The SEC's minimum for a User-Agent: a name and a contact address.
pub fn check_user_agent(ua: &str) -> Result<(), String> {
    let ua = ua.trim();
    let has_contact = ua.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| c == '<' || c == '>' || c == '(' || c == ')');
        w.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.'))
    });
    if ua.is_empty() || !has_contact || ua.split_whitespace().count() < 2 {
        return Err(format!(
            "the SEC requires a User-Agent naming you and a contact e-mail, e.g. \"Jane Doe jane@example.com\"; got {ua:?}"
        ));
    }
    Ok(())
}

/// One pace shared by every worker: the next free request slot, and a pause
/// while the server bans us.
#[derive(Debug)]
pub struct Pace {
    interval: Duration,
    state: Mutex<PaceState>,
}

#[derive(Debug)]
struct PaceState {
    next: Instant,
    paused_until: Option<Instant>,
}

impl Pace {
    /// At most `rate` requests per second (one an hour to ten a second).
    pub fn new(rate: f64) -> Pace {
        // As slow as one request an hour (a price source's free tier counts
        // requests per hour), as fast as the SEC allows.
        let rate = rate.clamp(1.0 / 3600.0, 10.0);
        Pace {
            interval: Duration::from_secs_f64(1.0 / rate),
            state: Mutex::new(PaceState { next: Instant::now(), paused_until: None }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PaceState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for this worker's slot (and for a ban to end).
    pub fn wait(&self) {
        loop {
            let now = Instant::now();
            let mut s = self.lock();
            if let Some(until) = s.paused_until {
                if until > now {
                    drop(s);
                    std::thread::sleep((until - now).min(Duration::from_millis(250)));
                    continue;
                }
                s.paused_until = None;
                s.next = s.next.max(now);
            }
            let at = s.next.max(now);
            s.next = at + self.interval;
            drop(s);
            if at > now {
                std::thread::sleep(at - now);
            }
            return;
        }
    }

    /// Pauses every worker for `d` (at least).
    pub fn ban(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut s = self.lock();
        s.paused_until = Some(s.paused_until.map_or(until, |u| u.max(until)));
    }
}

/// What the fetcher did, for the summary.
#[derive(Debug, Default)]
pub struct Stats {
    /// Requests sent.
    pub requests: AtomicU64,
    /// Body bytes received.
    pub bytes: AtomicU64,
    /// Answers 304.
    pub not_modified: AtomicU64,
    /// Requests sent again after a transient fault.
    pub retries: AtomicU64,
    /// Rate-limit answers.
    pub bans: AtomicU64,
    /// Every fault seen, once each: (URL, what happened).
    pub faults: Mutex<Vec<(String, String)>>,
}

/// What a sync's requests came to, for its summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Requests sent.
    pub requests: u64,
    /// Body bytes received.
    pub bytes: u64,
    /// Answered 304: the stored copy is current.
    pub not_modified: u64,
    /// Requests sent again after a transient fault.
    pub retries: u64,
    /// Rate-limit answers that paused every request.
    pub bans: u64,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests, {} bytes, {} unchanged (304), {} retries, {} rate-limit pauses",
            self.requests,
            grouped(self.bytes),
            self.not_modified,
            self.retries,
            self.bans
        )
    }
}

/// 1234567 as "1,234,567".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a sync of a source came to, besides what it stored: its requests,
/// what failed and what was recovered from, the URLs a dry run would ask,
/// and whether it was stopped.
#[derive(Debug, Default, serde::Serialize)]
pub struct Tally {
    /// The requests.
    #[serde(flatten)]
    pub counts: Counts,
    /// URLs that gave nothing usable, with why.
    pub failures: Vec<crate::sec::Failure>,
    /// Transient faults recovered from (a 503, a drop, a rate-limit pause).
    pub faults: Vec<crate::sec::Failure>,
    /// Dry run: the URLs a sync would ask.
    pub would_fetch: Vec<String>,
    /// Asked to stop before the end (the next sync goes on).
    pub stopped: bool,
}

impl Tally {
    /// Whether a URL gave nothing usable.
    pub fn failed(&self) -> bool {
        !self.failures.is_empty()
    }

    /// Takes the fetcher's counts and recovered faults, each URL and message
    /// through `shown`.
    pub fn close(&mut self, fetcher: &Fetcher, shown: impl Fn(&str) -> String) {
        self.counts = fetcher.stats.counts();
        self.faults = fetcher.stats.recovered(&self.failures, shown);
    }
}

impl Stats {
    /// The counters as they stand.
    pub fn counts(&self) -> Counts {
        Counts {
            requests: self.requests.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            bans: self.bans.load(Ordering::Relaxed),
        }
    }

    /// The faults seen at URLs that did not fail in the end (what was
    /// recovered from), as (URL, what happened), each through `shown` (a
    /// price source takes its key out).
    pub fn recovered(
        &self,
        failed: &[crate::sec::Failure],
        shown: impl Fn(&str) -> String,
    ) -> Vec<crate::sec::Failure> {
        let failed: std::collections::BTreeSet<String> = failed.iter().map(|f| f.url.clone()).collect();
        self.faults
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(url, why)| (shown(url), shown(why)))
            .filter(|(url, _)| !failed.contains(url))
            .map(|(url, why)| crate::sec::Failure { url, why, cik: None })
            .collect()
    }

    fn fault(&self, url: &str, what: impl Into<String>) {
        self.faults.lock().unwrap_or_else(|p| p.into_inner()).push((url.to_string(), what.into()));
    }
}

/// Progress lines ("paused 600 s: …") go to whoever runs the sync.
pub type Notify = Box<dyn Fn(&str) + Send + Sync>;

/// Progress of a stage: (stage, done, total), for a progress bar.
pub type Progress = Box<dyn Fn(&str, u64, u64) + Send + Sync>;

/// The HTTP client of one sync: shared by its workers.
pub struct Fetcher {
    agent: ureq::Agent,
    policy: Policy,
    pace: Pace,
    /// What it did so far.
    pub stats: Stats,
    notify: Notify,
    progress: Option<Progress>,
    /// Set (by SIGTERM, or a server shutting down) to stop between documents.
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Fetcher {
    /// A fetcher asking by `policy`, telling `notify` what it does.
    pub fn new(policy: Policy, notify: Notify) -> Fetcher {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(policy.timeout))
            .user_agent(policy.user_agent.clone())
            .max_idle_connections_per_host(8)
            .build();
        Fetcher {
            agent: config.into(),
            pace: Pace::new(policy.rate),
            policy,
            stats: Stats::default(),
            notify,
            progress: None,
            stop: Default::default(),
        }
    }

    /// Stops asking once `flag` is set: the document in flight is fetched and
    /// stored, no further one is asked (a later sync resumes where this one
    /// stopped).
    pub fn with_stop(mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Fetcher {
        self.stop = flag;
        self
    }

    /// Whether the sync was asked to stop.
    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Reports each stage's progress to `f`.
    pub fn with_progress(mut self, f: Progress) -> Fetcher {
        self.progress = Some(f);
        self
    }

    /// Tells the progress listener how far `stage` is.
    pub fn progress(&self, stage: &str, done: u64, total: u64) {
        if let Some(p) = &self.progress {
            p(stage, done, total);
        }
    }

    /// How it asks.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Fetches `url`, expecting `expect`; `known` are the stored copy's validators.
    pub fn get(&self, url: &str, expect: Expect, known: Option<&Validators>) -> Result<Answer, FetchError> {
        self.request(url, expect, known, None)
    }

    /// Fetches `url` into `file` (a bulk archive: over a gigabyte, so never held
    /// in memory). The answer's `body` is empty; the file holds it.
    pub fn download(
        &self,
        url: &str,
        expect: Expect,
        known: Option<&Validators>,
        file: &std::fs::File,
    ) -> Result<Answer, FetchError> {
        self.request(url, expect, known, Some(file))
    }

    fn request(
        &self,
        url: &str,
        expect: Expect,
        known: Option<&Validators>,
        file: Option<&std::fs::File>,
    ) -> Result<Answer, FetchError> {
        let mut attempt = 0u32;
        let mut bans = 0u32;
        loop {
            attempt += 1;
            self.pace.wait();
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let mut req = self.agent.get(url);
            if let Some(v) = known {
                if let Some(e) = &v.etag {
                    req = req.header("If-None-Match", e);
                }
                if let Some(m) = &v.last_modified {
                    req = req.header("If-Modified-Since", m);
                }
            }
            let fetched_at = Utc::now();
            let transient = |why: String| -> Option<FetchError> {
                (attempt >= self.policy.attempts).then(|| FetchError::Transport {
                    url: url.into(),
                    why,
                    attempts: attempt,
                })
            };
            let mut resp = match req.call() {
                Ok(r) => r,
                Err(e) => {
                    let why = describe(&e);
                    self.stats.fault(url, why.clone());
                    if let Some(err) = transient(why) {
                        return Err(err);
                    }
                    self.backoff(url, attempt);
                    continue;
                }
            };
            let status = resp.status().as_u16();
            let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            let validators = Validators { etag: header("etag"), last_modified: header("last-modified") };
            let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()).map(Duration::from_secs);
            if status == 304 {
                self.stats.not_modified.fetch_add(1, Ordering::Relaxed);
                return Ok(Answer::NotModified { url: url.into(), fetched_at });
            }
            let read = match file {
                None => resp.body_mut().with_config().limit(self.policy.max_body).read_to_vec(),
                Some(f) => to_file(resp.body_mut(), f).map_err(ureq::Error::Io),
            };
            let body = match read {
                Ok(b) => b,
                Err(e) => {
                    let why = format!("the body broke off: {}", describe(&e));
                    self.stats.fault(url, why.clone());
                    if let Some(err) = transient(why) {
                        return Err(err);
                    }
                    self.backoff(url, attempt);
                    continue;
                }
            };
            let size = match file {
                Some(f) => f.metadata().map(|m| m.len()).unwrap_or(0),
                None => body.len() as u64,
            };
            self.stats.bytes.fetch_add(size, Ordering::Relaxed);
            if status == 429 || ((status == 403 || status == 200) && is_threshold_page(&body)) {
                bans += 1;
                self.stats.bans.fetch_add(1, Ordering::Relaxed);
                let pause = retry_after.unwrap_or(self.policy.ban_pause);
                self.stats.fault(url, format!("rate limit answer (HTTP {status}): paused {} s", pause.as_secs_f64()));
                if bans > self.policy.max_bans {
                    return Err(FetchError::Banned { url: url.into(), bans });
                }
                (self.notify)(&format!(
                    "the server refused for rate (HTTP {status}) at {url}: pausing every request for {:.0} s",
                    pause.as_secs_f64()
                ));
                self.pace.ban(pause);
                attempt -= 1;
                continue;
            }
            if status == 404 {
                self.stats.fault(url, "HTTP 404");
                return Err(FetchError::NotFound { url: url.into() });
            }
            if status >= 500 {
                self.stats.fault(url, format!("HTTP {status}"));
                if attempt >= self.policy.attempts {
                    return Err(FetchError::Status { url: url.into(), status, attempts: attempt });
                }
                self.backoff(url, attempt);
                continue;
            }
            if status != 200 {
                self.stats.fault(url, format!("HTTP {status}"));
                return Err(FetchError::Status { url: url.into(), status, attempts: attempt });
            }
            if let Some(why) = expect.check(&body) {
                self.stats.fault(url, format!("not {}: {why}", expect.name()));
                return Err(FetchError::Invalid { url: url.into(), expected: expect.name(), why });
            }
            let body = if file.is_some() { Vec::new() } else { body };
            return Ok(Answer::Body(Fetched { url: url.into(), status, validators, fetched_at, body }));
        }
    }

    fn backoff(&self, url: &str, attempt: u32) {
        self.stats.retries.fetch_add(1, Ordering::Relaxed);
        let base = self.policy.backoff.as_secs_f64() * 2f64.powi(attempt.saturating_sub(1) as i32);
        let d = Duration::from_secs_f64(base * (0.5 + jitter()));
        (self.notify)(&format!(
            "retrying {url} in {:.1} s (attempt {} of {})",
            d.as_secs_f64(),
            attempt + 1,
            self.policy.attempts
        ));
        std::thread::sleep(d);
    }
}

/// Streams a body into `file` from its start; returns its first 8 KiB, which is
/// all the checks (magic bytes, a rate-limit page) look at.
fn to_file(body: &mut ureq::Body, file: &std::fs::File) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, Write};
    let mut f = file;
    f.set_len(0)?;
    f.seek(std::io::SeekFrom::Start(0))?;
    let mut reader = body.with_config().limit(u64::MAX).reader();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let mut head = Vec::with_capacity(8192);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if head.len() < 8192 {
            head.extend_from_slice(&buf[..n.min(8192 - head.len())]);
        }
        w.write_all(&buf[..n])?;
    }
    w.flush()?;
    Ok(head)
}

/// A number in [0, 1) from the clock: jitter needs spread, not quality.
fn jitter() -> f64 {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    (n.wrapping_mul(2_654_435_761) % 1_000_000) as f64 / 1_000_000.0
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::HostNotFound => "the host name does not resolve (DNS)".into(),
        ureq::Error::ConnectionFailed => "the connection failed (is the host reachable?)".into(),
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "the connection was refused (nothing listens there)".into(),
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::BrokenPipe => format!("the connection was dropped ({io})"),
            // The standard library's resolver fails with an error of no kind of
            // its own, only this wording (getaddrinfo's reason after it).
            _ if io.to_string().starts_with("failed to lookup address information") => {
                let why = io.to_string();
                let reason = why.split_once(": ").map(|(_, r)| r).unwrap_or("no address");
                format!("the host name does not resolve (DNS: {reason})")
            }
            _ => format!("{io}"),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_what_its_url_promises() {
        assert!(Expect::Json.check(br#"{"a": [1, 2]}"#).is_none());
        assert!(Expect::Json.check(br#"{"a": [1, "#).unwrap().contains("does not parse"));
        assert!(Expect::Json.check(b"<!DOCTYPE html><html>").unwrap().contains("HTML"));
        assert!(Expect::Zip.check(b"PK\x03\x04rest").is_none());
        assert!(Expect::Zip.check(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0").is_none());
        assert!(Expect::Zip.check(b"<html>").is_some());
        assert!(Expect::Zip.check(b"{}").is_some());
        assert!(Expect::Submission.check(b"<SEC-DOCUMENT>0001-1.txt").is_none());
        assert!(Expect::Submission.check(b"<?xml version=\"1.0\"?><ownershipDocument/>").is_some());
        assert!(Expect::Xml.check(b"  <?xml version=\"1.0\"?><ownershipDocument/>").is_none());
        assert!(Expect::Xml.check(b"\n<HTML><body>Request Rate Threshold Exceeded</body>").is_some());
        assert!(is_threshold_page(b"<html><h1>Request Rate Threshold Exceeded</h1></html>"));
    }

    #[test]
    fn a_user_agent_names_someone_with_an_address() {
        assert!(check_user_agent("Jane Doe jane@example.com").is_ok());
        assert!(check_user_agent("alphadesk <ops@desk.example>").is_ok());
        for bad in ["", "Mozilla/5.0", "jane@example.com", "Jane Doe"] {
            assert!(check_user_agent(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_pace_keeps_any_second_at_ten_requests_or_fewer() {
        let pace = std::sync::Arc::new(Pace::new(9.0));
        let stamps = std::sync::Arc::new(Mutex::new(Vec::new()));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (pace, stamps) = (pace.clone(), stamps.clone());
                std::thread::spawn(move || {
                    for _ in 0..6 {
                        pace.wait();
                        stamps.lock().unwrap().push(Instant::now());
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        let mut t = stamps.lock().unwrap().clone();
        t.sort();
        for (i, a) in t.iter().enumerate() {
            let within = t[i..].iter().take_while(|b| b.duration_since(*a) < Duration::from_secs(1)).count();
            assert!(within <= 10, "{within} requests within a second");
        }
    }
}
