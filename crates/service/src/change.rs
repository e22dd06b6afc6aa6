//! Why a score moved: a ticker's record at the close used against the previous
//! month end's, pillar by pillar and metric by metric; and the change log —
//! what each sync brought, and the scores it moved.
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

use crate::{
    ArticleChange, ChangesView, FilingChange, MetricMove, PillarMove, Result, ScoreChange, ScoreMove, Service,
    ServiceError, Snapshot, SyncChanges, TradeChange,
};

/// Metrics a summary names.
const NAMED: usize = 2;

/// A score move the change log lists: at least this many points.
pub const MOVE_POINTS: u8 = 10;

/// Items of each kind a run's changes list (the totals count them all).
const LISTED: usize = 100;

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
        self.change_between(&snap, t, from, to)
    }

    /// What the syncs that finished on or after `since` (a UTC day; default:
    /// the last sync only) brought: the filings, open-market insider trades and
    /// articles stored from their documents, the last close they moved, and
    /// every score that moved by [`MOVE_POINTS`] or more between the last close
    /// before a sync and the one after it, with the metric that moved it most.
    pub fn changes(&self, since: Option<NaiveDate>) -> Result<ChangesView> {
        let snap = self.snapshot()?;
        let runs = self.reader().get().sync_runs(since)?;
        let ticker_of = |cik: i64| snap.index.members.iter().find(|m| m.cik == Some(cik)).map(|m| m.ticker.clone());
        let mut out = Vec::new();
        for run in runs {
            let (filings, trades, articles) = {
                let store = self.reader();
                let store = store.get();
                (store.filings_of_run(&run)?, store.trades_of_run(&run)?, store.articles_of_run(&run)?)
            };
            let prices = match (run.latest_before, run.latest_after) {
                (Some(a), Some(b)) if b > a => Some((a, b)),
                (None, Some(b)) => Some((b, b)),
                _ => None,
            };
            // Scores of a close this snapshot does not hold yet wait for its reload.
            let pending = prices.is_some_and(|(_, to)| snap.latest().is_none_or(|l| l < to));
            let moves = match (prices, pending) {
                (Some((from, to)), false) if from < to => self.moves(&snap, from, to)?,
                _ => Vec::new(),
            };
            out.push(SyncChanges {
                finished_at: run.finished_at,
                what: run.what,
                last_close_before: run.latest_before,
                last_close_after: run.latest_after,
                filings_total: filings.len(),
                filings: filings
                    .into_iter()
                    .take(LISTED)
                    .map(|f| FilingChange {
                        ticker: ticker_of(f.cik),
                        cik: f.cik,
                        form: f.form,
                        filed: f.filed,
                        accession: f.accession,
                    })
                    .collect(),
                trades_total: trades.len(),
                trades: trades
                    .into_iter()
                    .take(LISTED)
                    .map(|t| TradeChange {
                        ticker: t.issuer_cik.and_then(ticker_of).or(t.issuer_ticker),
                        owner: t.owner,
                        code: t.code,
                        shares: t.shares,
                        price: t.price,
                        filed: t.filed,
                        accession: t.accession,
                    })
                    .collect(),
                articles_total: articles.len(),
                articles: articles
                    .into_iter()
                    .take(LISTED)
                    .map(|a| ArticleChange { title: a.title, url: a.url, known: a.known, tickers: a.tickers })
                    .collect(),
                moves,
                moves_pending: pending,
            });
        }
        Ok(ChangesView { since, runs: out })
    }

    /// Scores that moved by [`MOVE_POINTS`] or more from `from` to `to`, the
    /// largest first.
    fn moves(&self, snap: &Snapshot, from: NaiveDate, to: NaiveDate) -> Result<Vec<ScoreMove>> {
        let scores = self.scores_over(snap, &[from, to])?;
        let before: std::collections::HashMap<&str, u8> =
            scores[0].iter().filter_map(|r| Some((r.ticker.as_str(), r.alpha_score?))).collect();
        let mut moved: Vec<(String, u8, u8)> = scores[1]
            .iter()
            .filter_map(|r| {
                let (b, a) = (*before.get(r.ticker.as_str())?, r.alpha_score?);
                (a.abs_diff(b) >= MOVE_POINTS).then(|| (r.ticker.clone(), b, a))
            })
            .collect();
        moved.sort_by(|x, y| y.2.abs_diff(y.1).cmp(&x.2.abs_diff(x.1)).then(x.0.cmp(&y.0)));
        let mut out = Vec::new();
        for (ticker, b, a) in moved.into_iter().take(LISTED) {
            let change = self.change_between(snap, ticker.clone(), from, to)?;
            out.push(ScoreMove {
                ticker,
                from,
                to,
                before: b,
                after: a,
                points: a as i16 - b as i16,
                metric: change.metrics.iter().find(|m| moved_by(m) > 0.0).map(|m| m.title.clone()),
                summary: change.summary,
            });
        }
        Ok(out)
    }

    /// How `t`'s score moved from the close of `from` to that of `to`.
    fn change_between(&self, snap: &Snapshot, t: String, from: NaiveDate, to: NaiveDate) -> Result<ScoreChange> {
        let find = |d: NaiveDate| -> Result<Option<ScoreRecord>> {
            Ok(self.scores_on(snap, d)?.iter().find(|r| r.ticker == t).cloned())
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
        metrics.sort_by(|a, b| moved_by(b).total_cmp(&moved_by(a)).then(a.metric.cmp(&b.metric)));
        let score = |r: &Option<ScoreRecord>| r.as_ref().and_then(|r| r.alpha_score);
        let (sb, sa) = (score(&before), score(&after));
        let summary = summary(&t, from, to, sb, sa, &pillars, &metrics);
        Ok(ScoreChange { ticker: t, from, to, before: sb, after: sa, pillars, metrics, summary })
    }
}

/// A metric's weighted percentile move; one that appears or disappears counts
/// from the sector's middle.
fn moved_by(m: &MetricMove) -> f64 {
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
        .filter(|m| moved_by(m) > 0.0)
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
