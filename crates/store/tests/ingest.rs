//! Ingest behaviour: bad input, idempotence, crash safety and schema upgrades.

use alphadesk_store::{Outcome, Store};

const PRICES: &str = "date,open,high,low,close,volume,Name\n2014-01-02,1,2,0.5,1.5,100,ABC\n2014-01-03,1,2,0.5,1.6,100,ABC\n2014-01-06,1,2,0.5,1.7,100,ABC\n";

const FACTS: &str = r#"{"cik": 1, "entityName": "ABC Corp", "facts": {"us-gaap": {"Revenues": {"label": "Revenue", "units": {"USD": [
 {"start": "2013-01-01", "end": "2013-12-31", "val": 100, "accn": "0000000001-14-000001", "fy": 2013, "fp": "FY", "form": "10-K", "filed": "2014-02-20", "frame": "CY2013"},
 {"start": "2014-01-01", "end": "2014-03-31", "val": 30, "accn": "0000000001-14-000002", "fy": 2014, "fp": "Q1", "form": "10-Q", "filed": "2014-04-25"}]}}}}}"#;

const FORM4: &str = r#"<?xml version="1.0"?><ownershipDocument><schemaVersion>X0306</schemaVersion><documentType>4</documentType>
<periodOfReport>2014-01-03</periodOfReport><issuer><issuerCik>0000000001</issuerCik><issuerName>ABC</issuerName><issuerTradingSymbol>ABC</issuerTradingSymbol></issuer>
<reportingOwner><reportingOwnerId><rptOwnerCik>0000000009</rptOwnerCik><rptOwnerName>Doe Jane</rptOwnerName></reportingOwnerId><reportingOwnerRelationship><isDirector>1</isDirector></reportingOwnerRelationship></reportingOwner>
<nonDerivativeTable><nonDerivativeTransaction><securityTitle><value>Common</value></securityTitle><transactionDate><value>2014-01-03</value></transactionDate>
<transactionCoding><transactionCode>P</transactionCode></transactionCoding><transactionAmounts><transactionShares><value>100</value></transactionShares>
<transactionPricePerShare><value>1.6</value></transactionPricePerShare><transactionAcquiredDisposedCode><value>A</value></transactionAcquiredDisposedCode></transactionAmounts>
<postTransactionAmounts><sharesOwnedFollowingTransaction><value>100</value></sharesOwnedFollowingTransaction></postTransactionAmounts></nonDerivativeTransaction></nonDerivativeTable></ownershipDocument>"#;

fn store() -> Store {
    Store::open_in_memory().unwrap()
}

fn failed(o: &Outcome) -> &str {
    match o {
        Outcome::Failed { error, .. } => error,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn good_files_store_and_second_run_is_a_no_op() {
    let mut s = store();
    for (name, body) in [("ABC_data.csv", PRICES), ("CIK0000000001.json", FACTS), ("f4.xml", FORM4)] {
        let r = s.ingest_bytes(name, body.as_bytes(), true);
        assert!(matches!(r.outcome, Outcome::Stored { .. }), "{name}: {:?}", r.outcome);
    }
    let before = s.counts().unwrap();
    assert_eq!((before.price_bars, before.facts, before.insider_transactions), (3, 2, 1));
    for (name, body) in [("ABC_data.csv", PRICES), ("CIK0000000001.json", FACTS), ("f4.xml", FORM4)] {
        let r = s.ingest_bytes(name, body.as_bytes(), true);
        assert!(matches!(r.outcome, Outcome::Unchanged { .. }));
    }
    assert_eq!(s.counts().unwrap(), before);
    // Bare XML has no filing date: known two business days after the period.
    let (filed, est): (String, bool) = s
        .conn()
        .query_row("SELECT filed, filed_estimated FROM insider_reports", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((filed.as_str(), est), ("2014-01-07", true));
}

#[test]
fn bad_inputs_fail_with_place_and_lose_nothing() {
    let mut s = store();
    s.ingest_bytes("ABC_data.csv", PRICES.as_bytes(), true);
    let before = s.counts().unwrap();

    let truncated = &FACTS.as_bytes()[..FACTS.len() / 2];
    let e = s.ingest_bytes("CIK0000000001.json", truncated, true);
    let msg = failed(&e.outcome);
    assert!(msg.contains("truncated JSON") && msg.contains("line"), "{msg}");

    let malformed = FORM4.replace("</issuerName>", "</issuerNam>");
    let e = s.ingest_bytes("f4.xml", malformed.as_bytes(), true);
    let msg = failed(&e.outcome);
    assert!(msg.contains("malformed XML") && msg.contains("ownershipDocument/issuer/issuerName"), "{msg}");

    let e = s.ingest_bytes("empty.csv", b"", true);
    assert_eq!(failed(&e.outcome), "empty file");
    let e = s.ingest_bytes("blob.csv", b"date,close\n\x00\x01\x02", true);
    assert!(failed(&e.outcome).contains("binary"), "{:?}", e.outcome);
    let e = s.ingest_bytes("notes.txt", b"hello world\n", true);
    assert!(failed(&e.outcome).contains("not a source"));
    // In a folder walk the same file is a skip, not a failure.
    assert!(matches!(s.ingest_bytes("notes.txt", b"hello world\n", false).outcome, Outcome::Skipped { .. }));

    assert_eq!(s.counts().unwrap(), before, "a failed file must not change the store");
}

#[test]
fn broken_csv_row_is_reported_and_good_rows_kept() {
    let mut s = store();
    let csv = "date,open,high,low,close,volume,Name\n2014-01-02,1,2,0.5,1.5,100,ABC\n2014-01-03,1,2\n2014-01-06,1,2,0.5,,100,ABC\n";
    let r = s.ingest_bytes("ABC_data.csv", csv.as_bytes(), true);
    let Outcome::Stored { rows, warnings, .. } = r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(rows, 2);
    let text: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert!(text.iter().any(|w| w.starts_with("line 3:") && w.contains("3 fields")), "{text:?}");
    assert!(text.iter().any(|w| w.starts_with("line 4:") && w.contains("close")), "{text:?}");
    let close: Option<f64> =
        s.conn().query_row("SELECT close FROM prices WHERE date = '2014-01-06'", [], |r| r.get(0)).unwrap();
    assert_eq!(close, None, "an empty close is stored empty, not invented");
}

#[test]
fn unexpected_namespaces_are_read() {
    let mut s = store();
    let t = r#"<?xml version="1.0"?><x:informationTable xmlns:x="http://example.com/not-sec"><x:infoTable><x:nameOfIssuer>APPLE INC</x:nameOfIssuer>
<x:titleOfClass>COM</x:titleOfClass><x:cusip>037833100</x:cusip><x:value>1000</x:value><x:shrsOrPrnAmt><x:sshPrnamt>10</x:sshPrnamt>
<x:sshPrnamtType>SH</x:sshPrnamtType></x:shrsOrPrnAmt></x:infoTable></x:informationTable>"#;
    let r = s.ingest_bytes("t.xml", t.as_bytes(), true);
    assert!(matches!(r.outcome, Outcome::Stored { .. }), "{:?}", r.outcome);
    let v: f64 = s.conn().query_row("SELECT value_usd FROM holdings", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 1000.0, "value/shares = 100: dollars");
}

#[test]
fn injected_fault_mid_file_rolls_back_and_rerun_completes() {
    let mut s = store();
    s.ingest_bytes("ABC_data.csv", PRICES.as_bytes(), true);
    let before = s.counts().unwrap();
    s.inject_fault_after_rows(Some(1));
    let r = s.ingest_bytes("CIK0000000001.json", FACTS.as_bytes(), true);
    assert!(failed(&r.outcome).contains("injected fault"));
    assert_eq!(s.counts().unwrap(), before, "the half-written file left nothing behind");
    s.check_integrity().unwrap();
    s.inject_fault_after_rows(None);
    let r = s.ingest_bytes("CIK0000000001.json", FACTS.as_bytes(), true);
    assert!(matches!(r.outcome, Outcome::Stored { rows: 2, .. }), "{:?}", r.outcome);
}

#[test]
fn older_store_file_is_upgraded_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // What a version-1 build wrote: a source and its price rows.
        let old = Store::open_at_version(&path, 1).unwrap();
        assert_eq!(old.schema_version().unwrap(), 1);
        old.conn()
            .execute_batch(
                "INSERT INTO sources (id, path, sha256, kind, bytes, ingested_at, rows) VALUES (1, 'ABC_data.csv', 'x', 'prices', 1, '2026-01-01T00:00:00Z', 3);
                 INSERT INTO price_series VALUES ('ABC', 'adjusted_ohlcv', '2014-01-02', '2014-01-06', '2014-01-06', 1);
                 INSERT INTO prices VALUES ('ABC', '2014-01-02', 1, 2, 0.5, 1.5, 1.5, 100, 1, 2),
                                           ('ABC', '2014-01-03', 1, 2, 0.5, 1.6, 1.6, 100, 1, 3),
                                           ('ABC', '2014-01-06', 1, 2, 0.5, NULL, NULL, 100, 1, 4);",
            )
            .unwrap();
        assert!(old.conn().prepare("SELECT * FROM securities").is_err(), "version 1 has no securities view");
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), alphadesk_store::schema::LATEST);
    assert_eq!(s.counts().unwrap().price_bars, 3, "data survives the upgrade");
    // The columnar cache added by migration 3 is built from the old rows.
    let cols = alphadesk_store::columns::all(s.conn()).unwrap();
    assert_eq!(cols.len(), 1);
    assert_eq!(cols[0].dates.len(), 3);
    assert_eq!(cols[0].adj[1], 1.6);
    assert!(cols[0].adj[2].is_nan(), "an empty close stays empty in the cache");
    assert_eq!(cols[0].lines, vec![2, 3, 4]);
}

#[test]
fn store_from_the_future_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite_version_bump(&path);
    drop(conn);
    let err = Store::open(&path).err().expect("must refuse");
    assert!(err.to_string().contains("newer"), "{err}");
}

fn rusqlite_version_bump(path: &std::path::Path) -> alphadesk_store::Connection {
    let c = alphadesk_store::Connection::open(path).unwrap();
    c.pragma_update(None, "user_version", 999).unwrap();
    c
}

#[test]
fn articles_in_every_layout_are_stored_once() {
    let mut s = store();
    let md = "---\ntitle: Sales jump\npublished: 2014-03-03T09:00:00-05:00\n---\n\nSales rose 5 percent.\n";
    let r = s.ingest_bytes("a.md", md.as_bytes(), true);
    assert!(matches!(r.outcome, Outcome::Stored { rows: 1, .. }), "{:?}", r.outcome);
    let rss = r#"<rss version="2.0"><channel><item><title>A</title><link>http://x/1</link><description>Profit rose.</description><pubDate>Tue, 24 Jan 2012 10:00:00 -0500</pubDate></item></channel></rss>"#;
    assert!(matches!(s.ingest_bytes("f.rss", rss.as_bytes(), true).outcome, Outcome::Stored { rows: 1, .. }));
    // The same URL again, in another feed file: not stored twice.
    let rss2 = rss.replace("<title>A</title>", "<title>A (updated)</title>");
    let r = s.ingest_bytes("g.rss", rss2.as_bytes(), true);
    let Outcome::Stored { rows, warnings, .. } = r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(rows, 0);
    assert!(warnings.iter().any(|w| w.message.contains("duplicate")));
    let undated = s.ingest_bytes("u.md", b"# Title\n\nno date here\n", true);
    assert!(matches!(undated.outcome, Outcome::Failed { .. }), "an undated article is refused when named");
    assert_eq!(s.counts().unwrap().articles, 2);
    let (known,): (String,) = s
        .conn()
        .query_row("SELECT known_date FROM documents WHERE url = 'http://x/1'", [], |r| Ok((r.get(0)?,)))
        .unwrap();
    assert_eq!(known, "2012-01-24");
}

/// A Form 4 (or 4/A) as an EDGAR full-text submission: `shares` sold at $50.
fn form4_filing(accession: &str, filed: &str, amendment_of: Option<&str>, shares: u32) -> String {
    let (doc_type, original) = match amendment_of {
        Some(d) => ("4/A", format!("<dateOfOriginalSubmission>{d}</dateOfOriginalSubmission>")),
        None => ("4", String::new()),
    };
    let compact = filed.replace('-', "");
    format!(
        "<SEC-DOCUMENT>{accession}.txt : {compact}\n<SEC-HEADER>{accession}.hdr.sgml : {compact}\nACCESSION NUMBER:\t\t{accession}\nCONFORMED SUBMISSION TYPE:\t{doc_type}\nFILED AS OF DATE:\t\t{compact}\n</SEC-HEADER>\n<DOCUMENT>\n<TYPE>{doc_type}\n<TEXT>\n<XML>\n<?xml version=\"1.0\"?><ownershipDocument><schemaVersion>X0306</schemaVersion><documentType>{doc_type}</documentType>\
<periodOfReport>2017-02-27</periodOfReport>{original}<issuer><issuerCik>0000000001</issuerCik><issuerName>ABC</issuerName><issuerTradingSymbol>ABC</issuerTradingSymbol></issuer>\
<reportingOwner><reportingOwnerId><rptOwnerCik>0000000009</rptOwnerCik><rptOwnerName>Doe Jane</rptOwnerName></reportingOwnerId><reportingOwnerRelationship><isOfficer>1</isOfficer></reportingOwnerRelationship></reportingOwner>\
<nonDerivativeTable><nonDerivativeTransaction><securityTitle><value>Common</value></securityTitle><transactionDate><value>2017-02-27</value></transactionDate>\
<transactionCoding><transactionCode>S</transactionCode></transactionCoding><transactionAmounts><transactionShares><value>{shares}</value></transactionShares>\
<transactionPricePerShare><value>50</value></transactionPricePerShare><transactionAcquiredDisposedCode><value>D</value></transactionAcquiredDisposedCode></transactionAmounts>\
<postTransactionAmounts><sharesOwnedFollowingTransaction><value>0</value></sharesOwnedFollowingTransaction></postTransactionAmounts></nonDerivativeTransaction></nonDerivativeTable></ownershipDocument>\n</XML>\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"
    )
}

#[test]
fn an_amendment_replaces_its_original_from_its_filing_date() {
    let original = form4_filing("0000000009-17-000001", "2017-03-01", None, 10_000);
    let amendment = form4_filing("0000000009-17-000002", "2017-03-10", Some("2017-03-01"), 1_000);
    // Either order of arrival links the two.
    for order in [[&original, &amendment], [&amendment, &original]] {
        let mut s = store();
        for (i, f) in order.iter().enumerate() {
            let r = s.ingest_bytes(&format!("f{i}.txt"), f.as_bytes(), true);
            assert!(matches!(r.outcome, Outcome::Stored { .. }), "{:?}", r.outcome);
        }
        let trades = alphadesk_store::read::open_market_trades(s.conn()).unwrap();
        assert_eq!(trades.len(), 2, "both stay stored");
        let d = |x: &str| x.parse::<alphadesk_model::NaiveDate>().unwrap();
        let counted =
            |on: &str| -> Vec<f64> { trades.iter().filter(|t| t.current_on(d(on))).map(|t| t.shares).collect() };
        assert_eq!(counted("2017-03-05"), [10_000.0], "before the amendment, the original counts");
        assert_eq!(counted("2017-03-10"), [1_000.0], "from its filing, the amendment replaces it");
        assert_eq!(counted("2017-02-28"), Vec::<f64>::new());
    }
}

/// Batch mode: each file its own unit inside a shared transaction, reports handed
/// out only once committed, nothing visible to another connection before that.
#[test]
fn a_batch_keeps_each_file_whole_and_reports_only_what_it_committed() {
    use alphadesk_store::BatchLimits;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.db");
    let mut s = Store::open(&path).unwrap();
    let reader = || Store::open_read_only(&path).unwrap().counts().unwrap();
    s.begin_batches(BatchLimits { documents: 100, rows: 1_000_000, held: std::time::Duration::from_secs(3600) });

    let other_facts = FACTS.replace("\"cik\": 1", "\"cik\": 2").replace("ABC Corp", "DEF Corp");
    assert!(s.stage_bytes("ABC_data.csv", PRICES.as_bytes(), true).is_empty(), "nothing said before the commit");
    assert!(s.stage_bytes("broken.json", b"{\"cik\": 1, \"facts\": {", true).is_empty());
    s.inject_fault_after_rows(Some(1));
    assert!(s.stage_bytes("CIK0000000002.json", other_facts.as_bytes(), true).is_empty());
    s.inject_fault_after_rows(None);
    assert!(s.stage_bytes("CIK0000000001.json", FACTS.as_bytes(), true).is_empty());
    assert_eq!(reader().sources, 0, "another connection sees nothing of an open batch");

    let reports = s.settle();
    let outcomes: Vec<&str> = reports
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Stored { .. } => "stored",
            Outcome::Failed { .. } => "failed",
            _ => "other",
        })
        .collect();
    assert_eq!(outcomes, ["stored", "failed", "failed", "stored"], "{reports:?}");
    assert!(failed(&reports[2].outcome).contains("injected fault"));
    let c = reader();
    assert_eq!((c.sources, c.price_bars, c.facts), (2, 3, 2), "the file that failed mid-write left nothing");
    s.check_integrity().unwrap();

    // Stored files are recognised again inside a batch, and a full batch commits
    // at once, handing out its reports.
    s.begin_batches(BatchLimits { documents: 2, rows: 1_000_000, held: std::time::Duration::from_secs(3600) });
    assert!(s.stage_bytes("ABC_data.csv", PRICES.as_bytes(), true).is_empty());
    let two = s.stage_bytes("CIK0000000002.json", other_facts.as_bytes(), true);
    assert!(matches!(two[0].outcome, Outcome::Unchanged { .. }), "{two:?}");
    assert!(matches!(two[1].outcome, Outcome::Stored { rows: 2, .. }), "{two:?}");
    assert_eq!(reader().facts, 4, "committed when the batch was full");
    assert!(s.settle().is_empty());
}

/// A run of files read and parsed elsewhere is written in one savepoint: a
/// file that fails mid-write rolls back alone, and every file's report is the
/// one it has when the files are written one at a time.
#[test]
fn a_run_of_prepared_files_keeps_each_file_whole() {
    use alphadesk_store::{BatchLimits, Prepared};
    let dir = tempfile::tempdir().unwrap();
    let other_facts = FACTS.replace("\"cik\": 1", "\"cik\": 2").replace("ABC Corp", "DEF Corp");
    let files = [
        ("CIK0000000001.json", FACTS.as_bytes()),
        ("ABC_data.csv", PRICES.as_bytes()),
        ("broken.json", b"{\"cik\": 1, \"facts\": {".as_slice()),
        ("CIK0000000002.json", other_facts.as_bytes()),
    ];
    let paths: Vec<_> = files
        .iter()
        .map(|(name, bytes)| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect();
    let outcomes = |reports: &[alphadesk_store::FileReport]| -> Vec<String> {
        reports
            .iter()
            .map(|r| match &r.outcome {
                Outcome::Stored { rows, .. } => format!("stored {rows}"),
                Outcome::Unchanged { .. } => "unchanged".into(),
                Outcome::Failed { error, .. } => format!("failed: {error}"),
                Outcome::Skipped { .. } => "skipped".into(),
            })
            .collect()
    };
    // A price file of three bars fails on its third row; the facts (two rows each) do not.
    let written = |one_at_a_time: bool| {
        let db = dir.path().join(format!("run-{one_at_a_time}.db"));
        let mut s = Store::open(&db).unwrap();
        let known = s.known_sources().unwrap();
        let run: Vec<Prepared> = paths.iter().map(|p| Prepared::read(p, true, &known)).collect();
        s.begin_batches(BatchLimits::default());
        s.inject_fault_after_rows(Some(3));
        let mut reports = Vec::new();
        if one_at_a_time {
            run.iter().for_each(|f| reports.extend(s.stage_prepared(f)));
        } else {
            reports.extend(s.stage_run(&run));
        }
        reports.extend(s.settle());
        s.inject_fault_after_rows(None);
        s.check_integrity().unwrap();
        (outcomes(&reports), s.counts().unwrap(), db)
    };
    let (run, counts, db) = written(false);
    assert_eq!(run[0], "stored 2");
    assert!(run[1].contains("injected fault"), "{run:?}");
    assert!(run[2].starts_with("failed: ") && !run[2].contains("injected"), "{run:?}");
    assert_eq!(run[3], "stored 2");
    assert_eq!((counts.sources, counts.facts, counts.price_bars), (2, 4, 0), "the failed file left nothing");
    let (alone, alone_counts, _) = written(true);
    assert_eq!(run, alone, "a run reports each file as one-at-a-time writing does");
    assert_eq!(format!("{counts:?}"), format!("{alone_counts:?}"));

    // Again: what the store held when the run began is known without a parse,
    // and the file that failed is written now.
    let mut s = Store::open(&db).unwrap();
    let known = s.known_sources().unwrap();
    let run: Vec<Prepared> = paths.iter().map(|p| Prepared::read(p, true, &known)).collect();
    let mut reports = s.stage_run(&run);
    reports.extend(s.settle());
    let again = outcomes(&reports);
    assert_eq!(again[0], "unchanged");
    assert_eq!(again[1], "stored 3");
    assert_eq!(again[3], "unchanged");
}

/// A store dropped with a batch open keeps the files written in it: each is
/// complete, and losing them would only make a re-run do them again.
#[test]
fn a_store_dropped_mid_batch_keeps_its_complete_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dropped.db");
    {
        let mut s = Store::open(&path).unwrap();
        s.begin_batches(alphadesk_store::BatchLimits::default());
        s.stage_bytes("ABC_data.csv", PRICES.as_bytes(), true);
    }
    let s = Store::open_read_only(&path).unwrap();
    assert_eq!(s.counts().unwrap().price_bars, 3);
}

/// The page number a table or index starts on, and the file's page size.
fn root_page(path: &std::path::Path, name: &str) -> (u64, u64) {
    let s = Store::open(path).unwrap();
    let root: i64 =
        s.conn().query_row("SELECT rootpage FROM sqlite_master WHERE name = ?1", [name], |r| r.get(0)).unwrap();
    let size: i64 = s.conn().query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    (root as u64, size as u64)
}

#[test]
fn the_list_of_sources_survives_a_damaged_page_in_its_table_or_its_index() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let files = [("ABC_data.csv", PRICES), ("CIK0000000001.json", FACTS), ("f4.xml", FORM4)];
    {
        let mut s = Store::open(&db).unwrap();
        for (name, body) in files {
            let r = s.ingest_bytes(name, body.as_bytes(), true);
            assert!(matches!(r.outcome, Outcome::Stored { .. }), "{name}: {:?}", r.outcome);
        }
        s.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let want: Vec<String> = files.iter().map(|(n, _)| n.to_string()).collect();
    let pages = ["sources", "sources_paths"].map(|name| root_page(&db, name));
    let clean = std::fs::read(&db).unwrap();
    let damage = |bytes: &mut Vec<u8>, (root, size): (u64, u64)| {
        let at = ((root - 1) * size) as usize;
        bytes[at..at + size as usize].fill(0x5a);
    };
    for (name, page) in ["sources", "sources_paths"].into_iter().zip(pages) {
        let mut bytes = clean.clone();
        damage(&mut bytes, page);
        std::fs::write(&db, &bytes).unwrap();
        let s = Store::open_read_only(&db).unwrap();
        assert_eq!(s.source_paths_in_order().unwrap(), want, "with the {name} page damaged");
    }
    // Both damaged: an error that says so, never a short list.
    let mut bytes = clean.clone();
    pages.into_iter().for_each(|p| damage(&mut bytes, p));
    std::fs::write(&db, &bytes).unwrap();
    let e = Store::open_read_only(&db).unwrap().source_paths_in_order().unwrap_err();
    assert!(e.to_string().contains("damaged in the table"), "{e}");
}

#[test]
fn a_damaged_fact_set_fails_the_integrity_check_and_is_never_read_as_facts() {
    let mut s = Store::open_in_memory().unwrap();
    s.ingest_bytes("CIK0000000001.json", FACTS.as_bytes(), true);
    assert_eq!(alphadesk_store::read::facts_of(s.conn(), 1, &["Revenues"]).unwrap().len(), 2);
    assert_eq!(s.check_integrity(), Ok(()));
    // One byte of the stored set changed, as a damaged page would change it:
    // SQLite's own check reads the page, not what the set says.
    let changed = s
        .conn()
        .execute(
            "UPDATE fact_sets SET encoded = CAST(substr(encoded, 1, 20) || x'ff' || substr(encoded, 22) AS BLOB)
             WHERE substr(encoded, 21, 1) <> x'ff'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let err = s.check_integrity().unwrap_err();
    assert!(err.contains("source 1") && err.contains("checksum"), "{err}");
    let read = alphadesk_store::read::facts_of(s.conn(), 1, &["Revenues"]);
    assert!(read.as_ref().is_err_and(|e| e.is_corrupt()), "{read:?}");
}

#[test]
fn facts_stored_as_rows_read_back_the_same_after_the_move_to_sets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // What a version-18 build wrote: a fact a row, `''` for no start or
        // frame, stored out of key order (the rows' order is by `seq`).
        let old = Store::open_at_version(&path, 18).unwrap();
        old.conn()
            .execute_batch(
                "INSERT INTO sources (id, path, sha256, kind, bytes, ingested_at, rows) VALUES
                     (1, 'CIK0000000007.json', 'a', 'companyfacts', 1, '2026-01-01T00:00:00Z', 2),
                     (2, 'CIK0000000007-b.json', 'b', 'companyfacts', 1, '2026-01-02T00:00:00Z', 1);
                 INSERT INTO facts (cik, concept, taxonomy, unit, start, end, accn, frame, value, fy, fp, form, filed, source_id, seq) VALUES
                     (7, 'Revenues', 'us-gaap', 'USD', '2015-01-01', '2015-12-31', '0000000007-16-000001', 'CY2015', 100.0, 2015, 'FY', '10-K', '2016-02-01', 1, 1),
                     (7, 'Assets', 'us-gaap', 'USD', '', '2015-12-31', '0000000007-16-000001', '', 5.5, NULL, NULL, '10-K', '2016-02-01', 1, 0),
                     (7, 'Revenues', 'us-gaap', 'USD', '2016-01-01', '2016-12-31', '0000000007-17-000001', '', 120.0, 2016, 'FY', '10-K', '2017-02-01', 2, 4);",
            )
            .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.counts().unwrap().facts, 3);
    assert!(s.conn().prepare("SELECT * FROM facts").is_err(), "the rows' table is gone");
    let facts = alphadesk_store::read::facts_of(s.conn(), 7, &["Revenues", "Assets"]).unwrap();
    let seen: Vec<String> = facts
        .iter()
        .map(|f| {
            format!("{} {:?} {} {:?} {}", f.concept, f.start.map(|d| d.to_string()), f.value, f.frame, f.source_path)
        })
        .collect();
    assert_eq!(
        seen,
        [
            r#"Assets None 5.5 None CIK0000000007.json"#,
            r#"Revenues Some("2015-01-01") 100 Some("CY2015") CIK0000000007.json"#,
            r#"Revenues Some("2016-01-01") 120 None CIK0000000007-b.json"#,
        ]
    );
    assert_eq!(s.check_integrity(), Ok(()));
}

#[test]
fn a_later_snapshot_of_a_filers_facts_adds_only_what_is_new() {
    let mut s = Store::open_in_memory().unwrap();
    assert!(matches!(s.ingest_bytes("CIK0000000001.json", FACTS.as_bytes(), true).outcome, Outcome::Stored { .. }));
    // A later snapshot: the same two facts, and one new one.
    let later = FACTS.replace(
        r#""form": "10-Q", "filed": "2014-04-25"}"#,
        r#""form": "10-Q", "filed": "2014-04-25"}, {"start": "2014-01-01", "end": "2014-06-30", "val": 61, "accn": "0000000001-14-000003", "fy": 2014, "fp": "Q2", "form": "10-Q", "filed": "2014-07-25"}"#,
    );
    assert_ne!(later, FACTS, "the fixture changed");
    let report = s.ingest_bytes("CIK0000000001-later.json", later.as_bytes(), true);
    assert!(matches!(report.outcome, Outcome::Stored { .. }), "{report:?}");
    let facts = alphadesk_store::read::facts_of(s.conn(), 1, &["Revenues"]).unwrap();
    assert_eq!((s.counts().unwrap().facts, facts.len()), (3, 3), "no fact stored twice: {facts:?}");
    let from_later: Vec<f64> =
        facts.iter().filter(|f| f.source_path == "CIK0000000001-later.json").map(|f| f.value).collect();
    assert_eq!(from_later, vec![61.0], "the new fact, cited to the snapshot that brought it");
}

#[test]
fn write_all_reports_every_document_in_the_order_given_across_runs_and_preparers() {
    let mut s = store();
    // More documents than two runs hold, so every preparer takes turns; a real
    // file among them at each end.
    let mut given = vec![alphadesk_store::Incoming::Fetched {
        url: "https://example.test/CIK0000000001.json".into(),
        bytes: FACTS.as_bytes().to_vec(),
        fetch: alphadesk_store::Fetch::default(),
    }];
    given.extend(
        (0..2_600)
            .map(|i| alphadesk_store::Incoming::Failed { path: format!("entry-{i:05}"), error: "corrupt".into() }),
    );
    given.push(alphadesk_store::Incoming::Fetched {
        url: "https://example.test/ABC_data.csv".into(),
        bytes: PRICES.as_bytes().to_vec(),
        fetch: alphadesk_store::Fetch::default(),
    });
    let mut paths = Vec::new();
    s.write_all(given.into_iter(), |r| paths.push(r.path));
    let want: Vec<String> = std::iter::once("https://example.test/CIK0000000001.json".to_string())
        .chain((0..2_600).map(|i| format!("entry-{i:05}")))
        .chain(std::iter::once("https://example.test/ABC_data.csv".to_string()))
        .collect();
    assert_eq!(paths, want);
    let c = s.counts().unwrap();
    assert_eq!((c.sources, c.facts, c.price_bars), (2, 2, 3));
}

#[test]
fn a_panic_while_reading_documents_reaches_the_caller_instead_of_hanging() {
    // The documents' iterator panics partway: the preparer taking it dies,
    // the others must not wait for its turn forever, and the panic reaches
    // the caller of `write_all`.
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut s = store();
        let docs = (0..3_000).map(|i| {
            assert!(i != 1_500, "a reader fails on entry {i}");
            alphadesk_store::Incoming::Failed { path: format!("entry-{i}"), error: "corrupt".into() }
        });
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.write_all(docs, |_| {})));
        let _ = done.send(outcome.is_err());
    });
    let panicked = finished.recv_timeout(std::time::Duration::from_secs(30)).expect("write_all hung after a panic");
    assert!(panicked, "the panic was swallowed");
}
