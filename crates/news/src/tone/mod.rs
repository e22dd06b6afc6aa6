//! Sentence tone: labels, evidence, reading labelled data, and evaluation.

pub mod data;
pub mod eval;
pub mod lexicon;
pub mod linear;
pub mod text;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Negative,
    Neutral,
    Positive,
}

impl Label {
    pub const ALL: [Label; 3] = [Label::Negative, Label::Neutral, Label::Positive];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(s: &str) -> Option<Label> {
        match s.trim().to_ascii_lowercase().as_str() {
            "positive" | "pos" | "1" | "+1" => Some(Label::Positive),
            "neutral" | "neu" | "0" => Some(Label::Neutral),
            "negative" | "neg" | "-1" => Some(Label::Negative),
            _ => None,
        }
    }
}

/// One piece of evidence: the text that moved the score, and by how much.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub text: String,
    pub weight: f64,
}

/// The tone of one sentence: `{"label", "score", "evidence"}`. `score` is in
/// [-1, 1]: negative to positive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToneResult {
    pub label: Label,
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

pub trait Tone {
    fn tone(&self, sentence: &str) -> ToneResult;
}

/// Accuracy and macro-F1 of predictions against gold labels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
}

pub fn evaluate(gold: &[Label], predicted: &[Label]) -> Scores {
    let n = gold.len();
    let correct = gold.iter().zip(predicted).filter(|(a, b)| a == b).count();
    let mut f1s = Vec::new();
    for l in Label::ALL {
        let tp = gold.iter().zip(predicted).filter(|(g, p)| **g == l && **p == l).count() as f64;
        let fp = gold.iter().zip(predicted).filter(|(g, p)| **g != l && **p == l).count() as f64;
        let fn_ = gold.iter().zip(predicted).filter(|(g, p)| **g == l && **p != l).count() as f64;
        let prec = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        let rec = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
        f1s.push(if prec + rec > 0.0 { 2.0 * prec * rec / (prec + rec) } else { 0.0 });
    }
    Scores {
        n,
        accuracy: if n == 0 { 0.0 } else { correct as f64 / n as f64 },
        macro_f1: f1s.iter().sum::<f64>() / 3.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_f1_by_hand() {
        use Label::*;
        let gold = [Positive, Positive, Neutral, Negative];
        let pred = [Positive, Neutral, Neutral, Negative];
        let s = evaluate(&gold, &pred);
        assert_eq!(s.accuracy, 0.75);
        // F1: positive 2/3 (p 1, r 0.5), neutral 2/3 (p 0.5, r 1), negative 1.
        assert!((s.macro_f1 - (2.0 / 3.0 + 2.0 / 3.0 + 1.0) / 3.0).abs() < 1e-12);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn tone_never_panics_and_stays_in_range(s in "\\PC{0,200}") {
            let r = lexicon::LexiconModel.tone(&s);
            prop_assert!((-1.0..=1.0).contains(&r.score));
            let _ = linear::features(&s);
        }

        #[test]
        fn clauses_and_sentences_never_split_a_character(
            s in "[A-Za-z \u{a0}\u{2009}\u{3000}İ’.,;!?\n]{0,120}",
            span in "[A-Za-zİ]{1,4}",
        ) {
            let _ = clause_containing(&s, &span);
            let _ = crate::article::sentences(&s);
        }
    }
}

/// The clause of `sentence` that contains `span`: the sentence cut at `;`, `:`,
/// `,`, and the contrast words "but", "while", "whereas", "though", "however".
/// Headlines that name two companies usually say one thing about each, in its own
/// clause ("Gold shines on demand; Silver dull"). Falls back to the whole sentence
/// when the span is not found.
pub fn clause_containing<'a>(sentence: &'a str, span: &str) -> &'a str {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` slice
    // `sentence` (full Unicode lower-casing changes lengths: `İ`).
    let lower = sentence.to_ascii_lowercase();
    let Some(at) = lower.find(&span.to_ascii_lowercase()) else { return sentence };
    let mut cuts: Vec<usize> = vec![0, sentence.len()];
    for (i, c) in sentence.char_indices() {
        if matches!(c, ';' | ':' | ',') {
            cuts.push(i + 1);
        }
    }
    for word in [" but ", " while ", " whereas ", " though ", " however ", " even as "] {
        let mut from = 0;
        while let Some(p) = lower[from..].find(word) {
            cuts.push(from + p + 1);
            from += p + word.len();
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let start = cuts.iter().copied().filter(|&c| c <= at).max().unwrap_or(0);
    let end = cuts
        .iter()
        .copied()
        .filter(|&c| c > at + span.len().min(sentence.len() - at).saturating_sub(1))
        .min()
        .unwrap_or(sentence.len());
    // `lower` and `sentence` share byte offsets for ASCII; guard non-ASCII.
    sentence.get(start..end).map(str::trim).filter(|s| !s.is_empty()).unwrap_or(sentence)
}

/// Tone towards one entity in a sentence: the tone of its clause, or of the whole
/// sentence when the clause says nothing.
pub fn entity_tone(model: &dyn Tone, sentence: &str, entity: &str) -> ToneResult {
    entity_tone_from(model, sentence, &model.tone(sentence), entity)
}

/// [`entity_tone`] when the sentence's own tone is already known: a one-clause
/// sentence, or a clause that says nothing, costs no second scoring.
pub fn entity_tone_from(model: &dyn Tone, sentence: &str, sentence_tone: &ToneResult, entity: &str) -> ToneResult {
    let clause = clause_containing(sentence, entity);
    if clause.len() == sentence.trim().len() {
        return sentence_tone.clone();
    }
    let t = model.tone(clause);
    if t.evidence.is_empty() {
        sentence_tone.clone()
    } else {
        t
    }
}

#[cfg(test)]
mod entity_tests {
    use super::*;

    #[test]
    fn clauses_split_contrasts() {
        assert_eq!(clause_containing("Gold shines on demand; Silver dull", "Silver"), "Silver dull");
        assert_eq!(clause_containing("Apple sales rose, but Dell profit fell", "Dell"), "but Dell profit fell");
        let m = lexicon::LexiconModel;
        assert_eq!(entity_tone(&m, "Apple sales rose, but Dell profit fell", "Dell").label, Label::Negative);
        assert_eq!(entity_tone(&m, "Apple sales rose, but Dell profit fell", "Apple").label, Label::Positive);
    }
}
