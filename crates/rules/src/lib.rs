//! The publishing-rules checker.
//!
//! Any Markdown note — alphadesk's own, a person's, a language model's — is read
//! against the store as known at the close of its publication date, and every
//! problem comes back as a [`Violation`] naming the rule, the line, the column,
//! the offending text and why. The rules (ids are stable; docs/rules.md has the
//! detail and the FINRA Rule 2210 content standards they follow):
//!
//! - `grounding`: every number matches a value alphadesk holds for the subject
//!   (within the precision written) and its sentence cites a source it came from;
//!   quotations appear verbatim in a cited article;
//! - `ticker-relevance`: no company but the subject, unless a cited article about
//!   the subject, or a cited 13F or Form 4 about it (its manager, its insiders),
//!   names it;
//! - `promissory`, `personalized-advice`, `projection`: phrase lists;
//! - `balance`: upside language needs a stated risk or limitation;
//! - `disclaimer`: the configured text, verbatim;
//! - `freshness`: the note's data date within the window of the publication date;
//! - `score-consistency`: Alpha Scores, pillar scores and labels equal the computed ones;
//! - `sources`: every citation resolves to a numbered source, and every source to
//!   a stored filing, file, article, the score configuration or a known regulation.
//!
//! Grounding reads values from the same [`alphadesk_notes::Dossier`] the composer
//! writes from, so the two cannot drift apart; the checker never looks at how a
//! note was produced.
//!
//! Layout: [`note`] reads the Markdown into addressable lines, [`numbers`] reads
//! numbers from prose; each rule family has its own module (`grounding`, `scores`,
//! `relevance`, `phrases`, `freshness`, `sources`) adding its checks to the
//! one-note `Run` defined here.

#![warn(missing_docs)]

pub mod config;
mod entity;
mod freshness;
mod grounding;
pub mod note;
pub mod numbers;
mod phrases;
mod quotes;
mod reading;
mod relevance;
mod scores;
mod sources;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use alphadesk_model::NaiveDate;
use alphadesk_news::link::Linker;
use alphadesk_notes::dossier::display_path;
use alphadesk_notes::{Desk, Dossier, NoteError};
use alphadesk_store::{read, Store, StoreError};
use regex::Regex;
use serde::Serialize;

pub use alphadesk_model::RuleId;
pub use config::{RulesConfig, Severity, PHRASE_LISTS};
use note::{Line, ParsedNote, Part};
use phrases::phrase_pattern;
use relevance::paren_ticker_re;

/// One problem the checker found, where it is and why.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Violation {
    /// The rule broken.
    pub rule: RuleId,
    /// How much it counts: an error fails the note, a warning is reported.
    pub severity: Severity,
    /// 1-based line of the note.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The offending text, as written.
    pub text: String,
    /// Why it breaks the rule, in a sentence.
    pub message: String,
}

/// The checker's answer on one note or story.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Verdict {
    /// No violation of error severity.
    pub passed: bool,
    /// The subject of a one-company note.
    pub subject: Option<String>,
    /// Every subject: one for a note, any number for a story (none for a story
    /// about no company alphadesk covers).
    pub subjects: Vec<String>,
    /// The publication date the note was read as of.
    pub as_of: NaiveDate,
    /// Every problem, by line and column.
    pub violations: Vec<Violation>,
}

impl Verdict {
    /// The ids of the rules broken, as spelled in reports, sorted.
    pub fn rules(&self) -> BTreeSet<&'static str> {
        self.violations.iter().map(|v| v.rule.as_str()).collect()
    }
}

/// Why a note could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// A subject named that the store does not hold.
    #[error("{0} is not in the store's universe")]
    UnknownSubject(String),
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a check needs from the store that does not depend on the date: the
/// linker over the securities master, every ticker and source file,
/// and the rules with their phrase lists compiled. Built once per store state and
/// shared by the checkers of every date (a server checks notes of many dates).
pub struct Catalog {
    rules: RulesConfig,
    linker: Option<Linker>,
    /// Cited accessions, looked up in the store once each.
    accessions: Mutex<HashMap<String, bool>>,
    /// Every ticker of the securities master: a written ticker is checked even
    /// when the company has no prices here.
    tickers: HashSet<String>,
    files: HashSet<String>,
    paths: Vec<String>,
    /// One case-insensitive whole-word pattern per phrase list: a note is read once
    /// per list, not once per phrase.
    phrases: HashMap<&'static str, Regex>,
    /// Cited articles and source paths, looked up once.
    articles: Mutex<HashMap<String, Option<Arc<sources::CitedArticle>>>>,
    path_matches: Mutex<HashMap<String, Vec<String>>>,
}

impl Catalog {
    /// Reads what every date's checks share from `store`, under `rules`.
    pub fn load(store: &Store, rules: RulesConfig) -> Result<Catalog, StoreError> {
        let conn = store.conn();
        let paths = read::source_paths(conn)?;
        let mut files = HashSet::new();
        for p in &paths {
            files.insert(display_path(p));
            if let Some((dir, _)) = p.rsplit_once('/') {
                files.insert(display_path(dir));
            }
        }
        Ok(Catalog {
            linker: Linker::from_store(store, alphadesk_news::link::DEFAULT_ALIASES)?,
            accessions: Mutex::new(HashMap::new()),
            tickers: read::all_tickers(conn)?,
            files,
            paths,
            phrases: PHRASE_LISTS.iter().map(|l| (*l, phrase_pattern(rules.phrases(l)))).collect(),
            rules,
            articles: Mutex::new(HashMap::new()),
            path_matches: Mutex::new(HashMap::new()),
        })
    }

    /// The rule set in force.
    pub fn rules(&self) -> &RulesConfig {
        &self.rules
    }
}

/// What a check needs beyond the note: the catalog, and the desk of one
/// publication date with the dossiers built from it.
pub struct Checker<'d> {
    desk: &'d Desk<'d>,
    catalog: Arc<Catalog>,
    config_hash: String,
    dossiers: Mutex<HashMap<String, Arc<Dossier>>>,
}

fn re(pattern: &'static str, cell: &'static OnceLock<Regex>) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("pattern compiles"))
}

/// The lines of one note indexed for columns: the byte offset and the extra bytes
/// so far of each multibyte character, per line (by its address in the note,
/// which outlives the check).
#[derive(Default)]
struct Columns {
    lines: HashMap<(usize, usize), Vec<(usize, usize)>>,
}

impl Columns {
    /// The 1-based column, in characters, of byte `byte` of `line`. A line's
    /// columns are asked for many times (a violation per number), so its multibyte
    /// characters are indexed once: a line of a megabyte costs one pass, not one per
    /// violation.
    fn of(&mut self, line: &str, byte: usize) -> usize {
        let byte = byte.min(line.len());
        if line.len() < 256 && line.is_ascii() {
            return byte + 1;
        }
        let index = self.lines.entry((line.as_ptr() as usize, line.len())).or_insert_with(|| {
            let mut extra = 0;
            let mut multibyte = Vec::new();
            for (i, ch) in line.char_indices() {
                if ch.len_utf8() > 1 {
                    extra += ch.len_utf8() - 1;
                    multibyte.push((i, extra));
                }
            }
            multibyte
        });
        // Extra bytes of the multibyte characters that start before `byte`.
        let k = index.partition_point(|(at, _)| *at < byte);
        byte - if k == 0 { 0 } else { index[k - 1].1 } + 1
    }
}

/// Violations listed per rule and note; the rest are counted in one more. A note
/// of a megabyte can break a rule a hundred thousand times, and a verdict of tens
/// of megabytes helps no one.
pub const MAX_VIOLATIONS_PER_RULE: usize = 200;

impl<'d> Checker<'d> {
    /// A checker with its own catalog (one-off checks: the CLI).
    pub fn new(desk: &'d Desk<'d>, rules: RulesConfig) -> Result<Checker<'d>, StoreError> {
        Ok(Checker::with_catalog(desk, Arc::new(Catalog::load(desk.store, rules)?)))
    }

    /// A checker for the desk's date over a catalog already loaded.
    pub fn with_catalog(desk: &'d Desk<'d>, catalog: Arc<Catalog>) -> Checker<'d> {
        Checker { desk, catalog, config_hash: desk.cfg.hash(), dossiers: Mutex::new(HashMap::new()) }
    }

    /// Forgets the dossiers built so far (after the store changed, or to measure
    /// checks that build them).
    pub fn clear_cache(&self) {
        self.dossiers.lock().expect("dossier cache").clear();
    }

    /// The publication date checked against.
    pub fn as_of(&self) -> NaiveDate {
        self.desk.as_of
    }

    /// Tickers scored on the checker's date, sorted.
    pub fn tickers(&self) -> Vec<String> {
        self.desk.tickers()
    }

    /// The subject's dossier on the checker's date, built once and kept: a
    /// publisher composes from the same one it is checked against. `None` when the
    /// ticker has no fresh price on the date.
    pub fn dossier(&self, ticker: &str) -> Result<Option<Arc<Dossier>>, CheckError> {
        if let Some(d) = self.dossiers.lock().expect("dossier cache").get(ticker) {
            return Ok(Some(d.clone()));
        }
        match self.desk.dossier(ticker) {
            Ok(d) => {
                let d = Arc::new(d);
                self.dossiers.lock().expect("dossier cache").insert(ticker.to_string(), d.clone());
                Ok(Some(d))
            }
            // A dossier never refuses for thin data; that is the composer's call.
            Err(
                NoteError::NotScored { .. }
                | NoteError::TooLittleData { .. }
                | NoteError::NoArticles { .. }
                | NoteError::NoHeadline { .. },
            ) => Ok(None),
            Err(NoteError::UnknownTicker(t)) => Err(CheckError::UnknownSubject(t)),
            Err(NoteError::Store(e)) => Err(e.into()),
        }
    }

    /// The note's subjects: the tickers given, else front matter (`ticker:` or
    /// `tickers: [A, B]`), else the companies named in the headline and the lead,
    /// else the first `Company (TICKER)`, cashtag or exchange ticker in the text.
    /// Empty when the note is about no company alphadesk knows.
    fn subjects(&self, note: &ParsedNote<'_>, tickers: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |t: &str| {
            let t = t.trim().trim_matches(['"', '\'']).to_ascii_uppercase();
            if !t.is_empty() && !out.contains(&t) {
                out.push(t);
            }
        };
        if !tickers.is_empty() {
            tickers.iter().for_each(|t| push(t));
            return out;
        }
        if let Some((list, _)) = note.front.get("tickers") {
            list.trim().trim_start_matches('[').trim_end_matches(']').split(',').for_each(&mut push);
            return out;
        }
        if let Some((t, _)) = note.front.get("ticker") {
            push(t);
            return out;
        }
        // The headline and the lead: what a reader is told the note is about.
        let headline = note.lines.iter().find(|l| l.part == Part::Heading && l.text.trim_start().starts_with("# "));
        let lead = note.lines.iter().find(|l| {
            l.part == Part::Body && !l.text.trim().is_empty() && headline.is_none_or(|h| l.number > h.number)
        });
        for l in headline.into_iter().chain(lead) {
            for (_, t) in self.companies_in(l.text) {
                push(&t);
            }
        }
        if !out.is_empty() {
            return out;
        }
        for l in note.lines.iter().filter(|l| matches!(l.part, Part::Body | Part::Heading)) {
            for c in paren_ticker_re().captures_iter(l.text) {
                let Some(t) = c.get(1).or(c.get(2)).or(c.get(3)) else { continue };
                if self.desk.universe.member(t.as_str()).is_some() {
                    return vec![t.as_str().to_string()];
                }
            }
            if let Some(linker) = &self.catalog.linker {
                if let Some((t, _, _, _)) = linker.mentions(l.text).into_iter().find(|m| {
                    matches!(m.1, alphadesk_news::link::Kind::Cashtag | alphadesk_news::link::Kind::ExchangeTicker)
                }) {
                    return vec![t];
                }
            }
        }
        out
    }

    /// Companies a text names, by position: tickers written as tickers that the
    /// securities master holds, and names the linker finds.
    pub(crate) fn companies_in(&self, text: &str) -> Vec<(usize, String)> {
        let mut found: Vec<(usize, String)> = Vec::new();
        for c in paren_ticker_re().captures_iter(text) {
            let Some(m) = c.get(1).or(c.get(2)).or(c.get(3)) else { continue };
            if self.catalog.tickers.contains(m.as_str()) {
                found.push((c.get(0).map(|w| w.start()).unwrap_or(0), m.as_str().to_string()));
            }
        }
        if let Some(linker) = &self.catalog.linker {
            for (t, _, _, _, at) in linker.mentions_at(text) {
                found.push((at, t));
            }
        }
        found.sort();
        found
    }

    /// Checks one Markdown note for publication on the checker's date; `ticker`
    /// names its subject when the note does not.
    pub fn check(&self, markdown: &str, ticker: Option<&str>) -> Result<Verdict, CheckError> {
        let tickers: Vec<String> = ticker.map(|t| vec![t.to_string()]).unwrap_or_default();
        self.check_story(markdown, &tickers)
    }

    /// Checks a note or a story on any number of companies (`tickers`, else its
    /// front matter, else the companies of its headline and lead; none is a story
    /// about no company alphadesk covers, checked as such).
    pub fn check_story(&self, markdown: &str, tickers: &[String]) -> Result<Verdict, CheckError> {
        // Every rule reads the note as it is shown; columns are mapped back.
        let reading = reading::read_as_shown(markdown);
        let note = note::parse(reading.as_ref().map_or(markdown, |r| r.text.as_str()));
        let subjects = self.subjects(&note, tickers);
        let mut dossiers = HashMap::new();
        for t in &subjects {
            match self.dossier(t) {
                Ok(Some(d)) => {
                    dossiers.insert(t.clone(), d);
                }
                // A subject outside the universe has no data here: the note is
                // checked without it (its figures cannot be grounded).
                Ok(None) | Err(CheckError::UnknownSubject(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let first = subjects.first().cloned().unwrap_or_default();
        let mut run = Run {
            c: self,
            note: &note,
            dossier: dossiers.get(&first).cloned(),
            subject: first,
            // A story (front matter `theme:` or `tickers:`) on one company is
            // still a story: its figures may come from its articles.
            single: subjects.len() == 1 && !note.front.contains_key("theme") && !note.front.contains_key("tickers"),
            subjects: subjects.clone(),
            dossiers,
            heading_focus: None,
            section: None,
            out: Vec::new(),
            columns: Default::default(),
        };
        run.all();
        let mut violations = run.out;
        if let Some(r) = &reading {
            for v in &mut violations {
                v.column = r.column(v.line, v.column);
            }
        }
        violations.retain(|v| v.severity != Severity::Off);
        violations.sort_by_key(|a| (a.line, a.column, a.rule));
        violations.dedup();
        let violations = cap_per_rule(violations);
        Ok(Verdict {
            passed: !violations.iter().any(|v| v.severity == Severity::Error),
            subject: (subjects.len() == 1).then(|| subjects[0].clone()),
            subjects,
            as_of: self.desk.as_of,
            violations,
        })
    }
}

/// Keeps the first [`MAX_VIOLATIONS_PER_RULE`] violations of each rule and adds,
/// for a rule with more, one that counts the rest at the first one left out.
fn cap_per_rule(violations: Vec<Violation>) -> Vec<Violation> {
    let mut seen: HashMap<RuleId, usize> = HashMap::new();
    let mut out = Vec::with_capacity(violations.len().min(4096));
    let mut dropped: Vec<(Violation, usize)> = Vec::new();
    for v in violations {
        let n = seen.entry(v.rule).or_default();
        *n += 1;
        if *n <= MAX_VIOLATIONS_PER_RULE {
            out.push(v);
        } else if let Some(d) = dropped.iter_mut().find(|(d, _)| d.rule == v.rule) {
            d.1 += 1;
        } else {
            dropped.push((v, 1));
        }
    }
    for (first, n) in dropped {
        out.push(Violation {
            message: format!("{n} more violations of {} from here on are not listed", first.rule),
            text: String::new(),
            ..first
        });
    }
    out.sort_by_key(|a| (a.line, a.column, a.rule));
    out
}

/// One check in progress.
struct Run<'c, 'd> {
    c: &'c Checker<'d>,
    note: &'c ParsedNote<'c>,
    subjects: Vec<String>,
    /// Subjects with data on the date.
    dossiers: HashMap<String, Arc<Dossier>>,
    /// One subject: every figure is about it, as in a one-ticker note.
    single: bool,
    /// The company the text being checked is about (see [`Run::focus_on`]), and
    /// its dossier.
    subject: String,
    dossier: Option<Arc<Dossier>>,
    /// The subject the last heading named (a story's per-company section).
    heading_focus: Option<String>,
    /// The subject the current section's heading names, in any note or story
    /// (a story's "### Delta Air Lines (DAL)").
    section: Option<String>,
    out: Vec<Violation>,
    columns: std::cell::RefCell<Columns>,
}

impl Run<'_, '_> {
    fn flag(&mut self, rule: RuleId, line: usize, col: usize, text: &str, message: String) {
        self.out.push(Violation {
            rule,
            severity: self.c.catalog.rules.severity(rule),
            line,
            column: col,
            text: text.to_string(),
            message,
        });
    }

    /// The 1-based column, in characters, of byte `byte` of `line` (a line of the note).
    fn column(&self, line: &str, byte: usize) -> usize {
        self.columns.borrow_mut().of(line, byte)
    }

    fn on(&self, rule: RuleId) -> bool {
        self.c.catalog.rules.severity(rule) != Severity::Off
    }

    fn all(&mut self) {
        let resolved = self.sources();
        self.duplicate_sources(&resolved);
        let lines: Vec<Line<'_>> =
            self.note.lines.iter().filter(|l| matches!(l.part, Part::Body | Part::Heading)).cloned().collect();
        self.disclaimer();
        if self.on(RuleId::Freshness) {
            self.freshness(&lines);
            self.headline_freshness(&lines);
        }
        self.phrases(&lines, &resolved);
        self.language(&lines);
        self.entities(&lines, &resolved);
        let allowed = self.allowed_companies(&resolved);
        self.subjects_against_reports(&resolved);
        for l in &lines {
            if l.part == Part::Heading {
                self.section = self.named_subject(l.text);
                if !self.single {
                    self.heading_focus = self.section.clone();
                }
            }
            self.relevance(l, &allowed, &resolved);
            self.numbers(l, &resolved);
            self.quote_relevance(l, &resolved);
        }
        if self.single {
            self.front_matter_score();
        }
    }

    /// The subject a text names first, if any.
    fn named_subject(&self, text: &str) -> Option<String> {
        let mut best: Option<(usize, String)> = None;
        for t in &self.subjects {
            let mut at = Vec::new();
            if let Some(d) = self.dossiers.get(t) {
                // The name as shown, as the text is read ("E*Trade" reads "ETrade").
                at.extend(text.find(reading::shown(&d.name).as_ref()));
            }
            at.extend(text.find(&format!("({t})")));
            at.extend(text.find(&format!("${t}")));
            if let Some(a) = at.into_iter().min() {
                if best.as_ref().is_none_or(|(b, _)| a < *b) {
                    best = Some((a, t.clone()));
                }
            }
        }
        if best.is_none() {
            best = self.c.companies_in(text).into_iter().find(|(_, t)| self.subjects.contains(t));
        }
        best.map(|(_, t)| t)
    }

    /// The company each sentence of a line is about: the subject it names first,
    /// else the previous sentence's, else the one the last heading named. A
    /// one-subject note is always about its subject.
    fn line_focus(&self, l: &Line<'_>) -> Vec<((usize, usize), Option<String>)> {
        if self.single {
            return vec![((0, l.text.len()), Some(self.subjects[0].clone()))];
        }
        let mut current = self.heading_focus.clone();
        // A subject's name holds no sentence end ("Yum! Brands Inc"): names are
        // masked, at the same length, before the line is split.
        let mut masked = l.text.to_string();
        for d in self.dossiers.values() {
            let name = reading::shown(&d.name);
            if name.contains(['!', '?', '.']) && masked.contains(name.as_ref()) {
                masked = masked.replace(name.as_ref(), &"x".repeat(name.len()));
            }
        }
        note::sentences(&masked)
            .into_iter()
            .map(|(s, e)| {
                if let Some(t) = self.named_subject(&l.text[s..e]) {
                    current = Some(t);
                }
                ((s, e), current.clone())
            })
            .collect()
    }

    /// Makes `ticker` (or no company) the one the checks are about.
    fn focus_on(&mut self, ticker: Option<&str>) {
        match ticker {
            Some(t) => {
                self.subject = t.to_string();
                self.dossier = self.dossiers.get(t).cloned();
            }
            None => {
                self.subject.clear();
                self.dossier = None;
            }
        }
    }
}
