//! The service layer: the one place that opens the store, loads the scored
//! universe and answers questions about it.
//!
//! The CLI, the HTTP API with its stock pages, and the MCP server for agents are
//! thin faces over a [`Service`]: a face parses its input, calls one method here
//! and renders the answer. None of them opens the store or assembles a universe,
//! so the three cannot drift apart: `alphadesk score --json`, `GET
//! /api/v1/tickers/AAPL` and the `get_score` tool print the same record.
//!
//! A service owns a pool of read-only connections and a [`Snapshot`]: the
//! universe loaded at one store generation, with caches of what has been computed
//! from it (scores per date, explanations, notes, the figures of record). Before
//! answering, it asks SQLite whether another connection has written the file
//! (`PRAGMA data_version`); when the generation moved, a new snapshot is loaded
//! and the old caches go with the old snapshot. Figures of record are also kept
//! in the store, per configuration and generation, so that a CLI process does not
//! recompute a whole backtest to state them.

#![warn(missing_docs)]

pub mod change;
pub mod error;
pub mod export;
pub mod month_ends;
pub mod params;
pub mod publish;
pub mod screen;
pub mod stories;
pub mod views;
pub mod work;
pub mod write;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};

use alphadesk_model::{NaiveDate, Sector, Ticker};
use alphadesk_notes::{compose, render, Desk};
use alphadesk_rules::{Catalog, Checker};
use alphadesk_score::{score, Universe, Window};
use alphadesk_store::Store;
use alphadesk_validate::Spec;

pub use alphadesk_fundamentals::actions::{ratio_label, SplitCheck, Testimony, Witness};
/// The sync crate's plan and policy types, for the faces that start a sync.
pub use alphadesk_sync as sync;
pub use alphadesk_validate::live::{LiveClose, LiveRecord};
pub use error::{Kind, Result, ServiceError};
pub use publish::{ComposedNote, NoteOutcome, NoteText};
pub use stories::{Stories, ThemeRef};
pub use views::*;
use work::Flights;
pub use work::{Pool, Request};

/// The most results one page may hold.
pub const MAX_LIMIT: usize = 500;
/// The largest note `check` accepts, in bytes.
pub const MAX_NOTE_BYTES: usize = 1 << 20;
/// Cached explanations and notes per snapshot before the oldest are dropped.
const CACHE_ENTRIES: usize = 4096;

/// How far back a stock page's score history reaches (two years of month ends).
pub const SCORE_HISTORY_DAYS: i64 = 730;

/// Peers a stock page lists besides the stock itself.
pub const STOCK_PAGE_PEERS: usize = 8;

/// How the Alpha Score is computed, as the pages and the MCP resource show it.
pub const METHODOLOGY: &str = include_str!("../../../docs/methodology.md");

/// The publishing rules the checker enforces, as the MCP resource shows them.
pub const RULES: &str = include_str!("../../../docs/rules.md");

/// What a service is opened with.
#[derive(Debug, Clone)]
pub struct Options {
    /// The score configuration answers are computed with.
    pub config: ScoreConfig,
    /// The publishing rules notes and stories are checked against.
    pub rules: RulesConfig,
    /// Read connections in the pool (the server's worker threads share them).
    pub readers: usize,
    /// Load a new store generation on a thread of its own and keep answering
    /// from the previous one until the new one is warm (a server); otherwise the
    /// caller that notices the change loads it (the CLI, tests).
    pub reload_in_background: bool,
    /// Load for each question only the dates it is about (see
    /// `alphadesk_score::window`); off, every question reads the whole history
    /// (the reference the window is tested against).
    pub windowed: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            config: ScoreConfig::default(),
            rules: RulesConfig::default(),
            readers: 4,
            reload_in_background: false,
            windowed: true,
        }
    }
}

/// The universe at one store generation, and what has been computed from it.
/// Every cache computes a missing answer once however many callers ask at once
/// ([`work::Flights`]).
pub struct Snapshot {
    /// The store generation it was read at.
    pub generation: i64,
    /// Who is in the universe, with their listings, first and last close, and
    /// the trading calendar: a load for no date, what a question is checked
    /// against before the dates it is about are loaded.
    pub index: Universe,
    /// Universes loaded for the dates questions were about ([`Service::universe`]).
    universes: Flights<Window, Universe>,
    /// The date a question without one is about: the latest close most of the
    /// universe has (a few tickers ingested ahead do not move everyone's date).
    default_date: Option<NaiveDate>,
    /// Tickers whose last close is before `default_date`, and those with closes
    /// after it (what `/healthz` and the leaderboard say on every request).
    behind: Vec<String>,
    ahead: Vec<String>,
    scores: Flights<NaiveDate, Vec<ScoreRecord>>,
    explained: Flights<(NaiveDate, String), TickerView>,
    notes: Flights<(NaiveDate, String), NoteView>,
    facts: Flights<(NaiveDate, String), alphadesk_fundamentals::FactsReport>,
    record: Flights<(), Backtest>,
    figures: OnceLock<Arc<Figures>>,
    /// The month ends a writer kept for this generation ([`month_ends::KeptMonthEnds`]),
    /// read once.
    month_ends: OnceLock<Option<Arc<month_ends::KeptMonthEnds>>>,
    /// The live record: recorded closes change only with a write, which makes
    /// a new snapshot.
    live: Flights<(), alphadesk_validate::live::LiveRecord>,
    /// What every date's checker shares (names, accessions, files, rules).
    catalog: Flights<(), Catalog>,
    /// Every ticker's note of a date, summarised (headline, verdict): composed
    /// for the whole date at once with one checker, which costs little more than
    /// one note, and kept small.
    summaries: Flights<NaiveDate, BTreeMap<String, NoteSummary>>,
    /// Themes per window (from, to, minimum articles).
    themes: Flights<(NaiveDate, NaiveDate, usize), stories::Window>,
    /// Stories per window (as of, from), in brief.
    story_index: Flights<(NaiveDate, NaiveDate), StoryIndex>,
}

impl Snapshot {
    /// The date questions without one are about: the latest close that at least
    /// half of the universe has. A ticker ingested a few days ahead of the rest
    /// does not move everyone onto stale closes.
    pub fn latest(&self) -> Option<NaiveDate> {
        self.default_date
    }

    /// The latest date any security traded in the store.
    pub fn newest(&self) -> Option<NaiveDate> {
        self.index.calendar.last().copied()
    }

    /// Tickers whose last close is before the default date (stale or delisted)
    /// and tickers with closes after it (ingested ahead of the rest).
    pub fn out_of_step(&self) -> (&[String], &[String]) {
        (&self.behind, &self.ahead)
    }
}

/// Tickers whose last close is before `d`, and those with closes after it.
fn out_of_step(universe: &Universe, d: Option<NaiveDate>) -> (Vec<String>, Vec<String>) {
    let Some(d) = d else { return Default::default() };
    let (mut behind, mut ahead) = (Vec::new(), Vec::new());
    for m in &universe.members {
        match m.last_date {
            last if last < d => behind.push(m.ticker.clone()),
            last if last > d => ahead.push(m.ticker.clone()),
            _ => {}
        }
    }
    (behind, ahead)
}

/// The latest close at least half of the universe has.
fn majority_date(universe: &Universe) -> Option<NaiveDate> {
    let mut last: Vec<NaiveDate> = universe.members.iter().map(|m| m.last_date).collect();
    if last.is_empty() {
        return universe.calendar.last().copied();
    }
    last.sort_unstable_by(|a, b| b.cmp(a));
    Some(last[(last.len() - 1) / 2])
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a cache lock leaves a cache, not an invariant: go on.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The service: the open store, its current [`Snapshot`], and the pool every
/// expensive computation runs in. See the crate documentation.
pub struct Service {
    db: PathBuf,
    cfg: ScoreConfig,
    cfg_hash: String,
    rules: RulesConfig,
    /// The open files: replaced whole when the store file itself is replaced.
    files: RwLock<Arc<Files>>,
    current: RwLock<Arc<Snapshot>>,
    reload: Mutex<()>,
    /// A background reload is loading the next generation.
    reloading: AtomicBool,
    reload_in_background: bool,
    windowed: bool,
    readers_wanted: usize,
    /// Where expensive answers are computed: bounded, one per question.
    pool: Pool,
    /// The service itself, for the background reload's thread (set by
    /// [`Service::open_shared`]).
    me: std::sync::Weak<Service>,
}

/// The connections to one store file, and which file they are on.
struct Files {
    readers: Vec<Mutex<Store>>,
    /// Told when a read connection is given back (see [`Files::reader`]).
    returned: (Mutex<()>, std::sync::Condvar),
    /// A connection kept only to ask whether anyone else wrote the file.
    watch: Mutex<Store>,
    seen_version: AtomicI64,
    identity: Option<FileIdentity>,
}

/// What tells one file from another at the same path (a store replaced by a
/// rename has a new inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
}

fn identity(path: &Path) -> Option<FileIdentity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| FileIdentity { device: m.dev(), inode: m.ino() })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl Files {
    fn open(db: &Path, readers: usize) -> Result<Files> {
        let identity = identity(db);
        let watch = Store::open_read_only(db)?;
        let readers = (0..readers.max(1))
            .map(|_| Store::open_read_only(db).map(Mutex::new))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let seen = data_version(&watch)?;
        Ok(Files {
            readers,
            returned: Default::default(),
            watch: Mutex::new(watch),
            seen_version: AtomicI64::new(seen),
            identity,
        })
    }

    /// A read connection: the first free one, else the first given back. Not
    /// a fixed one in turn: that may be a universe load's, held for seconds,
    /// while a page's one query waits behind it (the syncing bench saw 1.7 s).
    fn reader(&self) -> ReadConnection<'_> {
        loop {
            for r in &self.readers {
                let guard = match r.try_lock() {
                    Ok(g) => g,
                    Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
                    Err(std::sync::TryLockError::WouldBlock) => continue,
                };
                return ReadConnection { guard: Some(guard), files: self };
            }
            // Bounded: a connection given back between the scan and the wait
            // is found at the next scan.
            let waiting = lock(&self.returned.0);
            let _ = self.returned.1.wait_timeout(waiting, std::time::Duration::from_millis(5));
        }
    }
}

/// A read connection of [`Files`], given back (and said so) when dropped.
pub(crate) struct ReadConnection<'a> {
    guard: Option<MutexGuard<'a, Store>>,
    files: &'a Files,
}

impl std::ops::Deref for ReadConnection<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.guard.as_deref().expect("held until dropped")
    }
}

impl Drop for ReadConnection<'_> {
    fn drop(&mut self) {
        self.guard = None;
        self.files.returned.1.notify_one();
    }
}

/// A read connection held for one call (it keeps its files open meanwhile).
pub(crate) struct Reader {
    files: Arc<Files>,
}

impl Reader {
    pub(crate) fn get(&self) -> ReadConnection<'_> {
        self.files.reader()
    }
}

impl Service {
    /// Opens an existing store read-only and loads its universe.
    pub fn open(db: &Path, opts: Options) -> Result<Service> {
        let (files, snapshot) = Self::load(db, &opts)?;
        Ok(Self::assemble(db, opts, files, snapshot, std::sync::Weak::new()))
    }

    /// Opens a store for sharing between threads (a server): the form a
    /// background reload needs, since its thread holds the service.
    pub fn open_shared(db: &Path, opts: Options) -> Result<Arc<Service>> {
        let (files, snapshot) = Self::load(db, &opts)?;
        Ok(Arc::new_cyclic(|me| Self::assemble(db, opts, files, snapshot, me.clone())))
    }

    fn load(db: &Path, opts: &Options) -> Result<(Files, Snapshot)> {
        let files = Files::open(db, opts.readers)?;
        let snapshot = load_snapshot(&files.reader())?;
        Ok((files, snapshot))
    }

    fn assemble(db: &Path, opts: Options, files: Files, snapshot: Snapshot, me: std::sync::Weak<Service>) -> Service {
        Service {
            db: db.to_path_buf(),
            cfg_hash: opts.config.hash(),
            cfg: opts.config,
            rules: opts.rules,
            files: RwLock::new(Arc::new(files)),
            current: RwLock::new(Arc::new(snapshot)),
            reload: Mutex::new(()),
            reloading: AtomicBool::new(false),
            reload_in_background: opts.reload_in_background,
            windowed: opts.windowed,
            readers_wanted: opts.readers,
            pool: Pool::for_machine(),
            me,
        }
    }

    /// The store file.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// The score configuration in use.
    pub fn config(&self) -> &ScoreConfig {
        &self.cfg
    }

    /// Its hash, which names it wherever a score is stated.
    pub fn config_hash(&self) -> &str {
        &self.cfg_hash
    }

    /// The publishing rules in use.
    pub fn rules(&self) -> &RulesConfig {
        &self.rules
    }

    /// Whether the configuration in use is the shipped default (whose backtest
    /// is the one of record).
    pub fn default_config(&self) -> bool {
        self.cfg_hash == ScoreConfig::default().hash()
    }

    fn files(&self) -> Arc<Files> {
        self.files.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// A read connection of the current files.
    pub(crate) fn reader(&self) -> Reader {
        Reader { files: self.files() }
    }

    /// The pool expensive answers are computed in.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The current snapshot. A store file replaced at its path is reopened at
    /// once; a write to the store (another process's ingest or sync) loads a new
    /// snapshot: in the background when the service was opened so (the previous
    /// snapshot answers meanwhile, and the new one is warmed with what the
    /// previous one had computed), else here.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>> {
        if let Some(snap) =
            PINNED.with(|p| p.borrow().as_ref().filter(|(id, _)| *id == self.identity()).map(|(_, s)| s.clone()))
        {
            return Ok(snap);
        }
        let files = self.files();
        if files.identity.is_some() {
            let now = identity(&self.db);
            if now.is_some() && now != files.identity {
                return self.reopen(&files);
            }
        }
        let version = data_version(&lock(&files.watch))?;
        if version != files.seen_version.load(Ordering::Acquire) {
            if self.reload_in_background {
                self.reload_later(files, version);
            } else {
                let _one = lock(&self.reload);
                let version = data_version(&lock(&files.watch))?;
                if version != files.seen_version.load(Ordering::Acquire) {
                    let generation = files.reader().generation()?;
                    if self.current().generation != generation {
                        let fresh = Arc::new(load_snapshot(&files.reader())?);
                        self.install(fresh);
                    }
                    files.seen_version.store(version, Ordering::Release);
                }
            }
        }
        Ok(self.current())
    }

    fn current(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn install(&self, fresh: Arc<Snapshot>) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = fresh;
    }

    /// The store file at our path is another file now: open it, load it, and
    /// answer from it from this request on.
    fn reopen(&self, old: &Arc<Files>) -> Result<Arc<Snapshot>> {
        let _one = lock(&self.reload);
        if !Arc::ptr_eq(old, &self.files()) {
            return Ok(self.current());
        }
        log(&format!("the store file {} was replaced: reopening it", self.db.display()));
        let files = Arc::new(Files::open(&self.db, self.readers_wanted)?);
        let fresh = Arc::new(load_snapshot(&files.reader())?);
        *self.files.write().unwrap_or_else(|p| p.into_inner()) = files;
        self.install(fresh.clone());
        Ok(fresh)
    }

    /// Starts loading the new generation on a thread of its own, unless one is
    /// loading already. The snapshot in use answers until the new one is ready.
    fn reload_later(&self, files: Arc<Files>, version: i64) {
        if self.reloading.swap(true, Ordering::AcqRel) {
            return;
        }
        // The thread needs the service for warming; a service is shared as an
        // `Arc` by every face that reloads in the background.
        let Some(me) = self.me.upgrade() else {
            self.reloading.store(false, Ordering::Release);
            return;
        };
        std::thread::spawn(move || {
            let result = (|| -> Result<()> {
                let version = settled_version(&files, version)?;
                let generation = files.reader().generation()?;
                if me.current().generation != generation {
                    let old = me.current();
                    let fresh = Arc::new(load_snapshot(&files.reader())?);
                    me.warm_like(&fresh, &old);
                    me.install(fresh);
                    log(&format!("store generation {generation} loaded"));
                }
                files.seen_version.store(version, Ordering::Release);
                Ok(())
            })();
            if let Err(e) = result {
                log(&format!("loading the new store generation failed (answering from the previous one): {e}"));
            }
            me.reloading.store(false, Ordering::Release);
        });
    }

    /// Computes on `fresh` the scores and note summaries `old` had computed, so
    /// that the routes that were fast stay fast when `fresh` is installed.
    fn warm_like(&self, fresh: &Arc<Snapshot>, old: &Snapshot) {
        let mut dates = old.scores.keys();
        dates.sort_unstable_by(|a, b| b.cmp(a));
        if let (Some(was), Some(now)) = (old.latest(), fresh.latest()) {
            // The old latest date's work moves to the new latest date.
            for d in dates.iter_mut() {
                if *d == was {
                    *d = now;
                }
            }
        }
        dates.truncate(64);
        let _ = self.scores_over(fresh, &dates);
        for d in old.summaries.keys().into_iter().take(8) {
            let d = if Some(d) == old.latest() { fresh.latest().unwrap_or(d) } else { d };
            let _ = self.date_notes(fresh, d);
        }
        // The stock pages visitors had opened on the latest date, on the new
        // latest date: the same answers, from the new data, before anyone
        // asks (a page computed cold after the switch waited seconds, and a
        // crowd of them was refused).
        // On every core: the old generation answers meanwhile from its caches.
        let Some(was) = old.latest() else { return };
        let tickers: Vec<String> =
            old.explained.keys().into_iter().filter(|(d, _)| *d == was).map(|(_, t)| t).collect();
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        std::thread::scope(|scope| {
            for part in tickers.chunks(tickers.len().div_ceil(cores).max(1)) {
                let fresh = fresh.clone();
                scope.spawn(move || {
                    self.pinned(fresh, || {
                        for t in part {
                            let _ = self.stock_page(t, None, STOCK_PAGE_PEERS);
                        }
                    })
                });
            }
        });
    }

    /// Loads what the first requests need (the universe, the latest date's
    /// scores and notes, the figures of record), so that a server's first visitors are not
    /// the ones who wait for it.
    pub fn warm(&self) -> Result<()> {
        let snap = self.snapshot()?;
        if let Some(latest) = snap.latest() {
            // What a stock page of the latest date shows: two years of month-end
            // scores (shared by every ticker) and the notes of four dates. The
            // month ends are read back when the writer kept them (asked without
            // reading them: this comes first); else they are scored from one
            // load that holds every later question's dates too. Either way
            // the load starts at once, so that a first visitor's page joins it
            // instead of loading months of its own.
            let month_ends = month_ends::charted(&snap.index, latest);
            let charted = self.reader().get().has_cached(month_ends::KIND, &self.cfg_hash, snap.generation)?;
            // The notes' desks: each note's date and the month before it (a
            // note reads its own ticker's years before on its own). A load
            // for the latest date holds them, and is the one a page asks for.
            let notes = Self::note_dates(&snap, latest);
            let desks: Vec<NaiveDate> =
                notes.iter().flat_map(|&d| std::iter::once(d).chain(Desk::month_ago(&snap.index, d))).collect();
            match (charted, month_ends.first()) {
                (false, Some(&first)) => {
                    self.universe(&snap, Window::dates(first, latest))?;
                    self.scores_over(&snap, &month_ends)?;
                }
                _ => {
                    self.universe(&snap, Window::dates(latest, latest))?;
                }
            }
            self.scores_over(&snap, &desks)?;
            let records = self.scores_on(&snap, latest)?;
            for r in records.iter() {
                self.explain(&r.ticker, Some(latest))?;
                self.facts(&r.ticker, Some(latest))?;
            }
            // Last: every ticker's notes of those dates (the lists) load every
            // filer's years before, the heaviest and least urgent of these.
            for d in notes {
                self.date_notes(&snap, d)?;
            }
        }
        self.figures()?;
        Ok(())
    }

    /// The date a question is about: the one asked, else the latest close. It is
    /// never moved: filings, insider trades, holdings and news are answered for it
    /// whether or not the store has a price on it, and price-based values say
    /// which close they use ([`Self::date`]).
    pub(crate) fn asked(&self, snap: &Snapshot, as_of: Option<NaiveDate>) -> Result<NaiveDate> {
        match as_of {
            Some(d) => Ok(d),
            None => snap.latest().ok_or_else(|| ServiceError::not_found("the store holds no prices")),
        }
    }

    /// The close price-based values of a date use: the trading day on or before
    /// it (a weekend or holiday has no close of its own; a date past the last
    /// price uses the last), else the latest in the store. Views carry it as
    /// `price_date` beside the date asked.
    pub(crate) fn date(&self, snap: &Snapshot, as_of: Option<NaiveDate>) -> Result<NaiveDate> {
        let Some(latest) = snap.latest() else {
            return Err(ServiceError::not_found("the store holds no prices"));
        };
        let Some(asked) = as_of else { return Ok(latest) };
        snap.index.trading_day_on_or_before(asked).ok_or_else(|| {
            ServiceError::not_found(format!(
                "{asked} is before the store's first trading day ({}), so nothing priced is known on it",
                snap.index.calendar.first().map(|d| d.to_string()).unwrap_or_default()
            ))
        })
    }

    /// A ticker from a request: validated, upper-cased, and in the universe.
    pub fn ticker(&self, snap: &Snapshot, raw: &str) -> Result<String> {
        let t = Ticker::new(raw).map_err(|e| ServiceError::bad_input(e.to_string()))?;
        match snap.index.member(t.as_str()) {
            Some(m) => Ok(m.ticker.clone()),
            None => Err(ServiceError::not_found(format!(
                "{t} is not in the scored universe (the store holds no prices or no sector for it)"
            ))),
        }
    }

    /// Every record scored on a date (cached per snapshot and date, computed
    /// once however many ask at once).
    pub fn scores_on(&self, snap: &Snapshot, as_of: NaiveDate) -> Result<Arc<Vec<ScoreRecord>>> {
        snap.scores.get_or_compute(&self.pool, as_of, |_| {
            Ok(score(self.universe(snap, Window::dates(as_of, as_of))?.as_ref(), as_of, &self.cfg))
        })
    }

    /// The records of each of `dates`, from one load that covers those not
    /// computed yet (a history, a panel, the export's scores).
    pub fn scores_over(&self, snap: &Snapshot, dates: &[NaiveDate]) -> Result<Vec<Arc<Vec<ScoreRecord>>>> {
        let mut missing: Vec<NaiveDate> = dates.iter().copied().filter(|d| snap.scores.get(d).is_none()).collect();
        // A date asked twice (a note's date is the next one's month ago) is scored once.
        missing.sort_unstable();
        missing.dedup();
        let (Some(first), Some(last)) = (missing.first(), missing.last()) else {
            return dates.iter().map(|d| self.scores_on(snap, *d)).collect();
        };
        let universe = self.universe(snap, Window::dates(*first, *last))?;
        let scored = |d: NaiveDate| snap.scores.get_or_compute(&self.pool, d, |_| Ok(score(&universe, d, &self.cfg)));
        // Each date's ranks are its own: the missing dates on every core (a
        // stock page's two years of month ends waited for them one by one).
        let computed: HashMap<NaiveDate, Arc<Vec<ScoreRecord>>> =
            missing.iter().copied().zip(work::on_every_core(&missing, |&d| scored(d))?).collect();
        // Taken from `computed`, not looked up again: a panel of more dates
        // than the cache holds would have lost its first ones to its last.
        dates.iter().map(|&d| computed.get(&d).cloned().map_or_else(|| scored(d), Ok)).collect()
    }

    /// The universe that answers questions about the dates of `need`: a loaded
    /// one that covers them, or one under way that will (waited for), else a
    /// load of the month around them ([`Window::widened`]) — or of the whole history, when the service was
    /// opened without windows or `need` is every date.
    pub fn universe(&self, snap: &Snapshot, need: Window) -> Result<Arc<Universe>> {
        let load = match self.windowed && !need.is_all() {
            true => need.widened(),
            false => Window::ALL,
        };
        if let Some(u) = snap.universes.find_or_join(|w| w.covers(&need)) {
            return u;
        }
        snap.universes.get_or_compute(&self.pool, load, |_| {
            let reader = self.reader();
            let store = reader.get();
            let started = std::time::Instant::now();
            let u = Universe::load_window(&store, &store, load)?;
            tracing::debug!("loaded the universe for {load} in {:?}", started.elapsed());
            Ok(u)
        })
    }

    /// Scores of a date (default: the latest), optionally one sector, sorted and
    /// paged.
    pub fn scores(
        &self,
        as_of: Option<NaiveDate>,
        sector: Option<&str>,
        sort: Sort,
        limit: Option<usize>,
        offset: usize,
    ) -> Result<ScoresView> {
        let limit = limit.unwrap_or(50);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ServiceError::bad_input(format!("limit must be 1 to {MAX_LIMIT}, got {limit}")));
        }
        check_offset(offset)?;
        let ranked = self.ranked(as_of, sector, sort, None, |_, _| true)?;
        let (asked, as_of) = (ranked.asked, ranked.as_of);
        let total = ranked.rows.len();
        let page: Vec<ScoreRecord> = ranked.rows.into_iter().skip(offset).take(limit).map(|(r, _)| r.clone()).collect();
        Ok(ScoresView {
            as_of: asked,
            price_date: as_of,
            config_hash: self.cfg_hash.clone(),
            page: Page { total, offset, limit, items: page },
        })
    }

    /// One ticker's record, explanation and metrics with sources.
    pub fn explain(&self, ticker: &str, as_of: Option<NaiveDate>) -> Result<Arc<TickerView>> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let asked = self.asked(&snap, as_of)?;
        let as_of = self.date(&snap, Some(asked))?;
        let view = snap.explained.get_or_compute(&self.pool, (as_of, t.clone()), |_| {
            let records = self.scores_on(&snap, as_of)?;
            let universe = self.universe(&snap, Window::dates(as_of, as_of))?;
            let Some(e) = alphadesk_score::explain_scored(&universe, &records, &t, as_of, &self.cfg) else {
                return Err(ServiceError::not_found(format!(
                    "{t} has no fresh price on {as_of}, so it is not scored then"
                )));
            };
            Ok(TickerView {
                record: e.record,
                price_date: as_of,
                explanation: e.sentences,
                metrics: e.metrics.into_iter().map(MetricView::from).collect(),
                config_hash: e.config_hash,
            })
        })?;
        Ok(if asked == as_of {
            view
        } else {
            let mut v = view.as_ref().clone();
            v.record.as_of = asked;
            Arc::new(v)
        })
    }

    /// Standardised fundamentals known at the close of a date.
    pub fn facts(&self, ticker: &str, as_of: Option<NaiveDate>) -> Result<alphadesk_fundamentals::FactsReport> {
        let snap = self.snapshot()?;
        // Filings need no price: the date asked is the date answered.
        let as_of = self.asked(&snap, as_of)?;
        // Any ticker of the securities master, priced or not.
        let t = Ticker::new(ticker).map_err(|e| ServiceError::bad_input(e.to_string()))?;
        let key = (as_of, t.as_str().to_string());
        let report = snap.facts.get_or_compute(&self.pool, key, |_| {
            alphadesk_fundamentals::facts(&self.reader().get(), t.as_str(), as_of)?.ok_or_else(|| {
                ServiceError::not_found(format!("unknown ticker {t}: ingest its listing or prices first"))
            })
        })?;
        Ok(report.as_ref().clone())
    }

    /// Everything `ticker`'s stock page shows on `as_of` (default: the latest
    /// close), with `peers` peers, from one snapshot.
    pub fn stock_page(&self, ticker: &str, as_of: Option<NaiveDate>, peers: usize) -> Result<StockPage> {
        let snap = self.snapshot()?;
        self.pinned(snap.clone(), || {
            let t = self.ticker(&snap, ticker)?;
            let view = self.explain(&t, as_of)?;
            // Filings, trades and holdings as known on the date asked; prices,
            // the score and notes at the close it uses (the page says so where
            // they differ).
            let (as_of, close) = (view.record.as_of, view.price_date);
            let stories = self.story_index(Some(close), None)?;
            Ok(StockPage {
                latest: snap.latest(),
                cik: snap.index.member(&t).and_then(|m| m.cik),
                prices: self.prices(&t, None, Some(close))?,
                history: self.points(&snap, &t, &month_ends::charted(&snap.index, close))?,
                // A first month has nothing to compare with: no panel, not an error.
                change: self.score_change(&t, Some(close)).ok(),
                peers: self.peers(&t, Some(close), peers).ok(),
                facts: self.facts(&t, Some(as_of))?,
                insiders: self.insiders(&t, Some(as_of))?,
                holders: self.holders(&t, Some(as_of))?,
                notes: self.ticker_notes(&t, Some(close))?,
                news: self.news(&t, &params::NewsQuery { to: Some(as_of), limit: Some(5), ..Default::default() })?,
                stories: stories.stories.iter().filter(|st| st.tickers.contains(&t)).cloned().collect(),
                figures: self.figures()?,
                of_record: self.default_config(),
                view,
            })
        })
    }

    /// Runs `f` with every question this service is asked on this thread
    /// answered from `snap`: a page's many questions see one generation of
    /// the store, and a new generation is warmed before anyone sees it.
    pub(crate) fn pinned<T>(&self, snap: Arc<Snapshot>, f: impl FnOnce() -> T) -> T {
        struct Restore(Option<(usize, Arc<Snapshot>)>);
        impl Drop for Restore {
            fn drop(&mut self) {
                PINNED.with(|p| *p.borrow_mut() = self.0.take());
            }
        }
        let _restore = Restore(PINNED.with(|p| p.borrow_mut().replace((self.identity(), snap))));
        f()
    }

    /// Tells this service from another in the same process (tests open many).
    fn identity(&self) -> usize {
        self as *const Service as usize
    }

    /// The live record of the configuration of record: each latest close's
    /// scores as first stated, with the rank IC of the returns that followed
    /// once `horizon` (21) trading days have passed. The live figure counts
    /// only closes stated within a week of themselves, never a replay.
    pub fn live_record(&self) -> Result<alphadesk_validate::live::LiveRecord> {
        let snap = self.snapshot()?;
        let record = snap.live.get_or_compute(&self.pool, (), |_| {
            let hash = ScoreConfig::default().hash();
            let recorded = self.reader().get().live_scores(&hash)?;
            let horizon = alphadesk_validate::record_spec().horizon;
            let (Some(first), Some(latest)) = (recorded.first().map(|r| r.as_of), snap.index.calendar.last().copied())
            else {
                return Ok(alphadesk_validate::live::live_record(&snap.index, &hash, &[], horizon));
            };
            let universe = self.universe(&snap, Window::dates(first.min(latest), latest))?;
            let stated: Vec<alphadesk_validate::live::Stated<'_>> = recorded
                .iter()
                .map(|r| alphadesk_validate::live::Stated {
                    as_of: r.as_of,
                    recorded_at: &r.recorded_at,
                    scores: &r.scores,
                })
                .collect();
            Ok(alphadesk_validate::live::live_record(&universe, &hash, &stated, horizon))
        })?;
        Ok(record.as_ref().clone())
    }

    /// Each split of the tickers asked (every priced ticker when none) as the
    /// price source, XBRL and inference report it, with every disagreement and
    /// the split the market cap uses (see `alphadesk_fundamentals::actions`).
    pub fn splits(&self, tickers: &[String]) -> Result<Vec<alphadesk_fundamentals::actions::SplitCheck>> {
        let snap = self.snapshot()?;
        let asked: Vec<String> = if tickers.is_empty() {
            snap.index.members.iter().map(|m| m.ticker.clone()).collect()
        } else {
            tickers.iter().map(|t| self.ticker(&snap, t)).collect::<Result<_>>()?
        };
        let reader = self.reader();
        let store = reader.get();
        let records = alphadesk_fundamentals::StoreRecords::new(store.conn());
        let mut out = Vec::new();
        for t in asked {
            let cik = snap.index.member(&t).and_then(|m| m.cik);
            out.extend(alphadesk_fundamentals::actions::check(&records, &t, cik)?);
        }
        Ok(out)
    }

    /// Daily bars from `from` to `to` (default: the year to the latest date).
    pub fn prices(&self, ticker: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<PricesView> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let to = to.unwrap_or(snap.index.member(&t).expect("checked member").last_date);
        let from = from.unwrap_or(to - chrono::Duration::days(365));
        if from > to {
            return Err(ServiceError::bad_input(format!("from {from} is after to {to}")));
        }
        let universe = self.universe(&snap, Window::holding_prices(from, to))?;
        let m = universe.member(&t).expect("checked member");
        let (a, b) = (m.prices.dates.partition_point(|d| *d < from), m.prices.dates.partition_point(|d| *d <= to));
        let opt = |v: f64| (!v.is_nan()).then_some(v);
        let bars = (a..b)
            .map(|i| PriceBar {
                date: m.prices.dates[i],
                close: opt(m.prices.close[i]),
                adj_close: opt(m.prices.adj[i]),
                source: m.prices.source_at(i),
            })
            .collect();
        let week52 = m.prices.index_on_or_before(to).and_then(|idx| {
            let start = m.prices.dates.partition_point(|d| *d <= to - chrono::Duration::days(365));
            if start == 0 && m.prices.dates.first().is_none_or(|d| *d > to - chrono::Duration::days(365)) {
                return None;
            }
            let window = start..=idx;
            let pick = |better: fn(f64, f64) -> bool| {
                window.clone().filter(|&i| !m.prices.close[i].is_nan()).reduce(|x, y| {
                    if better(m.prices.close[y], m.prices.close[x]) {
                        y
                    } else {
                        x
                    }
                })
            };
            let (hi, lo) = (pick(|a, b| a > b)?, pick(|a, b| a < b)?);
            Some(Range52 {
                high: m.prices.close[hi],
                high_date: m.prices.dates[hi],
                low: m.prices.close[lo],
                low_date: m.prices.dates[lo],
            })
        });
        Ok(PricesView { ticker: t, from, to, week52, bars })
    }

    /// The Alpha Score at each month end from `from` to `to`.
    pub fn score_history(&self, ticker: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<ScorePoint>> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        self.points(&snap, &t, &snap.index.rebalance_dates(from, to, alphadesk_score::Every::Month))
    }

    /// `ticker`'s score on each of `dates` (null where it was not scored): as
    /// the writer kept them when it kept every one of them, else scored.
    fn points(&self, snap: &Snapshot, ticker: &str, dates: &[NaiveDate]) -> Result<Vec<ScorePoint>> {
        if let Some(kept) = self.kept_month_ends(snap)? {
            if kept.covers(dates) {
                return Ok(dates.iter().filter_map(|d| kept.point(*d, ticker)).collect());
            }
        }
        let records = self.scores_over(snap, dates)?;
        Ok(dates.iter().zip(&records).map(|(d, r)| ScorePoint::of(*d, r.iter().find(|r| r.ticker == ticker))).collect())
    }

    /// The month ends the writer kept for `snap`'s generation and this
    /// service's configuration; `None` when there are none (another
    /// configuration, an older writer) or the store has moved on since `snap`.
    fn kept_month_ends(&self, snap: &Snapshot) -> Result<Option<Arc<month_ends::KeptMonthEnds>>> {
        if let Some(kept) = snap.month_ends.get() {
            return Ok(kept.clone());
        }
        let json = self.reader().get().cached(month_ends::KIND, &self.cfg_hash, snap.generation)?;
        let kept = json.and_then(|json| match serde_json::from_str::<month_ends::KeptMonthEnds>(&json) {
            Ok(kept) => Some(Arc::new(kept)),
            Err(e) => {
                // Another build's layout: scored instead, and said.
                log(&format!("the kept month ends do not read ({e}): scoring them"));
                None
            }
        });
        Ok(snap.month_ends.get_or_init(|| kept).clone())
    }

    /// A ticker's scores with the faces' defaults and bounds: `to` the latest
    /// date, `from` two years before it, each month end; at most ten years.
    pub fn history(
        &self,
        ticker: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        every: Option<alphadesk_score::Every>,
    ) -> Result<ScoreHistory> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let span = self.span(&snap, from, to, every)?;
        let points = self.points(&snap, &t, &span.dates)?;
        let Span { from, to, every, .. } = span;
        Ok(ScoreHistory { ticker: t, config_hash: self.config_hash().to_string(), from, to, every, points })
    }

    /// The rebalance dates a history or a panel asks for: `to` the latest date
    /// by default, `from` two years before it, each month end (or week, or
    /// day); at most ten years and [`export::MAX_PANEL_DATES`] dates.
    pub(crate) fn span(
        &self,
        snap: &Snapshot,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        every: Option<alphadesk_score::Every>,
    ) -> Result<Span> {
        let to = self.asked(snap, to)?;
        let from = from.unwrap_or(to - chrono::Duration::days(SCORE_HISTORY_DAYS));
        if from > to {
            return Err(ServiceError::bad_input(format!("from {from} is after to {to}")));
        }
        if (to - from).num_days() > 3660 {
            return Err(ServiceError::bad_input(format!("{from} to {to} is over ten years: ask for a shorter span")));
        }
        let every = every.unwrap_or(alphadesk_score::Every::Month);
        let dates = snap.index.rebalance_dates(from, to, every);
        if dates.len() > export::MAX_PANEL_DATES {
            return Err(ServiceError::bad_input(format!(
                "{} {} dates from {from} to {to}: at most {} in one request",
                dates.len(),
                every.name(),
                export::MAX_PANEL_DATES
            )));
        }
        Ok(Span { from, to, every, dates })
    }

    /// Open-market insider trades filed by a date, newest first.
    pub fn insiders(&self, ticker: &str, as_of: Option<NaiveDate>) -> Result<InsidersView> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let as_of = self.asked(&snap, as_of)?;
        let universe = self.universe(&snap, Window::dates(as_of, as_of))?;
        let m = universe.member(&t).expect("checked member");
        let mut trades: Vec<_> = m.trades.iter().filter(|x| x.current_on(as_of)).cloned().collect();
        trades.reverse();
        Ok(InsidersView { ticker: t, as_of, trades })
    }

    /// Each manager's latest 13F share position filed by a date, largest first.
    pub fn holders(&self, ticker: &str, as_of: Option<NaiveDate>) -> Result<HoldersView> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let as_of = self.asked(&snap, as_of)?;
        let universe = self.universe(&snap, Window::dates(as_of, as_of))?;
        let m = universe.member(&t).expect("checked member");
        // Per manager and quarter, the latest filing; then each manager's latest quarter.
        let mut by: std::collections::BTreeMap<
            (alphadesk_model::Manager, NaiveDate),
            &alphadesk_store::read::Position,
        > = Default::default();
        for p in m.positions.iter().filter(|p| p.filed <= as_of) {
            by.insert((p.manager.clone(), p.period), p);
        }
        let mut holders: Vec<Holder> = Vec::new();
        let managers: std::collections::BTreeSet<&alphadesk_model::Manager> = by.keys().map(|(m, _)| m).collect();
        for manager in managers {
            let mine: Vec<_> = by.iter().filter(|((m, _), _)| m == manager).map(|(_, p)| *p).collect();
            let Some(last) = mine.last() else { continue };
            let previous = mine.len().checked_sub(2).map(|i| mine[i].shares);
            holders.push(Holder {
                manager: manager.clone(),
                period: last.period,
                filed: last.filed,
                shares: last.shares,
                previous_shares: previous,
                cusip: last.cusip.clone(),
                source: last.source.clone(),
            });
        }
        holders.sort_by(|a, b| b.shares.total_cmp(&a.shares).then(a.manager.cmp(&b.manager)));
        Ok(HoldersView { ticker: t, as_of, holders })
    }

    /// Two to ten tickers side by side on one date (default: the latest), each
    /// with its published explanation sentence.
    pub fn compare(&self, tickers: &[String], as_of: Option<NaiveDate>) -> Result<Comparison> {
        if !(2..=10).contains(&tickers.len()) {
            return Err(ServiceError::bad_input(format!("compare 2 to 10 tickers, got {}", tickers.len())));
        }
        let mut rows = Vec::with_capacity(tickers.len());
        let mut day = None;
        for t in tickers {
            let e = self.explain(t, as_of)?;
            day = Some(e.record.as_of);
            rows.push(ComparedRow {
                score: ScoreRow::from(&e.record),
                explanation: e.explanation.first().cloned().unwrap_or_default(),
            });
        }
        Ok(Comparison { as_of: day.unwrap_or_default(), config_hash: self.config_hash().to_string(), rows })
    }

    /// Stored articles about `ticker` first known from `from` (default: no bound)
    /// to `to` (default: the latest date), at least `min_relevance` relevant
    /// (default 40: about the company), newest first, at most `limit` (1–100,
    /// default 20).
    pub fn news(&self, ticker: &str, q: &params::NewsQuery) -> Result<NewsView> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let to = self.asked(&snap, q.to)?;
        if let Some(from) = q.from {
            if from > to {
                return Err(ServiceError::bad_input(format!("from {from} is after to {to}")));
            }
        }
        let min_relevance = q.min_relevance.unwrap_or(alphadesk_news::relevance::RELEVANT);
        if min_relevance > 100 {
            return Err(ServiceError::bad_input(format!("min_relevance must be 0 to 100, got {min_relevance}")));
        }
        let limit = q.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ServiceError::bad_input(format!("limit must be 1 to 100, got {limit}")));
        }
        let (found, matching) = alphadesk_store::read::articles_about(
            self.reader().get().conn(),
            &t,
            q.from,
            Some(to),
            min_relevance,
            limit,
        )?;
        let articles = found
            .into_iter()
            .map(|(d, link)| NewsItem {
                id: d.id,
                title: alphadesk_news::wire::clean_title(&d.title),
                lead: opening(&alphadesk_news::wire::clean(&d.body), 300),
                published: d.published_utc,
                known: d.known_date,
                relevance: link.relevance,
                tone: link.tone,
                url: d.url,
                source: alphadesk_store::read::SourceRef { path: d.path, accession: None, line: Some(d.line) },
            })
            .collect();
        Ok(NewsView { ticker: t, from: q.from, to, min_relevance, matching, articles })
    }

    /// Near misses of a search that found nothing ("APPL", "micrsoft"): tickers
    /// one or two letters away and companies with a name word that close, the
    /// nearest first, at most `limit`.
    pub fn suggest(&self, q: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let snap = self.snapshot()?;
        let upper = q.trim().to_ascii_uppercase();
        let words: Vec<String> =
            q.to_lowercase().split_whitespace().filter(|w| w.len() >= 4).map(str::to_string).collect();
        let mut near: Vec<(usize, SearchHit)> = snap
            .index
            .members
            .iter()
            .filter_map(|m| {
                let ticker = (upper.len() >= 2)
                    .then(|| edit_distance(&m.ticker, &upper))
                    .filter(|d| *d <= 1 + usize::from(upper.len() > 3));
                let name = m.name.as_deref().unwrap_or_default().to_lowercase();
                let word = words
                    .iter()
                    .flat_map(|w| name.split(|c: char| !c.is_alphanumeric()).map(move |n| edit_distance(n, w)))
                    .filter(|d| *d <= 2)
                    .min();
                let d = ticker.into_iter().chain(word).min()?;
                Some((d, SearchHit::of(m)))
            })
            .collect();
        near.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.ticker.cmp(&b.1.ticker)));
        Ok(near.into_iter().take(limit).map(|(_, h)| h).collect())
    }

    /// Tickers whose symbol or name contains every word of `q`, exact symbols first.
    pub fn search(&self, q: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let q = q.trim();
        if q.is_empty() || q.len() > 100 {
            return Err(ServiceError::bad_input("q must be 1 to 100 characters"));
        }
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ServiceError::bad_input(format!("limit must be 1 to {MAX_LIMIT}, got {limit}")));
        }
        let snap = self.snapshot()?;
        let words: Vec<String> = q.to_lowercase().split_whitespace().map(str::to_string).collect();
        let upper = q.to_ascii_uppercase();
        let mut hits: Vec<(u8, SearchHit)> = snap
            .index
            .members
            .iter()
            .filter_map(|m| {
                // Every name it has gone by: the master's and the dated listings'.
                let names: Vec<String> =
                    m.name.iter().chain(m.dated_names.iter().map(|(_, n)| n)).map(|n| n.to_lowercase()).collect();
                let rank = if m.ticker == upper {
                    0
                } else if m.ticker.starts_with(&upper) {
                    1
                } else if names.iter().any(|name| words.iter().all(|w| name.contains(w.as_str()))) {
                    2
                } else {
                    return None;
                };
                Some((rank, SearchHit::of(m)))
            })
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.ticker.cmp(&b.1.ticker)));
        Ok(hits.into_iter().take(limit).map(|(_, h)| h).collect())
    }

    /// The backtest of the configuration in use over the shared period (the
    /// figures of record for the default configuration), with the IC decay.
    pub fn record_backtest(&self) -> Result<Arc<Backtest>> {
        let snap = self.snapshot()?;
        snap.record.get_or_compute(&self.pool, (), |_| {
            let universe = self.universe(&snap, Window::ALL)?;
            Ok(alphadesk_validate::record_backtest(&universe, &self.cfg))
        })
    }

    /// The figures of record in brief: from this snapshot, else from the store's
    /// cache for this generation, else computed (a writer refreshes the store's
    /// cache, see `write`; the service only reads).
    pub fn figures(&self) -> Result<Arc<Figures>> {
        let snap = self.snapshot()?;
        if let Some(f) = snap.figures.get() {
            return Ok(f.clone());
        }
        let cached = self
            .reader()
            .get()
            .cached(FIGURES_KIND, &self.cfg_hash, snap.generation)?
            .and_then(|json| serde_json::from_str::<Figures>(&json).ok());
        let figures = match cached {
            Some(f) => f,
            None => Figures::from(self.record_backtest()?.as_ref()),
        };
        Ok(snap.figures.get_or_init(|| Arc::new(figures)).clone())
    }

    /// A backtest with any specification (not cached).
    pub fn backtest(&self, spec: &Spec) -> Result<Backtest> {
        self.backtest_horizons(spec, &[])
    }

    /// [`Self::backtest`] with the IC and quintiles at each of `horizons` too
    /// (trading days, 1 to 252, at most 10): the decay of the score's information.
    pub fn backtest_horizons(&self, spec: &Spec, horizons: &[usize]) -> Result<Backtest> {
        self.backtest_with(spec, horizons, None)
    }

    /// [`Self::backtest_horizons`], with a user's factor evaluated beside the
    /// score (`ic.factor`).
    pub fn backtest_with(
        &self,
        spec: &Spec,
        horizons: &[usize],
        factor: Option<&alphadesk_validate::FactorValues>,
    ) -> Result<Backtest> {
        self.backtest_on(self.snapshot()?.as_ref(), spec, horizons, factor)
    }

    fn backtest_on(
        &self,
        snap: &Snapshot,
        spec: &Spec,
        horizons: &[usize],
        factor: Option<&alphadesk_validate::FactorValues>,
    ) -> Result<Backtest> {
        if horizons.len() > 10 || horizons.iter().chain([&spec.horizon]).any(|h| !(1..=252).contains(h)) {
            return Err(ServiceError::bad_input(format!(
                "the horizon and at most 10 more, each 1 to 252 trading days: got {} and {horizons:?}",
                spec.horizon
            )));
        }
        let universe = self.universe(snap, Window::ALL)?;
        Ok(alphadesk_validate::backtest_scored_by(&universe, &self.cfg, spec, horizons, factor, &scored_on_every_core))
    }

    /// A backtest asked over the API or by an agent (see
    /// [`params::BacktestParams`]): its span bounded like a panel's, its
    /// factor read from rows or CSV text, run in a place of the pool.
    pub fn run_backtest(&self, p: &params::BacktestParams) -> Result<Backtest> {
        let factor = match (&p.factor[..], &p.factor_csv) {
            ([], None) => None,
            ([_, ..], Some(_)) => {
                return Err(ServiceError::bad_input("give the factor as `factor` rows or as `factor_csv`, not both"))
            }
            (rows, None) => {
                let mut f = alphadesk_validate::FactorValues::new("factor");
                for (i, r) in rows.iter().enumerate() {
                    f.add(&format!("row {}", i + 1), r.date, &r.ticker, r.value).map_err(factor_error)?;
                }
                Some(f.finish().map_err(factor_error)?)
            }
            ([], Some(text)) => {
                Some(alphadesk_validate::FactorValues::parse("factor_csv", text).map_err(factor_error)?)
            }
        };
        // The body's size bounds the parse; this bounds the evaluation.
        if let Some(f) = factor.as_ref().filter(|f| f.values.len() > params::MAX_FACTOR_ROWS) {
            return Err(ServiceError::bad_input(format!(
                "{}: {} rows with a value; at most {} in one request",
                f.file,
                f.values.len(),
                params::MAX_FACTOR_ROWS
            )));
        }
        let snap = self.snapshot()?;
        let to = self.asked(&snap, p.to)?;
        let from =
            p.from.unwrap_or_else(|| alphadesk_validate::record_spec().from.max(to - chrono::Duration::days(3650)));
        let span = self.span(&snap, Some(from), Some(to), p.rebalance)?;
        let spec = Spec {
            from: span.from,
            to: span.to,
            horizon: p.horizon.unwrap_or(alphadesk_validate::record_spec().horizon),
            rebalance: span.every,
        };
        let horizons: Vec<usize> = p.horizons.iter().map(|h| h.0).collect();
        let bt = self.pool.run(|| self.backtest_on(&snap, &spec, &horizons, factor.as_ref()))?;
        if bt.dates.is_empty() {
            return Err(ServiceError::bad_input(format!(
                "no rebalance date from {} to {} has {} trading days of prices after it (prices run {} to {})",
                spec.from, spec.to, spec.horizon, bt.data_range.0, bt.data_range.1
            )));
        }
        Ok(bt)
    }

    /// Runs `f` with the desk of `as_of`: what every note of that date is composed
    /// from.
    pub(crate) fn with_desk<T>(
        &self,
        as_of: NaiveDate,
        writes: Writes,
        f: impl FnOnce(&Desk<'_>) -> Result<T>,
    ) -> Result<T> {
        self.desk_on(self.snapshot()?.as_ref(), as_of, writes, f)
    }

    fn desk_on<T>(
        &self,
        snap: &Snapshot,
        as_of: NaiveDate,
        writes: Writes,
        f: impl FnOnce(&Desk<'_>) -> Result<T>,
    ) -> Result<T> {
        let need = match writes {
            Writes::Few => Desk::window(&snap.index, as_of),
            Writes::Every => Desk::window_for_all(&snap.index, as_of),
        };
        let universe = self.universe(snap, need)?;
        // The date's scores and its month-ago comparison's, as cached (the
        // universe just loaded answers both); no month ago, no comparison.
        let scores = self.scores_on(snap, as_of)?;
        let month_ago = match Desk::month_ago(&snap.index, as_of) {
            Some(d) => self.scores_on(snap, d)?,
            None => Arc::new(Vec::new()),
        };
        let reader = self.reader();
        let store = reader.get();
        f(&Desk::with_scores(&store, &universe, &self.cfg, as_of, &scores, &month_ago))
    }

    /// Runs `f` with a publishing desk and checker for `as_of`: the shared work of
    /// composing and checking notes on one date.
    pub(crate) fn with_checker<T>(
        &self,
        as_of: NaiveDate,
        writes: Writes,
        f: impl FnOnce(&Checker<'_>) -> Result<T>,
    ) -> Result<T> {
        let snap = self.snapshot()?;
        self.checker_on(&snap, as_of, writes, f)
    }

    fn checker_on<T>(
        &self,
        snap: &Snapshot,
        as_of: NaiveDate,
        writes: Writes,
        f: impl FnOnce(&Checker<'_>) -> Result<T>,
    ) -> Result<T> {
        let catalog = snap
            .catalog
            .get_or_compute(&self.pool, (), |_| Ok(Catalog::load(&self.reader().get(), self.rules.clone())?))?;
        self.desk_on(snap, as_of, writes, |desk| f(&Checker::with_catalog(desk, catalog)))
    }

    /// A note on a ticker as of a date (default: the latest), composed from data
    /// and checked, with the verdict. Cached per snapshot.
    pub fn note(&self, ticker: &str, as_of: Option<NaiveDate>) -> Result<Arc<NoteView>> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let asked = self.asked(&snap, as_of)?;
        let as_of = self.date(&snap, Some(asked))?;
        let view = self.note_on(&snap, as_of, &t)?;
        Ok(if asked == as_of {
            view
        } else {
            let mut v = view.as_ref().clone();
            v.as_of = asked;
            Arc::new(v)
        })
    }

    /// `ticker`'s note of `as_of` (a close), composed and checked once per snapshot.
    fn note_on(&self, snap: &Snapshot, as_of: NaiveDate, ticker: &str) -> Result<Arc<NoteView>> {
        snap.notes.get_or_compute(&self.pool, (as_of, ticker.to_string()), |_| {
            self.checker_on(snap, as_of, Writes::Few, |checker| note_view(checker, ticker))
        })
    }

    /// A note by its id, `TICKER-YYYY-MM-DD`.
    /// The id names one date: a date without a close of its own (a weekend, a
    /// date past the last price) has no note, and is not answered with another
    /// date's.
    pub fn note_by_id(&self, id: &str) -> Result<Arc<NoteView>> {
        let (ticker, date) = parse_note_id(id)?;
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, &ticker)?;
        let listed = snap.index.member(&t).expect("checked member");
        // Outside the stored closes the index answers (the last one's note is
        // the nearest earlier, or none); within them, the date's own load.
        let universe = match (listed.first_date..=listed.last_date).contains(&date) {
            true => Some(self.universe(&snap, Window::dates(date, date).for_notes())?),
            false => None,
        };
        let m = universe.as_deref().and_then(|u| u.member(&t));
        let closed = m.is_some_and(|m| m.prices.dates.binary_search(&date).is_ok());
        if !closed {
            let nearest = match m {
                Some(m) => m.prices.index_on_or_before(date).map(|i| m.prices.dates[i]),
                None => (date > listed.last_date).then_some(listed.last_date),
            }
            .map(|d| format!("; the nearest earlier note is {}", note_id(&t, d)))
            .unwrap_or_default();
            return Err(ServiceError::not_found(format!("{t} has no close on {date}, so no note {id}{nearest}")));
        }
        self.note(&t, Some(date))
    }

    /// Every scored ticker's note of a date (default: the latest), paged, with
    /// verdicts.
    pub fn notes(&self, as_of: Option<NaiveDate>, limit: Option<usize>, offset: usize) -> Result<Page<NoteSummary>> {
        check_offset(offset)?;
        let limit = limit.unwrap_or(50);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ServiceError::bad_input(format!("limit must be 1 to {MAX_LIMIT}, got {limit}")));
        }
        let snap = self.snapshot()?;
        let as_of = self.date(&snap, as_of)?;
        let all = self.date_notes(&snap, as_of)?;
        let total = all.len();
        Ok(Page { total, offset, limit, items: all.values().skip(offset).take(limit).cloned().collect() })
    }

    /// The summaries of every note of a date, composed and checked once per
    /// snapshot and date.
    fn date_notes(&self, snap: &Snapshot, as_of: NaiveDate) -> Result<Arc<BTreeMap<String, NoteSummary>>> {
        snap.summaries.get_or_compute(&self.pool, as_of, |stop| {
            self.checker_on(snap, as_of, Writes::Every, |checker| {
                let mut all = BTreeMap::new();
                for t in checker.tickers() {
                    if stop.stopped() {
                        return Err(work::abandoned());
                    }
                    match note_view(checker, &t) {
                        Ok(v) => {
                            all.insert(t, NoteSummary::from(&v));
                        }
                        // A ticker with too little data for a note has none.
                        Err(e) if matches!(e.kind, Kind::NotFound | Kind::Unprocessable) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(all)
            })
        })
    }

    /// The dates a stock page lists notes of: the date and the three month ends
    /// before it, newest first.
    fn note_dates(snap: &Snapshot, to: NaiveDate) -> Vec<NaiveDate> {
        let mut dates = snap.index.rebalance_dates(to - chrono::Duration::days(95), to, alphadesk_score::Every::Month);
        if !dates.contains(&to) {
            dates.push(to);
        }
        dates.sort_by(|a, b| b.cmp(a));
        dates.truncate(4);
        dates
    }

    /// Notes of a ticker at the date (default: the latest) and the three month
    /// ends before it.
    pub fn ticker_notes(&self, ticker: &str, as_of: Option<NaiveDate>) -> Result<Vec<NoteSummary>> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let to = self.date(&snap, as_of)?;
        let mut out = Vec::new();
        for d in Self::note_dates(&snap, to) {
            // The date's list when it is at hand; else this ticker's note alone,
            // not every ticker's (16,000 notes for one stock page at 16 times
            // today's universe).
            let summary = match snap.summaries.get(&d) {
                Some(all) => all.get(&t).cloned(),
                None => {
                    match self.note_on(&snap, d, &t) {
                        Ok(v) => Some(NoteSummary::from(v.as_ref())),
                        // A date with too little data for this ticker has no note.
                        Err(e) if matches!(e.kind, Kind::NotFound | Kind::Unprocessable) => None,
                        Err(e) => return Err(e),
                    }
                }
            };
            out.extend(summary);
        }
        Ok(out)
    }

    /// Checks a Markdown note against the publishing rules on its date (`as_of`,
    /// else its front matter's `as_of`, else the latest date).
    /// `tickers` name its subjects when the note does not (none: from its front
    /// matter, headline and lead).
    pub fn check(&self, markdown: &str, as_of: Option<NaiveDate>, tickers: &[String]) -> Result<Verdict> {
        within_limit(markdown)?;
        let front = alphadesk_rules::note::parse(markdown);
        let date = match (as_of, front.front.get("as_of")) {
            (Some(d), _) => d,
            (None, Some((v, _))) => alphadesk_model::parse_date(v)
                .ok_or_else(|| ServiceError::unprocessable(format!("front matter as_of {v:?} is not a date")))?,
            (None, None) => {
                let snap = self.snapshot()?;
                self.date(&snap, None)?
            }
        };
        self.pool.run(|| self.with_checker(date, Writes::Few, |checker| check_note(checker, markdown, tickers)))
    }

    /// A linker over the store's priced securities and the given aliases
    /// (`alias<TAB>ticker` lines), for reading articles.
    pub fn linker(&self, aliases: &str) -> Result<alphadesk_news::link::Linker> {
        alphadesk_news::link::Linker::from_store(&self.reader().get(), aliases)?.ok_or_else(|| {
            ServiceError::not_found(format!("{} holds no priced securities with names to link to", self.db.display()))
        })
    }

    /// Row counts of every table of the store.
    pub fn counts(&self) -> Result<alphadesk_store::Counts> {
        Ok(self.reader().get().counts()?)
    }

    /// Health: the generation, the universe's size, the latest date.
    pub fn health(&self) -> Result<Health> {
        let snap = self.snapshot()?;
        let (behind, ahead) = snap.out_of_step();
        Ok(Health {
            status: "ok".into(),
            generation: snap.generation,
            tickers: snap.index.members.len(),
            latest_date: snap.latest(),
            newest_price_date: snap.newest(),
            tickers_behind: behind.len(),
            tickers_ahead: ahead.to_vec(),
            config_hash: self.cfg_hash.clone(),
        })
    }
}

/// The cache key of the figures of record in the store.
pub const FIGURES_KIND: &str = "figures_of_record";

thread_local! {
    /// The snapshot a service answers from on this thread while pinned
    /// ([`Service::pinned`]), with the service it belongs to.
    static PINNED: std::cell::RefCell<Option<(usize, Arc<Snapshot>)>> = const { std::cell::RefCell::new(None) };
}

/// A sync commits ticker by ticker, hundreds of times a minute: a load per
/// commit would cost seconds each, keep every core busy and empty the
/// per-ticker caches again and again while requests wait. So a new
/// generation is loaded once the store has been quiet for [`QUIET`] — the
/// old one answers meanwhile — and no later than [`MAX_DEFER`] after the
/// first change, so that a long sync still shows its progress.
fn settled_version(files: &Files, mut version: i64) -> Result<i64> {
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(QUIET);
        let now = data_version(&lock(&files.watch))?;
        if now == version || started.elapsed() >= MAX_DEFER {
            return Ok(now);
        }
        version = now;
    }
}

/// See [`settled_version`].
const QUIET: std::time::Duration = std::time::Duration::from_millis(1500);
const MAX_DEFER: std::time::Duration = std::time::Duration::from_secs(60);

fn data_version(store: &Store) -> Result<i64> {
    Ok(store.data_version()?)
}

/// A line in the log of whoever runs the service (a server's request log).
fn log(message: &str) {
    tracing::info!("{message}");
}

/// How many notes a desk is asked for, which decides what it loads: a note
/// reads its own ticker's fundamentals two years back
/// ([`alphadesk_score::Universe::notes_timeline`]), so a desk for a few loads
/// the date's scores and each note's ticker on its own; a desk for every ticker
/// loads every filer's steps at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writes {
    /// One note, a story's few, a checked note's subjects.
    Few,
    /// Every ticker's note of the date (a date's list, `publish`).
    Every,
}

impl Writes {
    /// [`Writes::Every`] past this many notes. At 16 times today's universe a
    /// note's own steps cost about 1.5 ms (`publish` of 32 and 64 tickers: 1.58
    /// and 1.63 s, 291 MiB), and one load of every filer's about 0.6 s more than
    /// the date's scores need (65 tickers through it: 2.23 s, 532 MiB): past
    /// about 400 notes the one load is the cheaper.
    pub(crate) const MANY: usize = 400;

    /// For `n` notes.
    pub(crate) fn for_notes(n: usize) -> Writes {
        if n > Writes::MANY {
            Writes::Every
        } else {
            Writes::Few
        }
    }
}

fn load_snapshot(store: &Store) -> Result<Snapshot> {
    let generation = store.generation()?;
    let index = Universe::load_window(store, store, Window::NONE)?;
    let default_date = majority_date(&index);
    let (behind, ahead) = out_of_step(&index, default_date);
    Ok(Snapshot {
        generation,
        default_date,
        behind,
        ahead,
        index,
        // A month's load for scores and one for notes, a span's, the whole
        // history's, and the months before them a stock page's notes reach.
        universes: Flights::new(6),
        scores: Flights::new(CACHE_ENTRIES),
        explained: Flights::new(CACHE_ENTRIES),
        notes: Flights::new(CACHE_ENTRIES),
        facts: Flights::new(CACHE_ENTRIES),
        record: Flights::new(1),
        figures: OnceLock::new(),
        month_ends: OnceLock::new(),
        live: Flights::new(1),
        catalog: Flights::new(1),
        summaries: Flights::new(CACHE_ENTRIES),
        themes: Flights::new(stories::THEME_WINDOWS),
        story_index: Flights::new(stories::THEME_WINDOWS),
    })
}

/// A span of rebalance dates, as [`Service::span`] reads one.
pub(crate) struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub every: alphadesk_score::Every,
    pub dates: Vec<NaiveDate>,
}

/// A sector parameter: a GICS name or alias, or none for every sector.
pub(crate) fn sector_of(label: Option<&str>) -> Result<Option<Sector>> {
    label
        .map(|s| {
            Sector::from_label(s).ok_or_else(|| {
                ServiceError::bad_input(format!(
                    "unknown sector {s:?}: expected one of {}",
                    Sector::ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
                ))
            })
        })
        .transpose()
}

/// The most rows a page may skip (the parameters' documented bound).
pub const MAX_OFFSET: usize = 1_000_000;

/// A factor that cannot be read is the caller's to mend.
fn factor_error(e: alphadesk_validate::FactorError) -> ServiceError {
    ServiceError::bad_input(e.to_string())
}

/// A user's factor from a file: Parquet when it starts with Parquet's magic
/// bytes, else CSV (`date,ticker,value`), whatever its name.
pub fn read_factor(
    path: &Path,
) -> std::result::Result<alphadesk_validate::FactorValues, alphadesk_validate::FactorError> {
    let mut magic = [0u8; 4];
    let parquet = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok_and(|()| &magic == b"PAR1");
    if parquet {
        alphadesk_export::factor::read_parquet(path)
    } else {
        alphadesk_validate::FactorValues::read_csv(path)
    }
}

fn check_offset(offset: usize) -> Result<()> {
    if offset > MAX_OFFSET {
        return Err(ServiceError::bad_input(format!("offset must be 0 to {MAX_OFFSET}, got {offset}")));
    }
    Ok(())
}

/// Levenshtein distance between two short strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + usize::from(ca != *cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The first `max` characters of `text`, cut at a word, with "…" when cut.
fn opening(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':']))
}

/// A note id's ticker and date (`BRK.B-2018-04-30`); a malformed id is a bad input.
pub fn parse_note_id(id: &str) -> Result<(String, NaiveDate)> {
    let bad = || ServiceError::bad_input(format!("note id {id:?} is not TICKER-YYYY-MM-DD"));
    if id.len() < 12 || !id.is_char_boundary(id.len() - 11) {
        return Err(bad());
    }
    let (ticker, rest) = id.split_at(id.len() - 11);
    let day = rest.strip_prefix('-').filter(|d| {
        d.bytes().enumerate().all(|(i, b)| if matches!(i, 4 | 7) { b == b'-' } else { b.is_ascii_digit() })
    });
    let Some(day) = day else { return Err(bad()) };
    // A well-formed id of a day no calendar has (February 30) names no note.
    let date = alphadesk_model::parse_date(day)
        .ok_or_else(|| ServiceError::not_found(format!("no note {id:?}: {day} is not a date")))?;
    let t = Ticker::new(ticker).map_err(|_| bad())?;
    Ok((t.as_str().to_string(), date))
}

/// A note's id: `TICKER-YYYY-MM-DD`.
pub fn note_id(ticker: &str, as_of: NaiveDate) -> String {
    format!("{ticker}-{as_of}")
}

fn within_limit(markdown: &str) -> Result<()> {
    if markdown.len() > MAX_NOTE_BYTES {
        return Err(ServiceError::new(
            Kind::TooLarge,
            format!("the note is {} bytes; the limit is {MAX_NOTE_BYTES}", markdown.len()),
        ));
    }
    Ok(())
}

/// Checks one note with a checker, within the size limit.
pub(crate) fn check_note(checker: &Checker<'_>, markdown: &str, tickers: &[String]) -> Result<Verdict> {
    within_limit(markdown)?;
    Ok(checker.check_story(markdown, tickers)?)
}

/// Composes and checks one note with a checker's desk.
pub(crate) fn note_view(checker: &Checker<'_>, ticker: &str) -> Result<NoteView> {
    let dossier = checker
        .dossier(ticker)?
        .ok_or_else(|| ServiceError::not_found(format!("{ticker} has no fresh price on {}", checker.as_of())))?;
    let note = compose(&dossier)?;
    let markdown = render::markdown(&note);
    let verdict = checker.check(&markdown, Some(&note.ticker))?;
    Ok(NoteView {
        id: note_id(&note.ticker, note.as_of),
        ticker: note.ticker.clone(),
        as_of: note.as_of,
        price_date: note.as_of,
        headline: note.headline.text.clone(),
        note: serde_json::from_str(&render::json(&note)).unwrap_or(serde_json::Value::Null),
        html: render::html_article(&note),
        markdown,
        verdict,
    })
}

/// A backtest's scorer: the dates scored on every core, in the caller's place
/// of the pool (see [`work::on_every_core`]).
pub(crate) fn scored_on_every_core(
    u: &Universe,
    cfg: &ScoreConfig,
    dates: &[NaiveDate],
) -> Vec<Vec<alphadesk_score::ScoreRecord>> {
    work::on_every_core(dates, |&d| Ok(score(u, d, cfg))).expect("scoring a date does not fail")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A store in a temporary folder, written as another process would write
    /// it; `None` without the shared data.
    pub(crate) struct TestStore {
        _dir: tempfile::TempDir,
        pub(crate) db: PathBuf,
        data: PathBuf,
    }

    impl TestStore {
        /// A new store holding `files` (paths under the shared data).
        pub(crate) fn with(files: &[&str]) -> Option<TestStore> {
            let data = alphadesk_testkit::data_dir()?;
            let dir = tempfile::tempdir().unwrap();
            let store = TestStore { db: dir.path().join("test.db"), _dir: dir, data };
            store.ingest(files);
            Some(store)
        }

        /// Ingests `files` into it; every one must be stored.
        pub(crate) fn ingest(&self, files: &[&str]) {
            let mut w = write::Writer::open(&self.db, "test").unwrap();
            let paths: Vec<PathBuf> = files.iter().map(|f| self.data.join(f)).collect();
            let s = w.ingest(&paths, |_, _, _| {}).unwrap();
            assert!(s.failed.is_empty(), "{:?}", s.failed);
        }
    }

    /// The service scores a backtest's dates on every core, a few at a time:
    /// every date once, in order, and the backtest the one scored date by date.
    #[test]
    fn a_backtest_scored_on_every_core_is_the_one_scored_date_by_date() {
        let prices = ["AAPL", "MSFT", "IBM", "CSCO", "XOM", "CVX"].map(|t| format!("market/prices/{t}_data.csv"));
        let mut files = vec!["market/securities/securities.csv"];
        files.extend(prices.iter().map(String::as_str));
        let Some(store) = TestStore::with(&files) else { return };
        let service = Service::open(&store.db, Options::default()).unwrap();
        let spec = alphadesk_validate::record_spec();
        let universe = service.universe(service.snapshot().unwrap().as_ref(), Window::ALL).unwrap();
        let asked = Mutex::new(Vec::new());
        let counted = |u: &Universe, cfg: &ScoreConfig, dates: &[NaiveDate]| {
            lock(&asked).push(dates.to_vec());
            scored_on_every_core(u, cfg, dates)
        };
        let on_every_core =
            alphadesk_validate::backtest_scored_by(&universe, &service.cfg, &spec, &[5], None, &counted);
        let one_by_one = alphadesk_validate::backtest_with(&universe, &service.cfg, &spec, &[5], None);
        assert!(on_every_core.dates.len() > 20, "{:?}", on_every_core.dates);
        assert_eq!(serde_json::to_string(&on_every_core).unwrap(), serde_json::to_string(&one_by_one).unwrap());
        let asked = asked.into_inner().unwrap();
        assert!(asked.len() > 1, "handed over a few dates at a time: {asked:?}");
        // Every date of the backtest, and after them the last ones that have
        // a 5-day forward close but no 21-day one.
        let scored = asked.concat();
        assert!(scored.windows(2).all(|w| w[0] < w[1]), "each date scored once, in order: {scored:?}");
        assert!(scored.starts_with(&on_every_core.dates) && scored.len() < on_every_core.dates.len() + 5);
    }

    #[test]
    fn the_month_ends_a_writer_keeps_are_the_scores_a_server_would_compute() {
        let prices = ["AAPL", "MSFT", "IBM", "CSCO"].map(|t| format!("market/prices/{t}_data.csv"));
        let mut files = vec!["market/securities/securities.csv"];
        files.extend(prices.iter().map(String::as_str));
        let Some(store) = TestStore::with(&files) else { return };
        let db = &store.db;
        write::Writer::open(db, "test").unwrap().refresh_figures(&ScoreConfig::default()).unwrap();

        let service = Service::open(db, Options::default()).unwrap();
        let snap = service.snapshot().unwrap();
        let latest = snap.latest().unwrap();
        let month_ends = snap.index.rebalance_dates(
            latest - chrono::Duration::days(SCORE_HISTORY_DAYS),
            latest,
            alphadesk_score::Every::Month,
        );
        let kept = service.kept_month_ends(&snap).unwrap().expect("the writer kept the chart's month ends");
        assert_eq!(kept.month_ends(), month_ends);
        // Every kept point is the one the server scores, ticker by ticker; a
        // ticker not scored on a date (TXN is not in the store) has none.
        let scored = service.scores_over(&snap, &month_ends).unwrap();
        let mut with_pillars = 0;
        for (d, records) in month_ends.iter().zip(&scored) {
            for t in ["AAPL", "MSFT", "IBM", "CSCO", "TXN"] {
                let want = ScorePoint::of(*d, records.iter().find(|r| r.ticker == t));
                with_pillars += usize::from(want.momentum.is_some());
                assert_eq!(kept.point(*d, t), Some(want), "{t} on {d}");
            }
        }
        assert!(with_pillars > 0, "scores were kept");
        assert_eq!(kept.point(latest + chrono::Duration::days(1), "MSFT"), None, "a date not kept");
        let history = service.score_history("MSFT", latest - chrono::Duration::days(SCORE_HISTORY_DAYS), latest);
        let want: Vec<ScorePoint> = month_ends
            .iter()
            .zip(&scored)
            .map(|(d, r)| ScorePoint::of(*d, r.iter().find(|r| r.ticker == "MSFT")))
            .collect();
        assert_eq!(history.unwrap(), want);

        // A write the writer has not refreshed after: nothing kept is read.
        store.ingest(&["market/prices/TXN_data.csv"]);
        let service = Service::open(db, Options::default()).unwrap();
        let snap = service.snapshot().unwrap();
        assert!(service.kept_month_ends(&snap).unwrap().is_none(), "month ends of an older generation were read");
        let history = service.score_history("MSFT", latest - chrono::Duration::days(SCORE_HISTORY_DAYS), latest);
        assert_eq!(history.unwrap().len(), month_ends.len());
    }

    #[test]
    fn near_misses_are_one_or_two_edits_away() {
        assert_eq!(super::edit_distance("AAPL", "APPL"), 1);
        assert_eq!(super::edit_distance("microsoft", "micrsoft"), 1);
        assert_eq!(super::edit_distance("", "abc"), 3);
        assert_eq!(super::edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_write_is_loaded_beside_the_snapshot_in_use_and_warmed_before_it_replaces_it() {
        let Some(store) = TestStore::with(&["market/securities/securities.csv", "market/prices/AAPL_data.csv"]) else {
            return;
        };
        let (db, ingest) = (&store.db, |files: &[&str]| store.ingest(files));
        let opts = Options { reload_in_background: true, ..Options::default() };
        let service = Service::open_shared(db, opts).unwrap();
        let old = service.snapshot().unwrap();
        let latest = old.latest().unwrap();
        service.scores_on(&old, latest).unwrap();

        ingest(&["market/prices/MSFT_data.csv"]);
        // The request that notices the write is answered from the snapshot in use.
        let noticed = service.snapshot().unwrap();
        assert!(Arc::ptr_eq(&noticed, &old), "the write was loaded in the caller's request");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let fresh = loop {
            let s = service.snapshot().unwrap();
            if !Arc::ptr_eq(&s, &old) {
                break s;
            }
            assert!(std::time::Instant::now() < deadline, "the new generation was never installed");
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(fresh.generation > old.generation);
        assert_eq!(fresh.index.members.len(), 2);
        // What the old snapshot had computed was computed on the new one first.
        assert!(fresh.scores.get(&latest).is_some(), "the latest date's scores were not warmed");
    }

    #[test]
    fn a_pinned_request_sees_one_generation_while_the_store_moves_on() {
        let Some(store) = TestStore::with(&["market/securities/securities.csv", "market/prices/AAPL_data.csv"]) else {
            return;
        };
        let (db, ingest) = (&store.db, |files: &[&str]| store.ingest(files));
        let service = Service::open(db, Options::default()).unwrap();
        let before = service.snapshot().unwrap();
        let tickers = |s: &Service| s.scores(None, None, Sort::Ticker, Some(10), 0).unwrap().page.total;
        assert_eq!(tickers(&service), 1);

        // Another writer (as another process would) adds a ticker mid-request.
        let during = service.pinned(before.clone(), || {
            ingest(&["market/prices/MSFT_data.csv"]);
            let seen = service.snapshot().unwrap();
            assert!(Arc::ptr_eq(&seen, &before), "a pinned request moved to a new generation");
            tickers(&service)
        });
        assert_eq!(during, 1, "every question of the request answered from its one snapshot");
        // The next request sees the write.
        assert!(service.snapshot().unwrap().generation > before.generation);
        assert_eq!(tickers(&service), 2);
    }

    #[test]
    fn note_ids_round_trip_with_dashes_in_tickers() {
        let d: NaiveDate = "2018-04-30".parse().unwrap();
        assert_eq!(parse_note_id("AAPL-2018-04-30").unwrap(), ("AAPL".into(), d));
        assert_eq!(parse_note_id("BF-B-2018-04-30").unwrap(), ("BF-B".into(), d));
        assert_eq!(parse_note_id(&note_id("BRK.B", d)).unwrap(), ("BRK.B".into(), d));
        for bad in ["", "AAPL", "AAPL-2018-13-01", "-2018-04-30", "AAPL_2018-04-30", "../x-2018-04-30", "é-2018-04-30"]
        {
            assert!(parse_note_id(bad).is_err(), "{bad}");
        }
    }
}
