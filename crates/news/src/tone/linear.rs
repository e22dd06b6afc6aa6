//! A trainable tone model: multinomial logistic regression over hashed features.
//!
//! Features per sentence: lower-cased words, word bigrams, words in the scope of a
//! negator (`NOT_beat`), number-shape tokens, and the signed hits of the lexicon
//! model (`LEX+dir`, `LEX-word`), so that the learned model starts from the rules and
//! learns the corpus' own vocabulary on top. Features are hashed (FNV-1a) into
//! 2^18 buckets: no vocabulary to store, constant memory, and unseen words cost
//! nothing. Training is AdaGrad on the softmax loss with L2, in a fixed order
//! shuffled by a seeded generator, so the same data gives the same model bytes.

use std::io::{Read, Write};

use super::lexicon::LexiconModel;
use super::text::tokens;
use super::{Evidence, Label, Tone, ToneResult};

pub const BUCKETS: usize = 1 << 18;
const CLASSES: usize = 3;
const MAGIC: &[u8; 8] = b"ADTONE1\n";

#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f64,
    pub l2: f64,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 12, learning_rate: 0.2, l2: 1e-6, seed: 7 }
    }
}

#[derive(Debug, Clone)]
pub struct LinearModel {
    weights: Vec<f32>, // BUCKETS x CLASSES
    bias: [f32; CLASSES],
}

fn hash(s: &str) -> usize {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    (h % BUCKETS as u64) as usize
}

/// The feature strings of a sentence (duplicates kept: counts matter).
pub fn features(sentence: &str) -> Vec<String> {
    let toks = tokens(sentence);
    let words: Vec<String> = toks
        .iter()
        .map(|t| if t.text.chars().any(|c| c.is_ascii_digit()) { "<num>".to_string() } else { t.text.to_string() })
        .collect();
    let mut out = Vec::with_capacity(words.len() * 3 + 4);
    let mut negated = 0usize;
    for (i, w) in words.iter().enumerate() {
        out.push(format!("w:{w}"));
        if negated > 0 {
            out.push(format!("NOT_{w}"));
            negated -= 1;
        }
        if matches!(w.as_str(), "not" | "no" | "never" | "without") || w.ends_with("n't") {
            negated = 3;
        }
        if i + 1 < words.len() {
            out.push(format!("b:{w} {}", words[i + 1]));
        }
    }
    for e in LexiconModel.tone(sentence).evidence {
        let kind = if e.text.contains('…') { "dir" } else { "word" };
        out.push(format!("LEX{}{kind}", if e.weight > 0.0 { '+' } else { '-' }));
    }
    out.push("<bias>".into());
    out
}

impl LinearModel {
    fn logits(&self, feats: &[usize]) -> [f64; CLASSES] {
        let mut z = [0.0; CLASSES];
        for (c, zc) in z.iter_mut().enumerate() {
            *zc = self.bias[c] as f64 + feats.iter().map(|&f| self.weights[f * CLASSES + c] as f64).sum::<f64>();
        }
        z
    }

    fn softmax(z: [f64; CLASSES]) -> [f64; CLASSES] {
        let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e = z.map(|x| (x - m).exp());
        let s: f64 = e.iter().sum();
        e.map(|x| x / s)
    }

    pub fn train(examples: &[(String, Label)], opts: TrainOptions) -> LinearModel {
        let data: Vec<(Vec<usize>, usize)> =
            examples.iter().map(|(t, l)| (features(t).iter().map(|f| hash(f)).collect(), l.index())).collect();
        let mut m = LinearModel { weights: vec![0.0; BUCKETS * CLASSES], bias: [0.0; CLASSES] };
        let mut g2 = vec![0.0f32; BUCKETS * CLASSES];
        let mut gb = [0.0f64; CLASSES];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut seed = opts.seed;
        for _ in 0..opts.epochs {
            for i in (1..order.len()).rev() {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                order.swap(i, (seed >> 33) as usize % (i + 1));
            }
            for &k in &order {
                let (feats, y) = &data[k];
                let p = Self::softmax(m.logits(feats));
                for c in 0..CLASSES {
                    let g = p[c] - if c == *y { 1.0 } else { 0.0 };
                    for &f in feats {
                        let idx = f * CLASSES + c;
                        let grad = g + opts.l2 * m.weights[idx] as f64;
                        g2[idx] += (grad * grad) as f32;
                        m.weights[idx] -= (opts.learning_rate * grad / (g2[idx] as f64).sqrt().max(1e-8)) as f32;
                    }
                    gb[c] += g * g;
                    m.bias[c] -= (opts.learning_rate * g / gb[c].sqrt().max(1e-8)) as f32;
                }
            }
        }
        m
    }

    pub fn save(&self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(MAGIC)?;
        w.write_all(&(BUCKETS as u32).to_le_bytes())?;
        for b in self.bias {
            w.write_all(&b.to_le_bytes())?;
        }
        let mut buf = Vec::with_capacity(self.weights.len() * 4);
        for x in &self.weights {
            buf.extend_from_slice(&x.to_le_bytes());
        }
        w.write_all(&buf)
    }

    pub fn load(r: &mut impl Read) -> Result<LinearModel, String> {
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err("not an alphadesk tone model (bad header)".into());
        }
        let buckets = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize;
        let want = 12 + CLASSES * 4 + buckets * CLASSES * 4;
        if buckets != BUCKETS || bytes.len() != want {
            return Err(format!("model file has {} bytes, expected {want} for {BUCKETS} buckets", bytes.len()));
        }
        let f = |i: usize| f32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        let bias = [f(12), f(16), f(20)];
        let weights = (0..buckets * CLASSES).map(|k| f(24 + 4 * k)).collect();
        Ok(LinearModel { weights, bias })
    }
}

impl Tone for LinearModel {
    fn tone(&self, sentence: &str) -> ToneResult {
        let names = features(sentence);
        let feats: Vec<usize> = names.iter().map(|f| hash(f)).collect();
        let p = Self::softmax(self.logits(&feats));
        let best = (0..CLASSES).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(1);
        let label = Label::ALL[best];
        // A feature's evidence: how much it pushes positive over negative.
        let mut ev: Vec<Evidence> = names
            .iter()
            .zip(&feats)
            .filter(|(n, _)| n.as_str() != "<bias>")
            .map(|(n, &f)| Evidence {
                text: n.clone(),
                weight: (self.weights[f * CLASSES + Label::Positive.index()]
                    - self.weights[f * CLASSES + Label::Negative.index()]) as f64,
            })
            .filter(|e| e.weight.abs() > 1e-3)
            .collect();
        ev.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
        ev.dedup_by(|a, b| a.text == b.text);
        ev.truncate(5);
        ToneResult { label, score: p[Label::Positive.index()] - p[Label::Negative.index()], evidence: ev }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_toy_corpus_and_round_trips() {
        let mut ex = Vec::new();
        for w in ["alpha", "beta", "gamma", "delta"] {
            ex.push((format!("the {w} widget soared today"), Label::Positive));
            ex.push((format!("the {w} widget collapsed today"), Label::Negative));
            ex.push((format!("the {w} widget exists today"), Label::Neutral));
        }
        let m = LinearModel::train(&ex, TrainOptions::default());
        assert_eq!(m.tone("an epsilon widget soared").label, Label::Positive);
        assert_eq!(m.tone("an epsilon widget collapsed").label, Label::Negative);
        let mut buf = Vec::new();
        m.save(&mut buf).unwrap();
        let back = LinearModel::load(&mut buf.as_slice()).unwrap();
        assert_eq!(back.tone("widget collapsed"), m.tone("widget collapsed"));
        assert!(LinearModel::load(&mut &b"garbage"[..]).is_err());
        assert!(LinearModel::load(&mut &buf[..100]).is_err());
        // Deterministic: the same data gives the same bytes.
        let mut again = Vec::new();
        LinearModel::train(&ex, TrainOptions::default()).save(&mut again).unwrap();
        assert_eq!(buf, again);
    }
}
