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
    if plain {
        return None;
    }
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
    Some(Reading { text, columns })
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
}
