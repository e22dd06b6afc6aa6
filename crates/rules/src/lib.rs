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
//!   the subject names it;
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

pub mod config;
pub mod note;
pub mod numbers;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use alphadesk_model::NaiveDate;
use alphadesk_news::link::Linker;
use alphadesk_notes::dossier::{display_path, Datum, Locator, Value, THIRTEEN_F_RULE};
use alphadesk_notes::{Desk, Dossier, NoteError};
use alphadesk_score::{Label, Pillar};
use alphadesk_store::{read, StoreError};
use chrono::Datelike;
use regex::Regex;
use serde::Serialize;

pub use config::{RulesConfig, Severity, RULES};
use note::{Line, ParsedNote, Part};
use numbers::{Kind, Mention};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub rule: &'static str,
    pub severity: Severity,
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub text: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub passed: bool,
    pub subject: Option<String>,
    pub as_of: NaiveDate,
    pub violations: Vec<Violation>,
}

impl Verdict {
    /// The distinct rules that failed, sorted.
    pub fn rules(&self) -> BTreeSet<&'static str> {
        self.violations.iter().map(|v| v.rule).collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("cannot tell which company the note is about: give --ticker, a `ticker:` front-matter field, or name it as `Company (TICKER)`")]
    NoSubject,
    #[error("{0} is not in the store's universe")]
    UnknownSubject(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a check needs beyond the note: built once per publication date.
pub struct Checker<'d> {
    desk: &'d Desk<'d>,
    rules: RulesConfig,
    linker: Option<Linker>,
    accessions: HashSet<String>,
    /// Every ticker of the securities master: a written ticker is checked even
    /// when the company has no prices here.
    tickers: HashSet<String>,
    files: HashSet<String>,
    paths: Vec<String>,
    config_hash: String,
    /// One case-insensitive whole-word pattern per phrase list: a note is read once
    /// per list, not once per phrase.
    phrases: HashMap<&'static str, Regex>,
    dossiers: Mutex<HashMap<String, Arc<Dossier>>>,
}

const PHRASE_LISTS: [&str; 5] = ["promissory", "personalized-advice", "projection", "upside", "risk"];

fn phrase_pattern(list: &[String]) -> Regex {
    // Typographic apostrophes read as plain ones: "can’t lose" is "can't lose".
    let mut alts: Vec<String> = list.iter().map(|p| regex::escape(&normalise_text(p)).replace('\'', "['’]")).collect();
    alts.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    alts.dedup();
    let body = if alts.is_empty() { "[^\\s\\S]".to_string() } else { alts.join("|") };
    Regex::new(&format!(r"(?i)(?-u:\b)(?:{body})(?-u:\b)")).expect("escaped phrases compile")
}

fn re(pattern: &'static str, cell: &'static OnceLock<Regex>) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("pattern compiles"))
}

fn accession_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"(?-u:\b)\d{10}-\d{2}-\d{6}(?-u:\b)", &R)
}

fn url_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r#"https?://[^\s<>"”]+"#, &R)
}

fn path_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+/?", &R)
}

fn config_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"(?i)(?-u:\b)config(?:uration)?\s+([0-9a-f]{16})(?-u:\b)", &R)
}

fn cfr_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"(?-u:\b)\d+ CFR \d+(?:\.[0-9A-Za-z]+)*(?:-\d+)?", &R)
}

/// `(XOM)`, `(NYSE: XOM)`, `$XOM`: tickers written as tickers.
fn paren_ticker_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"\((?:(?:NYSE|Nasdaq|NASDAQ|AMEX)\s*:\s*)?([A-Z]{1,5}(?:\.[A-Z])?)\)|\$([A-Z]{1,5}(?:\.[A-Z])?)(?-u:\b)", &R)
}

fn quote_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r#"“([^”]+)”|"([^"]+)""#, &R)
}

/// Regulations a source line may cite.
const KNOWN_RULES: &[&str] = &[THIRTEEN_F_RULE];

fn column(line: &str, byte: usize) -> usize {
    line[..byte.min(line.len())].chars().count() + 1
}

/// Whole-word, case-insensitive occurrences of `phrase` in `lower` (already lower-cased).
fn find_phrase(lower: &str, phrase: &str) -> Vec<usize> {
    let p = phrase.to_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&p) {
        let s = from + i;
        let e = s + p.len();
        let before = lower[..s].chars().next_back();
        let after = lower[e..].chars().next();
        let boundary = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric());
        if boundary(before) && (boundary(after) || p.ends_with(' ')) {
            out.push(s);
        }
        from = s + p.len().max(1);
    }
    out
}

fn normalise_text(s: &str) -> String {
    s.replace(['’', '‘'], "'").to_lowercase()
}

fn pillar_named(text: &str) -> Option<Pillar> {
    let lower = text.to_lowercase();
    Pillar::ALL.iter().filter_map(|p| lower.rfind(p.name()).map(|i| (i, *p))).max_by_key(|(i, _)| *i).map(|(_, p)| p)
}

fn label_word(s: &str) -> Option<Option<Label>> {
    match s {
        "weak" => Some(Some(Label::Weak)),
        "moderate" => Some(Some(Label::Moderate)),
        "strong" => Some(Some(Label::Strong)),
        "unscored" => Some(None),
        _ => None,
    }
}

impl<'d> Checker<'d> {
    pub fn new(desk: &'d Desk<'d>, rules: RulesConfig) -> Result<Checker<'d>, StoreError> {
        let conn = desk.store.conn();
        let paths = read::source_paths(conn)?;
        let mut files = HashSet::new();
        for p in &paths {
            files.insert(display_path(p));
            if let Some((dir, _)) = p.rsplit_once('/') {
                files.insert(display_path(dir));
            }
        }
        Ok(Checker {
            linker: Linker::from_store(desk.store, alphadesk_news::link::DEFAULT_ALIASES)?,
            accessions: read::known_accessions(conn)?,
            tickers: read::all_tickers(conn)?,
            files,
            paths,
            config_hash: desk.cfg.hash(),
            phrases: PHRASE_LISTS.iter().map(|l| (*l, phrase_pattern(rules.phrases(l)))).collect(),
            rules,
            desk,
            dossiers: Mutex::new(HashMap::new()),
        })
    }

    /// Forgets the dossiers built so far (after the store changed, or to measure
    /// checks that build them).
    pub fn clear_cache(&self) {
        self.dossiers.lock().expect("dossier cache").clear();
    }

    pub fn as_of(&self) -> NaiveDate {
        self.desk.as_of
    }

    fn dossier(&self, ticker: &str) -> Result<Option<Arc<Dossier>>, CheckError> {
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
            Err(NoteError::NotScored { .. } | NoteError::TooLittleData { .. }) => Ok(None),
            Err(NoteError::UnknownTicker(t)) => Err(CheckError::UnknownSubject(t)),
            Err(NoteError::Store(e)) => Err(e.into()),
        }
    }

    /// The note's subject: `ticker` if given, else front matter, else the first
    /// `Company (TICKER)`, cashtag or exchange ticker in the text.
    fn subject(&self, note: &ParsedNote<'_>, ticker: Option<&str>) -> Result<String, CheckError> {
        if let Some(t) = ticker.map(str::to_string).or_else(|| note.front.get("ticker").map(|(t, _)| t.clone())) {
            let t = t.trim().to_ascii_uppercase();
            return match self.desk.universe.member(&t) {
                Some(_) => Ok(t),
                None => Err(CheckError::UnknownSubject(t)),
            };
        }
        for l in note.lines.iter().filter(|l| matches!(l.part, Part::Body | Part::Heading)) {
            for c in paren_ticker_re().captures_iter(l.text) {
                let Some(t) = c.get(1).or(c.get(2)) else { continue };
                if self.desk.universe.member(t.as_str()).is_some() {
                    return Ok(t.as_str().to_string());
                }
            }
            if let Some(linker) = &self.linker {
                if let Some((t, _, _, _)) = linker.mentions(l.text).into_iter().find(|m| {
                    matches!(m.1, alphadesk_news::link::Kind::Cashtag | alphadesk_news::link::Kind::ExchangeTicker)
                }) {
                    return Ok(t);
                }
            }
        }
        Err(CheckError::NoSubject)
    }

    /// Checks one Markdown note for publication on the checker's date.
    pub fn check(&self, markdown: &str, ticker: Option<&str>) -> Result<Verdict, CheckError> {
        let note = note::parse(markdown);
        let subject = self.subject(&note, ticker)?;
        let dossier = self.dossier(&subject)?;
        let mut run = Run { c: self, note: &note, subject: &subject, dossier: dossier.as_deref(), out: Vec::new() };
        run.all();
        let mut violations = run.out;
        violations.retain(|v| v.severity != Severity::Off);
        violations.sort_by(|a, b| (a.line, a.column, a.rule).cmp(&(b.line, b.column, b.rule)));
        violations.dedup();
        Ok(Verdict {
            passed: !violations.iter().any(|v| v.severity == Severity::Error),
            subject: Some(subject),
            as_of: self.desk.as_of,
            violations,
        })
    }

    fn file_known(&self, token: &str) -> bool {
        let t = token.trim_end_matches('/');
        self.files.contains(&display_path(t)) || self.paths.iter().any(|p| p.ends_with(&format!("/{t}")) || p == t)
    }
}

/// One check in progress.
struct Run<'c, 'd> {
    c: &'c Checker<'d>,
    note: &'c ParsedNote<'c>,
    subject: &'c str,
    dossier: Option<&'c Dossier>,
    out: Vec<Violation>,
}

/// A cited source, resolved.
struct Resolved {
    locators: Vec<Locator>,
    /// Tickers linked to a cited article that is about the subject.
    tickers: Vec<String>,
    /// Title and body of a cited article, for quotations.
    text: Option<String>,
}

impl Run<'_, '_> {
    fn flag(&mut self, rule: &'static str, line: usize, col: usize, text: &str, message: String) {
        self.out.push(Violation {
            rule,
            severity: self.c.rules.severity(rule),
            line,
            column: col,
            text: text.to_string(),
            message,
        });
    }

    fn on(&self, rule: &str) -> bool {
        self.c.rules.severity(rule) != Severity::Off
    }

    fn all(&mut self) {
        let resolved = self.sources();
        let lines: Vec<Line<'_>> =
            self.note.lines.iter().filter(|l| matches!(l.part, Part::Body | Part::Heading)).cloned().collect();
        self.disclaimer();
        self.freshness(&lines);
        let mut upside: Option<(usize, usize, String)> = None;
        let mut risk = false;
        let disclaimer = self.c.rules.disclaimer.clone();
        for l in &lines {
            // Offsets stay those of the line: the disclaimer (which says "not
            // personalized advice") is blanked, not cut.
            let text = l.text.to_string();
            let scan = match (!disclaimer.is_empty()).then(|| text.find(&disclaimer)).flatten() {
                Some(i) => {
                    let mut t = text.clone();
                    t.replace_range(i..i + disclaimer.len(), &" ".repeat(disclaimer.len()));
                    t
                }
                None => text.clone(),
            };
            for rule in ["promissory", "personalized-advice", "projection"] {
                let hits: Vec<(usize, String)> =
                    self.c.phrases[rule].find_iter(&scan).map(|m| (m.start(), m.as_str().to_string())).collect();
                for (at, found) in hits {
                    let p = found.to_lowercase();
                    let message = match rule {
                        "promissory" => format!(
                            "“{p}” promises an outcome (FINRA 2210(d)(1)(B): no promissory or exaggerated claims)"
                        ),
                        "personalized-advice" => {
                            format!("“{p}” tells the reader what to do; notes are educational coverage, not advice")
                        }
                        _ => format!("“{p}” states a price target or predicted return as fact (FINRA 2210(d)(1)(F))"),
                    };
                    self.flag(rule, l.number, column(l.text, at), &found, message);
                }
            }
            if upside.is_none() {
                if let Some(m) = self.c.phrases["upside"].find(&scan) {
                    upside = Some((l.number, column(l.text, m.start()), m.as_str().to_string()));
                }
            }
            risk |= self.c.phrases["risk"].is_match(&scan);
            self.relevance(l, &resolved);
            self.numbers(l, &resolved);
        }
        if let (Some((line, col, p)), false) = (upside, risk) {
            if self.on("balance") {
                self.flag(
                    "balance",
                    line,
                    col,
                    &p,
                    "upside language with no stated risk or limitation anywhere in the note (FINRA 2210(d)(1)(A): fair and balanced)".into(),
                );
            }
        }
        self.front_matter_score();
    }

    fn disclaimer(&mut self) {
        let want: String = self.c.rules.disclaimer.split_whitespace().collect::<Vec<_>>().join(" ");
        let have: String = self
            .note
            .lines
            .iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !want.is_empty() && !have.contains(&want) {
            let last = self.note.lines.iter().rev().find(|l| !l.text.trim().is_empty()).map(|l| l.number).unwrap_or(1);
            self.flag("disclaimer", last, 1, "", format!("the disclaimer “{want}” is missing"));
        }
    }

    fn freshness(&mut self, lines: &[Line<'_>]) {
        let publish = self.c.desk.as_of;
        let window = self.c.rules.freshness_days;
        let declared = ["as_of", "data_as_of", "date"]
            .iter()
            .find_map(|k| self.note.front.get(*k))
            .map(|(v, line)| (alphadesk_model::parse_date(v), *line, v.clone()));
        let (date, line, text) = match declared {
            Some((Some(d), line, text)) => (d, line, text),
            Some((None, line, text)) => {
                self.flag("freshness", line, 1, &text, format!("the note's date “{text}” is not a date"));
                return;
            }
            None => {
                // No declared date: the newest date the note states about the past.
                let newest = lines
                    .iter()
                    .flat_map(|l| numbers::mentions(l.text).into_iter().map(move |m| (m, l)))
                    .filter_map(|(m, l)| match m.kind {
                        Kind::Date(d) if d <= publish => Some((d, l.number, l.text[m.start..m.end].to_string())),
                        _ => None,
                    })
                    .max_by_key(|x| x.0);
                match newest {
                    Some(x) => x,
                    None => {
                        self.flag("freshness", 1, 1, "", "the note states no date for its data".into());
                        return;
                    }
                }
            }
        };
        if date > publish {
            self.flag(
                "freshness",
                line,
                1,
                &text,
                format!("the note is dated {date}, after its publication date {publish}: it cannot be checked against data known then"),
            );
        } else if (publish - date).num_days() > window {
            self.flag(
                "freshness",
                line,
                1,
                &text,
                format!(
                    "the note's data are as of {date}, {} days before publication on {publish}; the limit is {window}",
                    (publish - date).num_days()
                ),
            );
        }
        match self.dossier.and_then(|d| d.close) {
            Some((day, _)) if (publish - day).num_days() > window => self.flag(
                "freshness",
                line,
                1,
                &text,
                format!(
                    "the newest close of {} on record is {day}, older than {window} days on {publish}",
                    self.subject
                ),
            ),
            Some(_) => {}
            None => self.flag(
                "freshness",
                line,
                1,
                &text,
                format!("{} has no price within the score's freshness window on {publish}", self.subject),
            ),
        }
    }

    fn sources(&mut self) -> HashMap<usize, Resolved> {
        let mut out = HashMap::new();
        let entries: Vec<_> = self.note.sources.values().cloned().collect();
        for e in entries {
            let mut locators = Vec::new();
            let mut tickers = Vec::new();
            let mut text = None;
            let mut problems: Vec<(usize, String, String)> = Vec::new();
            let line_text = e.text;
            let urls: Vec<(usize, &str)> = url_re()
                .find_iter(line_text)
                .map(|m| (m.start(), m.as_str().trim_end_matches(['.', ',', ';', ')'])))
                .collect();
            for (at, u) in &urls {
                match read::document_by_url(self.c.desk.store.conn(), u) {
                    Ok(Some((id, linked))) => {
                        if linked.iter().any(|t| t == self.subject) {
                            tickers.extend(linked);
                        }
                        if let Ok(docs) = read::documents_by_id(self.c.desk.store.conn(), &[id]) {
                            text = docs.into_iter().next().map(|d| format!("{}\n{}", d.title, d.body));
                        }
                        locators.push(Locator::Url(u.to_string()));
                    }
                    _ => problems.push((*at, u.to_string(), format!("no stored article has the URL {u}"))),
                }
            }
            let mut masked = line_text.to_string();
            for m in url_re().find_iter(line_text) {
                masked.replace_range(m.range(), &" ".repeat(m.len()));
            }
            for m in accession_re().find_iter(&masked) {
                if self.c.accessions.contains(m.as_str()) {
                    locators.push(Locator::Accession(m.as_str().to_string()));
                } else {
                    problems.push((
                        m.start(),
                        m.as_str().into(),
                        format!("accession {} is not in the store", m.as_str()),
                    ));
                }
            }
            for c in config_re().captures_iter(&masked) {
                let h = &c[1];
                if h == self.c.config_hash {
                    locators.push(Locator::Config(h.to_string()));
                } else {
                    problems.push((
                        c.get(1).map(|m| m.start()).unwrap_or(0),
                        h.into(),
                        format!("score config {h} is not the configuration in use ({})", self.c.config_hash),
                    ));
                }
            }
            for m in cfr_re().find_iter(&masked) {
                if KNOWN_RULES.contains(&m.as_str()) {
                    locators.push(Locator::Rule(m.as_str().to_string()));
                } else {
                    problems.push((
                        m.start(),
                        m.as_str().into(),
                        format!("{} is not a regulation alphadesk cites", m.as_str()),
                    ));
                }
            }
            for m in path_re().find_iter(&masked) {
                let token = m.as_str().trim_end_matches('.');
                // Dates written with slashes and fractions are not paths.
                if token.chars().all(|c| c.is_ascii_digit() || c == '/' || c == '.' || c == '-') {
                    continue;
                }
                if self.c.file_known(token) {
                    locators.push(Locator::File(display_path(token.trim_end_matches('/'))));
                } else {
                    problems.push((m.start(), token.into(), format!("no stored file matches {token}")));
                }
            }
            let line = self.note.lines.iter().find(|l| l.number == e.line).map(|l| l.text).unwrap_or("");
            let offset = line.find(line_text).unwrap_or(0);
            for (at, t, msg) in problems {
                self.flag("sources", e.line, column(line, offset + at), &t, msg);
            }
            if locators.is_empty() && self.out.iter().all(|v| v.line != e.line) {
                self.flag(
                    "sources",
                    e.line,
                    1,
                    line_text,
                    format!(
                        "source {} names no accession number, stored file, article URL, score config or regulation",
                        e.number
                    ),
                );
            }
            out.insert(e.number, Resolved { locators, tickers, text });
        }
        out
    }

    fn relevance(&mut self, l: &Line<'_>, resolved: &HashMap<usize, Resolved>) {
        if !self.on("ticker-relevance") {
            return;
        }
        let mut allowed: HashSet<&str> = HashSet::from([self.subject]);
        if let Some(d) = self.dossier {
            allowed.extend(d.other_classes.iter().map(String::as_str));
        }
        for r in resolved.values() {
            allowed.extend(r.tickers.iter().map(String::as_str));
        }
        let mut found: Vec<(usize, String, String)> = Vec::new();
        for c in paren_ticker_re().captures_iter(l.text) {
            let Some(m) = c.get(1).or(c.get(2)) else { continue };
            if self.c.tickers.contains(m.as_str()) {
                let whole = c.get(0).expect("whole");
                found.push((whole.start(), m.as_str().to_string(), whole.as_str().to_string()));
            }
        }
        if let Some(linker) = &self.c.linker {
            for (t, _, evidence, _) in linker.mentions(l.text) {
                let at = l.text.find(&evidence).unwrap_or(0);
                found.push((at, t, evidence));
            }
        }
        found.sort();
        found.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        // The subject's own name may contain another company's ("Baker Hughes, a GE Company").
        let own: Vec<(usize, usize)> = self
            .dossier
            .map(|d| l.text.match_indices(d.name.as_str()).map(|(i, m)| (i, i + m.len())).collect())
            .unwrap_or_default();
        for (at, t, evidence) in found {
            if own.iter().any(|(s, e)| at >= *s && at < *e) {
                continue;
            }
            if !allowed.contains(t.as_str()) {
                let name = read::security(self.c.desk.store.conn(), &t)
                    .ok()
                    .flatten()
                    .and_then(|s| s.name)
                    .map(|n| format!("{n} ({t})"))
                    .unwrap_or(t.clone());
                self.flag(
                    "ticker-relevance",
                    l.number,
                    column(l.text, at),
                    &evidence,
                    format!("{name} is not {} and no cited source about {} names it", self.subject, self.subject),
                );
            }
        }
    }

    fn numbers(&mut self, l: &Line<'_>, resolved: &HashMap<usize, Resolved>) {
        // Digits inside the subject's name are not claims ("Phillips 66", "L3 Technologies").
        let scanned = match self.dossier {
            Some(d) if l.text.contains(d.name.as_str()) => l.text.replace(d.name.as_str(), &" ".repeat(d.name.len())),
            _ => l.text.to_string(),
        };
        let mentions = numbers::mentions(&scanned);
        let quotes: Vec<(usize, usize, String)> = quote_re()
            .captures_iter(l.text)
            .map(|c| {
                let m = c.get(0).expect("whole");
                let inner = c.get(1).or(c.get(2)).map(|g| g.as_str().to_string()).unwrap_or_default();
                (m.start(), m.end(), inner)
            })
            .collect();
        let sentences = note::sentences(l.text);
        let cites_of = |at: usize| -> Vec<usize> {
            let (s, e) = sentences.iter().copied().find(|(s, e)| at >= *s && at < *e).unwrap_or((0, l.text.len()));
            note::citations(&l.text[s..e], l.number).into_iter().map(|c| c.number).collect()
        };
        // Citations that point nowhere.
        if self.on("sources") {
            for c in note::citations(l.text, l.number) {
                if !self.note.sources.contains_key(&c.number) {
                    self.flag(
                        "sources",
                        l.number,
                        column(l.text, c.start),
                        &l.text[c.start..c.end],
                        format!("citation [{}] has no numbered entry in the source list", c.number),
                    );
                }
            }
        }
        // Quotations must be verbatim in a cited article.
        if self.on("grounding") {
            for (s, e, inner) in &quotes {
                let cited = cites_of(*s);
                let norm = |x: &str| x.split_whitespace().collect::<Vec<_>>().join(" ");
                let found = cited
                    .iter()
                    .filter_map(|n| resolved.get(n)?.text.as_deref())
                    .any(|t| norm(t).contains(&norm(inner)));
                if !found && l.part != Part::Heading {
                    self.flag(
                        "grounding",
                        l.number,
                        column(l.text, *s),
                        &l.text[*s..*e],
                        "quotation not found in any cited article".into(),
                    );
                }
            }
        }
        let mut prev_end = 0;
        let mut prev_score: Option<(Option<Pillar>, bool)> = None;
        let sentence_lower = normalise_text(l.text);
        for m in &mentions {
            let text = &l.text[m.start..m.end];
            if quotes.iter().any(|(s, e, _)| m.start >= *s && m.end <= *e) {
                prev_end = m.end;
                continue;
            }
            let sentence_start =
                sentences.iter().find(|(s, e)| m.start >= *s && m.start < *e).map(|(s, _)| *s).unwrap_or(0);
            let ctx = sentence_lower[prev_end.max(sentence_start).min(m.start)..m.start].to_string();
            let says = |w: &str| !find_phrase(&ctx, w).is_empty();
            // "score of 71", "pillar at 84", "score climbs to 82": the number follows
            // the word closely; "the score ranks X against the 48 stocks" is a count.
            let follows = |w: &str| {
                find_phrase(&ctx, w).last().is_some_and(|&i| ctx[i + w.len()..].split_whitespace().count() <= 3)
            };
            let score_like = matches!(m.kind, Kind::OutOf100 | Kind::Plain);
            let connective = ctx
                .split_whitespace()
                .all(|w| matches!(w, "from" | "and" | "to" | "vs" | "versus" | "against" | "," | "of"));
            let score_target = if score_like && (follows("score") || m.kind == Kind::OutOf100 || follows("pillar")) {
                let p = pillar_named(&ctx).filter(|_| !says("alpha score"));
                Some((p, ctx.trim_end().ends_with("from")))
            } else if score_like && connective && !ctx.is_empty() {
                prev_score.map(|(p, _)| (p, ctx.trim_end().ends_with("from")))
            } else {
                None
            };
            prev_end = m.end;
            if let Some((pillar, previous)) = score_target {
                prev_score = Some((pillar, previous));
                self.score_number(l, m, pillar, previous);
                continue;
            }
            prev_score = None;
            if !self.on("grounding") {
                continue;
            }
            let Some(d) = self.dossier else { continue };
            let candidates: Vec<&Datum> = d.data.iter().filter(|x| matches(m, &x.value)).collect();
            if candidates.is_empty() {
                let hint = nearest(m, &d.data)
                    .map(|x| format!("; the nearest value of its kind is {} ({})", show(&x.value), x.label))
                    .unwrap_or_default();
                self.flag(
                    "grounding",
                    l.number,
                    column(l.text, m.start),
                    text,
                    format!("{text} matches nothing alphadesk holds for {} as of {}{hint}", self.subject, d.as_of),
                );
                continue;
            }
            if l.part == Part::Heading {
                continue;
            }
            let cited = cites_of(m.start);
            if cited.is_empty() {
                self.flag(
                    "grounding",
                    l.number,
                    column(l.text, m.start),
                    text,
                    format!("{text} is not cited: its sentence names no source"),
                );
                continue;
            }
            let cited_locators: HashSet<&Locator> =
                cited.iter().filter_map(|n| resolved.get(n)).flat_map(|r| r.locators.iter()).collect();
            let supported = candidates.iter().any(|x| {
                x.sources.iter().any(|&s| d.sources[s].locators().iter().any(|loc| cited_locators.contains(loc)))
            });
            if !supported {
                let from = candidates[0]
                    .sources
                    .first()
                    .map(|&s| alphadesk_notes::compose::source_text(&d.sources[s]))
                    .unwrap_or_default();
                self.flag(
                    "grounding",
                    l.number,
                    column(l.text, m.start),
                    text,
                    format!(
                        "{text} matches {} but the sentence cites {}, not the record it comes from ({from})",
                        candidates[0].label,
                        cited.iter().map(|n| format!("[{n}]")).collect::<String>()
                    ),
                );
            }
        }
        self.score_labels(l);
    }

    fn score_number(&mut self, l: &Line<'_>, m: &Mention, pillar: Option<Pillar>, previous: bool) {
        if !self.on("score-consistency") {
            return;
        }
        let Some(d) = self.dossier else { return };
        let record = if previous { d.previous.as_ref() } else { Some(&d.record) };
        let what = pillar.map(|p| format!("{p} score")).unwrap_or_else(|| "Alpha Score".into());
        let when = if previous { "a month before the note's date" } else { "on the note's date" };
        let expected = record.and_then(|r| match pillar {
            Some(p) => r.pillars.get(&p).and_then(|s| s.score),
            None => r.alpha_score,
        });
        let text = &l.text[m.start..m.end];
        match expected {
            Some(e) if (f64::from(e) - m.value).abs() < 0.5 => {}
            Some(e) => self.flag(
                "score-consistency",
                l.number,
                column(l.text, m.start),
                text,
                format!("the {what} of {} {when} ({}) is {e}, not {}", self.subject, d.as_of, m.value),
            ),
            None => self.flag(
                "score-consistency",
                l.number,
                column(l.text, m.start),
                text,
                format!("{} has no {what} {when} ({})", self.subject, d.as_of),
            ),
        }
    }

    /// Labels in sentences about the score: "categorized as Moderate", "strong momentum".
    fn score_labels(&mut self, l: &Line<'_>) {
        static R: OnceLock<Regex> = OnceLock::new();
        let r = re(
            r"(?i)(?-u:\b)(?:categori[sz]ed as (weak|moderate|strong)|(weak|moderate|strong) overall profile|(weak|moderate|strong|unscored) (momentum|value|quality|sentiment))(?-u:\b)",
            &R,
        );
        let Some(d) = self.dossier else { return };
        if !self.on("score-consistency") {
            return;
        }
        for (s, e) in note::sentences(l.text) {
            let sentence = &l.text[s..e];
            if !sentence.to_lowercase().contains("alpha score") {
                continue;
            }
            for c in r.captures_iter(sentence) {
                let m = c.get(0).expect("whole");
                let (said, expected, what) = if let Some(w) = c.get(1).or(c.get(2)) {
                    (label_word(&w.as_str().to_lowercase()).flatten(), d.record.category, "Alpha Score".to_string())
                } else {
                    let w = c.get(3).map(|x| x.as_str().to_lowercase()).unwrap_or_default();
                    let p = c.get(4).map(|x| x.as_str().to_lowercase()).unwrap_or_default();
                    let pillar = Pillar::ALL.into_iter().find(|x| x.name() == p);
                    let expected = pillar.and_then(|p| d.record.pillars.get(&p)).and_then(|s| s.label);
                    (label_word(&w).flatten(), expected, format!("{p} pillar"))
                };
                if said != expected {
                    let word = |x: Option<Label>| x.map(|l| l.word().to_string()).unwrap_or_else(|| "unscored".into());
                    self.flag(
                        "score-consistency",
                        l.number,
                        column(l.text, s + m.start()),
                        m.as_str(),
                        format!(
                            "the {what} of {} on {} is {}, not {}",
                            self.subject,
                            d.as_of,
                            word(expected),
                            word(said)
                        ),
                    );
                }
            }
        }
    }

    fn front_matter_score(&mut self) {
        let Some(d) = self.dossier else { return };
        if let Some((v, line)) = self.note.front.get("alpha_score") {
            let want = d.record.alpha_score.map(|a| a.to_string()).unwrap_or_else(|| "none".into());
            if v.trim() != want {
                self.flag(
                    "score-consistency",
                    *line,
                    1,
                    v,
                    format!("front matter says alpha_score {v}; computed on {} it is {want}", d.as_of),
                );
            }
        }
        if let Some((v, line)) = self.note.front.get("category") {
            let want = d.record.category.map(|c| c.word()).unwrap_or("none");
            if !v.trim().eq_ignore_ascii_case(want) {
                self.flag(
                    "score-consistency",
                    *line,
                    1,
                    v,
                    format!("front matter says category {v}; computed on {} it is {want}", d.as_of),
                );
            }
        }
    }
}

fn show(v: &Value) -> String {
    use alphadesk_notes::format;
    match *v {
        Value::Usd(x) => format::usd(x),
        Value::Percent(x) => format!("{:.1}%", x * 100.0),
        Value::Count(x) => format!("{x}"),
        Value::Shares(x) => format::shares(x),
        Value::Ratio(x) => format::signed(x),
        Value::Date(d) => d.to_string(),
        Value::Window(n, u) => alphadesk_notes::compose::window_words(n, u),
    }
}

fn close_enough(written: f64, tol: f64, actual: f64) -> bool {
    (written - actual).abs() <= tol * (1.0 + 1e-9) + 1e-9 * actual.abs()
}

/// Whether a written number can be this value.
fn matches(m: &Mention, v: &Value) -> bool {
    match (m.kind, *v) {
        (Kind::Usd, Value::Usd(x)) => close_enough(m.value, m.tolerance, x.abs()),
        (Kind::Percent, Value::Percent(f)) => {
            let p = f * 100.0;
            if m.value < 0.0 {
                close_enough(m.value, m.tolerance, p)
            } else if m.direction != 0 {
                close_enough(f64::from(m.direction) * m.value, m.tolerance, p)
            } else {
                close_enough(m.value, m.tolerance, p.abs())
            }
        }
        (Kind::Shares, Value::Shares(x) | Value::Count(x)) => close_enough(m.value, m.tolerance, x.abs()),
        (Kind::Plain, Value::Count(x)) => close_enough(m.value, m.tolerance.max(0.0), x),
        (Kind::Plain, Value::Shares(x)) => close_enough(m.value, m.tolerance, x.abs()),
        (Kind::Plain, Value::Ratio(x)) => m.tolerance < 0.5 && close_enough(m.value, m.tolerance, x.abs()),
        (Kind::Signed, Value::Ratio(x)) => close_enough(m.value, m.tolerance, x),
        (Kind::Date(a), Value::Date(b)) => a == b,
        (Kind::Month(y, mo), Value::Date(b)) => b.year() == y && b.month() == mo,
        (Kind::Year(y), Value::Date(b)) => b.year() == y,
        (Kind::Quarter(y, q), Value::Date(b)) => b.year() == y && b.month0() / 3 + 1 == q,
        (Kind::Window(n, u), Value::Window(a, b)) => n == a && u == b,
        _ => false,
    }
}

/// The closest value of the mention's kind, as a hint for the author.
fn nearest<'a>(m: &Mention, data: &'a [Datum]) -> Option<&'a Datum> {
    let magnitude = |v: &Value| -> Option<f64> {
        match (m.kind, v) {
            (Kind::Usd, Value::Usd(x)) => Some(x.abs()),
            (Kind::Percent, Value::Percent(x)) => Some((x * 100.0).abs()),
            (Kind::Shares, Value::Shares(x)) => Some(x.abs()),
            (Kind::Plain, Value::Count(x)) => Some(*x),
            (Kind::Signed, Value::Ratio(x)) => Some(*x),
            _ => None,
        }
    };
    data.iter()
        .filter_map(|d| Some((d, (magnitude(&d.value)? - m.value.abs()).abs() / m.value.abs().max(1e-9))))
        .filter(|(_, rel)| *rel < 0.5)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_only() {
        assert_eq!(find_phrase("this is guaranteed.", "guaranteed"), vec![8]);
        assert!(find_phrase("unguaranteed", "guaranteed").is_empty());
        assert_eq!(find_phrase("you should buy", "you should"), vec![0]);
        assert!(find_phrase("the risk-free rate", "risk free").is_empty());
    }

    #[test]
    fn percent_direction_decides_the_sign() {
        let down = &numbers::mentions("the shares lost 1.5%")[0];
        assert!(matches(down, &Value::Percent(-0.015)));
        assert!(!matches(down, &Value::Percent(0.015)));
        let bare = &numbers::mentions("sat 9.1% below")[0];
        assert!(matches(bare, &Value::Percent(-0.0912)));
        let usd = &numbers::mentions("$239.2 billion")[0];
        assert!(matches(usd, &Value::Usd(239_176_000_000.0)));
        assert!(!matches(usd, &Value::Usd(239_300_000_000.0)));
    }
}
