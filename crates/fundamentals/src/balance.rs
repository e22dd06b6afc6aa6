//! Balance-sheet fields from one balance sheet: the filer's latest.
//!
//! Each instant concept has its own latest date, and those dates drift apart: a
//! filer stops tagging `Liabilities`, repays its long-term notes, or tagged a line
//! once in a merger's pro-forma balance sheet years ago. Taking each concept's own
//! latest value mixes balance sheets of different years (an E&P company's 2025
//! liabilities from a 2018 SPAC balance sheet). So every balance-sheet field is
//! read at one date, the filer's **latest balance sheet** known by the as-of date:
//! the most recent instant of its anchor concepts ([`ANCHORS`]). A field with no
//! value on that date takes its documented fallback from the same date, else it is
//! missing and the reason names the date and the stale value it would have used.
//!
//! Total debt is a sum over a documented concept set ([`DEBT_LONG_TERM`],
//! [`DEBT_PARTS`], [`DEBT_SHORT_TERM`]) read at that date. A pair (noncurrent plus
//! current portion) is never added up by half: a current portion alone, where the
//! previous balance sheet had a noncurrent part under a concept this one lacks, is
//! missing with the reason rather than a debt of nearly nothing.

use alphadesk_model::NaiveDate;
use alphadesk_store::read::{SourceRef, StoredFact};
use alphadesk_store::StoreError;

use crate::ttm::latest_per_period;
use crate::{FieldValue, Input, Records};

/// Concepts that every full balance sheet carries; the latest instant of any of
/// them is the filer's latest balance sheet.
pub const ANCHORS: &[&str] = &[
    "Assets",
    "LiabilitiesAndStockholdersEquity",
    "StockholdersEquity",
    "StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest",
];

/// Debt that already includes its current portion.
pub const DEBT_LONG_TERM: &[&str] = &["LongTermDebt", "DebtLongtermAndShorttermCombinedAmount", "NotesPayable"];

/// Secured and unsecured debt, each whole (current portion included): REITs tag
/// their mortgages and their notes this way. Both halves add up when both are
/// reported; either alone is the total when the filer has no debt of the other
/// kind on that sheet and none on the sheet before (else: half a pair).
pub const DEBT_SECURED_UNSECURED: (&str, &str) = ("SecuredDebt", "UnsecuredDebt");

/// Noncurrent and current halves of long-term debt: within a half, the first
/// concept reported wins; the halves add up.
pub const DEBT_PARTS: (&[&str], &[&str]) = (
    &[
        "LongTermDebtNoncurrent",
        "LongTermDebtAndCapitalLeaseObligations",
        "LongTermNotesPayable",
        "ConvertibleNotesPayable",
        "ConvertibleDebtNoncurrent",
        "SeniorLongTermNotes",
        "LongTermLineOfCredit",
    ],
    &[
        "LongTermDebtCurrent",
        "LongTermDebtAndCapitalLeaseObligationsCurrent",
        "DebtCurrent",
        "NotesPayableCurrent",
        "ConvertibleNotesPayableCurrent",
    ],
);

/// Short-term borrowings (added unless a combined concept already holds them).
pub const DEBT_SHORT_TERM: &[&str] = &["ShortTermBorrowings", "CommercialPaper", "LineOfCredit"];

/// The filer's latest balance sheet known by `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceSheet {
    /// Its date (the period end).
    pub date: NaiveDate,
    /// The filing that reported it most recently.
    pub accession: String,
    /// When that filing was filed.
    pub filed: NaiveDate,
}

/// The one instant of `concept` in `unit` that `pick` chooses among its latest
/// filing per date, owned (the facts are borrowed from `src` or from a query's
/// rows only while it picks).
fn instant_picked(
    src: &dyn Records,
    cik: i64,
    concept: &str,
    as_of: NaiveDate,
    unit: &str,
    pick: impl FnOnce(Vec<&StoredFact>) -> Option<&StoredFact>,
) -> Result<Option<StoredFact>, StoreError> {
    let known = src.facts_known(cik, concept, as_of)?;
    Ok(pick(latest_per_period(&known, false, unit)).cloned())
}

/// The latest balance sheet, from the anchor concepts.
pub fn latest_balance_sheet(src: &dyn Records, cik: i64, as_of: NaiveDate) -> Result<Option<BalanceSheet>, StoreError> {
    let mut best: Option<StoredFact> = None;
    for c in ANCHORS {
        let later = |b: &StoredFact, f: &StoredFact| (f.end, f.filed) > (b.end, b.filed);
        // The first of the concept's latest instants no later one beats, as the
        // scan over all of them kept it.
        let mine = instant_picked(src, cik, c, as_of, "USD", |fs| {
            fs.into_iter().fold(None, |b: Option<&StoredFact>, f| match b {
                Some(b) if !later(b, f) => Some(b),
                _ => Some(f),
            })
        })?;
        if let Some(f) = mine.filter(|f| best.as_ref().is_none_or(|b| later(b, f))) {
            best = Some(f);
        }
    }
    Ok(best.map(|f| BalanceSheet { date: f.end, accession: f.accn, filed: f.filed }))
}

pub(crate) fn field_of(f: &StoredFact, method: &str) -> FieldValue {
    FieldValue {
        value: f.value,
        unit: f.unit.clone(),
        concept: format!("{}:{}", f.taxonomy, f.concept),
        period_start: None,
        period_end: f.end,
        filed: Some(f.filed),
        known_from: f.filed,
        method: method.into(),
        source: SourceRef { path: f.source_path.clone(), accession: Some(f.accn.clone()), line: None },
        inputs: vec![Input::from_fact(f)],
        price_basis: Vec::new(),
    }
}

/// The first of `concepts` reported at the balance sheet's date, in `unit`.
pub fn at_sheet(
    src: &dyn Records,
    cik: i64,
    concepts: &[&str],
    sheet: &BalanceSheet,
    as_of: NaiveDate,
    unit: &str,
) -> Result<Option<FieldValue>, StoreError> {
    for c in concepts {
        // The latest filing of the sheet's date is the last one in filing order:
        // no need to resolve every other date's restatements.
        let known = src.facts_known(cik, c, as_of)?;
        if let Some(f) = known.iter().rev().find(|f| f.start.is_none() && f.unit == unit && f.end == sheet.date) {
            return Ok(Some(field_of(f, "instant on the latest balance sheet")));
        }
    }
    Ok(None)
}

/// Why a field has no value on the latest balance sheet: the stale value it would
/// otherwise have taken, if any.
pub fn stale_reason(
    src: &dyn Records,
    cik: i64,
    concepts: &[&str],
    sheet: &BalanceSheet,
    as_of: NaiveDate,
    unit: &str,
) -> Result<String, StoreError> {
    let mut last: Option<StoredFact> = None;
    for c in concepts {
        let older = |l: Option<&StoredFact>, f: &StoredFact| f.end < sheet.date && l.is_none_or(|l| f.end > l.end);
        let mine = instant_picked(src, cik, c, as_of, unit, |fs| {
            fs.into_iter().fold(None, |l, f| if older(l, f) { Some(f) } else { l })
        })?;
        if let Some(f) = mine.filter(|f| older(last.as_ref(), f)) {
            last = Some(f);
        }
    }
    // A zero on an older sheet is no value the field has lost since.
    Ok(match last.filter(|l| l.value != 0.0) {
        Some(l) => format!(
            "the latest balance sheet ({}, accession {}) has no {}; the last one, {} at {}, belongs to an older balance sheet",
            sheet.date,
            sheet.accession,
            concepts.join(" or "),
            l.value,
            l.end
        ),
        None => format!(
            "the latest balance sheet ({}, accession {}) has no {}",
            sheet.date,
            sheet.accession,
            concepts.join(" or ")
        ),
    })
}

/// Sum of parts reported at one date, as one field.
pub(crate) fn sum_of(parts: Vec<FieldValue>, method: &str) -> Option<FieldValue> {
    let latest = parts.iter().max_by_key(|p| p.known_from)?.clone();
    Some(FieldValue {
        value: parts.iter().map(|p| p.value).sum(),
        unit: latest.unit.clone(),
        concept: parts.iter().map(|p| p.concept.as_str()).collect::<Vec<_>>().join(" + "),
        period_start: None,
        period_end: latest.period_end,
        filed: latest.filed,
        known_from: latest.known_from,
        method: method.into(),
        source: latest.source.clone(),
        inputs: parts.iter().flat_map(|p| p.inputs.clone()).collect(),
        price_basis: Vec::new(),
    })
}

/// Total liabilities where `Liabilities` is not on the latest balance sheet:
/// liabilities and equity minus total equity (including non-controlling
/// interests), both on that sheet.
pub fn liabilities_by_difference(
    src: &dyn Records,
    cik: i64,
    sheet: &BalanceSheet,
    as_of: NaiveDate,
) -> Result<Option<FieldValue>, StoreError> {
    let le = at_sheet(src, cik, &["LiabilitiesAndStockholdersEquity"], sheet, as_of, "USD")?;
    let eq = at_sheet(
        src,
        cik,
        &["StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest", "StockholdersEquity"],
        sheet,
        as_of,
        "USD",
    )?;
    Ok(match (le, eq) {
        (Some(le), Some(eq)) => {
            let mut v = le.clone();
            v.value = le.value - eq.value;
            v.concept = format!("{} - {}", le.concept, eq.concept);
            v.method = "difference of instants on the latest balance sheet".into();
            v.known_from = le.known_from.max(eq.known_from);
            v.inputs.extend(eq.inputs);
            Some(v)
        }
        _ => None,
    })
}

/// Total debt on the latest balance sheet, or why it cannot be stated.
pub fn total_debt(
    src: &dyn Records,
    cik: i64,
    sheet: &BalanceSheet,
    as_of: NaiveDate,
) -> Result<Result<FieldValue, String>, StoreError> {
    let short = at_sheet(src, cik, DEBT_SHORT_TERM, sheet, as_of, "USD")?;
    // Concepts that already hold short-term borrowings.
    let combined = |v: &FieldValue| {
        v.concept.ends_with(":DebtLongtermAndShorttermCombinedAmount") || v.concept.ends_with(":DebtCurrent")
    };
    if let Some(lt) = at_sheet(src, cik, DEBT_LONG_TERM, sheet, as_of, "USD")? {
        let short = if combined(&lt) { None } else { short };
        let mut parts = vec![lt];
        parts.extend(short);
        return Ok(Ok(sum_of(parts, "debt on the latest balance sheet").expect("one part")));
    }
    let (secured, unsecured) = DEBT_SECURED_UNSECURED;
    let halves =
        (at_sheet(src, cik, &[secured], sheet, as_of, "USD")?, at_sheet(src, cik, &[unsecured], sheet, as_of, "USD")?);
    if halves.0.is_some() || halves.1.is_some() {
        let missing_half = match &halves {
            (Some(_), None) => Some(unsecured),
            (None, Some(_)) => Some(secured),
            _ => None,
        };
        if let Some(other) = missing_half {
            let earlier = instant_picked(src, cik, other, as_of, "USD", |fs| {
                fs.into_iter().filter(|f| f.end < sheet.date && f.value > 0.0).max_by_key(|f| f.end)
            })?;
            if let Some(e) = earlier {
                return Ok(Err(format!(
                    "the latest balance sheet ({}) reports no {other}, while {} had {} of it; half of a pair is not the total",
                    sheet.date, e.end, e.value
                )));
            }
        }
        let mut parts: Vec<FieldValue> = [halves.0, halves.1, short].into_iter().flatten().collect();
        parts.sort_by(|a, b| a.concept.cmp(&b.concept));
        return Ok(Ok(sum_of(parts, "secured and unsecured debt on the latest balance sheet").expect("parts")));
    }
    let noncurrent = at_sheet(src, cik, DEBT_PARTS.0, sheet, as_of, "USD")?;
    let current = at_sheet(src, cik, DEBT_PARTS.1, sheet, as_of, "USD")?;
    // A current portion alone is half a pair when an earlier balance sheet carried a
    // noncurrent part: the filer may have moved it to a concept this list lacks.
    if let (None, Some(c)) = (&noncurrent, &current) {
        let earlier = DEBT_PARTS
            .0
            .iter()
            .chain(DEBT_LONG_TERM)
            .map(|k| {
                instant_picked(src, cik, k, as_of, "USD", |fs| {
                    fs.into_iter().filter(|f| f.end < sheet.date && f.value > 0.0).max_by_key(|f| f.end)
                })
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .max_by_key(|f| f.end);
        if let Some(e) = earlier {
            return Ok(Err(format!(
                "the latest balance sheet ({}) reports {} of {} but no noncurrent debt, while {} had {} of {}; half of a pair is not the total",
                sheet.date, c.value, c.concept, e.end, e.value, e.concept
            )));
        }
    }
    let short = if current.as_ref().is_some_and(combined) { None } else { short };
    let mut parts: Vec<FieldValue> = [noncurrent, current, short].into_iter().flatten().collect();
    if parts.is_empty() {
        return Ok(Err(stale_reason(
            src,
            cik,
            &DEBT_LONG_TERM.iter().chain(DEBT_PARTS.0).chain(DEBT_PARTS.1).copied().collect::<Vec<_>>(),
            sheet,
            as_of,
            "USD",
        )?));
    }
    parts.sort_by(|a, b| a.concept.cmp(&b.concept));
    Ok(Ok(sum_of(parts, "sum of debt instants on the latest balance sheet").expect("parts")))
}

/// Every concept this module reads.
pub fn concepts() -> Vec<&'static str> {
    ANCHORS
        .iter()
        .chain(DEBT_LONG_TERM)
        .chain(DEBT_PARTS.0)
        .chain(DEBT_PARTS.1)
        .chain(DEBT_SHORT_TERM)
        .chain([&DEBT_SECURED_UNSECURED.0, &DEBT_SECURED_UNSECURED.1])
        .copied()
        .collect()
}
