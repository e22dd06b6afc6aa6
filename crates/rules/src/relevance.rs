//! `ticker-relevance`: no company but the subject, unless a cited article about
//! the subject names it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use alphadesk_store::read;
use regex::Regex;

use crate::note::Line;
use crate::sources::Resolved;

use crate::{re, Run};

/// `(XOM)`, `(NYSE: XOM)`, `$XOM`: tickers written as tickers.
pub(crate) fn paren_ticker_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"\((?:(?:NYSE|Nasdaq|NASDAQ|AMEX)\s*:\s*)?([A-Z]{1,5}(?:\.[A-Z])?)\)|\$([A-Z]{1,5}(?:\.[A-Z])?)(?-u:\b)", &R)
}

impl Run<'_, '_> {
    /// The companies a note about the subject may name: the subject, its other
    /// share classes, and those its cited sources about it name.
    pub(crate) fn allowed_companies(&self, resolved: &HashMap<usize, Resolved>) -> HashSet<String> {
        let mut allowed: HashSet<String> = HashSet::from([self.subject.to_string()]);
        if let Some(d) = self.dossier {
            allowed.extend(d.other_classes.iter().cloned());
        }
        allowed.extend(resolved.values().flat_map(|r| r.tickers.iter().cloned()));
        allowed
    }

    pub(crate) fn relevance(&mut self, l: &Line<'_>, allowed: &HashSet<String>) {
        if !self.on("ticker-relevance") {
            return;
        }
        let mut found: Vec<(usize, String, String)> = Vec::new();
        for c in paren_ticker_re().captures_iter(l.text) {
            let Some(m) = c.get(1).or(c.get(2)) else { continue };
            if self.c.catalog.tickers.contains(m.as_str()) {
                let whole = c.get(0).expect("whole");
                found.push((whole.start(), m.as_str().to_string(), whole.as_str().to_string()));
            }
        }
        if let Some(linker) = &self.c.catalog.linker {
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
            if !allowed.contains(&t) {
                let name = read::security(self.c.desk.store.conn(), &t)
                    .ok()
                    .flatten()
                    .and_then(|s| s.name)
                    .map(|n| format!("{n} ({t})"))
                    .unwrap_or(t.clone());
                self.flag(
                    "ticker-relevance",
                    l.number,
                    self.column(l.text, at),
                    &evidence,
                    format!("{name} is not {} and no cited source about {} names it", self.subject, self.subject),
                );
            }
        }
    }
}
