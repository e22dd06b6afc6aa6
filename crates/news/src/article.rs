//! One article read end to end: links, tone, tone per entity, takeaways and
//! things to watch.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::link::{Link, Linker, Part};
use crate::relevance::{self, Presence, Role};
use crate::tone::{Label, Tone};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArticleInput {
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// ISO 8601 with its zone offset (`2010-01-03T09:22:00-05:00`).
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleTone {
    pub label: Label,
    pub score: f64,
    pub sentences: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityTone {
    pub ticker: String,
    pub label: Label,
    pub score: f64,
    pub sentences: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Watch {
    pub text: String,
    /// What marked it as forward-looking.
    pub cue: String,
    /// The date the cue resolves to against the publication date, when it does.
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Analysis {
    pub id: Option<serde_json::Value>,
    pub links: Vec<Link>,
    pub tone: ArticleTone,
    pub entity_tone: Vec<EntityTone>,
    pub takeaways: Vec<String>,
    pub watch: Vec<Watch>,
}

/// An article's tone label: the (headline-weighted) mean sentence score beyond ±0.15.
pub const ARTICLE_THRESHOLD: f64 = 0.15;
const ABBREVIATIONS: &[&str] = &[
    "inc", "corp", "co", "ltd", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "no", "u.s", "u.k", "e.g", "i.e",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gov", "sen", "rep", "p.m",
    "a.m", "u.n", "e.u", "dept", "est", "approx",
];

/// Sentences of a text: split at `.`, `!` or `?` followed by white space and a
/// capital, digit or quote, unless the word before is an abbreviation ("Inc.",
/// "U.S."); blank lines always split.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let end_here = match c {
            '.' | '!' | '?' => {
                let next_ws = chars.get(k + 1).is_some_and(|(_, n)| n.is_whitespace());
                let after = chars[k + 1..].iter().find(|(_, n)| !n.is_whitespace()).map(|(_, n)| *n);
                let starts = after.is_none_or(|n| n.is_uppercase() || n.is_ascii_digit() || n == '"' || n == '“');
                let word_start =
                    // The white space found may be wider than a byte (a no-break space in
                    // Reuters text): step over the whole character.
                    text[start..i]
                        .char_indices()
                        .rfind(|(_, ch)| ch.is_whitespace())
                        .map(|(p, ch)| start + p + ch.len_utf8())
                        .unwrap_or(start);
                let word =
                    text[word_start..i].trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '.').to_lowercase();
                let abbrev = c == '.'
                    && (ABBREVIATIONS.contains(&word.as_str())
                        || (word.len() == 1 && word.chars().all(char::is_alphabetic)));
                next_ws && starts && !abbrev || chars.get(k + 1).is_none()
            }
            '\n' => chars.get(k + 1).is_some_and(|(_, n)| *n == '\n'),
            _ => false,
        };
        if end_here {
            let s = text[start..i + c.len_utf8()].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + c.len_utf8();
        }
        k += 1;
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn published_date(a: &ArticleInput) -> Option<NaiveDate> {
    let p = a.published.as_deref()?;
    DateTime::<FixedOffset>::parse_from_rfc3339(p)
        .ok()
        .map(|d| d.date_naive())
        .or_else(|| p.get(..10).and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()))
}

pub(crate) use alphadesk_model::{is_month_word, MONTHS, MONTH_ABBREVIATIONS};

fn quarter_end(year: i32, q: u32) -> Option<NaiveDate> {
    let (m, d) = match q {
        1 => (3, 31),
        2 => (6, 30),
        3 => (9, 30),
        _ => (12, 31),
    };
    NaiveDate::from_ymd_opt(year, m, d)
}

/// Forward-looking cue of a sentence and the date it resolves to, if any.
pub fn watch_cue(sentence: &str, published: Option<NaiveDate>) -> Option<(String, Option<NaiveDate>)> {
    // Every cue below contains one of these words; most sentences have none, and
    // one pass over the words spares them the cue-by-cue scans.
    const ANCHORS: &[&str] = &[
        "next",
        "coming",
        "quarter",
        "end",
        "later",
        "expected",
        "plans",
        "due",
        "scheduled",
        "upcoming",
        "deadline",
        "will",
    ];
    let anchored =
        |w: &str| ANCHORS.iter().any(|a| w.eq_ignore_ascii_case(a)) || MONTHS.iter().any(|m| w.eq_ignore_ascii_case(m));
    if !sentence.split(|c: char| !c.is_alphanumeric()).any(anchored) {
        return None;
    }
    let s = sentence.to_lowercase();
    let words: Vec<&str> = s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let find = |pat: &[&str]| words.windows(pat.len()).position(|w| w == pat);
    // Relative spans.
    if let Some(i) = find(&["over", "the", "next"]).or_else(|| find(&["within", "the", "next"])) {
        let n: Option<i64> = words.get(i + 3).and_then(|w| w.parse().ok()).or_else(|| {
            words.get(i + 3).and_then(|w| {
                ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"]
                    .iter()
                    .position(|x| x == w)
                    .map(|p| if p == 10 { 12 } else { p as i64 + 1 })
            })
        });
        let unit = words.get(i + 4).or_else(|| words.get(i + 3)).copied().unwrap_or("");
        let days = match unit.trim_end_matches('s') {
            "day" => n,
            "week" => n.map(|n| 7 * n),
            "month" => n.map(|n| 30 * n),
            "year" => n.map(|n| 365 * n),
            _ => None,
        };
        return Some((
            words[i..(i + 5).min(words.len())].join(" "),
            days.and_then(|d| published.map(|p| p + Duration::days(d))),
        ));
    }
    for (pat, days) in [
        (&["next", "week"][..], 7),
        (&["next", "month"][..], 30),
        (&["coming", "weeks"][..], 21),
        (&["coming", "months"][..], 90),
        (&["coming", "days"][..], 7),
    ] {
        if find(pat).is_some() {
            return Some((pat.join(" "), published.map(|p| p + Duration::days(days))));
        }
    }
    // Quarters and year ends.
    for (q, name) in ["first", "second", "third", "fourth"].iter().enumerate() {
        if let Some(i) = find(&[name, "quarter"]) {
            let forward = i > 0
                && matches!(words[i - 1], "the" | "in")
                && words.iter().any(|w| {
                    matches!(*w, "expected" | "expects" | "will" | "plans" | "due" | "forecast" | "sees" | "scheduled")
                });
            if forward {
                let date = published.and_then(|p| {
                    let this = quarter_end(p.year(), q as u32 + 1)?;
                    if this >= p {
                        Some(this)
                    } else {
                        quarter_end(p.year() + 1, q as u32 + 1)
                    }
                });
                return Some((format!("{name} quarter"), date));
            }
        }
    }
    if find(&["end", "of", "the", "year"]).is_some() || find(&["later", "this", "year"]).is_some() {
        return Some(("later this year".into(), published.and_then(|p| NaiveDate::from_ymd_opt(p.year(), 12, 31))));
    }
    // Explicit dates: "until January 19", "by June 30" look forward by themselves;
    // "on March 3" only in a sentence that does ("will", "expected", ...). A date
    // before publication is history, not something to watch.
    let forward_words = words.iter().any(|w| {
        matches!(
            *w,
            "will"
                | "expected"
                | "expects"
                | "plans"
                | "planned"
                | "scheduled"
                | "due"
                | "deadline"
                | "upcoming"
                | "shall"
        )
    });
    for (i, w) in words.iter().enumerate() {
        if let Some(m) = MONTHS.iter().position(|x| x == w) {
            let prev = if i > 0 { words[i - 1] } else { "" };
            let forward = match prev {
                "until" | "by" | "before" | "due" => true,
                "on" | "from" => forward_words,
                _ => false,
            };
            if !forward {
                continue;
            }
            // "July 30", "July 30, 2018", "July 2018": a stated year wins over the
            // publication's.
            let num = |k: usize| words.get(k).and_then(|d| d.parse::<u32>().ok());
            let (day, year) = match (num(i + 1), num(i + 2)) {
                (Some(y), _) if (1900..=2100).contains(&y) => (None, Some(y as i32)),
                (Some(d), Some(y)) if d <= 31 && (1900..=2100).contains(&y) => (Some(d), Some(y as i32)),
                (Some(d), _) if d <= 31 => (Some(d), None),
                _ => (None, None),
            };
            let date = published
                .map(|p| year.unwrap_or(p.year()))
                .or(year)
                .and_then(|y| NaiveDate::from_ymd_opt(y, m as u32 + 1, day.unwrap_or(1)));
            if let (Some(d), Some(p)) = (date, published) {
                if d < p {
                    continue;
                }
            }
            return Some((
                format!(
                    "{prev} {w}{}{}",
                    day.map(|d| format!(" {d}")).unwrap_or_default(),
                    year.map(|y| format!(" {y}")).unwrap_or_default()
                ),
                date,
            ));
        }
    }
    for cue in [
        &["expected", "to"][..],
        &["plans", "to"],
        &["is", "due"],
        &["are", "due"],
        &["scheduled"],
        &["upcoming"],
        &["deadline"],
        &["will", "vote"],
        &["will", "report"],
    ] {
        if find(cue).is_some() {
            return Some((cue.join(" "), None));
        }
    }
    None
}

fn label_of(score: f64) -> Label {
    if score >= ARTICLE_THRESHOLD {
        Label::Positive
    } else if score <= -ARTICLE_THRESHOLD {
        Label::Negative
    } else {
        Label::Neutral
    }
}

/// Takeaways are quoted from the article; each is cut to this many characters.
pub const MAX_QUOTE: usize = 240;

fn quote(s: &str) -> String {
    if s.chars().count() <= MAX_QUOTE {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX_QUOTE - 1).collect::<String>())
    }
}

pub fn analyze(linker: &Linker, model: &dyn Tone, a: &ArticleInput) -> Analysis {
    let mut hits = Vec::new();
    let published = published_date(a);
    // The headline as a reader sees it: "BRIEF-Bank Of America's ..." names
    // Bank of America, which the slug glued to its first word would hide.
    let title = crate::wire::clean_title(&a.title);
    let mut parts: Vec<(&str, bool)> = Vec::new();
    if !title.trim().is_empty() {
        parts.push((title.trim(), true));
    }
    parts.extend(sentences(&a.body).into_iter().map(|s| (s, false)));
    let mut weighted = 0.0;
    let mut weight = 0.0;
    let mut per_entity: std::collections::BTreeMap<String, (f64, usize)> = Default::default();
    let mut presence: std::collections::BTreeMap<String, Presence> = Default::default();
    let mut candidates: Vec<(f64, usize, &str)> = Vec::new();
    let mut watch = Vec::new();
    for (k, (s, headline)) in parts.iter().enumerate() {
        let t = model.tone(s);
        let w = if *headline { 2.0 } else { 1.0 };
        weighted += w * t.score;
        weight += w;
        let found = linker.mentions(s);
        let part = match (headline, k == 0 || (k == 1 && parts[0].1)) {
            (true, _) => Part::Headline,
            (false, true) => Part::Lead,
            _ => Part::Body,
        };
        let mentioned: Vec<String> = found.iter().map(|m| m.0.clone()).collect();
        // Tone towards each company is the tone of the clause naming it.
        let mut seen = std::collections::BTreeSet::new();
        let companies = found.iter().map(|m| m.0.as_str()).collect::<std::collections::BTreeSet<_>>().len();
        for (ticker, _, evidence, _) in &found {
            if seen.insert(ticker.clone()) {
                let e = per_entity.entry(ticker.clone()).or_default();
                e.0 += crate::tone::entity_tone_from(model, s, &t, evidence).score;
                e.1 += 1;
                let p = presence.entry(ticker.clone()).or_default();
                p.sentences += 1;
                p.headline |= part == Part::Headline;
                p.lead |= part == Part::Lead;
                match relevance::role(s, evidence, companies) {
                    Role::Listed => p.listed += 1,
                    Role::Actor(words) => {
                        p.lead_actor |= part == Part::Lead;
                        p.actor.get_or_insert(words);
                    }
                    Role::Mentioned => {}
                }
            }
        }
        hits.extend(found.into_iter().map(|(t, kind, e, _)| (t, kind, e, part)));
        if !headline {
            let len = s.chars().count();
            if (40..=600).contains(&len) {
                let mut salience = 2.0 * t.score.abs();
                if s.chars().any(|c| c.is_ascii_digit()) {
                    salience += 2.0;
                }
                if !mentioned.is_empty() {
                    salience += 2.0;
                }
                if k <= 3 {
                    salience += 1.0;
                }
                candidates.push((salience, k, s));
            }
            if watch.len() < 5 {
                if let Some((cue, date)) = watch_cue(s, published) {
                    watch.push(Watch { text: quote(s), cue, date });
                }
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<(usize, &str)> = candidates.into_iter().take(5).map(|(_, k, s)| (k, s)).collect();
    chosen.sort();
    let score = if weight > 0.0 { weighted / weight } else { 0.0 };
    let mut links = linker.links_from(hits);
    for l in &mut links {
        let r = relevance::score(&presence.get(&l.ticker).cloned().unwrap_or_default(), parts.len());
        l.relevance = r.score;
        l.relevance_evidence = r.evidence;
    }
    Analysis {
        id: a.id.clone(),
        links,
        tone: ArticleTone { label: label_of(score), score, sentences: parts.len() },
        entity_tone: per_entity
            .into_iter()
            .map(|(ticker, (sum, n))| {
                let s = sum / n as f64;
                EntityTone { ticker, label: label_of(s), score: s, sentences: n }
            })
            .collect(),
        takeaways: chosen.into_iter().map(|(_, s)| quote(s)).collect(),
        watch,
    }
}

/// An article as text, Markdown (front matter or header lines read) or HTML, the
/// same way ingest reads it; a stated publication time resolves watch-item dates.
pub fn from_text(text: &str) -> ArticleInput {
    let (title, published, body) = alphadesk_ingest::documents::split_article(text);
    ArticleInput { title, body, published, ..ArticleInput::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::{Company, DEFAULT_ALIASES};
    use crate::tone::lexicon::LexiconModel;

    #[test]
    fn sentences_respect_abbreviations() {
        let s = sentences(
            "Apple Inc. said sales rose 5.2 percent. The U.S. market grew. Analysts were upbeat!\n\nNew paragraph",
        );
        assert_eq!(
            s,
            [
                "Apple Inc. said sales rose 5.2 percent.",
                "The U.S. market grew.",
                "Analysts were upbeat!",
                "New paragraph"
            ]
        );
    }

    #[test]
    fn sentences_after_a_wide_space() {
        // Reuters 2013 text has no-break spaces before a full stop's word.
        let s = sentences("Shares rose\u{a0}5 pct. Then\u{a0}Inc. fell. Next one");
        assert_eq!(s, ["Shares rose\u{a0}5 pct.", "Then\u{a0}Inc. fell.", "Next one"]);
    }

    #[test]
    fn watch_items_resolve_against_publication() {
        let p = NaiveDate::from_ymd_opt(2010, 1, 3);
        let (cue, d) = watch_cue("Kraft has until January 19 to raise its offer.", p).unwrap();
        assert_eq!((cue.as_str(), d), ("until january 19", NaiveDate::from_ymd_opt(2010, 1, 19)));
        let (_, d) = watch_cue("Kraft will raise its offer over the next two weeks.", p).unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2010, 1, 17));
        let (_, d) = watch_cue("The deal is expected to close in the third quarter.", p).unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2010, 9, 30));
        assert!(watch_cue("Sales rose in the third quarter.", p).is_none(), "a past quarter is not a watch item");
        assert!(watch_cue("Cadbury said on December 14 it had received bids.", p).is_none(), "a dated past event");
        assert!(watch_cue("The vote will take place on February 1.", p).is_some());
        // A stated year is the year, even with no publication date at all.
        let (cue, d) = watch_cue("Results are due by July 30, 2018.", p).unwrap();
        assert_eq!((cue.as_str(), d), ("by july 30 2018", NaiveDate::from_ymd_opt(2018, 7, 30)));
        assert_eq!(
            watch_cue("The deal is due by July 30, 2018.", None).unwrap().1,
            NaiveDate::from_ymd_opt(2018, 7, 30)
        );
        assert_eq!(watch_cue("Closing is expected by June 2011.", p).unwrap().1, NaiveDate::from_ymd_opt(2011, 6, 1));
    }

    #[test]
    fn an_article_end_to_end() {
        let linker = Linker::new(
            vec![
                Company { ticker: "AAPL".into(), name: "Apple Inc.".into() },
                Company { ticker: "ALL".into(), name: "ALLSTATE CORP".into() },
            ],
            DEFAULT_ALIASES,
        );
        let a = ArticleInput {
            id: Some(serde_json::json!("x1")),
            title: "Apple profit beats estimates".into(),
            body: "Apple Inc. said quarterly profit rose 20 percent to $10 billion. All analysts had expected less. The company will report again over the next 90 days.".into(),
            published: Some("2012-01-24T16:30:00-05:00".into()),
            url: None,
        };
        let r = analyze(&linker, &LexiconModel, &a);
        assert_eq!(r.links.iter().map(|l| l.ticker.as_str()).collect::<Vec<_>>(), ["AAPL"], "ALL is not the word All");
        assert_eq!(r.tone.label, Label::Positive);
        assert_eq!(r.entity_tone[0].ticker, "AAPL");
        assert!(r.takeaways[0].contains("profit rose 20 percent"));
        assert_eq!(r.watch[0].date, NaiveDate::from_ymd_opt(2012, 4, 23));
    }

    #[test]
    fn markdown_front_matter_gives_title_and_time() {
        let a = from_text("---\ntitle: Sales jump\npublished: 2014-03-03T09:00:00-05:00\n---\n\nSales rose.");
        assert_eq!((a.title.as_str(), a.body.trim()), ("Sales jump", "Sales rose."));
        assert_eq!(a.published.as_deref(), Some("2014-03-03T09:00:00-05:00"));
        assert_eq!(from_text("# Plain title\n\nBody.").title, "Plain title");
    }

    #[test]
    fn html_is_stripped_of_boilerplate() {
        let a = from_text("<html><head><title>Big news</title><script>var x=1;</script></head><body><nav>Menu</nav><p>Sales rose &amp; profit grew.</p></body></html>");
        assert_eq!(a.title, "Big news");
        assert_eq!(a.body.trim(), "Sales rose & profit grew.");
    }
}
