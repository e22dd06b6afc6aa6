//! The default tone model: the project's own lexicon and rules.
//!
//! Financial text carries tone less in adjectives than in *what moved which way*:
//! "operating profit rose 34.9 %" is good news, "costs rose" is bad, "the loss
//! narrowed" is good. So the model has three layers, applied in order, each token
//! used at most once:
//! 1. phrases with a fixed tone ("beat estimates", "cut its outlook", "profit
//!    warning", "swung to a loss");
//! 2. direction rules: a movement word (rose, fell, narrowed, doubled, ...) near a
//!    metric word whose direction is good (sales, profit, orders) or bad (loss,
//!    costs, debt) scores their product;
//! 3. single words with a tone (upgrade, growth, lawsuit, layoffs, ...).
//!
//! Each hit is flipped by a negator in the three tokens before it ("did not beat",
//! "no growth") and scaled by an intensifier in the two before ("sharply", 1.5×;
//! "slightly", 0.5×). The sentence score is the sum; its label is positive at +0.75
//! or more, negative at −0.75 or less, neutral between. The reported score is
//! `tanh(sum / 2)`, in [−1, 1]. Every hit is returned as evidence.
//!
//! The lists were written for this project from general financial usage; none is
//! copied from a licensed lexicon, and none was tuned on an evaluation split.

use super::text::{tokens, Token};
use super::{Evidence, Label, Tone, ToneResult};

/// Movement up and down.
const UP: &[&str] = &[
    "rose",
    "rise",
    "rises",
    "rising",
    "risen",
    "increased",
    "increase",
    "increases",
    "increasing",
    "grew",
    "grow",
    "grows",
    "growing",
    "grown",
    "up",
    "jumped",
    "jump",
    "jumps",
    "climbed",
    "climb",
    "climbs",
    "gained",
    "gains",
    "improved",
    "improve",
    "improves",
    "improving",
    "doubled",
    "tripled",
    "surged",
    "surge",
    "surges",
    "soared",
    "soar",
    "higher",
    "boosted",
    "boost",
    "expanded",
    "widened",
    "advanced",
    "rebounded",
    "recovered",
    "strengthened",
    "exceeded",
    "totaled",
    "peaked",
];
const DOWN: &[&str] = &[
    "fell",
    "fall",
    "falls",
    "falling",
    "fallen",
    "decreased",
    "decrease",
    "decreases",
    "decreasing",
    "declined",
    "decline",
    "declines",
    "declining",
    "dropped",
    "drop",
    "drops",
    "dropping",
    "down",
    "slipped",
    "slip",
    "slumped",
    "slump",
    "plunged",
    "plunge",
    "tumbled",
    "tumble",
    "lower",
    "lowered",
    "reduced",
    "reduce",
    "shrank",
    "shrunk",
    "contracted",
    "narrowed",
    "narrow",
    "narrowing",
    "weakened",
    "eased",
    "halved",
    "cut",
    "cuts",
    "deteriorated",
    "sank",
];
/// Metrics where up is good.
const GOOD: &[&str] = &[
    "sales",
    "sale",
    "revenue",
    "revenues",
    "profit",
    "profits",
    "earnings",
    "income",
    "ebit",
    "ebitda",
    "margin",
    "margins",
    "orders",
    "order",
    "growth",
    "dividend",
    "dividends",
    "eps",
    "turnover",
    "demand",
    "production",
    "output",
    "volume",
    "volumes",
    "market",
    "share",
    "shares",
    "price",
    "prices",
    "stock",
    "value",
    "cash",
    "result",
    "results",
    "performance",
    "backlog",
    "traffic",
    "deliveries",
    "bookings",
    "rating",
    "guidance",
    "outlook",
    "forecast",
    "productivity",
    "occupancy",
    "subscribers",
    "customers",
    "efficiency",
    "capacity",
];
/// Metrics where up is bad.
const BAD: &[&str] = &[
    "loss",
    "losses",
    "costs",
    "cost",
    "expenses",
    "expense",
    "debt",
    "debts",
    "unemployment",
    "deficit",
    "writedowns",
    "impairment",
    "impairments",
    "charges",
    "provisions",
    "layoffs",
    "risk",
    "risks",
    "delays",
    "inventories",
    "inventory",
    "liabilities",
    "defaults",
    "churn",
];
const NEGATORS: &[&str] = &[
    "not", "no", "never", "didn't", "doesn't", "don't", "isn't", "wasn't", "won't", "without", "neither", "nor",
    "cannot", "can't", "failed", "fails", "fail", "unable", "lack", "lacked",
];
const STRONG: &[&str] = &[
    "sharply",
    "significantly",
    "strongly",
    "substantially",
    "considerably",
    "dramatically",
    "greatly",
    "steeply",
    "record",
];
const WEAK: &[&str] = &["slightly", "marginally", "modestly", "somewhat", "moderately"];

const POSITIVE_WORDS: &[(&str, f64)] = &[
    ("upgrade", 1.5),
    ("upgraded", 1.5),
    ("upgrades", 1.5),
    ("outperform", 1.5),
    ("outperformed", 1.5),
    ("beat", 1.0),
    ("beats", 1.0),
    ("record", 0.75),
    ("strong", 1.0),
    ("stronger", 1.0),
    ("strongest", 1.0),
    ("robust", 1.0),
    ("solid", 0.75),
    ("success", 1.0),
    ("successful", 1.0),
    ("successfully", 1.0),
    ("profitable", 1.0),
    ("profitability", 0.75),
    ("win", 1.0),
    ("wins", 1.0),
    ("won", 1.0),
    ("awarded", 1.0),
    ("award", 0.75),
    ("optimistic", 1.0),
    ("positive", 0.75),
    ("favorable", 1.0),
    ("favourable", 1.0),
    ("expansion", 0.75),
    ("expand", 0.75),
    ("expands", 0.75),
    ("growth", 0.75),
    ("improvement", 1.0),
    ("improvements", 1.0),
    ("gain", 0.75),
    ("rally", 1.0),
    ("rallied", 1.0),
    ("boom", 1.0),
    ("breakthrough", 1.0),
    ("exceeds", 1.0),
    ("upbeat", 1.0),
    ("bullish", 1.0),
    ("buy", 0.5),
    ("upside", 0.75),
    ("recovery", 0.75),
    ("efficient", 0.5),
    ("innovative", 0.5),
    ("best", 0.75),
    ("excellent", 1.0),
    ("good", 0.75),
    ("healthy", 0.75),
];
const NEGATIVE_WORDS: &[(&str, f64)] = &[
    ("downgrade", -1.5),
    ("downgraded", -1.5),
    ("downgrades", -1.5),
    ("underperform", -1.5),
    ("loss", -0.75),
    ("losses", -0.75),
    ("lossmaking", -1.0),
    ("weak", -1.0),
    ("weaker", -1.0),
    ("weakness", -1.0),
    ("miss", -1.0),
    ("missed", -1.0),
    ("misses", -1.0),
    ("warning", -1.0),
    ("warns", -1.5),
    ("warned", -1.5),
    ("lawsuit", -1.0),
    ("lawsuits", -1.0),
    ("fraud", -1.5),
    ("investigation", -0.75),
    ("probe", -0.75),
    ("bankrupt", -2.0),
    ("bankruptcy", -2.0),
    ("insolvency", -2.0),
    ("default", -1.0),
    ("layoffs", -1.0),
    ("redundancies", -1.0),
    ("impairment", -1.0),
    ("writedown", -1.0),
    ("write-down", -1.0),
    ("slump", -1.0),
    ("plunge", -1.0),
    ("tumble", -1.0),
    ("crisis", -1.0),
    ("concern", -0.75),
    ("concerns", -0.75),
    ("fears", -1.0),
    ("fear", -0.75),
    ("deficit", -0.75),
    ("shortfall", -1.0),
    ("delay", -0.75),
    ("delayed", -0.75),
    ("recall", -1.0),
    ("fined", -1.0),
    ("fine", -0.5),
    ("penalty", -1.0),
    ("closure", -1.0),
    ("strike", -0.75),
    ("negative", -0.75),
    ("bearish", -1.0),
    ("sell", -0.5),
    ("downside", -0.75),
    ("difficult", -0.75),
    ("challenging", -0.75),
    ("uncertainty", -0.5),
    ("volatile", -0.5),
    ("bad", -1.0),
    ("poor", -1.0),
    ("worse", -1.0),
    ("worst", -1.0),
    ("struggle", -1.0),
    ("struggling", -1.0),
    ("terminated", -0.75),
    ("dispute", -0.75),
    ("cuts", -0.5),
    ("restructuring", -0.5),
    ("dismissals", -1.0),
    ("lay-offs", -1.0),
    ("decline", -0.75),
    ("drop", -0.75),
];
/// Phrases with a fixed tone, matched before anything else.
const PHRASES: &[(&str, f64)] = &[
    ("beat estimates", 2.0),
    ("beat expectations", 2.0),
    ("beats estimates", 2.0),
    ("beats expectations", 2.0),
    ("above expectations", 1.5),
    ("above estimates", 1.5),
    ("better than expected", 1.5),
    ("below expectations", -1.5),
    ("below estimates", -1.5),
    ("worse than expected", -1.5),
    ("missed estimates", -2.0),
    ("missed expectations", -2.0),
    ("profit warning", -2.5),
    ("cut its outlook", -2.0),
    ("cuts its outlook", -2.0),
    ("cut its forecast", -2.0),
    ("cuts its forecast", -2.0),
    ("cut its guidance", -2.0),
    ("lowered its guidance", -2.0),
    ("lowered guidance", -2.0),
    ("cut guidance", -2.0),
    ("raised its guidance", 2.0),
    ("raises its guidance", 2.0),
    ("raised guidance", 2.0),
    ("raised its outlook", 2.0),
    ("raises its outlook", 2.0),
    ("raised its forecast", 2.0),
    ("swung to a loss", -2.0),
    ("swung to a profit", 2.0),
    ("turned to a loss", -2.0),
    ("turned to a profit", 2.0),
    ("returned to profit", 2.0),
    ("back to profit", 2.0),
    ("returned to profitability", 2.0),
    ("all-time high", 1.5),
    ("record high", 1.5),
    ("record low", -1.5),
    ("52-week low", -1.0),
    ("going concern", -1.5),
    ("chapter 11", -2.0),
    ("job cuts", -1.5),
    ("cut jobs", -1.5),
    ("to cut", -0.75),
    ("temporary layoffs", -1.0),
    ("in line with", 0.0),
    ("no longer", -0.5),
];

/// Tokens scanned for the metric of a movement word: this many before it, two after.
const METRIC_BEFORE: usize = 5;
const METRIC_AFTER: usize = 3;
const DIRECTION_WEIGHT: f64 = 1.5;
pub const THRESHOLD: f64 = 0.75;

#[derive(Debug, Clone, Default)]
pub struct LexiconModel;

type PhraseIndex = std::collections::HashMap<&'static str, Vec<(Vec<&'static str>, f64)>>;

/// Phrases by first word, longest first, built once.
fn phrase_index() -> &'static PhraseIndex {
    static INDEX: std::sync::OnceLock<PhraseIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m: PhraseIndex = Default::default();
        for (p, w) in PHRASES {
            let words: Vec<&'static str> = p.split(' ').collect();
            m.entry(words[0]).or_default().push((words, *w));
        }
        for v in m.values_mut() {
            v.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        }
        m
    })
}

/// The word lists as hash sets, built once: a sentence looks up every token in
/// each of them, and linear scans dominated the model's cost.
struct Sets {
    up: std::collections::HashSet<&'static str>,
    down: std::collections::HashSet<&'static str>,
    good: std::collections::HashSet<&'static str>,
    bad: std::collections::HashSet<&'static str>,
    negators: std::collections::HashSet<&'static str>,
    words: std::collections::HashMap<&'static str, f64>,
}

fn sets() -> &'static Sets {
    static SETS: std::sync::OnceLock<Sets> = std::sync::OnceLock::new();
    SETS.get_or_init(|| Sets {
        up: UP.iter().copied().collect(),
        down: DOWN.iter().copied().collect(),
        good: GOOD.iter().copied().collect(),
        bad: BAD.iter().copied().collect(),
        negators: NEGATORS.iter().copied().collect(),
        // Positive entries are inserted last: a word on both lists reads as positive.
        words: NEGATIVE_WORDS.iter().chain(POSITIVE_WORDS).map(|(w, v)| (*w, *v)).collect(),
    })
}

impl LexiconModel {
    /// The context multiplier for a hit spanning tokens `i..=end`: a negator among
    /// the three tokens before flips it; an intensifier among the two before, or
    /// right after ("rose sharply"), scales it.
    fn context(toks: &[Token<'_>], i: usize, end: usize) -> (f64, Option<String>) {
        let mut m = 1.0;
        let mut note = None;
        for t in &toks[i.saturating_sub(3)..i] {
            if sets().negators.contains(t.text.as_ref()) || t.text.ends_with("n't") {
                m = -m;
                note = Some(t.raw.to_string());
            }
        }
        let after = toks.get(end + 1).into_iter();
        for t in toks[i.saturating_sub(2)..i].iter().chain(after) {
            if STRONG.contains(&t.text.as_ref()) {
                m *= 1.5;
            } else if WEAK.contains(&t.text.as_ref()) {
                m *= 0.5;
            }
        }
        (m, note)
    }
}

impl Tone for LexiconModel {
    fn tone(&self, sentence: &str) -> ToneResult {
        let toks = tokens(sentence);
        let n = toks.len();
        let mut used = vec![false; n];
        let mut evidence: Vec<Evidence> = Vec::new();
        let mut push = |text: String, w: f64, mult: (f64, Option<String>)| {
            let weight = w * mult.0;
            if weight != 0.0 {
                let text = match mult.1 {
                    Some(neg) => format!("{neg} … {text}"),
                    None => text,
                };
                evidence.push(Evidence { text, weight });
            }
        };
        // 1. Phrases, found by their first word.
        for i in 0..n {
            let Some(candidates) = phrase_index().get(toks[i].text.as_ref()) else { continue };
            for (words, w) in candidates {
                let k = words.len();
                if i + k <= n && !used[i..i + k].iter().any(|u| *u) && (0..k).all(|j| toks[i + j].text == words[j]) {
                    used[i..i + k].iter_mut().for_each(|u| *u = true);
                    let raw = toks[i..i + k].iter().map(|t| t.raw).collect::<Vec<_>>().join(" ");
                    push(raw, *w, Self::context(&toks, i, i + k - 1));
                    break;
                }
            }
        }
        // 2. Movement × metric.
        for i in 0..n {
            if used[i] {
                continue;
            }
            let dir = if sets().up.contains(toks[i].text.as_ref()) {
                1.0
            } else if sets().down.contains(toks[i].text.as_ref()) {
                -1.0
            } else {
                continue;
            };
            let lo = i.saturating_sub(METRIC_BEFORE);
            let hi = (i + METRIC_AFTER + 1).min(n);
            // The nearest metric word wins, looking back first ("profit rose").
            let metric = (lo..i).rev().chain(i + 1..hi).find_map(|j| {
                let w = toks[j].text.as_ref();
                if sets().good.contains(w) {
                    Some((j, 1.0))
                } else if sets().bad.contains(w) {
                    Some((j, -1.0))
                } else {
                    None
                }
            });
            if let Some((j, sign)) = metric {
                used[i] = true;
                used[j] = true;
                let (a, b) = if j < i { (j, i) } else { (i, j) };
                let text = format!("{} … {}", toks[a].raw, toks[b].raw);
                push(text, DIRECTION_WEIGHT * dir * sign, Self::context(&toks, a, b));
            }
        }
        // 3. Single words.
        for i in 0..n {
            if used[i] {
                continue;
            }
            let w = toks[i].text.as_ref();
            if let Some(&v) = sets().words.get(w) {
                used[i] = true;
                push(toks[i].raw.to_string(), v, Self::context(&toks, i, i));
            }
        }
        // Folded from +0.0: an empty sum of floats is -0.0, which would print as "-0".
        let sum = evidence.iter().fold(0.0, |acc, e| acc + e.weight);
        let label = if sum >= THRESHOLD {
            Label::Positive
        } else if sum <= -THRESHOLD {
            Label::Negative
        } else {
            Label::Neutral
        };
        evidence.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
        ToneResult { label, score: (sum / 2.0).tanh(), evidence }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(s: &str) -> Label {
        LexiconModel.tone(s).label
    }

    #[test]
    fn direction_follows_the_metric() {
        assert_eq!(label("Operating profit rose 34.9 % to EUR 23.5 mn."), Label::Positive);
        assert_eq!(label("Net sales decreased by 5 % in the quarter."), Label::Negative);
        assert_eq!(label("Costs increased sharply."), Label::Negative);
        assert_eq!(label("The pre-tax loss narrowed to EUR 2 mn."), Label::Positive);
        assert_eq!(label("The company's headquarters are in Helsinki."), Label::Neutral);
    }

    #[test]
    fn negation_intensity_and_phrases() {
        assert_eq!(label("Results beat estimates."), Label::Positive);
        assert_eq!(label("The company did not beat expectations."), Label::Negative);
        assert_eq!(label("The retailer cut its outlook for the year."), Label::Negative);
        assert_eq!(label("Analysts downgraded the stock."), Label::Negative);
        assert_eq!(label("A profit warning hit the shares."), Label::Negative);
        assert_eq!(label("There was no growth."), Label::Negative);
        let strong = LexiconModel.tone("Sales rose sharply.").score;
        let weak = LexiconModel.tone("Sales rose slightly.").score;
        assert!(strong > weak && weak > 0.0);
        let r = LexiconModel.tone("Sales rose.");
        assert_eq!(r.evidence[0].text, "Sales … rose");
        assert_eq!(r.evidence[0].weight, 1.5);
    }
}
