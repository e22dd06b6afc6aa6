//! `grounding`: every number matches a value alphadesk holds for the subject, within
//! the precision written, and its sentence cites a record it came from; quotations
//! are verbatim in a cited article. Numbers that state a score go to `scores`.

use crate::RuleId;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use alphadesk_notes::dossier::{Datum, Locator, Value};
use alphadesk_score::Pillar;
use chrono::Datelike;
use regex::Regex;

use crate::note::{self, Line, Part};
use crate::numbers::{self, Kind, Mention};
use crate::phrases::{find_phrase, normalise_text};
use crate::scores::pillar_named;
use crate::sources::Resolved;
use crate::{re, Run};

pub(crate) fn quote_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r#"“([^”]+)”|"([^"]+)""#, &R)
}

/// "2 of 4 pillars": a score's coverage.
fn pillar_count_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(r"\b(\d+) of (\d+) pillars\b", &R)
}

/// A quotation in a line, and whether a source its sentence cites holds it verbatim.
pub(crate) struct Quotation {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) verified: bool,
}

/// The citation numbers of the sentence (of `sentences`, in order) that holds byte
/// `at`; of the whole line when none does.
fn cited_in_sentence(l: &Line<'_>, sentences: &[(usize, usize)], at: usize) -> Vec<usize> {
    let i = sentences.partition_point(|&(_, e)| e <= at);
    let (s, e) = sentences.get(i).copied().filter(|(s, _)| at >= *s).unwrap_or((0, l.text.len()));
    cited_in_range(l, s, e)
}

/// The distinct citation numbers in bytes `s..e` of a line.
fn cited_in_range(l: &Line<'_>, s: usize, e: usize) -> Vec<usize> {
    let mut n: Vec<usize> = note::citations(&l.text[s..e], l.number).into_iter().map(|c| c.number).collect();
    n.sort_unstable();
    n.dedup();
    n
}

/// Quotations of a line, each checked against the articles its sentence cites
/// (white space compared loosely).
pub(crate) fn quotations(
    l: &Line<'_>,
    sentences: &[(usize, usize)],
    resolved: &HashMap<usize, Resolved>,
) -> Vec<Quotation> {
    // Markdown escapes angle brackets (`&lt;AAPL.O&gt;` in a Reuters headline);
    // the article holds them as written.
    let norm = |x: &str| {
        x.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Each cited article normalised once per line, however many quotations cite it.
    let mut texts: HashMap<usize, Option<String>> = HashMap::new();
    quote_re()
        .captures_iter(l.text)
        .map(|c| {
            let m = c.get(0).expect("whole");
            let inner = norm(c.get(1).or(c.get(2)).map(|g| g.as_str()).unwrap_or_default());
            let verified = cited_in_sentence(l, sentences, m.start()).iter().any(|n| {
                texts
                    .entry(*n)
                    .or_insert_with(|| resolved.get(n).and_then(|r| r.text.as_deref()).map(norm))
                    .as_deref()
                    .is_some_and(|t| t.contains(&inner))
            });
            Quotation { start: m.start(), end: m.end(), verified }
        })
        .collect()
}

/// A value for a hint: as notes write it, but a percentage keeps its sign.
pub(crate) fn show(v: &Value) -> String {
    match *v {
        Value::Percent(x) => format!("{:.1}%", x * 100.0),
        _ => v.written(),
    }
}

pub(crate) fn close_enough(written: f64, tol: f64, actual: f64) -> bool {
    (written - actual).abs() <= tol * (1.0 + 1e-9) + 1e-9 * actual.abs()
}

/// Whether a written number can be this value.
pub(crate) fn matches(m: &Mention, v: &Value) -> bool {
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
pub(crate) fn nearest<'a>(m: &Mention, data: &'a [Datum]) -> Option<&'a Datum> {
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

impl Run<'_, '_> {
    pub(crate) fn numbers(&mut self, l: &Line<'_>, resolved: &HashMap<usize, Resolved>) {
        // Digits inside a subject's name are not claims ("Phillips 66", "L3 Technologies").
        let mut scanned = l.text.to_string();
        for d in self.dossiers.values() {
            let name = crate::reading::shown(&d.name);
            if scanned.contains(name.as_ref()) {
                scanned = scanned.replace(name.as_ref(), &" ".repeat(name.len()));
            }
        }
        let focus = self.line_focus(l);
        let focus_at = |at: usize| -> Option<String> {
            focus.iter().find(|((s, e), _)| at >= *s && at < *e).or(focus.last()).and_then(|(_, t)| t.clone())
        };
        let mentions = numbers::mentions(&scanned);
        let sentences = note::sentences(&scanned);
        // Citations per sentence, read once: a sentence of thousands of numbers
        // must not be re-read for each.
        let cited: Vec<Vec<usize>> = sentences.iter().map(|&(s, e)| cited_in_range(l, s, e)).collect();
        let cites_of = |at: usize| -> Vec<usize> {
            let i = sentences.partition_point(|&(_, e)| e <= at);
            match sentences.get(i) {
                Some(&(s, e)) if at >= s && at < e => cited[i].clone(),
                _ => cited_in_range(l, 0, l.text.len()),
            }
        };
        let quotes = quotations(l, &sentences, resolved);
        // Citations that point nowhere.
        if self.on(RuleId::Sources) {
            for c in note::citations(l.text, l.number) {
                if !self.note.sources.contains_key(&c.number) {
                    self.flag(
                        RuleId::Sources,
                        l.number,
                        self.column(l.text, c.start),
                        &l.text[c.start..c.end],
                        format!("citation [{}] has no numbered entry in the source list", c.number),
                    );
                }
            }
        }
        // Quotations must be verbatim in a cited article.
        if self.on(RuleId::Verbatim) {
            for q in quotes.iter().filter(|q| !q.verified && l.part != Part::Heading) {
                self.flag(
                    RuleId::Verbatim,
                    l.number,
                    self.column(l.text, q.start),
                    &l.text[q.start..q.end],
                    "quotation is not the words of any cited article (compared with its text as published, exchange codes, datelines and wire slugs removed)".into(),
                );
            }
        }
        // "(provisional: 2 of 4 pillars)": the score's coverage, checked against
        // the record like the score itself, not cited.
        let coverage: Vec<(usize, usize)> = pillar_count_re()
            .captures_iter(&scanned)
            .filter_map(|c| {
                let whole = c.get(0)?;
                let (k, n): (usize, usize) = (c[1].parse().ok()?, c[2].parse().ok()?);
                if self.on(RuleId::ScoreConsistency) {
                    // The company the sentence holding the count is about.
                    let about = self
                        .line_focus(l)
                        .into_iter()
                        .find(|((s, e), _)| whole.start() >= *s && whole.start() < *e)
                        .and_then(|(_, t)| t);
                    if let Some(d) = about.and_then(|t| self.dossiers.get(&t).cloned()).or_else(|| self.dossier.clone())
                    {
                        let held = (d.record.coverage.pillars_available, d.record.pillars.len());
                        if (k, n) != held {
                            self.flag(
                                RuleId::ScoreConsistency,
                                l.number,
                                self.column(l.text, whole.start()),
                                whole.as_str(),
                                format!("{} has {} of {} pillars scored on {}", d.ticker, held.0, held.1, d.as_of),
                            );
                        }
                    }
                }
                Some((whole.start(), whole.end()))
            })
            .collect();
        // A story's headline that is a listed article's headline word for word
        // states that article's figures, as a quotation does.
        let headline_of_a_source = l.part == Part::Heading && {
            let heading = note::one_line(l.text.trim_start_matches('#'));
            resolved
                .values()
                .any(|r| r.text.as_deref().and_then(|t| t.lines().next()).is_some_and(|h| note::one_line(h) == heading))
        };
        let mut prev_end = 0;
        let mut prev_score: Option<(Option<Pillar>, bool)> = None;
        for m in &mentions {
            let text = &l.text[m.start..m.end];
            if headline_of_a_source
                || quotes.iter().any(|q| m.start >= q.start && m.end <= q.end)
                || coverage.iter().any(|&(s, e)| m.start >= s && m.end <= e)
            {
                prev_end = m.end;
                continue;
            }
            if !self.single {
                self.focus_on(focus_at(m.start).as_deref());
            }
            let i = sentences.partition_point(|&(_, e)| e <= m.start);
            let sentence_start = sentences.get(i).filter(|(s, _)| m.start >= *s).map(|(s, _)| *s).unwrap_or(0);
            // Lower-cased after slicing: lower-casing can change byte lengths, and the
            // offsets are the line's.
            let ctx = normalise_text(&l.text[prev_end.max(sentence_start).min(m.start)..m.start]);
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
            if !self.on(RuleId::Grounding) {
                continue;
            }
            let cited = cites_of(m.start);
            // A story's date stated with a cited article: the day it was known.
            let dated = matches!(m.kind, Kind::Date(_) | Kind::Month(..) | Kind::Year(_));
            if !self.single && l.part != Part::Heading && dated && article_states(m, text, &cited, resolved) {
                continue;
            }
            let Some(d) = self.dossier.clone() else {
                // A story's sentence about no company with data: its figure must
                // be one a cited article states.
                if !self.single && l.part != Part::Heading && !article_states(m, text, &cited, resolved) {
                    let message = if self.subject.is_empty() {
                        format!("{text} is about no company this story covers (its sentence names none) and no cited article states it")
                    } else {
                        format!(
                            "{text} is about {}, which alphadesk holds no data for on {}, and no cited article states it",
                            self.subject, self.c.desk.as_of
                        )
                    };
                    self.flag(RuleId::Grounding, l.number, self.column(l.text, m.start), text, message);
                }
                continue;
            };
            let mut candidates: Vec<&Datum> = d.data.iter().filter(|x| matches(m, &x.value)).collect();
            // "48 Financials stocks", "47 Financials peers": a count of the sector
            // is the recount alphadesk holds, not any value that happens to match.
            let counted = counted_key(&l.text[m.end..], d.sector.name());
            if let Some(key) = counted {
                candidates.retain(|x| x.key == key);
            }
            let problem = if let (Some(key), true) = (counted, candidates.is_empty()) {
                let held = d.get(key).map(|x| show(&x.value)).unwrap_or_else(|| "no count".into());
                Some(format!(
                    "{text} does not count what it names: alphadesk holds {held} ({}) for {} on {}",
                    d.get(key).map(|x| x.label.as_str()).unwrap_or(key),
                    self.subject,
                    d.as_of
                ))
            } else if candidates.is_empty() {
                let hint = nearest(m, &d.data)
                    .map(|x| format!("; the nearest value of its kind is {} ({})", show(&x.value), x.label))
                    .unwrap_or_default();
                Some(format!("{text} matches nothing alphadesk holds for {} as of {}{hint}", self.subject, d.as_of))
            } else if l.part == Part::Heading {
                // Headings state what the body cites; they carry no markers.
                None
            } else {
                let cited_locators: HashSet<&Locator> =
                    cited.iter().filter_map(|n| resolved.get(n)).flat_map(|r| r.locators.iter()).collect();
                let supported = candidates.iter().any(|x| {
                    x.sources.iter().any(|&s| d.sources[s].locators().iter().any(|loc| cited_locators.contains(loc)))
                });
                if cited.is_empty() {
                    Some(format!("{text} is not cited: its sentence names no source"))
                } else if !supported {
                    let from = candidates[0]
                        .sources
                        .first()
                        .map(|&s| alphadesk_notes::compose::source_text(&d.sources[s]))
                        .unwrap_or_default();
                    Some(format!(
                        "{text} matches {} but the sentence cites {}, not the record it comes from ({from})",
                        candidates[0].label,
                        cited.iter().map(|n| format!("[{n}]")).collect::<String>()
                    ))
                } else {
                    None
                }
            };
            if let Some(message) = problem {
                self.flag(RuleId::Grounding, l.number, self.column(l.text, m.start), text, message);
            }
        }
        self.score_labels(l);
    }
}

/// The dossier count a number followed by these words claims: "`N` Financials
/// peers" is `sector_peers`, "`N` Financials stocks" is `sector_members`.
fn counted_key(after: &str, sector: &str) -> Option<&'static str> {
    let rest = after.trim_start();
    let rest = rest.strip_prefix(sector).map(str::trim_start).unwrap_or(rest);
    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
    match word.as_str() {
        "peers" | "peer" => Some("sector_peers"),
        "stocks" | "companies" if rest.len() < after.trim_start().len() => Some("sector_members"),
        _ => None,
    }
}

/// Whether a cited article states the figure: a date equal to the day it was
/// known, or the figure's digits as a number in its text.
fn article_states(m: &Mention, written: &str, cited: &[usize], resolved: &HashMap<usize, Resolved>) -> bool {
    let digits: String = written
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect::<String>()
        .trim_end_matches('.')
        .to_string();
    cited.iter().filter_map(|n| resolved.get(n)).any(|r| {
        let by_date = match (m.kind, r.known) {
            (Kind::Date(a), Some(k)) => a == k,
            (Kind::Month(y, mo), Some(k)) => k.year() == y && k.month() == mo,
            (Kind::Year(y), Some(k)) => k.year() == y,
            _ => false,
        };
        by_date
            || (!digits.is_empty()
                && !matches!(m.kind, Kind::Date(_) | Kind::Month(..) | Kind::Year(_))
                && r.text.as_deref().is_some_and(|t| contains_number(t, &digits)))
    })
}

/// `digits` as a whole number in `text` (not inside a longer one).
fn contains_number(text: &str, digits: &str) -> bool {
    text.match_indices(digits).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + digits.len()..].chars().next();
        let after_digit = text[i + digits.len()..].strip_prefix('.').and_then(|r| r.chars().next());
        !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
            && !after.is_some_and(|c| c.is_ascii_digit())
            && !after_digit.is_some_and(|c| c.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_articles_are_whole() {
        assert!(contains_number("won a $354 million contract.", "354"));
        assert!(!contains_number("won a $1354 million contract", "354"));
        assert!(!contains_number("rose 3.54 percent", "354"));
        assert!(!contains_number("rose 354.5 percent", "354"));
        assert!(contains_number("rose 2.5 percent.", "2.5"));
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
