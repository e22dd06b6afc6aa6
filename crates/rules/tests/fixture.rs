//! Notes on a hand-written market where every section has data: three industrial
//! companies with a year and a half of prices, two insiders selling Widget Works
//! shares (Form 4), one manager's 13F holdings over two quarters, and a Reuters-style
//! article naming Widget Works and Gadget Corp. The shared data has no insider, 13F
//! or article overlapping its price years, so these paths are pinned here, by hand.

use alphadesk_model::NaiveDate;
use alphadesk_notes::{compose, render, Desk, Note};
use alphadesk_rules::{Checker, RulesConfig};
use alphadesk_score::{ScoreConfig, Universe};
use alphadesk_store::{Outcome, Store};
use chrono::{Datelike, Duration, Weekday};

const SECURITIES: &str = "\"Ticker symbol\",\"Security\",\"SEC filings\",\"GICS Sector\",\"GICS Sub Industry\",\"Address of Headquarters\",\"Date first added\",\"CIK\"
\"WID\",\"Widget Works Inc\",\"reports\",\"Industrials\",\"Industrial Machinery\",\"Springfield, Ohio\",\"\",\"0000000077\"
\"GAD\",\"Gadget Corp\",\"reports\",\"Industrials\",\"Industrial Machinery\",\"Dayton, Ohio\",\"\",\"0000000078\"
\"GIZ\",\"Gizmo Holdings\",\"reports\",\"Industrials\",\"Industrial Machinery\",\"Akron, Ohio\",\"\",\"0000000079\"
\"DOO\",\"Doohickey Inc\",\"reports\",\"Industrials\",\"Industrial Machinery\",\"Toledo, Ohio\",\"\",\"0000000080\"
";

/// Weekday closes from 2015-12-01 to 2017-04-28 on a smooth path per ticker.
fn prices(ticker: &str, start: f64, daily: f64) -> String {
    let mut out = String::from("date,open,high,low,close,volume,Name\n");
    let mut d = NaiveDate::from_ymd_opt(2015, 12, 1).unwrap();
    let mut p = start;
    while d <= NaiveDate::from_ymd_opt(2017, 4, 28).unwrap() {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push_str(&format!("{d},{p:.4},{p:.4},{p:.4},{p:.4},1000,{ticker}\n"));
            p *= 1.0 + daily;
        }
        d += Duration::days(1);
    }
    out
}

fn form4(owner: &str, day: &str, shares: u32, price: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><ownershipDocument><schemaVersion>X0306</schemaVersion><documentType>4</documentType>
<periodOfReport>{day}</periodOfReport><issuer><issuerCik>0000000077</issuerCik><issuerName>Widget Works Inc</issuerName><issuerTradingSymbol>WID</issuerTradingSymbol></issuer>
<reportingOwner><reportingOwnerId><rptOwnerCik>0000000901</rptOwnerCik><rptOwnerName>{owner}</rptOwnerName></reportingOwnerId><reportingOwnerRelationship><isOfficer>1</isOfficer></reportingOwnerRelationship></reportingOwner>
<nonDerivativeTable><nonDerivativeTransaction><securityTitle><value>Common</value></securityTitle><transactionDate><value>{day}</value></transactionDate>
<transactionCoding><transactionCode>S</transactionCode></transactionCoding><transactionAmounts><transactionShares><value>{shares}</value></transactionShares>
<transactionPricePerShare><value>{price}</value></transactionPricePerShare><transactionAcquiredDisposedCode><value>D</value></transactionAcquiredDisposedCode></transactionAmounts>
<postTransactionAmounts><sharesOwnedFollowingTransaction><value>50000</value></sharesOwnedFollowingTransaction></postTransactionAmounts></nonDerivativeTransaction></nonDerivativeTable></ownershipDocument>"#
    )
}

fn thirteen_f(accession: &str, period: &str, filed: &str, quarter: &str, shares: u32) -> String {
    format!(
        r#"<SUBMISSION>
<ACCESSION-NUMBER>{accession}<TYPE>13F-HR<PUBLIC-DOCUMENT-COUNT>2<PERIOD>{period}<FILING-DATE>{filed}<FILER><COMPANY-DATA><CONFORMED-NAME>GIZMO HOLDINGS<CIK>0000000555</COMPANY-DATA></FILER><DOCUMENT><TYPE>13F-HR<SEQUENCE>1<FILENAME>primary_doc.xml<TEXT><XML><?xml version="1.0" encoding="UTF-8"?><edgarSubmission xmlns="http://www.sec.gov/edgar/thirteenffiler"><headerData><submissionType>13F-HR</submissionType><filerInfo><filer><credentials><cik>0000000555</cik></credentials></filer><periodOfReport>{quarter}</periodOfReport></filerInfo></headerData><formData><coverPage><reportCalendarOrQuarter>{quarter}</reportCalendarOrQuarter><filingManager><name>GIZMO HOLDINGS</name></filingManager><reportType>13F HOLDINGS REPORT</reportType></coverPage><summaryPage><tableEntryTotal>1</tableEntryTotal><tableValueTotal>{value}</tableValueTotal></summaryPage></formData></edgarSubmission></XML></TEXT></DOCUMENT><DOCUMENT><TYPE>INFORMATION TABLE<SEQUENCE>2<FILENAME>table.xml<TEXT><XML><?xml version="1.0" encoding="UTF-8"?><informationTable xmlns="http://www.sec.gov/edgar/document/thirteenf/informationtable"><infoTable><nameOfIssuer>WIDGET WORKS INC</nameOfIssuer><titleOfClass>COM</titleOfClass><cusip>958100106</cusip><value>{value}</value><shrsOrPrnAmt><sshPrnamt>{shares}</sshPrnamt><sshPrnamtType>SH</sshPrnamtType></shrsOrPrnAmt><investmentDiscretion>SOLE</investmentDiscretion><votingAuthority><Sole>{shares}</Sole><Shared>0</Shared><None>0</None></votingAuthority></infoTable></informationTable></XML></TEXT></DOCUMENT></SUBMISSION>"#,
        value = shares * 40
    )
}

const ARTICLE: &str = r#"{"title": "Widget Works Inc wins rail contract", "body": "Widget Works Inc said on Monday it won a contract to supply rail parts, beating Gadget Corp for the work. Shares of Widget Works rose after the news. The company will report results on April 27, 2017.", "published": "2017-03-20T09:30:00-04:00", "url": "http://news.example/widget-rail"}"#;

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let mut files: Vec<(String, String)> = vec![
        ("market/securities/securities.csv".into(), SECURITIES.into()),
        ("market/prices/WID_data.csv".into(), prices("WID", 30.0, 0.0008)),
        ("market/prices/GAD_data.csv".into(), prices("GAD", 50.0, 0.0003)),
        ("market/prices/GIZ_data.csv".into(), prices("GIZ", 20.0, -0.0002)),
        ("sec/form4/wid-1.xml".into(), form4("Doe Jane", "2017-03-01", 12000, "41.25")),
        ("sec/form4/wid-2.xml".into(), form4("Roe Richard", "2017-03-08", 3000, "41.80")),
        (
            "sec/13f/orchard-2016q3.nc".into(),
            thirteen_f("0000000555-16-000011", "20160930", "20161110", "09-30-2016", 100_000),
        ),
        (
            "sec/13f/orchard-2016q4.nc".into(),
            thirteen_f("0000000555-17-000003", "20161231", "20170210", "12-31-2016", 150_000),
        ),
        ("text/news/wire.jsonl".into(), format!("{ARTICLE}\n")),
    ];
    for (path, body) in files.drain(..) {
        let r = s.ingest_bytes(&format!("/fixture/{path}"), body.as_bytes(), true);
        assert!(matches!(r.outcome, Outcome::Stored { .. }), "{path}: {:?}", r.outcome);
    }
    alphadesk_news::signals::derive_pending(&mut s, &alphadesk_news::tone::lexicon::LexiconModel, "lexicon-v1")
        .unwrap();
    s
}

fn as_of() -> NaiveDate {
    "2017-03-31".parse().unwrap()
}

fn section(n: &Note, title: &str) -> String {
    let s = n.sections.iter().find(|s| s.title == title).unwrap_or_else(|| panic!("no {title} section"));
    s.sentences.iter().map(|x| x.text.as_str()).collect::<Vec<_>>().join(" | ")
}

#[test]
fn every_section_is_written_from_its_records_and_passes() {
    let s = store();
    let u = Universe::load(&s).unwrap();
    let cfg = ScoreConfig::default();
    let desk = Desk::new(&s, &u, &cfg, as_of()).unwrap();
    let note = compose(&desk.dossier("WID").unwrap()).unwrap();
    let md = render::markdown(&note);
    if std::env::var_os("SHOW_NOTE").is_some() {
        eprintln!("{md}");
    }

    // Insiders: two Form 4 sales, 12,000 at $41.25 and 3,000 at $41.80 = $620,400.
    let insiders = section(&note, "Insider activity");
    assert!(insiders.contains("report two open-market trades by two insiders: sales of $620,400"), "{insiders}");
    assert!(insiders.contains("Doe Jane sold 12,000 shares at $41.25 on March 1, 2017"), "{insiders}");
    // Bare XML has no filing date: known two business days after the trade.
    assert!(insiders.contains("reported on March 3, 2017"), "{insiders}");
    // 13F: one manager, 100,000 -> 150,000 shares, up 50.0%.
    let holdings = section(&note, "Institutional holdings");
    assert!(
        holdings.contains("One manager filing 13F reports for both September 30, 2016 and December 31, 2016 held 150,000 shares at the later date, up 50.0%"),
        "{holdings}"
    );
    // News: the article, linked and quoted by title.
    let news = section(&note, "News");
    assert!(news.contains("alphadesk linked one article to Widget Works Inc"), "{news}");
    assert!(news.contains("“Widget Works Inc wins rail contract” (published March 20, 2017)"), "{news}");
    // The article's dated sentence is a watch item, quoted as written.
    let watch: Vec<&str> = note.watch.iter().map(|w| w.sentence.text.as_str()).collect();
    assert!(watch.contains(&"April 27, 2017: “The company will report results on April 27, 2017”"), "{watch:?}");
    assert!(news.contains("its tone was positive"), "{news}");
    // Two insiders selling make the headline.
    assert!(
        note.headline.text.contains("Two insiders sell $620,400 of Widget Works Inc stock")
            || note.headline.text.contains("two insiders sell $620,400 of stock"),
        "{}",
        note.headline.text
    );
    // Sources: the Form 4 files (no accession in bare XML), the 13F accessions, the article URL.
    for want in
        ["sec/form4/wid-1.xml", "0000000555-17-000003", "0000000555-16-000011", "http://news.example/widget-rail"]
    {
        assert!(md.contains(want), "sources name {want}:\n{md}");
    }

    let checker = Checker::new(&desk, RulesConfig::default()).unwrap();
    let v = checker.check(&md, None).unwrap();
    assert!(v.passed, "{:#?}\n{md}", v.violations);

    // Gadget Corp is named in the cited article about Widget Works, and Gizmo
    // Holdings filed the cited 13F reports that hold it, so a note may name both;
    // Doohickey Inc (listed, never priced here) is named in no cited source.
    let lead = md.lines().find(|l| l.contains("(WID) ended")).unwrap();
    let article_n = note.sources.iter().find(|x| x.text.contains("widget-rail")).unwrap().number;
    let with = |extra: &str| md.replace(lead, &format!("{lead} {extra}"));
    let v =
        checker.check(&with(&format!("The contract was won against Gadget Corp (GAD) [{article_n}].")), None).unwrap();
    assert!(v.passed, "{:#?}", v.violations);
    let v = checker.check(&with("Gizmo Holdings (GIZ) is the manager behind those 13F reports."), None).unwrap();
    assert!(v.passed, "{:#?}", v.violations);
    let v = checker.check(&with("Doohickey Inc (DOO) makes gizmos."), None).unwrap();
    assert_eq!(v.rules().into_iter().collect::<Vec<_>>(), ["ticker-relevance"], "{:#?}", v.violations);
    assert_eq!(v.violations[0].text, "(DOO)");
    // Without the 13F among its sources, the same note may not name Gizmo.
    let no_13f: String = md
        .lines()
        .filter(|l| !l.contains("13F-HR, accession"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace(lead, &format!("{lead} Gizmo Holdings (GIZ) is the manager behind those 13F reports."));
    let v = checker.check(&no_13f, None).unwrap();
    assert!(v.rules().contains("ticker-relevance"), "{:#?}", v.violations);
    // A quotation must be verbatim in the cited article.
    let v = checker
        .check(&with(&format!("The article said “Shares of Widget Works rose after the news” [{article_n}].")), None)
        .unwrap();
    assert!(v.passed, "{:#?}", v.violations);
    let v = checker
        .check(&with(&format!("The article said “Shares of Widget Works doubled” [{article_n}].")), None)
        .unwrap();
    assert_eq!(v.rules().into_iter().collect::<Vec<_>>(), ["verbatim"], "{:#?}", v.violations);
    // An insider figure altered by a cent is caught, at its line.
    let altered = md.replacen("$41.25", "$41.26", 1);
    let v = checker.check(&altered, None).unwrap();
    assert_eq!(v.rules().into_iter().collect::<Vec<_>>(), ["grounding"]);
    assert!(v.violations[0].message.contains("matches nothing"), "{}", v.violations[0].message);
}

#[test]
fn html_and_json_carry_the_same_note() {
    let s = store();
    let u = Universe::load(&s).unwrap();
    let cfg = ScoreConfig::default();
    let desk = Desk::new(&s, &u, &cfg, as_of()).unwrap();
    let note = compose(&desk.dossier("WID").unwrap()).unwrap();
    let html = render::html(&note);
    assert!(html.starts_with("<!doctype html>") && html.contains("<li>") && html.contains("href=\"#s1\""));
    assert!(html.contains("Educational coverage, not personalized advice."));
    assert!(!html.contains("<script"), "no scripts in a published page");
    let json: serde_json::Value = serde_json::from_str(&render::json(&note)).unwrap();
    assert_eq!(json["ticker"], "WID");
    // Every claim in the JSON names its value and sources.
    let claims: Vec<&serde_json::Value> =
        json["takeaways"].as_array().unwrap().iter().flat_map(|t| t["claims"].as_array().unwrap()).collect();
    assert!(!claims.is_empty());
    for c in claims {
        assert!(c["value"].is_number() || c["value"].is_string() || c["value"].is_array(), "{c}");
        assert!(!c["sources"].as_array().unwrap().is_empty(), "{c}");
    }
}
