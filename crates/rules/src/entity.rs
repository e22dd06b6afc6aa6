//! `entity`: a name the note presents as a company — "X Inc.", "shares of X",
//! "X's stock", "X (XYZ)" — must be a company alphadesk knows (the securities
//! master, through the linker) or one a cited source names. A product or a
//! model written as if it were a listed company ("shares of GPT-5") is reported.
//! A warning by default: a private company named in a quotation-free sentence is
//! legitimate, and only a person can tell.

use crate::RuleId;
use std::collections::HashMap;
use std::sync::OnceLock;

use alphadesk_model::Sector;
use alphadesk_notes::dossier::Locator;
use alphadesk_store::read;
use regex::Regex;

use crate::grounding::quote_re;
use crate::note::Line;
use crate::sources::Resolved;
use crate::{re, Run};

/// A capitalised name of one to four words.
const NAME: &str = r"((?:[A-Z][\w&'.-]*[\w&])(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'.-]*[\w&.]?){0,3})";

fn patterns() -> &'static [Regex; 4] {
    static R: OnceLock<[Regex; 4]> = OnceLock::new();
    R.get_or_init(|| {
        [
            Regex::new(&format!(
                r"{NAME},?\s+(?:Inc\.?|Corp\.?|Corporation|Ltd\.?|Limited|plc|PLC|LLC|Holdings|Co\.)(?-u:\b)"
            ))
            .expect("pattern compiles"),
            Regex::new(&format!(r"(?i:(?-u:\b)shares (?:of|in)|(?-u:\b)stock of)\s+{NAME}")).expect("pattern compiles"),
            Regex::new(&format!(r"{NAME}(?:'s|’s)?\s+(?:shares|stock)(?-u:\b)")).expect("pattern compiles"),
            Regex::new(&format!(r"{NAME}\s+\(([A-Z]{{1,5}}(?:\.[A-Z])?)\)")).expect("pattern compiles"),
        ]
    })
}

/// Words that start a capitalised phrase without naming anything.
fn not_a_name(name: &str) -> bool {
    static SKIP: OnceLock<Regex> = OnceLock::new();
    let skip = re(
        r"^(?:The|Its|Their|Our|His|Her|This|That|These|Those|A|An|Alpha|Reuters|StockNet|Investors|Analysts|Shares|Over|Across|In|On|At|By|For|From|With|And|Of)$",
        &SKIP,
    );
    let first = name.split_whitespace().next().unwrap_or("");
    skip.is_match(first) && name.split_whitespace().count() == 1
}

impl Run<'_, '_> {
    pub(crate) fn entities(&mut self, lines: &[Line<'_>], resolved: &HashMap<usize, Resolved>) {
        if !self.on(RuleId::Entity) {
            return;
        }
        let cited: Vec<&str> = resolved.values().filter_map(|r| r.text.as_deref()).collect();
        // The managers and insiders of cited filings are named by those filings.
        let mut filers: Vec<String> = Vec::new();
        for r in resolved.values() {
            for l in &r.locators {
                if let Locator::Accession(a) = l {
                    if let Ok(names) = read::filer_names(self.c.desk.store.conn(), a) {
                        filers.extend(names.into_iter().map(|n| n.to_lowercase()));
                    }
                }
            }
        }
        let sectors: Vec<&str> = Sector::ALL.iter().map(|s| s.name()).collect();
        for l in lines {
            // Quotations are the source's words, checked by grounding.
            let mut scan = l.text.to_string();
            for m in quote_re().find_iter(l.text) {
                scan.replace_range(m.range(), &" ".repeat(m.len()));
            }
            let mut seen: Vec<(usize, String)> = Vec::new();
            for (k, p) in patterns().iter().enumerate() {
                for c in p.captures_iter(&scan) {
                    let Some(m) = c.get(1) else { continue };
                    let whole = c.get(0).expect("whole");
                    let name = m.as_str().trim_start_matches("The ").trim().to_string();
                    if name.is_empty()
                        || not_a_name(&name)
                        || sectors.iter().any(|s| name == *s || s.starts_with(&name))
                    {
                        continue;
                    }
                    // "X (XYZ)": a ticker the securities master holds is
                    // ticker-relevance's business, not this rule's.
                    if k == 3 && c.get(2).is_some_and(|t| self.c.catalog.tickers.contains(t.as_str())) {
                        continue;
                    }
                    // The name and what follows it: "Doohickey Inc (DOO)" names a
                    // listed company by its ticker.
                    let mut end = (whole.end() + 16).min(l.text.len());
                    while !l.text.is_char_boundary(end) {
                        end -= 1;
                    }
                    let known = !self.c.companies_in(&l.text[m.start()..end]).is_empty()
                        || cited.iter().any(|t| t.contains(name.as_str()))
                        || filers.iter().any(|f| f.contains(&name.to_lowercase()));
                    if known || seen.iter().any(|(_, n)| *n == name) {
                        continue;
                    }
                    seen.push((m.start(), name.clone()));
                    self.flag(
                        RuleId::Entity,
                        l.number,
                        self.column(l.text, m.start()),
                        whole.as_str(),
                        format!(
                            "“{name}” is presented as a company (“{}”) but is neither a company alphadesk holds nor named by a cited source: a product or a model is not a company",
                            whole.as_str().trim()
                        ),
                    );
                }
            }
        }
    }
}
