//! Trailing-twelve-month flows and latest balance-sheet instants from XBRL facts.
//!
//! A 10-Q reports a flow for the quarter *and* year to date; a 10-K reports the
//! fiscal year and, usually, not the fourth quarter on its own. So the TTM at a
//! period end E is, in order of preference:
//!
//! 1. the annual value ending at E (a 10-K period), else
//! 2. the sum of the four consecutive quarters ending at E, where a quarter is a
//!    reported 3-month value or, when only cumulative values exist, the difference of
//!    two cumulative values with the same start (Q4 = FY - 9M, Q2 = 6M - 3M, ...), else
//! 3. the fiscal year before E plus the year to date at E minus the same span a
//!    year earlier (FY + YTD - prior YTD): the form a 10-Q's comparatives always
//!    allow, for filers that report only cumulative figures after the first quarter
//!    and whose prior-year quarters cannot be rebuilt.
//!
//! Before any of that, restatements are resolved: for each (start, end) the value
//! from the latest filing on or before the as-of date wins. E is the most recent
//! period end for which a TTM can be built, so a filer that stopped reporting a
//! concept yields an older value with its true period, never a silent gap-fill.

use alphadesk_model::NaiveDate;
use alphadesk_store::read::{SourceRef, StoredFact};
use alphadesk_store::StoreError;

use crate::{FieldValue, Input, Records};

/// Durations, in days, that count as a quarter and as a fiscal year (52/53-week
/// years and calendar quarters both fit).
const QUARTER_DAYS: std::ops::RangeInclusive<i64> = 80..=100;
const YEAR_DAYS: std::ops::RangeInclusive<i64> = 350..=380;
/// Fiscal calendars on 52/53-week years do not line up to the day.
pub(crate) const DATE_SLACK_DAYS: i64 = 3;

fn days(f: &StoredFact) -> Option<i64> {
    f.start.map(|s| (f.end - s).num_days() + 1)
}

fn close(a: NaiveDate, b: NaiveDate) -> bool {
    (a - b).num_days().abs() <= DATE_SLACK_DAYS
}

/// Latest filing per (start, end) in one unit. Facts arrive ordered by filing date.
///
/// Borrowed: a filer's history is asked for at every step of its timeline, and
/// cloning every period each time made the cost of a step grow with the years stored.
pub(crate) fn latest_per_period<'a>(facts: &'a [StoredFact], want_duration: bool, unit: &str) -> Vec<&'a StoredFact> {
    let mut by: std::collections::BTreeMap<(Option<NaiveDate>, NaiveDate), &StoredFact> = Default::default();
    for f in facts {
        if f.unit != unit || f.start.is_some() != want_duration {
            continue;
        }
        by.insert((f.start, f.end), f);
    }
    by.into_values().collect()
}

struct Quarter<'a> {
    value: f64,
    start: NaiveDate,
    inputs: Vec<&'a StoredFact>,
}

fn quarter_ending<'a>(facts: &[&'a StoredFact], end: NaiveDate) -> Option<Quarter<'a>> {
    if let Some(&q) = facts.iter().find(|f| close(f.end, end) && days(f).is_some_and(|d| QUARTER_DAYS.contains(&d))) {
        return Some(Quarter { value: q.value, start: q.start?, inputs: vec![q] });
    }
    // Cumulative F minus the cumulative G that shares its start and ends one
    // quarter earlier.
    for &f in facts.iter().filter(|f| close(f.end, end) && days(f).is_some_and(|d| d > *QUARTER_DAYS.end())) {
        let (fs, fd) = (f.start?, days(f)?);
        if let Some(&g) = facts.iter().find(|g| {
            g.start == Some(fs) && g.end < f.end && days(g).is_some_and(|gd| QUARTER_DAYS.contains(&(fd - gd)))
        }) {
            return Some(Quarter { value: f.value - g.value, start: g.end.succ_opt()?, inputs: vec![f, g] });
        }
    }
    None
}

pub(crate) struct Ttm<'a> {
    value: f64,
    start: NaiveDate,
    end: NaiveDate,
    method: &'static str,
    inputs: Vec<&'a StoredFact>,
}

pub(crate) fn ttm_ending<'a>(facts: &[&'a StoredFact], end: NaiveDate) -> Option<Ttm<'a>> {
    if let Some(&a) = facts.iter().find(|f| f.end == end && days(f).is_some_and(|d| YEAR_DAYS.contains(&d))) {
        return Some(Ttm { value: a.value, start: a.start?, end, method: "annual", inputs: vec![a] });
    }
    four_quarters(facts, end).or_else(|| ytd_ttm(facts, end))
}

fn four_quarters<'a>(facts: &[&'a StoredFact], end: NaiveDate) -> Option<Ttm<'a>> {
    let mut total = 0.0;
    let mut inputs = Vec::new();
    let mut at = end;
    let mut start = end;
    for _ in 0..4 {
        let q = quarter_ending(facts, at)?;
        total += q.value;
        inputs.extend(q.inputs);
        start = q.start;
        at = q.start.pred_opt()?;
    }
    if !YEAR_DAYS.contains(&((end - start).num_days() + 1)) {
        return None;
    }
    Some(Ttm { value: total, start, end, method: "four quarters", inputs })
}

/// A year to date at one end and the same span a year earlier differ in length
/// by at most this (52/53-week years).
const SAME_SPAN_DAYS: i64 = 7;

/// FY + YTD - prior YTD at `end`: a cumulative value F ending at `end` that is
/// longer than a quarter and shorter than a year, the fiscal year that ends the
/// day before F starts, and the cumulative value G of that fiscal year with its
/// start and F's length.
fn ytd_ttm<'a>(facts: &[&'a StoredFact], end: NaiveDate) -> Option<Ttm<'a>> {
    let spans = |f: &StoredFact| days(f).is_some_and(|d| d > *QUARTER_DAYS.end() && d < *YEAR_DAYS.start());
    for &f in facts.iter().filter(|f| close(f.end, end) && spans(f)) {
        let (fs, fd) = (f.start?, days(f)?);
        let Some(&fy) = facts.iter().find(|y| {
            days(y).is_some_and(|d| YEAR_DAYS.contains(&d)) && fs.pred_opt().is_some_and(|p| close(y.end, p))
        }) else {
            continue;
        };
        let Some(&g) = facts.iter().find(|g| {
            g.start.is_some_and(|gs| close(gs, fy.start.unwrap_or(gs)))
                && days(g).is_some_and(|gd| (gd - fd).abs() <= SAME_SPAN_DAYS)
                && g.end < f.end
        }) else {
            continue;
        };
        let start = g.end.succ_opt()?;
        if !YEAR_DAYS.contains(&((end - start).num_days() + 1)) {
            continue;
        }
        return Some(Ttm {
            value: fy.value + f.value - g.value,
            start,
            end,
            method: "fiscal year + year to date - prior year to date",
            inputs: vec![fy, f, g],
        });
    }
    None
}

/// The field value of a TTM, named for the concept of its most recent input and
/// sourced to the filing that completed it.
pub(crate) fn finish_ttm(t: Ttm) -> FieldValue {
    let concept = *t.inputs.iter().max_by_key(|f| f.end).expect("a TTM has inputs");
    finish(t, concept)
}

fn finish(t: Ttm, concept: &StoredFact) -> FieldValue {
    let latest = t.inputs.iter().copied().max_by_key(|f| f.filed).unwrap_or(concept);
    FieldValue {
        value: t.value,
        unit: "USD".into(),
        concept: format!("{}:{}", concept.taxonomy, concept.concept),
        period_start: Some(t.start),
        period_end: t.end,
        filed: Some(latest.filed),
        known_from: latest.filed,
        method: t.method.into(),
        source: SourceRef { path: latest.source_path.clone(), accession: Some(latest.accn.clone()), line: None },
        inputs: t.inputs.iter().map(|f| Input::from_fact(f)).collect(),
        price_basis: Vec::new(),
    }
}

/// Latest instant value of one concept in `unit` filed by `as_of` (used where no
/// balance sheet is known to anchor the date).
pub fn instant_in(
    src: &dyn Records,
    cik: i64,
    concept: &str,
    as_of: NaiveDate,
    unit: &str,
) -> Result<Option<FieldValue>, StoreError> {
    let known = src.facts_known(cik, concept, as_of)?;
    let facts = latest_per_period(&known, false, unit);
    Ok(facts.into_iter().max_by_key(|f| f.end).map(|f| crate::balance::field_of(f, "instant")))
}

/// Gross profit for filers that tag revenue and cost of revenue but not
/// `GrossProfit`: the difference of the two TTM values over the same period.
pub fn gross_profit_by_difference(revenue: &FieldValue, cost: &FieldValue) -> Option<FieldValue> {
    if cost.period_end != revenue.period_end || cost.period_start != revenue.period_start {
        return None;
    }
    let mut v = revenue.clone();
    v.value = revenue.value - cost.value;
    v.concept = format!("{} - {}", revenue.concept, cost.concept);
    v.method = format!("{} difference", revenue.method);
    v.known_from = revenue.known_from.max(cost.known_from);
    v.filed = revenue.filed.max(cost.filed);
    v.inputs.extend(cost.inputs.iter().cloned());
    Some(v)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn fact(start: Option<&str>, end: &str, value: f64, filed: &str) -> StoredFact {
        fact_of("Revenues", start, end, value, filed)
    }

    pub(crate) fn fact_of(concept: &str, start: Option<&str>, end: &str, value: f64, filed: &str) -> StoredFact {
        StoredFact {
            taxonomy: "us-gaap".into(),
            concept: concept.into(),
            unit: "USD".into(),
            start: start.map(|s| s.parse().unwrap()),
            end: end.parse().unwrap(),
            value,
            accn: format!("acc-{filed}"),
            fy: None,
            fp: None,
            form: "10-Q".into(),
            filed: filed.parse().unwrap(),
            frame: None,
            source_path: "t".into(),
        }
    }

    #[test]
    fn q4_from_fy_minus_nine_months() {
        // Calendar year 2017: quarters of 10, 11, 12 reported; Q4 only as FY 50 - 9M 33.
        let facts = vec![
            fact(Some("2017-01-01"), "2017-03-31", 10.0, "2017-05-01"),
            fact(Some("2017-04-01"), "2017-06-30", 11.0, "2017-08-01"),
            fact(Some("2017-07-01"), "2017-09-30", 12.0, "2017-11-01"),
            fact(Some("2017-01-01"), "2017-09-30", 33.0, "2017-11-01"),
            fact(Some("2017-01-01"), "2017-12-31", 50.0, "2018-02-01"),
            fact(Some("2018-01-01"), "2018-03-31", 14.0, "2018-05-01"),
        ];
        let facts = latest_per_period(&facts, true, "USD");
        // At 2018-03-31: Q1'18 14 + Q4'17 (50-33=17) + Q3 12 + Q2 11 = 54.
        let t = ttm_ending(&facts, "2018-03-31".parse().unwrap()).unwrap();
        assert_eq!(t.value, 54.0);
        assert_eq!(t.method, "four quarters");
        assert_eq!(t.start.to_string(), "2017-04-01");
        let a = ttm_ending(&facts, "2017-12-31".parse().unwrap()).unwrap();
        assert_eq!((a.value, a.method), (50.0, "annual"));
    }

    #[test]
    fn restatement_takes_latest_filing() {
        let facts = vec![
            fact(Some("2017-01-01"), "2017-12-31", 50.0, "2018-02-01"),
            fact(Some("2017-01-01"), "2017-12-31", 48.0, "2019-02-01"),
        ];
        let f = latest_per_period(&facts, true, "USD");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].value, 48.0);
    }

    #[test]
    fn ytd_differences_make_quarters() {
        // Only cumulative values: 3M 10, 6M 21, 9M 33, FY 50, then 3M 14.
        let reported = [
            fact(Some("2017-01-01"), "2017-03-31", 10.0, "2017-05-01"),
            fact(Some("2017-01-01"), "2017-06-30", 21.0, "2017-08-01"),
            fact(Some("2017-01-01"), "2017-09-30", 33.0, "2017-11-01"),
            fact(Some("2017-01-01"), "2017-12-31", 50.0, "2018-02-01"),
            fact(Some("2018-01-01"), "2018-03-31", 14.0, "2018-05-01"),
        ];
        let facts = latest_per_period(&reported, true, "USD");
        let t = ttm_ending(&facts, "2018-03-31".parse().unwrap()).unwrap();
        assert_eq!(t.value, 14.0 + 17.0 + 12.0 + 11.0);
        assert!(ttm_ending(&facts, "2017-09-30".parse().unwrap()).is_none(), "no Q4 2016 data: no TTM");
    }

    /// A filer whose 10-Qs report the second to fourth quarters only as year to
    /// date, with no quarter of the year before to rebuild: FY + YTD - prior YTD.
    #[test]
    fn fiscal_year_plus_year_to_date_minus_prior_year_to_date() {
        let reported = [
            fact(Some("2016-01-01"), "2016-06-30", 2.0, "2017-08-01"),
            fact(Some("2016-01-01"), "2016-12-31", 5.7, "2017-02-20"),
            fact(Some("2017-01-01"), "2017-06-30", 96.1, "2017-08-01"),
        ];
        let facts = latest_per_period(&reported, true, "USD");
        let t = ttm_ending(&facts, "2017-06-30".parse().unwrap()).unwrap();
        assert_eq!(t.method, "fiscal year + year to date - prior year to date");
        assert!((t.value - 99.8).abs() < 1e-9, "{}", t.value);
        assert_eq!((t.start.to_string(), t.inputs.len()), ("2016-07-01".to_string(), 3));
        // Without the prior year to date the twelve months cannot be built.
        let short: Vec<&StoredFact> = facts[1..].to_vec();
        assert!(ttm_ending(&short, "2017-06-30".parse().unwrap()).is_none());
    }
}
