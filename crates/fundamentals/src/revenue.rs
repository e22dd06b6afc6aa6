//! Revenue: the company's total, for every kind of filer.
//!
//! - **Most filers**: the largest of the revenue concepts that is a total, over a
//!   fresh period ([`REVENUE_CONCEPTS`], chosen by [`crate::flows`] as [`TOTAL`]): ASC 606 revenue, `Revenues`, the older `SalesRevenueNet`,
//!   lease income for a REIT whose rent is all its revenue, and the IFRS
//!   `ifrs-full:Revenue` for foreign private issuers that file in USD.
//! - **Banks** report no revenue line. Analysts use *net revenue*: net interest
//!   income plus noninterest income, which is what `RevenuesNetOfInterestExpense`
//!   states when a bank tags it. A filer that tags `NoninterestIncome` and net
//!   interest income (`InterestIncomeExpenseNet`, or interest and dividend income
//!   less interest expense) is read as a bank; its revenue is that sum over the same
//!   twelve months, with both lines as inputs. Gross interest income is not
//!   revenue in this sense: it would rank a bank's size by its funding costs.
//! - **Insurers** tag `Revenues` as premiums plus investment income plus fees;
//!   `PremiumsEarnedNet` is a component of it and is never chosen over it.

use alphadesk_model::NaiveDate;
use alphadesk_store::StoreError;

use crate::flows::{flow_ttm, Choice};
use crate::{FieldValue, Records};

/// Revenue concepts of non-bank filers, in order of preference (which only breaks
/// ties between groups that agree; see [`crate::flows`]).
pub const REVENUE_CONCEPTS: &[&str] = &[
    "RevenueFromContractWithCustomerExcludingAssessedTax",
    "Revenues",
    "SalesRevenueNet",
    "RevenueFromContractWithCustomerIncludingAssessedTax",
    "SalesRevenueGoodsNet",
    "SalesRevenueServicesNet",
    "RevenuesNetOfInterestExpense",
    "OperatingLeaseLeaseIncome",
    "OperatingLeasesIncomeStatementLeaseRevenue",
    "RealEstateRevenueNet",
    // ifrs-full, for filers that use no us-gaap revenue concept.
    "Revenue",
    "RevenueFromContractsWithCustomers",
];

/// Net interest income, direct.
const NET_INTEREST: &[&str] = &["InterestIncomeExpenseNet"];
const INTEREST_INCOME: &[&str] = &["InterestAndDividendIncomeOperating"];
const INTEREST_EXPENSE: &[&str] = &["InterestExpense"];
const NONINTEREST_INCOME: &[&str] = &["NoninterestIncome"];
const BANK_NET_REVENUE: &[&str] = &["RevenuesNetOfInterestExpense"];

/// Every concept revenue may be read from.
pub fn concepts() -> Vec<&'static str> {
    REVENUE_CONCEPTS
        .iter()
        .chain(NET_INTEREST)
        .chain(INTEREST_INCOME)
        .chain(INTEREST_EXPENSE)
        .chain(NONINTEREST_INCOME)
        .copied()
        .collect()
}

fn same_period(a: &FieldValue, b: &FieldValue) -> bool {
    a.period_start == b.period_start && a.period_end == b.period_end
}

/// `a + b` (or `a - b` with `sign` -1) over the same twelve months.
fn combine(a: FieldValue, b: FieldValue, sign: f64, method: &str) -> FieldValue {
    let mut v = a.clone();
    v.value = a.value + sign * b.value;
    v.concept = format!("{} {} {}", a.concept, if sign > 0.0 { "+" } else { "-" }, b.concept);
    v.method = method.into();
    if b.known_from > a.known_from {
        v.known_from = b.known_from;
        v.filed = b.filed;
        v.source = b.source.clone();
    }
    v.inputs.extend(b.inputs);
    v
}

/// A bank's net revenue, when the filer reports like a bank: `Ok(None)` when it
/// does not.
fn bank_net_revenue(
    src: &dyn Records,
    cik: i64,
    as_of: NaiveDate,
) -> Result<Option<Result<FieldValue, String>>, StoreError> {
    let Ok(nonii) = flow_ttm(src, cik, NONINTEREST_INCOME, Choice::Preference, as_of)? else { return Ok(None) };
    let nii = match flow_ttm(src, cik, NET_INTEREST, Choice::Preference, as_of)? {
        Ok(v) => Some(v),
        Err(_) => match (
            flow_ttm(src, cik, INTEREST_INCOME, Choice::Preference, as_of)?,
            flow_ttm(src, cik, INTEREST_EXPENSE, Choice::Preference, as_of)?,
        ) {
            (Ok(i), Ok(e)) if same_period(&i, &e) => {
                Some(combine(i, e, -1.0, "interest and dividend income less interest expense"))
            }
            _ => None,
        },
    };
    let Some(nii) = nii else { return Ok(None) };
    let direct = flow_ttm(src, cik, BANK_NET_REVENUE, Choice::Preference, as_of)?.ok();
    if let Some(d) = direct.filter(|d| d.period_end >= nii.period_end.min(nonii.period_end)) {
        return Ok(Some(Ok(FieldValue { method: format!("bank net revenue as tagged ({})", d.method), ..d })));
    }
    if !same_period(&nii, &nonii) {
        return Ok(Some(Err(format!(
            "bank net revenue needs net interest income and noninterest income over the same twelve months; they end {} and {}",
            nii.period_end, nonii.period_end
        ))));
    }
    let method = format!("bank net revenue: net interest income + noninterest income ({})", nii.method);
    Ok(Some(Ok(combine(nii, nonii, 1.0, &method))))
}

/// The filer's trailing-twelve-month revenue, or why there is none (`Ok(Err)`; an
/// empty reason when it tags no revenue concept at all).
pub fn revenue_ttm(src: &dyn Records, cik: i64, as_of: NaiveDate) -> Result<Result<FieldValue, String>, StoreError> {
    if let Some(bank) = bank_net_revenue(src, cik, as_of)? {
        return Ok(bank);
    }
    flow_ttm(src, cik, REVENUE_CONCEPTS, TOTAL, as_of)
}

/// How revenue chooses among its groups: `Revenues` (and IFRS `Revenue`) are the
/// taxonomies' declared totals.
pub const TOTAL: Choice = Choice::Total(&["Revenues", "Revenue"]);
