//! The tone evaluation of record: PhraseBank by agreement level, fixed split.

use std::path::Path;

use serde::Serialize;

use super::data::{is_test, read_labelled, DataError, DictionaryBaseline, Example};
use super::lexicon::LexiconModel;
use super::linear::{LinearModel, TrainOptions};
use super::{evaluate, Scores, Tone};

pub const LEVELS: [&str; 4] = ["50Agree", "66Agree", "75Agree", "AllAgree"];

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub level: &'static str,
    pub lexicon: Scores,
    pub loughran_mcdonald: Option<Scores>,
    pub linear: Scores,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub train_sentences: usize,
    pub split: &'static str,
    pub rows: Vec<Row>,
    /// Headline and post sets from other sources, labelled by the sign of their
    /// continuous scores (|score| < 0.05 neutral); the linear model is the one trained
    /// on PhraseBank above, so these are out-of-domain figures for it.
    pub other: Vec<OtherRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OtherRow {
    pub set: &'static str,
    pub lexicon: Scores,
    pub loughran_mcdonald: Option<Scores>,
    pub linear: Scores,
}

fn label_of_score(x: f64) -> super::Label {
    if x >= 0.05 {
        super::Label::Positive
    } else if x <= -0.05 {
        super::Label::Negative
    } else {
        super::Label::Neutral
    }
}

/// SemEval-2017 task 5 headlines and FiQA task 1 headlines and posts, when present
/// beside PhraseBank (`../fiqa`).
fn other_sets(dir: &Path) -> Vec<(&'static str, Vec<Example>)> {
    let mut out = Vec::new();
    if let Ok(t) = std::fs::read_to_string(dir.join("SemEval2017Task5Headlines.json")) {
        if let Ok(items) = serde_json::from_str::<Vec<serde_json::Value>>(&t) {
            let ex = items
                .iter()
                .filter_map(|i| {
                    Some(Example {
                        text: i["title"].as_str()?.to_string(),
                        label: label_of_score(i["sentiment"].as_f64()?),
                    })
                })
                .collect();
            out.push(("SemEval-2017 headlines", ex));
        }
    }
    for (file, name) in
        [("task1_headline_ABSA_train.json", "FiQA headlines"), ("task1_post_ABSA_train.json", "FiQA posts")]
    {
        let Ok(t) = std::fs::read_to_string(dir.join(file)) else { continue };
        let Ok(m) = serde_json::from_str::<std::collections::BTreeMap<String, serde_json::Value>>(&t) else { continue };
        let ex = m
            .values()
            .filter_map(|v| {
                let score: f64 = v["info"][0]["sentiment_score"].as_str()?.parse().ok()?;
                Some(Example { text: v["sentence"].as_str()?.to_string(), label: label_of_score(score) })
            })
            .collect();
        out.push((name, ex));
    }
    out
}

fn score(model: &dyn Tone, test: &[Example]) -> Scores {
    let gold: Vec<_> = test.iter().map(|e| e.label).collect();
    let pred: Vec<_> = test.iter().map(|e| model.tone(&e.text).label).collect();
    evaluate(&gold, &pred)
}

/// Trains the linear model on the train part of `Sentences_50Agree.txt` (the
/// superset) and scores every model on the test part of each agreement level.
/// `lexicons` is the folder with the Loughran–McDonald lists, when available.
pub fn phrasebank(dir: &Path, lexicons: Option<&Path>) -> Result<Report, DataError> {
    let load = |level: &str| -> Result<Vec<Example>, DataError> {
        let p = dir.join(format!("Sentences_{level}.txt"));
        let bytes = std::fs::read(&p).map_err(|e| DataError {
            path: p.display().to_string(),
            line: 0,
            message: e.to_string(),
        })?;
        read_labelled(&p.display().to_string(), &bytes)
    };
    let all = load("50Agree")?;
    let train: Vec<(String, super::Label)> =
        all.iter().filter(|e| !is_test(&e.text)).map(|e| (e.text.clone(), e.label)).collect();
    let linear = LinearModel::train(&train, TrainOptions::default());
    let lm = lexicons.and_then(|d| {
        let pos = std::fs::read(d.join("LoughranMcDonald_Positive.csv")).ok()?;
        let neg = std::fs::read(d.join("LoughranMcDonald_Negative.csv")).ok()?;
        Some(DictionaryBaseline::from_lists(&super::data::decode(&pos), &super::data::decode(&neg)))
    });
    let mut rows = Vec::new();
    for level in LEVELS {
        let test: Vec<Example> = load(level)?.into_iter().filter(|e| is_test(&e.text)).collect();
        rows.push(Row {
            level,
            lexicon: score(&LexiconModel, &test),
            loughran_mcdonald: lm.as_ref().map(|m| score(m, &test)),
            linear: score(&linear, &test),
        });
    }
    let other = dir
        .parent()
        .map(|p| other_sets(&p.join("fiqa")))
        .unwrap_or_default()
        .into_iter()
        .map(|(set, ex)| OtherRow {
            set,
            lexicon: score(&LexiconModel, &ex),
            loughran_mcdonald: lm.as_ref().map(|m| score(m, &ex)),
            linear: score(&linear, &ex),
        })
        .collect();
    Ok(Report {
        other,
        train_sentences: train.len(),
        split: "test = sentences whose salted FNV-1a hash is in the lowest 20% (data::is_test); train = the rest of Sentences_50Agree",
        rows,
    })
}

/// Entity-level tone on SEntFiN's labelled headlines: each (headline, entity, label)
/// scored by the sentence's tone and by the tone of the entity's clause.
#[derive(Debug, Clone, Serialize)]
pub struct EntityReport {
    pub headlines: usize,
    pub sentence_level: Scores,
    pub clause_level: Scores,
    pub multi_entity_sentence_level: Scores,
    pub multi_entity_clause_level: Scores,
}

pub fn sentfin(path: &Path) -> Result<EntityReport, DataError> {
    let err = |line: usize, message: String| DataError { path: path.display().to_string(), line, message };
    let text = std::fs::read_to_string(path).map_err(|e| err(0, e.to_string()))?;
    let mut gold = Vec::new();
    let mut by_sentence = Vec::new();
    let mut by_clause = Vec::new();
    let (mut mg, mut ms, mut mc) = (Vec::new(), Vec::new(), Vec::new());
    let mut headlines = 0;
    let model = LexiconModel;
    for (i, row) in super::data::csv_rows(&text).enumerate().skip(1) {
        let (Some(title), Some(decisions)) = (row.get(1), row.get(2)) else {
            return Err(err(i + 1, "expected S No.,Title,Decisions".into()));
        };
        let labels: std::collections::BTreeMap<String, String> =
            serde_json::from_str(decisions).map_err(|e| err(i + 1, format!("Decisions is not a JSON object: {e}")))?;
        headlines += 1;
        let sentence = model.tone(title).label;
        for (entity, label) in &labels {
            let Some(g) = super::Label::parse(label) else {
                return Err(err(i + 1, format!("unknown label {label:?}")));
            };
            let c = super::entity_tone(&model, title, entity).label;
            gold.push(g);
            by_sentence.push(sentence);
            by_clause.push(c);
            if labels.len() > 1 {
                mg.push(g);
                ms.push(sentence);
                mc.push(c);
            }
        }
    }
    Ok(EntityReport {
        headlines,
        sentence_level: evaluate(&gold, &by_sentence),
        clause_level: evaluate(&gold, &by_clause),
        multi_entity_sentence_level: evaluate(&mg, &ms),
        multi_entity_clause_level: evaluate(&mg, &mc),
    })
}
