//! Tokens for the tone models: lower-case words and numbers, with the byte span
//! each came from so that evidence can quote the original text.

#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    /// Lower case; borrowed when the word already is (most words are), which
    /// spares an allocation per token on the tone model's hot path.
    pub text: std::borrow::Cow<'a, str>,
    pub raw: &'a str,
}

/// Splits on anything that is not a letter, digit, apostrophe inside a word, or `%`.
/// Decimal points inside numbers stay (`5.2`).
pub fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap_or(' ');
        if c.is_alphanumeric() || c == '%' {
            let start = i;
            let mut j = i;
            while j < s.len() {
                let d = s[j..].chars().next().unwrap_or(' ');
                let inner = (d == '\'' || d == '.' || d == ',' || d == '-')
                    && j + 1 < s.len()
                    && s[j + 1..].chars().next().is_some_and(|n| n.is_alphanumeric())
                    && j > start
                    && (d != '.' && d != ',' || b[j - 1].is_ascii_digit());
                if d.is_alphanumeric() || d == '%' || inner {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            let raw = &s[start..j];
            let text = if raw.chars().any(char::is_uppercase) {
                std::borrow::Cow::Owned(raw.to_lowercase())
            } else {
                std::borrow::Cow::Borrowed(raw)
            };
            out.push(Token { text, raw });
            i = j;
        } else {
            i += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_numbers_and_contractions() {
        let t: Vec<String> = tokens("Net sales rose 5.2 % to EUR 1,200 mn; it didn't beat.")
            .into_iter()
            .map(|t| t.text.into_owned())
            .collect();
        assert_eq!(t, ["net", "sales", "rose", "5.2", "%", "to", "eur", "1,200", "mn", "it", "didn't", "beat"]);
        assert!(tokens("").is_empty());
        assert_eq!(tokens("pre-tax loss")[0].text, "pre-tax");
    }
}
