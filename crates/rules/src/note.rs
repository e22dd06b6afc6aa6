//! A Markdown note read into lines the rules can address: front matter, headings,
//! body text, the source list, citations. Any note works — alphadesk's, a
//! person's, a language model's; the parts are found by their shape, not by
//! alphadesk's exact layout.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

/// Which part of a note a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Between the `---` fences at the top.
    FrontMatter,
    /// A Markdown heading.
    Heading,
    /// Prose, lists and tables.
    Body,
    /// A numbered entry of the source list.
    Source,
}

/// One line of a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'a> {
    /// 1-based line number in the file.
    pub number: usize,
    /// The line, without its end.
    pub text: &'a str,
    /// Which part of the note it is.
    pub part: Part,
}

/// One numbered entry of a note's source list.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceEntry<'a> {
    /// Its number, as citations give it.
    pub number: usize,
    /// Its 1-based line.
    pub line: usize,
    /// What it names, after the number.
    pub text: &'a str,
}

/// One citation marker's number, where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// The source number cited.
    pub number: usize,
    /// The 1-based line.
    pub line: usize,
    /// Byte offset in the line.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
}

/// A note read into addressable parts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedNote<'a> {
    /// Front-matter fields: value and 1-based line.
    pub front: BTreeMap<String, (String, usize)>,
    /// Every line.
    pub lines: Vec<Line<'a>>,
    /// The source list by number.
    pub sources: BTreeMap<usize, SourceEntry<'a>>,
}

fn citation_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // "[4]", "[4, 7]", and ranges "[4–73]" (a claim resting on many sources).
    R.get_or_init(|| {
        Regex::new(r"\[(\d+(?:\s*[–-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–-]\s*\d+)?)*)\]").expect("pattern compiles")
    })
}

fn source_entry_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^\s*(?:\[(\d+)\]:?|(\d+)[.)])\s+(.*)$").expect("pattern compiles"))
}

fn is_sources_heading(t: &str) -> bool {
    let h = t.trim().trim_start_matches('#').trim().trim_matches('*').trim().trim_end_matches(':').to_ascii_lowercase();
    matches!(h.as_str(), "sources" | "references" | "citations")
}

/// Reads a note: front matter, lines by part, the source list.
pub fn parse(text: &str) -> ParsedNote<'_> {
    // A UTF-8 byte-order mark (editors on Windows write one) is not text: without
    // this the front matter's `---` would not be seen.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut note = ParsedNote::default();
    let mut in_front = false;
    let mut in_sources = false;
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let t = raw.trim_end_matches('\r');
        if number == 1 && t.trim() == "---" {
            in_front = true;
            note.lines.push(Line { number, text: t, part: Part::FrontMatter });
            continue;
        }
        if in_front {
            if t.trim() == "---" || t.trim() == "..." {
                in_front = false;
            } else if let Some((k, v)) = t.split_once(':') {
                let v = v.trim();
                let v = serde_json::from_str::<String>(v).unwrap_or_else(|_| v.trim_matches('\'').to_string());
                note.front.insert(k.trim().to_ascii_lowercase(), (v, number));
            }
            note.lines.push(Line { number, text: t, part: Part::FrontMatter });
            continue;
        }
        if t.trim_start().starts_with('#') || is_sources_heading(t) {
            in_sources = is_sources_heading(t);
            note.lines.push(Line { number, text: t, part: Part::Heading });
            continue;
        }
        if in_sources {
            if let Some(c) = source_entry_re().captures(t) {
                let n: usize = c.get(1).or(c.get(2)).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
                let body = c.get(3).map(|m| m.as_str()).unwrap_or("");
                note.sources.insert(n, SourceEntry { number: n, line: number, text: body });
                note.lines.push(Line { number, text: t, part: Part::Source });
                continue;
            }
            if !t.trim().is_empty() {
                // Prose after the list (the disclaimer) ends it.
                in_sources = false;
            }
        }
        note.lines.push(Line { number, text: t, part: Part::Body });
    }
    note
}

/// Citation markers in a line: `[3]`, `[1, 4]`.
/// Sources a citation range may span.
const MAX_RANGE: usize = 10_000;

/// The citations of line `number` of a note, every number of a list or range
/// (`[1, 4]`, `[4–7]`) on its own.
pub fn citations(line: &str, number: usize) -> Vec<Citation> {
    citation_re()
        .captures_iter(line)
        .flat_map(|c| {
            let m = c.get(0).expect("whole match");
            let list = c.get(1).map(|g| g.as_str()).unwrap_or("");
            list.split(',')
                .flat_map(|item| {
                    let mut ends = item.split(['–', '-']).filter_map(|n| n.trim().parse::<usize>().ok());
                    let a = ends.next();
                    let b = ends.next().or(a);
                    match (a, b) {
                        // A range wider than any source list is read as its two
                        // ends, which the source check then finds missing.
                        (Some(a), Some(b)) if a <= b && b - a <= MAX_RANGE => (a..=b).collect::<Vec<_>>(),
                        (Some(a), Some(b)) => vec![a, b],
                        _ => vec![],
                    }
                })
                .map(|n| Citation { number: n, line: number, start: m.start(), end: m.end() })
                .collect::<Vec<_>>()
        })
        .collect()
}

const ABBREVIATIONS: &[&str] = &[
    "inc", "corp", "co", "ltd", "plc", "no", "st", "mr", "ms", "mrs", "dr", "vs", "jr", "sr", "u.s", "e.g", "i.e",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Byte ranges of the sentences of a line: a stop followed by a space and a
/// capital (or an opening quote), except after common abbreviations.
pub fn sentences(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    // A quoted headline is one piece of its sentence, whatever stops it holds.
    let mut quoted = false;
    for i in 0..b.len() {
        if b[i..].starts_with("“".as_bytes()) {
            quoted = true;
        } else if b[i..].starts_with("”".as_bytes()) {
            quoted = false;
        }
        if quoted || !matches!(b[i], b'.' | b'!' | b'?') || i + 2 > b.len() || b[i + 1] != b' ' {
            continue;
        }
        let next = line[i + 2..].chars().next();
        if !next.is_some_and(|c| c.is_uppercase() || c == '“' || c == '"' || c == '■') {
            continue;
        }
        let word = line[start..i].rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
        // An initial ("Arthur J. Gallagher") is not the end of a sentence.
        let initial = word.len() == 1 && word.bytes().all(|c| c.is_ascii_uppercase());
        if b[i] == b'.' && (initial || ABBREVIATIONS.contains(&word.to_ascii_lowercase().as_str())) {
            continue;
        }
        out.push((start, i + 1));
        start = i + 2;
    }
    if start < line.len() {
        out.push((start, line.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_sources() {
        let t = "---\nticker: AAPL\ncompany: \"Apple Inc.\"\nas_of: 2018-04-30\n---\n\n# Head 1\n\nBody [1]. More [2, 3].\n\n## Sources\n\n1. first\n2) second\n[3]: third\n\nEducational coverage, not personalized advice.\n";
        let n = parse(t);
        assert_eq!(n.front["ticker"].0, "AAPL");
        assert_eq!(n.front["company"].0, "Apple Inc.");
        assert_eq!(n.front["as_of"], ("2018-04-30".to_string(), 4));
        assert_eq!(n.sources.keys().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(n.sources[&2].text, "second");
        let last = n.lines.last().unwrap();
        assert_eq!((last.part, last.number), (Part::Body, 17));
        let c = citations("Body [1]. More [2, 3].", 9);
        assert_eq!(c.iter().map(|c| c.number).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_front_matter() {
        let n = parse("\u{feff}---\nticker: AAPL\nas_of: 2018-04-30\n---\n\nBody.\n");
        assert_eq!(n.front["ticker"].0, "AAPL");
        assert_eq!(n.front["as_of"].0, "2018-04-30");
    }

    #[test]
    fn sentence_split_respects_abbreviations_and_decimals() {
        let l = "Apple Inc. closed at $164.63 [1]. It rose 1.5%. “Quote” here.";
        let s: Vec<&str> = sentences(l).into_iter().map(|(a, b)| &l[a..b]).collect();
        assert_eq!(s, ["Apple Inc. closed at $164.63 [1].", "It rose 1.5%.", "“Quote” here."]);
        let l =
            "Arthur J. Gallagher & Co. rose [1]. “BRIEF-U.S. Bank Expands. Again” (May 1) read as neutral [2]. Next.";
        let s: Vec<&str> = sentences(l).into_iter().map(|(a, b)| &l[a..b]).collect();
        assert_eq!(
            s,
            [
                "Arthur J. Gallagher & Co. rose [1].",
                "“BRIEF-U.S. Bank Expands. Again” (May 1) read as neutral [2].",
                "Next."
            ]
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn any_text_parses_without_panic(s in "(\\PC|\n|---\n|## Sources\n|1\\. |\\[[0-9]\\]){0,80}") {
            let n = parse(&s);
            for l in &n.lines {
                for (a, b) in sentences(l.text) {
                    prop_assert!(a <= b && b <= l.text.len());
                    prop_assert!(l.text.is_char_boundary(a) && l.text.is_char_boundary(b));
                }
                let _ = citations(l.text, l.number);
            }
        }
    }
}

/// Text with every run of white space one space: how a quotation and its
/// source are compared (a stored lead may hold line breaks).
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
