//! SEC EDGAR: which documents a sync needs and where they live, fetched by a
//! few workers through one [`Fetcher`] and handed one at a time to a [`Sink`]
//! (the store's single writer).
//!
//! A sync runs in phases, each planned from what the previous one stored:
//!
//! 1. the ticker↔CIK map (`/files/company_tickers.json` on the archives host),
//!    stored, then asked of the store (so a 304 resolves tickers as well as a
//!    fresh copy);
//! 2. each company's submissions and companyfacts (data host), conditionally:
//!    an unchanged document costs a 304;
//! 3. the older submission pages that `filings.files[]` lists, for the years
//!    the sync covers (from a submissions file fetched in this run);
//! 4. the Form 3/4/5 (and /A) filings, and the 13F-HR (and /A) filings of the
//!    managers asked for, in the window — planned from the filings the *store*
//!    holds, so a sync killed after storing a company's submissions fetches that
//!    company's filings when re-run, even though its submissions answer 304. Each
//!    is fetched as its full submission `.txt`, whose SGML header carries the
//!    filing date (the bare XML carries none). A filing is immutable, so one
//!    already stored is not asked for again.
//!
//! Every URL is a base (configurable, so tests point at a local server) plus
//! EDGAR's own path.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::mpsc;
use std::sync::Mutex;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::fetch::{Answer, Expect, FetchError, Fetched, Fetcher, Validators};

/// Where EDGAR is: the data host (`https://data.sec.gov`) and the archives host
/// (`https://www.sec.gov`), without a trailing slash.
#[derive(Debug, Clone)]
pub struct Hosts {
    /// The data host: submissions and companyfacts.
    pub data: String,
    /// The archives host: filings, indexes and the ticker map.
    pub archives: String,
}

impl Default for Hosts {
    fn default() -> Self {
        Hosts { data: "https://data.sec.gov".into(), archives: "https://www.sec.gov".into() }
    }
}

impl Hosts {
    /// The two hosts, trailing slashes dropped.
    pub fn new(data: &str, archives: &str) -> Hosts {
        Hosts { data: data.trim_end_matches('/').into(), archives: archives.trim_end_matches('/').into() }
    }

    /// The ticker ↔ CIK map.
    pub fn tickers(&self) -> String {
        format!("{}/files/company_tickers.json", self.archives)
    }

    /// A filer's submissions.
    pub fn submissions(&self, cik: u64) -> String {
        format!("{}/submissions/CIK{cik:010}.json", self.data)
    }

    /// An older page of a filer's submissions, by the name its first page lists.
    pub fn submissions_page(&self, name: &str) -> String {
        format!("{}/submissions/{name}", self.data)
    }

    /// A filer's XBRL companyfacts.
    pub fn companyfacts(&self, cik: u64) -> String {
        format!("{}/api/xbrl/companyfacts/CIK{cik:010}.json", self.data)
    }

    /// A bulk archive of every filer's documents.
    pub fn bulk(&self, which: Bulk) -> String {
        match which {
            Bulk::CompanyFacts => format!("{}/Archives/edgar/daily-index/xbrl/companyfacts.zip", self.archives),
            Bulk::Submissions => format!("{}/Archives/edgar/daily-index/bulkdata/submissions.zip", self.archives),
        }
    }

    /// EDGAR's form index of one day's filings.
    pub fn daily_index(&self, day: NaiveDate) -> String {
        use chrono::Datelike;
        let quarter = (day.month() - 1) / 3 + 1;
        format!(
            "{}/Archives/edgar/daily-index/{}/QTR{quarter}/form.{}.idx",
            self.archives,
            day.year(),
            day.format("%Y%m%d")
        )
    }

    /// A filing's full submission text.
    pub fn filing(&self, cik: u64, accession: &str) -> String {
        format!("{}/Archives/edgar/data/{cik}/{}/{accession}.txt", self.archives, accession.replace('-', ""))
    }
}

/// EDGAR's nightly bulk archives: every filer's companyfacts, or every filer's
/// submissions (with their older pages), one JSON entry per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    /// `companyfacts.zip`.
    CompanyFacts,
    /// `submissions.zip`.
    Submissions,
}

/// The forms whose documents a sync fetches.
fn ownership_form(form: &str) -> bool {
    matches!(form, "3" | "4" | "5" | "3/A" | "4/A" | "5/A")
}

fn holdings_form(form: &str) -> bool {
    matches!(form, "13F-HR" | "13F-HR/A")
}

/// What a sync covers.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Companies by ticker (resolved through the ticker map).
    pub tickers: Vec<String>,
    /// Every company in the ticker map.
    pub all: bool,
    /// 13F filers whose holdings to fetch.
    pub managers: Vec<u64>,
    /// Filings on or after this date (default: for each company, the day its
    /// last sync completed, less a day; everything listed for a company never
    /// synced).
    pub since: Option<NaiveDate>,
    /// Filings on or before this date (a backfill in slices).
    pub until: Option<NaiveDate>,
    /// Fetch nothing past the ticker map; say what would be fetched.
    pub dry_run: bool,
    /// Workers fetching at once (they share one pace).
    pub workers: usize,
    /// Load submissions and companyfacts from the bulk archives instead of one
    /// request per company (a first load of many companies).
    pub bulk: bool,
    /// Find new filings from EDGAR's daily form indexes (one request per day for
    /// every filer), and refresh only the companies that filed.
    pub daily_index: bool,
}

/// The key of the last daily index a sync read.
pub const DAILY_INDEX_KEY: &str = "sec.daily_index.last";

/// One line of a daily form index: (form, CIK, filing date, accession).
pub fn parse_form_index(text: &str) -> Vec<(String, u64, NaiveDate, String)> {
    let mut lines = text.lines();
    // The header names the columns; the form type is the text before "Company Name".
    let mut form_width = 12;
    for l in lines.by_ref() {
        if let Some(i) = l.find("Company Name") {
            form_width = i;
        }
        if l.starts_with("---") {
            break;
        }
    }
    lines
        .filter_map(|l| {
            let tokens: Vec<&str> = l.split_whitespace().collect();
            if tokens.len() < 4 || l.len() <= form_width {
                return None;
            }
            let file = tokens[tokens.len() - 1];
            let date = NaiveDate::parse_from_str(tokens[tokens.len() - 2], "%Y%m%d").ok()?;
            let cik: u64 = tokens[tokens.len() - 3].parse().ok()?;
            let accession = file.rsplit('/').next()?.strip_suffix(".txt")?.to_string();
            let form = l.get(..form_width)?.trim().to_string();
            (!form.is_empty()).then_some((form, cik, date, accession))
        })
        .collect()
}

/// Where fetched documents go, and what is known already: the store's writer.
pub trait Sink {
    /// The CIKs the stored listings give a ticker.
    fn ciks_of(&mut self, ticker: &str) -> Vec<u64>;
    /// Every listed CIK, with a ticker.
    fn listed(&mut self) -> Vec<(u64, String)>;
    /// The stored filings (accession, form, filed) of each of `ciks`, oldest
    /// first: one question for them all (a bulk load asks it of every listed
    /// company).
    fn filings(&mut self, ciks: &[u64]) -> BTreeMap<u64, Vec<(String, String, NaiveDate)>>;
    /// The validators of the stored copy of `url`.
    fn validators(&mut self, url: &str) -> Option<Validators>;
    /// Whether a document was stored from `url` already.
    fn has(&mut self, url: &str) -> bool;
    /// Stores a document (parsed, one transaction with its provenance).
    fn store(&mut self, doc: &Fetched) -> Stored;
    /// Stores every document `docs` yields (a bulk archive's entries), each
    /// whole or not at all, in batches; `docs` is read — the entries inflated,
    /// then parsed — on another thread while earlier ones are written. `each`
    /// hears what became of every document, by URL, once its batch is
    /// committed; a yielded failure is reported in its turn.
    fn store_all(
        &mut self,
        docs: &mut (dyn Iterator<Item = Result<Fetched, Failure>> + Send),
        each: &mut dyn FnMut(String, Stored),
    );
    /// Records a 304.
    fn not_modified(&mut self, url: &str, at: chrono::DateTime<chrono::Utc>);
    /// Records the fetch of a bulk archive (its entries are the sources).
    fn archive_fetched(&mut self, archive: &Fetched);
    /// The values the last sync kept under `keys`, of those it kept
    /// (`sec.synced.CIK`: the day a company's sync last completed).
    fn states(&mut self, keys: &[String]) -> BTreeMap<String, String>;
    /// Keeps values for the next sync, all of them or none.
    fn set_states(&mut self, states: &[(String, String)]);
}

fn synced_key(cik: u64) -> String {
    format!("sec.synced.{cik}")
}

/// What storing a document did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A new document.
    New {
        /// Its kind (companyfacts, submissions, form4, 13f, …).
        kind: String,
        /// Rows written.
        rows: u64,
    },
    /// The same document was stored before.
    Unchanged,
    /// Not stored, and why.
    Failed(String),
}

/// What a sync did, per company and in all.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    /// Per CIK: new documents by kind, rows written.
    pub companies: BTreeMap<u64, CompanyReport>,
    /// The requests.
    #[serde(flatten)]
    pub counts: crate::fetch::Counts,
    /// Documents not fetched again because they are stored.
    pub skipped_stored: u64,
    /// URLs that gave nothing usable, with why.
    pub failures: Vec<Failure>,
    /// Every transient fault seen and recovered from (a 503, a drop, a ban).
    pub faults: Vec<Failure>,
    /// Dry run: the URLs a sync would fetch.
    pub would_fetch: Vec<String>,
    /// Tickers the ticker map does not know.
    pub unknown_tickers: Vec<String>,
    /// Asked to stop before every document was fetched (the next sync resumes).
    pub stopped: bool,
}

/// What a sync stored for one company.
#[derive(Debug, Default, serde::Serialize)]
pub struct CompanyReport {
    /// Its ticker, when the map gives one.
    pub ticker: Option<String>,
    /// New documents per kind.
    pub documents: BTreeMap<String, u64>,
    /// Rows written per kind (facts, filings, insider trades, holdings).
    pub rows: BTreeMap<String, u64>,
}

/// A URL that gave nothing usable, or a fault recovered from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Failure {
    /// The URL (its key elided).
    pub url: String,
    /// What happened.
    pub why: String,
    /// The company the document belongs to (none for the map and indexes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cik: Option<u64>,
}

impl Report {
    /// Whether anything failed.
    pub fn failed(&self) -> bool {
        !self.failures.is_empty() || !self.unknown_tickers.is_empty()
    }
}

/// One document to fetch, and whose it is.
#[derive(Debug, Clone)]
struct Job {
    url: String,
    expect: Expect,
    cik: u64,
    /// Only when changed (a mutable document): send the stored validators.
    conditional: bool,
}

impl Job {
    /// The company the document belongs to (the ticker map belongs to none).
    fn company(&self) -> Option<u64> {
        (self.cik != 0).then_some(self.cik)
    }
}

#[derive(Debug, Deserialize)]
struct PageRef {
    name: String,
    #[serde(rename = "filingFrom")]
    from: Option<String>,
    #[serde(rename = "filingTo")]
    to: Option<String>,
}

impl PageRef {
    /// Whether the page's span of filings meets `since..=until`.
    fn reaches(&self, since: Option<NaiveDate>, until: Option<NaiveDate>) -> bool {
        let day = |d: &Option<String>| d.as_deref().and_then(|d| d.parse::<NaiveDate>().ok());
        since.zip(day(&self.to)).is_none_or(|(since, to)| to >= since)
            && until.zip(day(&self.from)).is_none_or(|(until, from)| from <= until)
    }
}

#[derive(Debug, Default, Deserialize)]
struct Filings {
    #[serde(default)]
    files: Vec<PageRef>,
}

#[derive(Debug, Deserialize)]
struct Submissions {
    #[serde(default)]
    filings: Filings,
}

/// Runs a sync of `plan` against `hosts`.
pub fn sync(fetcher: &Fetcher, hosts: &Hosts, plan: &Plan, sink: &mut dyn Sink) -> Report {
    let mut report = Report::default();

    // 1. The ticker map (conditionally), then tickers resolved by the store.
    let map_url = hosts.tickers();
    let map_job = Job { url: map_url.clone(), expect: Expect::Json, cik: 0, conditional: true };
    run(fetcher, "ticker map", plan.workers, vec![map_job], sink, &mut report, |_| {});
    if report.failures.iter().any(|f| f.url == map_url) {
        return finish(fetcher, report);
    }
    let mut ciks: BTreeMap<u64, Option<String>> = BTreeMap::new();
    if plan.all {
        for (cik, ticker) in sink.listed() {
            ciks.entry(cik).or_insert(Some(ticker));
        }
    }
    for t in &plan.tickers {
        let t = t.trim().to_ascii_uppercase();
        let found = sink.ciks_of(&t);
        if found.is_empty() {
            report.unknown_tickers.push(t.clone());
        }
        for cik in found {
            ciks.insert(cik, Some(t.clone()));
        }
    }
    for m in &plan.managers {
        ciks.entry(*m).or_insert(None);
    }
    for (cik, ticker) in &ciks {
        report.companies.entry(*cik).or_default().ticker = ticker.clone();
    }

    let managers: BTreeSet<u64> = plan.managers.iter().copied().collect();
    if plan.bulk && !plan.dry_run {
        // 2–3 from the bulk archives: only the entries of the companies asked for
        // (every entry with --all). The facts first: the scores need them, a
        // sync stopped between the two has them, and the second archive's
        // request waits out the rate limit's spacing while they are read
        // rather than before.
        let only: Option<BTreeSet<u64>> = (!plan.all).then(|| ciks.keys().copied().collect());
        for which in [Bulk::CompanyFacts, Bulk::Submissions] {
            bulk_load(fetcher, hosts, which, only.as_ref(), sink, &mut report);
        }
        return filings_and_finish(fetcher, hosts, plan, &ciks, &managers, sink, report);
    }

    // With the daily indexes, only the companies that filed are refreshed.
    let mut refresh: Option<BTreeSet<u64>> = None;
    let mut windowed;
    let mut plan = plan;
    if plan.daily_index && !plan.dry_run {
        match read_daily_indexes(fetcher, hosts, plan, &ciks, sink, &mut report) {
            Some((filed, from, to)) => {
                refresh = Some(filed);
                // The filings to fetch are the ones of the days read.
                windowed = plan.clone();
                windowed.since = Some(from);
                windowed.until = Some(to);
                plan = &windowed;
            }
            None => return finish(fetcher, report),
        }
    }

    // 2. Submissions and companyfacts.
    let mut jobs = Vec::new();
    for cik in ciks.keys().filter(|c| refresh.as_ref().is_none_or(|r| r.contains(c))) {
        jobs.push(Job { url: hosts.submissions(*cik), expect: Expect::Json, cik: *cik, conditional: true });
        // A manager that is not also a company asked for has no facts to sync.
        if ciks[cik].is_some() {
            jobs.push(Job { url: hosts.companyfacts(*cik), expect: Expect::Json, cik: *cik, conditional: true });
        }
    }
    if plan.dry_run {
        report.would_fetch = jobs.into_iter().map(|j| j.url).collect();
        return finish(fetcher, report);
    }
    // 3. Older pages that reach into the period asked for, read from each
    // submissions file as it arrives (an unchanged one listed them last time);
    // only the page list is kept, not the ~1 MB body.
    let mut pages = Vec::new();
    run(fetcher, "submissions and companyfacts", plan.workers, jobs, sink, &mut report, |doc| {
        let Some(cik) = cik_of_submissions(&doc.url) else { return };
        let Ok(s) = serde_json::from_slice::<Submissions>(&doc.body) else { return };
        for p in s.filings.files.iter().filter(|p| p.reaches(plan.since, plan.until)) {
            pages.push(Job { url: hosts.submissions_page(&p.name), expect: Expect::Json, cik, conditional: true });
        }
    });
    run(fetcher, "older submission pages", plan.workers, pages, sink, &mut report, |_| {});

    filings_and_finish(fetcher, hosts, plan, &ciks, &managers, sink, report)
}

/// Phase 4: the ownership filings of the companies and the 13F filings of the
/// managers, from the filings the store holds now; then each company's mark.
fn filings_and_finish(
    fetcher: &Fetcher,
    hosts: &Hosts,
    plan: &Plan,
    ciks: &BTreeMap<u64, Option<String>>,
    managers: &BTreeSet<u64>,
    sink: &mut dyn Sink,
    mut report: Report,
) -> Report {
    let mut docs = Vec::new();
    let keys: Vec<String> = ciks.keys().map(|c| synced_key(*c)).collect();
    let marks = sink.states(&keys);
    let mut filings = sink.filings(&ciks.keys().copied().collect::<Vec<_>>());
    for ((cik, ticker), key) in ciks.iter().zip(&keys) {
        let since = plan.since.or_else(|| marks.get(key)?.parse::<NaiveDate>().ok()?.pred_opt());
        let within = |filed: &NaiveDate| since.is_none_or(|s| *filed >= s) && plan.until.is_none_or(|u| *filed <= u);
        for (accession, form, _) in filings.remove(cik).unwrap_or_default().into_iter().filter(|f| within(&f.2)) {
            let wanted =
                (ownership_form(&form) && ticker.is_some()) || (holdings_form(&form) && managers.contains(cik));
            if !wanted {
                continue;
            }
            let url = hosts.filing(*cik, &accession);
            if sink.has(&url) {
                report.skipped_stored += 1;
                continue;
            }
            docs.push(Job { url, expect: Expect::Submission, cik: *cik, conditional: false });
        }
    }
    run(fetcher, "filings", plan.workers, docs, sink, &mut report, |_| {});

    // A stopped sync leaves every company as it was: the next one asks again
    // what this one did not get to.
    if fetcher.stopping() {
        report.stopped = true;
        return finish(fetcher, report);
    }
    // A company whose documents all came (or were current) is synced as of today.
    let today = chrono::Utc::now().date_naive().to_string();
    let failed: BTreeSet<u64> = report.failures.iter().filter_map(|f| f.cik).collect();
    if plan.until.is_none() {
        // One write for them all: a bulk load's marks are one per listed company.
        let marks: Vec<(String, String)> =
            ciks.keys().filter(|c| !failed.contains(c)).map(|c| (synced_key(*c), today.clone())).collect();
        sink.set_states(&marks);
    }
    finish(fetcher, report)
}

/// Reads the daily form indexes from the day after the last one read (or
/// `--since`) to `--until` (or today): the companies of `ciks` that filed
/// anything and the days read, or `None` when no start is known. A day without an index (a
/// weekend, a holiday) is passed over; the mark moves to the last day read
/// without a gap of failures.
fn read_daily_indexes(
    fetcher: &Fetcher,
    hosts: &Hosts,
    plan: &Plan,
    ciks: &BTreeMap<u64, Option<String>>,
    sink: &mut dyn Sink,
    report: &mut Report,
) -> Option<(BTreeSet<u64>, NaiveDate, NaiveDate)> {
    use chrono::Datelike;
    let start = match plan.since {
        Some(d) => d,
        None => match sink
            .states(&[DAILY_INDEX_KEY.to_string()])
            .get(DAILY_INDEX_KEY)
            .and_then(|d| d.parse::<NaiveDate>().ok())
        {
            Some(last) => last.succ_opt()?,
            None => {
                report.failures.push(Failure {
                    cik: None,
                    url: hosts.daily_index(chrono::Utc::now().date_naive()),
                    why: "--daily-index needs --since the first time (no daily index was read into this store yet)"
                        .into(),
                });
                return None;
            }
        },
    };
    let end = plan.until.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let days: Vec<NaiveDate> = start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| !matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun))
        .collect();
    let queue = Mutex::new(days.iter().copied());
    let answers: Mutex<BTreeMap<NaiveDate, Result<Answer, FetchError>>> = Mutex::default();
    let total = days.len() as u64;
    std::thread::scope(|scope| {
        for _ in 0..plan.workers.max(1) {
            scope.spawn(|| loop {
                let Some(day) = queue.lock().unwrap_or_else(|p| p.into_inner()).next() else { break };
                let a = fetcher.get(&hosts.daily_index(day), Expect::Text, None);
                let mut answers = answers.lock().unwrap_or_else(|p| p.into_inner());
                answers.insert(day, a);
                fetcher.progress("daily indexes", answers.len() as u64, total);
            });
        }
    });
    let mut filed = BTreeSet::new();
    let mut mark = None;
    let mut gap = false;
    for (day, answer) in answers.into_inner().unwrap_or_else(|p| p.into_inner()) {
        match answer {
            Ok(Answer::Body(index)) => {
                for (_, cik, _, _) in parse_form_index(&String::from_utf8_lossy(&index.body)) {
                    if ciks.contains_key(&cik) {
                        filed.insert(cik);
                    }
                }
            }
            Ok(Answer::NotModified { .. }) | Err(FetchError::NotFound { .. }) => {}
            Err(e) => {
                report.failures.push(Failure { url: e.url().to_string(), why: e.to_string(), cik: None });
                gap = true;
            }
        }
        if !gap {
            mark = Some(day);
        }
    }
    if let Some(day) = mark.or_else(|| start.pred_opt().filter(|_| days.is_empty())) {
        sink.set_states(&[(DAILY_INDEX_KEY.to_string(), day.to_string())]);
    }
    Some((filed, start, end))
}

/// Downloads a bulk archive to a scratch file (conditionally), then stores the
/// entries wanted as they are inflated: memory holds a few runs of entries,
/// whatever the archive's size. Each entry is a source named
/// `ARCHIVE_URL/ENTRY`; a corrupt entry is a failure naming it, and the rest go
/// on.
fn bulk_load(
    fetcher: &Fetcher,
    hosts: &Hosts,
    which: Bulk,
    only: Option<&BTreeSet<u64>>,
    sink: &mut dyn Sink,
    report: &mut Report,
) {
    use std::io::Read;
    let url = hosts.bulk(which);
    let fail = |report: &mut Report, url: String, why: String, cik: Option<u64>| {
        report.failures.push(Failure { url, why, cik })
    };
    let scratch = match tempfile::tempfile() {
        Ok(f) => f,
        Err(e) => return fail(report, url, format!("no scratch file for the archive: {e}"), None),
    };
    let known = sink.validators(&url);
    let meta = match fetcher.download(&url, Expect::Zip, known.as_ref(), &scratch) {
        Ok(Answer::Body(meta)) => meta,
        Ok(Answer::NotModified { url, fetched_at }) => return sink.not_modified(&url, fetched_at),
        Err(e) => return fail(report, e.url().to_string(), e.to_string(), None),
    };
    let mut archive = match zip::ZipArchive::new(&scratch) {
        Ok(a) => a,
        Err(e) => return fail(report, url, format!("not a readable zip archive: {e}"), None),
    };
    let stage = format!("{} entries", url.rsplit('/').next().unwrap_or("archive"));
    let entries = archive.len();
    let entry_at = |i: usize| -> Option<Result<Fetched, Failure>> {
        fetcher.progress(&stage, i as u64 + 1, entries as u64);
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let why = format!("entry {i} cannot be read: {e}");
                return Some(Err(Failure { url: format!("{url}#{i}"), why, cik: None }));
            }
        };
        if entry.is_dir() {
            return None;
        }
        let name = entry.name().ok()?.rsplit('/').next().unwrap_or_default().to_string();
        let cik = cik_of_entry(&name)?;
        if only.is_some_and(|o| !o.contains(&cik)) {
            return None;
        }
        let entry_url = format!("{url}/{name}");
        let mut body = Vec::with_capacity(entry.size().min(1 << 28) as usize);
        if let Err(e) = entry.read_to_end(&mut body) {
            let why = format!("a corrupt entry in the archive: {e}");
            return Some(Err(Failure { url: entry_url, why, cik: Some(cik) }));
        }
        // The parser checks the whole document as it reads it; here only that it
        // is a JSON object and not an error page packed by mistake.
        if body.iter().find(|c| !c.is_ascii_whitespace()) != Some(&b'{') {
            return Some(Err(Failure { url: entry_url, why: "the entry is not a JSON object".into(), cik: Some(cik) }));
        }
        let (status, validators, fetched_at) = (meta.status, meta.validators.clone(), meta.fetched_at);
        Some(Ok(Fetched { url: entry_url, status, validators, fetched_at, body }))
    };
    // Entries are inflated on a thread of their own, a few ahead: the thread
    // that parses them was the bound of a bulk load once the writer was not.
    let mut settled = Vec::new();
    std::thread::scope(|scope| {
        let (inflated, next) = std::sync::mpsc::sync_channel(INFLATED_AHEAD);
        scope.spawn(move || {
            for doc in (0..entries).filter_map(entry_at) {
                // The store gone (its caller panicked): stop inflating.
                if inflated.send(doc).is_err() {
                    return;
                }
            }
        });
        sink.store_all(&mut next.into_iter(), &mut |url, stored| settled.push((url, stored)));
    });
    count_entries(report, settled);
    // Recorded once every entry is committed: an archive fetched but not wholly
    // stored is fetched again (its stored entries are then unchanged).
    sink.archive_fetched(&meta);
}

/// Archive entries inflated ahead of the thread that parses them.
const INFLATED_AHEAD: usize = 16;

/// Counts what became of archive entries, each named `ARCHIVE_URL/CIK##########.json`.
fn count_entries(report: &mut Report, settled: Vec<(String, Stored)>) {
    for (url, stored) in settled {
        let cik = cik_of_entry(url.rsplit('/').next().unwrap_or_default());
        match stored {
            Stored::New { kind, rows } => {
                let c = report.companies.entry(cik.unwrap_or_default()).or_default();
                *c.documents.entry(kind.clone()).or_default() += 1;
                *c.rows.entry(kind).or_default() += rows;
            }
            Stored::Unchanged => {}
            Stored::Failed(why) => report.failures.push(Failure { url, why, cik }),
        }
    }
}

/// `CIK0000320193.json`, `CIK0000320193-submissions-001.json` → 320193.
fn cik_of_entry(name: &str) -> Option<u64> {
    let digits: String = name.strip_prefix("CIK")?.chars().take_while(|c| c.is_ascii_digit()).collect();
    (digits.len() == 10).then(|| digits.parse().ok()).flatten()
}

fn finish(fetcher: &Fetcher, mut report: Report) -> Report {
    report.counts = fetcher.stats.counts();
    report.faults = fetcher.stats.recovered(&report.failures, str::to_string);
    report
}

fn cik_of_submissions(url: &str) -> Option<u64> {
    let name = url.rsplit('/').next()?;
    let digits = name.strip_prefix("CIK")?.strip_suffix(".json")?;
    digits.parse().ok()
}

/// Fetches `jobs` on `workers` threads and stores each answer on this thread, in
/// the order they arrive; `seen` is shown every stored (new or unchanged) body.
fn run(
    fetcher: &Fetcher,
    stage: &str,
    workers: usize,
    jobs: Vec<Job>,
    sink: &mut dyn Sink,
    report: &mut Report,
    mut seen: impl FnMut(&Fetched),
) {
    if jobs.is_empty() {
        return;
    }
    // Validators are read here, on the writer's thread, before the workers start.
    let jobs: Vec<(Job, Option<Validators>)> = jobs
        .into_iter()
        .map(|j| {
            let v = if j.conditional { sink.validators(&j.url) } else { None };
            (j, v)
        })
        .collect();
    let total = jobs.len() as u64;
    let mut done = 0u64;
    fetcher.progress(stage, 0, total);
    let queue = Mutex::new(jobs.into_iter());
    let (tx, rx) = mpsc::channel::<(Job, Result<Answer, FetchError>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let tx = tx.clone();
            let queue = &queue;
            scope.spawn(move || loop {
                if fetcher.stopping() {
                    break;
                }
                let next = queue.lock().unwrap_or_else(|p| p.into_inner()).next();
                let Some((job, known)) = next else { break };
                let answer = fetcher.get(&job.url, job.expect, known.as_ref());
                if tx.send((job, answer)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (job, answer) in rx {
            done += 1;
            fetcher.progress(stage, done, total);
            match answer {
                Ok(Answer::Body(doc)) => match sink.store(&doc) {
                    Stored::New { kind, rows } => {
                        let c = report.companies.entry(job.cik).or_default();
                        *c.documents.entry(kind.clone()).or_default() += 1;
                        *c.rows.entry(kind).or_default() += rows;
                        seen(&doc);
                    }
                    Stored::Unchanged => seen(&doc),
                    Stored::Failed(why) => report.failures.push(Failure { cik: job.company(), url: job.url, why }),
                },
                Ok(Answer::NotModified { url, fetched_at }) => sink.not_modified(&url, fetched_at),
                Err(e) => {
                    report.failures.push(Failure { url: e.url().to_string(), why: e.to_string(), cik: job.company() })
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edgar_paths_under_any_base() {
        let h = Hosts::new("http://127.0.0.1:9/", "http://127.0.0.1:9");
        assert_eq!(h.submissions(320193), "http://127.0.0.1:9/submissions/CIK0000320193.json");
        assert_eq!(h.companyfacts(320193), "http://127.0.0.1:9/api/xbrl/companyfacts/CIK0000320193.json");
        assert_eq!(
            h.filing(320193, "0000320193-22-000061"),
            "http://127.0.0.1:9/Archives/edgar/data/320193/000032019322000061/0000320193-22-000061.txt"
        );
        assert_eq!(cik_of_submissions(&h.submissions(320193)), Some(320193));
        assert_eq!(cik_of_submissions(&h.submissions_page("CIK0001318605-submissions-001.json")), None);
        assert_eq!(cik_of_entry("CIK0001318605-submissions-001.json"), Some(1318605));
        assert_eq!(cik_of_entry("CIK0000320193.json"), Some(320193));
        assert_eq!(cik_of_entry("README.txt"), None);
        assert_eq!(h.bulk(Bulk::CompanyFacts), "http://127.0.0.1:9/Archives/edgar/daily-index/xbrl/companyfacts.zip");
        assert_eq!(
            h.daily_index("2022-05-06".parse().unwrap()),
            "http://127.0.0.1:9/Archives/edgar/daily-index/2022/QTR2/form.20220506.idx"
        );
    }

    #[test]
    fn a_form_index_reads_forms_with_spaces_and_names_of_any_width() {
        let idx = "Description:           Daily Index of EDGAR Dissemination Feed by Form Type\n\
Last Data Received:    May 6, 2022\n\
\n\
Form Type   Company Name                                                  CIK         Date Filed  File Name\n\
---------------------------------------------------------------------------------------------------------------------------------------------\n\
4           Apple Inc.                                                    320193      20220506    edgar/data/320193/0000320193-22-000061.txt\n\
4           O'BRIEN DEIRDRE                                               1767094     20220506    edgar/data/320193/0000320193-22-000061.txt\n\
SC 13G/A    SOME FUND, L.P.                                               1234567     20220506    edgar/data/1234567/0001234567-22-000001.txt\n";
        let rows = parse_form_index(idx);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], ("4".into(), 320193, "2022-05-06".parse().unwrap(), "0000320193-22-000061".into()));
        assert_eq!(rows[2].0, "SC 13G/A");
    }
}
