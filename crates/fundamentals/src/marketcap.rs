//! Shares outstanding and a split-consistent market cap.
//!
//! The shared prices are adjusted for every split up to their basis date (the last
//! date in the file); share counts in filings are as reported on their own date. To
//! put both on one basis, the reported count is scaled by every split that took
//! effect after the count's date and on or before the price basis date:
//!
//! ```text
//! market_cap(D) = close_adj(D) x shares(t) x prod(split ratios in (t, basis])
//! ```
//!
//! which equals the as-traded close on D times the share count on D, up to the
//! dividend part of the adjustment. The shared prices are also dividend-adjusted
//! (each dividend scales every earlier price by `1 - dividend / prior close`), which
//! would understate a 2014 market cap of a steady payer by several percent; so the
//! dividend factor between D and the basis is rebuilt from the filer's quarterly
//! dividends per share in XBRL and divided out (see [`dividend_factor`]). Splits come
//! from XBRL (`StockholdersEquityNoteStockSplitConversionRatio1`, keyed by effective
//! date). They are reference data about the price file's adjustment, not news: the
//! adjusted price file already encodes every split up to its basis date, so using
//! them leaks nothing the price did not already carry.

use alphadesk_model::NaiveDate;
use alphadesk_store::read::{Bar, SourceRef, Split, StoredFact};
use alphadesk_store::StoreError;

use crate::{FieldValue, Input, Records};

/// A price older than this is not a market price on the as-of date (a delisted or
/// suspended stock): no market cap is better than a stale one.
pub const MAX_PRICE_AGE_DAYS: i64 = 7;

/// Cover-page shares outstanding (`dei:EntityCommonStockSharesOutstanding`), summed
/// over share classes reported in the same filing for the same date; else the
/// balance-sheet `us-gaap:CommonStockSharesOutstanding`; else the latest diluted
/// weighted-average count.
pub fn shares_outstanding(src: &dyn Records, cik: i64, as_of: NaiveDate) -> Result<Option<FieldValue>, StoreError> {
    let known = src.facts_known(cik, "EntityCommonStockSharesOutstanding", as_of)?;
    let facts: Vec<&StoredFact> = known.iter().filter(|f| f.unit == "shares").collect();
    if let Some(last) = facts.iter().max_by_key(|f| (f.end, f.filed)) {
        let group: Vec<&StoredFact> =
            facts.iter().copied().filter(|f| f.accn == last.accn && f.end == last.end).collect();
        let value = group.iter().map(|f| f.value).sum();
        let method = if group.len() > 1 {
            format!("cover page, sum of {} share classes", group.len())
        } else {
            "cover page".to_string()
        };
        return Ok(Some(FieldValue {
            value,
            unit: "shares".into(),
            concept: format!("{}:{}", last.taxonomy, last.concept),
            period_start: None,
            period_end: last.end,
            filed: Some(last.filed),
            known_from: last.filed,
            method,
            source: SourceRef { path: last.source_path.clone(), accession: Some(last.accn.clone()), line: None },
            inputs: group.iter().map(|f| Input::from_fact(f)).collect(),
            price_basis: Vec::new(),
        }));
    }
    if let Some(bs) = crate::ttm::instant_in(src, cik, "CommonStockSharesOutstanding", as_of, "shares")? {
        return Ok(Some(FieldValue { method: "balance sheet (no cover-page count)".into(), ..bs }));
    }
    let known = src.facts_known(cik, "WeightedAverageNumberOfDilutedSharesOutstanding", as_of)?;
    let diluted: Vec<&StoredFact> = known.iter().filter(|f| f.unit == "shares" && f.start.is_some()).collect();
    let Some(f) = diluted.iter().max_by_key(|f| (f.end, f.filed)) else { return Ok(None) };
    Ok(Some(FieldValue {
        value: f.value,
        unit: "shares".into(),
        concept: format!("{}:{}", f.taxonomy, f.concept),
        period_start: f.start,
        period_end: f.end,
        filed: Some(f.filed),
        known_from: f.filed,
        method: "weighted average diluted shares over the period (no cover-page count)".into(),
        source: SourceRef { path: f.source_path.clone(), accession: Some(f.accn.clone()), line: None },
        inputs: vec![Input::from_fact(f)],
        price_basis: Vec::new(),
    }))
}

/// Product of split ratios effective after `from` and on or before `to`.
pub fn split_factor(splits: &[Split], from: NaiveDate, to: NaiveDate) -> f64 {
    splits.iter().filter(|s| s.effective > from && s.effective <= to).map(|s| s.ratio).product()
}

/// Concepts for cash dividends per share, in order of preference.
pub const DIVIDEND_CONCEPTS: &[&str] =
    &["CommonStockDividendsPerShareDeclared", "CommonStockDividendsPerShareCashPaid"];

/// A dividend per share, on the price file's share basis, and its estimated
/// ex-date. Filings give dividends per fiscal quarter, not ex-dates, so the ex-date
/// is taken as the middle of the quarter; the factor is then right to within the
/// one dividend nearest D.
#[derive(Debug, Clone, PartialEq)]
pub struct Dividend {
    pub ex_date: NaiveDate,
    pub per_share: f64,
    pub fact: StoredFact,
}

/// Quarterly dividends per share of a filer, restated to the price basis. Like
/// splits, these describe the adjustment already baked into the price file, so
/// they are read regardless of filing date. A value is on the share basis of its
/// filing date; splits between that date and the basis scale it down.
pub fn dividends(src: &dyn Records, cik: i64, splits: &[Split], basis: NaiveDate) -> Result<Vec<Dividend>, StoreError> {
    // Dates are compared as ISO text in the store; keep to four-digit years.
    let far = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");
    for concept in DIVIDEND_CONCEPTS {
        let mut by: std::collections::BTreeMap<(NaiveDate, NaiveDate), StoredFact> = Default::default();
        for f in src.facts_known(cik, concept, far)?.iter() {
            let Some(start) = f.start else { continue };
            let days = (f.end - start).num_days() + 1;
            if f.unit == "USD/shares" && (80..=100).contains(&days) && f.value > 0.0 {
                by.insert((start, f.end), f.clone());
            }
        }
        if by.is_empty() {
            continue;
        }
        return Ok(by
            .into_values()
            .map(|f| {
                let start = f.start.unwrap_or(f.end);
                let ex_date = start + chrono::Duration::days((f.end - start).num_days() / 2);
                let per_share = f.value / split_factor(splits, f.filed, basis);
                Dividend { ex_date, per_share, fact: f }
            })
            .collect());
    }
    Ok(Vec::new())
}

/// How a ticker's adjusted prices relate to as-traded ones: the basis date, the
/// splits, and each dividend's adjustment factor. Built once per ticker and reused
/// for every date.
#[derive(Debug, Clone)]
pub struct PriceBasis {
    pub layout: String,
    pub basis: NaiveDate,
    pub splits: Vec<Split>,
    /// Dividends with ex-dates on or before the basis, each with its factor, by
    /// ex-date ascending.
    pub dividends: Vec<(Dividend, f64)>,
}

impl PriceBasis {
    /// Walking back from the basis, where the factor is 1, the as-traded close before
    /// each ex-date is `adjusted / later_factor + dividend` (exactly, given the
    /// adjustment rule), and that dividend's factor is `1 - dividend / that close`.
    /// A factor depends only on later dividends, so all are computed once here.
    pub fn load(src: &dyn Records, ticker: &str, cik: Option<i64>) -> Result<Option<PriceBasis>, StoreError> {
        let Some((layout, basis)) = src.price_basis(ticker)? else { return Ok(None) };
        let splits = match cik {
            Some(c) => src.splits(c)?,
            None => Vec::new(),
        };
        let mut factors = Vec::new();
        // Only the shared layout folds dividends into `close`; Yahoo's `Close` is as
        // traded (split-adjusted) and needs no dividend correction.
        if let (Some(c), "adjusted_ohlcv") = (cik, layout.as_str()) {
            let mut divs: Vec<Dividend> =
                dividends(src, c, &splits, basis)?.into_iter().filter(|d| d.ex_date <= basis).collect();
            divs.sort_by_key(|d| std::cmp::Reverse(d.ex_date));
            let mut later = 1.0;
            for d in divs {
                let Some(prev) = d.ex_date.pred_opt() else { continue };
                let Some(adj) = src.close_on_or_before(ticker, prev)?.and_then(|b| b.close) else { continue };
                let raw = adj / later + d.per_share;
                if raw > 0.0 {
                    let f = 1.0 - d.per_share / raw;
                    later *= f;
                    factors.push((d, f));
                }
            }
            factors.reverse();
        }
        Ok(Some(PriceBasis { layout, basis, splits, dividends: factors }))
    }

    /// Product of the factors of dividends with ex-dates in `(date, basis]`, and those
    /// dividends as audit inputs.
    pub fn dividend_factor(&self, date: NaiveDate) -> (f64, Vec<Input>) {
        let later = self.dividends_after(date);
        (later.iter().map(|(_, f)| f).product(), later.iter().map(|(d, _)| Input::from_fact(&d.fact)).collect())
    }

    /// Dividends whose adjustment the close on `date` carries: ex-dates after it.
    fn dividends_after(&self, date: NaiveDate) -> &[(Dividend, f64)] {
        &self.dividends[self.dividends.partition_point(|(d, _)| d.ex_date <= date)..]
    }

    /// The market cap's value alone: the formula of [`Self::market_cap`] without
    /// building its audit record, for a panel that prices thousands of them.
    pub fn market_cap_value(
        &self,
        close: f64,
        close_date: NaiveDate,
        as_of: NaiveDate,
        shares: &FieldValue,
    ) -> Result<f64, String> {
        if (as_of - close_date).num_days() > MAX_PRICE_AGE_DAYS {
            return Err(format!("last price is from {close_date}, more than {MAX_PRICE_AGE_DAYS} days before {as_of}"));
        }
        let div_factor: f64 = self.dividends_after(close_date).iter().map(|(_, f)| f).product();
        Ok(close / div_factor * shares.value * split_factor(&self.splits, shares.period_end, self.basis))
    }

    /// Market cap on the bar's date from a share count reported as of its own date.
    pub fn market_cap(&self, bar: &Bar, as_of: NaiveDate, shares: &FieldValue) -> Result<FieldValue, String> {
        let Some(close) = bar.close else { return Err(format!("no close on {}", bar.date)) };
        let value = self.market_cap_value(close, bar.date, as_of, shares)?;
        let basis = self.basis;
        let factor = split_factor(&self.splits, shares.period_end, basis);
        let (div_factor, div_inputs) = self.dividend_factor(bar.date);
        let mut inputs = vec![Input {
            concept: format!("price:close ({}, adjusted as of {basis})", self.layout),
            value: close,
            start: None,
            end: bar.date,
            filed: None,
            source: bar.source.clone(),
        }];
        inputs.extend(shares.inputs.iter().cloned());
        let mut price_basis: Vec<Input> = self
            .splits
            .iter()
            .filter(|s| s.effective > shares.period_end && s.effective <= basis)
            .map(|s| Input {
                concept: "us-gaap:StockholdersEquityNoteStockSplitConversionRatio1".into(),
                value: s.ratio,
                start: None,
                end: s.effective,
                filed: None,
                source: s.source.clone(),
            })
            .collect();
        let n_divs = div_inputs.len();
        price_basis.extend(div_inputs);
        Ok(FieldValue {
            value,
            unit: "USD".into(),
            concept: "close x shares_outstanding".into(),
            period_start: None,
            period_end: bar.date,
            filed: shares.filed,
            known_from: shares.known_from.max(bar.date),
            method: format!(
                "adjusted close on {} / dividend factor {div_factor:.4} ({n_divs} dividends) x {} shares as of {} x split factor {factor} (splits after the share count, up to the price basis {basis})",
                bar.date, shares.value, shares.period_end
            ),
            source: bar.source.clone(),
            inputs,
            price_basis,
        })
    }
}

/// `Ok(Err(reason))` when the market cap cannot honestly be computed on this date.
pub fn market_cap(
    src: &dyn Records,
    ticker: &str,
    cik: Option<i64>,
    as_of: NaiveDate,
    shares: Option<&FieldValue>,
) -> Result<Result<FieldValue, String>, StoreError> {
    let Some(bar) = src.close_on_or_before(ticker, as_of)? else {
        return Ok(Err(format!("no price for {ticker} on or before {as_of}")));
    };
    let Some(shares) = shares else {
        return Ok(Err("no share count known by this date".into()));
    };
    let Some(basis) = PriceBasis::load(src, ticker, cik)? else {
        return Ok(Err("price series has no recorded basis".into()));
    };
    Ok(basis.market_cap(&bar, as_of, shares))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_factor_counts_only_splits_between_count_and_basis() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let split = |day: &str, ratio: f64| Split {
            effective: d(day),
            ratio,
            source: SourceRef { path: "t".into(), accession: None, line: None },
        };
        let s = vec![split("2014-06-06", 7.0), split("2020-08-28", 4.0)];
        assert_eq!(split_factor(&s, d("2014-04-11"), d("2018-05-18")), 7.0);
        assert_eq!(split_factor(&s, d("2014-07-18"), d("2018-05-18")), 1.0);
        assert_eq!(split_factor(&s, d("2014-04-11"), d("2021-01-01")), 28.0);
        assert_eq!(
            split_factor(&s, d("2014-06-06"), d("2018-05-18")),
            1.0,
            "count dated on the split day is post-split"
        );
    }
}
