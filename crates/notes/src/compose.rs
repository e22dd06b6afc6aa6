//! From a dossier to a note: the skeleton of docs/notes.md, every sentence built
//! from data and carrying the claims (value, as written, sources) behind it.
//!
//! Phrasing varies between notes but never at random: each slot picks among its
//! wordings by a hash of ticker, date and slot, so the same data always give the
//! same note. A section without data is left out; nothing is padded.

use std::collections::BTreeSet;

use alphadesk_model::NaiveDate;
use alphadesk_score::metrics::MetricId;
use alphadesk_score::{profile_sentence, tracking_sentence, Pillar};
use serde::Serialize;

use crate::dossier::{Datum, Dossier, NoteError, Source, SourceId, Value, WatchDate, WatchKind};
use crate::format;

pub const DISCLAIMER: &str = "Educational coverage, not personalized advice.";

/// One number (or date) a sentence states, with the records behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub value: Value,
    /// As printed in the note.
    pub written: String,
    /// Numbers of the note's sources (1-based).
    pub sources: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    /// The sentence without its citation markers or final stop.
    pub text: String,
    pub cites: Vec<usize>,
    pub claims: Vec<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub title: String,
    pub sentences: Vec<Sentence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchItem {
    pub date: NaiveDate,
    pub sentence: Sentence,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteSource {
    pub number: usize,
    #[serde(flatten)]
    pub source: Source,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub ticker: String,
    pub company: String,
    pub sector: String,
    pub as_of: NaiveDate,
    pub alpha_score: Option<u8>,
    pub category: Option<String>,
    pub config: String,
    pub headline: Sentence,
    pub lead: Sentence,
    pub lead_watch: Option<Sentence>,
    /// The Alpha Score sentences, in the published shapes, and the limitation.
    pub score: Vec<Sentence>,
    pub takeaways: Vec<Sentence>,
    pub sections: Vec<Section>,
    pub watch: Vec<WatchItem>,
    pub sources: Vec<NoteSource>,
    pub disclaimer: String,
}

/// Builds sentences, collecting the claims and citations of the one in progress
/// and numbering sources in order of first citation. A note's pen writes about
/// one dossier; a story's moves from company to company (`d`), numbering the
/// sources of all of them, and the articles it cites, in one list.
pub(crate) struct Pen<'d> {
    d: Option<&'d Dossier>,
    /// What varies the wording between documents: the ticker and date of a
    /// note, the theme and date of a story.
    seed: String,
    order: Vec<Source>,
    claims: Vec<Claim>,
    cites: BTreeSet<usize>,
}

impl<'d> Pen<'d> {
    pub(crate) fn new(d: Option<&'d Dossier>, seed: String) -> Pen<'d> {
        Pen { d, seed, order: Vec::new(), claims: Vec::new(), cites: BTreeSet::new() }
    }

    /// The dossier being written about; note sections are only ever called with
    /// one set.
    fn dossier(&self) -> &'d Dossier {
        self.d.expect("a note section writes about a dossier")
    }

    pub(crate) fn about(&mut self, d: &'d Dossier) {
        self.d = Some(d);
    }

    fn number_source(&mut self, s: &Source) -> usize {
        match self.order.iter().position(|x| x == s) {
            Some(i) => i + 1,
            None => {
                self.order.push(s.clone());
                self.order.len()
            }
        }
    }

    fn number(&mut self, s: SourceId) -> usize {
        let source = &self.dossier().sources[s];
        self.number_source(source)
    }

    pub(crate) fn cite(&mut self, s: SourceId) {
        let n = self.number(s);
        self.cites.insert(n);
    }

    /// Cites a record that is not in the dossier (an article a story reads).
    pub(crate) fn cite_source(&mut self, s: &Source) {
        let n = self.number_source(s);
        self.cites.insert(n);
    }

    /// The sources cited so far, numbered from 1.
    pub(crate) fn sources(&self) -> Vec<NoteSource> {
        self.order
            .iter()
            .enumerate()
            .map(|(i, s)| NoteSource { number: i + 1, source: s.clone(), text: source_text(s) })
            .collect()
    }

    /// States a datum as `written`, citing its sources.
    fn claim(&mut self, datum: &Datum, written: String) -> String {
        let sources: Vec<usize> = datum.sources.iter().map(|&s| self.number(s)).collect();
        self.cites.extend(&sources);
        self.claims.push(Claim {
            key: datum.key.clone(),
            label: datum.label.clone(),
            value: datum.value,
            written: written.clone(),
            sources,
        });
        written
    }

    fn get(&self, key: &str) -> Option<&'d Datum> {
        self.d?.get(key)
    }

    /// The datum under `key` in the note's style.
    pub(crate) fn say(&mut self, key: &str) -> Option<String> {
        let datum = self.get(key)?;
        Some(self.claim(datum, datum.value.written()))
    }

    fn finish(&mut self, text: String) -> Sentence {
        Sentence {
            text,
            cites: std::mem::take(&mut self.cites).into_iter().collect(),
            claims: std::mem::take(&mut self.claims),
        }
    }

    /// A percentage move in words: `up 1.2%` / `down 1.2%` with the words given, or
    /// `flat` when it rounds to 0.0% — "gained 0.0%" says a direction the number
    /// does not have.
    pub(crate) fn moved(&mut self, key: &str, up: &str, down: &str, flat: &str) -> Option<String> {
        let datum = self.get(key)?;
        let Value::Percent(v) = datum.value else { return None };
        if (v * 100.0).abs() < 0.05 {
            return Some(self.claim(datum, flat.to_string()));
        }
        let pct = self.say(key)?;
        Some(format!("{} {pct}", if v >= 0.0 { up } else { down }))
    }

    /// One sentence, or none when a value it needs is missing: `f` states its
    /// values with `say(..)?`, so a sentence is never printed with a gap, and a
    /// dropped one leaves no claims, citations or source numbers behind.
    pub(crate) fn write(&mut self, f: impl FnOnce(&mut Self) -> Option<String>) -> Option<Sentence> {
        let (order, claims, cites) = (self.order.len(), self.claims.len(), self.cites.clone());
        match f(self) {
            Some(text) => Some(self.finish(text)),
            None => {
                self.order.truncate(order);
                self.claims.truncate(claims);
                self.cites = cites;
                None
            }
        }
    }

    /// A heading: claims kept (a heading states only what the body cites), no markers.
    fn write_uncited(&mut self, f: impl FnOnce(&mut Self) -> Option<String>) -> Option<Sentence> {
        let mut s = self.write(f)?;
        s.cites.clear();
        Some(s)
    }

    /// Deterministic choice among `n` wordings for `slot`.
    pub(crate) fn pick(&self, slot: &str, n: usize) -> usize {
        // FNV-1a: stable across platforms and releases, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.seed.bytes().chain(slot.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        (h % n as u64) as usize
    }
}

fn up_down(v: f64, up: &'static str, down: &'static str) -> &'static str {
    if v >= 0.0 {
        up
    } else {
        down
    }
}

pub(crate) fn tone_word(t: f64) -> &'static str {
    if t >= alphadesk_news::article::ARTICLE_THRESHOLD {
        "positive"
    } else if t <= -alphadesk_news::article::ARTICLE_THRESHOLD {
        "negative"
    } else {
        "neutral"
    }
}

fn line_name(key: &str) -> &'static str {
    match key {
        "revenue_ttm" => "revenue",
        "net_income_ttm" => "net income",
        _ => "operating cash flow",
    }
}

/// The full registered name is what the linker and readers can check, so notes
/// use it, possessive and all.
pub(crate) fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

pub(crate) fn value_of(d: &Dossier, key: &str) -> Option<f64> {
    match d.get(key)?.value {
        Value::Usd(x) | Value::Percent(x) | Value::Count(x) | Value::Shares(x) | Value::Ratio(x) => Some(x),
        Value::Date(_) | Value::Window(..) => None,
    }
}

/// Days a period may have ended before the note's date for a headline to
/// state its figures: a headline reports what is new, and a trailing twelve
/// months ended half a year ago is not (a quarter's 10-Q is due 40-45 days after
/// it ends; six months allows a late filer and a fiscal year end).
pub const HEADLINE_MAX_AGE_DAYS: i64 = 183;

/// The period end of a figure, when it has one ("revenue_ttm_year_ago" has its
/// own; "revenue_ttm_change" ends when "revenue_ttm" does).
pub fn period_end_of(d: &Dossier, key: &str) -> Option<NaiveDate> {
    let end = d.get(&format!("{key}_period_end")).or_else(|| {
        let base = key.strip_suffix("_change")?;
        d.get(&format!("{base}_period_end"))
    })?;
    match end.value {
        Value::Date(end) => Some(end),
        _ => None,
    }
}

/// Fewest key takeaways a note may have; with less data than that there is no note.
pub const MIN_TAKEAWAYS: usize = 3;

/// The note for a dossier, or why the data cannot carry one.
pub fn compose(d: &Dossier) -> Result<Note, NoteError> {
    let mut pen = Pen::new(Some(d), format!("{}{}", d.ticker, d.as_of));
    let r = &d.record;

    // Body first: it decides which sources exist; the headline and lead reuse data.
    let price = price_section(&mut pen);
    let fundamentals = fundamentals_section(&mut pen);
    let insiders = insider_section(&mut pen);
    let holdings = holdings_section(&mut pen);
    let news = news_section(&mut pen);

    let headline = headline(&mut pen);
    let lead = lead(&mut pen).ok_or(NoteError::NotScored { ticker: d.ticker.clone(), as_of: d.as_of })?;
    let watch: Vec<WatchItem> =
        d.watch.iter().filter_map(|w| Some(WatchItem { date: w.date, sentence: watch_item(&mut pen, w)? })).collect();
    let lead_watch = d.watch.first().and_then(|w| lead_watch(&mut pen, w));

    let mut score = Vec::new();
    if r.alpha_score.is_some() {
        for text in [tracking_sentence(r), profile_sentence(r)] {
            // The score crate's sentences in their published shapes; their numbers
            // are checked by score-consistency, not cited.
            score.push(Sentence { text: text.trim_end_matches('.').to_string(), cites: vec![], claims: vec![] });
        }
    }
    score.extend(limitation(&mut pen));

    let fallback: Vec<Sentence> =
        std::iter::once(lead.clone()).chain(watch.iter().map(|w| w.sentence.clone())).collect();
    let takeaways = takeaways(&mut pen, &price, &fundamentals, &insiders, &news, &fallback);
    if takeaways.len() < MIN_TAKEAWAYS {
        return Err(NoteError::TooLittleData {
            ticker: d.ticker.clone(),
            as_of: d.as_of,
            statements: takeaways.len(),
            needed: MIN_TAKEAWAYS,
        });
    }
    let sections: Vec<Section> = [
        ("Price action", price),
        ("Fundamentals", fundamentals),
        ("Insider activity", insiders),
        ("Institutional holdings", holdings),
        ("News", news),
    ]
    .into_iter()
    .filter(|(_, s)| !s.is_empty())
    .map(|(t, sentences)| Section { title: t.to_string(), sentences })
    .collect();

    let sources = pen.sources();
    Ok(Note {
        ticker: d.ticker.clone(),
        company: d.name.clone(),
        sector: d.sector.to_string(),
        as_of: d.as_of,
        alpha_score: r.alpha_score,
        category: r.category.map(|c| c.word().to_string()),
        config: d.config_hash.clone(),
        headline,
        lead,
        lead_watch,
        score,
        takeaways,
        sections,
        watch,
        sources,
        disclaimer: DISCLAIMER.to_string(),
    })
}

pub(crate) fn watch_item(pen: &mut Pen<'_>, w: &WatchDate) -> Option<Sentence> {
    pen.write(|p| {
        let date = p.say(&w.key)?;
        let text = match &w.kind {
            WatchKind::Filing { form, .. } => {
                let basis = p.say("next_filing_basis")?;
                format!("{date}: {}, expected a year after the {form} filed {basis}", w.what)
            }
            WatchKind::ThirteenF => {
                let q = p.say("thirteen_f_quarter")?;
                let days = p.say("thirteen_f_days")?;
                format!("{date}: 13F reports for the quarter ended {q} are due, {days} after quarter end")
            }
            // The sentence as the article wrote it; the checker finds it there.
            WatchKind::Article { quote } => format!("{date}: “{}”", quote.trim_end_matches('.')),
        };
        p.cite(w.source);
        Some(text)
    })
}

fn lead_watch(pen: &mut Pen<'_>, w: &WatchDate) -> Option<Sentence> {
    pen.write(|p| {
        let date = p.say(&w.key)?;
        let text = match &w.kind {
            WatchKind::Filing { .. } => format!("Watch for {} around {date}", w.what),
            WatchKind::ThirteenF => {
                let q = p.say("thirteen_f_quarter")?;
                format!("Watch for the 13F reports for the quarter ended {q}, due by {date}")
            }
            WatchKind::Article { .. } => format!("Watch for {date}, a date named in a linked article"),
        };
        p.cite(w.source);
        Some(text)
    })
}

/// What the score is not, said in every note; for an unscored ticker, why there
/// is no score.
fn limitation(pen: &mut Pen<'_>) -> Option<Sentence> {
    let d = pen.dossier();
    let name = d.name.as_str();
    let variant = pen.pick("limitation", 3);
    pen.write(|p| {
        // Each count is said only where the sentence writes it: a said value
        // is a claim of the note.
        let as_of = p.say("as_of")?;
        p.cite(d.score_source);
        Some(match (d.record.alpha_score, variant) {
            // The score crate's no-score sentences speak in ISO dates and pillar
            // counts; a note says the same in its own words.
            (None, _) if value_of(d, "sector_members") == Some(0.0) => format!(
                "alphadesk gives no {} stock an Alpha Score on {as_of}, {name} ({}) included: too few of their pillars have the data a sector rank needs, so this note reports the data alone and makes no forecast",
                d.sector, d.ticker
            ),
            (None, _) => format!(
                "alphadesk scores {} {} stocks on {as_of} but gives {name} ({}) no Alpha Score: too few of its pillars have the data a sector rank needs, so this note reports the data alone and makes no forecast",
                p.say("sector_members")?,
                d.sector,
                d.ticker
            ),
            (Some(_), 0) => format!(
                "The score ranks {name} against the {} {} stocks alphadesk scores, on data known by {as_of}; it describes the present and is not a forecast",
                p.say("sector_members")?,
                d.sector
            ),
            (Some(_), 1) => format!(
                "It is a rank among {} {} stocks on data known by {as_of}, not a forecast of returns",
                p.say("sector_members")?,
                d.sector
            ),
            (Some(_), _) => format!(
                "The rank compares {name} with {} {} peers using data known by {as_of}; it is not a forecast, and the score's backtest record, with its held-out dates reported apart, is published with alphadesk's validation report",
                p.say("sector_peers")?,
                d.sector
            ),
        })
    })
}

/// The most notable change, first that applies.
fn headline(pen: &mut Pen<'_>) -> Sentence {
    let d = pen.dossier();
    let name = d.name.as_str();
    let pick2 = pen.pick("headline", 2);
    let pick3 = pen.pick("move", 3);
    // 1. Several insiders trading in the window.
    let insiders = value_of(d, "insiders").is_some_and(|n| n >= 2.0);
    let sold = value_of(d, "insider_net").is_some_and(|v| v < 0.0);
    let several_insiders = |p: &mut Pen<'_>| {
        insiders.then_some(())?;
        let n = p.say("insiders")?;
        let amount = p.say(if sold { "insider_sold" } else { "insider_bought" })?;
        let verb = if sold { "sell" } else { "buy" };
        Some(match pick2 {
            0 => format!("{} insiders {verb} {amount} of {name} stock", capitalise(&n)),
            _ => format!("{name}: {n} insiders {verb} {amount} of stock on the open market"),
        })
    };
    // 2. A pillar that moved by 15 points or more in a month.
    let mut moved: Option<(Pillar, u8, u8)> = None;
    if let Some(prev) = &d.previous {
        for (p, s) in &d.record.pillars {
            if let (Some(now), Some(then)) = (s.score, prev.pillars.get(p).and_then(|x| x.score)) {
                let delta = now.abs_diff(then);
                if delta >= 15 && moved.is_none_or(|(_, a, b)| delta > a.abs_diff(b)) {
                    moved = Some((*p, now, then));
                }
            }
        }
    }
    let pillar_move = |_: &mut Pen<'_>| {
        let (p, now, then) = moved?;
        let verb = if now > then { ["climbs", "rises", "jumps"][pick3] } else { ["falls", "drops", "slips"][pick3] };
        Some(format!("{} {p} score {verb} to {now} from {then}", possessive(name)))
    };
    // 3. A periodic report filed in the last week, by the figure it brought.
    let recent_filing = |p: &mut Pen<'_>| {
        let filed = match d.get("revenue_ttm_filed")?.value {
            Value::Date(f) => f,
            _ => return None,
        };
        ((d.as_of - filed).num_days() <= 7).then_some(())?;
        let form = d.get("revenue_ttm")?.sources.iter().find_map(|&s| match &d.sources[s] {
            Source::Filing { form: Some(f), .. } => Some(f.clone()),
            _ => None,
        })?;
        let amount = p.say("revenue_ttm")?;
        Some(format!("{} {form} puts trailing revenue at {amount}", possessive(name)))
    };
    // 4. A run of articles with a clear tone.
    let news_event = |p: &mut Pen<'_>| {
        let tone = value_of(d, "article_tone").filter(|t| t.abs() >= alphadesk_news::article::ARTICLE_THRESHOLD)?;
        value_of(d, "articles").filter(|n| *n >= 3.0)?;
        let n = p.say("articles")?;
        let window = p.say("window_news")?;
        Some(format!("News on {name} runs {}: {n} articles in {window}", tone_word(tone)))
    };
    // 5. A big move in the shares over a month.
    let month_move = |p: &mut Pen<'_>| {
        let r = value_of(d, "return_1m").filter(|r| r.abs() >= 0.10)?;
        let pct = p.say("return_1m")?;
        let verb = if r > 0.0 { ["rally", "climb"][pick2] } else { ["slide", "fall"][pick2] };
        Some(format!("{name} shares {verb} {pct} in a month"))
    };
    // 6. Trailing revenue against a year earlier.
    let revenue = |p: &mut Pen<'_>| {
        let end = period_end_of(d, "revenue_ttm")?;
        ((d.as_of - end).num_days() <= HEADLINE_MAX_AGE_DAYS).then_some(())?;
        let c = value_of(d, "revenue_ttm_change").filter(|c| (c * 100.0).abs() >= 0.05)?;
        let pct = p.say("revenue_ttm_change")?;
        let dir = up_down(c, "grows", "shrinks");
        Some(match (pick2, d.record.alpha_score) {
            (0, Some(a)) => {
                format!("{} trailing revenue {dir} {pct} as its Alpha Score stands at {a}", possessive(name))
            }
            _ => format!("{} trailing revenue {dir} {pct} on the year", possessive(name)),
        })
    };
    let score = |_: &mut Pen<'_>| match (d.record.alpha_score, d.record.category) {
        (Some(a), Some(c)) => Some(format!("{name} holds an Alpha Score of {a}, {} within {}", c.word(), d.sector)),
        _ => Some(format!("{name}: the data as of {}", format::date(d.as_of))),
    };
    pen.write_uncited(several_insiders)
        .or_else(|| pen.write_uncited(pillar_move))
        .or_else(|| pen.write_uncited(recent_filing))
        .or_else(|| pen.write_uncited(news_event))
        .or_else(|| pen.write_uncited(month_move))
        .or_else(|| pen.write_uncited(revenue))
        .or_else(|| pen.write_uncited(score))
        .expect("the last headline always has words")
}

fn lead(pen: &mut Pen<'_>) -> Option<Sentence> {
    let d = pen.dossier();
    let months = [12, 6, 3, 1].into_iter().find(|m| d.get(&format!("return_{m}m")).is_some());
    pen.write(|p| {
        let close = p.say("close")?;
        let day = p.say("close_date")?;
        let mut text = format!("{} ({}) ended {day} at an adjusted close of {close}", d.name, d.ticker);
        if let Some(m) = months {
            let r = p.moved(&format!("return_{m}m"), "up", "down", "flat")?;
            let window = p.say(&format!("window_{m}m"))?;
            text.push_str(&format!(", {r} over {window}"));
            if d.get(&format!("sector_return_{m}m")).is_some() {
                let s = p.moved(&format!("sector_return_{m}m"), "a gain of", "a loss of", "no change")?;
                text.push_str(&format!(" against {s} for the median {} stock", d.sector));
            }
        }
        Some(text)
    })
}

fn price_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.dossier();
    let high_variant = pen.pick("high", 2);
    let short = pen.write(|p| {
        let a = p.moved("return_1m", "gained", "lost", "were unchanged")?;
        let mut text = format!("Over the past month the shares {a}");
        // A stock listed less than three months ago still has its month.
        let Some(r3) = value_of(d, "return_3m") else { return Some(text) };
        let w3 = p.say("window_3m")?;
        let b = p.moved("return_3m", "gained", "lost", "were unchanged")?;
        text.push_str(&format!(", and over {w3} they {b}"));
        if let Some(s3) = value_of(d, "sector_return_3m") {
            let sp = p.moved("sector_return_3m", "gain of", "loss of", "change of zero")?;
            text.push_str(&format!(", {} the {} median {sp}", if r3 >= s3 { "ahead of" } else { "behind" }, d.sector));
        }
        Some(text)
    });
    let year = pen.write(|p| {
        let w = p.say("window_12m")?;
        let a = p.moved("return_12m", "returned", "lost", "was unchanged")?;
        let mut text = format!("Across {w} the stock {a}");
        if d.get("sector_return_12m").is_some() {
            let rel = value_of(d, "relative_return_12m")?;
            let versus = if (rel * 100.0).abs() < 0.05 {
                p.claim(p.get("relative_return_12m")?, "in line with".into())
            } else {
                format!("{} {}", p.say("relative_return_12m")?, if rel >= 0.0 { "better than" } else { "worse than" })
            };
            let sp = p.moved("sector_return_12m", "returned", "lost", "was unchanged")?;
            text.push_str(&format!(", {versus} the median {} stock (which {sp})", d.sector));
        }
        Some(text)
    });
    let high = pen.write(|p| {
        let gap = value_of(d, "from_52w_high")?;
        let when = p.say("date_52w_high")?;
        if gap > -0.0005 {
            return Some(format!("The close matched its 52-week high, set on {when}"));
        }
        let pct = p.say("from_52w_high")?;
        Some(match high_variant {
            0 => format!("The close sat {pct} below the 52-week closing high of {when}"),
            _ => format!("That left the shares {pct} under their 52-week closing high, reached on {when}"),
        })
    });
    [short, year, high].into_iter().flatten().collect()
}

fn fundamentals_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.dossier();
    let mut out = Vec::new();
    for key in ["revenue_ttm", "net_income_ttm", "operating_cash_flow_ttm"] {
        let what = line_name(key);
        let variant = pen.pick(key, 2);
        out.extend(pen.write(|p| {
            let v = value_of(d, key)?;
            let amount = p.say(key)?;
            let end = p.say(&format!("{key}_period_end"))?;
            let mut text = if key == "net_income_ttm" && v < 0.0 {
                format!("Over the {} to {end} the company lost {amount}", p.say("window_ttm")?)
            } else if variant == 0 {
                format!("Trailing-twelve-month {what} to {end} was {amount}")
            } else {
                format!("{} for the {} to {end} came to {amount}", capitalise(what), p.say("window_ttm")?)
            };
            if d.get(&format!("{key}_change")).is_some() {
                let change = p.moved(&format!("{key}_change"), "up", "down", "unchanged")?;
                let before = p.say(&format!("{key}_year_ago"))?;
                text.push_str(&format!(", {change} from {before} a year earlier"));
            }
            if key == "net_income_ttm" && d.get("net_margin").is_some() {
                text.push_str(&format!(", a net margin of {}", p.say("net_margin")?));
            }
            if key == "operating_cash_flow_ttm" {
                if let Some(f) = value_of(d, "free_cash_flow_ttm") {
                    let fcf = p.say("free_cash_flow_ttm")?;
                    let capex = p.say("capex_ttm")?;
                    text.push_str(&format!(
                        "; after {capex} of capital expenditure, free cash flow was {}{fcf}",
                        if f < 0.0 { "negative " } else { "" }
                    ));
                }
            }
            Some(text)
        }));
    }
    out.extend(pen.write(|p| {
        let none = value_of(d, "total_debt")? == 0.0;
        let debt = if none { p.claim(p.get("total_debt")?, "no reported debt".into()) } else { p.say("total_debt")? };
        let equity = p.say("total_equity")?;
        let end = p.say("total_debt_period_end")?;
        Some(if none {
            format!("At {end} the balance sheet carried {debt} and {equity} of equity")
        } else {
            format!("At {end} the balance sheet carried {debt} of debt against {equity} of equity")
        })
    }));
    out.extend(pen.write(|p| {
        let mc = p.say("market_cap")?;
        let day = p.say("close_date")?;
        Some(format!("The market valued the company at {mc} at the close of {day}"))
    }));
    out
}

fn insider_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.dossier();
    let plural =
        |key: &str, one: &'static str, many: &'static str| if value_of(d, key) == Some(1.0) { one } else { many };
    let mut out: Vec<Sentence> = pen
        .write(|p| {
            let n = p.say("insider_trades")?;
            let who = p.say("insiders")?;
            let window = p.say("window_insider")?;
            let mut text = format!(
                "Form 4 filings in the {window} to the note's date report {n} open-market {} by {who} {}",
                plural("insider_trades", "trade", "trades"),
                plural("insiders", "insider", "insiders")
            );
            let sold = value_of(d, "insider_sold").filter(|v| *v > 0.0);
            let bought = value_of(d, "insider_bought").filter(|v| *v > 0.0);
            match (sold, bought) {
                (Some(_), Some(_)) => text.push_str(&format!(
                    ": sales of {} and purchases of {}",
                    p.say("insider_sold")?,
                    p.say("insider_bought")?
                )),
                (Some(_), None) => text.push_str(&format!(": sales of {}", p.say("insider_sold")?)),
                (None, Some(_)) => text.push_str(&format!(": purchases of {}", p.say("insider_bought")?)),
                (None, None) => {}
            }
            Some(text)
        })
        .into_iter()
        .collect();
    for (i, t) in d.trades.iter().enumerate().take(5) {
        out.extend(pen.write(|p| {
            let shares = p.say(&format!("trade_{i}_shares"))?;
            let price = p.say(&format!("trade_{i}_price"))?;
            let filed = p.say(&format!("trade_{i}_filed"))?;
            let verb = t.code.verb();
            // The trade date is optional in a Form 4; the report date is not.
            Some(match d.get(&format!("trade_{i}_date")) {
                Some(_) => {
                    let day = p.say(&format!("trade_{i}_date"))?;
                    format!("{} {verb} {shares} at {price} on {day}, reported on {filed}", t.owner)
                }
                None => format!("{} {verb} {shares} at {price}, reported on {filed}", t.owner),
            })
        }));
    }
    out
}

fn holdings_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.dossier();
    pen.write(|p| {
        let one = value_of(d, "holdings_managers")? == 1.0;
        let managers = p.say("holdings_managers")?;
        let period = p.say("holdings_period")?;
        let before = p.say("holdings_previous_period")?;
        let now = p.say("holdings_shares")?;
        let mut text = format!(
            "{} {} filing 13F reports for both {before} and {period} held {now} at the later date",
            capitalise(&managers),
            if one { "manager" } else { "managers" }
        );
        if d.get("holdings_change_pct").is_some() {
            text.push_str(&format!(", {}", p.moved("holdings_change_pct", "up", "down", "unchanged")?));
        }
        Some(text)
    })
    .into_iter()
    .collect()
}

fn news_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.dossier();
    let mut out = Vec::new();
    out.extend(pen.write(|p| {
        let tone = value_of(d, "article_tone")?;
        let count = p.say("articles")?;
        let window = p.say("window_news")?;
        let written = p.say("article_tone")?;
        let one = d.articles.len() == 1;
        Some(format!(
            "alphadesk linked {count} {} to {} in the {window} to the note's date; {} {} ({written})",
            if one { "article" } else { "articles" },
            d.name,
            if one { "its tone was" } else { "their average tone was" },
            tone_word(tone)
        ))
    }));
    // Only headlines of articles about the company are quoted under it.
    let mut top: Vec<(usize, &crate::dossier::Article)> =
        d.articles.iter().enumerate().filter(|(_, a)| a.about).collect();
    top.sort_by(|a, b| b.1.salience.total_cmp(&a.1.salience).then(a.0.cmp(&b.0)));
    for (i, a) in top.into_iter().take(3) {
        out.extend(pen.write(|p| {
            // Published on one day, first known at the next close when it came
            // after that day's: both are said, so no date reads as the other.
            let (published, known) = (format!("article_{i}_published"), format!("article_{i}_date"));
            let when = match (d.get(&published), d.get(&known)) {
                (Some(a), Some(b)) if a.value != b.value => {
                    format!("published {}, known {}", p.say(&published)?, p.say(&known)?)
                }
                (Some(_), _) => format!("published {}", p.say(&published)?),
                _ => format!("known {}", p.say(&known)?),
            };
            p.cite(a.source);
            Some(format!("“{}” ({when}) read as {}", a.title.trim(), tone_word(a.tone)))
        }));
    }
    out.extend(pen.write(|p| {
        let tone = value_of(d, "post_tone")?;
        let count = p.say("posts")?;
        let written = p.say("post_tone")?;
        let one = value_of(d, "posts")? == 1.0;
        let window = if d.articles.is_empty() { p.say("window_news")? } else { "the same window".into() };
        Some(format!(
            "{} StockNet {} about {} in {window} had an average tone of {written}, {}",
            capitalise(&count),
            if one { "post" } else { "posts" },
            d.ticker,
            tone_word(tone)
        ))
    }));
    out
}

fn takeaways(
    pen: &mut Pen<'_>,
    price: &[Sentence],
    fundamentals: &[Sentence],
    insiders: &[Sentence],
    news: &[Sentence],
    fallback: &[Sentence],
) -> Vec<Sentence> {
    let d = pen.dossier();
    let mut out = Vec::new();
    // Strongest and weakest pillar: the balance of the profile in one line.
    let scored: Vec<(Pillar, u8)> = d.record.pillars.iter().filter_map(|(p, s)| Some((*p, s.score?))).collect();
    let best = scored.iter().max_by_key(|(p, s)| (*s, std::cmp::Reverse(*p))).copied();
    let worst = scored.iter().min_by_key(|(p, s)| (*s, *p)).copied();
    if let (true, Some((bp, bs)), Some((wp, ws))) = (scored.len() >= 2, best, worst) {
        let (lead, lag) = (pillar_metric(d, bp, true), pillar_metric(d, wp, false));
        out.extend(pen.write(|p| {
            p.cite(d.score_source);
            let why_best =
                lead.and_then(|id| metric_phrase(p, id)).map(|s| format!(", led by {s}")).unwrap_or_default();
            let why_worst =
                lag.and_then(|id| metric_phrase(p, id)).map(|s| format!(", held back by {s}")).unwrap_or_default();
            Some(format!(
                "{} is the strongest pillar at {bs}/100{why_best}; {wp} is the weakest at {ws}/100{why_worst}",
                capitalise(bp.name())
            ))
        }));
    }
    // Then what each section adds up to, in words of its own: a takeaway that
    // copied a sentence of the body below would say it twice.
    let price_sum = pen.write(|p| {
        let month = p.moved("return_1m", "up", "down", "flat")?;
        let gap = value_of(d, "from_52w_high")?;
        let high = if gap > -0.0005 {
            "at their 52-week closing high".to_string()
        } else {
            format!("{} below their 52-week closing high", p.say("from_52w_high")?)
        };
        Some(format!("{} over the month, the shares closed {high}", capitalise(&month)))
    });
    let year_sum = pen.write(|p| {
        let rel = value_of(d, "relative_return_12m").filter(|r| (r * 100.0).abs() >= 0.05)?;
        let by = p.say("relative_return_12m")?;
        let w = p.say("window_12m")?;
        Some(format!(
            "The stock {} the median {} stock by {by} over {w}",
            if rel > 0.0 { "beat" } else { "trailed" },
            d.sector
        ))
    });
    let fundamentals_sum = pen.write(|p| {
        let revenue = p.say("revenue_ttm")?;
        let window = p.say("window_ttm")?;
        let end = p.say("revenue_ttm_period_end")?;
        let mut kept = Vec::new();
        if d.get("net_margin").is_some() {
            kept.push(format!("kept a net margin of {}", p.say("net_margin")?));
        }
        if let Some(f) = value_of(d, "free_cash_flow_ttm") {
            let fcf = p.say("free_cash_flow_ttm")?;
            kept.push(if f < 0.0 {
                format!("used {fcf} of cash after investment")
            } else {
                format!("generated {fcf} of free cash flow")
            });
        }
        if kept.is_empty() {
            return None;
        }
        Some(format!("On {revenue} of revenue in the {window} to {end}, the company {}", kept.join(" and ")))
    });
    let insiders_sum = pen.write(|p| {
        let net = value_of(d, "insider_net").filter(|v| *v != 0.0)?;
        let who = p.say("insiders")?;
        let window = p.say("window_insider")?;
        let one = value_of(d, "insiders") == Some(1.0);
        Some(format!(
            "Insiders were net {} on the open market in the {window} to the note's date ({who} {})",
            if net < 0.0 { "sellers" } else { "buyers" },
            if one { "insider" } else { "insiders" }
        ))
    });
    let news_sum = pen.write(|p| {
        let tone = value_of(d, "article_tone")?;
        let n = p.say("articles")?;
        let window = p.say("window_news")?;
        let t = p.say("article_tone")?;
        let one = value_of(d, "articles") == Some(1.0);
        Some(format!(
            "News in the {window} to the note's date read {} on balance: {t} across {n} linked {}",
            tone_word(tone),
            if one { "article" } else { "articles" }
        ))
    });
    out.extend([price_sum, fundamentals_sum, insiders_sum, news_sum].into_iter().flatten());
    // The year against the sector, when the rest leaves room.
    if out.len() < 3 {
        out.extend(year_sum);
    }
    out.truncate(5);
    // Three at least: the body's own sentences, then the lead and the calendar,
    // fill in when a company has little else on record.
    let firsts = [price.first(), fundamentals.first(), insiders.first(), news.first()];
    for extra in firsts.into_iter().flatten().chain(price).chain(fundamentals.iter().skip(1)).chain(fallback) {
        if out.len() >= 3 {
            break;
        }
        if !out.contains(extra) {
            out.push(extra.clone());
        }
    }
    out
}

/// The metric of `pillar` with the highest (or lowest) sector percentile that a
/// note can state.
fn pillar_metric(d: &Dossier, pillar: Pillar, highest: bool) -> Option<MetricId> {
    // A metric that prints as zero is no finding worth a sentence.
    let says_something = |key: &str| match d.get(key).map(|x| x.value) {
        Some(Value::Percent(v)) => (v * 100.0).abs() >= 0.05,
        Some(Value::Ratio(v)) => v.abs() >= 0.005,
        _ => false,
    };
    let candidates = d.record.metrics.iter().filter(|m| {
        m.id.pillar() == pillar && m.percentile.is_some() && says_something(&format!("metric_{}", m.id.name()))
    });
    let key = |m: &&alphadesk_score::MetricScore| m.percentile.unwrap_or(f64::NAN);
    let pick = if highest {
        candidates.max_by(|a, b| key(a).total_cmp(&key(b)))
    } else {
        candidates.min_by(|a, b| key(a).total_cmp(&key(b)))
    };
    pick.map(|m| m.id)
}

/// A metric in words with its value: "an earnings yield of 6.0%".
fn metric_phrase(p: &mut Pen<'_>, id: MetricId) -> Option<String> {
    use MetricId::*;
    let key = format!("metric_{}", id.name());
    let v = value_of(p.dossier(), &key)?;
    let neg = if v < 0.0 { "negative " } else { "" };
    Some(match id {
        Mom12_1 => {
            let x = p.say(&key)?;
            format!("a {} of {x} from a year ago to a month ago", up_down(v, "gain", "loss"))
        }
        Mom6_1 => {
            let x = p.say(&key)?;
            let w = p.say("window_6m")?;
            format!("a {} of {x} from {w} ago to a month ago", up_down(v, "gain", "loss"))
        }
        Dist52wHigh => {
            let x = p.say(&key)?;
            let w = p.say("window_52w")?;
            format!("a close {x} below its high of the last {w}")
        }
        EarningsYield => format!("a {neg}earnings yield of {}", p.say(&key)?),
        FcfYield => format!("a {neg}free-cash-flow yield of {}", p.say(&key)?),
        Roe => format!("a {neg}return on equity of {}", p.say(&key)?),
        BookToPrice => format!("a book-to-price ratio of {}", p.claim(p.get(&key)?, format::ratio(v))),
        SalesToPrice => format!("a sales-to-price ratio of {}", p.claim(p.get(&key)?, format::ratio(v))),
        GrossProfitToAssets => format!("{neg}gross profit of {} of assets", p.say(&key)?),
        Accruals => format!("{neg}accruals of {} of assets", p.say(&key)?),
        Leverage => format!("debt equal to {} of assets", p.say(&key)?),
        InstitutionalSharesChange => {
            let x = p.say(&key)?;
            format!("{} in 13F holdings equal to {x} of shares outstanding", up_down(v, "an increase", "a decrease"))
        }
        // Not the news section's average tone: this one weighs recent items
        // more and counts posts. Named apart, so no reader takes one measure
        // for two figures.
        NewsTone => format!("a recency-weighted news-and-posts tone of {}", p.say(&key)?),
        GrossMarginStability | InsiderNetBuying90d => return None,
    })
}

/// A source as its numbered line reads.
pub fn source_text(s: &Source) -> String {
    match s {
        Source::Filing { form, accession, filed, file } => {
            let mut t = match form {
                Some(f) => format!("SEC Form {f}"),
                None => "SEC filing".to_string(),
            };
            if let Some(day) = filed {
                t.push_str(&format!(" filed {day}"));
            }
            format!("{t}, accession {accession} ({file})")
        }
        Source::File { what, file, first_line, last_line } => match (first_line, last_line) {
            (Some(a), Some(b)) if a != b => format!("{what}, {file}, lines {a}-{b}"),
            (_, Some(b)) => format!("{what}, {file}, line {b}"),
            _ => format!("{what}, {file}"),
        },
        Source::Article { title, url, known, file, line } => match url {
            Some(u) => format!("“{}”, known {known}, {u}", title.trim()),
            None => format!("“{}”, known {known}, {file}, line {line}", title.trim()),
        },
        Source::Posts { folder, count, first, last } => {
            format!("StockNet posts, {folder}/, {count} posts known {first} to {last}")
        }
        Source::Score { config, as_of } => {
            format!("alphadesk Alpha Score and sector statistics, config {config}, computed from data known on {as_of}")
        }
        Source::Rule { citation, text } => format!("{text} ({citation})"),
    }
}
