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
        ],
        DEFAULT_ALIASES,
    )
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
