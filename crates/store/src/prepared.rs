//! A file read, recognised, hashed and parsed away from the store's
//! connection. An ingest's one writer spends half its time in SQLite; the
//! other half — reading the file, hashing it, parsing it — needs no
//! connection, so `Writer::ingest` does it for the next files on another core
//! while the writer stores this one ([`crate::Store::stage_prepared`]).
//!
//! Whether a file is stored already is decided twice: here, on a read-only
//! connection of the reader's own ([`KnownSources`], so that a second ingest
//! of the same tree still only reads and hashes), and again by the writer,
//! which alone sees what this run has not committed yet.

use std::path::Path;

use alphadesk_ingest::{Detected, Kind, ParseError, Parsed};

use crate::{Outcome, Store, StoreError};

/// A file made ready for the writer.
pub struct Prepared {
    /// As the report names it.
    pub(crate) path: String,
    pub(crate) found: Found,
}

pub(crate) enum Found {
    /// Stored already, skipped, or unreadable: the report as it stands.
    Reported(Outcome),
    /// Parsed, for the writer to store.
    Parsed { kind: Kind, sha: String, len: usize, parsed: Box<Parsed<'static>> },
}

/// What looking at a file's bytes found.
pub(crate) enum Examined<'a> {
    /// Not a source alphadesk reads (found in a folder, not named).
    Skipped {
        reason: String,
    },
    /// Stored already under this kind.
    Unchanged {
        kind: String,
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
        return Ok(Examined::Unchanged { kind });
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
    /// The bytes read (none for a file not read).
    pub fn bytes_read(&self) -> usize {
        match &self.found {
            Found::Parsed { len, .. } => *len,
            Found::Reported(_) => 0,
        }
    }

    /// Reads the file at `path` and makes it ready for
    /// [`Store::stage_prepared`]; nothing here touches the store.
    pub fn read(path: &Path, explicit: bool, known: &KnownSources) -> Prepared {
        let shown = path.display().to_string();
        let bytes = match crate::read_source(path, explicit) {
            Ok(bytes) => bytes,
            Err(report) => return Prepared { path: report.path, found: Found::Reported(report.outcome) },
        };
        let found = match examine(&shown, &bytes, explicit, |sha| Ok(known.kind_of(sha))) {
            Ok(Examined::Skipped { reason }) => Found::Reported(Outcome::Skipped { reason }),
            Ok(Examined::Unchanged { kind }) => Found::Reported(Outcome::Unchanged { kind }),
            Ok(Examined::Parsed { kind, sha, parsed }) => {
                Found::Parsed { kind, sha, len: bytes.len(), parsed: Box::new(parsed.into_owned()) }
            }
            Err(StoreError::Parse { error, .. }) => Found::Reported(crate::parse_failure(&error)),
            Err(e) => Found::Reported(Outcome::Failed { error: e.to_string(), location: None }),
        };
        Prepared { path: shown, found }
    }
}
