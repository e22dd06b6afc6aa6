//! Parsers on the real SEC and market files in `../shared/data`. Every expected
//! value below was read off the source file by hand (or with a one-line script
//! independent of this code) and is noted where it came from.

use alphadesk_ingest::ownership::{EntryKind, Table};
use alphadesk_ingest::thirteenf::ValueUnit;
use alphadesk_ingest::{detect, parse, Detected, Kind, Parsed};
use alphadesk_testkit::{data_dir, data_file};

fn read(rel: &str) -> Option<(String, Vec<u8>)> {
    let p = data_file(rel)?;
    let name = p.file_name().unwrap().to_string_lossy().into_owned();
    Some((name, std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))))
}

#[test]
fn apple_form4_full_text_submission() {
    let Some((name, bytes)) = read("sec/form4/form4_AAPL_0000320193-22-000061.txt") else { return };
    assert_eq!(detect(&bytes).unwrap(), Detected::Kind(Kind::Form4));
    let Parsed::Ownership(r) = parse(Kind::Form4, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(r.form_type, "4");
    assert_eq!(r.accession.as_ref().unwrap().as_str(), "0000320193-22-000061");
    assert_eq!(r.filed.unwrap().to_string(), "2022-05-06");
    assert_eq!(r.period_of_report.unwrap().to_string(), "2022-05-04");
    assert_eq!(r.issuer.ticker.as_deref(), Some("AAPL"));
    assert_eq!(r.reporting_owners.len(), 1);
    let o = &r.reporting_owners[0];
    assert_eq!(o.name.as_deref(), Some("Adams Katherine L."));
    assert!(o.is_officer && !o.is_director);
    assert_eq!(o.officer_title.as_deref(), Some("SVP, GC and Secretary"));
    // Seven open-market sales under a 10b5-1 plan, weighted-average prices.
    let expect = [
        (9136.0, 159.94, 468198.0),
        (5316.0, 160.82, 462882.0),
        (4006.0, 161.93, 458876.0),
        (900.0, 162.77, 457976.0),
        (1550.0, 163.94, 456426.0),
        (1800.0, 165.06, 454626.0),
        (2292.0, 165.95, 452334.0),
    ];
    assert_eq!(r.transactions.len(), expect.len());
    for (t, (shares, price, after)) in r.transactions.iter().zip(expect) {
        assert_eq!(t.code.as_deref(), Some("S"));
        assert_eq!(t.table, Table::NonDerivative);
        assert_eq!((t.shares, t.price, t.shares_owned_after), (Some(shares), Some(price), Some(after)));
        assert_eq!(t.acquired_disposed.as_deref(), Some("D"));
        assert_eq!(t.footnotes[0], "F1");
    }
    assert!(r.footnotes["F2"].contains("weighted average sale price"));
}

#[test]
fn nc_submission_and_derivative_table() {
    let Some((name, bytes)) = read("sec/form4/form4_ARW_0001127602-25-004598.nc") else { return };
    let Parsed::Ownership(r) = parse(Kind::Form4, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(r.filed.unwrap().to_string(), "2025-02-13");
    assert_eq!(r.schema_version.as_deref(), Some("X0508"));
    let codes: Vec<_> =
        r.transactions.iter().map(|t| (t.code.clone().unwrap(), t.shares.unwrap(), t.price.unwrap())).collect();
    assert_eq!(codes, vec![("A".into(), 2193.0, 106.82), ("F".into(), 1009.0, 106.82)]);

    let Some((name, bytes)) = read("sec/form4/form4_ZIP_0001617553-25-000024.txt") else { return };
    let Parsed::Ownership(r) = parse(Kind::Form4, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(r.transactions.len(), 9);
    let d = r.transactions.iter().find(|t| t.table == Table::Derivative).unwrap();
    assert_eq!((d.code.as_deref(), d.shares), (Some("M"), Some(6250.0)));
    assert_eq!(d.footnotes, vec!["F3", "F4", "F5"]);
}

#[test]
fn form3_with_two_owners_and_amendments() {
    let Some((name, bytes)) = read("sec/form4/form3_SNOW_nonderiv_edgartools.xml") else { return };
    let Parsed::Ownership(r) = parse(Kind::Form4, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(r.form_type, "3");
    let owners: Vec<_> = r.reporting_owners.iter().map(|o| o.name.clone().unwrap()).collect();
    assert_eq!(owners, ["BERKSHIRE HATHAWAY INC", "BUFFETT WARREN E"]);
    assert!(r.reporting_owners.iter().all(|o| o.is_ten_percent_owner));
    assert_eq!(r.transactions[0].kind, EntryKind::Holding);
    assert_eq!(r.transactions[0].shares_owned_after, Some(6125376.0));

    let Some((name, bytes)) = read("sec/form4/sec_spec_samples/form5A_AWI_edgar_client.xml") else { return };
    let Parsed::Ownership(r) = parse(Kind::Form4, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(r.form_type, "5/A");
    let c = r.transactions.iter().find(|t| t.code.as_deref() == Some("C")).unwrap();
    assert_eq!((c.shares, c.total_value, c.price), (None, Some(500000.0), Some(1001.23)));
}

#[test]
fn every_ownership_file_parses() {
    let Some(dir) = data_dir() else { return };
    let mut n = 0;
    for sub in ["sec/form4", "sec/form4/sec_spec_samples"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() || p.extension().is_some_and(|x| x == "md") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            assert_eq!(detect(&bytes).unwrap(), Detected::Kind(Kind::Form4), "{}", p.display());
            parse(Kind::Form4, &name, &bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            n += 1;
        }
    }
    assert_eq!(n, 21);
}

fn holdings(rel: &str) -> Option<alphadesk_ingest::thirteenf::HoldingsReport> {
    let (name, bytes) = read(rel)?;
    assert_eq!(detect(&bytes).unwrap(), Detected::Kind(Kind::ThirteenF), "{rel}");
    match parse(Kind::ThirteenF, &name, &bytes).unwrap() {
        Parsed::Holdings(h) => Some(h),
        _ => panic!(),
    }
}

#[test]
fn thirteenf_row_counts_totals_and_units() {
    // Dollars, filed 2025: 77 rows summing to the cover's tableValueTotal.
    let Some(h) = holdings("sec/13f/13F-HR_ACORN_CREEK_CAPITAL_LLC_0001951757-25-000093.nc") else { return };
    assert_eq!((h.holdings.len(), h.reported_entry_total), (77, Some(77)));
    assert_eq!(h.total_value_usd, 194_611_845.0);
    assert_eq!(h.value_unit, ValueUnit::Dollars);
    assert_eq!(h.manager.as_deref(), Some("ACORN CREEK CAPITAL LLC"));
    assert_eq!(h.period.unwrap().to_string(), "2024-12-31");
    // Filed 2023-02 for Q4 2022, still in thousands (3M: 287 for 2,397 shares).
    let h = holdings("sec/13f/13F-HR_Bull_Street_Advisors_LLC_0001790837-23-000002.txt").unwrap();
    assert_eq!(h.holdings.len(), 90);
    assert_eq!(h.value_unit, ValueUnit::Thousands);
    assert_eq!(h.holdings[0].value_usd, 287_000.0);
    assert_eq!(h.total_value_usd, 192_767_000.0);
    // Filed after the cutover, so the date says dollars: 90 share rows overrule it,
    // and the file carries the warning.
    assert_eq!(h.warnings.len(), 1, "{:?}", h.warnings);
    assert!(h.value_unit_reason.contains("90 share rows outweighs the date"), "{}", h.value_unit_reason);
    // A 2021 period re-filed in 2023 in dollars: 6 rows, $11,019,796.
    let h = holdings("sec/13f/13F-HR_METLIFE_INC_0001140361-23-013281.txt").unwrap();
    assert_eq!((h.holdings.len(), h.total_value_usd, h.value_unit), (6, 11_019_796.0, ValueUnit::Dollars));
    assert!(h.warnings.is_empty() && h.value_unit_reason.contains("consistent"), "{}", h.value_unit_reason);
    let h = holdings("sec/13f/13F-HR_LTS_One_Management_LP_0001894188-23-000007.txt").unwrap();
    assert_eq!((h.holdings.len(), h.total_value_usd), (14, 454_926_000.0));
    // Bare information table with a default namespace and a stray `n1` prefix.
    let h = holdings("sec/13f/sfs_infotable.xml").unwrap();
    assert_eq!(h.holdings.len(), 80);
    assert_eq!(h.value_unit, ValueUnit::Thousands);
    // Cover page alone: the total comes from the summary page.
    let h = holdings("sec/13f/sfs_primary_doc.xml").unwrap();
    assert!(h.holdings.is_empty() && h.has_cover && !h.has_table);
    assert_eq!(h.total_value_usd, 108_376_000.0);
}

#[test]
fn companyfacts_counts_match_sources_md() {
    // SOURCES.md: Apple 24579 facts in dei and us-gaap; Merchants Bancorp 15491
    // facts including the `invest` taxonomy.
    let Some((name, bytes)) = read("sec/companyfacts/CIK0000320193.json") else { return };
    let Parsed::CompanyFacts(f) = parse(Kind::CompanyFacts, &name, &bytes).unwrap() else { panic!() };
    assert_eq!((f.cik, f.facts.len()), (320193, 24579));
    assert_eq!(f.entity_name, "Apple Inc.");
    let split = f.facts.iter().find(|x| x.concept == "StockholdersEquityNoteStockSplitConversionRatio1").unwrap();
    assert_eq!((split.end.as_ref(), split.val, split.unit.as_ref()), ("2014-06-06", 7.0, "pure"));
    let (name, bytes) = read("sec/companyfacts/CIK0001629019.json").unwrap();
    let Parsed::CompanyFacts(f) = parse(Kind::CompanyFacts, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(f.facts.len(), 15491);
    assert!(f.facts.iter().any(|x| x.taxonomy == "invest"));
}

#[test]
fn submissions_main_file_and_page() {
    let Some((name, bytes)) = read("sec/submissions/CIK0000320193.json") else { return };
    let Parsed::Submissions(s) = parse(Kind::Submissions, &name, &bytes).unwrap() else { panic!() };
    let f = s.filer.unwrap();
    assert_eq!(
        (s.cik.get(), f.tickers[0].as_str(), f.sic, f.fiscal_year_end.as_deref()),
        (320193, "AAPL", Some(3571), Some("0926"))
    );
    assert_eq!(s.filings.len(), 1005);
    assert_eq!(s.filings[0].accession.as_str(), "0001059235-26-000004");
    let (name, bytes) = read("sec/submissions/CIK0001009672-submissions-001.json").unwrap();
    assert_eq!(detect(&bytes).unwrap(), Detected::Kind(Kind::Submissions));
    let Parsed::Submissions(p) = parse(Kind::Submissions, &name, &bytes).unwrap() else { panic!() };
    assert!(p.filer.is_none());
    assert_eq!((p.cik.get(), p.filings.len()), (1009672, 205));
    assert_eq!(p.filings[0].filed.to_string(), "2003-12-08");
}

#[test]
fn prices_and_tables() {
    let Some((name, bytes)) = read("market/prices/AAPL_data.csv") else { return };
    let Parsed::Prices(p) = parse(Kind::Prices, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(p.bars.len(), 1259);
    let b = p.bars.iter().find(|b| b.date.to_string() == "2014-05-01").unwrap();
    assert_eq!((b.close, b.line), (Some(78.5601), birth_line(&bytes, "2014-05-01")));
    // BHF has empty cells: reported, left empty.
    let (name, bytes) = read("market/prices/BHF_data.csv").unwrap();
    let Parsed::Prices(p) = parse(Kind::Prices, &name, &bytes).unwrap() else { panic!() };
    let bad = p.bars.iter().find(|b| b.open.is_none()).unwrap();
    assert_eq!(bad.date.to_string(), "2017-07-26");
    assert!(p.warnings.iter().any(|w| w.to_string().starts_with("line 9:")));

    let (name, bytes) = read("market/fundamentals/fundamentals.csv").unwrap();
    let Parsed::Fundamentals(t) = parse(Kind::Fundamentals, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(t.rows.len(), 1432);
    let (name, bytes) = read("market/securities/securities.csv").unwrap();
    let Parsed::Listings(l) = parse(Kind::Listings, &name, &bytes).unwrap() else { panic!() };
    assert_eq!(l.rows.len(), 407);
    let mmm = &l.rows[0];
    assert_eq!((mmm.ticker.as_str(), mmm.cik, mmm.line), ("MMM", Some(66740), 2));
}

/// 1-based line on which a row starting with `prefix` sits, found independently.
fn birth_line(bytes: &[u8], prefix: &str) -> u64 {
    let text = std::str::from_utf8(bytes).unwrap();
    text.lines().position(|l| l.starts_with(prefix)).unwrap() as u64 + 1
}

#[test]
fn reuters_articles_and_stocknet_posts() {
    let Some((name, bytes)) = read("text/news/reuters_2010_2012_companies.jsonl") else { return };
    assert_eq!(detect(&bytes).unwrap(), Detected::Kind(Kind::Articles));
    let Parsed::Documents(d) = parse(Kind::Articles, &name, &bytes).unwrap() else { panic!() };
    // SOURCES.md: 7,440 articles, every published timestamp parsed.
    assert_eq!(d.documents.len(), 7440);
    assert!(d.warnings.is_empty());
    let k = &d.documents[0];
    assert_eq!(k.published_utc.to_rfc3339(), "2010-01-03T14:22:00+00:00");
    assert_eq!(k.known_date.to_string(), "2010-01-04", "a Sunday article counts on Monday's close");

    let dir = data_dir().unwrap().join("social/stocknet/tweet/preprocessed/AAPL");
    let bytes = std::fs::read(dir.join("2014-01-02")).unwrap();
    assert_eq!(detect(&bytes).unwrap(), Detected::Kind(Kind::Posts));
    let Parsed::Documents(p) = parse(Kind::Posts, "AAPL/2014-01-02", &bytes).unwrap() else { panic!() };
    let lines = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
    assert_eq!(p.documents.len(), lines);
    assert!(p.documents.iter().all(|x| x.ticker_hint.as_deref() == Some("AAPL")));
}
