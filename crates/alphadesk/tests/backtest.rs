//! `alphadesk backtest` on the shared data, cross-checked against an independent
//! pandas/scipy reimplementation (`benches/backtest_reference.py`).

use std::path::Path;
use std::process::{Command, Output};

use alphadesk_testkit::data_dir;

fn alphadesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alphadesk")).arg("--db").arg(db).args(args).output().expect("run alphadesk")
}

/// Whether python3 imports `modules` (comma-separated); CI must.
fn python_with(modules: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok && std::env::var_os("CI").is_some() {
        panic!("CI must have python3 with {modules} (.ci/run installs them)");
    }
    ok
}

fn python_with_scipy() -> bool {
    python_with("pandas, scipy")
}

#[test]
fn backtest_shape_report_and_cross_check() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bt.db");
    let out = alphadesk(&db, &["ingest", data.join("market").to_str().unwrap(), data.join("sec").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let report = dir.path().join("report");
    let out = alphadesk(
        &db,
        &["backtest", "--from", "2014-05-01", "--to", "2018-05-18", "--json", "--report", report.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bt: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in ["config_hash", "from", "to", "horizon", "dates", "ic", "quantiles", "turnover", "dropped"] {
        assert!(bt.get(k).is_some(), "missing {k}");
    }
    for f in ["alpha_score", "momentum", "value", "quality", "sentiment"] {
        for k in ["mean", "std", "ir", "t_stat", "hit_rate", "series"] {
            assert!(bt["ic"][f].get(k).is_some(), "missing ic.{f}.{k}");
        }
    }
    assert_eq!(
        bt["dates"].as_array().unwrap().len(),
        47,
        "May 2014 to March 2018; April and May 2018 have no 21 trading days after them"
    );
    assert_eq!(bt["dates_without_horizon"], serde_json::json!(["2018-04-30", "2018-05-18"]));
    for f in [
        "README.md",
        "cumulative_quintiles.svg",
        "ic_over_time.svg",
        "ic_by_sector.svg",
        "ic_distribution.svg",
        "long_short.svg",
        "ic_by_month.svg",
        "backtest.json",
    ] {
        assert!(report.join(f).is_file(), "{f}");
    }
    let md = std::fs::read_to_string(report.join("README.md")).unwrap();
    assert!(md.contains("This is a backtest") && md.contains(bt["config_hash"].as_str().unwrap()));
    assert!(md.contains("| 2015 |") && md.contains("Rank IC of the Alpha Score by month"), "IC by month");
    assert!(md.contains("The score as a portfolio"));
    assert!(md.contains("| sector-neutral |") && md.contains("| alpha_score, sector-neutral |"), "variants: {md}");
    // The ingest stated the latest close's scores: a replay of history, shown, never counted.
    assert!(
        md.contains("## The live record") && md.contains("| 2018-05-18 |") && md.contains("no: recorded later"),
        "{md}"
    );

    // The held-out dates apart: the part before ends before them with the
    // straddling date purged, and the held-out part is exactly a backtest of
    // its own dates.
    let h = &bt["holdout"];
    assert_eq!((h["from"].as_str(), h["declared"].as_str()), (Some("2017-06-01"), Some("2026-12-05")), "{h}");
    assert_eq!(h["purged"], serde_json::json!(["2017-05-31"]));
    let (before, held) = (&h["before"], &h["held_out"]);
    assert_eq!(before["dates"].as_u64().unwrap() + held["dates"].as_u64().unwrap() + 1, 47);
    let last_before = before["ic"]["alpha_score"]["series"].as_array().unwrap().last().unwrap()["date"].clone();
    assert!(last_before.as_str().unwrap() < "2017-05-31", "{last_before}");
    let out = alphadesk(&db, &["backtest", "--from", "2017-06-01", "--to", "2018-05-18", "--json"]);
    let alone: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(held["ic"], alone["ic"], "the held-out part is a backtest of its dates");
    assert_eq!(held["quantiles"], alone["quantiles"]);
    assert!(md.contains("## Held out") && md.contains("| held out | 10 |"), "{md}");

    let panel = dir.path().join("panel.csv");
    let out = alphadesk(
        &db,
        &["score", "--history", "2014-05-01..2018-05-18", "--every", "month", "--out", panel.to_str().unwrap()],
    );
    assert!(out.status.success());

    // Your own factor: the score itself, written as date,ticker,value,
    // reproduces the score's figures exactly; a random one is noise.
    let csv = std::fs::read_to_string(&panel).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let (mut same, mut random) = (String::from("date,ticker,value\n"), String::from("date,ticker,value\n"));
    for r in &rows {
        // date, ticker, "sector", alpha_score, ...
        let (date, ticker, score) = (r[0], r[1], r[3]);
        same.push_str(&format!("{date},{ticker},{score}\n"));
        let mut z = date
            .bytes()
            .chain(ticker.bytes())
            .fold(0x9E37_79B9_7F4A_7C15u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        random.push_str(&format!("{date},{ticker},{}\n", (z ^ (z >> 31)) % 1000));
    }
    same.push_str("2014-05-02,AAPL,50\n2014-05-30,ZZZZ,50\n");
    let (same_file, random_file) = (dir.path().join("same.csv"), dir.path().join("random.csv"));
    std::fs::write(&same_file, same).unwrap();
    std::fs::write(&random_file, random).unwrap();
    let run = |file: &Path| -> serde_json::Value {
        let out = alphadesk(
            &db,
            &["backtest", "--from", "2014-05-01", "--to", "2018-05-18", "--json", "--factor", file.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let mine = run(&same_file);
    assert_eq!(mine["ic"]["factor"], mine["ic"]["alpha_score"], "the score as your factor is the score");
    assert_eq!(mine["ic"]["alpha_score"], bt["ic"]["alpha_score"], "and the score's own figures are unchanged");
    assert_eq!(mine["sector_neutral_ic"]["factor"], bt["sector_neutral_ic"]["alpha_score"]);
    let mut own = mine["own_factor"]["quantiles"].clone();
    assert_eq!(own["factor"], "factor");
    own["factor"] = bt["quantiles"]["factor"].clone();
    assert_eq!(own, bt["quantiles"], "its quintiles, variants included, are the score's");
    assert_eq!(mine["own_factor"]["factor_returns"], bt["factor_returns"], "and so is its long-short portfolio");
    // The same factor as pandas writes Parquet (dates as datetime64[ns]) is the same factor.
    if python_with("pandas, pyarrow") {
        let parquet = dir.path().join("same.parquet");
        let out = Command::new("python3")
            .args(["-c", "import sys, pandas as pd; d = pd.read_csv(sys.argv[1]); d['date'] = pd.to_datetime(d['date']); d.to_parquet(sys.argv[2])"])
            .arg(&same_file)
            .arg(&parquet)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let from_parquet = run(&parquet);
        assert_eq!(from_parquet["ic"]["factor"], mine["ic"]["factor"], "Parquet and CSV: one factor");
        assert_eq!(from_parquet["own_factor"], mine["own_factor"]);
        assert_eq!(from_parquet["factor"]["used"], mine["factor"]["used"]);
    }
    let used = &mine["factor"];
    assert_eq!(
        (used["not_a_rebalance_date"].as_u64(), used["ticker_not_scored"].as_u64()),
        (Some(1), Some(1)),
        "{used}"
    );
    assert!(used["examples"].as_array().unwrap().iter().any(|e| e == "ZZZZ on 2014-05-30"), "{used}");
    let noise = run(&random_file);
    let (m, t) = (noise["ic"]["factor"]["mean"].as_f64().unwrap(), noise["ic"]["factor"]["t_stat"].as_f64().unwrap());
    assert!(m.abs() < 0.03 && t.abs() < 2.5, "a random factor's IC is indistinguishable from zero: mean {m}, t {t}");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "date,ticker,value\n2017-03-31,AAPL,1\n2017-03-31,AAPL,2\n").unwrap();
    let out =
        alphadesk(&db, &["backtest", "--from", "2014-05-01", "--to", "2018-05-18", "--factor", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "a bad factor file is a usage error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv, line 3: AAPL on 2017-03-31 appears twice"), "{err}");

    if !python_with_scipy() {
        eprintln!("skipping the pandas/scipy cross-check: python3 with pandas and scipy not found");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/backtest_reference.py");
    let lags = bt["lags"].to_string();
    let out = Command::new("python3").arg(script).arg(&db).arg(&panel).arg("21").arg(&lags).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let close = |a: &serde_json::Value, b: &serde_json::Value, what: &str| {
        let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
        assert!((a - b).abs() < 1e-9, "{what}: rust {a} vs reference {b}");
    };
    for f in ["alpha_score", "momentum", "value", "quality"] {
        let (rs, ps) = (bt["ic"][f]["series"].as_array().unwrap(), r["ic"][f]["series"].as_array().unwrap());
        assert_eq!(rs.len(), ps.len(), "{f}: dates with an IC");
        for (x, y) in rs.iter().zip(ps) {
            assert_eq!(x["date"], y["date"]);
            assert_eq!(x["n"], y["n"], "{f} {}", x["date"]);
            close(&x["ic"], &y["ic"], &format!("{f} IC on {}", x["date"]));
        }
        close(&bt["ic"][f]["mean"], &r["ic"][f]["mean"], &format!("{f} mean IC"));
        close(&bt["ic"][f]["std"], &r["ic"][f]["std"], &format!("{f} IC std"));
    }
    for k in 0..5 {
        close(&bt["quantiles"]["mean_returns"][k], &r["quintiles"]["mean_returns"][k], &format!("quintile {}", k + 1));
    }
    // The variants, with their standard errors, and the sector-neutral IC.
    for (ours, theirs) in [
        (&bt["quantiles"], "raw"),
        (&bt["quantiles"]["demeaned"], "demeaned"),
        (&bt["quantiles"]["sector_neutral"], "sector_neutral"),
    ] {
        let r = &r["quintiles"][theirs];
        for k in 0..5 {
            close(&ours["mean_returns"][k], &r["mean_returns"][k], &format!("{theirs} quintile {}", k + 1));
            close(&ours["std_errors"][k], &r["std_errors"][k], &format!("{theirs} quintile {} standard error", k + 1));
        }
        close(&ours["spread_mean"], &r["spread_mean"], &format!("{theirs} spread"));
        close(&ours["spread_std_error"], &r["spread_std_error"], &format!("{theirs} spread standard error"));
    }
    let (rs, ps) = (
        bt["sector_neutral_ic"]["alpha_score"]["series"].as_array().unwrap(),
        r["sector_neutral_ic"]["alpha_score"]["series"].as_array().unwrap(),
    );
    assert_eq!(rs.len(), ps.len(), "dates with a sector-neutral IC");
    for (x, y) in rs.iter().zip(ps) {
        assert_eq!(x["date"], y["date"]);
        close(&x["ic"], &y["ic"], &format!("sector-neutral IC on {}", x["date"]));
    }
    // The score as a portfolio, and how stable its order is.
    let (rs, ps) =
        (bt["factor_returns"]["series"].as_array().unwrap(), r["factor_returns"]["series"].as_array().unwrap());
    assert!(rs.len() >= 40 && rs.len() == ps.len(), "dates with a long-short return: {} vs {}", rs.len(), ps.len());
    for (x, y) in rs.iter().zip(ps) {
        assert_eq!(x["date"], y["date"]);
        close(&x["long_short"], &y["long_short"], &format!("long-short on {}", x["date"]));
        close(&x["universe"], &y["universe"], &format!("universe on {}", x["date"]));
    }
    close(&bt["rank_autocorrelation"], &r["rank_autocorrelation"], "rank autocorrelation");
    for k in ["mean", "t_stat", "alpha", "beta"] {
        assert!(bt["factor_returns"][k].is_number(), "factor_returns.{k}");
    }
    assert!(bt["turnover"]["bottom_quantile_mean"].is_number());

    // IC decay: each horizon of one run equals the reference at that horizon,
    // and the run's own horizon among them equals its main figures exactly.
    let out = alphadesk(
        &db,
        &["backtest", "--from", "2014-05-01", "--to", "2018-05-18", "--horizons", "1,5,21,63", "--json"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let decay: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by = decay["by_horizon"].as_array().expect("by_horizon");
    assert_eq!(by.iter().map(|h| h["horizon"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 5, 21, 63]);
    assert_eq!(by[2]["ic"], decay["ic"], "the 21-day entry is the main figures");
    assert_eq!(by[2]["quantiles"], decay["quantiles"]);
    for h in [&by[0], &by[1], &by[3]] {
        let days = h["horizon"].to_string();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/backtest_reference.py");
        let lags = h["lags"].to_string();
        let out = Command::new("python3").arg(script).arg(&db).arg(&panel).arg(&days).arg(&lags).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for f in ["alpha_score", "momentum", "value", "quality"] {
            let (rs, ps) = (h["ic"][f]["series"].as_array().unwrap(), r["ic"][f]["series"].as_array().unwrap());
            assert_eq!(rs.len(), ps.len(), "{f} at {days} days: dates with an IC");
            for (x, y) in rs.iter().zip(ps) {
                assert_eq!((&x["date"], &x["n"]), (&y["date"], &y["n"]), "{f} at {days} days");
                close(&x["ic"], &y["ic"], &format!("{f} IC on {} at {days} days", x["date"]));
            }
            close(&h["ic"][f]["mean"], &r["ic"][f]["mean"], &format!("{f} mean IC at {days} days"));
        }
        for k in 0..5 {
            close(
                &h["quantiles"]["mean_returns"][k],
                &r["quintiles"]["mean_returns"][k],
                &format!("quintile {} at {days} days", k + 1),
            );
            for v in ["demeaned", "sector_neutral"] {
                let (ours, theirs) = (&h["quantiles"][v], &r["quintiles"][v]);
                close(&ours["mean_returns"][k], &theirs["mean_returns"][k], &format!("{v} Q{} at {days} days", k + 1));
                close(&ours["std_errors"][k], &theirs["std_errors"][k], &format!("{v} Q{} SE at {days} days", k + 1));
            }
        }
        close(
            &h["quantiles"]["spread_std_error"],
            &r["quintiles"]["raw"]["spread_std_error"],
            &format!("spread SE at {days} days (Newey-West, {lags} lags)"),
        );
    }
}
