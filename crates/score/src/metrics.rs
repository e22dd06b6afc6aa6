//! The metrics behind the four pillars, each computed for one ticker on one date
//! from the universe in memory, with the inputs it used when asked.
//!
//! A metric that cannot be computed honestly returns the reason instead of a number;
//! nothing is filled in. Formulas are in `docs/methodology.md`.

use std::fmt;

use alphadesk_fundamentals::{FactsReport, FieldValue};
use alphadesk_model::{DocKind, Field, NaiveDate, TradeCode};
use alphadesk_store::read::{NewsSignal, OpenMarketTrade, Position, SourceRef};
use serde::{Deserialize, Serialize};

use crate::panel::Member;
use crate::Pillar;

/// Trading days in a month and a year, for return windows on a ticker's own bars.
pub const MONTH: usize = 21;
/// Trading days in half a year.
pub const HALF_YEAR: usize = 126;
/// Trading days in a year.
pub const YEAR: usize = 252;
/// Insider trades count when filed within this many days before the as-of date.
pub const INSIDER_WINDOW_DAYS: i64 = 90;
/// Insider coverage: a ticker with no insider filing in this long has no insider
/// record here at all, which is not the same as insiders doing nothing.
pub const INSIDER_COVERAGE_DAYS: i64 = 365;
/// News tone: signals known in this many days before the as-of date count, each
/// weighted by half every `NEWS_HALF_LIFE_DAYS`; at least `NEWS_MIN_ITEMS` needed.
pub const NEWS_WINDOW_DAYS: i64 = 30;
/// The news tone's half-life, days.
pub const NEWS_HALF_LIFE_DAYS: f64 = 7.0;
/// Signals needed in the window for a news tone.
pub const NEWS_MIN_ITEMS: usize = 3;
/// A social post weighs half an article: shorter, noisier, and often a repost.
pub const POST_WEIGHT: f64 = 0.5;
/// Gross margins needed (and used, most recent first) for the stability metric.
pub const MIN_MARGIN_YEARS: usize = 3;
/// Gross margins used at most for the stability metric.
pub const MAX_MARGIN_YEARS: usize = 4;

/// A metric of the score (docs/methodology.md defines each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MetricId {
    /// Return from 12 months to 1 month ago.
    #[serde(rename = "mom_12_1")]
    Mom12_1,
    /// Return from 6 months to 1 month ago.
    #[serde(rename = "mom_6_1")]
    Mom6_1,
    /// The close relative to the 52-week high close.
    #[serde(rename = "dist_52w_high")]
    Dist52wHigh,
    /// TTM net income / market cap.
    EarningsYield,
    /// Equity / market cap.
    BookToPrice,
    /// TTM revenue / market cap.
    SalesToPrice,
    /// TTM (operating cash flow − capex) / market cap.
    FcfYield,
    /// TTM net income / equity.
    Roe,
    /// TTM gross profit / total assets.
    GrossProfitToAssets,
    /// TTM (net income − operating cash flow) / total assets (lower ranks better).
    Accruals,
    /// Total debt / total assets (lower ranks better).
    Leverage,
    /// Minus the standard deviation of annual gross margins.
    GrossMarginStability,
    /// Insider open-market buys minus sells over 90 days / market cap.
    #[serde(rename = "insider_net_buying_90d")]
    InsiderNetBuying90d,
    /// Change in 13F shares held between the last two quarters / shares outstanding.
    InstitutionalSharesChange,
    /// Recency-weighted tone of news articles and posts about the company.
    NewsTone,
}

impl MetricId {
    /// Every metric, pillar by pillar.
    pub const ALL: [MetricId; 15] = [
        MetricId::Mom12_1,
        MetricId::Mom6_1,
        MetricId::Dist52wHigh,
        MetricId::EarningsYield,
        MetricId::BookToPrice,
        MetricId::SalesToPrice,
        MetricId::FcfYield,
        MetricId::Roe,
        MetricId::GrossProfitToAssets,
        MetricId::Accruals,
        MetricId::Leverage,
        MetricId::GrossMarginStability,
        MetricId::InsiderNetBuying90d,
        MetricId::InstitutionalSharesChange,
        MetricId::NewsTone,
    ];

    /// Its id, as configurations and columns spell it.
    pub fn name(self) -> &'static str {
        match self {
            MetricId::Mom12_1 => "mom_12_1",
            MetricId::Mom6_1 => "mom_6_1",
            MetricId::Dist52wHigh => "dist_52w_high",
            MetricId::EarningsYield => "earnings_yield",
            MetricId::BookToPrice => "book_to_price",
            MetricId::SalesToPrice => "sales_to_price",
            MetricId::FcfYield => "fcf_yield",
            MetricId::Roe => "roe",
            MetricId::GrossProfitToAssets => "gross_profit_to_assets",
            MetricId::Accruals => "accruals",
            MetricId::Leverage => "leverage",
            MetricId::GrossMarginStability => "gross_margin_stability",
            MetricId::InsiderNetBuying90d => "insider_net_buying_90d",
            MetricId::InstitutionalSharesChange => "institutional_shares_change",
            MetricId::NewsTone => "news_tone",
        }
    }

    /// The pillar it belongs to.
    pub fn pillar(self) -> Pillar {
        use MetricId::*;
        match self {
            Mom12_1 | Mom6_1 | Dist52wHigh => Pillar::Momentum,
            EarningsYield | BookToPrice | SalesToPrice | FcfYield => Pillar::Value,
            Roe | GrossProfitToAssets | Accruals | Leverage | GrossMarginStability => Pillar::Quality,
            InsiderNetBuying90d | InstitutionalSharesChange | NewsTone => Pillar::Sentiment,
        }
    }

    /// Its name as a reader sees it on a page.
    pub fn title(self) -> &'static str {
        use MetricId::*;
        match self {
            Mom12_1 => "12-1 month momentum",
            Mom6_1 => "6-1 month momentum",
            Dist52wHigh => "Distance from the 52-week high",
            EarningsYield => "Earnings yield",
            BookToPrice => "Book to price",
            SalesToPrice => "Sales to price",
            FcfYield => "Free-cash-flow yield",
            Roe => "Return on equity",
            GrossProfitToAssets => "Gross profit to assets",
            Accruals => "Accruals",
            Leverage => "Leverage",
            GrossMarginStability => "Gross margin stability",
            InsiderNetBuying90d => "Insider net buying, 90 days",
            InstitutionalSharesChange => "13F holdings change",
            NewsTone => "News tone",
        }
    }

    /// What the number is, in words, for explanations.
    pub fn describe(self) -> &'static str {
        use MetricId::*;
        match self {
            Mom12_1 => "return from 12 months to 1 month ago",
            Mom6_1 => "return from 6 months to 1 month ago",
            Dist52wHigh => "close relative to the 52-week high close",
            EarningsYield => "TTM net income / market cap",
            BookToPrice => "equity / market cap",
            SalesToPrice => "TTM revenue / market cap",
            FcfYield => "TTM (operating cash flow - capex) / market cap",
            Roe => "TTM net income / equity",
            GrossProfitToAssets => "TTM gross profit / total assets",
            Accruals => "TTM (net income - operating cash flow) / total assets",
            Leverage => "total debt / total assets",
            GrossMarginStability => "minus the standard deviation of annual gross margins",
            InsiderNetBuying90d => "insider open-market buys minus sells, 90 days, / market cap",
            InstitutionalSharesChange => "change in 13F shares held between the last two quarters / shares outstanding",
            NewsTone => "recency-weighted tone of news articles and posts about the company",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_match_display_names() {
        for m in MetricId::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.name());
        }
    }
}

impl fmt::Display for MetricId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One input of a metric, traceable to its record.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Evidence {
    /// What the input is, in words.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// The date it is of.
    pub date: NaiveDate,
    /// Where it was read.
    pub source: SourceRef,
}

/// Everything a metric may look at for one ticker on one date.
pub struct Ctx<'a> {
    /// The ticker.
    pub member: &'a Member,
    /// The close scored.
    pub as_of: NaiveDate,
    /// Index of the last bar on or before `as_of`, already checked for freshness.
    pub idx: usize,
    /// Fundamentals known at that close.
    pub fundamentals: Option<&'a FactsReport>,
    /// Market cap on the date, or why there is none; [`Ctx::market_cap_detail`]
    /// builds its audit record when an explanation needs it.
    pub market_cap: Result<f64, String>,
}

/// A metric's value, or why it has none.
pub type Outcome = Result<f64, String>;

impl Ctx<'_> {
    fn field(&self, name: Field) -> Result<&FieldValue, String> {
        let f = self.fundamentals.ok_or("no fundamentals known by this date")?;
        f.fields
            .get(&name)
            .ok_or_else(|| f.missing.get(&name).cloned().unwrap_or_else(|| format!("no {name} known by this date")))
    }

    /// The market cap with its inputs and method, for explanations.
    pub fn market_cap_detail(&self) -> Option<FieldValue> {
        let basis = self.member.basis.as_ref()?;
        let bar = self.member.prices.bar_on_or_before(self.as_of)?;
        let shares = self.fundamentals?.fields.get(&Field::SharesOutstanding)?;
        basis.market_cap(&bar, self.as_of, shares).ok()
    }

    fn mcap(&self) -> Result<f64, String> {
        match &self.market_cap {
            Ok(m) if *m > 0.0 => Ok(*m),
            Ok(_) => Err("market cap is not positive".into()),
            Err(e) => Err(format!("no market cap: {e}")),
        }
    }

    fn close_back(&self, n: usize) -> Result<f64, String> {
        let i =
            self.idx.checked_sub(n).ok_or_else(|| format!("needs {n} trading days of history, has {}", self.idx))?;
        let p = self.member.prices.adj[i];
        if p.is_nan() || p <= 0.0 {
            return Err(format!("no close on {} ({} trading days back)", self.member.prices.dates[i], n));
        }
        Ok(p)
    }

    fn ratio(&self, num: Field, den: Field) -> Outcome {
        let d = self.field(den)?.value;
        if d <= 0.0 {
            return Err(format!("{den} is not positive"));
        }
        Ok(self.field(num)?.value / d)
    }

    fn over_mcap(&self, num: f64) -> Outcome {
        Ok(num / self.mcap()?)
    }
}

/// The metric's value on the context's date, or why there is none.
pub fn compute(id: MetricId, c: &Ctx<'_>) -> Outcome {
    use MetricId::*;
    match id {
        Mom12_1 => Ok(c.close_back(MONTH)? / c.close_back(YEAR)? - 1.0),
        Mom6_1 => Ok(c.close_back(MONTH)? / c.close_back(HALF_YEAR)? - 1.0),
        Dist52wHigh => {
            if c.idx + 1 < YEAR {
                return Err(format!("needs {YEAR} trading days of history, has {}", c.idx + 1));
            }
            let (_, high) = c.member.prices.high_over(c.idx, YEAR).ok_or("no close in the last 52 weeks")?;
            Ok(c.close_back(0)? / high - 1.0)
        }
        EarningsYield => c.over_mcap(c.field(Field::NetIncomeTtm)?.value),
        BookToPrice => c.over_mcap(c.field(Field::TotalEquity)?.value),
        SalesToPrice => c.over_mcap(c.field(Field::RevenueTtm)?.value),
        FcfYield => c.over_mcap(c.field(Field::OperatingCashFlowTtm)?.value - c.field(Field::CapexTtm)?.value),
        Roe => c.ratio(Field::NetIncomeTtm, Field::TotalEquity),
        GrossProfitToAssets => c.ratio(Field::GrossProfitTtm, Field::TotalAssets),
        Accruals => {
            let a = c.field(Field::TotalAssets)?.value;
            if a <= 0.0 {
                return Err("total_assets is not positive".into());
            }
            Ok((c.field(Field::NetIncomeTtm)?.value - c.field(Field::OperatingCashFlowTtm)?.value) / a)
        }
        Leverage => c.ratio(Field::TotalDebt, Field::TotalAssets),
        GrossMarginStability => {
            if !c.member.gross_margin_applies {
                return Err(alphadesk_fundamentals::GROSS_PROFIT_NOT_APPLICABLE.to_string());
            }
            let m = known_margins(c);
            if m.len() < MIN_MARGIN_YEARS {
                return Err(format!("needs {MIN_MARGIN_YEARS} annual gross margins, {} known", m.len()));
            }
            let xs: Vec<f64> = m.iter().map(|x| x.margin).collect();
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
            Ok(-var.sqrt())
        }
        InsiderNetBuying90d => {
            let covered = c
                .member
                .trades
                .iter()
                .any(|t| t.filed <= c.as_of && (c.as_of - t.filed).num_days() < INSIDER_COVERAGE_DAYS);
            if !covered {
                return Err("no insider filings on record in the year before this date".into());
            }
            let net: f64 = insider_window(&c.member.trades, c.as_of).map(signed_value).sum();
            c.over_mcap(net)
        }
        InstitutionalSharesChange => {
            let change = institutional_change(&c.member.positions, c.as_of)?.change;
            let shares = c.field(Field::SharesOutstanding)?.value;
            if shares <= 0.0 {
                return Err("shares_outstanding is not positive".into());
            }
            Ok(change / shares)
        }
        NewsTone => {
            let items: Vec<(f64, f64)> =
                news_window(&c.member.news, c.as_of).iter().map(|n| (news_weight(n, c.as_of), n.tone)).collect();
            if items.len() < NEWS_MIN_ITEMS {
                return Err(format!(
                    "{} news items or posts in the {NEWS_WINDOW_DAYS} days to this date, needs {NEWS_MIN_ITEMS}",
                    items.len()
                ));
            }
            let w: f64 = items.iter().map(|(w, _)| w).sum();
            if w <= 0.0 {
                return Err("news items carry no weight".into());
            }
            Ok(items.iter().map(|(w, t)| w * t).sum::<f64>() / w)
        }
    }
}

/// Signals known in the news window to `as_of`, found by binary search: they are
/// sorted by the day they became known, and a heavily covered name has thousands.
pub fn news_window(news: &[NewsSignal], as_of: NaiveDate) -> &[NewsSignal] {
    let first = as_of - chrono::Duration::days(NEWS_WINDOW_DAYS - 1);
    let lo = news.partition_point(|n| n.known_date < first);
    let hi = news.partition_point(|n| n.known_date <= as_of);
    &news[lo..hi.max(lo)]
}

fn news_weight(n: &NewsSignal, as_of: NaiveDate) -> f64 {
    let age = (as_of - n.known_date).num_days() as f64;
    let kind = if n.kind == DocKind::Post { POST_WEIGHT } else { 1.0 };
    kind * n.salience * n.confidence * 0.5f64.powf(age / NEWS_HALF_LIFE_DAYS)
}

fn signed_value(t: &OpenMarketTrade) -> f64 {
    let v = t.shares * t.price;
    match t.code {
        TradeCode::Purchase => v,
        TradeCode::Sale => -v,
    }
}

/// Open-market trades filed in the insider window to `as_of`.
pub fn insider_window(trades: &[OpenMarketTrade], as_of: NaiveDate) -> impl Iterator<Item = &OpenMarketTrade> {
    trades.iter().filter(move |t| t.current_on(as_of) && (as_of - t.filed).num_days() < INSIDER_WINDOW_DAYS)
}

fn known_margins<'a>(c: &'a Ctx<'_>) -> Vec<&'a crate::panel::AnnualMargin> {
    let mut m: Vec<_> = c.member.margins.iter().filter(|m| m.known_from <= c.as_of).collect();
    m.sort_by_key(|m| std::cmp::Reverse(m.period_end));
    m.truncate(MAX_MARGIN_YEARS);
    m
}

/// The 13F picture of one issuer on a date: managers with reports for the latest
/// quarter known and an earlier one, their shares then and now.
pub struct InstitutionalChange<'a> {
    /// The latest quarter known.
    pub latest: NaiveDate,
    /// The latest earlier quarter among those managers.
    pub previous: NaiveDate,
    /// Managers with reports for both quarters.
    pub managers: usize,
    /// Their shares in the latest quarter.
    pub shares_now: f64,
    /// Their shares in the earlier one.
    pub shares_then: f64,
    /// Sum over those managers of (shares now - shares then).
    pub change: f64,
    /// Positions of the managers counted, both quarters.
    pub counted: Vec<&'a Position>,
    /// Every position known by the date.
    pub known: Vec<&'a Position>,
}

/// Managers seen only once say nothing about a change; with none seen twice there
/// is no figure.
pub fn institutional_change(positions: &[Position], as_of: NaiveDate) -> Result<InstitutionalChange<'_>, String> {
    use std::collections::BTreeMap;
    let known: Vec<&Position> = positions.iter().filter(|p| p.filed <= as_of).collect();
    if known.is_empty() {
        return Err("no 13F positions known for this issuer by this date".into());
    }
    let mut by_manager: BTreeMap<&alphadesk_model::Manager, BTreeMap<NaiveDate, (f64, Vec<&Position>)>> =
        BTreeMap::new();
    for p in &known {
        let e = by_manager.entry(&p.manager).or_default().entry(p.period).or_default();
        e.0 += p.shares;
        e.1.push(p);
    }
    let latest = known.iter().map(|p| p.period).max().ok_or("no 13F period")?;
    let (mut change, mut now_total, mut then_total, mut managers) = (0.0, 0.0, 0.0, 0);
    let mut previous: Option<NaiveDate> = None;
    let mut counted = Vec::new();
    for periods in by_manager.values() {
        let mut it = periods.iter().rev();
        if let (Some((p1, (now, a))), Some((p0, (then, b)))) = (it.next(), it.next()) {
            if *p1 == latest {
                change += now - then;
                managers += 1;
                now_total += now;
                then_total += then;
                previous = previous.max(Some(*p0));
                counted.extend(a.iter().chain(b));
            }
        }
    }
    let Some(previous) = previous else {
        return Err("no manager with 13F reports for two quarters".into());
    };
    Ok(InstitutionalChange {
        latest,
        previous,
        managers,
        shares_now: now_total,
        shares_then: then_total,
        change,
        counted,
        known,
    })
}

/// The inputs behind a metric, for `alphadesk explain`.
pub fn evidence(id: MetricId, c: &Ctx<'_>) -> Vec<Evidence> {
    use MetricId::*;
    let bar = |n: usize| -> Option<Evidence> {
        let p = &c.member.prices;
        // The row a return starts from: the last with a close (as `return_over`).
        let mut i = c.idx.checked_sub(n)?;
        let mut name = if n == 0 { "close".to_string() } else { format!("close {n} trading days back") };
        while p.adj[i].is_nan() {
            if let Some(note) = p.flags.get(&i) {
                name.push_str(&format!(" (the row of {} is left out: {note})", p.dates[i]));
            }
            i = i.checked_sub(1)?;
        }
        if let Some(note) = p.flags.get(&i) {
            name.push_str(&format!(" ({note})"));
        }
        Some(Evidence { name, value: p.adj[i], date: p.dates[i], source: p.source_at(i) })
    };
    let field = |name: Field| -> Option<Evidence> {
        let f = c.field(name).ok()?;
        Some(Evidence {
            name: format!("{name} ({})", f.concept),
            value: f.value,
            date: f.period_end,
            source: f.source.clone(),
        })
    };
    let mcap = || -> Option<Evidence> {
        let m = c.market_cap_detail()?;
        Some(Evidence {
            name: format!("market_cap ({})", m.method),
            value: m.value,
            date: m.period_end,
            source: m.source.clone(),
        })
    };
    // The count behind the market cap, with how it was chosen: a jump from the
    // count before it (a split, a merger) is said in its method.
    let shares = || -> Option<Evidence> {
        let f = c.field(Field::SharesOutstanding).ok()?;
        Some(Evidence {
            name: format!("shares_outstanding ({}: {})", f.concept, f.method),
            value: f.value,
            date: f.period_end,
            source: f.source.clone(),
        })
    };
    let out: Vec<Option<Evidence>> = match id {
        Mom12_1 => vec![bar(MONTH), bar(YEAR)],
        Mom6_1 => vec![bar(MONTH), bar(HALF_YEAR)],
        Dist52wHigh => {
            let mut v = vec![bar(0)];
            if let Some((i, high)) = c.member.prices.high_over(c.idx, YEAR) {
                v.push(Some(Evidence {
                    name: "52-week high close".into(),
                    value: high,
                    date: c.member.prices.dates[i],
                    source: c.member.prices.source_at(i),
                }));
            }
            v
        }
        EarningsYield => vec![field(Field::NetIncomeTtm), mcap(), shares()],
        BookToPrice => vec![field(Field::TotalEquity), mcap(), shares()],
        SalesToPrice => vec![field(Field::RevenueTtm), mcap(), shares()],
        FcfYield => vec![field(Field::OperatingCashFlowTtm), field(Field::CapexTtm), mcap(), shares()],
        Roe => vec![field(Field::NetIncomeTtm), field(Field::TotalEquity)],
        GrossProfitToAssets => vec![field(Field::GrossProfitTtm), field(Field::TotalAssets)],
        Accruals => vec![field(Field::NetIncomeTtm), field(Field::OperatingCashFlowTtm), field(Field::TotalAssets)],
        Leverage => vec![field(Field::TotalDebt), field(Field::TotalAssets)],
        GrossMarginStability => known_margins(c)
            .into_iter()
            .map(|m| {
                Some(Evidence {
                    name: "annual gross margin".into(),
                    value: m.margin,
                    date: m.period_end,
                    source: m.sources[0].clone(),
                })
            })
            .collect(),
        InsiderNetBuying90d => {
            let mut v: Vec<Option<Evidence>> = insider_window(&c.member.trades, c.as_of)
                .map(|t| {
                    Some(Evidence {
                        name: format!(
                            "{} {} shares at ${} by {}",
                            t.code.verb(),
                            t.shares,
                            t.price,
                            t.owner.as_deref().unwrap_or("an insider")
                        ),
                        value: signed_value(t),
                        date: t.filed,
                        source: t.source.clone(),
                    })
                })
                .collect();
            v.push(mcap());
            v
        }
        InstitutionalSharesChange => match institutional_change(&c.member.positions, c.as_of) {
            Ok(ch) => ch
                .known
                .into_iter()
                .map(|p| {
                    Some(Evidence {
                        name: format!("13F shares held by {} for {}", p.manager, p.period),
                        value: p.shares,
                        date: p.filed,
                        source: p.source.clone(),
                    })
                })
                .chain([field(Field::SharesOutstanding)])
                .collect(),
            Err(_) => vec![],
        },
        NewsTone => {
            let (mut articles, mut posts) = (0, 0);
            for n in news_window(&c.member.news, c.as_of) {
                if n.kind == DocKind::Post {
                    posts += 1;
                } else {
                    articles += 1;
                }
            }
            vec![Some(Evidence {
                name: format!(
                    "{articles} articles and {posts} posts known in the {NEWS_WINDOW_DAYS} days to this date (half-life {NEWS_HALF_LIFE_DAYS} days)"
                ),
                value: (articles + posts) as f64,
                date: c.as_of,
                source: SourceRef { path: "news_signals".into(), accession: None, line: None },
            })]
        }
    };
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod hand_computed {
    use std::collections::BTreeMap;

    use alphadesk_fundamentals::{FactsReport, FieldValue};
    use alphadesk_model::{NaiveDate, Sector};
    use alphadesk_store::read::{OpenMarketTrade, Position, SourceRef};

    use super::*;
    use crate::panel::{AnnualMargin, Member, PriceSeries};

    fn src() -> SourceRef {
        SourceRef { path: "hand".into(), accession: None, line: None }
    }

    fn day(i: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Duration::days(i)
    }

    fn fv(value: f64) -> FieldValue {
        FieldValue {
            value,
            unit: "USD".into(),
            concept: "hand".into(),
            period_start: None,
            period_end: day(0),
            filed: Some(day(0)),
            known_from: day(0),
            method: "hand".into(),
            source: src(),
            inputs: vec![],
            price_basis: vec![],
        }
    }

    /// 300 daily closes: 100, 101, ..., with a peak of 500 at index 100.
    fn member() -> Member {
        let n = 300;
        let mut adj: Vec<f64> = (0..n).map(|i| 100.0 + i as f64).collect();
        adj[100] = 500.0;
        let fields: BTreeMap<Field, FieldValue> = [
            (Field::NetIncomeTtm, 10.0),
            (Field::TotalEquity, 50.0),
            (Field::RevenueTtm, 200.0),
            (Field::OperatingCashFlowTtm, 14.0),
            (Field::CapexTtm, 4.0),
            (Field::GrossProfitTtm, 80.0),
            (Field::TotalAssets, 400.0),
            (Field::TotalDebt, 100.0),
            (Field::SharesOutstanding, 1000.0),
        ]
        .into_iter()
        .map(|(k, v)| (k, fv(v)))
        .collect();
        Member {
            ticker: "HAND".into(),
            name: None,
            dated_names: Vec::new(),
            gross_margin_applies: true,
            sector: Sector::Industrials,
            cik: None,
            first_date: day(0),
            last_date: day(n as i64 - 1),
            prices: PriceSeries {
                dates: (0..n as i64).map(day).collect(),
                close: adj.clone(),
                adj,
                lines: (2..n as i64 + 2).collect(),
                files: vec![0; n],
                paths: vec!["hand.csv".into()],
                flags: Default::default(),
            },
            timeline: vec![FactsReport {
                ticker: "HAND".into(),
                cik: None,
                as_of: day(0),
                price_date: None,
                fields,
                missing: BTreeMap::new(),
            }],
            basis: None,
            margins: [0.40, 0.42, 0.44]
                .iter()
                .enumerate()
                .map(|(i, m)| AnnualMargin {
                    period_end: day(i as i64 * 10),
                    known_from: day(i as i64 * 10),
                    margin: *m,
                    sources: vec![src()],
                })
                .collect(),
            trades: vec![
                trade("P", 10.0, 20.0, day(250)),
                trade("S", 5.0, 20.0, day(280)),
                trade("P", 1.0, 1.0, day(100)), // outside the 90 days before day(299)
            ],
            positions: vec![
                position("m1", day(200), 100.0),
                position("m1", day(290), 160.0),
                position("m2", day(290), 999.0), // one quarter only: no change
            ],
            share_classes: Vec::new(),
            news: {
                let mut v: Vec<_> = (0..4)
                    .map(|k| alphadesk_store::read::NewsSignal {
                        document_id: k,
                        ticker: "HAND".into(),
                        kind: if k == 0 { DocKind::Article } else { DocKind::Post },
                        known_date: day(299 - 7 * k),
                        tone: [0.8, -0.4, 0.2, 0.5][k as usize],
                        salience: 1.0,
                        confidence: 1.0,
                        relevance: None,
                    })
                    .collect();
                v.sort_by_key(|n| n.known_date);
                v
            },
        }
    }

    fn trade(code: &str, shares: f64, price: f64, filed: NaiveDate) -> OpenMarketTrade {
        OpenMarketTrade {
            issuer_cik: None,
            issuer_ticker: Some("HAND".into()),
            owner: None,
            filed,
            filed_estimated: false,
            trade_date: None,
            code: code.parse().unwrap(),
            shares,
            price,
            source: src(),
            superseded: None,
        }
    }

    fn position(manager: &str, period: NaiveDate, shares: f64) -> Position {
        Position {
            manager: alphadesk_model::Manager::Name(manager.into()),
            period,
            filed: period,
            issuer: "HAND".into(),
            cusip: "x".into(),
            shares,
            source: src(),
        }
    }

    fn value(m: &Member, id: MetricId) -> Outcome {
        let idx = m.prices.dates.len() - 1;
        let c = Ctx {
            member: m,
            as_of: m.prices.dates[idx],
            idx,
            fundamentals: m.fundamentals(m.prices.dates[idx]),
            market_cap: Ok(1000.0),
        };
        compute(id, &c)
    }

    #[test]
    fn every_metric_on_a_hand_computed_case() {
        let m = member();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        // Last close 399 (index 299); 21 back 378, 126 back 273, 252 back 147.
        assert!(close(value(&m, MetricId::Mom12_1).unwrap(), 378.0 / 147.0 - 1.0));
        assert!(close(value(&m, MetricId::Mom6_1).unwrap(), 378.0 / 273.0 - 1.0));
        // The window of 252 closes ending at 299 starts at 48 and holds the 500 peak.
        assert!(close(value(&m, MetricId::Dist52wHigh).unwrap(), 399.0 / 500.0 - 1.0));
        assert!(close(value(&m, MetricId::EarningsYield).unwrap(), 10.0 / 1000.0));
        assert!(close(value(&m, MetricId::BookToPrice).unwrap(), 50.0 / 1000.0));
        assert!(close(value(&m, MetricId::SalesToPrice).unwrap(), 200.0 / 1000.0));
        assert!(close(value(&m, MetricId::FcfYield).unwrap(), (14.0 - 4.0) / 1000.0));
        assert!(close(value(&m, MetricId::Roe).unwrap(), 10.0 / 50.0));
        assert!(close(value(&m, MetricId::GrossProfitToAssets).unwrap(), 80.0 / 400.0));
        assert!(close(value(&m, MetricId::Accruals).unwrap(), (10.0 - 14.0) / 400.0));
        assert!(close(value(&m, MetricId::Leverage).unwrap(), 100.0 / 400.0));
        // Margins 0.40, 0.42, 0.44: sample standard deviation 0.02.
        assert!(close(value(&m, MetricId::GrossMarginStability).unwrap(), -0.02));
        // Inside 90 days: bought 10 x $20, sold 5 x $20; net $100 over $1,000.
        assert!(close(value(&m, MetricId::InsiderNetBuying90d).unwrap(), 100.0 / 1000.0));
        // Manager m1: 160 - 100 = 60 shares over 1,000 outstanding; m2 has one quarter.
        assert!(close(value(&m, MetricId::InstitutionalSharesChange).unwrap(), 60.0 / 1000.0));
        // Known 0, 7, 14, 21 days before: weights 1 (article), then posts at half
        // weight halving weekly: 0.25, 0.125, 0.0625.
        let w = [1.0, 0.25, 0.125, 0.0625];
        let t = [0.8, -0.4, 0.2, 0.5];
        let expect = w.iter().zip(t).map(|(w, t)| w * t).sum::<f64>() / w.iter().sum::<f64>();
        assert!(close(value(&m, MetricId::NewsTone).unwrap(), expect));
    }

    #[test]
    fn missing_inputs_give_reasons_not_numbers() {
        let mut m = member();
        m.prices.adj.truncate(200);
        m.prices.close.truncate(200);
        m.prices.dates.truncate(200);
        m.prices.lines.truncate(200);
        assert!(value(&m, MetricId::Mom12_1).unwrap_err().contains("252 trading days"));
        m.timeline.clear();
        assert!(value(&m, MetricId::Roe).unwrap_err().contains("no fundamentals"));
        m.margins.truncate(2);
        assert!(value(&m, MetricId::GrossMarginStability).unwrap_err().contains("needs 3"));
        m.trades.clear();
        assert!(value(&m, MetricId::InsiderNetBuying90d).unwrap_err().contains("no insider filings"));
        m.news.truncate(2);
        assert!(value(&m, MetricId::NewsTone).unwrap_err().contains("needs 3"));
    }
}
