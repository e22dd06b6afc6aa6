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
use alphadesk_store::read::{self, Bar, SourceRef, Split, StoredFact};
use alphadesk_store::StoreError;

use crate::balance::BalanceSheet;
use crate::{Field, FieldValue, Input, Records};

/// A price older than this is not a market price on the as-of date (a delisted or
/// suspended stock): no market cap is better than a stale one.
pub const MAX_PRICE_AGE_DAYS: i64 = 7;

/// Cover-page shares outstanding (`dei:EntityCommonStockSharesOutstanding`), summed
/// over share classes reported in the same filing for the same date; else the
/// balance-sheet `us-gaap:CommonStockSharesOutstanding`; else the diluted
/// weighted-average count of the period ending on the balance sheet. With a
/// balance sheet known (`sheet`), a count older than it is stale: the cover page of
/// the filing that carried the balance sheet is dated after it, so an older cover
/// count belongs to an older filing. A count of zero is no count.
pub fn shares_outstanding(
    src: &dyn Records,
    cik: i64,
    sheet: Option<&BalanceSheet>,
    as_of: NaiveDate,
) -> Result<Result<FieldValue, String>, StoreError> {
    let current = |end: NaiveDate| sheet.is_none_or(|s| end >= s.date);
    let known = src.facts_known(cik, "EntityCommonStockSharesOutstanding", as_of)?;
    let facts: Vec<&StoredFact> = known.iter().filter(|f| f.unit == "shares" && f.value > 0.0).collect();
    let mut stale: Option<String> = None;
    if let Some(last) = facts.iter().max_by_key(|f| (f.end, f.filed)) {
        let group: Vec<&StoredFact> =
            facts.iter().copied().filter(|f| f.accn == last.accn && f.end == last.end).collect();
        if current(last.end) {
            let value = group.iter().map(|f| f.value).sum();
            let method = if group.len() > 1 {
                format!("cover page, sum of {} share classes", group.len())
            } else {
                "cover page".to_string()
            };
            return Ok(Ok(FieldValue {
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
        stale = Some(format!(
            "the last cover-page count ({} at {}) is older than the latest balance sheet",
            last.value, last.end
        ));
    }
    let balance = match sheet {
        Some(s) => crate::balance::at_sheet(src, cik, &["CommonStockSharesOutstanding"], s, as_of, "shares")?,
        None => crate::ttm::instant_in(src, cik, "CommonStockSharesOutstanding", as_of, "shares")?,
    };
    if let Some(bs) = balance.filter(|b| b.value > 0.0) {
        return Ok(Ok(FieldValue { method: "balance sheet (no current cover-page count)".into(), ..bs }));
    }
    let known = src.facts_known(cik, "WeightedAverageNumberOfDilutedSharesOutstanding", as_of)?;
    let diluted: Vec<&StoredFact> =
        known.iter().filter(|f| f.unit == "shares" && f.start.is_some() && f.value > 0.0).collect();
    let Some(f) = diluted.iter().max_by_key(|f| (f.end, f.filed)) else {
        return Ok(Err(stale.unwrap_or_else(|| "no share count known by this date".into())));
    };
    if !current(f.end) {
        return Ok(Err(stale.unwrap_or_else(|| {
            format!(
                "the last diluted share count ({} for the period to {}) is older than the latest balance sheet",
                f.value, f.end
            )
        })));
    }
    Ok(Ok(FieldValue {
        value: f.value,
        unit: "shares".into(),
        concept: format!("{}:{}", f.taxonomy, f.concept),
        period_start: f.start,
        period_end: f.end,
        filed: Some(f.filed),
        known_from: f.filed,
        method: "weighted average diluted shares over the period (no current cover-page count)".into(),
        source: SourceRef { path: f.source_path.clone(), accession: Some(f.accn.clone()), line: None },
        inputs: vec![Input::from_fact(f)],
        price_basis: Vec::new(),
    }))
}

/// A change between consecutive share counts beyond this share is flagged and
/// explained (a split, a merger's share issue, a large buyback).
pub const SHARE_JUMP: f64 = 0.20;

/// Share counts implied by the dated snapshots (market cap over price, both as
/// traded on the snapshot's date), known on that date, oldest first, each with
/// its price basis (the snapshot's price over the adjusted close of its date:
/// the adjustment made since, a split's ratio among them).
///
/// A snapshot whose price shows a split since the previous snapshot while its
/// market cap does not (ICE's 2017 file: a post-split price beside a pre-split
/// market cap, so a count 5 times too small) is left out: its count is not one.
fn snapshot_counts(src: &dyn Records, ticker: &str, as_of: NaiveDate) -> Result<Vec<(FieldValue, f64)>, StoreError> {
    let prices = src.snapshot_prices(ticker)?;
    let mut out: Vec<(FieldValue, f64)> = Vec::new();
    for cap in src.snapshot_market_caps(ticker)?.into_iter().filter(|c| c.date <= as_of && c.value > 0.0) {
        let Some(price) = prices.iter().find(|p| p.date == cap.date && p.value > 0.0) else { continue };
        let Some(adjusted) = src.close_on_or_before(ticker, cap.date)?.and_then(|b| b.close).filter(|c| *c > 0.0)
        else {
            continue;
        };
        let basis = price.value / adjusted;
        let count = (cap.value / price.value).round();
        if let Some((prev, prev_basis)) = out.last() {
            let price_step = prev_basis / basis;
            let count_step = count / prev.value;
            let split_like = !(1.0 / 1.3..=1.3).contains(&price_step);
            if split_like && (count_step / price_step - 1.0).abs() > 0.35 {
                continue;
            }
        }
        let input = |concept: &str, d: &read::Dated| Input {
            concept: concept.into(),
            value: d.value,
            start: None,
            end: d.date,
            filed: None,
            source: d.source.clone(),
        };
        out.push((
            FieldValue {
                value: count,
                unit: "shares".into(),
                concept: "snapshot:market cap / price".into(),
                period_start: None,
                period_end: cap.date,
                filed: None,
                known_from: cap.date,
                method: format!("implied by the {} snapshot's market cap and price, both as traded", cap.date),
                source: cap.source.clone(),
                inputs: vec![input("snapshot:market_cap_usd", &cap), input("snapshot:price", price)],
                price_basis: Vec::new(),
            },
            basis,
        ));
    }
    Ok(out)
}

/// The freshest share count known on `as_of` among the one chosen so far (cover
/// page, balance sheet or table row) and the snapshots' implied counts, with a
/// jump of more than [`SHARE_JUMP`] from the count before it flagged in its
/// `method` and explained where the record shows why (a split in between).
pub fn fresher_shares(
    src: &dyn Records,
    ticker: &str,
    cik: Option<i64>,
    as_of: NaiveDate,
    fields: &mut std::collections::BTreeMap<Field, FieldValue>,
) -> Result<(), StoreError> {
    let snapshots = snapshot_counts(src, ticker, as_of)?;
    // The price basis of each snapshot's count, to tell a split from an issue.
    let basis_of = |c: &FieldValue| {
        snapshots.iter().find(|(s, _)| c.concept == s.concept && c.period_end == s.period_end).map(|(_, b)| *b)
    };
    let mut counts: Vec<FieldValue> = snapshots.iter().map(|(c, _)| c.clone()).collect();
    let by = as_of - chrono::Duration::days(crate::TABLE_LAG_DAYS);
    counts.extend(
        src.annual_values(ticker, by)?
            .iter()
            .filter(|r| r.item == "Estimated Shares Outstanding")
            .map(|r| crate::table_share_count(r, "annual table row".into())),
    );
    let current = fields.get(&Field::SharesOutstanding).cloned();
    if let Some(c) = &current {
        counts.retain(|x| x.period_end != c.period_end);
        counts.push(c.clone());
    }
    counts.retain(|x| x.value > 0.0);
    // Oldest first; at one date the chosen count stays last.
    counts.sort_by_key(|x| (x.period_end, current.as_ref().is_some_and(|c| c.period_end == x.period_end)));
    let Some(mut chosen) = counts.pop() else { return Ok(()) };
    if current.as_ref().is_some_and(|c| c.period_end < chosen.period_end) {
        chosen.method = format!(
            "{}; fresher than the {} count of {}",
            chosen.method,
            current.as_ref().map(|c| c.concept.as_str()).unwrap_or_default(),
            current.as_ref().map(|c| c.period_end.to_string()).unwrap_or_default()
        );
    }
    if let Some(prev) = counts.last() {
        let change = chosen.value / prev.value - 1.0;
        if change.abs() > SHARE_JUMP {
            let splits = match cik {
                Some(c) => src.splits(c)?,
                None => Vec::new(),
            };
            let split = splits.iter().find(|s| s.effective > prev.period_end && s.effective <= chosen.period_end);
            // Two snapshots whose prices stepped by the same ratio as their counts.
            let shown = match (basis_of(prev), basis_of(&chosen)) {
                (Some(a), Some(b)) if ((chosen.value / prev.value) / (a / b) - 1.0).abs() <= 0.15 => Some(a / b),
                _ => None,
            };
            let why = match (split, shown) {
                (Some(s), _) => format!("the {}-for-1 split effective {}", ratio_words(s.ratio), s.effective),
                (None, Some(r)) => format!(
                    "a split of about {}-for-1 between {} and {} (the snapshots' prices step by the same ratio)",
                    ratio_words((r * 4.0).round() / 4.0),
                    prev.period_end,
                    chosen.period_end
                ),
                (None, None) if change > 0.0 => {
                    "no split is recorded in between: a merger's or an offering's share issue".to_string()
                }
                (None, None) => "no reverse split is recorded in between: a buyback or a spin-off".to_string(),
            };
            chosen.method = format!(
                "{}; {} {:.0}% from {:.0} at {} ({}): {why}",
                chosen.method,
                if change > 0.0 { "up" } else { "down" },
                change.abs() * 100.0,
                prev.value,
                prev.period_end,
                prev.concept
            );
        }
    }
    fields.insert(Field::SharesOutstanding, chosen);
    Ok(())
}

/// The date whose share basis a count is on. A cover-page count (and a table row)
/// is as of its own date. A balance-sheet or weighted-average count is restated
/// for any split between its period end and the filing (ASC 260 and SAB Topic 4C
/// require it), so it is on the basis of its filing date: Alphabet's June 2022
/// balance sheet, filed after the July 20-for-1 split, already counts post-split
/// shares.
pub fn share_basis_date(shares: &FieldValue) -> NaiveDate {
    if shares.concept.starts_with("snapshot:") {
        // A snapshot's figures may be some days older than its file's date, as
        // the split windows inferred from them assume.
        shares.period_end - chrono::Duration::days(SNAPSHOT_LAG_DAYS)
    } else if shares.concept.starts_with("dei:") || shares.concept.starts_with("table:") {
        shares.period_end
    } else {
        shares.filed.unwrap_or(shares.period_end).max(shares.period_end)
    }
}

/// Product of split ratios effective after `from` and on or before `to`.
pub fn split_factor(splits: &[Split], from: NaiveDate, to: NaiveDate) -> f64 {
    splits.iter().filter(|s| s.effective > from && s.effective <= to).map(|s| s.ratio).product()
}

/// [`split_factor`] for a share count dated `from`, or why its basis is unknown: a
/// split known only to fall in a window that contains `from` may be in the count
/// or not.
pub fn split_factor_checked(splits: &[Split], from: NaiveDate, to: NaiveDate) -> Result<f64, String> {
    if let Some(s) = splits.iter().find(|s| s.after < from && from < s.effective) {
        return Err(format!(
            "a {}-for-1 split fell between {} and {} ({}), and the share count of {from} may be on either side of it",
            ratio_words(s.ratio),
            s.after,
            s.effective,
            s.evidence
        ));
    }
    Ok(split_factor(splits, from, to))
}

/// A split ratio in a sentence ("the 7-for-1 split").
pub(crate) fn ratio_words(r: f64) -> String {
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round())
    } else {
        format!("{r:.2}")
    }
}

/// A change to the adjusted prices that is not a split (a spin-off, a special
/// dividend): the adjusted closes before it are `factor` times lower than the
/// prices that traded. It happened after `after` and on or before `by`.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    /// The last day known before it.
    pub after: NaiveDate,
    /// The first day known after it.
    pub by: NaiveDate,
    /// As-traded price over adjusted price before it.
    pub factor: f64,
    /// What showed it, in words.
    pub evidence: String,
    /// Where.
    pub source: SourceRef,
}

/// Split ratios a price file's adjustment can hold (new shares per old).
const SPLIT_RATIOS: &[f64] = &[1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 15.0, 20.0];

/// The split ratio `r` is, within `tolerance`, or its reverse split.
fn as_split(r: f64, tolerance: f64) -> Option<f64> {
    SPLIT_RATIOS.iter().flat_map(|x| [*x, 1.0 / x]).find(|x| (r / x - 1.0).abs() <= tolerance)
}

/// How far a snapshot's price may be from the close of its date: the snapshot
/// files are commits of a weekly-ish scrape, and their prices may be some days old.
const SNAPSHOT_LAG_DAYS: i64 = 10;
/// Between two snapshots, a ratio within this of 1 is dividends and market noise.
const SNAPSHOT_NOISE: f64 = 0.12;
/// Tolerances for reading a ratio as a split: snapshot prices are days old; annual
/// share counts are net income over EPS, rounded by the table.
const SNAPSHOT_SPLIT_TOLERANCE: f64 = 0.08;
const SHARES_SPLIT_TOLERANCE: f64 = 0.035;
/// A split multiplies the share count; a spin-off rescales the price alone. Two
/// snapshots' implied share counts (market cap over price) tell them apart.
const SNAPSHOT_SHARES_TOLERANCE: f64 = 0.10;

/// Splits and other price adjustments of a ticker without XBRL split facts,
/// inferred from two kinds of record (see docs/fundamentals.md):
///
/// - **dated snapshots**: a snapshot's as-traded price over the adjusted close of
///   its date is the adjustment made after that date; between consecutive
///   snapshots (and the last one and the basis, where it is 1) the ratio steps by
///   each split (a split ratio) or other adjustment (any other step beyond noise);
/// - **annual share counts**: between consecutive annual rows, a count that grows
///   by a split ratio is a split in between, unless a snapshot window covering the
///   same months shows none.
pub fn inferred_adjustments(
    src: &dyn Records,
    ticker: &str,
    basis: NaiveDate,
) -> Result<(Vec<Split>, Vec<Adjustment>), StoreError> {
    let mut splits = Vec::new();
    let mut other = Vec::new();
    // Snapshot steps: (window start, date, as-traded over adjusted, implied shares).
    let mut points: Vec<(NaiveDate, NaiveDate, f64, Option<f64>, SourceRef)> = Vec::new();
    let caps = src.snapshot_market_caps(ticker)?;
    for read::Dated { date, value: price, source } in src.snapshot_prices(ticker)? {
        if date > basis || price <= 0.0 {
            continue;
        }
        let Some(adj) = src.close_on_or_before(ticker, date)?.and_then(|b| b.close) else { continue };
        let shares = caps.iter().find(|c| c.date == date).map(|c| c.value / price);
        if adj > 0.0 {
            points.push((date - chrono::Duration::days(SNAPSHOT_LAG_DAYS), date, price / adj, shares, source));
        }
    }
    let end = (basis, basis, 1.0, None, SourceRef { path: String::new(), accession: None, line: None });
    let covered_from = points.first().map(|p| p.0);
    for (i, p) in points.iter().enumerate() {
        let next = points.get(i + 1).unwrap_or(&end);
        let step = p.2 / next.2;
        if (step - 1.0).abs() <= SNAPSHOT_NOISE {
            continue;
        }
        // A split also shows in the share counts of every later snapshot (a
        // snapshot's market cap is now and then stale, so any later one will do);
        // after the last snapshot there is no count to compare, and the ratio must
        // be close to a split's.
        let later: Vec<f64> = points[i + 1..].iter().filter_map(|q| q.3).collect();
        let shares_moved = match (p.3, later.is_empty()) {
            (Some(a), false) => later.iter().any(|b| (b / a / step - 1.0).abs() <= SNAPSHOT_SHARES_TOLERANCE),
            _ => as_split(step, SHARES_SPLIT_TOLERANCE).is_some(),
        };
        let evidence = format!(
            "snapshot price over adjusted close: {:.3} on {}, {:.3} on {}",
            p.2,
            p.1,
            next.2,
            if next.1 == basis { format!("{basis} (the basis)") } else { next.1.to_string() }
        );
        match as_split(step, SNAPSHOT_SPLIT_TOLERANCE).filter(|_| shares_moved) {
            Some(ratio) => splits.push(Split { after: p.0, effective: next.1, ratio, evidence, source: p.4.clone() }),
            None => other.push(Adjustment { after: p.0, by: next.1, factor: step, evidence, source: p.4.clone() }),
        }
    }
    let far = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");
    let mut counts: Vec<_> = src
        .annual_values(ticker, far)?
        .iter()
        .filter(|r| r.item == "Estimated Shares Outstanding" && r.value > 0.0)
        .cloned()
        .collect();
    counts.sort_by_key(|r| r.period_end);
    // A snapshot window that holds an annual row's date is narrowed by that row: a
    // count grown by the split's ratio since the previous row is after the split,
    // one that is not is before it.
    for sp in &mut splits {
        for w in counts.windows(2) {
            let (prev, row) = (&w[0], &w[1]);
            if sp.after < row.period_end && row.period_end < sp.effective {
                let grew = (row.value / prev.value / sp.ratio - 1.0).abs() <= SHARES_SPLIT_TOLERANCE;
                if grew {
                    sp.effective = row.period_end;
                    sp.after = sp.after.max(prev.period_end);
                } else {
                    sp.after = row.period_end;
                }
                sp.evidence.push_str(&format!(
                    "; annual share count {:.0} at {} to {:.0} at {} (×{:.3})",
                    prev.value,
                    prev.period_end,
                    row.value,
                    row.period_end,
                    row.value / prev.value
                ));
            }
        }
    }
    // Annual share-count jumps, where no snapshot covers the months.
    for (i, w) in counts.windows(2).enumerate() {
        let (a, b) = (&w[0], &w[1]);
        // Two-for-one or more: a 3:2 ratio is as often a merger's share issue.
        let Some(ratio) = as_split(b.value / a.value, SHARES_SPLIT_TOLERANCE).filter(|r| *r >= 2.0) else { continue };
        // A split lasts; a count that falls back in the next row was noise in one
        // (the table's count is net income over EPS).
        if counts.get(i + 2).is_some_and(|c| (c.value / b.value - 1.0).abs() > 0.25) {
            continue;
        }
        // Months the snapshots cover would have shown the split: a window wholly
        // inside them with no split there is not a split (a merger, a rounding), and
        // a window reaching into them is narrowed to the months before.
        if covered_from.is_some_and(|c| a.period_end >= c)
            || splits.iter().any(|s| s.after < b.period_end && a.period_end < s.effective)
        {
            continue;
        }
        let effective = covered_from.map_or(b.period_end, |c| b.period_end.min(c));
        splits.push(Split {
            after: a.period_end,
            effective,
            ratio,
            evidence: format!(
                "annual share count {:.0} at {} to {:.0} at {} (×{:.3})",
                a.value,
                a.period_end,
                b.value,
                b.period_end,
                b.value / a.value
            ),
            source: b.source.clone(),
        });
    }
    splits.sort_by_key(|s| s.effective);
    Ok((splits, other))
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
    /// The estimated ex-date.
    pub ex_date: NaiveDate,
    /// Cash per share, on the price file's share basis.
    pub per_share: f64,
    /// The fact it was read from.
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
    /// The price file's layout, which says how it was adjusted.
    pub layout: String,
    /// The day its adjusted prices are stated as of.
    pub basis: NaiveDate,
    /// The splits the market cap uses, oldest first.
    pub splits: Vec<Split>,
    /// Adjustments of the price file that are not splits (inferred; see
    /// [`inferred_adjustments`]).
    pub adjustments: Vec<Adjustment>,
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
        let mut splits = match cik {
            Some(c) => src.splits(c)?,
            None => Vec::new(),
        };
        // Without split facts in XBRL, the splits come from the records that show
        // them; a filer with XBRL facts reports its splits there.
        let mut adjustments = Vec::new();
        let has_xbrl = match cik {
            Some(c) => !src.facts_known(c, "EntityCommonStockSharesOutstanding", basis)?.is_empty(),
            None => false,
        };
        if splits.is_empty() && !has_xbrl {
            (splits, adjustments) = inferred_adjustments(src, ticker, basis)?;
        }
        // Where a price source states the splits, its word decides.
        let splits = crate::actions::with_stated(splits, &src.stated_actions(ticker)?);
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
        Ok(Some(PriceBasis { layout, basis, splits, adjustments, dividends: factors }))
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
        let splits = split_factor_checked(&self.splits, share_basis_date(shares), self.basis)?;
        Ok(close / div_factor * self.adjustment_factor(close_date)? * shares.value * splits)
    }

    /// The product of the non-split adjustments made after `date`, or why it cannot
    /// be known (`date` falls in the window of one).
    pub fn adjustment_factor(&self, date: NaiveDate) -> Result<f64, String> {
        let mut f = 1.0;
        for a in &self.adjustments {
            if date <= a.after {
                f *= a.factor;
            } else if date < a.by {
                return Err(format!(
                    "the adjusted prices were rescaled by {:.3} (not a split: a spin-off or special dividend) between {} and {} ({}), and {date} falls between",
                    a.factor, a.after, a.by, a.evidence
                ));
            }
        }
        Ok(f)
    }

    /// Market cap on the bar's date from a share count reported as of its own date.
    pub fn market_cap(&self, bar: &Bar, as_of: NaiveDate, shares: &FieldValue) -> Result<FieldValue, String> {
        let Some(close) = bar.close else { return Err(format!("no close on {}", bar.date)) };
        let value = self.market_cap_value(close, bar.date, as_of, shares)?;
        let basis = self.basis;
        let counted = share_basis_date(shares);
        let factor = split_factor(&self.splits, counted, basis);
        let other = self.adjustment_factor(bar.date)?;
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
            .filter(|s| s.effective > counted && s.effective <= basis)
            .map(|s| Input {
                concept: format!("split ({})", s.evidence),
                value: s.ratio,
                start: Some(s.after),
                end: s.effective,
                filed: None,
                source: s.source.clone(),
            })
            .collect();
        price_basis.extend(self.adjustments.iter().filter(|a| bar.date <= a.after).map(|a| Input {
            concept: format!("price adjustment ({})", a.evidence),
            value: a.factor,
            start: Some(a.after),
            end: a.by,
            filed: None,
            source: a.source.clone(),
        }));
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
                "adjusted close on {} / dividend factor {div_factor:.4} ({n_divs} dividends){} x {} shares on the basis of {} x split factor {factor} (splits after the share count, up to the price basis {basis})",
                bar.date,
                if other == 1.0 { String::new() } else { format!(" x other adjustments {other:.3}") },
                shares.value,
                counted
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
    fn a_restated_count_is_on_its_filing_dates_basis() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let count = |concept: &str| FieldValue {
            value: 13_078_000_000.0,
            unit: "shares".into(),
            concept: concept.into(),
            period_start: None,
            period_end: d("2022-06-30"),
            filed: Some(d("2022-07-27")),
            known_from: d("2022-07-27"),
            method: String::new(),
            source: SourceRef { path: "t".into(), accession: None, line: None },
            inputs: Vec::new(),
            price_basis: Vec::new(),
        };
        let split = Split {
            after: d("2022-07-14"),
            effective: d("2022-07-15"),
            ratio: 20.0,
            evidence: String::new(),
            source: SourceRef { path: "t".into(), accession: None, line: None },
        };
        // A balance-sheet count filed after the split is already post-split.
        let bs = count("us-gaap:CommonStockSharesOutstanding");
        assert_eq!(split_factor(std::slice::from_ref(&split), share_basis_date(&bs), d("2023-01-01")), 1.0);
        // A cover-page count is as of its own date.
        let cover = count("dei:EntityCommonStockSharesOutstanding");
        assert_eq!(split_factor(&[split], share_basis_date(&cover), d("2023-01-01")), 20.0);
    }

    #[test]
    fn split_factor_counts_only_splits_between_count_and_basis() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let split = |day: &str, ratio: f64| Split {
            after: d(day).pred_opt().unwrap(),
            effective: d(day),
            ratio,
            evidence: String::new(),
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
