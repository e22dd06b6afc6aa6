//! Entity linking on hand-written collision cases: precision and recall.

use alphadesk_news::link::{Company, Linker, DEFAULT_ALIASES};

fn linker() -> Linker {
    let c = |t: &str, n: &str| Company { ticker: t.into(), name: n.into() };
    // Names as the shared securities master spells them.
    Linker::new(
        vec![
            c("ALL", "ALLSTATE CORP"),
            c("IT", "Gartner Inc"),
            c("KEY", "KeyCorp"),
            c("A", "Agilent Technologies Inc"),
            c("CAT", "CATERPILLAR INC"),
            c("LOW", "Lowe's Cos."),
            c("SO", "SOUTHERN CO"),
            c("T", "AT&T Inc"),
            c("F", "Ford Motor"),
            c("V", "Visa Inc."),
            c("AAPL", "Apple Inc."),
            c("AMZN", "Amazon.com Inc"),
            c("COST", "Costco Co."),
            c("TGT", "Target Corp."),
            c("BAC", "Bank of America Corp"),
            c("JPM", "JPMorgan Chase & Co."),
            c("WMT", "Walmart Inc."),
            c("GPS", "GAP INC"),
            c("XOM", "Exxon Mobil Corp."),
            c("GOOGL", "Alphabet Inc Class A"),
        ],
        DEFAULT_ALIASES,
    )
}

fn tickers(l: &Linker, s: &str) -> Vec<String> {
    let mut v: Vec<String> = l.mentions(s).into_iter().map(|h| h.0).collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn aliases_and_names_link() {
    let l = linker();
    assert_eq!(tickers(&l, "Exxon Mobil Corp. raised its dividend."), ["XOM"]);
    assert_eq!(tickers(&l, "BofA and Wal-Mart reported results."), ["BAC", "WMT"]);
    assert_eq!(tickers(&l, "Google said on Tuesday it would buy a startup."), ["GOOGL"]);
    assert_eq!(tickers(&l, "Shares of JPMorgan Chase & Co fell."), ["JPM"]);
}

#[test]
fn collision_cases_precision_and_recall() {
    let l = linker();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    let cases = include_str!("collisions.tsv");
    let mut n = 0;
    for line in cases.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (sentence, expected) = line.split_once('\t').unwrap_or((line, ""));
        let want: Vec<&str> = expected.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        let mut got: Vec<String> = l.mentions(sentence).into_iter().map(|h| h.0).collect();
        got.sort();
        got.dedup();
        for g in &got {
            if want.contains(&g.as_str()) {
                tp += 1;
            } else {
                fp += 1;
                failures.push(format!("false link {g}: {sentence}"));
            }
        }
        for w in &want {
            if !got.iter().any(|g| g == w) {
                fn_ += 1;
                failures.push(format!("missed {w}: {sentence}"));
            }
        }
        n += 1;
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    eprintln!("{n} cases: precision {precision:.3}, recall {recall:.3}; {failures:#?}");
    assert!(n >= 45);
    assert!(precision >= 0.95, "precision {precision}: {failures:#?}");
    assert!(recall >= 0.9, "recall {recall}: {failures:#?}");
}

/// Linking on SemEval-2017 headlines. The linker is built over the set's own 294
/// company names (mostly FTSE companies, outside our universe). The set labels one
/// company per item and repeats a headline once per company it labels, so a
/// headline's gold set is the union of its items' companies; names normalising alike
/// ("BG", "BG Group") are one company. Recall: gold companies found. Precision: links
/// that are gold (a real but unlabelled mention counts as wrong, so this is a lower
/// bound).
#[test]
fn semeval_company_names() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let text = std::fs::read_to_string(data.join("text/fiqa/SemEval2017Task5Headlines.json")).unwrap();
    let items: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut names: Vec<String> = items.iter().map(|i| i["company"].as_str().unwrap().to_string()).collect();
    names.sort();
    names.dedup();
    let companies: Vec<Company> = names.iter().map(|n| Company { ticker: n.to_uppercase(), name: n.clone() }).collect();
    let l = Linker::new(companies, "");
    let mut gold: std::collections::BTreeMap<&str, std::collections::BTreeSet<Vec<String>>> = Default::default();
    for i in &items {
        let title = i["title"].as_str().unwrap();
        gold.entry(title).or_default().insert(alphadesk_news::link::normalise(i["company"].as_str().unwrap()));
    }
    let (mut tp, mut links, mut wanted) = (0usize, 0usize, 0usize);
    for (title, want) in &gold {
        let got: std::collections::BTreeSet<Vec<String>> =
            l.link(title, "").into_iter().map(|x| alphadesk_news::link::normalise(&x.name)).collect();
        wanted += want.len();
        links += got.len();
        tp += got.intersection(want).count();
        if std::env::var_os("SHOW").is_some() && got != *want {
            eprintln!("{title:?} want {want:?} got {got:?}");
        }
    }
    let recall = tp as f64 / wanted as f64;
    let precision = tp as f64 / links.max(1) as f64;
    eprintln!("SemEval: {} headlines, recall {recall:.3}, precision (lower bound) {precision:.3}", gold.len());
    assert!(recall > 0.8, "{recall}");
    assert!(precision > 0.8, "{precision}");
}
