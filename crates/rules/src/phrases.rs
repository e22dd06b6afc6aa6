//! The phrase rules (`promissory`, `personalized-advice`, `projection`), `balance`
//! and `disclaimer`: what a note must not say, and what it must.

use crate::RuleId;
use std::collections::HashMap;

use regex::Regex;

use crate::grounding::quotations;
use crate::note::Line;
use crate::sources::Resolved;
use crate::Run;

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

/// Verbs of trading a stock.
const TRADE: &str = r"buy|buying|sell|selling|short|shorting|dump|dumping|grab|snap up|scoop up|load up|loading up|pile into|pile in|get in|get out|accumulate|own|add|hold|invest in";

/// Advice by its shape rather than a fixed phrase: the reader told to trade
/// ("you'd be wise to buy", "you need to load up"), a trade in the imperative at
/// the start of a sentence ("Load up on AAPL", "Buy now"), and the trade idioms
/// of stock promotion ("no-brainer", "must-own", "back up the truck").
fn advice_pattern() -> &'static Regex {
    static R: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)\b(?:you|you'd|you'll|you're|your|ya)\b[^.;:!?“”]{{0,40}}?\b(?:{TRADE})\b|(?:^|[.!?;:■]\s+|^\s*[-*]\s+)(?:{TRADE})\b(?:\s+(?:now|today|on|up|in|the|this|these|shares|stock|more|some)\b)|\bno[- ]brainer\b|\bmust[- ](?:own|buy|have)\b|\bback up the truck\b|\bscreaming buy\b|\b(?:is|as|looks like|remains) a (?:strong |clear |great )?(?:buy|sell)\b|\bbuying opportunity\b|\bdon't miss (?:out|this)\b|\bbefore it's too late\b"
        ))
        .expect("pattern compiles")
    })
}

/// A promise by its shape: certainty next to a gain ("certain to double",
/// "sure to rise", "definitely going to soar", "can't-miss winner").
fn promise_pattern() -> &'static Regex {
    static R: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)\b(?:certain|certainly|sure|surely|definitely|undoubtedly|inevitably|no doubt|bound|destined|can't[- ]miss|cannot miss|100%)\b[^.;!?“”]{0,25}?\b(?:gain|gains|rise|rises|rally|rallies|double|doubles|triple|soar|soars|climb|climbs|profit|profits|win|winner|winners|go up|pay off|make money|multiply)\b")
            .expect("pattern compiles")
    })
}

impl Run<'_, '_> {
    /// A phrase broken across two lines of one paragraph ("Holders can't\nlose"):
    /// Markdown shows the line break as a space, so the reader reads the phrase.
    /// Each pair of adjacent prose lines is read at its seam; a phrase found
    /// there is reported at its start on the first line.
    fn phrases_across_lines(&mut self, lines: &[Line<'_>]) {
        let prose = |t: &str| {
            let t = t.trim_start();
            !t.is_empty()
                && !t.starts_with(['#', '-', '*', '■', '|', '>'])
                && !t.split_once(". ").is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
        };
        const SEAM: usize = 60;
        for pair in lines.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.number != a.number + 1 || !prose(a.text) || !prose(b.text) {
                continue;
            }
            let mut cut = a.text.len().saturating_sub(SEAM);
            while !a.text.is_char_boundary(cut) {
                cut += 1;
            }
            let mut end = b.text.len().min(SEAM);
            while !b.text.is_char_boundary(end) {
                end -= 1;
            }
            let seam = format!("{} {}", a.text[cut..].trim_end(), b.text[..end].trim_start());
            let joint = a.text[cut..].trim_end().len();
            for rule in [RuleId::Promissory, RuleId::PersonalizedAdvice, RuleId::Projection] {
                let hits: Vec<(usize, String)> = self.c.catalog.phrases[rule.as_str()]
                    .find_iter(&seam)
                    .filter(|m| m.start() < joint && m.end() > joint)
                    .map(|m| (m.start(), m.as_str().to_string()))
                    .collect();
                for (at, found) in hits {
                    let shown = found.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
                    self.flag(
                        rule,
                        a.number,
                        self.column(a.text, cut + at),
                        &found,
                        format!("“{shown}”, broken across two lines, reads as one phrase ({rule})"),
                    );
                }
            }
        }
    }

    /// `promissory`, `personalized-advice` and `projection` per occurrence, and
    /// `balance` over the whole note.
    pub(crate) fn phrases(&mut self, lines: &[Line<'_>], resolved: &HashMap<usize, Resolved>) {
        let mut upside: Option<(usize, usize, String)> = None;
        let mut risk = false;
        let disclaimer = self.c.catalog.rules.disclaimer.clone();
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
            let normalised = normalise_text(&scan);
            for rule in [RuleId::Promissory, RuleId::PersonalizedAdvice, RuleId::Projection] {
                let mut hits: Vec<(usize, String)> = self.c.catalog.phrases[rule.as_str()]
                    .find_iter(&scan)
                    .map(|m| (m.start(), m.as_str().to_string()))
                    .collect();
                // The shapes, where the phrase list found nothing on the line.
                let shape = match rule {
                    RuleId::Promissory => Some(promise_pattern()),
                    RuleId::PersonalizedAdvice => Some(advice_pattern()),
                    _ => None,
                };
                if let (true, Some(shape)) = (hits.is_empty(), shape) {
                    // Lower-casing and the apostrophe fold keep byte offsets
                    // for ASCII text; elsewhere the hit is reported at the line.
                    let same = normalised.len() == scan.len();
                    hits.extend(shape.find_iter(&normalised).map(|m| {
                        let found = m.as_str().trim_start_matches(|c: char| !c.is_alphanumeric()).to_string();
                        let at = if same { m.end() - found.len() } else { 0 };
                        (at, if same { scan[at..m.end()].to_string() } else { found })
                    }));
                }
                for (at, found) in hits {
                    let p = found.to_lowercase();
                    let message = match rule {
                        RuleId::Promissory => format!(
                            "“{p}” promises an outcome (FINRA 2210(d)(1)(B): no promissory or exaggerated claims)"
                        ),
                        RuleId::PersonalizedAdvice => {
                            format!("“{p}” tells the reader what to do; notes are educational coverage, not advice")
                        }
                        _ => format!("“{p}” states a price target or predicted return as fact (FINRA 2210(d)(1)(F))"),
                    };
                    self.flag(rule, l.number, self.column(l.text, at), &found, message);
                }
            }
            // Words that concede a company is off the topic: it was brought in for
            // its figures, not its relevance.
            if self.on(RuleId::TickerRelevance) {
                let hits: Vec<(usize, String)> = self.c.catalog.phrases["off-topic"]
                    .find_iter(&scan)
                    .map(|m| (m.start(), m.as_str().to_string()))
                    .collect();
                for (at, found) in hits {
                    self.flag(
                        RuleId::TickerRelevance,
                        l.number,
                        self.column(l.text, at),
                        &found,
                        format!("“{}” concedes that what the sentence brings in is off the story's topic: name only companies the story is about", found.to_lowercase()),
                    );
                }
            }
            if upside.is_none() {
                if let Some(m) = self.c.catalog.phrases["upside"].find(&scan) {
                    upside = Some((l.number, self.column(l.text, m.start()), m.as_str().to_string()));
                }
            }
            risk |= self.c.catalog.phrases["risk"].is_match(&scan);
        }
        self.phrases_across_lines(lines);
        if let (Some((line, col, p)), false) = (upside, risk) {
            if self.on(RuleId::Balance) {
                self.flag(
                    RuleId::Balance,
                    line,
                    col,
                    &p,
                    "upside language with no stated risk or limitation anywhere in the note (FINRA 2210(d)(1)(A): fair and balanced)".into(),
                );
            }
        }
    }
}

/// English function words: a note of fifteen words or more in which fewer than
/// one in twelve are among them is not in English.
const ENGLISH: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "is", "for", "on", "with", "as", "by", "at", "from", "its", "it", "was",
    "that", "an", "be", "are", "this", "has", "have", "were", "which", "than", "over", "after", "up", "down", "not",
    "or", "their", "into", "about", "against", "per", "while", "had", "will",
];

/// Function words of the languages a note is most often written in instead.
const OTHERS: &[(&str, &[&str])] = &[
    ("Spanish", &["el", "la", "de", "que", "los", "las", "del", "para", "con", "una", "por", "está", "es", "y", "se"]),
    ("French", &["le", "la", "les", "des", "est", "une", "pour", "avec", "que", "du", "et", "sur", "dans", "pas"]),
    ("German", &["der", "die", "das", "und", "ist", "nicht", "mit", "für", "von", "zu", "ein", "eine", "auf", "den"]),
    ("Portuguese", &["o", "os", "da", "do", "não", "uma", "para", "com", "que", "em", "e", "ações"]),
    ("Italian", &["il", "di", "che", "per", "una", "non", "con", "della", "sono", "e", "le", "gli"]),
];

/// The language a text is in, when it is not English: a script other than Latin
/// for a fifth of its letters, or too few English function words.
pub(crate) fn not_english(text: &str) -> Option<String> {
    let (mut latin, mut other) = (0usize, std::collections::BTreeMap::<&str, usize>::new());
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        let script = match c as u32 {
            0x0000..=0x024F | 0x1E00..=0x1EFF => {
                latin += 1;
                continue;
            }
            0x0370..=0x03FF => "Greek",
            0x0400..=0x04FF => "Cyrillic (Russian or another)",
            0x0590..=0x05FF => "Hebrew",
            0x0600..=0x06FF => "Arabic",
            0x3040..=0x30FF => "Japanese",
            0xAC00..=0xD7AF | 0x1100..=0x11FF => "Korean",
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => "Chinese",
            _ => "a script other than Latin",
        };
        *other.entry(script).or_default() += 1;
    }
    let others: usize = other.values().sum();
    if others * 5 > latin + others && others >= 10 {
        let (script, _) = other.iter().max_by_key(|(_, n)| **n).expect("some other script");
        return Some((*script).to_string());
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_uppercase()))
        .map(str::to_lowercase)
        .collect();
    if words.len() < 15 {
        return None;
    }
    let count = |list: &[&str]| words.iter().filter(|w| list.contains(&w.as_str())).count();
    if count(ENGLISH) * 12 >= words.len() {
        return None;
    }
    let best = OTHERS.iter().map(|(name, list)| (count(list), *name)).max().filter(|(n, _)| *n * 12 >= words.len());
    Some(best.map(|(_, name)| name.to_string()).unwrap_or_else(|| "a language other than English".into()))
}

impl Run<'_, '_> {
    /// The phrase rules read English: a note in another language fails `language`
    /// instead of passing them unread.
    pub(crate) fn language(&mut self, lines: &[Line<'_>]) {
        if !self.on(RuleId::Language) {
            return;
        }
        let text: String = lines.iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
        if let Some(lang) = not_english(&text) {
            let line = lines.iter().find(|l| !l.text.trim().is_empty()).map(|l| l.number).unwrap_or(1);
            self.flag(
                RuleId::Language,
                line,
                1,
                &lang,
                format!(
                    "the note reads as {lang}; the phrase rules (promissory, personalized-advice, projection, balance) read English only, so they could not check it"
                ),
            );
        }
    }

    pub(crate) fn disclaimer(&mut self) {
        let want: String = self.c.catalog.rules.disclaimer.split_whitespace().collect::<Vec<_>>().join(" ");
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
            self.flag(RuleId::Disclaimer, last, 1, "", format!("the disclaimer “{want}” is missing"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_not_in_english_are_named() {
        let es = "El precio de la acción está garantizado para duplicarse. Compre ahora, la empresa es la mejor del sector y no hay riesgo para el inversor.";
        assert_eq!(not_english(es).as_deref(), Some("Spanish"));
        let zh = "该公司股价保证翻倍，现在就买入。这是一个无风险的投资机会，适合所有投资者。";
        assert_eq!(not_english(zh).as_deref(), Some("Chinese"));
        let en = "Apple Inc. (AAPL) ended April 30, 2018 at an adjusted close of $164.63, up 16.9% over 12 months against a gain of 21.9% for the median stock.";
        assert_eq!(not_english(en), None);
        assert_eq!(not_english("Kurz."), None, "too short to tell");
    }

    #[test]
    fn phrases_match_whole_words_only() {
        assert_eq!(find_phrase("this is guaranteed.", "guaranteed"), vec![8]);
        assert!(find_phrase("unguaranteed", "guaranteed").is_empty());
        assert_eq!(find_phrase("you should buy", "you should"), vec![0]);
        assert!(find_phrase("the risk-free rate", "risk free").is_empty());
    }
}
