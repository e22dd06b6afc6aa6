//! Standardised point-in-time fundamentals.
//!
//! `alphadesk facts TICKER --as-of D` answers "what did the public record say about
//! this company's revenue, profits, balance sheet and size at the close of D?" with
//! one number per field, the concept it came from, its period, its filing date and
//! the records it was computed from. Two sources feed it:
//!
//! 1. **SEC XBRL facts** (companyfacts), known from their `filed` date. Flows are
//!    trailing twelve months ([`ttm`]); balance-sheet items are the latest instant.
//! 2. **Annual table rows** (the shared `fundamentals.csv`), which carry no filing
//!    date and are treated as known [`TABLE_LAG_DAYS`] days after their period end.
//!
//! XBRL wins where both exist, because it is dated by filing and quarterly.
//! Concept fallbacks and every method are in `docs/fundamentals.md`.

#![warn(missing_docs)]

pub mod actions;
pub mod audit;
pub mod balance;
pub mod flows;
pub mod marketcap;
pub mod revenue;
mod source;
pub mod ttm;

use std::collections::BTreeMap;

pub use alphadesk_model::Field;
use alphadesk_model::NaiveDate;
use alphadesk_store::read::{self, SourceRef, StoredFact};
use alphadesk_store::StoreError;
use serde::Serialize;

pub use source::{Records, StoreRecords};

/// Days after a fiscal period end before an annual table row (which has no filing
/// date) is treated as known. 90 days is the 10-K deadline for the slowest filer
/// category (non-accelerated), so no row is used before it could have been public.
pub const TABLE_LAG_DAYS: i64 = 90;

/// A value whose period ended more than this many months before the date is
/// stale and is not used: an annual filer's next figures are due at most three
/// months after its next fiscal year ends, so a value that old means at least
/// one report is missing from the record. Applies to every field, flows (by
/// their period end) and instants alike; the reason names the value set aside.
pub const MAX_PERIOD_AGE_MONTHS: u32 = 15;

/// The first date on which a value for the period ending `period_end` is stale.
pub fn stale_from(period_end: NaiveDate) -> NaiveDate {
    period_end
        .checked_add_months(chrono::Months::new(MAX_PERIOD_AGE_MONTHS))
        .and_then(|d| d.succ_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Banks, brokers and insurers (SIC 6000–6411, or the GICS Financials sector
/// where no SIC is known) report no cost of revenue: gross profit is not a
/// measure of their business, and the annual table's "Gross Profit" for them
/// is their revenue again.
pub fn gross_profit_applies(sec: &read::Security) -> bool {
    match sec.sic {
        Some(sic) => !(6000..=6411).contains(&sic),
        None => sec.sector.as_deref() != Some("Financials"),
    }
}

/// Why gross profit is missing for a filer it does not apply to.
pub const GROSS_PROFIT_NOT_APPLICABLE: &str =
    "gross profit does not apply to banks, brokers and insurers (no cost of revenue; SIC 6000-6411 or the Financials sector)";

/// How a field's value was obtained.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct FieldValue {
    /// The value, in `unit`.
    pub value: f64,
    /// `USD`, `shares`, `USD/shares`, …
    pub unit: String,
    /// XBRL concept (`us-gaap:Revenues`), or `table:<column>` for table rows.
    pub concept: String,
    /// First day of the period a flow covers; `None` for an instant.
    pub period_start: Option<NaiveDate>,
    /// Last day of the period, or the instant's date.
    pub period_end: NaiveDate,
    /// Filing date of the latest input; `None` for table rows (see `known_from`).
    pub filed: Option<NaiveDate>,
    /// First date on which every input was public.
    pub known_from: NaiveDate,
    /// `annual`, `four quarters`, `instant`, `close x shares`, ...
    pub method: String,
    /// The source of the latest input (the filing that completed the value).
    pub source: SourceRef,
    /// Every input record, for audit. All were public by `known_from`.
    pub inputs: Vec<Input>,
    /// Corporate actions (splits, dividends) used only to restate an adjusted price
    /// to as-traded terms. They may be filed after the as-of date: the adjusted price
    /// file already folds them in, and undoing that recovers the close that traded
    /// on the day (see `marketcap`). Listed apart from `inputs` so that audits and
    /// the no-look-ahead tests can tell the two roles apart.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub price_basis: Vec<Input>,
}

/// One record a value was computed from.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Input {
    /// `taxonomy:concept`, or `table:<column>`.
    pub concept: String,
    /// The value as filed.
    pub value: f64,
    /// First day of its period; `None` for an instant.
    pub start: Option<NaiveDate>,
    /// Last day of its period, or the instant.
    pub end: NaiveDate,
    /// When it was filed; `None` for table rows.
    pub filed: Option<NaiveDate>,
    /// Where it was read: file, accession.
    pub source: SourceRef,
}

impl Input {
    /// An XBRL fact as an input.
    pub fn from_fact(f: &StoredFact) -> Input {
        Input {
            concept: format!("{}:{}", f.taxonomy, f.concept),
            value: f.value,
            start: f.start,
            end: f.end,
            filed: Some(f.filed),
            source: SourceRef { path: f.source_path.clone(), accession: Some(f.accn.clone()), line: None },
        }
    }
}

/// A ticker's standardised fundamentals as known at the close of a date.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FactsReport {
    /// The ticker asked about.
    pub ticker: String,
    /// Its filer's CIK, when the store knows it.
    pub cik: Option<i64>,
    /// The date asked about: filings are read as known at its close, whether or
    /// not the store has a price on it.
    pub as_of: NaiveDate,
    /// The last close on or before `as_of`, which the market cap is priced at
    /// (`None`: no price on or before it). Never replaces `as_of`.
    pub price_date: Option<NaiveDate>,
    /// Each field with a value, by name (see [`FIELDS`]).
    pub fields: BTreeMap<Field, FieldValue>,
    /// Fields with no value on the date, and why.
    pub missing: BTreeMap<Field, String>,
}

/// The standard fields, in the order they are reported ([`Field::REPORTED`]).
pub const FIELDS: &[Field] = &Field::REPORTED;

/// XBRL concepts per flow field, in order of preference; see [`flows`] for how
/// concepts that a filer switches between are combined, and [`revenue`] for
/// revenue, which is chosen as a total and has its own rules for banks.
pub const FLOW_CONCEPTS: &[(Field, &[&str])] = &[
    (Field::RevenueTtm, revenue::REVENUE_CONCEPTS),
    (Field::GrossProfitTtm, &["GrossProfit"]),
    (Field::OperatingIncomeTtm, &["OperatingIncomeLoss"]),
    (Field::NetIncomeTtm, &["NetIncomeLoss", "ProfitLoss", "NetIncomeLossAvailableToCommonStockholdersBasic"]),
    (
        Field::OperatingCashFlowTtm,
        &[
            "NetCashProvidedByUsedInOperatingActivities",
            "NetCashProvidedByUsedInOperatingActivitiesContinuingOperations",
        ],
    ),
    (Field::CapexTtm, CAPEX_CONCEPTS),
];

/// Capital expenditure as filers tag it, in order of preference: the general
/// concepts first, then the ones real-estate and oil and gas filers use for
/// the same line. Each is the whole line for the filers that use it; where a
/// filer tags two (components), the freshest twelve months win and the order
/// breaks ties, as for every flow.
pub const CAPEX_CONCEPTS: &[&str] = &[
    "PaymentsToAcquirePropertyPlantAndEquipment",
    "PaymentsToAcquireProductiveAssets",
    "PaymentsToAcquireOtherPropertyPlantAndEquipment",
    "PaymentsForCapitalImprovements",
    "PaymentsToAcquireOilAndGasPropertyAndEquipment",
    "PaymentsToDevelopRealEstateAssets",
];

/// Balance-sheet concepts per field, read on the latest balance sheet (see
/// [`balance`]).
pub const INSTANT_CONCEPTS: &[(Field, &[&str])] = &[
    (Field::TotalAssets, &["Assets"]),
    (Field::TotalLiabilities, &["Liabilities"]),
    (
        Field::TotalEquity,
        &["StockholdersEquity", "StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest"],
    ),
];

/// Cost of revenue, for gross profit by difference.
const COST_CONCEPTS: &[&str] = &["CostOfRevenue", "CostOfGoodsAndServicesSold", "CostOfGoodsSold"];

/// Concepts read by `ttm` and `marketcap` beyond the field lists above.
const OTHER_CONCEPTS: &[&str] = &[
    "CostOfRevenue",
    "CostOfGoodsAndServicesSold",
    "CostOfGoodsSold",
    "EntityCommonStockSharesOutstanding",
    "CommonStockSharesOutstanding",
    "WeightedAverageNumberOfDilutedSharesOutstanding",
];

/// Every XBRL concept the standard fields are computed from (dividends and splits
/// excluded: they are price-basis data). A bulk reader may load only these; a test
/// in the score crate checks that doing so changes no field.
pub fn concepts_read() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = FLOW_CONCEPTS
        .iter()
        .chain(INSTANT_CONCEPTS)
        .flat_map(|(_, cs)| cs.iter().copied())
        .chain(OTHER_CONCEPTS.iter().copied())
        .chain(COST_CONCEPTS.iter().copied())
        .chain(revenue::concepts())
        .chain(balance::concepts())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Every table column the standard fields are computed from. A bulk reader may
/// load only these (checked by the same test as [`concepts_read`]).
pub fn table_items_read() -> Vec<&'static str> {
    let mut v: Vec<&'static str> =
        TABLE_COLUMNS.iter().map(|(_, c)| *c).chain(TABLE_DEBT_COLUMNS.iter().copied()).collect();
    v.sort_unstable();
    v
}

const TABLE_DEBT_COLUMNS: &[&str] = &["Long-Term Debt", "Short-Term Debt / Current Portion of Long-Term Debt"];

/// Table columns per field for rows of the annual fundamentals table.
pub const TABLE_COLUMNS: &[(Field, &str)] = &[
    (Field::RevenueTtm, "Total Revenue"),
    (Field::GrossProfitTtm, "Gross Profit"),
    (Field::OperatingIncomeTtm, "Operating Income"),
    (Field::NetIncomeTtm, "Net Income"),
    (Field::OperatingCashFlowTtm, "Net Cash Flow-Operating"),
    (Field::CapexTtm, "Capital Expenditures"),
    (Field::TotalAssets, "Total Assets"),
    (Field::TotalLiabilities, "Total Liabilities"),
    (Field::TotalEquity, "Total Equity"),
    (Field::SharesOutstanding, "Estimated Shares Outstanding"),
];

/// Computes the report for `ticker` as of the close of `as_of`.
pub fn facts(
    store: &alphadesk_store::Store,
    ticker: &str,
    as_of: NaiveDate,
) -> Result<Option<FactsReport>, StoreError> {
    facts_from(&StoreRecords::new(store.conn()), ticker, as_of)
}

/// [`facts`] over any [`Records`] implementation.
pub fn facts_from(src: &dyn Records, ticker: &str, as_of: NaiveDate) -> Result<Option<FactsReport>, StoreError> {
    let Some(sec) = src.security(ticker)? else { return Ok(None) };
    let mut report = fundamentals_without_market_cap(src, &sec, as_of)?;
    report.price_date = src.close_on_or_before(&sec.ticker, as_of)?.map(|b| b.date);
    match marketcap::market_cap(src, &sec.ticker, sec.cik, as_of, report.fields.get(&Field::SharesOutstanding))? {
        Ok(v) => {
            report.fields.insert(Field::MarketCap, v);
        }
        Err(why) => {
            report.missing.insert(Field::MarketCap, why);
        }
    }
    Ok(Some(report))
}

/// Every field but the market cap, which moves with each day's price; the panel
/// builder keeps these (they change only when something is filed) and prices the
/// market cap per date.
pub fn fundamentals_without_market_cap(
    src: &dyn Records,
    sec: &read::Security,
    as_of: NaiveDate,
) -> Result<FactsReport, StoreError> {
    let mut fields = BTreeMap::new();
    let mut missing = BTreeMap::new();
    let mut sheet_date = None;
    if let Some(cik) = sec.cik {
        for (name, concepts) in FLOW_CONCEPTS {
            let r = if *name == Field::RevenueTtm {
                revenue::revenue_ttm(src, cik, as_of)?
            } else {
                flows::flow_ttm(src, cik, concepts, flows::Choice::Preference, as_of)?
            };
            record(&mut fields, &mut missing, *name, r);
        }
        if let (None, Some(rev)) = (fields.get(&Field::GrossProfitTtm), fields.get(&Field::RevenueTtm)) {
            if let Ok(cost) = flows::flow_ttm(src, cik, COST_CONCEPTS, flows::Choice::Preference, as_of)? {
                if let Some(v) = ttm::gross_profit_by_difference(rev, &cost) {
                    record(&mut fields, &mut missing, Field::GrossProfitTtm, Ok(v));
                }
            }
        }
        let sheet = balance::latest_balance_sheet(src, cik, as_of)?;
        if let Some(sheet) = &sheet {
            sheet_date = Some(sheet.date);
            for (name, concepts) in INSTANT_CONCEPTS {
                let mut v = balance::at_sheet(src, cik, concepts, sheet, as_of, "USD")?;
                if v.is_none() && *name == Field::TotalLiabilities {
                    v = balance::liabilities_by_difference(src, cik, sheet, as_of)?;
                }
                let r = match v {
                    Some(v) => Ok(v),
                    None => Err(balance::stale_reason(src, cik, concepts, sheet, as_of, "USD")?),
                };
                record(&mut fields, &mut missing, *name, r);
            }
            record(&mut fields, &mut missing, Field::TotalDebt, balance::total_debt(src, cik, sheet, as_of)?);
        }
        let shares = marketcap::shares_outstanding(src, cik, sheet.as_ref(), as_of)?;
        record(&mut fields, &mut missing, Field::SharesOutstanding, shares);
    }
    // Stale XBRL values are set aside first, so that a fresher table row may
    // take their place; then whatever is stale after the table is set aside too.
    expire_stale(&mut fields, &mut missing, as_of);
    table_fallback(src, &sec.ticker, as_of, sheet_date, &mut fields, &mut missing)?;
    marketcap::fresher_shares(src, &sec.ticker, sec.cik, as_of, &mut fields)?;
    expire_stale(&mut fields, &mut missing, as_of);
    if !gross_profit_applies(sec) {
        fields.remove(&Field::GrossProfitTtm);
        missing.insert(Field::GrossProfitTtm, GROSS_PROFIT_NOT_APPLICABLE.into());
    }
    for &f in FIELDS {
        if f != Field::MarketCap && !fields.contains_key(&f) && !missing.contains_key(&f) {
            let why = if sec.cik.is_none() {
                "no CIK for this ticker and no table row known by this date".to_string()
            } else {
                "no XBRL fact or table row known by this date".to_string()
            };
            missing.insert(f, why);
        }
    }
    Ok(FactsReport { ticker: sec.ticker.clone(), cik: sec.cik, as_of, price_date: None, fields, missing })
}

/// Moves every value whose period ended [`MAX_PERIOD_AGE_MONTHS`] or more
/// before `as_of` to `missing`, with the value it would have been.
fn expire_stale(fields: &mut BTreeMap<Field, FieldValue>, missing: &mut BTreeMap<Field, String>, as_of: NaiveDate) {
    let stale: Vec<Field> = fields.iter().filter(|(_, v)| stale_from(v.period_end) <= as_of).map(|(k, _)| *k).collect();
    for name in stale {
        let v = fields.remove(&name).expect("listed");
        missing.insert(
            name,
            format!(
                "stale: the latest value ({} from {}, period ending {}) is more than {MAX_PERIOD_AGE_MONTHS} months old (stale since {})",
                v.value,
                v.concept,
                v.period_end,
                stale_from(v.period_end)
            ),
        );
    }
}

/// Files a field's value, or the reason it has none (an empty reason: the filer
/// tags nothing for it, and the generic reason is given later).
fn record(
    fields: &mut BTreeMap<Field, FieldValue>,
    missing: &mut BTreeMap<Field, String>,
    name: Field,
    r: Result<FieldValue, String>,
) {
    match r {
        Ok(v) => {
            missing.remove(&name);
            fields.insert(name, v);
        }
        Err(why) if !why.is_empty() => {
            missing.insert(name, why);
        }
        Err(_) => {}
    }
}

/// Table columns where the annual table writes 0 for a line the company does not
/// report: banks have no cost of revenue, so no gross profit or operating income
/// line, and many report no capital expenditure line. Read as a value, that 0 ranks every bank last on
/// gross profit to assets, first on margin stability, and inflates its free cash
/// flow; it is read as missing instead, with the reason.
pub const UNREPORTED_AS_ZERO: &[&str] = &["Gross Profit", "Operating Income", "Capital Expenditures"];

/// A table row's share count as a field, known [`TABLE_LAG_DAYS`] after its
/// period end.
pub(crate) fn table_share_count(r: &read::AnnualValue, method: String) -> FieldValue {
    FieldValue {
        value: r.value,
        unit: "shares".into(),
        concept: format!("table:{}", r.item),
        period_start: None,
        period_end: r.period_end,
        filed: None,
        known_from: r.period_end + chrono::Duration::days(TABLE_LAG_DAYS),
        method,
        source: r.source.clone(),
        inputs: vec![Input {
            concept: format!("table:{}", r.item),
            value: r.value,
            start: None,
            end: r.period_end,
            filed: None,
            source: r.source.clone(),
        }],
        price_basis: Vec::new(),
    }
}

/// Fills fields XBRL left empty from the annual table, known after the lag.
/// `xbrl_sheet` is the filer's latest XBRL balance sheet: a table row older than it
/// describes an older company and fills nothing.
fn table_fallback(
    src: &dyn Records,
    ticker: &str,
    as_of: NaiveDate,
    xbrl_sheet: Option<NaiveDate>,
    fields: &mut BTreeMap<Field, FieldValue>,
    missing: &mut BTreeMap<Field, String>,
) -> Result<(), StoreError> {
    let by = as_of - chrono::Duration::days(TABLE_LAG_DAYS);
    let rows = src.annual_values(ticker, by)?;
    let Some(latest) = rows.iter().map(|r| r.period_end).max() else { return Ok(()) };
    if xbrl_sheet.is_some_and(|d| latest < d) {
        return Ok(());
    }
    let mut put = |name: Field, value: f64, concept: String, source: SourceRef, inputs: Vec<Input>| {
        if fields.contains_key(&name) {
            return;
        }
        missing.remove(&name);
        let is_flow = name.is_flow();
        fields.insert(
            name,
            FieldValue {
                value,
                unit: if name == Field::SharesOutstanding { "shares".into() } else { "USD".into() },
                concept,
                period_start: if is_flow { latest.checked_sub_signed(chrono::Duration::days(364)) } else { None },
                period_end: latest,
                filed: None,
                known_from: latest + chrono::Duration::days(TABLE_LAG_DAYS),
                method: format!("annual table row, known {TABLE_LAG_DAYS} days after period end"),
                source,
                inputs,
                price_basis: Vec::new(),
            },
        );
    };
    let at = |item: &str| rows.iter().find(|r| r.period_end == latest && r.item == item);
    let input = |r: &read::AnnualValue| Input {
        concept: format!("table:{}", r.item),
        value: r.value,
        start: None,
        end: r.period_end,
        filed: None,
        source: r.source.clone(),
    };
    let mut unreported = Vec::new();
    for (name, col) in TABLE_COLUMNS {
        if let Some(r) = at(col) {
            if r.value == 0.0 && UNREPORTED_AS_ZERO.contains(col) {
                unreported.push((*name, *col));
                continue;
            }
            // The table prints capital expenditure as a negative cash flow; the field
            // is the amount spent, as XBRL's PaymentsToAcquire... reports it.
            let v = if *name == Field::CapexTtm { -r.value } else { r.value };
            put(*name, v, format!("table:{col}"), r.source.clone(), vec![input(r)]);
        }
    }
    let lt = at(TABLE_DEBT_COLUMNS[0]);
    let st = at(TABLE_DEBT_COLUMNS[1]);
    if lt.is_some() || st.is_some() {
        let parts: Vec<&read::AnnualValue> = [lt, st].into_iter().flatten().collect();
        let v = parts.iter().map(|p| p.value).sum();
        let concept = parts.iter().map(|p| format!("table:{}", p.item)).collect::<Vec<_>>().join(" + ");
        put(Field::TotalDebt, v, concept, parts[0].source.clone(), parts.iter().map(|p| input(p)).collect());
    }
    // A share count changes slowly, and the table leaves it empty in many recent
    // rows; an older row's count (with its own period, said in `method`) is a
    // better basis for a market cap than none.
    if let std::collections::btree_map::Entry::Vacant(slot) = fields.entry(Field::SharesOutstanding) {
        if let Some(r) = rows.iter().rev().find(|r| r.item == "Estimated Shares Outstanding") {
            missing.remove(&Field::SharesOutstanding);
            let method = format!(
                "annual table row for {}, the latest that reports shares (the {latest} row has none)",
                r.period_end
            );
            slot.insert(table_share_count(r, method));
        }
    }
    for (name, col) in unreported {
        if !fields.contains_key(&name) {
            missing.insert(
                name,
                format!("the {latest} table row has 0 for {col}, which that table writes for a line not reported"),
            );
        }
    }
    Ok(())
}
