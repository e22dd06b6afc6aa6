//! The synthetic universe the scale bench measures exercises every pillar: its
//! Form 4s and 13F reports are ingested by the same parsers as EDGAR's and feed
//! the insider and holdings metrics, so the bench's costs include them.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_alphadesk"))
}

#[test]
fn a_synthetic_universe_feeds_every_pillar() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let spec = alphadesk_testkit::synthetic::Spec::new(40, 3);
    let w = alphadesk_testkit::synthetic::write(&data, &spec).unwrap();
    assert!(w.insider_reports >= 40 * 2 && w.holdings_reports >= 2 * 8, "{w:?}");
    let db = dir.path().join("s.db");
    let out = bin().arg("--db").arg(&db).arg("ingest").arg(&data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!said.contains("failed") || said.contains(" 0 failed"), "every synthetic file ingests: {said}");

    // At the last 13F quarter end + 45 days, every metric of every pillar has a
    // value for some company.
    let as_of = "2018-11-30";
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..40 {
        let t = alphadesk_testkit::synthetic::ticker(i);
        let out = bin().arg("--db").arg(&db).args(["explain", &t, "--as-of", as_of, "--json"]).output().unwrap();
        if !out.status.success() {
            continue; // delisted by then
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for m in v["metrics"].as_array().unwrap() {
            if m["raw"].is_number() {
                seen.insert(m["id"].as_str().unwrap().to_string());
            }
        }
    }
    for id in ["insider_net_buying_90d", "institutional_shares_change", "news_tone", "mom_12_1", "roe"] {
        assert!(seen.contains(id), "{id} has a value for some synthetic company: {seen:?}");
    }
}
