//! The note as a reader sees it. Characters that render as nothing or as
//! another character defeat every phrase and name rule if read as written:
//! `Exx\u{200b}on Mobil (X\u{200b}OM)` shows as "Exxon Mobil (XOM)", a Cyrillic
//! "а" in "guаranteed" as a Latin "a", `guar*anteed*` as "guaranteed". Every rule
//! reads the text after [`read_as_shown`]; violations are reported at the
//! columns of the text as written.
//!
//! What is folded: invisible characters (zero-width space, joiners, word
//! joiner, byte-order mark, soft hyphen) are dropped; non-breaking and other
//! fixed-width spaces become a space; full-width ASCII forms become ASCII;
//! Cyrillic and Greek letters that look like Latin ones become those; a `*`
//! touching a letter or digit (Markdown emphasis inside or around a word) is
//! dropped. Lines are never joined, so line numbers stay as written.

/// The normalised text and, per line, the column (0-based, in characters) in
/// the line as written of each character of the normalised line.
pub(crate) struct Reading {
    pub(crate) text: String,
    columns: Vec<Vec<usize>>,
}

impl Reading {
    /// The 1-based column as written of the 1-based column `col` of `line`.
    pub(crate) fn column(&self, line: usize, col: usize) -> usize {
        match self.columns.get(line.wrapping_sub(1)) {
            Some(map) if col >= 1 => {
                map.get(col - 1).map(|c| c + 1).unwrap_or_else(|| map.last().map_or(col, |c| c + 2))
            }
            _ => col,
        }
    }
}

fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => return None,
        '\u{00a0}' | '\u{2007}' | '\u{202f}' | '\u{2009}' | '\u{200a}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        // Cyrillic look-alikes.
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'х' => 'x',
        'у' => 'y',
        'і' => 'i',
        'ѕ' => 's',
        'ј' => 'j',
        'ԁ' => 'd',
        'ӏ' => 'l',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'І' => 'I',
        'Ѕ' => 'S',
        'Ј' => 'J',
        // Greek look-alikes.
        'ο' => 'o',
        'ν' => 'v',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        _ => c,
    })
}

/// Any text as shown (a cited article, for quotations: "E*Trade" in a source
/// reads "ETrade" as a note's quotation of it does).
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    match read_as_shown(text) {
        Some(r) => std::borrow::Cow::Owned(r.text),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// The note as shown, or `None` when it reads as written (most notes).
pub(crate) fn read_as_shown(markdown: &str) -> Option<Reading> {
    let touches = |c: char| matches!(fold(c), Some(f) if f == c);
    let plain = markdown.chars().all(|c| c.is_ascii() && c != '*' || (!c.is_ascii() && touches(c)));
    if plain && !number_words_re().is_match(markdown) {
        return None;
    }
    let folded = fold_text(markdown);
    Some(with_numbers_in_digits(folded))
}

fn fold_text(markdown: &str) -> Reading {
    let mut text = String::with_capacity(markdown.len());
    let mut columns = Vec::new();
    for (i, line) in markdown.split('\n').enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let chars: Vec<char> = line.chars().collect();
        let mut map = Vec::with_capacity(chars.len());
        for (j, &c) in chars.iter().enumerate() {
            // Emphasis touching a word: `guar*anteed*`, `**AAPL**`; not a
            // bullet's `* ` or a lone `*`.
            if c == '*' {
                let word = |k: Option<&char>| k.is_some_and(|x| x.is_alphanumeric() || *x == '*');
                if word(j.checked_sub(1).and_then(|k| chars.get(k))) || word(chars.get(j + 1)) {
                    continue;
                }
            }
            if let Some(f) = fold(c) {
                text.push(f);
                map.push(j);
            }
        }
        columns.push(map);
    }
    Reading { text, columns }
}

use alphadesk_model::{NUMBER_TENS as TENS, NUMBER_UNITS as UNITS};

/// A number written in words: "seventy-two", "thirty", "one hundred and five",
/// "ten" (group 1), with what follows it (group 2) and what comes before it
/// (checked by the caller).
fn number_words_re() -> &'static regex::Regex {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let unit = UNITS.join("|");
        let tens = TENS.join("|");
        let below_100 = format!(r"(?:(?:{tens})(?:[- ](?:{unit}))?|(?:{unit}))");
        regex::Regex::new(&format!(
            r"(?i)\b((?:(?:a|{unit})\s+hundred(?:\s+(?:and\s+)?{below_100})?)|{below_100})\b(\s*(?:%|percent\b|per cent\b|percentage points?\b|points?\b|/\s*100\b|out of 100\b))?"
        ))
        .expect("pattern compiles")
    })
}

fn number_value(words: &str) -> Option<u32> {
    let lower = words.to_lowercase();
    let mut total = 0;
    let mut current = 0;
    for w in lower.split(|c: char| c == '-' || c.is_whitespace()).filter(|w| !w.is_empty() && *w != "and") {
        if let Some(i) = UNITS.iter().position(|u| *u == w) {
            current += i as u32;
        } else if let Some(i) = TENS.iter().position(|t| *t == w) {
            current += 20 + 10 * i as u32;
        } else if w == "hundred" {
            current = current.max(1) * 100;
        } else if w == "a" {
            current += 1;
        } else {
            return None;
        }
    }
    total += current;
    Some(total)
}

/// Numbers written in words read as the digits a reader takes them for: "an
/// Alpha Score of seventy-two" is a score of 72, "lost thirty percent" lost
/// 30%. Words from thirteen up always; one to twelve only as a percentage,
/// points or a score ("ten percent", "a score of nine"), because "one of the
/// companies" and "three insiders" are prose (and counted already).
fn with_numbers_in_digits(r: Reading) -> Reading {
    const SCORE_WORDS: [&str; 6] = ["score of", "scored", "score is", "score at", "score to", "rating of"];
    let mut text = String::with_capacity(r.text.len());
    let mut columns = Vec::with_capacity(r.columns.len());
    for (i, line) in r.text.split('\n').enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let map = &r.columns[i];
        // Byte offset → char index in the line, for the column map.
        let char_at = |b: usize| line[..b].chars().count();
        let mut out_map = Vec::with_capacity(map.len());
        let mut last = 0;
        for c in number_words_re().captures_iter(line) {
            let (Some(whole), Some(words)) = (c.get(0), c.get(1)) else { continue };
            let Some(value) = number_value(words.as_str()) else { continue };
            let before = line[..words.start()].trim_end().to_lowercase();
            let small = value <= 12 && !words.as_str().to_lowercase().contains("hundred");
            let scored = SCORE_WORDS.iter().any(|w| before.ends_with(w));
            if small && c.get(2).is_none() && !scored {
                continue;
            }
            // Text before the number, as it was.
            for (k, ch) in line[last..words.start()].chars().enumerate() {
                text.push(ch);
                out_map.push(map.get(char_at(last) + k).copied().unwrap_or(0));
            }
            let at = map.get(char_at(words.start())).copied().unwrap_or(0);
            for ch in value.to_string().chars() {
                text.push(ch);
                out_map.push(at);
            }
            last = words.end();
            let _ = whole;
        }
        for (k, ch) in line[last..].chars().enumerate() {
            text.push(ch);
            out_map.push(map.get(char_at(last) + k).copied().unwrap_or(0));
        }
        columns.push(out_map);
    }
    Reading { text, columns }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_look_alike_and_emphasis_fold_and_columns_map_back() {
        let r = read_as_shown("x\nExx\u{200b}on Mobil (X\u{200b}OM) is guаr*anteed*").unwrap();
        assert_eq!(r.text, "x\nExxon Mobil (XOM) is guaranteed");
        // "guaranteed" starts at column 22 as shown and 24 as written.
        assert_eq!(r.column(2, 22), 24);
        assert_eq!(r.column(1, 1), 1);
        assert_eq!(read_as_shown("$１６４.６３ and\u{00a0}more").unwrap().text, "$164.63 and more");
        assert!(read_as_shown("Plain text, “quoted” — and ■ bullets.").is_none());
        assert_eq!(read_as_shown("* a bullet, **bold**").unwrap().text, "* a bullet, bold");
    }

    #[test]
    fn numbers_in_words_read_as_digits_where_they_state_a_figure() {
        let read = |t: &str| read_as_shown(t).map(|r| r.text).unwrap_or_else(|| t.to_string());
        assert_eq!(read("an Alpha Score of seventy-two"), "an Alpha Score of 72");
        assert_eq!(read("the shares lost thirty percent"), "the shares lost 30 percent");
        assert_eq!(read("up ten percent, a score of nine"), "up 10 percent, a score of 9");
        assert_eq!(read("one hundred and five points"), "105 points");
        // Prose keeps its words.
        assert_eq!(read("one of the companies, three insiders"), "one of the companies, three insiders");
        // Columns still point at the words as written.
        let r = read_as_shown("x\nscore of seventy-two now").unwrap();
        assert_eq!(r.text, "x\nscore of 72 now");
        assert_eq!(r.column(2, 10), 10);
        assert_eq!(r.column(2, 13), 22);
    }
}
