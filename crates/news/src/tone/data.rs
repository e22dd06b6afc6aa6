//! Labelled sentences: PhraseBank's `sentence@label` (latin-1) and CSV `text,label`,
//! the fixed train/test split, and the Loughran–McDonald dictionary baseline.

use super::text::tokens;
use super::{Evidence, Label, Tone, ToneResult};

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    pub label: Label,
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: line {line}: {message}")]
pub struct DataError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

pub use alphadesk_ingest::decode_text as decode;

/// Reads `sentence@label` lines (split at the last `@`) or a CSV with a header
/// naming `text` and `label` columns (`sentence`/`sentiment` accepted too).
pub fn read_labelled(path: &str, bytes: &[u8]) -> Result<Vec<Example>, DataError> {
    let text = decode(bytes);
    let err = |line: usize, message: String| DataError { path: path.to_string(), line, message };
    let first = text.lines().next().unwrap_or("").to_ascii_lowercase();
    let is_csv =
        first.contains(',') && (first.contains("text") || first.contains("sentence")) && first.contains("label")
            || first.contains("sentiment") && first.contains(',');
    let mut out = Vec::new();
    if is_csv {
        let mut rdr = csv_rows(&text);
        let header = rdr.next().unwrap_or_default();
        let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.trim().to_ascii_lowercase().as_str()));
        let t = col(&["text", "sentence"]).ok_or_else(|| err(1, "no text column".into()))?;
        let l = col(&["label", "sentiment"]).ok_or_else(|| err(1, "no label column".into()))?;
        for (i, row) in rdr.enumerate() {
            let line = i + 2;
            let (Some(s), Some(lab)) = (row.get(t), row.get(l)) else {
                return Err(err(line, format!("row has {} fields", row.len())));
            };
            let label = Label::parse(lab).ok_or_else(|| err(line, format!("unknown label {lab:?}")))?;
            out.push(Example { text: s.clone(), label });
        }
    } else {
        for (i, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            let (s, lab) = raw.rsplit_once('@').ok_or_else(|| err(i + 1, "expected sentence@label".into()))?;
            let label = Label::parse(lab).ok_or_else(|| err(i + 1, format!("unknown label {lab:?}")))?;
            out.push(Example { text: s.trim().to_string(), label });
        }
    }
    if out.is_empty() {
        return Err(err(0, "no labelled sentences".into()));
    }
    Ok(out)
}

/// Rows of a small CSV text, header included, every row as strings. Unreadable
/// rows end the iteration early; callers check counts.
pub(crate) fn csv_rows(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .into_records()
        .map_while(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
}

/// The fixed split: a sentence is in the test part when the FNV-1a hash of its
/// text, salted, falls in the lowest 20%. Keyed by text, so a sentence lands on the
/// same side in every agreement file (they are nested), and no randomness is
/// involved: anyone can reproduce it.
pub fn is_test(sentence: &str) -> bool {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in "alphadesk-tone-split-v1|".bytes().chain(sentence.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    (h % 100) < 20
}

/// The Loughran–McDonald baseline: positive words minus negative words (with the
/// lists loaded at run time from the user's copy; they are not shipped).
pub struct DictionaryBaseline {
    pub positive: std::collections::HashSet<String>,
    pub negative: std::collections::HashSet<String>,
}

impl DictionaryBaseline {
    /// Word lists: one word per line, a header line ignored.
    pub fn from_lists(positive: &str, negative: &str) -> Self {
        let set = |s: &str| s.lines().skip(1).map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect();
        DictionaryBaseline { positive: set(positive), negative: set(negative) }
    }
}

impl Tone for DictionaryBaseline {
    fn tone(&self, sentence: &str) -> ToneResult {
        let mut evidence = Vec::new();
        for t in tokens(sentence) {
            if self.positive.contains(t.text.as_ref()) {
                evidence.push(Evidence { text: t.raw.to_string(), weight: 1.0 });
            } else if self.negative.contains(t.text.as_ref()) {
                evidence.push(Evidence { text: t.raw.to_string(), weight: -1.0 });
            }
        }
        let s = evidence.iter().fold(0.0, |acc, e| acc + e.weight);
        let label = match s {
            x if x > 0.0 => Label::Positive,
            x if x < 0.0 => Label::Negative,
            _ => Label::Neutral,
        };
        ToneResult { label, score: (s / 2.0).tanh(), evidence }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_and_errors() {
        let pb = read_labelled("pb", "Sales rose @ 5 % .@positive\nNothing happened .@neutral\n".as_bytes()).unwrap();
        assert_eq!(pb[0].text, "Sales rose @ 5 % .");
        assert_eq!(pb[0].label, Label::Positive);
        let csv = read_labelled("c", b"text,label\n\"Sales fell, a lot\",negative\nok,neutral\n").unwrap();
        assert_eq!(csv[0].text, "Sales fell, a lot");
        assert!(read_labelled("x", b"no label here\n").unwrap_err().to_string().contains("line 1"));
        assert!(read_labelled("x", b"").is_err());
        // latin-1 bytes decode instead of failing.
        let l1 = read_labelled("l1", b"Sepp\xe4l\xe4 grew .@positive\n").unwrap();
        assert_eq!(l1[0].text, "Seppälä grew .");
    }

    #[test]
    fn split_is_stable_and_near_one_fifth() {
        let n = (0..10_000).filter(|i| is_test(&format!("sentence {i}"))).count();
        assert!((1800..2200).contains(&n), "{n}");
        assert_eq!(is_test("Sales rose."), is_test("Sales rose."));
    }
}
