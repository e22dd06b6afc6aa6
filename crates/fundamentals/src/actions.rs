//! Splits from three witnesses, and which one the market cap believes.
//!
//! A market cap multiplies a share count by a close, and the two are on one
//! basis only if every split between their dates is known. alphadesk has up to
//! three witnesses of a ticker's splits:
//!
//! - **the price source** (`sync prices` from Tiingo): each row states its
//!   `splitFactor`, so an answer vouches for every day it covers — a day
//!   inside it with no split stated had none;
//! - **XBRL** (`StockholdersEquityNoteStockSplitConversionRatio1`): a filer's
//!   own statement, dated by the period the fact is reported for (often the
//!   approval or record date, a few days before the stock trades split);
//! - **inference** from the dated snapshots and the annual share counts
//!   ([`crate::marketcap::inferred_adjustments`]), a window of months.
//!
//! The source's word decides where it speaks ([`with_stated`]): it is dated to
//! the day and made from the prices themselves. [`check`] lays the three side
//! by side, so that a disagreement is shown with both values rather than
//! settled silently.

use alphadesk_model::NaiveDate;
use alphadesk_store::read::{SourceRef, Split, StatedActions};
use alphadesk_store::StoreError;
use serde::Serialize;

use crate::marketcap::{inferred_adjustments, ratio_words, PriceBasis};
use crate::Records;

/// Two reports of one split may differ by this many days (a record date and
/// the first split-adjusted session; a snapshot a week old).
pub const SAME_EVENT_DAYS: i64 = 10;

/// Two split ratios agree within this share (a stock dividend of 2.002 is a
/// 2-for-1 split).
const SAME_RATIO: f64 = 0.01;

/// The splits a market cap uses: the known ones (XBRL's or inferred), except
/// where a price source speaks — its stated splits replace any known split
/// they overlap, and a known split in days the source covers with no split
/// stated is dropped (the source saw those days' prices and no split in them).
pub fn with_stated(known: Vec<Split>, stated: &StatedActions) -> Vec<Split> {
    let said = stated.splits();
    if said.is_empty() && stated.spans.is_empty() {
        return known;
    }
    let mut out: Vec<Split> = known.into_iter().filter(|k| !spoken_for(k, stated, &said)).collect();
    out.extend(said);
    out.sort_by_key(|s| s.effective);
    out
}

fn spoken_for(k: &Split, stated: &StatedActions, said: &[Split]) -> bool {
    said.iter().any(|s| same_event(k, s)) || stated.covers(k.after.succ_opt().unwrap_or(k.after), k.effective)
}

/// Whether two splits' windows, widened by [`SAME_EVENT_DAYS`], overlap.
fn same_event(a: &Split, b: &Split) -> bool {
    let slack = chrono::Duration::days(SAME_EVENT_DAYS);
    a.after - slack < b.effective && b.after - slack < a.effective
}

/// Who reports a split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Witness {
    /// The price source's rows (`splitFactor`).
    Source,
    /// The filer's XBRL split-ratio facts.
    Xbrl,
    /// Inferred from dated snapshots and annual share counts.
    Inferred,
}

impl Witness {
    /// The witness as a reader names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Witness::Source => "price source",
            Witness::Xbrl => "XBRL",
            Witness::Inferred => "inferred",
        }
    }
}

/// What one witness says of one split.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "says")]
pub enum Testimony {
    /// It reports the split: new shares per old, in the window (after, effective].
    Split {
        /// New shares per old.
        ratio: f64,
        /// The last day before it, as this witness places it.
        after: NaiveDate,
        /// The day it took effect, as this witness places it.
        effective: NaiveDate,
        /// What the witness read, in words.
        evidence: String,
        /// Where.
        source: SourceRef,
    },
    /// Its records cover the window and show no split there.
    NoSplit,
    /// Its records do not reach the window: it says nothing.
    Silent,
}

/// One split as the witnesses report it, and what the market cap uses.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SplitCheck {
    /// The ticker.
    pub ticker: String,
    /// The window every report of it falls in: after this day …
    pub after: NaiveDate,
    /// … and on or before this one.
    pub effective: NaiveDate,
    /// What the price source states.
    pub source: Testimony,
    /// What the filer's XBRL split-ratio facts say.
    pub xbrl: Testimony,
    /// What the snapshots and annual share counts imply.
    pub inferred: Testimony,
    /// Why the witnesses disagree; empty when every witness that covers the
    /// days reports the same ratio.
    pub disagreements: Vec<String>,
    /// The split the market cap uses; `None` when it uses none (a witness it
    /// believes covers the days and shows none).
    pub used: Option<Used>,
}

/// The split a market cap uses and whose report it is.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct Used {
    /// New shares per old.
    pub ratio: f64,
    /// Whose report it is.
    pub witness: Witness,
}

/// Every split any witness reports for `ticker`, side by side (oldest first).
pub fn check(src: &dyn Records, ticker: &str, cik: Option<i64>) -> Result<Vec<SplitCheck>, StoreError> {
    let Some((_, basis_date)) = src.price_basis(ticker)? else { return Ok(Vec::new()) };
    let stated = src.stated_actions(ticker)?;
    let xbrl = match cik {
        Some(c) => src.splits(c)?,
        None => Vec::new(),
    };
    let (inferred, _) = inferred_adjustments(src, ticker, basis_date)?;
    let mut reports: Vec<(Witness, Split)> = Vec::new();
    reports.extend(stated.splits().into_iter().map(|s| (Witness::Source, s)));
    reports.extend(xbrl.iter().cloned().map(|s| (Witness::Xbrl, s)));
    reports.extend(inferred.iter().cloned().map(|s| (Witness::Inferred, s)));
    // One event per group of overlapping windows.
    let mut events: Vec<Vec<(Witness, Split)>> = Vec::new();
    for r in reports {
        match events.iter_mut().find(|e| e.iter().any(|(_, s)| same_event(s, &r.1))) {
            Some(e) => e.push(r),
            None => events.push(vec![r]),
        }
    }
    let xbrl_span = match cik {
        Some(c) => fact_span(src, c, basis_date)?,
        None => None,
    };
    let inferred_span = record_span(src, ticker, basis_date)?;
    let used = PriceBasis::load(src, ticker, cik)?.map(|b| b.splits).unwrap_or_default();
    let mut out = Vec::with_capacity(events.len());
    // A split after the prices' last day does not touch them (XBRL reports
    // splits years after the shared files end).
    events.retain(|e| e.iter().any(|(_, s)| s.after < basis_date));
    for e in events {
        let after = e.iter().map(|(_, s)| s.after).min().unwrap_or(basis_date);
        let effective = e.iter().map(|(_, s)| s.effective).max().unwrap_or(basis_date);
        let covered = |w: Witness| match w {
            Witness::Source => stated.covers(after.succ_opt().unwrap_or(after), effective),
            Witness::Xbrl => xbrl_span.is_some_and(|(a, b)| a <= after && b >= effective),
            Witness::Inferred => inferred_span.is_some_and(|(a, b)| a <= after && b >= effective),
        };
        let testimony = |w: Witness| match e.iter().find(|(who, _)| *who == w) {
            Some((_, s)) => Testimony::Split {
                ratio: s.ratio,
                after: s.after,
                effective: s.effective,
                evidence: s.evidence.clone(),
                source: s.source.clone(),
            },
            None if covered(w) => Testimony::NoSplit,
            None => Testimony::Silent,
        };
        let [source, xbrl, inferred] = [Witness::Source, Witness::Xbrl, Witness::Inferred].map(testimony);
        let mut disagreements = Vec::new();
        let said: Vec<(Witness, &Split)> = e.iter().map(|(w, s)| (*w, s)).collect();
        if let Some((w0, s0)) = said.first() {
            for (w, s) in &said[1..] {
                if (s.ratio / s0.ratio - 1.0).abs() > SAME_RATIO {
                    disagreements.push(format!(
                        "{} reports {} for 1 where {} reports {} for 1",
                        w.as_str(),
                        ratio_words(s.ratio),
                        w0.as_str(),
                        ratio_words(s0.ratio)
                    ));
                } else if !(s.after < s0.effective && s0.after < s.effective) {
                    disagreements.push(format!(
                        "{} dates it {} where {} dates it {}",
                        w.as_str(),
                        window_text(s),
                        w0.as_str(),
                        window_text(s0)
                    ));
                }
            }
        }
        for (w, t) in [(Witness::Source, &source), (Witness::Xbrl, &xbrl), (Witness::Inferred, &inferred)] {
            if matches!(t, Testimony::NoSplit) {
                let records = match w {
                    Witness::Source => "the price source's answers".to_string(),
                    Witness::Xbrl => span_text("the filer's cover-page share counts", xbrl_span),
                    Witness::Inferred => span_text("the snapshots and annual share counts", inferred_span),
                };
                disagreements
                    .push(format!("{} reports no split: {records} cover these days and show none", w.as_str()));
            }
        }
        let probe = Split {
            after,
            effective,
            ratio: 1.0,
            evidence: String::new(),
            source: SourceRef { path: String::new(), accession: None, line: None },
        };
        // The used split is one of the witnesses' own (with_stated keeps or
        // replaces, never makes one up): whose is read off its evidence.
        let used = used.iter().find(|u| same_event(u, &probe)).and_then(|u| {
            e.iter()
                .find(|(_, s)| s.evidence == u.evidence && s.ratio == u.ratio)
                .map(|(w, _)| Used { ratio: u.ratio, witness: *w })
        });
        out.push(SplitCheck {
            ticker: ticker.to_string(),
            after,
            effective,
            source,
            xbrl,
            inferred,
            disagreements,
            used,
        });
    }
    out.sort_by_key(|c| c.effective);
    Ok(out)
}

/// The days a filer's cover-page share counts span: what its XBRL could have
/// reported a split in.
fn fact_span(src: &dyn Records, cik: i64, by: NaiveDate) -> Result<Option<(NaiveDate, NaiveDate)>, StoreError> {
    let far = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");
    let facts = src.facts_known(cik, "EntityCommonStockSharesOutstanding", far)?;
    let ends = facts.iter().map(|f| f.end).filter(|d| *d <= by);
    Ok(ends.clone().min().zip(ends.max()))
}

/// The days the records a split is inferred from span: the snapshots and the
/// annual share counts, up to the price file's basis.
fn record_span(
    src: &dyn Records,
    ticker: &str,
    basis: NaiveDate,
) -> Result<Option<(NaiveDate, NaiveDate)>, StoreError> {
    let far = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");
    let mut dates: Vec<NaiveDate> = src.snapshot_prices(ticker)?.iter().map(|d| d.date).collect();
    dates.extend(
        src.annual_values(ticker, far)?
            .iter()
            .filter(|r| r.item == "Estimated Shares Outstanding" && r.value > 0.0)
            .map(|r| r.period_end),
    );
    let first = dates.iter().copied().filter(|d| *d <= basis).min();
    Ok(first.map(|f| (f, basis)))
}

fn span_text(what: &str, span: Option<(NaiveDate, NaiveDate)>) -> String {
    match span {
        Some((a, b)) => format!("{what} ({a} to {b})"),
        None => what.to_string(),
    }
}

/// A split ratio as a table shows it: new shares to old (7:1, 5:4; 1:4 for
/// a reverse split).
pub fn ratio_label(r: f64) -> String {
    let whole = |x: f64| (x - x.round()).abs() < 1e-6;
    if whole(r) {
        format!("{}:1", r.round())
    } else if whole(1.0 / r) {
        format!("1:{}", (1.0 / r).round())
    } else if whole(r * 4.0) {
        format!("{}:4", (r * 4.0).round())
    } else {
        format!("{r:.3}:1")
    }
}

fn window_text(s: &Split) -> String {
    if s.after.succ_opt() == Some(s.effective) {
        s.effective.to_string()
    } else {
        format!("after {} and by {}", s.after, s.effective)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alphadesk_model::ActionKind;
    use alphadesk_store::read::StatedAction;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn split(after: &str, effective: &str, ratio: f64, evidence: &str) -> Split {
        Split {
            after: day(after),
            effective: day(effective),
            ratio,
            evidence: evidence.into(),
            source: SourceRef { path: "x".into(), accession: None, line: None },
        }
    }

    fn stated(splits: &[(&str, f64)], spans: &[(&str, &str)]) -> StatedActions {
        StatedActions {
            actions: splits
                .iter()
                .map(|(d, r)| StatedAction {
                    date: day(d),
                    kind: ActionKind::Split,
                    value: *r,
                    source: SourceRef { path: "tiingo".into(), accession: None, line: Some(1) },
                })
                .collect(),
            spans: spans.iter().map(|(a, b)| (day(a), day(b))).collect(),
        }
    }

    #[test]
    fn ratios_read_as_a_table_writes_them() {
        let labels: Vec<String> = [7.0, 0.25, 1.25, 0.222222, 2.002].iter().map(|r| ratio_label(*r)).collect();
        assert_eq!(labels, ["7:1", "1:4", "5:4", "0.222:1", "2.002:1"].map(String::from));
    }

    #[test]
    fn the_source_decides_where_it_speaks_and_nowhere_else() {
        let known = vec![
            split("2014-06-05", "2014-06-06", 7.0, "xbrl 2014"),
            split("2016-01-01", "2016-12-31", 2.0, "inferred 2016"),
            split("2011-03-01", "2011-03-02", 3.0, "xbrl 2011"),
        ];
        // The source covers 2013..2018, states the 2014 split on its trading
        // day with another ratio, and no split in 2016; 2011 is before it.
        let s = stated(&[("2014-06-09", 7.5)], &[("2013-01-02", "2015-12-31"), ("2016-01-04", "2018-05-18")]);
        let used = with_stated(known, &s);
        let got: Vec<(NaiveDate, f64)> = used.iter().map(|u| (u.effective, u.ratio)).collect();
        assert_eq!(got, [(day("2011-03-02"), 3.0), (day("2014-06-09"), 7.5)]);
        // Spans with a gap do not cover the gap.
        let gap = stated(&[], &[("2013-01-02", "2015-06-30"), ("2016-01-04", "2018-05-18")]);
        assert!(!gap.covers(day("2015-08-01"), day("2015-08-02")));
        assert!(gap.covers(day("2016-02-01"), day("2016-03-01")));
        // A source that states nothing leaves the known splits alone.
        let known = vec![split("2016-01-01", "2016-12-31", 2.0, "inferred")];
        assert_eq!(with_stated(known.clone(), &StatedActions::default()), known);
    }
}
