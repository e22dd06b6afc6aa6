//! The fundamentals rules on small hand-written companyfacts files: a REIT whose
//! ASC 606 revenue is a component of its total, a bank, a filer that switches
//! revenue concepts between its 10-Qs and its 10-K, stale balance-sheet lines, half
//! a debt pair, and a stale share count.

use alphadesk_fundamentals::{fundamentals_without_market_cap, FactsReport};
use alphadesk_model::{Field, NaiveDate};
use alphadesk_store::read::Security;
use alphadesk_store::{Outcome, Store};

/// One fact: taxonomy:concept, unit, start (or "" for an instant), end, value,
/// accession, form, filed.
type F<'a> = (&'a str, &'a str, &'a str, &'a str, f64, &'a str, &'a str, &'a str);

/// A companyfacts JSON file for CIK 999 holding `facts`.
fn companyfacts(facts: &[F<'_>]) -> String {
    let mut tree: std::collections::BTreeMap<(String, String), std::collections::BTreeMap<String, Vec<String>>> =
        Default::default();
    for (name, unit, start, end, val, accn, form, filed) in facts {
        let (tax, concept) = name.split_once(':').unwrap();
        let start = if start.is_empty() { String::new() } else { format!("\"start\":\"{start}\",") };
        tree.entry((tax.to_string(), concept.to_string())).or_default().entry(unit.to_string()).or_default().push(
            format!("{{{start}\"end\":\"{end}\",\"val\":{val},\"accn\":\"{accn}\",\"fy\":2020,\"fp\":\"Q\",\"form\":\"{form}\",\"filed\":\"{filed}\"}}"),
        );
    }
    let mut by_tax: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for ((tax, concept), units) in tree {
        let units: Vec<String> = units.into_iter().map(|(u, fs)| format!("\"{u}\":[{}]", fs.join(","))).collect();
        by_tax
            .entry(tax)
            .or_default()
            .push(format!("\"{concept}\":{{\"label\":\"{concept}\",\"units\":{{{}}}}}", units.join(",")));
    }
    let taxes: Vec<String> = by_tax.into_iter().map(|(t, cs)| format!("\"{t}\":{{{}}}", cs.join(","))).collect();
    format!("{{\"cik\":999,\"entityName\":\"FIXTURE CO\",\"facts\":{{{}}}}}", taxes.join(","))
}

fn report(facts: &[F<'_>], as_of: &str) -> FactsReport {
    report_for(facts, as_of, None)
}

fn report_for(facts: &[F<'_>], as_of: &str, sic: Option<i64>) -> FactsReport {
    let mut store = Store::open_in_memory().unwrap();
    let json = companyfacts(facts);
    let r = store.ingest_bytes("fixture/CIK0000000999.json", json.as_bytes(), true);
    assert!(matches!(r.outcome, Outcome::Stored { .. }), "{:?}", r.outcome);
    let sec = Security {
        ticker: "FIX".into(),
        name: None,
        cik: Some(999),
        sector: None,
        industry: None,
        exchange: None,
        sic,
        fiscal_year_end: None,
        share_classes: Vec::new(),
    };
    fundamentals_without_market_cap(
        &alphadesk_fundamentals::StoreRecords::new(store.conn()),
        &sec,
        as_of.parse::<NaiveDate>().unwrap(),
    )
    .unwrap()
}

const K: &str = "10-K";
const Q: &str = "10-Q";

#[test]
fn a_reit_total_revenue_beats_its_asc_606_component() {
    // Rent (ASC 842) plus restaurant sales (ASC 606) = total Revenues.
    let r = report(
        &[
            ("us-gaap:Revenues", "USD", "2022-01-01", "2022-12-31", 257.1e6, "0000000999-23-000001", K, "2023-02-20"),
            ("us-gaap:Revenues", "USD", "2021-01-01", "2021-12-31", 240.0e6, "0000000999-23-000001", K, "2023-02-20"),
            (
                "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax",
                "USD",
                "2022-01-01",
                "2022-12-31",
                30.9e6,
                "0000000999-23-000001",
                K,
                "2023-02-20",
            ),
            (
                "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax",
                "USD",
                "2021-01-01",
                "2021-12-31",
                28.0e6,
                "0000000999-23-000001",
                K,
                "2023-02-20",
            ),
            (
                "us-gaap:OperatingLeaseLeaseIncome",
                "USD",
                "2022-01-01",
                "2022-12-31",
                226.2e6,
                "0000000999-23-000001",
                K,
                "2023-02-20",
            ),
        ],
        "2023-03-31",
    );
    let rev = &r.fields[&Field::RevenueTtm];
    assert_eq!(rev.value, 257.1e6);
    assert_eq!(rev.concept, "us-gaap:Revenues");
    assert!(rev.method.contains("set aside") && rev.method.contains("component of Revenues"), "{}", rev.method);
}

#[test]
fn a_bank_revenue_is_net_interest_income_plus_noninterest_income() {
    let a = "0000000999-24-000001";
    let r = report(
        &[
            (
                "us-gaap:InterestAndDividendIncomeOperating",
                "USD",
                "2023-01-01",
                "2023-12-31",
                900e6,
                a,
                K,
                "2024-02-28",
            ),
            ("us-gaap:InterestIncomeExpenseNet", "USD", "2023-01-01", "2023-12-31", 450e6, a, K, "2024-02-28"),
            ("us-gaap:NoninterestIncome", "USD", "2023-01-01", "2023-12-31", 120e6, a, K, "2024-02-28"),
            ("us-gaap:Assets", "USD", "", "2023-12-31", 17e9, a, K, "2024-02-28"),
        ],
        "2024-03-31",
    );
    let rev = &r.fields[&Field::RevenueTtm];
    assert_eq!(rev.value, 570e6, "net interest income + noninterest income, not gross interest income");
    assert_eq!(rev.concept, "us-gaap:InterestIncomeExpenseNet + us-gaap:NoninterestIncome");
    assert!(rev.method.starts_with("bank net revenue"), "{}", rev.method);
    let concepts: Vec<&str> = rev.inputs.iter().map(|i| i.concept.as_str()).collect();
    assert_eq!(concepts, ["us-gaap:InterestIncomeExpenseNet", "us-gaap:NoninterestIncome"]);
    // Without net interest income tagged, interest income less interest expense.
    let r = report(
        &[
            (
                "us-gaap:InterestAndDividendIncomeOperating",
                "USD",
                "2023-01-01",
                "2023-12-31",
                900e6,
                a,
                K,
                "2024-02-28",
            ),
            ("us-gaap:InterestExpense", "USD", "2023-01-01", "2023-12-31", 450e6, a, K, "2024-02-28"),
            ("us-gaap:NoninterestIncome", "USD", "2023-01-01", "2023-12-31", 120e6, a, K, "2024-02-28"),
        ],
        "2024-03-31",
    );
    assert_eq!(r.fields[&Field::RevenueTtm].value, 570e6);
}

#[test]
fn quarters_combine_across_a_concept_switch() {
    // 10-Qs tag `Revenues`, the 10-K the ASC 606 concept; both report FY2019 in the
    // 10-K's comparatives and agree. On 2020-06-30 the TTM to 2020-03-31 needs Q4
    // from the ASC 606 fiscal year minus the `Revenues` nine months.
    let asc = "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax";
    let r = report(
        &[
            ("us-gaap:Revenues", "USD", "2019-01-01", "2019-03-31", 100.0, "0000000999-19-000001", Q, "2019-05-01"),
            ("us-gaap:Revenues", "USD", "2019-04-01", "2019-06-30", 110.0, "0000000999-19-000002", Q, "2019-08-01"),
            ("us-gaap:Revenues", "USD", "2019-01-01", "2019-09-30", 330.0, "0000000999-19-000003", Q, "2019-11-01"),
            ("us-gaap:Revenues", "USD", "2019-07-01", "2019-09-30", 120.0, "0000000999-19-000003", Q, "2019-11-01"),
            (asc, "USD", "2019-01-01", "2019-12-31", 460.0, "0000000999-20-000001", K, "2020-02-15"),
            (asc, "USD", "2018-01-01", "2018-12-31", 400.0, "0000000999-20-000001", K, "2020-02-15"),
            ("us-gaap:Revenues", "USD", "2018-01-01", "2018-12-31", 400.0, "0000000999-19-000009", K, "2019-02-15"),
            ("us-gaap:Revenues", "USD", "2020-01-01", "2020-03-31", 140.0, "0000000999-20-000002", Q, "2020-05-01"),
        ],
        "2020-06-30",
    );
    let rev = &r.fields[&Field::RevenueTtm];
    // Q1'20 140 + Q4'19 (460 - 330 = 130) + Q3 120 + Q2 110 = 500.
    assert_eq!(rev.value, 500.0, "{rev:?}");
    assert_eq!(rev.period_end.to_string(), "2020-03-31");
    assert!(rev.concept.contains("Revenues") && rev.concept.contains("RevenueFromContract"), "{}", rev.concept);
    assert!(rev.inputs.iter().any(|i| i.concept == format!("us-gaap:{}", &asc[8..])));
}

#[test]
fn balance_sheet_lines_come_from_the_latest_balance_sheet() {
    let old = "0000000999-18-000001";
    let new = "0000000999-25-000001";
    let r = report(
        &[
            // A 2018 balance sheet with every line.
            ("us-gaap:Assets", "USD", "", "2018-12-31", 40e6, old, K, "2019-03-01"),
            ("us-gaap:Liabilities", "USD", "", "2018-12-31", 34.3e6, old, K, "2019-03-01"),
            ("us-gaap:StockholdersEquity", "USD", "", "2018-12-31", 5.7e6, old, K, "2019-03-01"),
            ("us-gaap:LongTermDebtNoncurrent", "USD", "", "2018-12-31", 20e6, old, K, "2019-03-01"),
            ("us-gaap:LongTermDebtCurrent", "USD", "", "2018-12-31", 1e6, old, K, "2019-03-01"),
            ("dei:EntityCommonStockSharesOutstanding", "shares", "", "2019-02-20", 5e6, old, K, "2019-03-01"),
            // The 2025 balance sheet has no `Liabilities` line, only the current part of
            // its debt, and its cover page no share count.
            ("us-gaap:Assets", "USD", "", "2025-09-30", 1.5e9, new, Q, "2025-11-05"),
            ("us-gaap:LiabilitiesAndStockholdersEquity", "USD", "", "2025-09-30", 1.5e9, new, Q, "2025-11-05"),
            ("us-gaap:StockholdersEquity", "USD", "", "2025-09-30", 582.8e6, new, Q, "2025-11-05"),
            ("us-gaap:LongTermDebtCurrent", "USD", "", "2025-09-30", 2e6, new, Q, "2025-11-05"),
        ],
        "2025-11-30",
    );
    let l = &r.fields[&Field::TotalLiabilities];
    assert_eq!(l.value, 1.5e9 - 582.8e6, "by difference on the 2025 sheet, not 2018's $34.3 million");
    assert_eq!(l.period_end.to_string(), "2025-09-30");
    let debt = &r.missing[&Field::TotalDebt];
    assert!(debt.contains("half of a pair") && debt.contains("2018-12-31"), "{debt}");
    let shares = &r.missing[&Field::SharesOutstanding];
    assert!(shares.contains("older than the latest balance sheet"), "{shares}");
    // The whole pair on the latest sheet adds up.
    let r = report(
        &[
            ("us-gaap:Assets", "USD", "", "2024-06-30", 400e9, new, Q, "2024-07-25"),
            ("us-gaap:LongTermDebtCurrent", "USD", "", "2024-06-30", 1e9, new, Q, "2024-07-25"),
            ("us-gaap:LongTermDebtAndCapitalLeaseObligations", "USD", "", "2024-06-30", 13.2e9, new, Q, "2024-07-25"),
            ("us-gaap:LongTermDebtNoncurrent", "USD", "", "2023-12-31", 12e9, old, K, "2024-02-01"),
        ],
        "2024-09-30",
    );
    assert_eq!(r.fields[&Field::TotalDebt].value, 14.2e9);
}

#[test]
fn a_zero_share_count_is_no_count() {
    let a = "0000000999-23-000001";
    let r = report(
        &[
            ("us-gaap:Assets", "USD", "", "2023-12-31", 1e9, a, K, "2024-02-28"),
            ("dei:EntityCommonStockSharesOutstanding", "shares", "", "2024-02-20", 0.0, a, K, "2024-02-28"),
            ("us-gaap:CommonStockSharesOutstanding", "shares", "", "2023-12-31", 12e6, a, K, "2024-02-28"),
        ],
        "2024-03-31",
    );
    assert_eq!(r.fields[&Field::SharesOutstanding].value, 12e6);
}

/// Four Corners' pattern: net income for the second to fourth quarters only as
/// year to date. FY 2016 + 6M 2017 - 6M 2016, not the stale fiscal year.
#[test]
fn a_year_to_date_only_filer_gets_fresh_twelve_months() {
    let ni = "us-gaap:NetIncomeLoss";
    let r = report(
        &[
            (ni, "USD", "2016-01-01", "2016-12-31", 5.7e6, "0000000999-17-000001", K, "2017-02-20"),
            (ni, "USD", "2016-01-01", "2016-06-30", 2.0e6, "0000000999-17-000009", Q, "2017-08-01"),
            (ni, "USD", "2017-01-01", "2017-06-30", 96.1e6, "0000000999-17-000009", Q, "2017-08-01"),
        ],
        "2017-09-29",
    );
    let v = &r.fields[&Field::NetIncomeTtm];
    assert!((v.value - 99.8e6).abs() < 1.0, "{v:?}");
    assert_eq!(v.method, "fiscal year + year to date - prior year to date");
    assert_eq!(
        (v.period_start.unwrap().to_string(), v.period_end.to_string()),
        ("2016-07-01".into(), "2017-06-30".into())
    );
    assert_eq!(v.inputs.len(), 3);
}

/// NVIDIA's pattern: capex last tagged under a listed concept in 2012. On a 2018
/// date that twelve months is stale: missing, with the value named, never used.
#[test]
fn a_flow_from_2012_is_not_used_in_2018() {
    let capex = "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment";
    let facts = [
        (capex, "USD", "2011-10-31", "2012-10-28", 480.0e6, "0000000999-12-000001", K, "2012-11-20"),
        ("us-gaap:Assets", "USD", "", "2018-04-29", 11.2e9, "0000000999-18-000002", Q, "2018-05-24"),
    ];
    let r = report(&facts, "2018-05-25");
    assert!(!r.fields.contains_key(&Field::CapexTtm));
    let why = &r.missing[&Field::CapexTtm];
    assert!(why.starts_with("stale:") && why.contains("2012-10-28") && why.contains("15 months"), "{why}");
    // Fifteen months after its period end it was still current.
    assert_eq!(report(&facts, "2014-01-28").fields[&Field::CapexTtm].value, 480.0e6);
    // A later capex concept of the wider set takes over when the filer switches.
    let mut more = facts.to_vec();
    more.push((
        "us-gaap:PaymentsToAcquireProductiveAssets",
        "USD",
        "2017-01-30",
        "2018-01-28",
        593.0e6,
        "0000000999-18-000001",
        K,
        "2018-02-28",
    ));
    assert_eq!(report(&more, "2018-05-25").fields[&Field::CapexTtm].value, 593.0e6);
}

/// Four Corners' debt is `NotesPayable`; a REIT's mortgages and notes are
/// secured and unsecured debt, which add up.
#[test]
fn notes_payable_and_secured_plus_unsecured_are_debt() {
    let sheet = ("us-gaap:Assets", "USD", "", "2018-03-31", 1.2e9, "0000000999-18-000003", Q, "2018-05-08");
    let r = report(
        &[sheet, ("us-gaap:NotesPayable", "USD", "", "2018-03-31", 400.0e6, "0000000999-18-000003", Q, "2018-05-08")],
        "2018-05-18",
    );
    assert_eq!(r.fields[&Field::TotalDebt].value, 400.0e6);
    assert_eq!(r.fields[&Field::TotalDebt].concept, "us-gaap:NotesPayable");
    let r = report(
        &[
            sheet,
            ("us-gaap:SecuredDebt", "USD", "", "2018-03-31", 100.0e6, "0000000999-18-000003", Q, "2018-05-08"),
            ("us-gaap:UnsecuredDebt", "USD", "", "2018-03-31", 250.0e6, "0000000999-18-000003", Q, "2018-05-08"),
        ],
        "2018-05-18",
    );
    assert_eq!(r.fields[&Field::TotalDebt].value, 350.0e6);
    // Unsecured notes repaid but still on the previous sheet: half a pair.
    let r = report(
        &[
            sheet,
            ("us-gaap:Assets", "USD", "", "2017-12-31", 1.1e9, "0000000999-18-000001", K, "2018-02-20"),
            ("us-gaap:SecuredDebt", "USD", "", "2017-12-31", 90.0e6, "0000000999-18-000001", K, "2018-02-20"),
            ("us-gaap:UnsecuredDebt", "USD", "", "2017-12-31", 240.0e6, "0000000999-18-000001", K, "2018-02-20"),
            ("us-gaap:SecuredDebt", "USD", "", "2018-03-31", 100.0e6, "0000000999-18-000003", Q, "2018-05-08"),
        ],
        "2018-05-18",
    );
    assert!(r.missing[&Field::TotalDebt].contains("half of a pair"), "{:?}", r.missing.get(&Field::TotalDebt));
}

/// A bank has no gross profit: missing with the reason, never its revenue.
#[test]
fn a_bank_has_no_gross_profit() {
    let facts = [
        ("us-gaap:Revenues", "USD", "2017-01-01", "2017-12-31", 99.6e9, "0000000999-18-000001", K, "2018-02-20"),
        ("us-gaap:GrossProfit", "USD", "2017-01-01", "2017-12-31", 99.6e9, "0000000999-18-000001", K, "2018-02-20"),
    ];
    let bank = report_for(&facts, "2018-03-29", Some(6021));
    assert!(!bank.fields.contains_key(&Field::GrossProfitTtm));
    assert!(bank.missing[&Field::GrossProfitTtm].contains("does not apply to banks"), "{:?}", bank.missing);
    assert!(bank.fields.contains_key(&Field::RevenueTtm));
    let maker = report_for(&facts, "2018-03-29", Some(3571));
    assert_eq!(maker.fields[&Field::GrossProfitTtm].value, 99.6e9);
}
