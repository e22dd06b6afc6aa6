//! Bad rows in a price file (an unadjusted share dividend, three days at three
//! times the price, one wild print) are found at ingest and kept out of the
//! momentum metrics, which come out as the clean series would give them.

use alphadesk_model::NaiveDate;
use alphadesk_score::metrics::MetricId;
use alphadesk_score::{score, ScoreConfig, Universe};
use alphadesk_store::{Outcome, Store};
use chrono::{Datelike, Duration, Weekday};

const SECURITIES: &str = "\"Ticker symbol\",\"Security\",\"SEC filings\",\"GICS Sector\",\"GICS Sub Industry\",\"Address of Headquarters\",\"Date first added\",\"CIK\"
\"WID\",\"Widget Works Inc\",\"reports\",\"Industrials\",\"Industrial Machinery\",\"Springfield, Ohio\",\"\",\"0000000077\"
\"GAD\",\"Gadget Corp\",\"reports\",\"Industrials\",\"Industrial Machinery\",\"Dayton, Ohio\",\"\",\"0000000078\"
";

/// Weekday closes from 2015-01-02 to 2016-06-30 falling 21% a year, and what a
/// careless file makes of them.
fn prices(ticker: &str, broken: bool) -> String {
    let mut out = String::from("date,open,high,low,close,volume,Name\n");
    let mut d = NaiveDate::from_ymd_opt(2015, 1, 2).unwrap();
    let daily = (0.79f64).powf(1.0 / 252.0);
    let mut p = 100.0;
    let mut n = 0;
    while d <= NaiveDate::from_ymd_opt(2016, 6, 30).unwrap() {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            let mut close = p;
            if broken {
                // A share dividend the file never adjusted: every close from row 300
                // on is half; rows 100..=102 triple; row 200 is a wild print.
                if n >= 300 {
                    close /= 2.0;
                }
                if (100..=102).contains(&n) {
                    close *= 3.0;
                }
                if n == 200 {
                    close *= 11.0;
                }
            }
            out.push_str(&format!("{d},{close:.4},{close:.4},{close:.4},{close:.4},1000,{ticker}\n"));
            p *= daily;
            n += 1;
        }
        d += Duration::days(1);
    }
    out
}

fn mom(broken: bool) -> (f64, Vec<String>) {
    let mut s = Store::open_in_memory().unwrap();
    let mut warnings = Vec::new();
    for (name, body) in [
        ("securities.csv".to_string(), SECURITIES.to_string()),
        ("WID_data.csv".to_string(), prices("WID", broken)),
        ("GAD_data.csv".to_string(), prices("GAD", false)),
    ] {
        let r = s.ingest_bytes(&name, body.as_bytes(), true);
        match r.outcome {
            Outcome::Stored { warnings: w, .. } => warnings.extend(w.iter().map(|w| w.to_string())),
            other => panic!("{name}: {other:?}"),
        }
    }
    let u = Universe::load(&s).unwrap();
    let rec = score(&u, NaiveDate::from_ymd_opt(2016, 6, 30).unwrap(), &ScoreConfig::default())
        .into_iter()
        .find(|r| r.ticker == "WID")
        .unwrap();
    (rec.metrics.iter().find(|m| m.id == MetricId::Mom12_1).unwrap().raw.unwrap(), warnings)
}

#[test]
fn bad_rows_are_named_and_kept_out_of_momentum() {
    let (clean, _) = mom(false);
    let (broken, warnings) = mom(true);
    // The clean series fell 21% over the year; read naively, the broken file's
    // halving would make 12-1 momentum about -60%.
    assert!((clean - (0.79f64.powf(231.0 / 252.0) - 1.0)).abs() < 1e-3, "{clean}");
    assert!((broken - clean).abs() < 1e-3, "momentum {broken:.4} from the broken file, {clean:.4} from the clean one");
    // Every finding names its line: rows 100..=102 and 200 are lines 102..=104 and 202.
    for line in ["line 102", "line 103", "line 104", "line 202"] {
        assert!(warnings.iter().any(|w| w.starts_with(line) && w.contains("bad print")), "{line}: {warnings:?}");
    }
    assert!(warnings.iter().any(|w| w.starts_with("line 302") && w.contains("unadjusted split")), "{warnings:?}");
}
