//! Walk-forward validation of the Alpha Score.
//!
//! At each rebalance date t: the scores as of t (point in time, from the score
//! crate), and each ticker's forward return from its close on t to its close
//! `horizon` trading days later (adjusted closes, so total returns). From those:
//! rank IC (Spearman) of the total and of each pillar per date with mean, standard
//! deviation, IR, a Newey–West t-statistic and hit rate; mean forward returns by
//! quintile of the Alpha Score, the top-minus-bottom spread and cumulative quintile
//! returns; IC per sector; turnover of the top quintile; coverage, and every
//! observation dropped for a missing price, counted with its reason.
//!
//! The evaluation ([`evaluate`]) takes a plain [`Panel`] of observations so that it
//! can be tested on synthetic panels with planted signals, independent of scoring.

#![warn(missing_docs)]

pub mod factor;
pub mod live;
pub mod report;
pub mod stats;

pub use factor::{FactorError, FactorUse, FactorValues, FACTOR};

use std::collections::{BTreeMap, BTreeSet};

use alphadesk_model::{NaiveDate, Sector};
use alphadesk_score::config::Holdout;
use alphadesk_score::{score, Every, Pillar, ScoreConfig, ScoreRecord, Universe};
use serde::{Deserialize, Serialize};

/// The factors evaluated, in report order.
pub const FACTORS: [&str; 5] = ["alpha_score", "momentum", "value", "quality", "sentiment"];
/// Quantiles per date: quintiles.
pub const QUANTILES: usize = 5;

/// One ticker on one rebalance date.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The ticker, as the universe spells it.
    pub ticker: String,
    /// Its GICS sector on the date.
    pub sector: Sector,
    /// Factor name -> value (a score), `None` when unscored.
    pub factors: BTreeMap<&'static str, Option<f64>>,
    /// Forward return over the horizon; `None` when a price is missing.
    pub forward: Option<f64>,
}

/// The observations of one rebalance date dropped for a missing price, by reason.
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Dropped {
    /// The rebalance date.
    pub date: NaiveDate,
    /// Scored, but no close on the rebalance date itself (stale within the window).
    pub no_close_on_date: usize,
    /// No close `horizon` trading days later: delisted, a gap, or an empty cell.
    pub no_forward_close: usize,
    /// The tickers dropped, for either reason.
    pub tickers: Vec<String>,
}

/// Scores and forward returns, date by date: what an evaluation reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The rebalance dates, oldest first.
    pub dates: Vec<NaiveDate>,
    /// Each date's observations, in the order of `dates`.
    pub observations: Vec<Vec<Observation>>,
    /// Each date's drops, in the order of `dates`.
    pub dropped: Vec<Dropped>,
    /// Rebalance dates left out because the horizon runs past the last price.
    pub dates_without_horizon: Vec<NaiveDate>,
}

/// What a backtest is asked: its span, horizon and rebalance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Spec {
    /// First rebalance date considered.
    pub from: NaiveDate,
    /// Last rebalance date considered.
    pub to: NaiveDate,
    /// Forward return horizon, trading days.
    pub horizon: usize,
    /// How often to rebalance.
    pub rebalance: Every,
}

/// A member's adjusted close on `d` itself, when it has a usable one: what a
/// forward return starts and ends on (no close that day is no return, never
/// the day before's).
pub(crate) fn adjusted_close(m: &alphadesk_score::panel::Member, d: NaiveDate) -> Option<f64> {
    let i = m.prices.dates.binary_search(&d).ok()?;
    let p = m.prices.adj[i];
    (p.is_finite() && p > 0.0).then_some(p)
}

/// Scores every rebalance date and attaches forward returns.
pub fn build_panel(u: &Universe, cfg: &ScoreConfig, spec: &Spec) -> Panel {
    build_panels(u, cfg, spec, &[spec.horizon], None, &one_after_another).0.pop().expect("one horizon, one panel")
}

/// How a backtest scores its dates: each date's records, in the dates' order.
/// [`one_after_another`] is the default; the service scores them on every
/// core, in the place of its pool the caller holds.
pub type Scorer<'s> = &'s dyn Fn(&Universe, &ScoreConfig, &[NaiveDate]) -> Vec<Vec<ScoreRecord>>;

/// Scores `dates` one after another on this thread.
pub fn one_after_another(u: &Universe, cfg: &ScoreConfig, dates: &[NaiveDate]) -> Vec<Vec<ScoreRecord>> {
    dates.iter().map(|&d| score(u, d, cfg)).collect()
}

/// How many dates a panel hands its scorer at a time: enough for every core
/// to take some, few enough that their records (the bulk of a panel's memory
/// at 16 times the universe) are held only a few dates at a time.
fn dates_at_a_time() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()) * 2
}

/// One panel per horizon from one scoring of each rebalance date (scoring is
/// the cost; forward returns are lookups). `spec.horizon` is not used. With a
/// user's factor, each observation carries its value as [`FACTOR`], and what
/// of the file was used is counted.
pub fn build_panels(
    u: &Universe,
    cfg: &ScoreConfig,
    spec: &Spec,
    horizons: &[usize],
    factor: Option<&FactorValues>,
    scorer: Scorer<'_>,
) -> (Vec<Panel>, Option<FactorUse>) {
    let mut used: BTreeSet<(NaiveDate, String)> = BTreeSet::new();
    let mut rebalance_dates: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut panels: Vec<Panel> = horizons
        .iter()
        .map(|_| Panel {
            dates: Vec::new(),
            observations: Vec::new(),
            dropped: Vec::new(),
            dates_without_horizon: Vec::new(),
        })
        .collect();
    let dates: Vec<(NaiveDate, Vec<Option<NaiveDate>>)> = u
        .rebalance_dates(spec.from, spec.to, spec.rebalance)
        .into_iter()
        .map(|t| {
            let pos = u.calendar.partition_point(|d| *d < t);
            (t, horizons.iter().map(|h| u.calendar.get(pos + h).copied()).collect())
        })
        .collect();
    rebalance_dates.extend(dates.iter().map(|(t, _)| *t));
    // Only the dates with some forward close are scored.
    let scored: Vec<&(NaiveDate, Vec<Option<NaiveDate>>)> =
        dates.iter().filter(|(_, targets)| targets.iter().any(Option::is_some)).collect();
    let mut records_of = scored.chunks(dates_at_a_time()).flat_map(|some| {
        let ts: Vec<NaiveDate> = some.iter().map(|(t, _)| *t).collect();
        scorer(u, cfg, &ts)
    });
    for (t, targets) in &dates {
        let t = *t;
        if targets.iter().all(Option::is_none) {
            panels.iter_mut().for_each(|p| p.dates_without_horizon.push(t));
            continue;
        }
        let records = records_of.next().expect("the scorer scores every date it is given");
        for (panel, target) in panels.iter_mut().zip(targets) {
            let Some(target) = *target else {
                panel.dates_without_horizon.push(t);
                continue;
            };
            let mut obs = Vec::new();
            let mut dropped = Dropped { date: t, ..Dropped::default() };
            for r in &records {
                let Some(m) = u.member(&r.ticker) else { continue };
                let forward = match (adjusted_close(m, t), adjusted_close(m, target)) {
                    (Some(p0), Some(p1)) => Some(p1 / p0 - 1.0),
                    (None, _) => {
                        dropped.no_close_on_date += 1;
                        dropped.tickers.push(r.ticker.clone());
                        None
                    }
                    (_, None) => {
                        dropped.no_forward_close += 1;
                        dropped.tickers.push(r.ticker.clone());
                        None
                    }
                };
                let mut factors = BTreeMap::new();
                factors.insert("alpha_score", r.alpha_score.map(f64::from));
                for p in Pillar::ALL {
                    let name = FACTORS[1 + Pillar::ALL.iter().position(|x| *x == p).expect("pillar")];
                    factors.insert(name, r.pillars.get(&p).and_then(|s| s.score).map(f64::from));
                }
                if let Some(f) = factor {
                    let key = (t, r.ticker.clone());
                    let v = f.values.get(&key).copied();
                    if v.is_some() {
                        used.insert(key);
                    }
                    factors.insert(FACTOR, v);
                }
                obs.push(Observation { ticker: r.ticker.clone(), sector: r.sector, factors, forward });
            }
            panel.dates.push(t);
            panel.observations.push(obs);
            panel.dropped.push(dropped);
        }
    }
    let usage = factor.map(|f| {
        let mut u = FactorUse { file: f.file.clone(), rows: f.values.len(), used: used.len(), ..FactorUse::default() };
        let mut dropped: Vec<&(NaiveDate, String)> = f.values.keys().filter(|k| !used.contains(*k)).collect();
        dropped.sort();
        let past_the_prices: BTreeSet<NaiveDate> =
            panels.first().map(|p| p.dates_without_horizon.iter().copied().collect()).unwrap_or_default();
        for (d, _) in &dropped {
            if past_the_prices.contains(d) {
                u.no_forward_return += 1;
            } else if rebalance_dates.contains(d) {
                u.ticker_not_scored += 1;
            } else {
                u.not_a_rebalance_date += 1;
            }
        }
        u.examples = dropped.iter().take(5).map(|(d, t)| format!("{t} on {d}")).collect();
        u
    });
    (panels, usage)
}

/// One date's rank IC.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct IcPoint {
    /// The rebalance date.
    pub date: NaiveDate,
    /// Spearman correlation of the factor with the forward return.
    pub ic: f64,
    /// Names with both.
    pub n: usize,
}

/// A factor's rank IC over dates.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct IcSummary {
    /// Mean over dates.
    pub mean: Option<f64>,
    /// Sample standard deviation over dates.
    pub std: Option<f64>,
    /// mean / std of the per-date IC.
    pub ir: Option<f64>,
    /// Newey–West t-statistic of the mean (see `t_stat_method`).
    pub t_stat: Option<f64>,
    /// Share of dates with a positive IC.
    pub hit_rate: Option<f64>,
    /// Dates with an IC (at least [`MIN_IC_N`] names).
    pub n_dates: usize,
    /// Every date's IC.
    pub series: Vec<IcPoint>,
}

/// One date's quintiles.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct QuantileDate {
    /// The rebalance date.
    pub date: NaiveDate,
    /// Mean forward return of quintiles 1 (lowest scores) to 5 (highest).
    pub returns: Vec<Option<f64>>,
    /// Names in each quintile.
    pub counts: Vec<usize>,
    /// Q5 − Q1, when both have names.
    pub spread: Option<f64>,
}

/// Quintiles of one factor: each date's names ranked into five groups and
/// each group's mean forward return, as raw returns and in the two variants a
/// quant reads beside them.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Quantiles {
    /// The factor ranked (`alpha_score`, or `factor` for a user's).
    pub factor: &'static str,
    /// How many quantiles: [`QUANTILES`].
    pub count: usize,
    #[serde(flatten)]
    /// Raw forward returns.
    pub returns: QuantileReturns,
    /// The same with each date's forward returns less their mean over the
    /// names ranked that date (Alphalens's "demeaned"): what each quintile
    /// earned over the equal-weighted universe.
    pub demeaned: QuantileReturns,
    /// Quintiles formed within each sector (a sector counts on a date when at
    /// least five of its names are ranked), returns less that sector's mean:
    /// what the ranking earns with the sector bets taken out.
    pub sector_neutral: QuantileReturns,
    /// Compounded quintile returns after each date (one horizon per date).
    pub cumulative: Vec<Vec<f64>>,
    /// Every date's raw quintile returns.
    pub series: Vec<QuantileDate>,
}

/// Each quintile's mean forward return over dates, with standard errors.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct QuantileReturns {
    /// Average over dates of each quintile's mean forward return, Q1 (lowest) to Q5.
    pub mean_returns: Vec<Option<f64>>,
    /// Standard error of each average, by the same Newey–West long-run variance
    /// as the t-statistics (overlapping windows make neighbouring dates
    /// correlated; with none it is the plain one, population variance).
    pub std_errors: Vec<Option<f64>>,
    /// Q5 − Q1 averaged over the dates with both.
    pub spread_mean: Option<f64>,
    /// Standard error of the spread's mean.
    pub spread_std_error: Option<f64>,
    /// The spread's mean over its standard error.
    pub spread_t_stat: Option<f64>,
}

impl QuantileReturns {
    /// From each date's quintile returns (dates with a quintile empty leave it out).
    fn of(per_date: &[Vec<Option<f64>>], lags: usize) -> QuantileReturns {
        let column = |k: usize| per_date.iter().filter_map(|r| r[k]).collect::<Vec<f64>>();
        let spreads: Vec<f64> = per_date
            .iter()
            .filter_map(|r| match (r[QUANTILES - 1], r[0]) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            })
            .collect();
        QuantileReturns {
            mean_returns: (0..QUANTILES).map(|k| stats::mean(&column(k))).collect(),
            std_errors: (0..QUANTILES).map(|k| stats::newey_west_se(&column(k), lags)).collect(),
            spread_mean: stats::mean(&spreads),
            spread_std_error: stats::newey_west_se(&spreads, lags),
            spread_t_stat: stats::newey_west_t(&spreads, lags),
        }
    }
}

/// The Alpha Score's rank IC within one sector.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct SectorIc {
    /// The sector.
    pub sector: Sector,
    /// Mean over the dates with at least [`MIN_IC_N`] of its names.
    pub mean_ic: Option<f64>,
    /// Those dates.
    pub n_dates: usize,
}

/// One rebalance's turnover of a quintile.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct TurnoverPoint {
    /// The rebalance date.
    pub date: NaiveDate,
    /// Share of the quintile's names not in it at the previous rebalance.
    pub turnover: f64,
}

/// How much of the top and bottom quintiles changes from one rebalance to the next.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Turnover {
    /// Mean share of the top quintile replaced since the previous rebalance.
    pub top_quantile_mean: Option<f64>,
    /// The top quintile's turnover at each rebalance.
    pub series: Vec<TurnoverPoint>,
    /// The same for the bottom quintile.
    pub bottom_quantile_mean: Option<f64>,
    /// The bottom quintile's turnover at each rebalance.
    pub bottom_series: Vec<TurnoverPoint>,
}

/// How many names one rebalance date scored and could measure.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Coverage {
    /// The rebalance date.
    pub date: NaiveDate,
    /// Tickers scored (with or without an Alpha Score).
    pub scored: usize,
    /// Tickers with an Alpha Score.
    pub with_alpha_score: usize,
    /// Tickers with a forward return.
    pub with_forward_return: usize,
}

/// Every figure of one panel at one horizon.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Evaluation {
    /// Rank IC of the Alpha Score, each pillar and a user's factor.
    pub ic: BTreeMap<&'static str, IcSummary>,
    /// The rank IC with forward returns less their sector's mean, of the
    /// Alpha Score and of a user's factor.
    pub sector_neutral_ic: BTreeMap<&'static str, IcSummary>,
    /// How the t-statistics were computed, in words.
    pub t_stat_method: String,
    /// Alpha Score quintiles.
    pub quantiles: Quantiles,
    /// IC within each sector.
    pub sectors: Vec<SectorIc>,
    /// Quintile turnover.
    pub turnover: Turnover,
    /// Names scored and measured, per date.
    pub coverage: Vec<Coverage>,
    /// The Alpha Score as a factor-weighted long–short portfolio.
    pub factor_returns: FactorReturns,
    /// Mean Spearman correlation of the Alpha Score between consecutive
    /// rebalance dates, over the tickers scored on both: how stable the ranking
    /// is (1: the same order every time).
    pub rank_autocorrelation: Option<f64>,
    /// A user's factor's quintiles and long–short portfolio, in the score's shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_factor: Option<OwnFactor>,
}

/// The figures of a user's factor beyond its IC (which sits in `ic.factor`).
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct OwnFactor {
    /// Its quintiles, raw, demeaned and sector-neutral.
    pub quantiles: Quantiles,
    /// Its factor-weighted long–short portfolio.
    pub factor_returns: FactorReturns,
}

/// The Alpha Score as a portfolio: each date, weights proportional to the
/// score minus its cross-sectional mean, scaled so their absolute values sum
/// to 1 (long the above-average, short the below-average: Alphalens's
/// factor-weighted long–short), held over the horizon.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct FactorReturns {
    /// Mean long–short return per period.
    pub mean: Option<f64>,
    /// Its Newey–West t-statistic.
    pub t_stat: Option<f64>,
    /// Intercept and slope of the long–short return on the equal-weighted
    /// universe's return, per period (ordinary least squares over dates).
    pub alpha: Option<f64>,
    /// The slope (see `alpha`).
    pub beta: Option<f64>,
    /// The long–short return compounded, after each date.
    pub cumulative: Vec<f64>,
    /// Every date's returns.
    pub series: Vec<FactorReturnPoint>,
}

/// One date's long–short and universe returns.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct FactorReturnPoint {
    /// The rebalance date.
    pub date: NaiveDate,
    /// The factor-weighted long–short return over the horizon.
    pub long_short: f64,
    /// The equal-weighted mean forward return of the stocks weighed that date.
    pub universe: f64,
}

/// A date's names with both a value of `factor` and a forward return:
/// (observation, value, forward return).
fn ranked<'a>(obs: &'a [Observation], factor: &str) -> Vec<(&'a Observation, f64, f64)> {
    obs.iter().filter_map(|o| Some((o, o.factors.get(factor).copied().flatten()?, o.forward?))).collect()
}

/// Each value less the mean of the values of its sector (Alphalens's
/// group-demeaned returns).
fn less_sector_mean(sectors: &[Sector], values: &[f64]) -> Vec<f64> {
    let mut sums: BTreeMap<Sector, (f64, usize)> = BTreeMap::new();
    for (s, v) in sectors.iter().zip(values) {
        let e = sums.entry(*s).or_default();
        e.0 += v;
        e.1 += 1;
    }
    sectors.iter().zip(values).map(|(s, v)| v - sums[s].0 / sums[s].1 as f64).collect()
}

/// Minimum cross-section for an IC to be computed.
pub const MIN_IC_N: usize = 5;

/// Quintile of each value (0 = lowest) by average rank, so tied scores always
/// share a quintile.
pub fn quantile_of(values: &[f64], q: usize) -> Vec<usize> {
    let n = values.len();
    stats::ranks(values).iter().map(|r| (((r - 1.0) * q as f64 / n as f64).floor() as usize).min(q - 1)).collect()
}

/// Newey–West lags for overlapping horizons: the number of following rebalance
/// dates whose forward window overlaps this one's.
pub fn overlap_lags(dates: &[NaiveDate], calendar: &[NaiveDate], horizon: usize) -> usize {
    if dates.len() < 2 {
        return 0;
    }
    let pos = |d: &NaiveDate| calendar.partition_point(|x| x < d);
    let steps: Vec<usize> = dates.windows(2).map(|w| pos(&w[1]) - pos(&w[0])).collect();
    let step = steps.iter().sum::<usize>() as f64 / steps.len() as f64;
    ((horizon as f64 / step).ceil() as usize).saturating_sub(1)
}

/// Every figure of `panel`, with t-statistics and standard errors of `lags`
/// Newey–West lags (see [`overlap_lags`]).
pub fn evaluate(panel: &Panel, lags: usize) -> Evaluation {
    let has_factor = panel.observations.iter().flatten().any(|o| o.factors.contains_key(FACTOR));
    let own = has_factor.then_some(FACTOR);
    let ic = FACTORS.into_iter().chain(own).map(|f| (f, ic_summary(panel, f, lags, false))).collect();
    let sector_neutral_ic =
        ["alpha_score"].into_iter().chain(own).map(|f| (f, ic_summary(panel, f, lags, true))).collect();
    let (quantiles, top_sets, bottom_sets) = quintiles(panel, "alpha_score", lags);

    // IC within each sector: each date's ranked names read once.
    let by_date: Vec<Vec<(&Observation, f64, f64)>> =
        panel.observations.iter().map(|obs| ranked(obs, "alpha_score")).collect();
    let mut sectors = Vec::new();
    for s in Sector::ALL {
        let v: Vec<f64> = by_date
            .iter()
            .filter_map(|r| {
                let (x, y): (Vec<f64>, Vec<f64>) =
                    r.iter().filter(|(o, ..)| o.sector == s).map(|(_, x, y)| (*x, *y)).unzip();
                (x.len() >= MIN_IC_N).then(|| stats::spearman(&x, &y)).flatten()
            })
            .collect();
        sectors.push(SectorIc { sector: s, mean_ic: stats::mean(&v), n_dates: v.len() });
    }

    let replaced = |sets: &[(NaiveDate, BTreeSet<String>)]| -> Vec<TurnoverPoint> {
        sets.windows(2)
            .filter(|w| !w[1].1.is_empty())
            .map(|w| {
                let kept = w[1].1.intersection(&w[0].1).count();
                TurnoverPoint { date: w[1].0, turnover: 1.0 - kept as f64 / w[1].1.len() as f64 }
            })
            .collect()
    };
    let (tseries, bseries) = (replaced(&top_sets), replaced(&bottom_sets));
    let turnover = Turnover {
        top_quantile_mean: stats::mean(&tseries.iter().map(|t| t.turnover).collect::<Vec<_>>()),
        series: tseries,
        bottom_quantile_mean: stats::mean(&bseries.iter().map(|t| t.turnover).collect::<Vec<_>>()),
        bottom_series: bseries,
    };

    let coverage = panel
        .dates
        .iter()
        .zip(&panel.observations)
        .map(|(d, obs)| Coverage {
            date: *d,
            scored: obs.len(),
            with_alpha_score: obs.iter().filter(|o| o.factors["alpha_score"].is_some()).count(),
            with_forward_return: obs.iter().filter(|o| o.forward.is_some()).count(),
        })
        .collect();

    Evaluation {
        ic,
        t_stat_method: if lags == 0 {
            "plain t-statistic of the mean IC (forward windows do not overlap)".into()
        } else {
            format!("Newey-West t-statistic with {lags} lags (forward windows of neighbouring dates overlap)")
        },
        sector_neutral_ic,
        quantiles,
        sectors,
        turnover,
        coverage,
        factor_returns: factor_returns(panel, "alpha_score", lags),
        rank_autocorrelation: rank_autocorrelation(panel),
        own_factor: own.map(|f| OwnFactor {
            quantiles: quintiles(panel, f, lags).0,
            factor_returns: factor_returns(panel, f, lags),
        }),
    }
}

/// The rank IC of `factor` per date and in summary; `sector_neutral`: with
/// each date's forward returns less their sector's mean (Alphalens's
/// group-adjusted IC), so a factor is not credited for picking sectors.
fn ic_summary(panel: &Panel, factor: &str, lags: usize, sector_neutral: bool) -> IcSummary {
    let series: Vec<IcPoint> = panel
        .dates
        .iter()
        .zip(&panel.observations)
        .filter_map(|(d, obs)| {
            let r = ranked(obs, factor);
            if r.len() < MIN_IC_N {
                return None;
            }
            let x: Vec<f64> = r.iter().map(|(_, x, _)| *x).collect();
            let mut y: Vec<f64> = r.iter().map(|(.., y)| *y).collect();
            if sector_neutral {
                y = less_sector_mean(&r.iter().map(|(o, ..)| o.sector).collect::<Vec<_>>(), &y);
            }
            Some(IcPoint { date: *d, ic: stats::spearman(&x, &y)?, n: x.len() })
        })
        .collect();
    let v: Vec<f64> = series.iter().map(|p| p.ic).collect();
    let (m, s) = (stats::mean(&v), stats::std(&v));
    IcSummary {
        mean: m,
        std: s,
        ir: match (m, s) {
            (Some(m), Some(s)) if s > 0.0 => Some(m / s),
            _ => None,
        },
        t_stat: stats::newey_west_t(&v, lags),
        hit_rate: (!v.is_empty()).then(|| v.iter().filter(|x| **x > 0.0).count() as f64 / v.len() as f64),
        n_dates: v.len(),
        series,
    }
}

/// Names of a quintile on each date, for turnover.
type Members = Vec<(NaiveDate, BTreeSet<String>)>;

/// Quintiles of `factor` on each date (raw, demeaned and sector-neutral
/// returns), with the top and bottom quintiles' members.
fn quintiles(panel: &Panel, factor: &'static str, lags: usize) -> (Quantiles, Members, Members) {
    let mut series = Vec::new();
    let (mut demeaned, mut neutral) = (Vec::new(), Vec::new());
    let (mut top_sets, mut bottom_sets) = (Vec::new(), Vec::new());
    let means = |sums: &[f64], counts: &[usize]| -> Vec<Option<f64>> {
        sums.iter().zip(counts).map(|(s, &c)| (c > 0).then(|| s / c as f64)).collect()
    };
    for (d, obs) in panel.dates.iter().zip(&panel.observations) {
        let r = ranked(obs, factor);
        if r.len() < QUANTILES {
            continue;
        }
        let vals: Vec<f64> = r.iter().map(|(_, x, _)| *x).collect();
        let q = quantile_of(&vals, QUANTILES);
        let mut sums = [0.0; QUANTILES];
        let mut counts = vec![0usize; QUANTILES];
        let (mut top, mut bottom) = (BTreeSet::new(), BTreeSet::new());
        for ((o, _, y), &k) in r.iter().zip(&q) {
            sums[k] += y;
            counts[k] += 1;
            if k == QUANTILES - 1 {
                top.insert(o.ticker.clone());
            } else if k == 0 {
                bottom.insert(o.ticker.clone());
            }
        }
        let returns = means(&sums, &counts);
        let all = r.iter().map(|(.., y)| y).sum::<f64>() / r.len() as f64;
        demeaned.push(returns.iter().map(|x| x.map(|x| x - all)).collect());

        // Within each sector of at least five ranked names, its own quintiles
        // and returns less its own mean.
        let sectors: Vec<Sector> = r.iter().map(|(o, ..)| o.sector).collect();
        let adjusted = less_sector_mean(&sectors, &r.iter().map(|(.., y)| *y).collect::<Vec<_>>());
        let mut by_sector: BTreeMap<Sector, Vec<usize>> = BTreeMap::new();
        for (i, s) in sectors.iter().enumerate() {
            by_sector.entry(*s).or_default().push(i);
        }
        let (mut sums_n, mut counts_n) = ([0.0; QUANTILES], [0usize; QUANTILES]);
        for members in by_sector.values().filter(|m| m.len() >= QUANTILES) {
            let qs = quantile_of(&members.iter().map(|&i| vals[i]).collect::<Vec<_>>(), QUANTILES);
            for (&i, k) in members.iter().zip(qs) {
                sums_n[k] += adjusted[i];
                counts_n[k] += 1;
            }
        }
        neutral.push(means(&sums_n, &counts_n));

        let spread = match (returns[QUANTILES - 1], returns[0]) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        };
        series.push(QuantileDate { date: *d, returns, counts, spread });
        top_sets.push((*d, top));
        bottom_sets.push((*d, bottom));
    }
    let raw: Vec<Vec<Option<f64>>> = series.iter().map(|q| q.returns.clone()).collect();
    let mut cum = [1.0; QUANTILES];
    let cumulative = series
        .iter()
        .map(|q| {
            for (c, r) in cum.iter_mut().zip(&q.returns) {
                *c *= 1.0 + r.unwrap_or(0.0);
            }
            cum.iter().map(|c| c - 1.0).collect()
        })
        .collect();
    let quantiles = Quantiles {
        factor,
        count: QUANTILES,
        returns: QuantileReturns::of(&raw, lags),
        demeaned: QuantileReturns::of(&demeaned, lags),
        sector_neutral: QuantileReturns::of(&neutral, lags),
        cumulative,
        series,
    };
    (quantiles, top_sets, bottom_sets)
}

fn factor_returns(panel: &Panel, factor: &str, lags: usize) -> FactorReturns {
    let mut series = Vec::new();
    for (d, obs) in panel.dates.iter().zip(&panel.observations) {
        let (x, y): (Vec<f64>, Vec<f64>) = ranked(obs, factor).into_iter().map(|(_, x, y)| (x, y)).unzip();
        if x.len() < MIN_IC_N {
            continue;
        }
        let mean = x.iter().sum::<f64>() / x.len() as f64;
        let gross: f64 = x.iter().map(|v| (v - mean).abs()).sum();
        if gross <= 0.0 {
            continue; // every score equal: no position
        }
        let long_short = x.iter().zip(&y).map(|(v, r)| (v - mean) / gross * r).sum();
        let universe = y.iter().sum::<f64>() / y.len() as f64;
        series.push(FactorReturnPoint { date: *d, long_short, universe });
    }
    let ls: Vec<f64> = series.iter().map(|p| p.long_short).collect();
    let mkt: Vec<f64> = series.iter().map(|p| p.universe).collect();
    let (alpha, beta) = match (stats::mean(&ls), stats::mean(&mkt)) {
        (Some(my), Some(mx)) if ls.len() >= 2 => {
            let sxx: f64 = mkt.iter().map(|x| (x - mx).powi(2)).sum();
            let sxy: f64 = mkt.iter().zip(&ls).map(|(x, y)| (x - mx) * (y - my)).sum();
            if sxx > 0.0 {
                let b = sxy / sxx;
                (Some(my - b * mx), Some(b))
            } else {
                (None, None)
            }
        }
        _ => (None, None),
    };
    let mut c = 1.0;
    let cumulative = ls
        .iter()
        .map(|r| {
            c *= 1.0 + r;
            c - 1.0
        })
        .collect();
    FactorReturns { mean: stats::mean(&ls), t_stat: stats::newey_west_t(&ls, lags), alpha, beta, cumulative, series }
}

fn rank_autocorrelation(panel: &Panel) -> Option<f64> {
    let scores = |obs: &[Observation]| -> BTreeMap<String, f64> {
        obs.iter().filter_map(|o| Some((o.ticker.clone(), o.factors["alpha_score"]?))).collect()
    };
    let by_date: Vec<BTreeMap<String, f64>> = panel.observations.iter().map(|o| scores(o)).collect();
    let rhos: Vec<f64> = by_date
        .windows(2)
        .filter_map(|w| {
            let (x, y): (Vec<f64>, Vec<f64>) = w[0].iter().filter_map(|(t, a)| Some((*a, *w[1].get(t)?))).unzip();
            (x.len() >= MIN_IC_N).then(|| stats::spearman(&x, &y)).flatten()
        })
        .collect();
    stats::mean(&rhos)
}

/// The full backtest record, as `alphadesk backtest --json` prints it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Backtest {
    /// What this is and is not: a historical simulation.
    pub label: &'static str,
    /// The score configuration's hash.
    pub config_hash: String,
    /// First rebalance date considered.
    pub from: NaiveDate,
    /// Last rebalance date considered.
    pub to: NaiveDate,
    /// Forward return horizon, trading days.
    pub horizon: usize,
    /// Lags of the Newey–West t-statistics and standard errors (neighbouring
    /// forward windows overlap when the horizon is longer than the step).
    pub lags: usize,
    /// How often it rebalanced.
    pub rebalance: Every,
    /// The first and last trading day of the prices.
    pub data_range: (NaiveDate, NaiveDate),
    /// The rebalance dates evaluated.
    pub dates: Vec<NaiveDate>,
    /// Rebalance dates whose horizon runs past the last price.
    pub dates_without_horizon: Vec<NaiveDate>,
    #[serde(flatten)]
    /// The figures.
    pub evaluation: Evaluation,
    /// Each date's observations dropped for a missing price.
    pub dropped: Vec<Dropped>,
    /// All of them.
    pub dropped_total: usize,
    /// The IC and quintiles at each horizon asked for besides `horizon`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_horizon: Vec<HorizonFigures>,
    /// What of a user's factor file was used (`--factor`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<FactorUse>,
    /// The figures before the configuration's held-out dates and on them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holdout: Option<HoldoutFigures>,
}

/// The backtest of `cfg` over `spec` at its horizon alone.
pub fn backtest(u: &Universe, cfg: &ScoreConfig, spec: &Spec) -> Backtest {
    backtest_with(u, cfg, spec, &[], None)
}

/// [`backtest`] at `spec.horizon`, and the IC and quintiles at each of
/// `horizons` too (`by_horizon`, in the order given): how the score's
/// information decays, from one scoring of each date. With a user's `factor`,
/// its figures sit beside the score's as `ic.factor`, with what of its file was
/// used (`factor`).
pub fn backtest_with(
    u: &Universe,
    cfg: &ScoreConfig,
    spec: &Spec,
    horizons: &[usize],
    factor: Option<&FactorValues>,
) -> Backtest {
    backtest_scored_by(u, cfg, spec, horizons, factor, &one_after_another)
}

/// [`backtest_with`], its dates scored by `scorer` (on every core, say).
pub fn backtest_scored_by(
    u: &Universe,
    cfg: &ScoreConfig,
    spec: &Spec,
    horizons: &[usize],
    factor: Option<&FactorValues>,
    scorer: Scorer<'_>,
) -> Backtest {
    // Each horizon once: the main one among `horizons` (the record's 21 days
    // among its five) is the main panel and its evaluation, not a second run.
    let mut all = vec![spec.horizon];
    for h in horizons {
        if !all.contains(h) {
            all.push(*h);
        }
    }
    let (mut panels, factor_use) = build_panels(u, cfg, spec, &all, factor, scorer);
    let lags = overlap_lags(&panels[0].dates, &u.calendar, spec.horizon);
    let evaluation = evaluate(&panels[0], lags);
    let by_horizon = horizons
        .iter()
        .map(|&h| match all.iter().position(|x| *x == h).expect("every horizon asked is in `all`") {
            0 => HorizonFigures::of(&panels[0], h, lags, evaluation.clone()),
            i => figures_at(u, &panels[i], h),
        })
        .collect();
    let panel = panels.swap_remove(0);
    let holdout = cfg.holdout.map(|h| held_out(u, &panel, spec.horizon, h));
    let first = u.calendar.first().copied().unwrap_or(spec.from);
    let last = u.calendar.last().copied().unwrap_or(spec.to);
    Backtest {
        label: "backtest: a historical simulation on adjusted prices of the 2018 S&P 500 members (survivorship-biased); not a forecast",
        config_hash: cfg.hash(),
        from: spec.from,
        to: spec.to,
        horizon: spec.horizon,
        lags,
        rebalance: spec.rebalance,
        data_range: (first, last),
        dropped_total: panel.dropped.iter().map(|d| d.no_close_on_date + d.no_forward_close).sum(),
        dates: panel.dates,
        dates_without_horizon: panel.dates_without_horizon,
        evaluation,
        dropped: panel.dropped,
        by_horizon,
        factor: factor_use,
        holdout,
    }
}

/// The IC and quintiles of `panel`'s dates at horizon `h`.
fn figures_at(u: &Universe, panel: &Panel, h: usize) -> HorizonFigures {
    let lags = overlap_lags(&panel.dates, &u.calendar, h);
    HorizonFigures::of(panel, h, lags, evaluate(panel, lags))
}

impl HorizonFigures {
    /// The horizon's part of `e`, the evaluation of `panel` with `lags`.
    fn of(panel: &Panel, h: usize, lags: usize, e: Evaluation) -> HorizonFigures {
        HorizonFigures {
            horizon: h,
            dates: panel.dates.len(),
            lags,
            ic: e.ic,
            sector_neutral_ic: e.sector_neutral_ic,
            quantiles: e.quantiles,
            t_stat_method: e.t_stat_method,
        }
    }
}

/// The figures of the dates before the holdout and of the held-out dates,
/// apart. A date before it whose forward window ends on or after its first
/// day is in neither part (purged): its return is partly a held-out one.
fn held_out(u: &Universe, panel: &Panel, horizon: usize, h: Holdout) -> HoldoutFigures {
    let window_end = |d: NaiveDate| u.calendar.get(u.calendar.partition_point(|c| *c < d) + horizon).copied();
    let part = |keep: &dyn Fn(NaiveDate) -> bool| -> Panel {
        let (dates, observations) = panel
            .dates
            .iter()
            .zip(&panel.observations)
            .filter(|(d, _)| keep(**d))
            .map(|(d, o)| (*d, o.clone()))
            .unzip();
        Panel { dates, observations, dropped: Vec::new(), dates_without_horizon: Vec::new() }
    };
    let before = part(&|d| d < h.from && window_end(d).is_some_and(|e| e < h.from));
    let after = part(&|d| d >= h.from);
    let purged =
        panel.dates.iter().copied().filter(|d| *d < h.from && window_end(*d).is_none_or(|e| e >= h.from)).collect();
    HoldoutFigures {
        from: h.from,
        declared: h.declared,
        purged,
        before: figures_at(u, &before, horizon),
        held_out: figures_at(u, &after, horizon),
    }
}

/// A backtest's figures before the held-out dates and on them (see
/// [`alphadesk_score::config::Holdout`]).
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct HoldoutFigures {
    /// The first held-out date, and the day the holdout was declared.
    pub from: NaiveDate,
    /// The day the holdout was declared.
    pub declared: NaiveDate,
    /// Dates before `from` whose forward window reaches it: in neither part.
    pub purged: Vec<NaiveDate>,
    /// The dates before `from`, less the purged ones.
    pub before: HorizonFigures,
    /// The dates from `from` on.
    pub held_out: HorizonFigures,
}

/// The rank IC and quintile returns at one horizon.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct HorizonFigures {
    /// Forward return horizon, trading days.
    pub horizon: usize,
    /// Rebalance dates with that many trading days of prices after them.
    pub dates: usize,
    /// Lags of the Newey–West t-statistic (overlapping windows at this horizon).
    pub lags: usize,
    /// Rank IC of the Alpha Score, each pillar and a user's factor.
    pub ic: BTreeMap<&'static str, IcSummary>,
    /// The IC with forward returns less their sector's mean (see [`Evaluation`]).
    pub sector_neutral_ic: BTreeMap<&'static str, IcSummary>,
    /// Alpha Score quintiles, raw, demeaned and sector-neutral.
    pub quantiles: Quantiles,
    /// How the t-statistics were computed, in words.
    pub t_stat_method: String,
}

/// One factor's rank IC in brief.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct IcBrief {
    /// Mean over dates.
    pub mean: Option<f64>,
    /// Mean over standard deviation.
    pub ir: Option<f64>,
    /// Newey–West t-statistic of the mean.
    pub t_stat: Option<f64>,
    /// Share of dates with a positive IC.
    pub hit_rate: Option<f64>,
    /// Dates with an IC.
    pub n_dates: usize,
}

/// A backtest in brief: what is stated beside a score (by `explain`, the stock
/// pages and the agent tools), and what the store caches per configuration and
/// store generation so that stating it costs nothing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Figures {
    /// What these figures are, and are not.
    pub label: String,
    /// The score configuration's hash.
    pub config_hash: String,
    /// First rebalance date considered.
    pub from: NaiveDate,
    /// Last rebalance date considered.
    pub to: NaiveDate,
    /// Forward return horizon, trading days.
    pub horizon: usize,
    /// How often it rebalanced.
    pub rebalance: String,
    /// Rebalance dates evaluated.
    pub dates: usize,
    /// The first of them.
    pub first_date: Option<NaiveDate>,
    /// The last of them.
    pub last_date: Option<NaiveDate>,
    /// Rank IC of the Alpha Score (`alpha_score`) and each pillar with forward returns.
    pub ic: BTreeMap<String, IcBrief>,
    /// Mean forward return per Alpha Score quintile, Q1 (lowest) to Q5.
    pub quintile_mean_returns: Vec<Option<f64>>,
    /// Q5 − Q1 per period.
    pub spread_mean: Option<f64>,
    /// Its Newey–West t-statistic.
    pub spread_t_stat: Option<f64>,
    /// Share of the top quintile replaced per rebalance.
    pub top_quintile_turnover: Option<f64>,
    /// Share of the bottom quintile replaced per rebalance.
    pub bottom_quintile_turnover: Option<f64>,
    /// The factor-weighted long–short return per period, its t-statistic, and
    /// its intercept and slope on the equal-weighted universe's return.
    pub long_short_mean: Option<f64>,
    /// Newey–West t-statistic of `long_short_mean`.
    pub long_short_t_stat: Option<f64>,
    /// Intercept on the equal-weighted universe's return, per period.
    pub long_short_alpha: Option<f64>,
    /// Slope on the equal-weighted universe's return.
    pub long_short_beta: Option<f64>,
    /// Mean rank correlation of the score between consecutive rebalances.
    pub rank_autocorrelation: Option<f64>,
    /// Observations dropped for a missing price.
    pub dropped_total: usize,
    /// How the t-statistics were computed, in words.
    pub t_stat_method: String,
    /// The held-out dates' figures apart from the rest's, when the
    /// configuration holds some out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdout: Option<HoldoutBrief>,
}

/// [`HoldoutFigures`] in brief.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct HoldoutBrief {
    /// The first held-out date.
    pub from: NaiveDate,
    /// The day the holdout was declared.
    pub declared: NaiveDate,
    /// The dates before, less the purged ones.
    pub before: PartBrief,
    /// The held-out dates.
    pub held_out: PartBrief,
}

/// The Alpha Score's figures over some of a backtest's dates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct PartBrief {
    /// Rebalance dates in the part.
    pub dates: usize,
    /// The first of them.
    pub first_date: Option<NaiveDate>,
    /// The last of them.
    pub last_date: Option<NaiveDate>,
    /// The Alpha Score's rank IC over them.
    pub ic: Option<IcBrief>,
    /// Q5 − Q1 per period over them.
    pub spread_mean: Option<f64>,
}

impl IcBrief {
    fn of(s: &IcSummary) -> IcBrief {
        IcBrief { mean: s.mean, ir: s.ir, t_stat: s.t_stat, hit_rate: s.hit_rate, n_dates: s.n_dates }
    }
}

impl PartBrief {
    fn of(f: &HorizonFigures) -> PartBrief {
        PartBrief {
            dates: f.dates,
            first_date: f.quantiles.series.first().map(|q| q.date),
            last_date: f.quantiles.series.last().map(|q| q.date),
            ic: f.ic.get("alpha_score").map(IcBrief::of),
            spread_mean: f.quantiles.returns.spread_mean,
        }
    }
}

impl From<&Backtest> for Figures {
    fn from(bt: &Backtest) -> Figures {
        let e = &bt.evaluation;
        Figures {
            label: bt.label.to_string(),
            config_hash: bt.config_hash.clone(),
            from: bt.from,
            to: bt.to,
            horizon: bt.horizon,
            rebalance: bt.rebalance.to_string(),
            dates: bt.dates.len(),
            first_date: bt.dates.first().copied(),
            last_date: bt.dates.last().copied(),
            ic: e.ic.iter().map(|(k, s)| (k.to_string(), IcBrief::of(s))).collect(),
            quintile_mean_returns: e.quantiles.returns.mean_returns.clone(),
            spread_mean: e.quantiles.returns.spread_mean,
            spread_t_stat: e.quantiles.returns.spread_t_stat,
            top_quintile_turnover: e.turnover.top_quantile_mean,
            bottom_quintile_turnover: e.turnover.bottom_quantile_mean,
            long_short_mean: e.factor_returns.mean,
            long_short_t_stat: e.factor_returns.t_stat,
            long_short_alpha: e.factor_returns.alpha,
            long_short_beta: e.factor_returns.beta,
            rank_autocorrelation: e.rank_autocorrelation,
            dropped_total: bt.dropped_total,
            t_stat_method: e.t_stat_method.clone(),
            holdout: bt.holdout.as_ref().map(|h| HoldoutBrief {
                from: h.from,
                declared: h.declared,
                before: PartBrief::of(&h.before),
                held_out: PartBrief::of(&h.held_out),
            }),
        }
    }
}

impl Figures {
    /// The figures in one sentence, labelled as a historical simulation.
    pub fn sentence(&self, of_record: bool) -> String {
        let which = if of_record { "Figures of record" } else { "Backtest of this configuration" };
        let ic = self.ic.get("alpha_score");
        // "beat by -3%" says the opposite of what it means.
        let spread = match self.spread_mean {
            Some(x) if x < 0.0 => format!("trailed the bottom by {:.2}%", -x * 100.0),
            Some(x) => format!("beat the bottom by {:.2}%", x * 100.0),
            None => "was not compared with the bottom (too few dates)".into(),
        };
        format!(
            "{which} (a backtest: a historical simulation on survivorship-biased data, not a forecast): over {} monthly rebalances {}..{}, the Alpha Score's mean rank IC with {}-day forward returns was {} (t {}), and the top quintile {spread} per period on average.",
            self.dates,
            self.first_date.map(|d| d.to_string()).unwrap_or_default(),
            self.last_date.map(|d| d.to_string()).unwrap_or_default(),
            self.horizon,
            ic.and_then(|i| i.mean).map(|x| format!("{x:+.3}")).unwrap_or("n/a".into()),
            ic.and_then(|i| i.t_stat).map(|x| format!("{x:+.2}")).unwrap_or("n/a".into()),
        ) + &self.holdout_sentence().map(|s| format!(" {s}")).unwrap_or_default()
    }

    /// The held-out dates' figure in one sentence, saying what "held out"
    /// can promise about dates that were history when it was declared.
    pub fn holdout_sentence(&self) -> Option<String> {
        let h = self.holdout.as_ref()?;
        let p = &h.held_out;
        let when = if h.declared > h.from {
            format!("held out since {} (declared {}, when those dates were already history)", h.from, h.declared)
        } else {
            format!("held out since {} (declared {})", h.from, h.declared)
        };
        Some(match (p.first_date, p.last_date, p.ic.as_ref().and_then(|i| i.mean)) {
            (Some(a), Some(b), Some(mean)) => format!(
                "On the dates {when}, {} monthly rebalances {a}..{b}, the mean rank IC was {mean:+.3} (t {}).",
                p.dates,
                p.ic.as_ref().and_then(|i| i.t_stat).map(|x| format!("{x:+.2}")).unwrap_or("n/a".into()),
            ),
            _ => format!("No rebalance date {when} has a forward return yet."),
        })
    }
}

/// A backtest in brief, for an agent: the score's figures (with a user's
/// factor's IC beside the score's in `figures.ic.factor`), the IC at each
/// horizon asked for, and the user's factor's portfolio figures.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct BacktestBrief {
    /// The score's figures ([`Figures`]).
    pub figures: Figures,
    /// The IC decay: one entry per horizon asked for besides the main one.
    pub by_horizon: Vec<HorizonBrief>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// A user's factor beyond its IC, when one was given.
    pub factor: Option<FactorBrief>,
}

/// The Alpha Score's figures at one horizon.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct HorizonBrief {
    /// Forward return horizon, trading days.
    pub horizon: usize,
    /// Rebalance dates with that many trading days of prices after them.
    pub dates: usize,
    /// The Alpha Score's rank IC.
    pub ic: Option<IcBrief>,
    /// The IC with forward returns less their sector's mean.
    pub sector_neutral_ic: Option<IcBrief>,
    /// Q5 − Q1 per period, with its Newey–West standard error.
    pub spread_mean: Option<f64>,
    /// Standard error of `spread_mean`.
    pub spread_std_error: Option<f64>,
    /// A user's factor's IC at this horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor_ic: Option<IcBrief>,
}

/// A user's factor beyond its IC: what of its file was used, its quintiles
/// and its long–short portfolio.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct FactorBrief {
    /// What of the factor was used, and what was dropped and why.
    #[serde(flatten)]
    pub usage: FactorUse,
    /// Its rank IC with returns less their sector's mean.
    pub sector_neutral_ic: Option<IcBrief>,
    /// Mean forward return of its quintiles, Q1 (lowest values) to Q5.
    pub quintile_mean_returns: Vec<Option<f64>>,
    /// Q5 − Q1 per period.
    pub spread_mean: Option<f64>,
    /// Its Newey–West t-statistic.
    pub spread_t_stat: Option<f64>,
    /// Its factor-weighted long–short return per period.
    pub long_short_mean: Option<f64>,
    /// Newey–West t-statistic of `long_short_mean`.
    pub long_short_t_stat: Option<f64>,
}

impl From<&Backtest> for BacktestBrief {
    fn from(bt: &Backtest) -> BacktestBrief {
        let e = &bt.evaluation;
        BacktestBrief {
            figures: Figures::from(bt),
            by_horizon: bt
                .by_horizon
                .iter()
                .map(|h| HorizonBrief {
                    horizon: h.horizon,
                    dates: h.dates,
                    ic: h.ic.get("alpha_score").map(IcBrief::of),
                    sector_neutral_ic: h.sector_neutral_ic.get("alpha_score").map(IcBrief::of),
                    spread_mean: h.quantiles.returns.spread_mean,
                    spread_std_error: h.quantiles.returns.spread_std_error,
                    factor_ic: h.ic.get(FACTOR).map(IcBrief::of),
                })
                .collect(),
            factor: bt.factor.as_ref().zip(e.own_factor.as_ref()).map(|(u, own)| FactorBrief {
                usage: u.clone(),
                sector_neutral_ic: e.sector_neutral_ic.get(FACTOR).map(IcBrief::of),
                quintile_mean_returns: own.quantiles.returns.mean_returns.clone(),
                spread_mean: own.quantiles.returns.spread_mean,
                spread_t_stat: own.quantiles.returns.spread_t_stat,
                long_short_mean: own.factor_returns.mean,
                long_short_t_stat: own.factor_returns.t_stat,
            }),
        }
    }
}

/// The horizons (trading days) the report of record shows the IC decay at.
pub const RECORD_HORIZONS: [usize; 5] = [1, 5, 10, 21, 63];

/// The backtest of record of `cfg`: [`record_spec`], with the IC and
/// quintiles at each of [`RECORD_HORIZONS`].
pub fn record_backtest(u: &Universe, cfg: &ScoreConfig) -> Backtest {
    backtest_with(u, cfg, &record_spec(), &RECORD_HORIZONS, None)
}

/// The default specification of the figures of record: monthly, 21 trading days,
/// over the whole shared period with a year of price history behind the first date.
pub fn record_spec() -> Spec {
    Spec {
        from: NaiveDate::from_ymd_opt(2014, 5, 1).expect("valid date"),
        to: NaiveDate::from_ymd_opt(2018, 5, 18).expect("valid date"),
        horizon: 21,
        rebalance: Every::Month,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(i: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Duration::days(i)
    }

    /// `n` tickers over `dates` dates; `factor(date, i, fwd)` plants the signal.
    fn synthetic(n: usize, dates: usize, factor: impl Fn(usize, usize, f64) -> f64) -> Panel {
        let mut seed: u64 = 42;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let mut observations = Vec::new();
        for t in 0..dates {
            let mut obs = Vec::new();
            for i in 0..n {
                let fwd = rnd() * 0.2;
                let mut factors = BTreeMap::new();
                factors.insert("alpha_score", Some(factor(t, i, fwd)));
                for f in &FACTORS[1..] {
                    factors.insert(*f, None);
                }
                obs.push(Observation {
                    ticker: format!("T{i}"),
                    sector: Sector::ALL[i % 11],
                    factors,
                    forward: Some(fwd),
                });
            }
            observations.push(obs);
        }
        Panel {
            dates: (0..dates as i64).map(|t| day(t * 30)).collect(),
            observations,
            dropped: vec![],
            dates_without_horizon: vec![],
        }
    }

    #[test]
    fn factor_weighted_long_short_by_hand() {
        // Scores 0..100 in steps of 25 and forward returns -2%..+2%: weights
        // (score - 50) / 150, so the long-short earns 1/3*2% + 1/6*1% twice.
        let fwd = [-0.02, -0.01, 0.0, 0.01, 0.02];
        let p = synthetic(5, 3, |_, i, _| 25.0 * i as f64);
        let p = Panel {
            observations: p
                .observations
                .into_iter()
                .map(|obs| {
                    obs.into_iter().enumerate().map(|(i, o)| Observation { forward: Some(fwd[i]), ..o }).collect()
                })
                .collect(),
            ..p
        };
        let e = evaluate(&p, 0);
        let f = &e.factor_returns;
        assert_eq!(f.series.len(), 3);
        for pt in &f.series {
            assert!((pt.long_short - (0.02 / 3.0 + 0.01 / 6.0) * 2.0).abs() < 1e-15, "{pt:?}");
            assert!(pt.universe.abs() < 1e-15);
        }
        assert!((f.cumulative[2] - ((1.0 + f.series[0].long_short).powi(3) - 1.0)).abs() < 1e-12);
        assert!(
            f.beta.unwrap().abs() < 1e-9 && (f.alpha.unwrap() - f.mean.unwrap()).abs() < 1e-12,
            "a flat universe: all alpha"
        );
        assert_eq!(e.rank_autocorrelation, Some(1.0), "the same order every date");
    }

    #[test]
    fn a_factor_that_is_the_return_earns_and_a_random_one_does_not() {
        let planted = evaluate(&synthetic(200, 40, |_, _, fwd| fwd), 0);
        let f = &planted.factor_returns;
        assert!(f.mean.unwrap() > 0.0 && f.t_stat.unwrap() > 10.0, "{:?}", (f.mean, f.t_stat));
        // A hash of (date, ticker): unrelated to the forward return.
        let random = evaluate(
            &synthetic(200, 40, |t, i, _| {
                // SplitMix64 of (date, ticker).
                let mut z = ((t * 1_000 + i) as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                ((z ^ (z >> 31)) >> 11) as f64
            }),
            0,
        );
        let r = &random.factor_returns;
        assert!(r.t_stat.unwrap().abs() < 3.0, "{:?}", r.t_stat);
        assert!(random.rank_autocorrelation.unwrap().abs() < 0.2, "{:?}", random.rank_autocorrelation);
    }

    #[test]
    fn a_factor_equal_to_the_forward_return_has_ic_one() {
        let e = evaluate(&synthetic(200, 24, |_, _, fwd| fwd), 0);
        let ic = &e.ic["alpha_score"];
        assert!((ic.mean.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(ic.hit_rate, Some(1.0));
        assert_eq!(ic.n_dates, 24);
        // Perfect sorting: quintile means strictly increase.
        let q: Vec<f64> = e.quantiles.returns.mean_returns.iter().map(|x| x.unwrap()).collect();
        assert!(q.windows(2).all(|w| w[0] < w[1]), "{q:?}");
        assert_eq!(e.ic["momentum"].n_dates, 0, "unscored pillars have no IC");
    }

    #[test]
    fn a_shuffled_factor_has_ic_near_zero_within_its_interval() {
        let e = evaluate(&synthetic(300, 60, |t, i, _| ((i * 7919 + t * 104729) % 1000) as f64), 0);
        let ic = &e.ic["alpha_score"];
        let m = ic.mean.unwrap();
        // Standard error of a mean IC over 60 dates of 300 names ~ 1/sqrt(300*60).
        let se = ic.std.unwrap() / (ic.n_dates as f64).sqrt();
        assert!(m.abs() < 3.0 * se, "mean {m}, se {se}");
        assert!(ic.t_stat.unwrap().abs() < 3.0);
    }

    #[test]
    fn a_planted_quintile_spread_is_recovered() {
        // Forward returns are noise plus 1% per quintile of the factor: the top
        // quintile beats the bottom by 4% on average.
        let mut p = synthetic(500, 36, |_, i, _| i as f64);
        for obs in &mut p.observations {
            for (i, o) in obs.iter_mut().enumerate() {
                let q = (i * 5 / 500) as f64;
                o.forward = o.forward.map(|f| f * 0.1 + 0.01 * q);
            }
        }
        let e = evaluate(&p, 0);
        let spread = e.quantiles.returns.spread_mean.unwrap();
        assert!((spread - 0.04).abs() < 0.002, "{spread}");
        assert!(e.quantiles.returns.spread_t_stat.unwrap() > 10.0);
        assert_eq!(e.turnover.top_quantile_mean, Some(0.0), "the same names stay on top");
    }

    #[test]
    fn demeaned_and_sector_neutral_quintiles_by_hand() {
        // Two sectors of five names, the factor 1..5 in each; forward returns
        // rise with it by 1% a step from 1% (information technology) and from 11% (Energy).
        let obs = |sector: Sector, base: f64| -> Vec<Observation> {
            (0..5)
                .map(|i| Observation {
                    ticker: format!("{sector:?}{i}"),
                    sector,
                    factors: BTreeMap::from([("alpha_score", Some(1.0 + i as f64))]),
                    forward: Some(base + 0.01 * i as f64),
                })
                .collect()
        };
        let mut day_obs = obs(Sector::InformationTechnology, 0.01);
        day_obs.extend(obs(Sector::Energy, 0.11));
        let p =
            Panel { dates: vec![day(0)], observations: vec![day_obs], dropped: vec![], dates_without_horizon: vec![] };
        let q = evaluate(&p, 0).quantiles;
        let near = |a: Option<f64>, b: f64| assert!((a.unwrap() - b).abs() < 1e-12, "{a:?} vs {b}");
        // Tied values share a quintile: Q1 holds each sector's lowest name.
        near(q.returns.mean_returns[0], 0.06);
        near(q.returns.mean_returns[4], 0.10);
        // Less the day's mean (8%); the spread is unchanged.
        near(q.demeaned.mean_returns[0], -0.02);
        near(q.demeaned.spread_mean, 0.04);
        // Within each sector, less its own mean (3% and 13%).
        near(q.sector_neutral.mean_returns[0], -0.02);
        near(q.sector_neutral.mean_returns[2], 0.0);
        near(q.sector_neutral.spread_mean, 0.04);
        assert_eq!(q.returns.std_errors[0], None, "one date: no standard error");
    }

    #[test]
    fn a_factor_that_only_picks_sectors_earns_nothing_sector_neutral() {
        // The factor is the sector's number and the return its sector's
        // premium plus noise: raw, it sorts returns; within a sector it is flat.
        let mut p = synthetic(330, 30, |_, i, _| (i % 11) as f64);
        for obs in &mut p.observations {
            for (i, o) in obs.iter_mut().enumerate() {
                o.forward = o.forward.map(|f| f * 0.1 + 0.01 * (i % 11) as f64);
            }
        }
        let e = evaluate(&p, 0);
        assert!(e.ic["alpha_score"].mean.unwrap() > 0.5);
        let neutral = &e.sector_neutral_ic["alpha_score"];
        assert!(neutral.t_stat.unwrap().abs() < 3.0, "{:?}", neutral.mean);
        assert!(e.quantiles.returns.spread_mean.unwrap() > 0.05);
        assert_eq!(e.quantiles.sector_neutral.spread_mean, None, "within a sector every value ties: one quintile");
        let (m, se) = (e.quantiles.returns.spread_mean.unwrap(), e.quantiles.returns.spread_std_error.unwrap());
        assert!((m / se - e.quantiles.returns.spread_t_stat.unwrap()).abs() < 1e-9);
    }

    #[test]
    fn tied_scores_share_a_quintile() {
        assert_eq!(quantile_of(&[1.0, 1.0, 1.0, 1.0, 1.0], 5), vec![2, 2, 2, 2, 2]);
        assert_eq!(quantile_of(&[1.0, 2.0, 3.0, 4.0, 5.0], 5), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn overlap_lags_follow_the_horizon() {
        let cal: Vec<NaiveDate> = (0..400).map(day).collect();
        let monthly: Vec<NaiveDate> = (0..10).map(|k| day(k * 21)).collect();
        let weekly: Vec<NaiveDate> = (0..10).map(|k| day(k * 5)).collect();
        assert_eq!(overlap_lags(&monthly, &cal, 21), 0);
        assert_eq!(overlap_lags(&weekly, &cal, 21), 4);
    }
}
