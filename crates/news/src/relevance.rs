//! How much an article is about a company, from 0 to 100.
//!
//! Being linked says only that an article names a company; a theme story must
//! also know whether the article is *about* it. A company in the headline, or the
//! actor of the lead ("Apple said ..."), is what an article is about; a company
//! in a passing list ("... rivals such as Apple and Samsung") is not, however
//! prominent the company. The score adds up what a reader would notice:
//!
//! | where and how | points |
//! |---|---|
//! | named in the headline | 40 |
//! | named in the lead (first sentence of the body) | 10 |
//! | ... as the lead's actor | 10 more |
//! | the actor of a sentence (it starts the sentence, or "said", "reported", ... follows it) | 15 |
//! | share of the article's sentences naming it, up to 30% | 0–25 |
//!
//! and a company named only in lists, never in the headline, keeps 40% of its
//! points. [`RELEVANT`] is the threshold a story uses; the calibration on
//! hand-labelled cases (`tests/relevance.rs`) reports its precision and recall.

use serde::Serialize;

/// At or above this, an article is about the company.
pub const RELEVANT: u8 = 40;

/// Where and how a company appears in one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Presence {
    pub headline: bool,
    pub lead: bool,
    /// It is the actor of the lead.
    pub lead_actor: bool,
    /// Sentences (headline included) that name it.
    pub sentences: usize,
    /// Of those, sentences where it appears only in a list of companies.
    pub listed: usize,
    /// The words that make it a sentence's actor, the first time it is one.
    pub actor: Option<String>,
}

/// A relevance score and the reasons for it, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relevance {
    pub score: u8,
    pub evidence: Vec<String>,
}

/// The relevance of a company present as `p` in an article of `total` sentences.
pub fn score(p: &Presence, total: usize) -> Relevance {
    let mut points = 0.0;
    let mut evidence = Vec::new();
    if p.headline {
        points += 40.0;
        evidence.push("named in the headline".to_string());
    }
    if p.lead {
        points += 10.0;
        evidence.push("named in the lead".to_string());
    }
    if p.lead_actor {
        points += 10.0;
        evidence.push("the lead's actor".to_string());
    }
    if let Some(a) = &p.actor {
        points += 15.0;
        evidence.push(format!("the actor: \"{a}\""));
    }
    let share = p.sentences as f64 / total.max(1) as f64;
    points += (share / 0.3).min(1.0) * 25.0;
    evidence.push(format!("in {} of {} sentences", p.sentences, total.max(p.sentences)));
    if p.sentences > 0 && p.listed == p.sentences && !p.headline {
        points *= 0.4;
        evidence.push("only in passing, in a list of companies".to_string());
    }
    Relevance { score: points.round().clamp(0.0, 100.0) as u8, evidence }
}

/// How a company appears in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The sentence is about what it does: the words that show it.
    Actor(String),
    /// One of several companies listed, or introduced as an example.
    Listed,
    Mentioned,
}

/// Words before a name that introduce examples, not a subject.
const LIST_CUES: &[&str] = &[
    "such as",
    "including",
    "like",
    "among them",
    "among",
    "as well as",
    "along with",
    "and other",
    "or other",
    "e.g.",
];

/// Verbs after a name that make it the actor of its sentence.
const ACTOR_VERBS: &[&str] = &[
    "said",
    "says",
    "reported",
    "reports",
    "posted",
    "posts",
    "announced",
    "announces",
    "agreed",
    "agrees",
    "plans",
    "planned",
    "will",
    "would",
    "is",
    "was",
    "has",
    "had",
    "won",
    "lost",
    "cut",
    "cuts",
    "raised",
    "raises",
    "beat",
    "missed",
    "forecast",
    "expects",
    "expected",
    "launched",
    "launches",
    "sued",
    "bought",
    "buys",
    "sold",
    "sells",
    "filed",
    "named",
    "hired",
    "warned",
    "fell",
    "rose",
    "gained",
    "slumped",
    "jumped",
    "shares",
    "stock",
    "unveiled",
    "unveils",
    "offered",
    "offers",
    "struck",
    "signed",
    "made",
    "makes",
    "paid",
    "pays",
    "received",
    "reached",
];

/// Words a sentence may start with before its actor.
const LEADING: &[&str] = &["the", "shares", "of", "in", "u.s.", "u.s.-based", "struggling", "rival"];

/// The role of the company named by `evidence` in `sentence`, where
/// `companies` companies are named in all.
pub fn role(sentence: &str, evidence: &str, companies: usize) -> Role {
    let Some(at) = sentence.find(evidence) else { return Role::Mentioned };
    let before = sentence[..at].trim_end();
    let after = &sentence[at + evidence.len()..];
    let before_lower = before.to_lowercase();
    let cue = LIST_CUES.iter().any(|c| {
        before_lower.ends_with(c)
            && before_lower[..before_lower.len() - c.len()].chars().last().is_none_or(|ch| !ch.is_alphanumeric())
    });
    let after_trim = after.trim_start();
    // A list: the name stands next to a comma or an "and"/"or" with another
    // capitalised name on the other side ("General Motors, Ford Motor and
    // Chrysler"), or among three or more companies.
    let capitalised = |w: Option<&str>| w.and_then(|w| w.chars().next()).is_some_and(char::is_uppercase);
    let before_joined = [",", " and", " or"].iter().any(|j| {
        before
            .strip_suffix(j)
            .is_some_and(|t| capitalised(t.split_whitespace().next_back().map(|w| w.trim_end_matches(','))))
    });
    let after_joined = [",", "and ", "or "]
        .iter()
        .any(|j| after_trim.strip_prefix(j).is_some_and(|rest| capitalised(rest.split_whitespace().next())));
    let listed_by_punctuation = (companies >= 3
        && (before.ends_with(',')
            || before_lower.ends_with(" and")
            || before_lower.ends_with(" or")
            || after_trim.starts_with(',')
            || after_trim.starts_with("and ")
            || after_trim.starts_with("or ")))
        || before_joined
        || after_joined;
    let others = after_trim.starts_with("and others") || after_trim.starts_with("and other ");
    if cue || listed_by_punctuation || others {
        return Role::Listed;
    }
    // Skip a possessive or a legal suffix written after the name.
    let rest = after
        .strip_prefix("'s")
        .or_else(|| after.strip_prefix("’s"))
        .unwrap_or(after)
        .trim_start_matches(|c: char| c == ',' || c.is_whitespace());
    let next: String =
        rest.split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let leading_only = before_lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '-'))
        .all(|w| w.is_empty() || LEADING.contains(&w));
    if ACTOR_VERBS.contains(&next.as_str()) {
        return Role::Actor(format!("{evidence} {next}"));
    }
    if leading_only && !after_trim.starts_with(',') {
        return Role::Actor(evidence.to_string());
    }
    Role::Mentioned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert_eq!(role("Apple said sales rose.", "Apple", 1), Role::Actor("Apple said".into()));
        assert_eq!(role("Shares of Apple fell 3 percent.", "Apple", 1), Role::Actor("Apple fell".into()));
        assert_eq!(role("Phone makers such as Apple and Samsung gained.", "Apple", 2), Role::Listed);
        assert_eq!(role("Gains in Microsoft, Apple and Intel lifted the index.", "Apple", 3), Role::Listed);
        assert_eq!(role("The index rose, helped by Apple and others.", "Apple", 1), Role::Listed);
        assert_eq!(role("Analysts at the bank upgraded Apple on Monday.", "Apple", 1), Role::Mentioned);
        assert_eq!(role("Apple's iPhone sales slowed.", "Apple", 1), Role::Actor("Apple".into()));
    }

    #[test]
    fn a_headline_subject_outranks_a_passing_mention() {
        let subject = Presence {
            headline: true,
            lead: true,
            lead_actor: true,
            sentences: 4,
            listed: 0,
            actor: Some("Apple said".into()),
        };
        let passing =
            Presence { headline: false, lead: false, lead_actor: false, sentences: 1, listed: 1, actor: None };
        assert_eq!(score(&subject, 10).score, 100);
        assert!(score(&passing, 10).score < 10);
        assert!(score(&passing, 10).evidence.iter().any(|e| e.contains("in passing")));
    }
}
