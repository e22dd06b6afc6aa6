//! Why a score moved: a ticker's record at the close used against the previous
//! month end's, pillar by pillar and metric by metric.
//!
//! The Alpha Score is a rank within the sector of a weighted mean of pillar
//! ranks, each the mean of its metrics' sector percentiles. A metric's share of
//! the score is therefore its pillar's weight split among the pillar's metrics,
//! and its percentile move times that share orders the metrics "that moved the
//! score most". The ranks also move when other companies' figures do; the
//! summary says so rather than pretend the decomposition is exact.

use alphadesk_model::NaiveDate;
use alphadesk_score::metrics::MetricId;
use alphadesk_score::{Pillar, ScoreRecord};

use crate::{MetricMove, PillarMove, Result, ScoreChange, Service, ServiceError};

/// Metrics a summary names.
const NAMED: usize = 2;

impl Service {
    /// How `ticker`'s score moved from the previous month end to the close of
    /// `as_of` (default: the latest).
    pub fn score_change(&self, ticker: &str, as_of: Option<NaiveDate>) -> Result<ScoreChange> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let to = self.date(&snap, as_of.or(snap.latest()))?;
        let from = self.previous_month_end(&snap, to).ok_or_else(|| {
            ServiceError::not_found(format!("the store has no close in the month before {to} to compare with"))
        })?;
        let find = |d: NaiveDate| -> Result<Option<ScoreRecord>> {
            Ok(self.scores_on(&snap, d)?.iter().find(|r| r.ticker == t).cloned())
        };
        let (before, after) = (find(from)?, find(to)?);
        if before.is_none() && after.is_none() {
            return Err(ServiceError::not_found(format!("{t} was scored neither on {from} nor on {to}")));
        }
        let pillar = |r: &Option<ScoreRecord>, p: Pillar| r.as_ref().and_then(|r| r.pillars.get(&p)?.score);
        let pillars: Vec<PillarMove> = Pillar::ALL
            .iter()
            .map(|&p| PillarMove { pillar: p, before: pillar(&before, p), after: pillar(&after, p) })
            .collect();
        let all_weight: f64 = self.config().pillars.values().map(|s| s.weight).sum();
        let metric = |r: &Option<ScoreRecord>, id: MetricId| {
            r.as_ref().and_then(|r| r.metrics.iter().find(|m| m.id == id)).map(|m| (m.raw, m.percentile))
        };
        let mut metrics: Vec<MetricMove> = Vec::new();
        for (p, spec) in &self.config().pillars {
            for m in &spec.metrics {
                let (rb, pb) = metric(&before, m.id).unwrap_or_default();
                let (ra, pa) = metric(&after, m.id).unwrap_or_default();
                if rb == ra && pb == pa {
                    continue;
                }
                metrics.push(MetricMove {
                    metric: m.id,
                    pillar: *p,
                    title: m.id.title().to_string(),
                    raw_before: rb,
                    raw_after: ra,
                    percentile_before: pb,
                    percentile_after: pa,
                    weight: if all_weight > 0.0 { spec.weight / all_weight / spec.metrics.len() as f64 } else { 0.0 },
                });
            }
        }
        metrics.sort_by(|a, b| moved(b).total_cmp(&moved(a)).then(a.metric.cmp(&b.metric)));
        let score = |r: &Option<ScoreRecord>| r.as_ref().and_then(|r| r.alpha_score);
        let (sb, sa) = (score(&before), score(&after));
        let summary = summary(&t, from, to, sb, sa, &pillars, &metrics);
        Ok(ScoreChange { ticker: t, from, to, before: sb, after: sa, pillars, metrics, summary })
    }
}

/// A metric's weighted percentile move; one that appears or disappears counts
/// from the sector's middle.
fn moved(m: &MetricMove) -> f64 {
    let (b, a) = (m.percentile_before.unwrap_or(50.0), m.percentile_after.unwrap_or(50.0));
    (a - b).abs() * m.weight
}

fn percentile(p: Option<f64>) -> String {
    p.map(|x| format!("{x:.0}")).unwrap_or_else(|| "none".into())
}

fn summary(
    ticker: &str,
    from: NaiveDate,
    to: NaiveDate,
    before: Option<u8>,
    after: Option<u8>,
    pillars: &[PillarMove],
    metrics: &[MetricMove],
) -> String {
    let mut s = match (before, after) {
        (Some(b), Some(a)) if a > b => format!(
            "{ticker}'s Alpha Score rose {} points, from {b} at the close of {from} to {a} at the close of {to}.",
            a - b
        ),
        (Some(b), Some(a)) if a < b => format!(
            "{ticker}'s Alpha Score fell {} points, from {b} at the close of {from} to {a} at the close of {to}.",
            b - a
        ),
        (Some(b), Some(_)) => format!("{ticker}'s Alpha Score was {b} at the close of both {from} and {to}."),
        (None, Some(a)) => {
            format!("{ticker} had no Alpha Score at the close of {from}; it has {a} at the close of {to}.")
        }
        (Some(b), None) => {
            format!("{ticker} had an Alpha Score of {b} at the close of {from}; it has none at the close of {to}.")
        }
        (None, None) => format!("{ticker} had no Alpha Score at the close of {from} or of {to}."),
    };
    let largest = pillars
        .iter()
        .filter_map(|p| Some((p, crate::points_moved(p.before, p.after)?.abs())))
        .filter(|(_, d)| *d > 0)
        .max_by_key(|(_, d)| *d);
    if let Some((p, _)) = largest {
        s.push_str(&format!(
            " Its {} pillar moved most, from {} to {}.",
            p.pillar.name(),
            p.before.unwrap_or_default(),
            p.after.unwrap_or_default()
        ));
    }
    let named: Vec<String> = metrics
        .iter()
        .filter(|m| moved(m) > 0.0)
        .take(NAMED)
        .map(|m| {
            let raw = |v: Option<f64>| {
                v.map(|x| alphadesk_notes::format::metric(m.metric, x)).unwrap_or_else(|| "none".into())
            };
            format!(
                "{} (sector percentile {} to {}; value {} to {})",
                m.title.to_lowercase(),
                percentile(m.percentile_before),
                percentile(m.percentile_after),
                raw(m.raw_before),
                raw(m.raw_after)
            )
        })
        .collect();
    if !named.is_empty() {
        s.push_str(&format!(" The metrics that moved it most: {}.", named.join("; ")));
    }
    s.push_str(" A score ranks a stock within its sector, so it also moves when other companies' figures do.");
    s
}
