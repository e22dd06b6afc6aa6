//! The Alpha Score: one number per ticker, 0–100, relative to its GICS sector,
//! computed only from what was known at the close of the as-of date, and explained.
//!
//! Pipeline for a date D (each step documented in `docs/methodology.md`):
//! 1. universe: members with a sector and a close within the freshness window of D;
//! 2. metrics: raw values or a reason ([`metrics`]);
//! 3. each metric winsorised across the universe, then ranked as a percentile within
//!    the sector, lower-is-better metrics flipped ([`rank`]);
//! 4. a pillar is the mean of its metrics' percentiles when at least `min_metrics`
//!    exist, re-ranked within the sector;
//! 5. the Alpha Score is the weighted mean of available pillars (at least
//!    `min_pillars`), scaled towards 50 by the square root of their share of the
//!    weight, re-ranked within the sector and rounded; a score from fewer than
//!    `full_pillars` is provisional and held in the Moderate band ([`PROVISIONAL_BAND`]).
//!
//! Everything is deterministic: records come out sorted by ticker, ties share a
//! percentile, and the same store and config give byte-identical output.

#![warn(missing_docs)]

pub mod config;
pub mod metrics;
pub mod panel;
pub mod rank;
pub mod window;

use std::collections::BTreeMap;
use std::fmt;

use alphadesk_model::{Field, NaiveDate, Sector};
use serde::{Deserialize, Serialize};

pub use config::ScoreConfig;
use metrics::{Ctx, Evidence, MetricId};
pub use panel::{Every, Universe};
pub use window::{Reach, Window};

/// One of the four groups of metrics the Alpha Score averages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pillar {
    /// Past returns and the distance from the 52-week high.
    Momentum,
    /// Earnings, book, sales and free cash flow against the price.
    Value,
    /// Profitability, accruals, leverage and margin stability.
    Quality,
    /// Insiders' buying, institutions' holdings and the news' tone.
    Sentiment,
}

impl Pillar {
    /// The four, in report order.
    pub const ALL: [Pillar; 4] = [Pillar::Momentum, Pillar::Value, Pillar::Quality, Pillar::Sentiment];

    /// Its id, lower case, as every face spells it.
    pub fn name(self) -> &'static str {
        match self {
            Pillar::Momentum => "momentum",
            Pillar::Value => "value",
            Pillar::Quality => "quality",
            Pillar::Sentiment => "sentiment",
        }
    }
}

impl fmt::Display for Pillar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One scale for pillars and the total: 0–39 Weak, 40–74 Moderate, 75–100 Strong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Label {
    /// 0–39.
    Weak,
    /// 40–74.
    Moderate,
    /// 75–100.
    Strong,
}

impl Label {
    /// The band a score falls in.
    pub fn of(score: u8) -> Label {
        match score {
            0..=39 => Label::Weak,
            40..=74 => Label::Moderate,
            _ => Label::Strong,
        }
    }

    /// The band's word, capitalised.
    pub fn word(self) -> &'static str {
        match self {
            Label::Weak => "Weak",
            Label::Moderate => "Moderate",
            Label::Strong => "Strong",
        }
    }
}

/// One pillar's score for one ticker.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct PillarScore {
    /// 0–100 within the sector; null when too few of its metrics have a value.
    pub score: Option<u8>,
    /// The score's band.
    pub label: Option<Label>,
    /// Why the pillar is null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its metrics with a value.
    pub metrics_available: usize,
    /// Its metrics configured.
    pub metrics_total: usize,
}

/// How much of the configuration a score rests on.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Coverage {
    /// Metrics with a value.
    pub metrics_available: usize,
    /// Metrics configured.
    pub metrics_total: usize,
    /// Pillars with a score.
    pub pillars_available: usize,
    /// Share of configured metrics that had a value.
    pub fraction: f64,
}

/// One metric for one ticker: raw value, value after winsorising, sector percentile.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct MetricScore {
    /// The metric.
    pub id: MetricId,
    /// Its value, in its own unit.
    pub raw: Option<f64>,
    /// The value clipped to the sector's winsorising bounds.
    pub winsorised: Option<f64>,
    /// Its percentile within the sector, 0–100, higher better.
    pub percentile: Option<f64>,
    /// Why it has no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One ticker's Alpha Score on one date, with its pillars and coverage.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct ScoreRecord {
    /// The ticker.
    pub ticker: String,
    /// The company's name in force on the date.
    pub name: Option<String>,
    /// Its GICS sector: the peers it is ranked among.
    pub sector: Sector,
    /// The close it is scored at (the last trading day on or before the date asked).
    pub as_of: NaiveDate,
    /// 0–100 within the sector: the weighted mean of its available pillars,
    /// scaled towards 50 by their share of the weight and re-ranked (see the
    /// crate docs); null with fewer than `min_pillars` pillars.
    pub alpha_score: Option<u8>,
    /// The Alpha Score's band.
    pub category: Option<Label>,
    /// Built on fewer pillars than the configuration's `full_pillars`: held in
    /// the Moderate band, and said to be provisional wherever it is shown.
    pub provisional: bool,
    /// Why it has no Alpha Score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Market capitalisation at the close used, in USD: that close times the
    /// share count known then (`explain` names both); null without a share count.
    pub market_cap: Option<f64>,
    /// Each pillar's score.
    pub pillars: BTreeMap<Pillar, PillarScore>,
    /// How much of the configuration it rests on.
    pub coverage: Coverage,
    /// Per-metric detail; left out of `score --json`, shown by `explain`.
    #[serde(skip)]
    pub metrics: Vec<MetricScore>,
}

/// Member indices scored on `as_of`, with their context.
fn eligible<'u>(u: &'u Universe, as_of: NaiveDate, cfg: &ScoreConfig) -> Vec<Ctx<'u>> {
    u.members.iter().filter_map(|m| context(m, as_of, cfg)).collect()
}

/// What one member's metrics are computed from on `as_of`; `None` when it has no
/// fresh price then (it is not scored).
fn context<'u>(m: &'u crate::panel::Member, as_of: NaiveDate, cfg: &ScoreConfig) -> Option<Ctx<'u>> {
    let idx = m.prices.index_on_or_before(as_of)?;
    if (as_of - m.prices.dates[idx]).num_days() > cfg.max_price_age_days || m.prices.adj[idx].is_nan() {
        return None;
    }
    let fundamentals = m.fundamentals(as_of);
    let market_cap = match (&m.basis, m.prices.close_on_or_before(as_of), fundamentals) {
        (Some(b), Some((day, close)), Some(f)) => match f.fields.get(&Field::SharesOutstanding) {
            Some(s) => b.market_cap_value(close, day, as_of, s),
            None => Err("no share count known by this date".into()),
        },
        (None, _, _) => Err("price series has no recorded basis".into()),
        (_, None, _) => Err("no price".into()),
        (_, _, None) => Err("no fundamentals known by this date".into()),
    };
    Some(Ctx { member: m, as_of, idx, fundamentals, market_cap })
}

/// Per member: pillar percentile, metrics available, why null.
type PillarColumns = (Vec<Option<f64>>, Vec<usize>, Vec<Option<String>>);

fn round_score(x: f64) -> u8 {
    x.round().clamp(0.0, 100.0) as u8
}

/// Scores every eligible member of the universe on `as_of`, sorted by ticker.
pub fn score(u: &Universe, as_of: NaiveDate, cfg: &ScoreConfig) -> Vec<ScoreRecord> {
    // A load for other dates would answer without this date's prices or news.
    debug_assert!(u.window.contains(as_of), "scoring {as_of} on a universe loaded for {}", u.window);
    let ctxs = eligible(u, as_of, cfg);
    let sectors: Vec<Sector> = ctxs.iter().map(|c| c.member.sector).collect();
    let n = ctxs.len();
    let specs: Vec<(Pillar, &config::MetricSpec)> =
        cfg.pillars.iter().flat_map(|(p, s)| s.metrics.iter().map(move |m| (*p, m))).collect();

    // metric -> per member
    let mut raw: Vec<Vec<Option<f64>>> = Vec::with_capacity(specs.len());
    let mut reasons: Vec<Vec<Option<String>>> = Vec::with_capacity(specs.len());
    let mut wins: Vec<Vec<Option<f64>>> = Vec::with_capacity(specs.len());
    let mut pcts: Vec<Vec<Option<f64>>> = Vec::with_capacity(specs.len());
    for (_, spec) in &specs {
        let outcomes: Vec<metrics::Outcome> = ctxs.iter().map(|c| metrics::compute(spec.id, c)).collect();
        let r: Vec<Option<f64>> = outcomes.iter().map(|o| o.as_ref().ok().copied().filter(|v| v.is_finite())).collect();
        let why: Vec<Option<String>> = outcomes
            .iter()
            .map(|o| match o {
                Ok(v) if v.is_finite() => None,
                Ok(_) => Some("not a finite number".into()),
                Err(e) => Some(e.clone()),
            })
            .collect();
        let mut w = r.clone();
        rank::winsorise(&mut w, cfg.winsor_lower, cfg.winsor_upper);
        let oriented: Vec<Option<f64>> = match spec.direction {
            config::Direction::Higher => w.clone(),
            config::Direction::Lower => w.iter().map(|v| v.map(|x| -x)).collect(),
        };
        pcts.push(rank::group_percentiles(&oriented, &sectors));
        raw.push(r);
        reasons.push(why);
        wins.push(w);
    }

    let mut pillar_scores: BTreeMap<Pillar, PillarColumns> = BTreeMap::new();
    for (p, pspec) in &cfg.pillars {
        let cols: Vec<usize> = specs.iter().enumerate().filter(|(_, (q, _))| q == p).map(|(i, _)| i).collect();
        let mut means = vec![None; n];
        let mut avail = vec![0; n];
        let mut why = vec![None; n];
        for i in 0..n {
            let vals: Vec<f64> = cols.iter().filter_map(|&c| pcts[c][i]).collect();
            avail[i] = vals.len();
            if vals.len() >= pspec.min_metrics {
                means[i] = Some(vals.iter().sum::<f64>() / vals.len() as f64);
            } else {
                // Each missing metric's own reason is in `metrics` (and `explain`).
                why[i] = Some(format!("{} of {} metrics, needs {}", vals.len(), cols.len(), pspec.min_metrics));
            }
        }
        pillar_scores.insert(*p, (rank::group_percentiles(&means, &sectors), avail, why));
    }

    let mut totals = vec![None; n];
    let mut total_why = vec![None; n];
    let mut pillars_scored = vec![0; n];
    let all_weight: f64 = cfg.pillars.values().map(|s| s.weight).sum();
    for i in 0..n {
        let mut sum = 0.0;
        let mut w = 0.0;
        let mut k = 0;
        for (p, spec) in &cfg.pillars {
            if let Some(s) = pillar_scores[p].0[i] {
                sum += spec.weight * s;
                w += spec.weight;
                k += 1;
            }
        }
        pillars_scored[i] = k;
        if k >= cfg.min_pillars && w > 0.0 {
            let mean = sum / w;
            // The mean of fewer pillars spreads wider (its variance grows as the
            // weight behind it shrinks); scaled by the square root of its share of
            // the weight it spreads as a full composite would before the rank.
            totals[i] = Some(if cfg.full_pillars > 0 { 50.0 + (mean - 50.0) * (w / all_weight).sqrt() } else { mean });
        } else {
            total_why[i] = Some(format!("{k} of {} pillars scored, needs {}", cfg.pillars.len(), cfg.min_pillars));
        }
    }
    let alpha = rank::group_percentiles(&totals, &sectors);
    let provisional = |i: usize| pillars_scored[i] < cfg.full_pillars;

    let mut out: Vec<ScoreRecord> = ctxs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let pillars: BTreeMap<Pillar, PillarScore> = cfg
                .pillars
                .iter()
                .map(|(p, spec)| {
                    let (scores, avail, why) = &pillar_scores[p];
                    let s = scores[i].map(round_score);
                    (
                        *p,
                        PillarScore {
                            score: s,
                            label: s.map(Label::of),
                            reason: why[i].clone(),
                            metrics_available: avail[i],
                            metrics_total: spec.metrics.len(),
                        },
                    )
                })
                .collect();
            let metrics_available = pillars.values().map(|p| p.metrics_available).sum();
            let metrics_total = specs.len();
            // A provisional score keeps its order but is mapped into the band:
            // rank 0 is 40, rank 100 is 74 (clamping would pile every strong
            // provisional rank on 74 and tie them).
            let a = alpha[i].map(|x| {
                if provisional(i) {
                    let (lo, hi) = (f64::from(*PROVISIONAL_BAND.start()), f64::from(*PROVISIONAL_BAND.end()));
                    round_score(lo + x / 100.0 * (hi - lo))
                } else {
                    round_score(x)
                }
            });
            ScoreRecord {
                ticker: c.member.ticker.clone(),
                name: c.member.name_on(as_of).map(str::to_string),
                sector: c.member.sector,
                as_of,
                alpha_score: a,
                category: a.map(Label::of),
                provisional: a.is_some() && provisional(i),
                reason: total_why[i].clone(),
                market_cap: c.market_cap.as_ref().ok().copied().filter(|v| v.is_finite() && *v > 0.0),
                coverage: Coverage {
                    metrics_available,
                    metrics_total,
                    pillars_available: pillars.values().filter(|p| p.score.is_some()).count(),
                    fraction: if metrics_total == 0 { 0.0 } else { metrics_available as f64 / metrics_total as f64 },
                },
                pillars,
                metrics: specs
                    .iter()
                    .enumerate()
                    .map(|(m, (_, spec))| MetricScore {
                        id: spec.id,
                        raw: raw[m][i],
                        winsorised: wins[m][i],
                        percentile: pcts[m][i],
                        reason: reasons[m][i].clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.ticker.cmp(&b.ticker));
    out
}

/// Where a provisional score is held, its sector rank mapped linearly onto it:
/// the Moderate band of [`Label::of`].
pub const PROVISIONAL_BAND: std::ops::RangeInclusive<u8> = 40..=74;

/// `provisional: 2 of 4 pillars`, for a provisional score; `None` otherwise.
pub fn provisional_words(r: &ScoreRecord) -> Option<String> {
    r.provisional.then(|| format!("provisional: {} of {} pillars", r.coverage.pillars_available, r.pillars.len()))
}

/// `Alpha Score of 68 reflects moderate overall profile with strong momentum,
/// moderate value, strong quality, moderate sentiment.`
pub fn profile_sentence(r: &ScoreRecord) -> String {
    let Some(a) = r.alpha_score else {
        return format!(
            "No Alpha Score for {} on {}: {}.",
            r.ticker,
            r.as_of,
            r.reason.as_deref().unwrap_or("not enough data")
        );
    };
    let parts: Vec<String> = r
        .pillars
        .iter()
        .map(|(p, s)| match s.label {
            Some(l) => format!("{} {}", l.word().to_ascii_lowercase(), p),
            None => format!("unscored {p}"),
        })
        .collect();
    format!(
        "Alpha Score of {a} reflects {} overall profile with {}.",
        Label::of(a).word().to_ascii_lowercase(),
        parts.join(", ")
    )
}

/// `alphadesk tracks The Allstate Corporation (ALL) with an Alpha Score of 72/100,
/// categorized as Moderate within the Financials sector.`
pub fn tracking_sentence(r: &ScoreRecord) -> String {
    let name = r.name.as_deref().unwrap_or(&r.ticker);
    match r.alpha_score {
        Some(a) => format!(
            "alphadesk tracks {name} ({}) with an Alpha Score of {a}/100, categorized as {} within the {} sector{}.",
            r.ticker,
            Label::of(a).word(),
            r.sector,
            provisional_words(r).map(|p| format!(" ({p})")).unwrap_or_default()
        ),
        None => format!(
            "alphadesk tracks {name} ({}) in the {} sector; it has no Alpha Score on {}.",
            r.ticker, r.sector, r.as_of
        ),
    }
}

/// A metric with the records behind it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExplainedMetric {
    /// The metric.
    pub id: MetricId,
    /// Its pillar.
    pub pillar: Pillar,
    /// What it measures, in words.
    pub meaning: &'static str,
    /// Whether higher or lower values rank better.
    pub direction: config::Direction,
    /// Its value, in its own unit.
    pub raw: Option<f64>,
    /// The value clipped to the sector's winsorising bounds.
    pub winsorised: Option<f64>,
    /// Its percentile within the sector, 0–100, higher better.
    pub sector_percentile: Option<f64>,
    /// Why it has no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The records it was computed from.
    pub inputs: Vec<Evidence>,
}

/// A score with its two sentences and every metric's inputs and sources.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Explanation {
    /// The score.
    pub record: ScoreRecord,
    /// What the score tracks, and its profile, in words.
    pub sentences: [String; 2],
    /// Every configured metric.
    pub metrics: Vec<ExplainedMetric>,
    /// The configuration's hash.
    pub config_hash: String,
}

/// The score of one ticker with every metric's inputs and sources.
pub fn explain(u: &Universe, ticker: &str, as_of: NaiveDate, cfg: &ScoreConfig) -> Option<Explanation> {
    explain_scored(u, &score(u, as_of, cfg), ticker, as_of, cfg)
}

/// [`explain`] with the date's records already computed by [`score`] (a server
/// scores a date once and explains many tickers of it): only this ticker's
/// inputs are gathered.
pub fn explain_scored(
    u: &Universe,
    records: &[ScoreRecord],
    ticker: &str,
    as_of: NaiveDate,
    cfg: &ScoreConfig,
) -> Option<Explanation> {
    let record = records.iter().find(|r| r.ticker.eq_ignore_ascii_case(ticker.trim()))?.clone();
    let member = u.member(&record.ticker)?;
    let ctx = &context(member, as_of, cfg)?;
    let metrics = cfg
        .pillars
        .iter()
        .flat_map(|(p, s)| s.metrics.iter().map(move |m| (*p, m)))
        .zip(&record.metrics)
        .map(|((p, spec), m)| ExplainedMetric {
            id: spec.id,
            pillar: p,
            meaning: spec.id.describe(),
            direction: spec.direction,
            raw: m.raw,
            winsorised: m.winsorised,
            sector_percentile: m.percentile,
            reason: m.reason.clone(),
            inputs: if m.raw.is_some() { metrics::evidence(spec.id, ctx) } else { Vec::new() },
        })
        .collect();
    Some(Explanation {
        sentences: [profile_sentence(&record), tracking_sentence(&record)],
        record,
        metrics,
        config_hash: cfg.hash(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_at_their_edges() {
        assert_eq!(Label::of(0), Label::Weak);
        assert_eq!(Label::of(39), Label::Weak);
        assert_eq!(Label::of(40), Label::Moderate);
        assert_eq!(Label::of(74), Label::Moderate);
        assert_eq!(Label::of(75), Label::Strong);
        assert_eq!(Label::of(100), Label::Strong);
    }

    #[test]
    fn sentences_have_the_published_shape() {
        let p = |s: u8| PillarScore {
            score: Some(s),
            label: Some(Label::of(s)),
            reason: None,
            metrics_available: 1,
            metrics_total: 1,
        };
        let r = ScoreRecord {
            ticker: "ALL".into(),
            name: Some("The Allstate Corporation".into()),
            sector: Sector::Financials,
            as_of: "2017-06-30".parse().unwrap(),
            alpha_score: Some(68),
            category: Some(Label::Moderate),
            provisional: false,
            reason: None,
            market_cap: None,
            pillars: [
                (Pillar::Momentum, p(80)),
                (Pillar::Value, p(50)),
                (Pillar::Quality, p(90)),
                (Pillar::Sentiment, p(60)),
            ]
            .into_iter()
            .collect(),
            coverage: Coverage { metrics_available: 4, metrics_total: 4, pillars_available: 4, fraction: 1.0 },
            metrics: vec![],
        };
        assert_eq!(
            profile_sentence(&r),
            "Alpha Score of 68 reflects moderate overall profile with strong momentum, moderate value, strong quality, moderate sentiment."
        );
        let mut r72 = r.clone();
        r72.alpha_score = Some(72);
        assert_eq!(
            tracking_sentence(&r72),
            "alphadesk tracks The Allstate Corporation (ALL) with an Alpha Score of 72/100, categorized as Moderate within the Financials sector."
        );
    }
}
