//! The phrase rules (`promissory`, `personalized-advice`, `projection`), `balance`
//! and `disclaimer`: what a note must not say, and what it must.

use std::collections::HashMap;

use regex::Regex;

use crate::grounding::quotations;
use crate::note::Line;
use crate::sources::Resolved;
use crate::{column, Run};

/// One case-insensitive whole-word pattern for a phrase list: a note is read once
/// per list, not once per phrase.
pub(crate) fn phrase_pattern(list: &[String]) -> Regex {
    // Typographic apostrophes read as plain ones: "can’t lose" is "can't lose".
    let mut alts: Vec<String> = list.iter().map(|p| regex::escape(&normalise_text(p)).replace('\'', "['’]")).collect();
    alts.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    alts.dedup();
    let body = if alts.is_empty() { "[^\\s\\S]".to_string() } else { alts.join("|") };
    Regex::new(&format!(r"(?i)(?-u:\b)(?:{body})(?-u:\b)")).expect("escaped phrases compile")
}

/// Whole-word, case-insensitive occurrences of `phrase` in `lower` (already lower-cased).
pub(crate) fn find_phrase(lower: &str, phrase: &str) -> Vec<usize> {
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

pub(crate) fn normalise_text(s: &str) -> String {
    s.replace(['’', '‘'], "'").to_lowercase()
}

impl Run<'_, '_> {
    /// `promissory`, `personalized-advice` and `projection` per occurrence, and
    /// `balance` over the whole note.
    pub(crate) fn phrases(&mut self, lines: &[Line<'_>], resolved: &HashMap<usize, Resolved>) {
        let mut upside: Option<(usize, usize, String)> = None;
        let mut risk = false;
        let disclaimer = self.c.rules.disclaimer.clone();
        for l in lines {
            // Offsets stay those of the line: the disclaimer (which says "not
            // personalized advice") is blanked, not cut.
            let mut scan = l.text.to_string();
            if let Some(i) = (!disclaimer.is_empty()).then(|| scan.find(&disclaimer)).flatten() {
                scan.replace_range(i..i + disclaimer.len(), &" ".repeat(disclaimer.len()));
            }
            // A headline quoted verbatim from a cited article is that article's
            // words, attributed, not the note's claim ("… price target" in a
            // Reuters headline); an unverified quotation is read like the rest.
            for q in quotations(l, &crate::note::sentences(l.text), resolved).iter().filter(|q| q.verified) {
                scan.replace_range(q.start..q.end, &" ".repeat(q.end - q.start));
            }
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
    }
}

impl Run<'_, '_> {
    pub(crate) fn disclaimer(&mut self) {
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
}
