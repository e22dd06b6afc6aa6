//! From a dossier to a note: the skeleton of docs/notes.md, every sentence built
//! from data and carrying the claims (value, as written, sources) behind it.
//!
//! Phrasing varies between notes but never at random: each slot picks among its
//! wordings by a hash of ticker, date and slot, so the same data always give the
//! same note. A section without data is left out; nothing is padded.

use std::collections::BTreeSet;

use alphadesk_model::NaiveDate;
use alphadesk_score::{profile_sentence, tracking_sentence, Pillar};
use serde::Serialize;

use crate::dossier::{Datum, Dossier, NoteError, Source, SourceId, Value, WatchKind};
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
/// and numbering sources in order of first citation.
struct Pen<'d> {
    d: &'d Dossier,
    order: Vec<SourceId>,
    claims: Vec<Claim>,
    cites: BTreeSet<usize>,
}

impl<'d> Pen<'d> {
    fn number(&mut self, s: SourceId) -> usize {
        match self.order.iter().position(|&x| x == s) {
            Some(i) => i + 1,
            None => {
                self.order.push(s);
                self.order.len()
            }
        }
    }

    fn cite(&mut self, s: SourceId) {
        let n = self.number(s);
        self.cites.insert(n);
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
        self.d.get(key)
    }

    /// The datum under `key` in the note's style.
    fn say(&mut self, key: &str) -> Option<String> {
        let datum = self.get(key)?;
        let written = match datum.value {
            Value::Usd(v) => format::usd(v),
            Value::Percent(v) => format::pct(v),
            Value::Count(v) => format::count(v as usize),
            Value::Shares(v) => format::shares(v),
            Value::Ratio(v) => format::signed(v),
            Value::Date(d) => format::date(d),
            Value::Window(n, unit) => window_words(n, unit),
        };
        Some(self.claim(datum, written))
    }

    fn finish(&mut self, text: String) -> Sentence {
        Sentence {
            text,
            cites: std::mem::take(&mut self.cites).into_iter().collect(),
            claims: std::mem::take(&mut self.claims),
        }
    }

    /// A sentence without citations (headings): claims kept, markers dropped.
    fn finish_uncited(&mut self, text: String) -> Sentence {
        let mut s = self.finish(text);
        s.cites.clear();
        s
    }

    /// Deterministic choice among `n` wordings for `slot`.
    fn pick(&self, slot: &str, n: usize) -> usize {
        // FNV-1a: stable across platforms and releases, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.d.ticker.bytes().chain(self.d.as_of.to_string().bytes()).chain(slot.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        (h % n as u64) as usize
    }
}

/// `three months`, `12 months`, `52 weeks`, `90 days`.
pub fn window_words(n: u32, unit: char) -> String {
    let (one, many) = match unit {
        'm' => ("month", "months"),
        'w' => ("week", "weeks"),
        _ => ("day", "days"),
    };
    format::counted(n as usize, one, many)
}

fn up_down(v: f64, up: &'static str, down: &'static str) -> &'static str {
    if v >= 0.0 {
        up
    } else {
        down
    }
}

fn tone_word(t: f64) -> &'static str {
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
        "gross_profit_ttm" => "gross profit",
        "operating_income_ttm" => "operating income",
        "net_income_ttm" => "net income",
        "operating_cash_flow_ttm" => "operating cash flow",
        "capex_ttm" => "capital expenditure",
        "total_debt" => "total debt",
        _ => "shareholders' equity",
    }
}

/// The company as a sentence subject: the name without a trailing legal suffix
/// would be friendlier, but the full name is what the linker and readers can
/// check, so notes use it.
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// Fewest key takeaways a note may have; with less data than that there is no note.
pub const MIN_TAKEAWAYS: usize = 3;

/// The note for a dossier, or why the data cannot carry one.
pub fn compose(d: &Dossier) -> Result<Note, NoteError> {
    let mut pen = Pen { d, order: Vec::new(), claims: Vec::new(), cites: BTreeSet::new() };
    let r = &d.record;
    let name = d.name.as_str();

    // Body first: it decides which sources exist; the headline and lead reuse data.
    let price = price_section(&mut pen);
    let fundamentals = fundamentals_section(&mut pen);
    let insiders = insider_section(&mut pen);
    let holdings = holdings_section(&mut pen);
    let news = news_section(&mut pen);

    let headline = headline(&mut pen);
    let lead = lead(&mut pen);
    let watch: Vec<WatchItem> = d
        .watch
        .iter()
        .map(|w| {
            let date = pen.say(&w.key).unwrap_or_else(|| format::date(w.date));
            let text = match &w.kind {
                WatchKind::Filing { form, .. } => {
                    let basis = pen.say("next_filing_basis").unwrap_or_default();
                    format!("{date}: {}, expected a year after the {form} filed {basis}", w.what)
                }
                WatchKind::ThirteenF { .. } => {
                    let q = pen.say("thirteen_f_quarter").unwrap_or_default();
                    let days = pen.say("thirteen_f_days").unwrap_or_default();
                    format!("{date}: 13F reports for the quarter ended {q} are due, {days} after quarter end")
                }
                // The sentence as the article wrote it; the checker finds it there.
                WatchKind::Article { quote } => format!("{date}: “{}”", quote.trim_end_matches('.')),
            };
            pen.cite(w.source);
            WatchItem { date: w.date, sentence: pen.finish(text) }
        })
        .collect();
    let lead_watch = d.watch.first().map(|w| {
        let date = pen.say(&w.key).unwrap_or_default();
        pen.cite(w.source);
        let text = match &w.kind {
            WatchKind::Filing { .. } => format!("Watch for {} around {date}", w.what),
            WatchKind::ThirteenF { .. } => {
                let q = pen.say("thirteen_f_quarter").unwrap_or_default();
                format!("Watch for the 13F reports for the quarter ended {q}, due by {date}")
            }
            WatchKind::Article { .. } => format!("Watch for {date}, a date named in a linked article"),
        };
        pen.finish(text)
    });

    let mut score = Vec::new();
    let members = pen.say("sector_members").unwrap_or_default();
    let as_of = pen.say("as_of").unwrap_or_default();
    pen.cite(d.score_source);
    let text = if r.alpha_score.is_none() {
        // The score crate's no-score sentences speak in ISO dates and pillar
        // counts; a note says the same in its own words, citing the score.
        format!(
            "alphadesk tracks {name} ({}) among {members} {} stocks but gives it no Alpha Score on {as_of}: too few of its pillars have the data a sector rank needs, so this note reports the data alone and makes no forecast",
            d.ticker, d.sector
        )
    } else {
        score.push(Sentence {
            text: tracking_sentence(r).trim_end_matches('.').to_string(),
            cites: vec![],
            claims: vec![],
        });
        score.push(Sentence {
            text: profile_sentence(r).trim_end_matches('.').to_string(),
            cites: vec![],
            claims: vec![],
        });
        limitation(&mut pen, &members, &as_of)
    };
    score.push(pen.finish(text));

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

    let sources = pen
        .order
        .iter()
        .enumerate()
        .map(|(i, &s)| NoteSource { number: i + 1, source: d.sources[s].clone(), text: source_text(&d.sources[s]) })
        .collect();
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

/// What the score is not: said in every note that states one.
fn limitation(pen: &mut Pen<'_>, members: &str, as_of: &str) -> String {
    let d = pen.d;
    let name = d.name.as_str();
    match pen.pick("limitation", 3) {
        0 => format!(
            "The score ranks {name} against the {members} {} stocks alphadesk scores, on data known by {as_of}; it describes the present and is not a forecast",
            d.sector
        ),
        1 => format!(
            "It is a rank among {members} {} stocks on data known by {as_of}, not a forecast of returns",
            d.sector
        ),
        _ => format!(
            "The rank compares {name} with {members} {} peers using data known by {as_of}; it is not a forecast, and the score's out-of-sample record is published with alphadesk's validation report",
            d.sector
        ),
    }
}

fn headline(pen: &mut Pen<'_>) -> Sentence {
    let d = pen.d;
    let name = d.name.as_str();
    // 1. Several insiders trading in the window.
    if d.get("insiders").is_some_and(|x| matches!(x.value, Value::Count(n) if n >= 2.0)) {
        let sold = matches!(d.get("insider_net").map(|x| x.value), Some(Value::Usd(v)) if v < 0.0);
        let n = pen.say("insiders").unwrap_or_default();
        let amount = pen.say(if sold { "insider_sold" } else { "insider_bought" }).unwrap_or_default();
        let verb = if sold { "sell" } else { "buy" };
        let text = match pen.pick("headline", 2) {
            0 => format!("{} insiders {verb} {amount} of {} stock", capitalise(&n), name),
            _ => format!("{name}: {n} insiders {verb} {amount} of stock on the open market"),
        };
        return pen.finish_uncited(text);
    }
    // 2. A pillar that moved by 15 points or more in a month.
    if let Some(prev) = &d.previous {
        let mut best: Option<(Pillar, u8, u8)> = None;
        for (p, s) in &d.record.pillars {
            if let (Some(now), Some(then)) = (s.score, prev.pillars.get(p).and_then(|x| x.score)) {
                let delta = (i16::from(now) - i16::from(then)).abs();
                if delta >= 15 && best.is_none_or(|(_, a, b)| delta > (i16::from(a) - i16::from(b)).abs()) {
                    best = Some((*p, now, then));
                }
            }
        }
        if let Some((p, now, then)) = best {
            let verb = if now > then {
                ["climbs", "rises", "jumps"][pen.pick("move", 3)]
            } else {
                ["falls", "drops", "slips"][pen.pick("move", 3)]
            };
            return pen.finish_uncited(format!("{} {p} score {verb} to {now} from {then}", possessive(name)));
        }
    }
    // 3. A big move in the shares over a month.
    if let Some(&(r, _)) = d.returns.get(&1) {
        if r.abs() >= 0.10 {
            let pct = pen.say("return_1m").unwrap_or_default();
            let verb =
                if r > 0.0 { ["rally", "climb"][pen.pick("move", 2)] } else { ["slide", "fall"][pen.pick("move", 2)] };
            return pen.finish_uncited(format!("{name} shares {verb} {pct} in a month"));
        }
    }
    // 4. Trailing revenue against a year earlier.
    if let Some(Value::Percent(c)) = d.get("revenue_ttm_change").map(|x| x.value) {
        let pct = pen.say("revenue_ttm_change").unwrap_or_default();
        let dir = up_down(c, "grows", "shrinks");
        let text = match (pen.pick("headline", 2), d.record.alpha_score) {
            (0, Some(a)) => {
                format!("{} trailing revenue {dir} {pct} as its Alpha Score stands at {a}", possessive(name))
            }
            _ => format!("{} trailing revenue {dir} {pct} on the year", possessive(name)),
        };
        return pen.finish_uncited(text);
    }
    match (d.record.alpha_score, d.record.category) {
        (Some(a), Some(c)) => {
            pen.finish_uncited(format!("{name} holds an Alpha Score of {a}, {} within {}", c.word(), d.sector))
        }
        _ => pen.finish_uncited(format!("{name}: the data as of {}", format::date(d.as_of))),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn lead(pen: &mut Pen<'_>) -> Sentence {
    let d = pen.d;
    let name = d.name.as_str();
    let close = pen.say("close").unwrap_or_default();
    let day = pen.say("close_date").unwrap_or_default();
    let months = [12, 6, 3, 1].into_iter().find(|m| d.returns.contains_key(m));
    let mut text = format!("{name} ({}) ended {day} at an adjusted close of {close}", d.ticker);
    if let Some(m) = months {
        let (r, s) = d.returns[&m];
        let pct = pen.say(&format!("return_{m}m")).unwrap_or_default();
        let window = pen.say(&format!("window_{m}m")).unwrap_or_default();
        text.push_str(&format!(", {} {pct} over {window}", up_down(r, "up", "down")));
        if let Some(s) = s {
            let sp = pen.say(&format!("sector_return_{m}m")).unwrap_or_default();
            let word = if s >= 0.0 { "a gain" } else { "a loss" };
            text.push_str(&format!(" against {word} of {sp} for the median {} stock", d.sector));
        }
    }
    pen.finish(text)
}

fn price_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.d;
    let mut out = Vec::new();
    let Some((_, _)) = d.close else { return out };
    let short = d.returns.get(&1).copied();
    let mid = d.returns.get(&3).copied();
    if let (Some((r1, _)), Some((r3, s3))) = (short, mid) {
        let a = pen.say("return_1m").unwrap_or_default();
        let b = pen.say("return_3m").unwrap_or_default();
        let w3 = pen.say("window_3m").unwrap_or_default();
        let mut text = format!(
            "Over the past month the shares {} {a}, and over {w3} they {} {b}",
            up_down(r1, "gained", "lost"),
            up_down(r3, "gained", "lost")
        );
        if let Some(s3) = s3 {
            let sp = pen.say("sector_return_3m").unwrap_or_default();
            text.push_str(&format!(
                ", {} the {} median {} of {sp}",
                if r3 >= s3 { "ahead of" } else { "behind" },
                d.sector,
                if s3 >= 0.0 { "gain" } else { "loss" }
            ));
        }
        out.push(pen.finish(text));
    }
    if let Some((r12, s12)) = d.returns.get(&12).copied() {
        let a = pen.say("return_12m").unwrap_or_default();
        let w = pen.say("window_12m").unwrap_or_default();
        let mut text = format!("Across {w} the stock {} {a}", up_down(r12, "returned", "lost"));
        if let Some(s) = s12 {
            let rel = pen.say("relative_return_12m").unwrap_or_default();
            text.push_str(&format!(
                ", {rel} {} the median {} stock (which {} {})",
                if r12 >= s { "better than" } else { "worse than" },
                d.sector,
                up_down(s, "returned", "lost"),
                pen.say("sector_return_12m").unwrap_or_default()
            ));
        }
        out.push(pen.finish(text));
    }
    if let Some((gap, _)) = d.from_high {
        let pct = pen.say("from_52w_high").unwrap_or_default();
        let when = pen.say("date_52w_high").unwrap_or_default();
        let text = if gap > -0.0005 {
            format!("The close matched its 52-week high, set on {when}")
        } else {
            match pen.pick("high", 2) {
                0 => format!("The close sat {pct} below the 52-week closing high of {when}"),
                _ => format!("That left the shares {pct} under their 52-week closing high, reached on {when}"),
            }
        };
        out.push(pen.finish(text));
    }
    out
}

fn fundamentals_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.d;
    let mut out = Vec::new();
    for line in &d.lines {
        let key = line.key;
        if !matches!(key, "revenue_ttm" | "net_income_ttm" | "operating_cash_flow_ttm") {
            continue;
        }
        let what = line_name(key);
        let v = line.now.value;
        let amount = pen.say(key).unwrap_or_default();
        let end = pen.say(&format!("{key}_period_end")).unwrap_or_default();
        let mut text = if key == "net_income_ttm" && v < 0.0 {
            format!("Over the {} to {end} the company lost {amount}", pen.say("window_ttm").unwrap_or_default())
        } else {
            match pen.pick(key, 2) {
                0 => format!("Trailing-twelve-month {what} to {end} was {amount}"),
                _ => format!(
                    "{} for the {} to {end} came to {amount}",
                    capitalise(what),
                    pen.say("window_ttm").unwrap_or_default()
                ),
            }
        };
        if let Some(Value::Percent(c)) = d.get(&format!("{key}_change")).map(|x| x.value) {
            let pct = pen.say(&format!("{key}_change")).unwrap_or_default();
            let before = pen.say(&format!("{key}_year_ago")).unwrap_or_default();
            text.push_str(&format!(", {} {pct} from {before} a year earlier", up_down(c, "up", "down")));
        }
        if key == "net_income_ttm" && d.get("net_margin").is_some() {
            let m = pen.say("net_margin").unwrap_or_default();
            text.push_str(&format!(", a net margin of {m}"));
        }
        if key == "operating_cash_flow_ttm" {
            if let Some(Value::Usd(f)) = d.get("free_cash_flow_ttm").map(|x| x.value) {
                let fcf = pen.say("free_cash_flow_ttm").unwrap_or_default();
                let capex = pen.say("capex_ttm").unwrap_or_default();
                text.push_str(&format!(
                    "; after {capex} of capital expenditure, free cash flow was {}{fcf}",
                    if f < 0.0 { "negative " } else { "" }
                ));
            }
        }
        out.push(pen.finish(text));
    }
    if let (Some(_), Some(_)) = (d.get("total_debt"), d.get("total_equity")) {
        let debt = pen.say("total_debt").unwrap_or_default();
        let equity = pen.say("total_equity").unwrap_or_default();
        let end = pen.say("total_debt_period_end").unwrap_or_default();
        out.push(pen.finish(format!("At {end} the balance sheet carried {debt} of debt against {equity} of equity")));
    }
    if d.get("market_cap").is_some() {
        let mc = pen.say("market_cap").unwrap_or_default();
        let day = pen.say("close_date").unwrap_or_default();
        out.push(pen.finish(format!("The market valued the company at {mc} at the close of {day}")));
    }
    out
}

fn insider_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.d;
    let mut out = Vec::new();
    if d.trades.is_empty() {
        return out;
    }
    let n = pen.say("insider_trades").unwrap_or_default();
    let who = pen.say("insiders").unwrap_or_default();
    let window = pen.say("window_insider").unwrap_or_default();
    let plural = |key: &str, one: &'static str, many: &'static str| match d.get(key).map(|x| x.value) {
        Some(Value::Count(1.0)) => one,
        _ => many,
    };
    let mut text = format!(
        "Form 4 filings in the {window} to the note's date report {n} open-market {} by {who} {}",
        plural("insider_trades", "trade", "trades"),
        plural("insiders", "insider", "insiders")
    );
    if matches!(d.get("insider_sold").map(|x| x.value), Some(Value::Usd(v)) if v > 0.0) {
        let sold = pen.say("insider_sold").unwrap_or_default();
        text.push_str(&format!(": sales of {sold}"));
        if matches!(d.get("insider_bought").map(|x| x.value), Some(Value::Usd(v)) if v > 0.0) {
            let bought = pen.say("insider_bought").unwrap_or_default();
            text.push_str(&format!(" and purchases of {bought}"));
        }
    } else if d.get("insider_bought").is_some() {
        let bought = pen.say("insider_bought").unwrap_or_default();
        text.push_str(&format!(": purchases of {bought}"));
    }
    out.push(pen.finish(text));
    for (i, t) in d.trades.iter().enumerate().take(5) {
        let shares = pen.say(&format!("trade_{i}_shares")).unwrap_or_default();
        let price = pen.say(&format!("trade_{i}_price")).unwrap_or_default();
        let filed = pen.say(&format!("trade_{i}_filed")).unwrap_or_default();
        let verb = if t.code == "P" { "bought" } else { "sold" };
        let text = match t.trade_date {
            Some(_) => {
                let day = pen.say(&format!("trade_{i}_date")).unwrap_or_default();
                format!("{} {verb} {shares} at {price} on {day}, reported on {filed}", t.owner)
            }
            None => format!("{} {verb} {shares} at {price}, reported on {filed}", t.owner),
        };
        out.push(pen.finish(text));
    }
    out
}

fn holdings_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.d;
    let Some(h) = &d.holdings else { return Vec::new() };
    let managers = pen.say("holdings_managers").unwrap_or_default();
    let period = pen.say("holdings_period").unwrap_or_default();
    let before = pen.say("holdings_previous_period").unwrap_or_default();
    let now = pen.say("holdings_shares").unwrap_or_default();
    let mut text = format!(
        "{} {} filing 13F reports for both {before} and {period} held {now} at the later date",
        capitalise(&managers),
        if h.managers == 1 { "manager" } else { "managers" }
    );
    if d.get("holdings_change_pct").is_some() {
        let pct = pen.say("holdings_change_pct").unwrap_or_default();
        text.push_str(&format!(", {} {pct}", up_down(h.shares_now - h.shares_then, "up", "down")));
    }
    vec![pen.finish(text)]
}

fn news_section(pen: &mut Pen<'_>) -> Vec<Sentence> {
    let d = pen.d;
    let Some(n) = &d.news else { return Vec::new() };
    let mut out = Vec::new();
    let window = pen.say("window_news").unwrap_or_default();
    if !n.articles.is_empty() {
        let count = pen.say("articles").unwrap_or_default();
        let tone_v = match d.get("article_tone").map(|x| x.value) {
            Some(Value::Ratio(t)) => t,
            _ => 0.0,
        };
        let tone = pen.say("article_tone").unwrap_or_default();
        out.push(pen.finish(format!(
            "alphadesk linked {count} {} to {} in the {window} to the note's date; {} {} ({tone})",
            if n.articles.len() == 1 { "article" } else { "articles" },
            d.name,
            if n.articles.len() == 1 { "its tone was" } else { "their average tone was" },
            tone_word(tone_v)
        )));
        let mut top: Vec<(usize, &crate::dossier::Article)> = n.articles.iter().enumerate().collect();
        top.sort_by(|a, b| b.1.salience.total_cmp(&a.1.salience).then(a.0.cmp(&b.0)));
        for (i, a) in top.into_iter().take(3) {
            let day = pen.say(&format!("article_{i}_date")).unwrap_or_default();
            pen.cite(a.source);
            out.push(pen.finish(format!("“{}” ({day}) read as {}", a.title.trim(), tone_word(a.tone))));
        }
    }
    if n.posts > 0 {
        let count = pen.say("posts").unwrap_or_default();
        let tone = pen.say("post_tone").unwrap_or_default();
        let t = n.post_tone.unwrap_or(0.0);
        let w = if n.articles.is_empty() { window } else { "the same window".into() };
        out.push(pen.finish(format!(
            "{} StockNet {} about {} in {w} had an average tone of {tone}, {}",
            capitalise(&count),
            if n.posts == 1 { "post" } else { "posts" },
            d.ticker,
            tone_word(t)
        )));
    }
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
    let d = pen.d;
    let mut out = Vec::new();
    // Strongest and weakest pillar: the balance of the profile in one line.
    let scored: Vec<(Pillar, u8)> = d.record.pillars.iter().filter_map(|(p, s)| Some((*p, s.score?))).collect();
    if scored.len() >= 2 {
        let best = scored.iter().max_by_key(|(p, s)| (*s, std::cmp::Reverse(*p))).copied();
        let worst = scored.iter().min_by_key(|(p, s)| (*s, *p)).copied();
        if let (Some((bp, bs)), Some((wp, ws))) = (best, worst) {
            pen.cite(d.score_source);
            out.push(pen.finish(format!(
                "{} is the strongest pillar at {bs}/100 and {wp} the weakest at {ws}/100",
                capitalise(bp.name())
            )));
        }
    }
    // The first sentence of each body section that has one, in reading order.
    let firsts = [
        price.iter().find(|s| s.text.starts_with("Across")).or(price.first()),
        fundamentals.first(),
        insiders.first(),
        news.first(),
    ];
    out.extend(firsts.into_iter().flatten().cloned());
    out.truncate(5);
    // Three at least: the rest of the price and fundamentals paragraphs, then the
    // lead and the calendar, fill in when a company has little else on record.
    for extra in price.iter().chain(fundamentals.iter().skip(1)).chain(fallback) {
        if out.len() >= 3 {
            break;
        }
        if !out.contains(extra) {
            out.push(extra.clone());
        }
    }
    out
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
        Source::Article { title, url, published, file, line } => match url {
            Some(u) => format!("“{}”, published {published}, {u}", title.trim()),
            None => format!("“{}”, published {published}, {file}, line {line}", title.trim()),
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
