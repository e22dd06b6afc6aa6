//! Standardised fundamentals on Apple's real filings and prices.
//!
//! Expected values were computed by hand from `CIK0000320193.json` (see the
//! comments) and checked against StockNet's independent Yahoo price file, which
//! carries as-traded (split-adjusted, not dividend-adjusted) closes.

mod common;

use alphadesk_fundamentals::{facts, Field};
use alphadesk_store::{Outcome, Store};
use alphadesk_testkit::data_dir;

fn apple_store() -> Option<Store> {
    common::store_of(&[
        "market/securities/securities.csv",
        "market/prices/AAPL_data.csv",
        "sec/companyfacts/CIK0000320193.json",
    ])
}

fn d(s: &str) -> alphadesk_model::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn ttm_revenue_and_net_income_on_2016_06_30() {
    let Some(s) = apple_store() else { return };
    let r = facts(&s, "AAPL", d("2016-06-30")).unwrap().unwrap();
    // Latest 10-Q by then: fiscal Q2 2016 (ended 2016-03-26, filed 2016-04-27).
    // Revenue: Q2'16 50,557 + Q1'16 75,872 + Q4'15 (FY 233,715 - 9M 182,214 = 51,501)
    // + Q3'15 49,605 = 227,535 ($ millions).
    let rev = &r.fields[&Field::RevenueTtm];
    assert_eq!(rev.value, 227_535_000_000.0);
    assert_eq!(rev.concept, "us-gaap:SalesRevenueNet");
    assert_eq!((rev.period_start, rev.period_end), (Some(d("2015-03-29")), d("2016-03-26")));
    assert_eq!(rev.filed, Some(d("2016-04-27")));
    assert_eq!(rev.source.accession.as_deref(), Some("0001193125-16-559625"));
    // Net income: 10,516 + 18,361 + (53,394 - 42,270 = 11,124) + 10,677 = 50,678.
    assert_eq!(r.fields[&Field::NetIncomeTtm].value, 50_678_000_000.0);
    assert_eq!(r.fields[&Field::SharesOutstanding].value, 5_477_425_000.0);
}

#[test]
fn nothing_filed_after_the_as_of_date_is_used() {
    let Some(s) = apple_store() else { return };
    // The day before the fiscal Q2 2016 10-Q, the latest TTM ends at Q1 (2015-12-26):
    // 75,872 + 51,501 + 49,605 + 58,010 = 234,988.
    let r = facts(&s, "AAPL", d("2016-04-26")).unwrap().unwrap();
    let rev = &r.fields[&Field::RevenueTtm];
    assert_eq!(rev.period_end, d("2015-12-26"));
    assert_eq!(rev.value, 234_988_000_000.0);
    for f in r.fields.values() {
        assert!(f.known_from <= d("2016-04-26"), "{f:?}");
        for i in &f.inputs {
            assert!(i.filed.is_none_or(|x| x <= d("2016-04-26")), "{i:?}");
        }
    }
}

#[test]
fn market_cap_is_continuous_across_the_2014_split() {
    let Some(s) = apple_store() else { return };
    // As traded (StockNet raw file, split-adjusted by Yahoo so x7 gives the
    // pre-split print): 2014-05-01 close 84.497147 x 7 = 591.48; shares on the
    // cover of the 10-Q filed 2014-04-24: 861,381,000. Market cap $509.5 billion.
    let before = facts(&s, "AAPL", d("2014-05-01")).unwrap().unwrap();
    let m = &before.fields[&Field::MarketCap];
    let truth = 84.497147 * 7.0 * 861_381_000.0;
    assert!((m.value / truth - 1.0).abs() < 0.01, "{} vs {truth}", m.value);
    // 2014-07-01, after the 7-for-1 split of 2014-06-09; the latest share count is
    // still the pre-split 861,381,000, which must be scaled by 7: 93.519997 x 6.03e9.
    let after = facts(&s, "AAPL", d("2014-07-01")).unwrap().unwrap();
    let m2 = &after.fields[&Field::MarketCap];
    let truth2 = 93.519997 * 861_381_000.0 * 7.0;
    assert!((m2.value / truth2 - 1.0).abs() < 0.01, "{} vs {truth2}", m2.value);
    // Without the split factor the second value would be a seventh of the first.
    assert!(m2.value > m.value);
    assert!(m2.method.contains("split factor 7"));
    assert!(m2.price_basis.iter().any(|i| i.concept.contains("StockSplitConversionRatio1")));
}

#[test]
fn ticker_without_xbrl_uses_the_lagged_table_row() {
    let Some(dir) = data_dir() else { return };
    let mut s = Store::open_in_memory().unwrap();
    for rel in
        ["market/securities/securities.csv", "market/prices/MMM_data.csv", "market/fundamentals/fundamentals.csv"]
    {
        s.ingest_path(&dir.join(rel), true);
    }
    // 3M's FY2015 row (period 2015-12-31) is known from 2016-03-30, not before.
    let early = facts(&s, "MMM", d("2016-03-29")).unwrap().unwrap();
    assert_eq!(early.fields[&Field::RevenueTtm].period_end, d("2014-12-31"));
    let late = facts(&s, "MMM", d("2016-03-30")).unwrap().unwrap();
    let rev = &late.fields[&Field::RevenueTtm];
    assert_eq!((rev.period_end, rev.value), (d("2015-12-31"), 30_274_000_000.0));
    assert_eq!(rev.concept, "table:Total Revenue");
    assert!(rev.source.line.is_some());
}

/// The annual table writes 0 for a line a company does not report. Bank of
/// America has no gross profit, operating income or capex line: those are missing
/// with the reason, not zeros a score would rank; its revenue and net income stand.
#[test]
fn table_zeros_for_unreported_lines_are_missing() {
    let Some(dir) = data_dir() else { return };
    let mut s = Store::open_in_memory().unwrap();
    for rel in
        ["market/securities/securities.csv", "market/prices/BAC_data.csv", "market/fundamentals/fundamentals.csv"]
    {
        s.ingest_path(&dir.join(rel), true);
    }
    let r = facts(&s, "BAC", d("2016-06-30")).unwrap().unwrap();
    for f in [Field::GrossProfitTtm, Field::OperatingIncomeTtm, Field::CapexTtm] {
        assert!(!r.fields.contains_key(&f), "{f} = {:?}", r.fields.get(&f));
        // Gross profit is not a bank's measure at all, whatever the table writes.
        let why = if f == Field::GrossProfitTtm {
            "does not apply to banks"
        } else {
            "which that table writes for a line not reported"
        };
        assert!(r.missing[&f].contains(why), "{f}: {}", r.missing[&f]);
    }
    assert!(r.fields[&Field::RevenueTtm].value > 0.0 && r.fields[&Field::NetIncomeTtm].value > 0.0);
    // 3M reports all three: nothing is dropped there.
    s.ingest_path(&dir.join("market/prices/MMM_data.csv"), true);
    let m = facts(&s, "MMM", d("2016-06-30")).unwrap().unwrap();
    for f in [Field::GrossProfitTtm, Field::OperatingIncomeTtm, Field::CapexTtm] {
        assert!(m.fields[&f].value > 0.0, "{f}");
    }
}

/// Appending recent days (the usual update, and what `sync` does) leaves every
/// older figure and citation as it was; a file on another adjustment basis is
/// refused, and a file covering the whole history replaces the series.
#[test]
fn a_partial_price_file_appends_without_rewriting_history() {
    let Some(dir) = data_dir() else { return };
    let Some(mut s) = apple_store() else { return };
    let full = std::fs::read_to_string(dir.join("market/prices/AAPL_data.csv")).unwrap();
    let lines: Vec<&str> = full.lines().collect();
    let before = facts(&s, "AAPL", d("2016-06-30")).unwrap().unwrap();
    let mcap = before.fields[&Field::MarketCap].clone();
    assert!((mcap.value / 523.447684844e9 - 1.0).abs() < 1e-9, "{}", mcap.value);
    assert!(mcap.source.path.ends_with("AAPL_data.csv") && mcap.source.line == Some(786), "{:?}", mcap.source);

    // The last 100 days, as a short file: same basis, nothing new.
    let short = format!("{}\n{}\n", lines[0], lines[lines.len() - 100..].join("\n"));
    let r = s.ingest_bytes("short/AAPL_data.csv", short.as_bytes(), true);
    assert!(matches!(r.outcome, Outcome::Stored { .. }), "{:?}", r.outcome);
    let after = facts(&s, "AAPL", d("2016-06-30")).unwrap().unwrap();
    assert_eq!(after.fields[&Field::MarketCap], mcap, "older figures and their citations stay");

    // Recent days on a later basis (a dividend adjusted in, 0.42%): refused.
    let rebased: Vec<String> = lines[lines.len() - 100..]
        .iter()
        .map(|l| {
            let mut c: Vec<String> = l.split(',').map(str::to_string).collect();
            for v in &mut c[1..5] {
                *v = format!("{:.4}", v.parse::<f64>().unwrap() * 0.9958);
            }
            c.join(",")
        })
        .collect();
    let other = format!("{}\n{}\n", lines[0], rebased.join("\n"));
    let r = s.ingest_bytes("other/AAPL_data.csv", other.as_bytes(), true);
    match &r.outcome {
        Outcome::Failed { error, .. } => {
            assert!(error.contains("another adjustment basis") && error.contains("×0.9958"), "{error}")
        }
        o => panic!("a file on another basis must be refused: {o:?}"),
    }
    assert_eq!(facts(&s, "AAPL", d("2016-06-30")).unwrap().unwrap().fields[&Field::MarketCap], mcap);
}

/// Apple's 7-for-1 of 2014 as the witnesses report it on the shared files:
/// XBRL states it, the annual share counts (×6.55 across it, after buybacks)
/// do not show it, and the market cap uses XBRL's. The 2020 split is after
/// the prices' last day and is not listed.
#[test]
fn the_2014_split_is_xbrl_s_and_the_inference_misses_it() {
    let Some(s) = common::store_of(&[
        "market/securities/securities.csv",
        "market/prices/AAPL_data.csv",
        "sec/companyfacts/CIK0000320193.json",
        "market/fundamentals/fundamentals.csv",
    ]) else {
        return;
    };
    use alphadesk_fundamentals::actions::{check, Testimony, Witness};
    let checks = check(&alphadesk_fundamentals::StoreRecords::new(s.conn()), "AAPL", Some(320193)).unwrap();
    assert_eq!(checks.len(), 1, "{checks:#?}");
    let c = &checks[0];
    assert_eq!(c.effective, d("2014-06-06"));
    assert!(matches!(c.xbrl, Testimony::Split { ratio, .. } if ratio == 7.0), "{c:#?}");
    assert!(matches!(c.inferred, Testimony::NoSplit), "{c:#?}");
    assert!(matches!(c.source, Testimony::Silent), "{c:#?}");
    assert_eq!(c.used.map(|u| (u.ratio, u.witness)), Some((7.0, Witness::Xbrl)));
    assert_eq!(c.disagreements.len(), 1);
    assert!(c.disagreements[0].starts_with("inferred reports no split"), "{}", c.disagreements[0]);
}
