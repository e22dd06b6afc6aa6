//! `quote-relevance`: a quotation filed under a company is about it. The
//! composers' worst failure was a watch item quoting another company's news
//! under this one ("GM is expected to continue shrinking its inventory of big
//! trucks" under Morgan Stanley); each such quotation must name the company,
//! come from an article whose headline names it, or be the headline of an
//! article about it (relevance at the cut, `alphadesk_news::relevance::RELEVANT`).

use crate::RuleId;
use std::collections::HashMap;

use crate::grounding::{quotations, quote_re};
use crate::note::{self, Line, Part};
use crate::sources::Resolved;
use crate::Run;

impl Run<'_, '_> {
    pub(crate) fn quote_relevance(&mut self, l: &Line<'_>, resolved: &HashMap<usize, Resolved>) {
        if !self.on(RuleId::QuoteRelevance) || l.part == Part::Heading {
            return;
        }
        // A note files every quotation under its company; a story only those in
        // a company's section or in a sentence that names the company (its watch
        // items): "What the sources say" quotes the theme's reports as they are.
        let note = self.note.front.contains_key("ticker");
        let sentences = note::sentences(l.text);
        // A quotation that is no cited article's words is `verbatim`'s alone.
        let verified: Vec<(usize, usize)> =
            quotations(l, &sentences, resolved).into_iter().filter(|q| q.verified).map(|q| (q.start, q.end)).collect();
        for c in quote_re().captures_iter(l.text) {
            let whole = c.get(0).expect("whole");
            if !verified.contains(&(whole.start(), whole.end())) {
                continue;
            }
            let inner = c.get(1).or(c.get(2)).map(|g| g.as_str()).unwrap_or_default();
            let i = sentences.partition_point(|&(_, e)| e <= whole.start());
            let (s, e) = sentences.get(i).copied().unwrap_or((0, l.text.len()));
            let filed = if note {
                self.subjects.first().cloned()
            } else {
                let before = &l.text[s..whole.start()];
                self.named_subject(before).or_else(|| self.section.clone())
            };
            let Some(ticker) = filed else { continue };
            let cites: Vec<&Resolved> =
                note::citations(&l.text[s..e], l.number).iter().filter_map(|c| resolved.get(&c.number)).collect();
            let headline = |r: &Resolved| r.text.as_deref().and_then(|t| t.lines().next()).unwrap_or("").to_string();
            let names_it = self.names_company(inner, &ticker)
                || cites.iter().any(|r| self.names_company(&headline(r), &ticker))
                || cites
                    .iter()
                    .any(|r| note::one_line(&headline(r)) == note::one_line(inner) && r.about.contains(&ticker));
            if !names_it {
                let name = self.dossiers.get(&ticker).map(|d| d.name.clone()).unwrap_or_else(|| ticker.clone());
                self.flag(
                    RuleId::QuoteRelevance,
                    l.number,
                    self.column(l.text, whole.start()),
                    whole.as_str(),
                    format!(
                        "this quotation is filed under {name} ({ticker}), but neither it nor the headline of the article it cites names {name}, and it is not the headline of an article about it"
                    ),
                );
            }
        }
    }

    /// Whether a text names the company: linked to it by the checker's linker
    /// (names, aliases, "(TICKER)"), or holding its name without its legal form
    /// (the composers' test, `alphadesk_notes::dossier::names_company`).
    fn names_company(&self, text: &str, ticker: &str) -> bool {
        self.c.companies_in(text).iter().any(|(_, t)| t == ticker)
            || self.dossiers.get(ticker).is_some_and(|d| {
                // The name read as shown, as the note is ("E*Trade" reads "ETrade").
                alphadesk_notes::dossier::names_company(text, &crate::reading::shown(&d.name), ticker)
            })
    }
}
