//! `ticker-relevance`: no company but the subjects, unless a cited source is
//! about it, or a cited article about a subject names it; and no company brought
//! in with words that concede it is off the topic.

use crate::RuleId;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use alphadesk_store::read;
use regex::Regex;

use crate::note::Line;
use crate::sources::Resolved;

use crate::{re, Run};

/// `(XOM)`, `(NYSE: XOM)`, `NYSE: XOM`, `$XOM`: tickers written as tickers
/// (of any listed company, priced or not).
pub(crate) fn paren_ticker_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        r"\((?:(?:NYSE|Nasdaq|NASDAQ|AMEX)\s*:\s*)?([A-Z]{1,5}(?:\.[A-Z])?)\)|\$([A-Z]{1,5}(?:\.[A-Z])?)(?-u:\b)|(?-u:\b)(?:NYSE|Nasdaq|NASDAQ|AMEX)\s*:\s*([A-Z]{1,5}(?:\.[A-Z])?)(?-u:\b)",
        &R,
    )
}

impl Run<'_, '_> {
    /// The companies a note may name: its subjects and their other share
    /// classes, the companies its cited sources about a subject name, and those
    /// a cited source is about.
    pub(crate) fn allowed_companies(&self, resolved: &HashMap<usize, Resolved>) -> HashSet<String> {
        let mut allowed: HashSet<String> = self.subjects.iter().cloned().collect();
        for d in self.dossiers.values() {
            allowed.extend(d.other_classes.iter().cloned());
        }
        allowed.extend(resolved.values().flat_map(|r| r.tickers.iter().chain(&r.about).cloned()));
        allowed
    }

    /// A story's subjects against its reports: a company a story declares its
    /// subject (front matter `tickers:`) is one some report it cites is about
    /// (relevance at the cut). Otherwise the story presents a company its
    /// reports are not about — the Sprint fight "about" Dish, a BNP Paribas deal
    /// "about" Chevron. A story that cites no article is not judged here.
    pub(crate) fn subjects_against_reports(&mut self, resolved: &HashMap<usize, Resolved>) {
        if self.single || !self.on(RuleId::TickerRelevance) {
            return;
        }
        let Some((_, line)) = self.note.front.get("tickers").cloned() else { return };
        let articles: Vec<&Resolved> = resolved.values().filter(|r| r.text.is_some()).collect();
        if articles.is_empty() {
            return;
        }
        let mut subjects = self.subjects.clone();
        subjects.sort();
        for t in subjects {
            if !articles.iter().any(|r| r.about.contains(&t)) {
                self.flag(
                    RuleId::TickerRelevance,
                    line,
                    1,
                    &t,
                    format!(
                        "{t} is a subject of this story (front matter), but none of the reports it cites is about {t}"
                    ),
                );
            }
        }
    }

    pub(crate) fn relevance(&mut self, l: &Line<'_>, allowed: &HashSet<String>, resolved: &HashMap<usize, Resolved>) {
        if !self.on(RuleId::TickerRelevance) {
            return;
        }
        let mut found: Vec<(usize, String, String)> = Vec::new();
        for c in paren_ticker_re().captures_iter(l.text) {
            let Some(m) = c.get(1).or(c.get(2)).or(c.get(3)) else { continue };
            if self.c.catalog.tickers.contains(m.as_str()) {
                let whole = c.get(0).expect("whole");
                found.push((whole.start(), m.as_str().to_string(), whole.as_str().to_string()));
            }
        }
        if let Some(linker) = &self.c.catalog.linker {
            for (t, _, evidence, _, at) in linker.mentions_at(l.text) {
                found.push((at, t, evidence));
            }
        }
        found.sort();
        found.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        // A subject's own name may contain another company's ("Baker Hughes, a GE Company").
        let own: Vec<(usize, usize)> = self
            .dossiers
            .values()
            .flat_map(|d| l.text.match_indices(d.name.as_str()).map(|(i, m)| (i, i + m.len())))
            .collect();
        // A company named inside a verbatim quotation of a cited article is the
        // source's word, not the story's claim (an unverified quotation is
        // `grounding`'s error, and its names are checked like any text). Quotations
        // are verified only for a line that names a company not allowed: most
        // lines name none.
        let quoted: Vec<(usize, usize)> = if found.iter().any(|(_, t, _)| !allowed.contains(t)) {
            let sentences = crate::note::sentences(l.text);
            crate::grounding::quotations(l, &sentences, resolved)
                .into_iter()
                .filter(|q| q.verified)
                .map(|q| (q.start, q.end))
                .collect()
        } else {
            Vec::new()
        };
        for (at, t, evidence) in found {
            if own.iter().chain(&quoted).any(|(s, e)| at >= *s && at < *e) {
                continue;
            }
            if !allowed.contains(&t) {
                let name = read::security(self.c.desk.store.conn(), &t)
                    .ok()
                    .flatten()
                    .and_then(|s| s.name)
                    .map(|n| format!("{n} ({t})"))
                    .unwrap_or(t.clone());
                let message = match self.subjects.as_slice() {
                    [one] => format!("{name} is not {one} and no cited source about {one} names it"),
                    [] => format!("{name} is named, but no cited source is about it and the story is about no company alphadesk covers"),
                    many => format!(
                        "{name} is not a subject of this story ({}: named in its headline or lead or its front matter) and no cited source is about it",
                        many.join(", ")
                    ),
                };
                self.flag(RuleId::TickerRelevance, l.number, self.column(l.text, at), &evidence, message);
            }
        }
    }
}
