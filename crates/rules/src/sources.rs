//! `sources`: every citation resolves to a numbered source, and every source to a
//! record the store holds (or the score configuration, or a known regulation).

use crate::RuleId;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use alphadesk_model::NaiveDate;
use alphadesk_news::relevance::RELEVANT;
use alphadesk_notes::dossier::{display_path, Locator, THIRTEEN_F_RULE};
use alphadesk_store::read::{self, ArticleLink};
use regex::Regex;

use crate::{re, Checker, Run};

pub(crate) fn accession_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"(?-u:\b)\d{10}-\d{2}-\d{6}(?-u:\b)", &R)
}

pub(crate) fn url_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r#"https?://[^\s<>"”]+"#, &R)
}

pub(crate) fn path_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+/?", &R)
}

/// A title in curly quotes.
fn quoted_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"“[^”]*”", &R)
}

/// `, line 123` right after a cited file.
fn line_after_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"^,?\s*line\s+(\d{1,9})(?-u:\b)", &R)
}

pub(crate) fn config_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"(?i)(?-u:\b)config(?:uration)?\s+([0-9a-f]{16})(?-u:\b)", &R)
}

pub(crate) fn cfr_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"(?-u:\b)\d+ CFR \d+(?:\.[0-9A-Za-z]+)*(?:-\d+)?", &R)
}

/// Regulations a source line may cite.
pub(crate) const KNOWN_RULES: &[&str] = &[THIRTEEN_F_RULE];

/// A cited source, resolved.
pub(crate) struct Resolved {
    pub(crate) locators: Vec<Locator>,
    /// Tickers linked to a cited article that names a subject (or a cited
    /// filing about one names).
    pub(crate) tickers: Vec<String>,
    /// Companies a cited article is about (relevance at least `RELEVANT`).
    pub(crate) about: Vec<String>,
    /// Title and body of a cited article, for quotations.
    pub(crate) text: Option<String>,
    /// The trading day a cited article was first known.
    pub(crate) known: Option<NaiveDate>,
}

/// Whether an article is about a company it names: its relevance, or for an
/// article linked before relevance was stored, its share of the mentions.
fn is_about(l: &ArticleLink) -> bool {
    match l.relevance {
        Some(r) => r >= RELEVANT,
        None => l.salience >= 0.3,
    }
}

impl Run<'_, '_> {
    /// Whether a locator is one of the records a subject's dossier was built from.
    fn about_subject(&self, locator: &Locator) -> bool {
        self.dossiers.values().any(|d| d.sources.iter().any(|s| s.locators().contains(locator)))
    }

    /// Companies the filer names of an accession (13F manager, Form 4 owners) link to.
    fn companies_named_by(&self, accession: &str) -> Vec<String> {
        let (Some(linker), Ok(names)) =
            (&self.c.catalog.linker, read::filer_names(self.c.desk.store.conn(), accession))
        else {
            return Vec::new();
        };
        names.iter().flat_map(|n| linker.mentions(n)).map(|(t, ..)| t).collect()
    }

    pub(crate) fn sources(&mut self) -> HashMap<usize, Resolved> {
        let mut out = HashMap::new();
        let entries: Vec<_> = self.note.sources.values().cloned().collect();
        for e in entries {
            let mut locators = Vec::new();
            let mut tickers = Vec::new();
            let mut about = Vec::new();
            let mut text = None;
            let mut known = None;
            let mut problems: Vec<(usize, String, String)> = Vec::new();
            let line_text = e.text;
            let urls: Vec<(usize, &str)> = url_re()
                .find_iter(line_text)
                .map(|m| (m.start(), m.as_str().trim_end_matches(['.', ',', ';', ')'])))
                .collect();
            let subjects = &self.subjects;
            let article = |found: Option<Arc<CitedArticle>>,
                           tickers: &mut Vec<String>,
                           about: &mut Vec<String>,
                           text: &mut Option<String>,
                           known: &mut Option<NaiveDate>| {
                let Some(a) = found else { return false };
                if a.links.iter().any(|l| subjects.contains(&l.ticker)) {
                    tickers.extend(a.links.iter().map(|l| l.ticker.clone()));
                }
                about.extend(a.links.iter().filter(|l| is_about(l)).map(|l| l.ticker.clone()));
                *text = Some(a.text.clone());
                *known = Some(a.known);
                true
            };
            let mut masked = line_text.to_string();
            for m in url_re().find_iter(line_text) {
                masked.replace_range(m.range(), &" ".repeat(m.len()));
            }
            // A quoted title is the record's name, not a locator: "F/A-18" in a
            // headline is no file.
            for m in quoted_re().find_iter(line_text) {
                masked.replace_range(m.range(), &" ".repeat(m.len()));
            }
            for (at, u) in &urls {
                if article(
                    self.c.cited_article(&format!("url {u}"), |conn| read::document_by_url(conn, u)),
                    &mut tickers,
                    &mut about,
                    &mut text,
                    &mut known,
                ) {
                    locators.push(Locator::Url(u.to_string()));
                } else if self.c.file_known(u) {
                    // A document `sync` fetched is stored under its URL.
                    locators.push(Locator::File(u.to_string()));
                } else {
                    problems.push((*at, u.to_string(), format!("no stored article or document has the URL {u}")));
                }
            }
            for m in accession_re().find_iter(&masked) {
                if self.c.accession_known(m.as_str()) {
                    let locator = Locator::Accession(m.as_str().to_string());
                    // A 13F or Form 4 alphadesk holds about the subject names its
                    // manager or insiders; a company among them may be named.
                    if self.about_subject(&locator) {
                        tickers.extend(self.companies_named_by(m.as_str()));
                    }
                    locators.push(locator);
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
                    // An article without a URL is cited as `FILE, line N`.
                    if let Some(n) = line_after_re().captures(&masked[m.end()..]).and_then(|c| c[1].parse::<i64>().ok())
                    {
                        let found = self.c.cited_article(&format!("file {token} line {n}"), |conn| {
                            for p in self.c.paths_matching(token) {
                                if let Some(hit) = read::document_at(conn, &p, n)? {
                                    return Ok(Some(hit));
                                }
                            }
                            Ok(None)
                        });
                        article(found, &mut tickers, &mut about, &mut text, &mut known);
                    }
                    locators.push(Locator::File(display_path(token.trim_end_matches('/'))));
                } else {
                    problems.push((m.start(), token.into(), format!("no stored file matches {token}")));
                }
            }
            let line = self.note.lines.iter().find(|l| l.number == e.line).map(|l| l.text).unwrap_or("");
            let offset = line.find(line_text).unwrap_or(0);
            for (at, t, msg) in problems {
                self.flag(RuleId::Sources, e.line, self.column(line, offset + at), &t, msg);
            }
            if locators.is_empty() && self.out.iter().all(|v| v.line != e.line) {
                self.flag(
                    RuleId::Sources,
                    e.line,
                    1,
                    line_text,
                    format!(
                        "source {} names no accession number, stored file, article URL, score config or regulation",
                        e.number
                    ),
                );
            }
            out.insert(e.number, Resolved { locators, tickers, about, text, known });
        }
        if self.note.sources.is_empty() {
            // Reported at the headline: the story as a whole names no record.
            let at = self
                .note
                .lines
                .iter()
                .find(|l| l.part == crate::note::Part::Heading)
                .or(self.note.lines.first())
                .map(|l| l.number)
                .unwrap_or(1);
            self.flag(
                RuleId::Sources,
                at,
                1,
                "",
                "the note names no sources: a published note lists the records it was written from (a numbered list under `## Sources`) and cites them".into(),
            );
        }
        out
    }
}

impl Run<'_, '_> {
    /// `duplicate-source`: two listed articles that are versions of one report
    /// (an update, a wire duplicate, the same first sentence under another
    /// headline) present one report as two. Reported at the later entry.
    pub(crate) fn duplicate_sources(&mut self, resolved: &HashMap<usize, Resolved>) {
        if !self.on(RuleId::DuplicateSource) {
            return;
        }
        let reports: Vec<(usize, String, String, NaiveDate)> = resolved
            .iter()
            .filter_map(|(n, r)| {
                let text = r.text.as_deref()?;
                let (title, body) = text.split_once('\n').unwrap_or((text, ""));
                let lead = alphadesk_news::article::sentences(body).first().map(|s| s.to_string()).unwrap_or_default();
                Some((*n, title.to_string(), lead, r.known?))
            })
            .collect();
        let reports: Vec<(usize, alphadesk_news::themes::Report<'_>)> = reports
            .iter()
            .map(|(n, title, lead, known)| (*n, alphadesk_news::themes::Report { title, lead, known: *known }))
            .collect();
        let mut flagged = Vec::new();
        for (i, a) in reports.iter().enumerate() {
            for b in &reports[i + 1..] {
                if alphadesk_news::themes::same_report(a.1, b.1) {
                    let (first, later) = if a.0 < b.0 { (a, b) } else { (b, a) };
                    flagged.push((first.0, later.0, later.1.title.to_string()));
                }
            }
        }
        flagged.sort();
        flagged.dedup_by_key(|f| f.1);
        for (first, later, title) in flagged {
            let Some(e) = self.note.sources.get(&later) else { continue };
            let (line, text) = (e.line, e.text);
            self.flag(
                RuleId::DuplicateSource,
                line,
                1,
                text,
                format!(
                    "sources {first} and {later} are versions of one report (“{title}”): cite the latest version once"
                ),
            );
        }
    }
}

/// A stored article a note cites: the companies linked to it, its text as a
/// reader sees it (`alphadesk_news::wire`) and the day it was first known.
pub(crate) struct CitedArticle {
    links: Vec<ArticleLink>,
    text: String,
    known: NaiveDate,
}

impl Checker<'_> {
    /// Whether the store holds the accession (asked once per catalog).
    pub(crate) fn accession_known(&self, accession: &str) -> bool {
        let mut cache = self.catalog.accessions.lock().unwrap_or_else(|p| p.into_inner());
        *cache
            .entry(accession.to_string())
            .or_insert_with(|| read::accession_known(self.desk.store.conn(), accession).unwrap_or(false))
    }

    pub(crate) fn file_known(&self, token: &str) -> bool {
        let t = token.trim_end_matches('/');
        self.catalog.files.contains(&display_path(t)) || !self.paths_matching(t).is_empty()
    }

    /// Stored source paths a path written in a note can mean (it may be a suffix),
    /// looked up once per checker.
    pub(crate) fn paths_matching(&self, token: &str) -> Vec<String> {
        let t = token.trim_end_matches('/');
        let mut cache = self.catalog.path_matches.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .entry(t.to_string())
            .or_insert_with(|| {
                self.catalog
                    .paths
                    .iter()
                    .filter(|p| p.as_str() == t || (p.ends_with(t) && p[..p.len() - t.len()].ends_with('/')))
                    .cloned()
                    .collect()
            })
            .clone()
    }

    /// The stored article a citation names (`key`: its URL or file and line),
    /// found by `find` once per checker: the notes of a date cite the same
    /// articles again and again.
    pub(crate) fn cited_article(
        &self,
        key: &str,
        find: impl FnOnce(
            &alphadesk_store::Connection,
        ) -> Result<Option<(i64, Vec<ArticleLink>)>, alphadesk_store::StoreError>,
    ) -> Option<Arc<CitedArticle>> {
        if let Some(hit) = self.catalog.articles.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
            return hit.clone();
        }
        let conn = self.desk.store.conn();
        let found = find(conn).ok().flatten().and_then(|(id, links)| {
            let doc = read::documents_by_id(conn, &[id]).ok()?.into_iter().next()?;
            // Quotations are checked against the text as a reader sees it: the
            // one cleaning of wire copy the composers quote from.
            let text = format!(
                "{}\n{}",
                alphadesk_news::wire::clean_title(&doc.title),
                alphadesk_news::wire::clean(&doc.body)
            );
            // Read as shown, as the note quoting it is.
            let text = crate::reading::shown(&text).into_owned();
            Some(Arc::new(CitedArticle { links, text, known: doc.known_date }))
        });
        self.catalog.articles.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_string(), found.clone());
        found
    }
}
