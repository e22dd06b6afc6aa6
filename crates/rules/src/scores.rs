//! `score-consistency`: Alpha Scores, pillar scores and labels in a note equal the
//! ones computed on its date.

use crate::RuleId;
use std::sync::OnceLock;

use alphadesk_score::{Label, Pillar};
use regex::Regex;

use crate::note::{self, Line};
use crate::numbers::Mention;
use crate::{re, Run};

pub(crate) fn pillar_named(text: &str) -> Option<Pillar> {
    let lower = text.to_lowercase();
    Pillar::ALL.iter().filter_map(|p| lower.rfind(p.name()).map(|i| (i, *p))).max_by_key(|(i, _)| *i).map(|(_, p)| p)
}

pub(crate) fn label_word(s: &str) -> Option<Option<Label>> {
    match s {
        "weak" => Some(Some(Label::Weak)),
        "moderate" => Some(Some(Label::Moderate)),
        "strong" => Some(Some(Label::Strong)),
        "unscored" => Some(None),
        _ => None,
    }
}

impl Run<'_, '_> {
    pub(crate) fn score_number(&mut self, l: &Line<'_>, m: &Mention, pillar: Option<Pillar>, previous: bool) {
        if !self.on(RuleId::ScoreConsistency) {
            return;
        }
        let Some(d) = self.dossier.clone() else { return };
        let record = if previous { d.previous.as_ref() } else { Some(&d.record) };
        let what = pillar.map(|p| format!("{p} score")).unwrap_or_else(|| "Alpha Score".into());
        let when = if previous { "a month before the note's date" } else { "on the note's date" };
        let expected = record.and_then(|r| match pillar {
            Some(p) => r.pillars.get(&p).and_then(|s| s.score),
            None => r.alpha_score,
        });
        let text = &l.text[m.start..m.end];
        match expected {
            Some(e) if (f64::from(e) - m.value).abs() < 0.5 => {}
            Some(e) => self.flag(
                RuleId::ScoreConsistency,
                l.number,
                self.column(l.text, m.start),
                text,
                format!("the {what} of {} {when} ({}) is {e}, not {}", self.subject, d.as_of, m.value),
            ),
            None => self.flag(
                RuleId::ScoreConsistency,
                l.number,
                self.column(l.text, m.start),
                text,
                format!("{} has no {what} {when} ({})", self.subject, d.as_of),
            ),
        }
    }

    /// Labels in sentences about the score: "categorized as Moderate", "strong momentum".
    pub(crate) fn score_labels(&mut self, l: &Line<'_>) {
        static R: OnceLock<Regex> = OnceLock::new();
        let r = re(
            r"(?i)(?-u:\b)(?:categori[sz]ed as (weak|moderate|strong)|(weak|moderate|strong) overall profile|(weak|moderate|strong|unscored) (momentum|value|quality|sentiment))(?-u:\b)",
            &R,
        );
        if !self.on(RuleId::ScoreConsistency) {
            return;
        }
        let focus = self.line_focus(l);
        for (s, e) in note::sentences(l.text) {
            let sentence = &l.text[s..e];
            if !sentence.to_lowercase().contains("alpha score") {
                continue;
            }
            if !self.single {
                let f = focus.iter().find(|((a, b), _)| s >= *a && s < *b).and_then(|(_, t)| t.clone());
                self.focus_on(f.as_deref());
            }
            let Some(d) = self.dossier.clone() else { continue };
            for c in r.captures_iter(sentence) {
                let m = c.get(0).expect("whole");
                let (said, expected, what) = if let Some(w) = c.get(1).or(c.get(2)) {
                    (label_word(&w.as_str().to_lowercase()).flatten(), d.record.category, "Alpha Score".to_string())
                } else {
                    let w = c.get(3).map(|x| x.as_str().to_lowercase()).unwrap_or_default();
                    let p = c.get(4).map(|x| x.as_str().to_lowercase()).unwrap_or_default();
                    let pillar = Pillar::ALL.into_iter().find(|x| x.name() == p);
                    let expected = pillar.and_then(|p| d.record.pillars.get(&p)).and_then(|s| s.label);
                    (label_word(&w).flatten(), expected, format!("{p} pillar"))
                };
                if said != expected {
                    let word = |x: Option<Label>| x.map(|l| l.word().to_string()).unwrap_or_else(|| "unscored".into());
                    self.flag(
                        RuleId::ScoreConsistency,
                        l.number,
                        self.column(l.text, s + m.start()),
                        m.as_str(),
                        format!(
                            "the {what} of {} on {} is {}, not {}",
                            self.subject,
                            d.as_of,
                            word(expected),
                            word(said)
                        ),
                    );
                }
            }
        }
    }

    pub(crate) fn front_matter_score(&mut self) {
        let Some(d) = self.dossier.clone() else { return };
        if let Some((v, line)) = self.note.front.get("alpha_score") {
            let want = d.record.alpha_score.map(|a| a.to_string()).unwrap_or_else(|| "none".into());
            if v.trim() != want {
                self.flag(
                    RuleId::ScoreConsistency,
                    *line,
                    1,
                    v,
                    format!("front matter says alpha_score {v}; computed on {} it is {want}", d.as_of),
                );
            }
        }
        if let Some((v, line)) = self.note.front.get("category") {
            let want = d.record.category.map(|c| c.word()).unwrap_or("none");
            if !v.trim().eq_ignore_ascii_case(want) {
                self.flag(
                    RuleId::ScoreConsistency,
                    *line,
                    1,
                    v,
                    format!("front matter says category {v}; computed on {} it is {want}", d.as_of),
                );
            }
        }
    }
}
