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
    }
}
