//! The distributed path, demonstrated: the walk-forward rank IC of an exported
//! score panel computed on Apache Spark (PySpark, local mode) equals
//! `alphadesk backtest`'s, date by date and factor by factor, to 1e-9
//! (`tests/scripts/spark_ic.py`, docs/scale.md).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{bin, required_tool, run_bounded};

#[test]
fn spark_computes_the_backtests_ic_from_the_export() {
    let Some(data) = alphadesk_testkit::data_dir() else { return };
    let Some(python) = required_tool(&["python3"]) else { return };
    let Some(_) = required_tool(&["java"]) else { return };
    let has = Command::new(&python).args(["-c", "import pyspark"]).output().unwrap();
    if !has.status.success() {
        assert!(std::env::var_os("CI").is_none(), "pyspark is not installed (.ci/run installs it)");
        eprintln!("skipping: python3 -m pip install pyspark");
        return;
    }
    // Every price file with its listing and the fundamentals table: the
    // universe the backtest of record ranks (no news, so sentiment is unscored).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("spark.db");
    let out = bin().arg("--db").arg(&db).arg("ingest").arg(data.join("market")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let bt = bin()
        .arg("--db")
        .arg(&db)
        .args(["backtest", "--from", "2014-05-01", "--to", "2018-05-18", "--json"])
        .output()
        .unwrap();
    assert!(bt.status.success(), "{}", String::from_utf8_lossy(&bt.stderr));
    let bt: serde_json::Value = serde_json::from_slice(&bt.stdout).unwrap();

    let export = dir.path().join("export");
    let out =
        bin().arg("--db").arg(&db).args(["export", "--tables", "prices,scores", "--to"]).arg(&export).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/spark_ic.py");
    let spark = run_bounded(
        Command::new(&python).arg(script).arg(&export).arg(bt["horizon"].to_string()),
        Duration::from_secs(600),
    );
    assert!(spark.status.success(), "{}", String::from_utf8_lossy(&spark.stderr));
    let mut by_spark: BTreeMap<(String, String), (f64, u64)> = BTreeMap::new();
    for l in String::from_utf8_lossy(&spark.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        by_spark.insert(
            (v["factor"].as_str().unwrap().into(), v["date"].as_str().unwrap().into()),
            (v["ic"].as_f64().unwrap(), v["n"].as_u64().unwrap()),
        );
    }
    let mut compared = 0;
    for (factor, summary) in bt["ic"].as_object().unwrap() {
        for p in summary["series"].as_array().unwrap() {
            let key = (factor.clone(), p["date"].as_str().unwrap().to_string());
            let (ic, n) = by_spark.get(&key).unwrap_or_else(|| panic!("Spark has no IC for {key:?}"));
            assert_eq!(*n, p["n"].as_u64().unwrap(), "{key:?}: cross-section size");
            let diff = (ic - p["ic"].as_f64().unwrap()).abs();
            assert!(diff < 1e-9, "{key:?}: Spark {ic}, backtest {} (|diff| {diff:e})", p["ic"]);
            compared += 1;
        }
    }
    // 47 monthly dates × the factors that have data on this store.
    assert!(compared >= 47 * 3, "only {compared} (factor, date) pairs compared");
}
