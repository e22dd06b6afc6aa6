//! The research toolkit's speed targets (issue 30), on one core, as whole
//! processes:
//!
//!     cargo bench -p alphadesk --bench research
//!
//! 1. every horizon and the factor returns for 2014–2018: `alphadesk backtest
//!    --from 2014-05-01 --to 2018-05-18 --horizons 1,5,10,21,63` (target < 2 s);
//! 2. a factor of your own, 500 tickers × 1,000 trading days: `backtest
//!    --factor FILE` over the same dates (target < 3 s). The file names every
//!    ticker of the store and, to make 500, tickers it does not hold (counted as
//!    dropped, as a real file's would be); values are a hash of (date, ticker).
//!
//! Each is run under `taskset -c 0` three times; the report gives the median
//! and the peak memory (GNU time). Set ALPHADESK_BENCH_DB to reuse a store. A
//! benchmark measures; it asserts nothing.

mod common;

const TICKERS: usize = 500;
const DAYS: usize = 1_000;

/// (median seconds, peak MiB) of three runs of `alphadesk ARGS` on core 0.
fn one_core(args: &[String]) -> (f64, f64) {
    let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
    let mut runs: Vec<(f64, f64)> = (0..3)
        .map(|_| {
            let (out, secs, mib) = common::run_timed(&["taskset", "-c", "0"], &args);
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
            (secs, mib)
        })
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    runs[1]
}

fn main() {
    let db = common::bench_store("research", common::DEMO_FOLDERS);
    let db_arg = db.display().to_string();
    let window = ["--from", "2014-05-01", "--to", "2018-05-18"].map(String::from);

    let mut args = vec!["--db".to_string(), db_arg.clone(), "backtest".into()];
    args.extend(window.iter().cloned());
    args.extend(["--horizons".to_string(), "1,5,10,21,63".to_string(), "--json".to_string()]);
    let (secs, mib) = one_core(&args);
    println!("research: every horizon (1,5,10,21,63) and the factor returns, 2014-2018, one core: {secs:.2} s median of 3, peak {mib:.0} MiB (target < 2 s)");

    // The store's tickers, then made-up ones to make 500; the first 1,000
    // weekdays from the window's start.
    let mut tickers: Vec<String> = std::fs::read_dir(common::data_dir().join("market/prices"))
        .expect("the shared price files")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix("_data.csv").map(str::to_string))
        .collect();
    tickers.sort();
    tickers.truncate(TICKERS);
    let mut k = 0;
    while tickers.len() < TICKERS {
        tickers.push(format!("ZZ{k:03}"));
        k += 1;
    }
    let mut day = chrono::NaiveDate::from_ymd_opt(2014, 5, 1).expect("a date");
    let mut days = Vec::with_capacity(DAYS);
    while days.len() < DAYS {
        use chrono::Datelike;
        if day.weekday().number_from_monday() <= 5 {
            days.push(day);
        }
        day = day.succ_opt().expect("a next day");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("factor.csv");
    let mut csv = String::with_capacity(TICKERS * DAYS * 24);
    csv.push_str("date,ticker,value\n");
    for d in &days {
        for t in &tickers {
            let seed = format!("{d}{t}")
                .bytes()
                .fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3));
            csv.push_str(&format!("{d},{t},{:.6}\n", (seed % 1_000_000) as f64 / 1e6));
        }
    }
    std::fs::write(&file, csv).unwrap();
    let mut args = vec!["--db".to_string(), db_arg, "backtest".into()];
    args.extend(window.iter().cloned());
    args.extend(["--factor".to_string(), file.display().to_string(), "--json".to_string()]);
    let (secs, mib) = one_core(&args);
    println!(
        "research: a factor file of {TICKERS} tickers x {DAYS} days ({} rows), 2014-2018, one core: {secs:.2} s median of 3, peak {mib:.0} MiB (target < 3 s)",
        TICKERS * DAYS
    );
}
