//! A document read, recognised, hashed and parsed away from the store's
//! connection. An ingest's one writer spends half its time in SQLite; the
//! other half — reading the file (or inflating an archive's entry), hashing
//! it, parsing it — needs no connection, so [`Store::write_all`] does it for
//! the next documents on other threads while the writer stores this one.
//!
//! Whether a file is stored already is decided twice: here, on a read-only
//! connection of the reader's own ([`KnownSources`], so that a second ingest
//! of the same tree still only reads and hashes), and again by the writer,
//! which alone sees what this run has not committed yet.

use std::path::{Path, PathBuf};

use alphadesk_ingest::{Detected, Kind, ParseError, Parsed};

use crate::{BatchLimits, Fetch, FileReport, Outcome, Store, StoreError};

/// A document for [`Store::write_all`].
pub enum Incoming {
    /// A file to read; `explicit` when the user named it (an unrecognised
    /// file is then an error, not a skip).
    File { path: PathBuf, explicit: bool },
    /// A fetched document's bytes (its URL is its path), and how it came.
    Fetched { url: String, bytes: Vec<u8>, fetch: Fetch },
    /// A document that could not be had (a corrupt archive entry), and why:
    /// reported as failed in its turn.
    Failed { path: String, error: String },
}

/// A document made ready for the writer.
pub struct Prepared {
    /// As the report names it.
    pub(crate) path: String,
    pub(crate) found: Found,
    /// How a fetched document came: recorded with it, or against the stored
    /// copy when its bytes are stored already.
    pub(crate) fetch: Option<Fetch>,
}

pub(crate) enum Found {
    /// Skipped or unreadable: the report as it stands.
    Reported(Outcome),
    /// Stored already, under this kind and source hash.
    Known { kind: String, sha: String },
    /// Parsed, for the writer to store.
    Parsed {
        kind: Kind,
        sha: String,
        len: usize,
        parsed: Box<Parsed<'static>>,
        /// A companyfacts document's facts, encoded here: its `parsed` then
        /// holds no facts (copying each of their strings to hand them over
        /// cost this thread more than encoding them).
        facts: Option<Box<crate::fact_sets::Encoded>>,
    },
}

/// What looking at a file's bytes found.
pub(crate) enum Examined<'a> {
    /// Not a source alphadesk reads (found in a folder, not named).
    Skipped {
        reason: String,
    },
    /// Stored already under this kind and source hash.
    Unchanged {
        kind: String,
        sha: String,
    },
    Parsed {
        kind: Kind,
        sha: String,
        parsed: Box<Parsed<'a>>,
    },
}

/// Recognises `bytes`, hashes them into their source identity, and parses
/// them unless `stored` (the kind stored under a source hash, if any) says
/// they are stored already. A file `explicit`ly named that is not a source is
/// an error; one found in a folder is skipped.
pub(crate) fn examine<'a>(
    path: &str,
    bytes: &'a [u8],
    explicit: bool,
    mut stored: impl FnMut(&str) -> Result<Option<String>, StoreError>,
) -> Result<Examined<'a>, StoreError> {
    let file_name = Path::new(path).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let parse_err = |error: ParseError| StoreError::Parse { path: path.to_string(), error };
    let kind = match alphadesk_ingest::detect(bytes).map_err(parse_err)? {
        Detected::Kind(k) => k,
        Detected::Unrecognised(why) if explicit => {
            return Err(parse_err(ParseError::file(format!("not a source alphadesk reads: {why}"))))
        }
        Detected::Unrecognised(why) => return Ok(Examined::Skipped { reason: why }),
    };
    // A post file's ticker is its folder: pass `FOLDER/FILE` for those, and make
    // the folder part of the file's identity, because StockNet files the same
    // day of tweets, byte for byte, under every company they name.
    let parse_name = match (kind, Path::new(path).parent().and_then(|p| p.file_name())) {
        (Kind::Posts, Some(folder)) => format!("{}/{file_name}", folder.to_string_lossy()),
        _ => file_name.clone(),
    };
    let sha = crate::source_sha(path, bytes, kind == Kind::Posts);
    if let Some(kind) = stored(&sha)? {
        return Ok(Examined::Unchanged { kind, sha });
    }
    let parsed = alphadesk_ingest::parse(kind, &parse_name, bytes).map_err(parse_err)?;
    Ok(Examined::Parsed { kind, sha, parsed: Box::new(parsed) })
}

/// Where the reader asks whether a source is stored: a read-only connection
/// of its own, one indexed lookup a file. (Reading every stored hash up front
/// cost a scan of `sources` at the start of every ingest, however few files it
/// was given.) A store in memory has no second connection: its files are all
/// parsed, and the writer alone tells the stored ones.
pub struct KnownSources(Option<Store>);

impl Store {
    /// A [`KnownSources`] for a reader on another thread.
    pub fn known_sources(&self) -> Result<KnownSources, StoreError> {
        Ok(KnownSources(self.another_reader().transpose()?))
    }
}

impl KnownSources {
    /// The kind stored under `sha`, if the reader can tell: a lookup that
    /// fails costs only a parse, for the writer asks again.
    fn kind_of(&self, sha: &str) -> Option<String> {
        self.0.as_ref().and_then(|reader| reader.stored_kind(sha).ok().flatten())
    }
}

impl Prepared {
    /// Reads the file at `path` and makes it ready for
    /// [`Store::stage_prepared`]; nothing here touches the store.
    pub fn read(path: &Path, explicit: bool, known: &KnownSources) -> Prepared {
        match crate::read_source(path, explicit) {
            Ok(bytes) => Prepared::of_bytes(path.display().to_string(), &bytes, explicit, None, known),
            Err(report) => Prepared { path: report.path, found: Found::Reported(report.outcome), fetch: None },
        }
    }

    /// Makes `incoming` ready for [`Store::stage_prepared`].
    pub fn of(incoming: Incoming, known: &KnownSources) -> Prepared {
        match incoming {
            Incoming::File { path, explicit } => Prepared::read(&path, explicit, known),
            Incoming::Fetched { url, bytes, fetch } => Prepared::of_bytes(url, &bytes, true, Some(fetch), known),
            Incoming::Failed { path, error } => {
                Prepared { path, found: Found::Reported(Outcome::Failed { error, location: None }), fetch: None }
            }
        }
    }

    fn of_bytes(path: String, bytes: &[u8], explicit: bool, fetch: Option<Fetch>, known: &KnownSources) -> Prepared {
        let found = match examine(&path, bytes, explicit, |sha| Ok(known.kind_of(sha))) {
            Ok(Examined::Skipped { reason }) => Found::Reported(Outcome::Skipped { reason }),
            Ok(Examined::Unchanged { kind, sha }) => Found::Known { kind, sha },
            Ok(Examined::Parsed { kind, sha, parsed }) => {
                let (parsed, facts) = match *parsed {
                    Parsed::CompanyFacts(mut f) => {
                        let encoded = crate::fact_sets::Encoded::of(&f);
                        f.facts = Vec::new();
                        (Parsed::CompanyFacts(f), Some(Box::new(encoded)))
                    }
                    other => (other, None),
                };
                Found::Parsed { kind, sha, len: bytes.len(), parsed: Box::new(parsed.into_owned()), facts }
            }
            Err(StoreError::Parse { error, .. }) => Found::Reported(crate::parse_failure(&error)),
            Err(e) => Found::Reported(Outcome::Failed { error: e.to_string(), location: None }),
        };
        Prepared { path, found, fetch }
    }
}

/// A writer's documents go to it in runs of this many documents or this many
/// bytes read, whichever comes first, and each preparer keeps at most one run
/// waiting: enough to keep the writer busy, few enough that large documents
/// wait only a few at a time.
const RUN_FILES: usize = 1024;
const RUN_BYTES: u64 = 8 << 20;

impl Incoming {
    /// Its size in bytes, as far as is known before it is read.
    fn size(&self) -> u64 {
        match self {
            Incoming::File { path, .. } => std::fs::metadata(path).map_or(0, |m| m.len()),
            Incoming::Fetched { bytes, .. } => bytes.len() as u64,
            Incoming::Failed { .. } => 0,
        }
    }
}

/// The documents not yet taken, and whose turn it is to take the next run.
struct Turns<I> {
    sources: I,
    turn: usize,
    /// A preparer died (a parser panicked): no turn it held will come.
    abandoned: bool,
}

type Shared<I> = (std::sync::Mutex<Turns<I>>, std::sync::Condvar);

/// Wakes every preparer waiting for a turn if the one holding this dies.
struct OnPanic<'a, I>(&'a Shared<I>);

impl<I> Drop for OnPanic<'_, I> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0 .0.lock().unwrap_or_else(|p| p.into_inner()).abandoned = true;
            self.0 .1.notify_all();
        }
    }
}

impl Store {
    /// Stores every document `sources` yields, each whole or not at all, in
    /// batches (see [`BatchLimits`]) of runs that each share a savepoint (see
    /// [`Store::stage_run`]); `each` hears of every document once its batch
    /// is committed, in the order given. The documents are read, hashed and
    /// parsed on other threads (two on two cores) while the writer stores the
    /// ones before them (docs/perf.md); `sources` itself is run there too.
    ///
    /// Runs are taken in turn: preparer `k` takes runs `k`, `k + n`, … of `n`
    /// preparers, each in its turn, so the writer, reading them round, gets
    /// them in order without holding any back, and no preparer gets more than
    /// one run ahead of it.
    pub fn write_all<I>(&mut self, sources: I, mut each: impl FnMut(FileReport))
    where
        I: Iterator<Item = Incoming> + Send,
    {
        let preparers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        // Without a second connection every document is parsed, and the
        // writer alone tells the stored ones: slower, never wrong.
        let known: Vec<KnownSources> =
            (0..preparers).map(|_| self.known_sources().unwrap_or(KnownSources(None))).collect();
        self.begin_batches(BatchLimits::default());
        let turns: Shared<I> =
            (std::sync::Mutex::new(Turns { sources, turn: 0, abandoned: false }), std::sync::Condvar::new());
        std::thread::scope(|scope| {
            let mut from = Vec::new();
            let mut back = Vec::new();
            for (k, known) in known.into_iter().enumerate() {
                let (ready, next) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(1);
                let (written, done) = std::sync::mpsc::channel::<Vec<Prepared>>();
                from.push(next);
                back.push(written);
                let turns = &turns;
                scope.spawn(move || {
                    let _wake = OnPanic(turns);
                    let mut mine = k;
                    loop {
                        let incoming = take_run(turns, mine);
                        if incoming.is_empty() {
                            break;
                        }
                        let run: Vec<Prepared> = incoming.into_iter().map(|i| Prepared::of(i, &known)).collect();
                        // The writer gone (its caller's `each` panicked): stop reading.
                        if ready.send(run).is_err() {
                            break;
                        }
                        // Freed where they were allocated: the writer freeing
                        // them took the allocator's lock from under this thread
                        // (13% of a folder of small files spent waiting on it).
                        done.try_iter().for_each(drop);
                        mine += preparers;
                    }
                    drop(ready);
                    done.iter().for_each(drop);
                });
            }
            for k in (0..).map(|n| n % preparers) {
                let Ok(run) = from[k].recv() else { break };
                self.stage_run(&run).into_iter().for_each(&mut each);
                let _ = back[k].send(run);
            }
            drop(back);
            drop(from);
        });
        self.settle().into_iter().for_each(each);
    }
}

/// Waits for run `number`'s turn and takes its documents (none once `sources`
/// is spent, or a preparer died), then passes the turn on.
fn take_run<I: Iterator<Item = Incoming>>((lock, turned): &Shared<I>, number: usize) -> Vec<Incoming> {
    let mut turns = lock.lock().unwrap_or_else(|p| p.into_inner());
    while turns.turn != number && !turns.abandoned {
        turns = turned.wait(turns).unwrap_or_else(|p| p.into_inner());
    }
    let mut run = Vec::new();
    let mut bytes = 0;
    while !turns.abandoned && run.len() < RUN_FILES && bytes < RUN_BYTES {
        let Some(incoming) = turns.sources.next() else { break };
        bytes += incoming.size();
        run.push(incoming);
    }
    turns.turn += 1;
    turned.notify_all();
    run
}
