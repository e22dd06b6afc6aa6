//! Theme stories: what a window of articles said about a theme, and where the
//! companies it concerns stand, in the notes' house style and with the notes'
//! pen (the same claims, citations and wording rules; see docs/stories.md).
//!
//! A story is written from three things only: the theme (its label, window and
//! the companies its articles are about, with their relevance), the articles
//! themselves (headlines and leads, quoted verbatim and cited), and the dossier
//! of each relevant company on the story's date. A company appears only when an
//! article of the theme is about it; a company with no Alpha Score is described
//! without one, never given another's.

use alphadesk_model::NaiveDate;
use alphadesk_news::themes::{same_report, Report};
use alphadesk_score::{profile_sentence, tracking_sentence};
use serde::Serialize;

use crate::compose::{possessive, value_of, watch_item, NoteSource, Pen, Sentence, WatchItem, DISCLAIMER};
use crate::dossier::{Dossier, NoteError, Source};

/// A company gets a paragraph when some article of the theme is about it and the
/// theme's mean relevance to it is at least this (half of "about": a company
/// one article of twenty mentions in passing does not qualify).
pub const MIN_THEME_RELEVANCE: u8 = alphadesk_news::relevance::RELEVANT / 2;
/// Companies given a paragraph, at most.
pub const MAX_COMPANIES: usize = 5;
/// Articles quoted under "What the sources say", at most.
pub const MAX_QUOTED: usize = 5;
/// A lead longer than this (in words) is not quoted: a story quotes briefly.
const MAX_LEAD_WORDS: usize = 45;
/// Watch items of the story, at most.
const MAX_WATCH: usize = 3;

/// An article of the theme.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryArticle {
    pub id: i64,
    pub title: String,
    /// Its first sentence, as stored.
    pub lead: String,
    pub known: NaiveDate,
    pub source: Source,
    /// Companies it names and its relevance to each.
    pub links: Vec<(String, u8)>,
}

impl StoryArticle {
    fn report(&self) -> Report<'_> {
        Report { title: &self.title, lead: &self.lead, known: self.known }
    }
}

/// A company of the theme, with its dossier on the story's date when it has one.
#[derive(Debug, Clone)]
pub struct StoryCompany<'a> {
    pub ticker: String,
    pub name: String,
    /// The theme's aggregate relevance to it, 0-100.
    pub relevance: u8,
    /// Why it has no dossier (not in the scored universe, no fresh price).
    pub dossier: Result<&'a Dossier, String>,
}

pub struct StoryInput<'a> {
    pub theme: String,
    pub label: String,
    pub as_of: NaiveDate,
    pub config: String,
    /// Oldest first.
    pub articles: Vec<StoryArticle>,
    /// Most relevant first.
    pub companies: Vec<StoryCompany<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompanySection {
    pub ticker: String,
    pub name: String,
    pub alpha_score: Option<u8>,
    pub sentences: Vec<Sentence>,
}

/// What a story is about, said in its front matter and its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoryForm {
    /// About companies alphadesk covers: a paragraph on each, with its score
    /// and its month in the market.
    Company,
    /// About no company alphadesk covers: the reports alone, no company
    /// paragraphs, no scores.
    Market,
}

impl StoryForm {
    pub fn name(self) -> &'static str {
        match self {
            StoryForm::Company => "company",
            StoryForm::Market => "market",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    pub form: StoryForm,
    pub theme: String,
    pub label: String,
    pub as_of: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub config: String,
    /// The story's subjects: the companies given a paragraph.
    pub tickers: Vec<String>,
    pub headline: Sentence,
    pub lead: Sentence,
    pub takeaways: Vec<Sentence>,
    /// "What the sources say": headlines and leads, verbatim.
    pub sources_say: Vec<Sentence>,
    pub companies: Vec<CompanySection>,
    /// What the figures are and are not: the story's statement of limits.
    pub limits: Sentence,
    pub watch: Vec<WatchItem>,
    pub sources: Vec<NoteSource>,
    pub disclaimer: String,
}

/// "A", "A and B", "A, B and C".
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Whether a stored first sentence is a whole sentence worth quoting: not a
/// summary's bullet, not a quote within the quote, not cut at an abbreviation
/// ("… has appointed J.P").
fn quotable_lead(lead: &str) -> bool {
    let words: Vec<&str> = lead.split_whitespace().collect();
    let cut = words.last().is_some_and(|w| {
        let n = w.chars().count();
        w.chars().next().is_some_and(char::is_uppercase) && (n <= 2 || (n <= 5 && w.contains('.')))
    });
    words.len() > 5
        && words.len() <= MAX_LEAD_WORDS
        && !cut
        && !lead.starts_with(['*', '-', '•', '('])
        && !lead.contains('“')
        && !lead.contains('"')
}

/// Whether a headline states a figure: digits, or a number in words.
fn has_figure(title: &str) -> bool {
    // A year names a time, not a measure ("Chrysler begins building 2014 Jeep").
    let year =
        |w: &str| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()) && (w.starts_with("19") || w.starts_with("20"));
    // Scale and proportion words; numbers in words come from the shared lists.
    const WORDS: &[&str] = &[
        "dozen",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "billion",
        "trillion",
        "percent",
        "half",
        "third",
        "quarter",
        "double",
        "triple",
    ];
    title.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w.chars().any(|c| c.is_ascii_digit()) && !year(w))
        || title.split(|c: char| !c.is_alphabetic()).any(|w| {
            let w = w.to_lowercase();
            WORDS.contains(&w.as_str())
                || alphadesk_model::NUMBER_UNITS[1..].contains(&w.as_str())
                || alphadesk_model::NUMBER_TENS.contains(&w.as_str())
        })
}

/// Whether a headline speaks of the future or of certainty in its own words.
fn forecasts(title: &str) -> bool {
    const WORDS: &[&str] = &[
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "expect",
        "expects",
        "expected",
        "forecast",
        "forecasts",
        "sees",
        "see",
        "guarantee",
        "guarantees",
        "guaranteed",
        "outlook",
        "predicts",
        "likely",
        "set",
        // "M&A activity poised to rise": the checker's projection rule reads it as
        // a predicted gain, so a story never runs it as its own voice.
        "poised",
    ];
    title.split(|c: char| !c.is_alphabetic()).any(|w| WORDS.contains(&w.to_lowercase().as_str()) || is_target(w))
}

/// "target" as a goal; "Target" mid-headline is the retailer (Reuters writes
/// headlines in sentence case).
fn is_target(word: &str) -> bool {
    matches!(word, "target" | "targets")
}

/// Whether a headline promises a gain or predicts a price in words the story
/// would own ("will rise", "target", "guaranteed"); "Facebook will not testify"
/// reports a plan, not a return.
fn promises(title: &str) -> bool {
    const WORDS: &[&str] = &["guarantee", "guarantees", "guaranteed", "predicts", "poised"];
    const MODAL: &[&str] = &["will", "would", "could", "should", "to"];
    const GAIN: &[&str] = &[
        "rise",
        "climb",
        "gain",
        "rally",
        "soar",
        "double",
        "triple",
        "outperform",
        "jump",
        "increase",
        "return",
        "reach",
        "hit",
        "surge",
    ];
    let words: Vec<String> =
        title.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.iter().any(|w| WORDS.contains(&w.as_str()))
        || title.split(|c: char| !c.is_alphabetic()).any(is_target)
        || words.windows(2).any(|p| MODAL.contains(&p[0].as_str()) && GAIN.contains(&p[1].as_str()))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A date as notes write it ("June 17, 2013"), for text that is not a claim.
fn day(d: NaiveDate) -> String {
    crate::format::date(d)
}

/// The story for a theme, or why it cannot be written (no article).
pub fn compose_story(input: &StoryInput<'_>) -> Result<Story, NoteError> {
    let (Some(first), Some(last)) = (input.articles.first(), input.articles.last()) else {
        return Err(NoteError::NoArticles { theme: input.theme.clone() });
    };
    let mut pen = Pen::new(None, format!("{}{}", input.theme, input.as_of));
    let companies: Vec<&StoryCompany<'_>> = input.companies.iter().take(MAX_COMPANIES).collect();
    let named: Vec<String> = companies.iter().map(|c| format!("{} ({})", c.name, c.ticker)).collect();

    // The theme's most central report: the one about the most of the story's
    // companies, then the newest. Its headline is the story's headline, and the
    // lead quotes it: what happened, to whom, and when, in the source's words.
    let about_story = |a: &StoryArticle| {
        a.links
            .iter()
            .filter(|(t, r)| *r >= alphadesk_news::relevance::RELEVANT && companies.iter().any(|c| &c.ticker == t))
            .count()
    };
    // A headline with a figure (in digits or words) is passed over: a heading's
    // figures must match a company's data, and a report's need not.
    // Nor one about a company the story is not about (it would name a company
    // the story does not cover), nor one that forecasts or promises in its own
    // words (a headline is the story's voice, not a quotation).
    // An article linked to no company may still name one the linker missed at
    // ingest ("BRIEF-JPMorgan ..."): only a report linked to the story's
    // companies, and to no other, gives the headline.
    // A story about no covered company (a market story) takes its headline
    // from a report about no company: one about a company would name a
    // company the story does not cover.
    // A report that names another company in its headline (it is about it:
    // relevance at the cut) would present that company as the story's.
    let foreign = |a: &StoryArticle| {
        a.links
            .iter()
            .any(|(t, r)| *r >= alphadesk_news::relevance::RELEVANT && !companies.iter().any(|c| &c.ticker == t))
            || (!companies.is_empty() && about_story(a) == 0)
    };
    // Among those, the report that says most of what the theme is about: its
    // label's terms in its headline and lead.
    let label_terms: Vec<String> = input.label.split(", ").map(str::to_lowercase).collect();
    let on_theme = |a: &StoryArticle| {
        let text = format!("{} {}", a.title, a.lead).to_lowercase();
        label_terms.iter().filter(|t| text.contains(t.as_str())).count()
    };
    // Without a headline free of figures, one with figures: they are its
    // source's, quoted (the checker reads a source's headline as its words).
    // Never one that forecasts: a headline is the story's voice.
    // Then one that reports an expectation or a plan ("sees", "will not
    // testify") without promising a gain ("will rise", "target"). Last, for a
    // story about no covered company, one about a company it does not cover:
    // the story reports the articles alone, and its headline is one of them.
    let central_of = |pass: u8| {
        input
            .articles
            .iter()
            .filter(|a| {
                (pass > 0 || !has_figure(&a.title))
                    && (if pass < 2 { !forecasts(&a.title) } else { !promises(&a.title) })
                    && (!foreign(a) || (pass == 3 && companies.is_empty()))
                    && a.title.split_whitespace().count() >= 4
            })
            .max_by(|a, b| {
                about_story(a)
                    .cmp(&about_story(b))
                    .then(on_theme(a).cmp(&on_theme(b)))
                    .then(a.known.cmp(&b.known))
                    .then(b.id.cmp(&a.id))
            })
    };
    let Some(central) = (0..=3).find_map(central_of) else {
        return Err(NoteError::NoHeadline { theme: input.theme.clone() });
    };

    // Lead: the window, cited to its first and last article, and who it is about.
    // The window's first and last report, each cited once: when they are
    // versions of one report, the later stands for both.
    // What the sources say: the articles about the most companies of the story,
    // then the newest; each headline verbatim, and its lead when it is short.
    let mut quoted: Vec<&StoryArticle> = input.articles.iter().collect();
    quoted.sort_by(|a, b| about_story(b).cmp(&about_story(a)).then(b.known.cmp(&a.known)).then(a.id.cmp(&b.id)));
    // Versions of one report (an update, a wire duplicate, the same first
    // sentence under another headline) are quoted once: the one about the most
    // of the story's companies, then the latest.
    // The central report is quoted by the lead: its other versions are not.
    let mut kept: Vec<&StoryArticle> = vec![central];
    for a in quoted {
        if !kept.iter().any(|k| same_report(k.report(), a.report())) {
            kept.push(a);
        }
    }
    // The window's first and last reports are cited by the version quoted
    // below (the central report for its own versions): one report, one source.
    let representative =
        |a: &StoryArticle| kept.iter().position(|k| k.id == a.id || same_report(k.report(), a.report()));
    let opening = representative(first).map_or(first, |i| kept[i]);
    let closing = representative(last).map_or(last, |i| kept[i]);
    let lead = pen
        .write(|p| {
            p.cite_source(&opening.source);
            p.cite_source(&central.source);
            let mut text = if opening.known == closing.known {
                format!("Reuters reported on {}: “{}”", day(central.known), one_line(&central.title))
            } else {
                p.cite_source(&closing.source);
                format!(
                    "Reuters reports from {} to {} led with “{}” on {}",
                    day(opening.known),
                    day(closing.known),
                    one_line(&central.title),
                    day(central.known)
                )
            };
            if !named.is_empty() {
                text.push_str(&if named.len() == 1 {
                    format!("; the company they are most about is {}", named[0])
                } else {
                    format!("; the companies they are most about are {}", and_list(&named))
                });
            }
            Some(text)
        })
        .unwrap_or_else(|| Sentence { text: String::new(), cites: vec![], claims: vec![] });

    // Key takeaways lead with the leading companies' moves over the month (three
    // at most); headlines fill the rest, and a headline given as a takeaway is
    // not quoted again below it. The central report, quoted by the lead, is the
    // last choice for a takeaway.
    let moves = companies
        .iter()
        .filter(|c| c.dossier.as_ref().is_ok_and(|d| value_of(d, "return_1m").is_some()))
        .count()
        .min(3);
    let mut by_takeaway = kept.clone();
    by_takeaway.sort_by_key(|a| a.id == central.id);
    let headline_takeaways: Vec<&StoryArticle> = by_takeaway.into_iter().take(3 - moves).collect();
    let mut quoted: Vec<&StoryArticle> =
        kept.into_iter().filter(|a| !headline_takeaways.iter().any(|t| t.id == a.id)).collect();
    quoted.truncate(MAX_QUOTED);
    quoted.sort_by_key(|a| (a.known, a.id));
    let mut sources_say = Vec::new();
    for a in &quoted {
        sources_say.extend(pen.write(|p| {
            p.cite_source(&a.source);
            // A quotation is one line of Markdown: runs of white space (a stored
            // lead may hold a line break) are one space, which the checker's
            // comparison allows.
            let lead = one_line(&a.lead);
            let lead = lead.as_str();
            Some(if quotable_lead(lead) {
                format!("“{}” (known {}): “{}”", one_line(&a.title), day(a.known), lead.trim_end_matches('.'))
            } else {
                format!("“{}” (known {})", one_line(&a.title), day(a.known))
            })
        }));
    }
    let mut headline_sentences = Vec::new();
    for a in &headline_takeaways {
        headline_sentences.extend(pen.write(|p| {
            p.cite_source(&a.source);
            Some(format!("Reuters, {}: “{}”", day(a.known), one_line(&a.title)))
        }));
    }
    let already_quoted = |a: &StoryArticle| {
        quoted.iter().chain(&headline_takeaways).any(|q| q.id == a.id || same_report(q.report(), a.report()))
    };

    // A paragraph per company: its score sentences or why it has none, how its
    // shares moved over the month to the story's date against its sector, and
    // the theme's article most about it.
    let mut sections = Vec::new();
    let mut takeaways = Vec::new();
    let mut watch = Vec::new();
    for c in &companies {
        let mut sentences = Vec::new();
        let mut alpha_score = None;
        match &c.dossier {
            Ok(d) => {
                pen.about(d);
                let r = &d.record;
                alpha_score = r.alpha_score;
                if r.alpha_score.is_some() {
                    for text in [tracking_sentence(r), profile_sentence(r)] {
                        sentences.extend(pen.write(|p| {
                            p.cite(d.score_source);
                            Some(text.trim_end_matches('.').to_string())
                        }));
                    }
                } else {
                    sentences.extend(pen.write(|p| {
                        let members = p.say("sector_members")?;
                        p.cite(d.score_source);
                        Some(format!(
                            "{} ({}) has no Alpha Score on the story's date: too few of its pillars have data among the {members} {} stocks alphadesk scores",
                            d.name, d.ticker, d.sector
                        ))
                    }));
                }
                let month = pen.write(|p| {
                    let a = p.moved("return_1m", "gained", "lost", "were unchanged")?;
                    let r1 = value_of(d, "return_1m")?;
                    let mut text = format!("{} shares {a} over the month to {}", possessive(&d.name), day(d.as_of));
                    if let Some(s1) = value_of(d, "sector_return_1m") {
                        let sp = p.moved("sector_return_1m", "gain of", "loss of", "change of zero")?;
                        text.push_str(&format!(
                            ", {} the {} median {sp}",
                            if r1 >= s1 { "ahead of" } else { "behind" },
                            d.sector
                        ));
                    }
                    Some(text)
                });
                // A move given as a takeaway is not said again in the paragraph.
                match month {
                    Some(m) if takeaways.len() < 3 => takeaways.push(m),
                    m => sentences.extend(m),
                }
                for w in d.watch.iter().take(1) {
                    if watch.len() < MAX_WATCH {
                        if let Some(mut s) = watch_item(&mut pen, w) {
                            s.text = format!("{} ({}), {}", d.name, d.ticker, s.text);
                            watch.push(WatchItem { date: w.date, sentence: s });
                        }
                    }
                }
            }
            Err(why) => {
                sentences.push(Sentence {
                    text: format!("{} ({}) has no Alpha Score here: {why}", c.name, c.ticker),
                    cites: vec![],
                    claims: vec![],
                });
            }
        }
        // The theme's article most about the company, its headline verbatim.
        let best = input
            .articles
            .iter()
            .filter_map(|a| a.links.iter().find(|(t, _)| *t == c.ticker).map(|(_, r)| (a, *r)))
            .max_by(|x, y| x.1.cmp(&y.1).then(x.0.known.cmp(&y.0.known)).then(y.0.id.cmp(&x.0.id)));
        // Quoted under the company only when it is about the company: its
        // headline names it, or its relevance is at the cut.
        let best = best.filter(|(a, r)| {
            *r >= alphadesk_news::relevance::RELEVANT || crate::dossier::names_company(&a.title, &c.name, &c.ticker)
        });
        // A report quoted above already is not quoted again.
        if let Some((a, _)) = best.filter(|(a, _)| !already_quoted(a)) {
            sentences.extend(pen.write(|p| {
                p.cite_source(&a.source);
                Some(format!("Reuters on {}: “{}”", c.name, one_line(&a.title)))
            }));
        }
        sections.push(CompanySection { ticker: c.ticker.clone(), name: c.name.clone(), alpha_score, sentences });
    }

    takeaways.extend(headline_sentences);

    // The headline is the news itself: the headline of the theme's most central
    // report (the one about the most of the story's companies, then the newest),
    // as the source wrote it, cleaned. A headline with a figure is passed over
    // (a heading's figures must match the company's data, and a report's need
    // not); without a usable one, the label says what the reports were about.
    let headline = Sentence { text: one_line(&central.title), cites: vec![], claims: vec![] };
    watch.sort_by_key(|w| w.date);
    Ok(Story {
        form: if companies.is_empty() { StoryForm::Market } else { StoryForm::Company },
        theme: input.theme.clone(),
        label: input.label.clone(),
        as_of: input.as_of,
        from: first.known,
        to: last.known,
        config: input.config.clone(),
        tickers: companies.iter().map(|c| c.ticker.clone()).collect(),
        headline,
        lead,
        takeaways,
        sources_say,
        companies: sections,
        limits: Sentence {
            text: format!(
                "{}; this is not a forecast, and shares can fall as well as rise",
                if companies.is_empty() {
                    "alphadesk covers none of the companies these reports are about, so this story reports the articles alone"
                } else {
                    "The moves and scores above describe data known by the story's date, and an Alpha Score is a rank within a company's sector"
                }
            ),
            cites: vec![],
            claims: vec![],
        },
        watch,
        sources: pen.sources(),
        disclaimer: DISCLAIMER.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_that_sees_a_rise_coming_is_never_the_story_voice() {
        assert!(forecasts("Fitch: U.S. Bank M&A Activity Poised to Rise as Market Dynamics Change"));
        assert!(forecasts("Boeing sees more orders at Paris"));
        assert!(!forecasts("Fitch: Reserve Release Helps Boost Capital One's 2Q13 Earnings"));
    }

    #[test]
    fn leads_cut_at_an_abbreviation_are_not_quoted() {
        assert!(!quotable_lead("June 19 Bank of America has appointed J.P"));
        assert!(!quotable_lead("* Ryanair finalises Boeing order worth $15.6 bln at list prices"));
        assert!(quotable_lead("Ryanair finalised an order for 175 Boeing 737-800 aircraft on Wednesday"));
        assert_eq!(and_list(&["A".into(), "B".into(), "C".into()]), "A, B and C");
    }
}
