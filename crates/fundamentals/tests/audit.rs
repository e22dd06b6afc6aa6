//! The fundamentals audit's invariants on every companyfacts file of the shared
//! data, on every quarter end from 2012 to 2025, and values read off the files.

use alphadesk_fundamentals::audit::audit;
use alphadesk_fundamentals::Field;
use alphadesk_model::NaiveDate;
use alphadesk_store::{Outcome, Store};
use alphadesk_testkit::data_dir;

fn store() -> Option<(Store, Vec<i64>)> {
    let dir = data_dir()?.join("sec/companyfacts");
    let mut s = Store::open_in_memory().unwrap();
    let mut ciks = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "json")) {
        let r = s.ingest_path(f, true);
        assert!(matches!(r.outcome, Outcome::Stored { .. }), "{}: {:?}", f.display(), r.outcome);
        let name = f.file_stem().unwrap().to_string_lossy();
        ciks.push(name.trim_start_matches("CIK").parse().unwrap());
    }
    Some((s, ciks))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn no_instant_off_the_latest_balance_sheet_on_any_filer_or_quarter() {
    let Some((s, ciks)) = store() else { return };
    assert_eq!(ciks.len(), 27);
    let mut dates = Vec::new();
    for y in 2012..=2025 {
        for md in ["03-31", "06-30", "09-30", "12-31"] {
            dates.push(d(&format!("{y}-{md}")));
        }
    }
    let mut rows = 0;
    for cik in ciks {
        for r in audit(&alphadesk_fundamentals::StoreRecords::new(s.conn()), cik, &dates).unwrap() {
            rows += 1;
            assert!(r.problems().is_empty(), "CIK {cik} on {}: {:?}", r.as_of, r.problems());
        }
    }
    assert_eq!(rows, 27 * dates.len());
}

#[test]
fn values_read_off_the_files() {
    let Some((s, _)) = store() else { return };
    let at = |cik: i64, date: &str| {
        audit(&alphadesk_fundamentals::StoreRecords::new(s.conn()), cik, &[d(date)]).unwrap().remove(0).report
    };
    // Alphabet on 2021-11-30: the 10-Qs of 2021 tag ASC 606 revenue and the 10-K
    // `Revenues`; combined, the TTM to 2021-09-30 is 239,210 ($M), not FY2020's 182,527.
    let r = at(1652044, "2021-11-30");
    let rev = &r.fields[&Field::RevenueTtm];
    assert_eq!((rev.value, rev.period_end), (239_210e6, d("2021-09-30")));
    // Alphabet on 2024-06-30: the 10-Q carries LongTermDebtAndCapitalLeaseObligations
    // (13,228 with commercial paper at 0) beside the current portion, not $0.
    let debt = &at(1652044, "2024-06-30").fields[&Field::TotalDebt];
    assert!(debt.value > 13e9, "{debt:?}");
    assert!(debt.concept.contains("LongTermDebtAndCapitalLeaseObligations"), "{}", debt.concept);
    // Merchants Bancorp (a bank) on 2024-06-30: net interest income + noninterest income.
    let rev = &at(1629019, "2024-06-30").fields[&Field::RevenueTtm];
    assert_eq!(rev.value, 615_712_000.0);
    assert!(rev.method.starts_with("bank net revenue"));
    // Palomar (an insurer): `Revenues`, premiums plus investment income.
    assert_eq!(at(1761312, "2024-06-30").fields[&Field::RevenueTtm].concept, "us-gaap:Revenues");
    // Northwest Natural (a utility): total `Revenues` 773.7 ($M) for 2020, not the
    // ASC 606 part (744.4) the file also tags.
    let rev = &at(1733998, "2021-03-31").fields[&Field::RevenueTtm];
    assert_eq!((rev.concept.as_str(), rev.value), ("us-gaap:Revenues", 773_679_000.0));
    // Tanger (a REIT) tags total `Revenues` in its 10-Qs only: no twelve months can be
    // built from it, and its lease income is a component; no revenue, with the reason.
    let r = at(899715, "2024-06-30");
    assert!(!r.fields.contains_key(&Field::RevenueTtm));
    assert!(r.missing[&Field::RevenueTtm].contains("a component of Revenues"), "{}", r.missing[&Field::RevenueTtm]);
}
