//! The live record: the scores this desk stated on each latest close, as
//! recorded then (the store's `live` module), against the returns that
//! followed. Nothing here is recomputed from today's data but the returns,
//! so no change to the score can improve it after the fact.

use alphadesk_model::NaiveDate;
use alphadesk_score::Universe;
use serde::Serialize;

use crate::{adjusted_close, stats, MIN_IC_N};

/// A close recorded within this many calendar days of itself was stated
/// live; one recorded later (a store built from history, a replay) is shown
/// apart and never counted in the live figure.
pub const LIVE_DAYS: i64 = 7;

/// One recorded close against what followed.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct LiveClose {
    /// The close recorded.
    pub as_of: NaiveDate,
    /// When the scores were first stated (UTC, RFC 3339).
    pub recorded_at: String,
    /// Stated within [`LIVE_DAYS`] of the close, not a replay of history.
    pub live: bool,
    /// Tickers scored on the close.
    pub scored: usize,
    /// The close `horizon` trading days later, once the store has it.
    pub matured_on: Option<NaiveDate>,
    /// Scored tickers with a forward return (a close on both days).
    pub n: usize,
    /// Spearman rank IC of the recorded scores with the forward returns.
    pub ic: Option<f64>,
}

/// The recorded closes' rank ICs, and their mean over the live ones.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct LiveRecord {
    /// The configuration of record's hash.
    pub config_hash: String,
    /// Forward return horizon, trading days.
    pub horizon: usize,
    /// Every recorded close, oldest first.
    pub closes: Vec<LiveClose>,
    /// Over the live closes that have matured.
    pub live_dates: usize,
    /// Mean rank IC over the live closes that matured.
    pub live_mean_ic: Option<f64>,
    /// Its Newey–West t-statistic.
    pub live_t_stat: Option<f64>,
}

/// One close's scores as they were first stated.
pub struct Stated<'a> {
    /// The close.
    pub as_of: NaiveDate,
    /// When (UTC, RFC 3339).
    pub recorded_at: &'a str,
    /// (ticker, Alpha Score).
    pub scores: &'a [(String, i64)],
}

/// The record of `recorded` against `u`'s prices at `horizon` trading days.
pub fn live_record(u: &Universe, config_hash: &str, recorded: &[Stated<'_>], horizon: usize) -> LiveRecord {
    let mut closes = Vec::with_capacity(recorded.len());
    for r in recorded {
        let recorded_day = r.recorded_at.get(..10).and_then(alphadesk_model::parse_date);
        let live = recorded_day.is_some_and(|d| (d - r.as_of).num_days() <= LIVE_DAYS);
        let pos = u.calendar.partition_point(|d| *d < r.as_of);
        let matured_on =
            (u.calendar.get(pos) == Some(&r.as_of)).then(|| u.calendar.get(pos + horizon).copied()).flatten();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        if let Some(target) = matured_on {
            for (ticker, score) in r.scores {
                let Some(m) = u.member(ticker) else { continue };
                if let (Some(p0), Some(p1)) = (adjusted_close(m, r.as_of), adjusted_close(m, target)) {
                    x.push(*score as f64);
                    y.push(p1 / p0 - 1.0);
                }
            }
        }
        let ic = (x.len() >= MIN_IC_N).then(|| stats::spearman(&x, &y)).flatten();
        closes.push(LiveClose {
            as_of: r.as_of,
            recorded_at: r.recorded_at.to_string(),
            live,
            scored: r.scores.len(),
            matured_on,
            n: x.len(),
            ic,
        });
    }
    let live_ics: Vec<f64> = closes.iter().filter(|c| c.live).filter_map(|c| c.ic).collect();
    let dates: Vec<NaiveDate> = closes.iter().filter(|c| c.live && c.ic.is_some()).map(|c| c.as_of).collect();
    let lags = crate::overlap_lags(&dates, &u.calendar, horizon);
    LiveRecord {
        config_hash: config_hash.to_string(),
        horizon,
        live_dates: live_ics.len(),
        live_mean_ic: stats::mean(&live_ics),
        live_t_stat: stats::newey_west_t(&live_ics, lags),
        closes,
    }
}

impl LiveRecord {
    /// The record in words: what is recorded, and the one figure no one could
    /// have tuned.
    pub fn sentence(&self) -> String {
        if self.closes.is_empty() {
            return "No close is recorded yet. From the first write of this version on (an ingest or a sync), the Alpha Scores of the store's latest close are recorded as they are stated and never rewritten; the returns that follow them are measured here.".to_string();
        }
        let live = self.closes.iter().filter(|c| c.live).count();
        let mut s = format!(
            "{} recorded: {live} stated live (within a week of the close), {} recorded later from history (shown, never counted).",
            if self.closes.len() == 1 { "1 close".to_string() } else { format!("{} closes", self.closes.len()) },
            self.closes.len() - live
        );
        match (self.live_mean_ic, self.live_t_stat) {
            (Some(m), t) => s.push_str(&format!(
                " Over the {} live closes whose {} trading days have passed, the mean rank IC of the stated scores with the returns that followed is {} (t {}).",
                self.live_dates,
                self.horizon,
                format!("{m:+.3}").replace('-', "−"),
                t.map(|t| format!("{t:+.2}").replace('-', "−")).unwrap_or("n/a".into())
            )),
            (None, _) => s.push_str(&format!(" No live close has had its {} trading days yet.", self.horizon)),
        }
        s
    }
}
