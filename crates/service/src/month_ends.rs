//! The month ends a stock page charts, scored by the writer and kept with the
//! figures of record (see [`KeptMonthEnds`] for why).

use std::collections::BTreeMap;

use alphadesk_model::NaiveDate;
use alphadesk_score::{Every, ScoreRecord, Universe};

use crate::ScorePoint;

/// The month ends a stock page of `close` charts: the last trading day of
/// each month of the [`crate::SCORE_HISTORY_DAYS`] before it, `close` last.
/// One rule for the writer that keeps them, the warm-up that looks for them
/// and the page that shows them.
pub fn charted(universe: &Universe, close: NaiveDate) -> Vec<NaiveDate> {
    universe.rebalance_dates(close - chrono::Duration::days(crate::SCORE_HISTORY_DAYS), close, Every::Month)
}

/// The kind of [`KeptMonthEnds`] in the store's cache of results.
pub const KIND: &str = "month_end_points";

/// Every ticker's month-end scores over the two years a stock page charts,
/// kept with the figures of record at each store generation.
///
/// Why: the chart is every ticker's scores at 24 month ends (a score ranks a
/// ticker in its sector), which a server first asked for a page loaded and
/// scored — at 16 times today's universe, a two-year load of every filer,
/// seconds before the first visitor saw a page. The writer has just loaded the
/// whole history for the figures of record; scoring 24 dates more there costs
/// a fraction of that, and a server reads them back. They are the same
/// function's answers on the same records (a windowed load equals the full
/// one), kept only for the generation and configuration they were computed at.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct KeptMonthEnds {
    /// Every ticker scored on any of the month ends, sorted.
    tickers: Vec<String>,
    /// Per month end, each of `tickers`' point in that order (null: not scored
    /// that day). Held as arrays, not objects: at 16 times today's universe
    /// the two years are 91,000 points, read back by a server's first page.
    dates: BTreeMap<NaiveDate, Vec<Option<KeptPoint>>>,
}

/// A point without the date and ticker it is held under: Alpha Score,
/// category, the four pillars, pillars available.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct KeptPoint(Option<u8>, Option<String>, Option<u8>, Option<u8>, Option<u8>, Option<u8>, usize);

impl KeptMonthEnds {
    /// The points of every record of each date (`scored[i]` scored on `dates[i]`).
    pub fn of(dates: &[NaiveDate], scored: &[Vec<ScoreRecord>]) -> KeptMonthEnds {
        let mut tickers: Vec<String> = scored.iter().flatten().map(|r| r.ticker.clone()).collect();
        tickers.sort_unstable();
        tickers.dedup();
        let dates = dates
            .iter()
            .zip(scored)
            .map(|(d, records)| {
                let mut points = vec![None; tickers.len()];
                for r in records {
                    let p = ScorePoint::of(*d, Some(r));
                    let i = tickers.binary_search(&r.ticker).expect("every scored ticker is listed");
                    points[i] = Some(KeptPoint(
                        p.alpha_score,
                        p.category,
                        p.momentum,
                        p.value,
                        p.quality,
                        p.sentiment,
                        p.pillars_available,
                    ));
                }
                (*d, points)
            })
            .collect();
        KeptMonthEnds { tickers, dates }
    }

    /// Whether every one of `dates` is kept.
    pub fn covers(&self, dates: &[NaiveDate]) -> bool {
        dates.iter().all(|d| self.dates.contains_key(d))
    }

    /// The month ends kept, oldest first.
    pub fn month_ends(&self) -> Vec<NaiveDate> {
        self.dates.keys().copied().collect()
    }

    /// `ticker`'s point on `d` as [`ScorePoint::of`] its record states it
    /// (its record absent: not scored); `None` when `d` is not kept.
    pub fn point(&self, d: NaiveDate, ticker: &str) -> Option<ScorePoint> {
        let points = self.dates.get(&d)?;
        let kept = self.tickers.binary_search_by(|t| t.as_str().cmp(ticker)).ok().and_then(|i| points[i].clone());
        Some(match kept {
            Some(KeptPoint(alpha_score, category, momentum, value, quality, sentiment, pillars_available)) => {
                ScorePoint { as_of: d, alpha_score, category, momentum, value, quality, sentiment, pillars_available }
            }
            None => ScorePoint::of(d, None),
        })
    }
}
