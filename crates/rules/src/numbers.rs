//! Numbers as people write them in prose, with their position and precision.
//!
//! `$1.2 billion`, `12.3%`, `72/100`, `9,136 shares`, `April 30, 2018`, `Q3 2017`,
//! `three months`, `+0.12`, `56 stocks`. Each becomes a [`Mention`] whose
//! tolerance is half a unit of the last digit written, so `$1.2 billion` grounds
//! anything from $1.15 to $1.25 billion and nothing else. Form names (`10-Q`,
//! `Form 4`, `13F`), accession numbers, URLs and citation markers are not numbers
//! a note claims and are masked before reading.

use std::sync::OnceLock;

use alphadesk_model::NaiveDate;
use regex::{Captures, Regex};

/// What a number in prose is, read from its unit and the words around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// An amount of dollars.
    Usd,
    /// Written in percent units (12.3 for `12.3%`).
    Percent,
    /// A number of shares.
    Shares,
    /// A bare number: a count, or a decimal.
    Plain,
    /// A signed decimal such as a tone (`+0.12`).
    Signed,
    /// `72/100`.
    OutOf100,
    /// A calendar date.
    Date(NaiveDate),
    /// A month of a year.
    Month(i32, u32),
    /// A year.
    Year(i32),
    /// A quarter (1–4) of a year.
    Quarter(i32, u32),
    /// A span such as `52-week` or `three months`: its length and unit
    /// letter (years and quarters in months).
    Window(u32, char),
}

/// One number read from a line of prose.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Byte range in the line.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
    /// What it is.
    pub kind: Kind,
    /// The value in the unit of its kind (dollars, percent points, shares, count).
    pub value: f64,
    /// How far a held value may be from `value` and still be the one
    /// written, given the precision written.
    pub tolerance: f64,
    /// +1 or -1 when words before it say which way ("down 4.5%"), else 0.
    pub direction: i8,
}

struct Patterns {
    mask: Regex,
    iso: Regex,
    full_date: Regex,
    quarter: Regex,
    month_year: Regex,
    money: Regex,
    percent: Regex,
    out_of_100: Regex,
    shares: Regex,
    window: Regex,
    signed: Regex,
    counted: Regex,
    year: Regex,
    plain: Regex,
}

const MONTH: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?";
const WORD_NUMBERS: &str = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve";

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let r = |s: &str| Regex::new(s).expect("pattern compiles");
        Patterns {
            mask: r(
                r"(?i)https?://\S+|(?-u:\b)\d{10}-\d{2}-\d{6}(?-u:\b)|\[\d+(?:\s*[,–-]\s*\d+)*\]|(?-u:\b)(?:10-K|10-Q|8-K|20-F|6-K|S-1|S-3|S-4|13F(?:-HR)?|13D|13G|DEF 14A)(?:/A)?(?-u:\b)|(?-u:\b)Forms? [345](?:/A)?(?-u:\b)|(?-u:\b)Rule \d+[a-z]?(?:-\d+)?(?-u:\b)|(?-u:\b)(?:trailing[- ]twelve[- ]months?|ttm)(?-u:\b)|(?-u:\b)S&P 500(?-u:\b)|(?-u:\b)CIK\s?\d+(?-u:\b)",
            ),
            iso: r(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?-u:\b)"),
            full_date: r(&format!(r"(?i)(?-u:\b){MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})(?-u:\b)")),
            quarter: r(
                r"(?i)(?-u:\b)(?:Q([1-4])\s*(?:FY\s*)?'?(\d{4})|(first|second|third|fourth)[- ]quarter(?:\s+of)?\s+(?:fiscal\s+)?(\d{4})|FY\s?(\d{4})|fiscal\s+(?:year\s+)?(\d{4}))(?-u:\b)",
            ),
            month_year: r(&format!(r"(?i)(?-u:\b){MONTH}\s+(\d{{4}})(?-u:\b)")),
            // `$239.2 billion`, `$239.2bn`, and the tickers' shorthand `$239.2B`,
            // `$1.5M`, `$3T` (upper case, straight after the digits: `$5 m` is not).
            money: r(r"(?i)\$\s?(\d[\d,]*(?:\.\d+)?)(?:\s*(trillion|billion|million|thousand|bn|mn|tn)(?-u:\b)|(?-i)([TBMK])(?-u:\b))?"),
            percent: r(r"(?i)([+\-−]?)(\d[\d,]*(?:\.\d+)?)\s*(%|percent(?-u:\b)|per cent(?-u:\b)|percentage points?(?-u:\b)|pp(?-u:\b))"),
            out_of_100: r(r"(?-u:\b)(\d{1,3})\s*/\s*100(?-u:\b)"),
            shares: r(r"(?i)(?-u:\b)(\d[\d,]*(?:\.\d+)?)\s*(billion|million|thousand)?\s+(?:common\s+)?shares(?-u:\b)"),
            window: r(&format!(r"(?i)(?-u:\b)(\d+|{WORD_NUMBERS})[\s-](day|week|month|year|quarter)s?(?-u:\b)")),
            signed: r(r"(?:^|[\s(])([+\-−]\d*\.\d+)(?-u:\b)"),
            // A number word counts only before a lower-case word: "three insiders",
            // not "Capital One Financial".
            // "one of the filings" is a phrase, not a count ("of" is captured to
            // tell it apart).
            counted: r(&format!(r"(?-u:\b)((?i:{WORD_NUMBERS}))\s+([a-z]+)")),
            year: r(r"(?-u:\b)(1[89]\d{2}|20\d{2})(?-u:\b)"),
            plain: r(r"(?-u:\b)\d[\d,]*(?:\.\d+)?(?-u:\b)"),
        }
    })
}

fn month_number(s: &str) -> u32 {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    const NAMES: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    NAMES.iter().position(|m| s.starts_with(m)).map(|i| i as u32 + 1).unwrap_or(0)
}

fn word_number(s: &str) -> Option<f64> {
    let words = WORD_NUMBERS.split('|');
    words.enumerate().find(|(_, w)| w.eq_ignore_ascii_case(s)).map(|(i, _)| (i + 1) as f64)
}

/// The number as written and half a unit of its last digit.
fn decimal(s: &str) -> Option<(f64, f64)> {
    let clean: String = s.chars().filter(|c| *c != ',').collect();
    let v: f64 = clean.parse().ok()?;
    let decimals = clean.split_once('.').map(|(_, f)| f.len()).unwrap_or(0) as i32;
    Some((v, 0.5 * 10f64.powi(-decimals)))
}

fn scale(word: Option<&str>) -> f64 {
    match word.map(|w| w.to_ascii_lowercase()) {
        Some(w) if w == "trillion" || w == "tn" || w == "t" => 1e12,
        Some(w) if w == "billion" || w == "bn" || w == "b" => 1e9,
        Some(w) if w == "million" || w == "mn" || w == "m" => 1e6,
        Some(w) if w == "thousand" || w == "k" => 1e3,
        _ => 1.0,
    }
}

const UP: &[&str] = &[
    "up",
    "rose",
    "risen",
    "gained",
    "gain",
    "grew",
    "grows",
    "grown",
    "returned",
    "higher",
    "increase",
    "increased",
    "climbed",
    "climbs",
    "jumped",
    "rallied",
    "added",
    "ahead",
];
const DOWN: &[&str] = &[
    "down",
    "fell",
    "fallen",
    "lost",
    "loss",
    "declined",
    "decline",
    "lower",
    "shrank",
    "shrinks",
    "dropped",
    "slid",
    "slide",
    "slipped",
    "decrease",
    "decreased",
    "negative",
];

/// Which way the nearest direction word before `at` (within its clause) points.
fn direction(line: &str, at: usize) -> i8 {
    // The word that gives a number its direction stands just before it ("up 9.7%",
    // "fell to"); looking further back than this would make a sentence of many
    // numbers quadratic to read.
    const LOOK_BACK: usize = 160;
    let mut from = at.saturating_sub(LOOK_BACK);
    while !line.is_char_boundary(from) {
        from += 1;
    }
    let before = &line[from..at];
    let clause_start = before
        .rfind([',', ';', ':', '(', ')'])
        .map(|i| i + 1)
        .into_iter()
        .chain(before.rfind(". ").map(|i| i + 2))
        .max()
        .unwrap_or(0);
    for w in before[clause_start..].split(|c: char| !c.is_alphanumeric()).rev() {
        let w = w.to_ascii_lowercase();
        if UP.contains(&w.as_str()) {
            return 1;
        }
        if DOWN.contains(&w.as_str()) {
            return -1;
        }
    }
    0
}

/// Every number in `line`, in order of position.
pub fn mentions(line: &str) -> Vec<Mention> {
    let p = patterns();
    // Work on a copy in which every match so far is blanked (same byte offsets), so
    // a date's day is not read again as a count.
    let mut work = line.to_string();
    for m in p.mask.find_iter(line) {
        blank(&mut work, m.start(), m.end());
    }
    let mut out: Vec<Mention> = Vec::new();
    let mut each = |re: &Regex, f: &dyn Fn(&Captures<'_>) -> Option<Taken>| {
        let found: Vec<(usize, usize, Option<Taken>)> = re
            .captures_iter(&work)
            .map(|c| {
                let m = c.get(0).expect("whole match");
                (m.start(), m.end(), f(&c))
            })
            .collect();
        for (s, e, taken) in found {
            if let Some((ms, me, kind, value, tolerance)) = taken {
                let start = s + ms;
                out.push(Mention { start, end: s + me, kind, value, tolerance, direction: direction(line, start) });
                blank(&mut work, s, e);
            }
        }
    };
    let g = |c: &Captures<'_>, i: usize| c.get(i).map(|m| m.as_str().to_string());
    let full = |c: &Captures<'_>| c.get(0).map(|m| m.len()).unwrap_or(0);

    each(&p.iso, &|c| {
        let (y, m, d) = (g(c, 1)?, g(c, 2)?, g(c, 3)?);
        let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
        Some((0, full(c), Kind::Date(date), 0.0, 0.0))
    });
    each(&p.full_date, &|c| {
        let date = NaiveDate::from_ymd_opt(g(c, 3)?.parse().ok()?, month_number(&g(c, 1)?), g(c, 2)?.parse().ok()?)?;
        Some((0, full(c), Kind::Date(date), 0.0, 0.0))
    });
    each(&p.quarter, &|c| {
        let kind = if let (Some(q), Some(y)) = (g(c, 1), g(c, 2)) {
            Kind::Quarter(y.parse().ok()?, q.parse().ok()?)
        } else if let (Some(q), Some(y)) = (g(c, 3), g(c, 4)) {
            let n = ["first", "second", "third", "fourth"].iter().position(|w| w.eq_ignore_ascii_case(&q))? as u32 + 1;
            Kind::Quarter(y.parse().ok()?, n)
        } else {
            Kind::Year(g(c, 5).or(g(c, 6))?.parse().ok()?)
        };
        Some((0, full(c), kind, 0.0, 0.0))
    });
    each(&p.month_year, &|c| {
        let month = month_number(&g(c, 1)?);
        (month > 0).then_some(())?;
        Some((0, full(c), Kind::Month(g(c, 2)?.parse().ok()?, month), 0.0, 0.0))
    });
    each(&p.money, &|c| {
        let (v, tol) = decimal(&g(c, 1)?)?;
        let k = scale(g(c, 2).or_else(|| g(c, 3)).as_deref());
        Some((0, full(c), Kind::Usd, v * k, tol * k))
    });
    each(&p.percent, &|c| {
        let (v, tol) = decimal(&g(c, 2)?)?;
        let sign = if g(c, 1).is_some_and(|s| !s.is_empty() && s != "+") { -1.0 } else { 1.0 };
        Some((0, full(c), Kind::Percent, sign * v, tol))
    });
    each(&p.out_of_100, &|c| {
        let v: f64 = g(c, 1)?.parse().ok()?;
        Some((0, full(c), Kind::OutOf100, v, 0.5))
    });
    each(&p.shares, &|c| {
        let (v, tol) = decimal(&g(c, 1)?)?;
        let k = scale(g(c, 2).as_deref());
        Some((0, full(c), Kind::Shares, v * k, tol * k))
    });
    each(&p.window, &|c| {
        let n = g(c, 1)?;
        let n = n.parse::<f64>().ok().or_else(|| word_number(&n))? as u32;
        let unit = g(c, 2)?.to_ascii_lowercase();
        let kind = match unit.as_str() {
            "year" => Kind::Window(n * 12, 'm'),
            "quarter" => Kind::Window(n * 3, 'm'),
            u => Kind::Window(n, u.chars().next().unwrap_or('d')),
        };
        Some((0, full(c), kind, f64::from(n), 0.0))
    });
    each(&p.signed, &|c| {
        let t = g(c, 1)?;
        let offset = full(c) - t.len();
        let (v, tol) = decimal(t.trim_start_matches(['+', '-', '−']))?;
        let sign = if t.starts_with('+') { 1.0 } else { -1.0 };
        Some((offset, full(c), Kind::Signed, sign * v, tol))
    });
    each(&p.counted, &|c| {
        if g(c, 2)? == "of" {
            return None;
        }
        let w = g(c, 1)?;
        Some((0, w.len(), Kind::Plain, word_number(&w)?, 0.0))
    });
    each(&p.year, &|c| {
        let y: i32 = g(c, 1)?.parse().ok()?;
        Some((0, full(c), Kind::Year(y), f64::from(y), 0.0))
    });
    each(&p.plain, &|c| {
        let (v, tol) = decimal(c.get(0)?.as_str())?;
        Some((0, full(c), Kind::Plain, v, tol))
    });
    out.sort_by_key(|m| m.start);
    out
}

/// Offsets within the match, kind, value, tolerance.
type Taken = (usize, usize, Kind, f64, f64);

/// Blanks a matched span, keeping byte offsets.
fn blank(work: &mut String, s: usize, e: usize) {
    let spaces = " ".repeat(work[s..e].len());
    work.replace_range(s..e, &spaces);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(String, Kind, f64)> {
        mentions(s).into_iter().map(|m| (s[m.start..m.end].to_string(), m.kind, m.value)).collect()
    }

    #[test]
    fn reads_the_forms_notes_use() {
        let k = kinds("Revenue of $239.2 billion, up 9.7% from $218.1 billion [3][4].");
        assert_eq!(k.len(), 3, "{k:?}");
        assert_eq!(k[0].1, Kind::Usd);
        assert!((k[0].2 - 239.2e9).abs() < 1.0);
        assert_eq!(k[1].1, Kind::Percent);
        let m = &mentions("up 9.7% from")[0];
        assert_eq!((m.value, m.direction), (9.7, 1));
        assert!((m.tolerance - 0.05).abs() < 1e-12);
        let d = kinds("ended April 30, 2018 at an adjusted close of $164.63");
        assert_eq!(d[0].1, Kind::Date("2018-04-30".parse().unwrap()));
        assert_eq!(d[1].1, Kind::Usd);
        assert_eq!(mentions("$164.63")[0].tolerance, 0.005);
        assert_eq!(kinds("an Alpha Score of 72/100")[0].1, Kind::OutOf100);
        assert_eq!(kinds("over three months")[0].1, Kind::Window(3, 'm'));
        assert_eq!(kinds("the 52-week closing high")[0].1, Kind::Window(52, 'w'));
        assert_eq!(kinds("sold 9,136 shares at $159.94")[0].1, Kind::Shares);
        assert_eq!(kinds("an average tone of +0.12, neutral")[0].1, Kind::Signed);
        assert_eq!(kinds("in Q3 2017")[0].1, Kind::Quarter(2017, 3));
        assert_eq!(kinds("in the third quarter of 2017")[0].1, Kind::Quarter(2017, 3));
        assert_eq!(kinds("by 2019")[0].1, Kind::Year(2019));
        assert_eq!(kinds("in March 2018")[0].1, Kind::Month(2018, 3));
        assert_eq!(kinds("three insiders sold")[0].2, 3.0);
        assert_eq!(kinds("Three insiders sold")[0].2, 3.0);
        assert!(kinds("Capital One Financial").is_empty());
        assert_eq!(kinds("the 56 Information Technology stocks")[0].2, 56.0);
        let down = &mentions("the shares lost 1.5%")[0];
        assert_eq!(down.direction, -1);
    }

    #[test]
    fn masks_what_is_not_a_claim() {
        assert!(kinds("the 10-Q and Form 4 filings, 13F reports [12], accession 0000320193-18-000007").is_empty());
        assert!(kinds("see https://example.com/2018/04/30/a-1.html").is_empty());
        assert!(kinds("Trailing-twelve-month revenue").is_empty());
        assert!(kinds("under SEC Rule 13f-1").is_empty());
    }

    #[test]
    fn precision_sets_tolerance() {
        let m = &mentions("$1.2 billion")[0];
        assert!((m.value - 1.2e9).abs() < 1.0 && (m.tolerance - 0.05e9).abs() < 1.0);
        // The shorthand reads the same: $239.2B is $239.2 billion.
        for (text, value) in
            [("$239.2B", 239.2e9), ("$1.5M", 1.5e6), ("$3T", 3e12), ("$12K", 12e3), ("$239.2bn", 239.2e9)]
        {
            let m = &mentions(text)[0];
            assert!((m.value - value).abs() < 1e-3 * value, "{text}: {}", m.value);
        }
        assert_eq!(mentions("$5 made")[0].value, 5.0, "a word after a space is no unit");
        let m = &mentions("$45,120")[0];
        assert_eq!((m.value, m.tolerance), (45_120.0, 0.5));
        let m = &mentions("-4.5%")[0];
        assert_eq!(m.value, -4.5);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Any text: no panic, spans inside the line on char boundaries, in order.
        #[test]
        fn any_text_reads_without_panic(s in "\\PC{0,200}") {
            let ms = mentions(&s);
            let mut last = 0;
            for m in &ms {
                prop_assert!(m.start <= m.end && m.end <= s.len());
                prop_assert!(s.is_char_boundary(m.start) && s.is_char_boundary(m.end));
                prop_assert!(m.start >= last);
                prop_assert!(m.tolerance >= 0.0);
                last = m.start;
            }
        }

        /// A dollar amount written at any precision reads back as itself.
        #[test]
        fn written_amounts_read_back(v in 0.01f64..5e12) {
            let w = alphadesk_notes::format::usd(v);
            let ms = mentions(&format!("revenue of {w} in all"));
            prop_assert_eq!(ms.len(), 1, "{}", w);
            prop_assert_eq!(ms[0].kind, Kind::Usd);
            prop_assert!((ms[0].value - v).abs() <= ms[0].tolerance * (1.0 + 1e-9) + 1e-6, "{} read as {} ± {}", w, ms[0].value, ms[0].tolerance);
        }

        /// A percentage written by the composer grounds its own value.
        #[test]
        fn written_percentages_read_back(f in -5.0f64..5.0) {
            let w = alphadesk_notes::format::pct(f);
            let word = if f >= 0.0 { "up" } else { "down" };
            let ms = mentions(&format!("shares {word} {w} this year"));
            prop_assert_eq!(ms.len(), 1);
            let signed = f64::from(ms[0].direction) * ms[0].value;
            prop_assert!((signed - f * 100.0).abs() <= ms[0].tolerance + 1e-9, "{} {} read as {}", word, w, signed);
        }
    }
}
