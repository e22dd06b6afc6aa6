//! Lists of a date's scores: the leaderboard's order, the screener's thresholds
//! and a ticker's peers. Each row carries its change since the previous month
//! end, so "what moved" is a column and a filter, not a second request.

use std::sync::Arc;

use alphadesk_model::NaiveDate;
use alphadesk_score::{Pillar, ScoreRecord};
use chrono::Datelike;

use crate::params::ListScoresParams;
use crate::{
    sector_of, MonthAgo, Order, Result, ScoreList, ScoreRow, ScreenedRow, Service, ServiceError, Snapshot, Sort,
};

/// A date's records in the order asked, each with its change since the
/// previous month end.
pub(crate) struct Ranked {
    /// The date asked about, and the close the scores are of.
    pub asked: NaiveDate,
    pub as_of: NaiveDate,
    /// The close the change is measured from.
    pub previous: Option<NaiveDate>,
    pub rows: Vec<(ScoreRecord, Option<i16>)>,
}

/// The most peers a stock page or a request asks for.
pub const MAX_PEERS: usize = 20;

impl Service {
    /// The close a change "since last month" is measured from: the last
    /// trading day of the month before `as_of`'s; none before the store's prices.
    pub fn previous_month_end(&self, snap: &Snapshot, as_of: NaiveDate) -> Option<NaiveDate> {
        let first = as_of.with_day(1)?;
        snap.index.trading_day_on_or_before(first.pred_opt()?)
    }

    /// Each ticker's Alpha Score at the month end before the close `as_of`
    /// (missing: not scored then), and that month end.
    pub fn previous_month_scores(&self, as_of: NaiveDate) -> Result<MonthAgo> {
        let snap = self.snapshot()?;
        self.previous_scores(&snap, as_of)
    }

    fn previous_scores(&self, snap: &Snapshot, as_of: NaiveDate) -> Result<MonthAgo> {
        let Some(prev) = self.previous_month_end(snap, as_of) else { return Ok(MonthAgo::default()) };
        let records = self.scores_on(snap, prev)?;
        Ok(MonthAgo {
            date: Some(prev),
            scores: records.iter().filter_map(|r| Some((r.ticker.clone(), r.alpha_score?))).collect(),
        })
    }

    /// A screen of a date's scores: one sector or all, thresholds on the total,
    /// each pillar, market cap and the change since the previous month end,
    /// ordered by any of them either way, at most `limit` rows (1-100, default 20).
    pub fn screen(&self, p: &ListScoresParams) -> Result<ScoreList> {
        let limit = p.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ServiceError::bad_input(format!("limit must be 1 to 100, got {limit}")));
        }
        p.validate()?;
        let at_least = |r: &ScoreRecord, pillar: Pillar, min: Option<u8>| {
            min.is_none_or(|lo| r.pillars.get(&pillar).and_then(|s| s.score).is_some_and(|x| x >= lo))
        };
        let keep = |r: &ScoreRecord, change: Option<i16>| {
            p.min_score.is_none_or(|lo| r.alpha_score.is_some_and(|x| x >= lo))
                && p.max_score.is_none_or(|hi| r.alpha_score.is_some_and(|x| x <= hi))
                && at_least(r, Pillar::Momentum, p.min_momentum)
                && at_least(r, Pillar::Value, p.min_value)
                && at_least(r, Pillar::Quality, p.min_quality)
                && at_least(r, Pillar::Sentiment, p.min_sentiment)
                && p.min_market_cap.is_none_or(|lo| r.market_cap.is_some_and(|x| x >= lo))
                && p.max_market_cap.is_none_or(|hi| r.market_cap.is_some_and(|x| x <= hi))
                && p.min_change.is_none_or(|lo| change.is_some_and(|x| x >= lo))
                && p.max_change.is_none_or(|hi| change.is_some_and(|x| x <= hi))
        };
        let ranked = self.ranked(p.as_of, p.sector.as_deref(), p.sort.unwrap_or_default(), p.order, keep)?;
        Ok(ScoreList {
            as_of: ranked.as_of,
            change_since: ranked.previous,
            config_hash: self.config_hash().to_string(),
            matching: ranked.rows.len(),
            rows: ranked
                .rows
                .iter()
                .take(limit)
                .map(|(r, change)| ScreenedRow { score: ScoreRow::from(r), change: *change })
                .collect(),
        })
    }

    /// The stocks of `ticker`'s sector nearest it by market cap on a date (the
    /// ticker itself first), at most `n` besides it; a stock without a market
    /// cap is no one's peer.
    pub fn peers(&self, ticker: &str, as_of: Option<NaiveDate>, n: usize) -> Result<ScoreList> {
        if !(1..=MAX_PEERS).contains(&n) {
            return Err(ServiceError::bad_input(format!("peers must be 1 to {MAX_PEERS}, got {n}")));
        }
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        let sector = snap.index.member(&t).map(|m| m.sector.name().to_string());
        let ranked = self.ranked(as_of, sector.as_deref(), Sort::MarketCap, None, |_, _| true)?;
        let Some(me) = ranked.rows.iter().find(|(r, _)| r.ticker == t) else {
            return Err(ServiceError::not_found(format!(
                "{t} has no fresh price on {}, so it has no peers then",
                ranked.as_of
            )));
        };
        let size = |r: &ScoreRecord| r.market_cap.map(f64::ln);
        let mut near: Vec<&(ScoreRecord, Option<i16>)> =
            ranked.rows.iter().filter(|(r, _)| r.ticker != t && r.market_cap.is_some()).collect();
        if let Some(mine) = size(&me.0) {
            // Nearest in proportion: a $10 bn company is as near to $5 bn as to $20 bn.
            near.sort_by(|a, b| {
                let d = |x: &ScoreRecord| size(x).map(|v| (v - mine).abs()).unwrap_or(f64::INFINITY);
                d(&a.0).total_cmp(&d(&b.0)).then(a.0.ticker.cmp(&b.0.ticker))
            });
        }
        near.truncate(n);
        near.sort_by(|a, b| b.0.market_cap.unwrap_or(0.0).total_cmp(&a.0.market_cap.unwrap_or(0.0)));
        let rows: Vec<ScreenedRow> = std::iter::once(me)
            .chain(near)
            .map(|(r, change)| ScreenedRow { score: ScoreRow::from(r), change: *change })
            .collect();
        Ok(ScoreList {
            as_of: ranked.as_of,
            change_since: ranked.previous,
            config_hash: self.config_hash().to_string(),
            matching: rows.len(),
            rows,
        })
    }

    /// A date's scores (the date asked, and the close they are of), of one
    /// sector or all, those `keep` keeps, by `sort` in `order` (default: highest
    /// first, tickers A to Z; unscored last either way, ties by ticker:
    /// reproducible pages).
    pub(crate) fn ranked(
        &self,
        as_of: Option<NaiveDate>,
        sector: Option<&str>,
        sort: Sort,
        order: Option<Order>,
        keep: impl Fn(&ScoreRecord, Option<i16>) -> bool,
    ) -> Result<Ranked> {
        let order = order.unwrap_or(Order::natural(sort));
        let snap = self.snapshot()?;
        let asked = self.asked(&snap, as_of)?;
        let as_of = self.date(&snap, Some(asked))?;
        let sector = sector_of(sector)?;
        let all: Arc<Vec<ScoreRecord>> = self.scores_on(&snap, as_of)?;
        let month_ago = self.previous_scores(&snap, as_of)?;
        let change = |r: &ScoreRecord| month_ago.change(&r.ticker, r.alpha_score);
        let in_sector: Vec<&ScoreRecord> = all.iter().filter(|r| sector.is_none_or(|s| r.sector == s)).collect();
        if in_sector.is_empty() {
            return Err(ServiceError::not_found(format!(
                "no ticker has a fresh price on {as_of} (the store's prices run {}..{})",
                snap.index.calendar.first().map(|d| d.to_string()).unwrap_or_default(),
                snap.latest().map(|d| d.to_string()).unwrap_or_default()
            )));
        }
        let mut rows: Vec<(ScoreRecord, Option<i16>)> = in_sector
            .into_iter()
            .map(|r| (r, change(r)))
            .filter(|(r, c)| keep(r, *c))
            .map(|(r, c)| (r.clone(), c))
            .collect();
        let pillar = |r: &ScoreRecord, p: Pillar| r.pillars.get(&p).and_then(|s| s.score).map(f64::from);
        let key = |(r, c): &(ScoreRecord, Option<i16>)| -> Option<f64> {
            match sort {
                Sort::AlphaScore => r.alpha_score.map(f64::from),
                Sort::Momentum => pillar(r, Pillar::Momentum),
                Sort::Value => pillar(r, Pillar::Value),
                Sort::Quality => pillar(r, Pillar::Quality),
                Sort::Sentiment => pillar(r, Pillar::Sentiment),
                Sort::MarketCap => r.market_cap,
                Sort::Change => c.map(f64::from),
                Sort::Ticker => None,
            }
        };
        rows.sort_by(|a, b| {
            let by_key = match (key(a), key(b)) {
                (Some(x), Some(y)) => match order {
                    Order::Descending => y.total_cmp(&x),
                    Order::Ascending => x.total_cmp(&y),
                },
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            let by_ticker = match (sort, order) {
                (Sort::Ticker, Order::Descending) => b.0.ticker.cmp(&a.0.ticker),
                _ => a.0.ticker.cmp(&b.0.ticker),
            };
            by_key.then(by_ticker)
        });
        Ok(Ranked { asked, as_of, previous: month_ago.date, rows })
    }
}

impl ScoreList {
    /// The screen as CSV: a row per stock with its scores, change and market
    /// cap, headed by the columns' names; the dates in every row.
    pub fn csv(&self) -> String {
        let mut o = String::from(
            "as_of,change_since,ticker,name,sector,market_cap_usd,alpha_score,category,change,momentum,value,quality,sentiment,pillars_available\n",
        );
        let opt = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_default();
        let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        for row in &self.rows {
            let r = &row.score;
            o.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                self.as_of,
                self.change_since.map(|d| d.to_string()).unwrap_or_default(),
                r.ticker,
                quoted(r.name.as_deref().unwrap_or("")),
                quoted(&r.sector),
                r.market_cap.map(|v| format!("{v:.0}")).unwrap_or_default(),
                opt(r.alpha_score),
                r.category.as_deref().unwrap_or(""),
                row.change.map(|c| c.to_string()).unwrap_or_default(),
                opt(r.momentum),
                opt(r.value),
                opt(r.quality),
                opt(r.sentiment),
                r.pillars_available
            ));
        }
        o
    }
}
