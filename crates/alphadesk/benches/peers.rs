//! alphadesk against the Python tools a user would pick instead (issue 31):
//! whole processes, side by side in one run, each workload's two sides run
//! back to back in every round, medians of five rounds.
//!
//!     cargo bench -p alphadesk --bench peers
//!
//! | workload | alphadesk | the peer | target |
//! |---|---|---|---|
//! | companyfacts | `ingest sec/companyfacts` into a new store | edgartools parsing the same files, storing nothing | ≥ 6× faster |
//! | backtest | `backtest --from 2014-06-01 --to 2017-12-31`, four pillars, on the demo's store (news included) | a pandas momentum-only monthly panel from the price CSVs | ≥ 5× faster |
//! | StockNet | `ingest social/stocknet/tweet/preprocessed` into a new store | plain Python reading and parsing every post | within 3× |
//!
//! and the whole demo (`demo --no-serve`: ingest through published stories),
//! which has no peer, for the record. The Python side runs in a virtual
//! environment of its own with the versions pinned below, made at the first
//! run under `target/peers-venv` (`ALPHADESK_PEERS_VENV` to put it elsewhere;
//! pip needs PyPI). `ALPHADESK_BENCH_DB` reuses a demo store for the backtest.
//! `ALPHADESK_PEERS_ROUNDS` sets the rounds (default 5).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

mod common;

/// The peers' versions: what the figures in README and docs/perf.md were
/// measured against.
const PINNED: &[&str] = &["pandas==3.1.1", "edgartools==5.62.1"];

fn main() {
    let data = common::data_dir();
    let python = venv();
    let rounds: usize = std::env::var("ALPHADESK_PEERS_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers");
    let work = tempfile::tempdir().unwrap();
    let demo_db = common::bench_store("peers", common::DEMO_FOLDERS);
    let alphadesk = |args: &[&dyn AsRef<std::ffi::OsStr>]| -> Vec<OsString> {
        std::iter::once(OsString::from(env!("CARGO_BIN_EXE_alphadesk")))
            .chain(args.iter().map(|a| a.as_ref().to_os_string()))
            .collect()
    };
    let peer = |script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]| -> Vec<OsString> {
        [python.clone().into_os_string(), scripts.join(script).into_os_string()]
            .into_iter()
            .chain(args.iter().map(|a| a.as_ref().to_os_string()))
            .collect()
    };
    let fresh = |name: &str| {
        let db = work.path().join(format!("{name}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        db
    };
    let facts = data.join("sec/companyfacts");
    let posts = data.join("social/stocknet/tweet/preprocessed");
    let prices = data.join("market/prices");
    let (from, to) = ("2014-06-01", "2017-12-31");

    println!("peers: {rounds} rounds, medians; alphadesk {}, Python {}", env!("CARGO_PKG_VERSION"), python.display());
    let pairs = [
        Pair {
            name: "companyfacts ingest vs edgartools parse-only",
            reading: "faster, target >= 6x",
            target: 6.0,
            ours: Box::new(|| alphadesk(&[&"--db", &fresh("facts"), &"ingest", &facts])),
            theirs: Box::new(|| peer("edgartools_parse.py", &[&facts])),
        },
        Pair {
            name: "4-pillar backtest vs pandas momentum-only panel",
            reading: "faster, target >= 5x",
            target: 5.0,
            ours: Box::new(|| alphadesk(&[&"--db", &demo_db, &"backtest", &"--from", &from, &"--to", &to, &"--json"])),
            theirs: Box::new(|| peer("momentum_panel.py", &[&prices, &from, &to])),
        },
        Pair {
            name: "StockNet ingest vs plain Python read-and-parse",
            reading: "of the floor, target within 3x",
            target: 1.0 / 3.0,
            ours: Box::new(|| alphadesk(&[&"--db", &fresh("posts"), &"ingest", &posts])),
            theirs: Box::new(|| peer("stocknet_read.py", &[&posts])),
        },
    ];
    for Pair { name, reading, target, ours, theirs } in &pairs {
        let (mut us, mut them) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            us.push(run(&ours()));
            them.push(run(&theirs()));
        }
        let (us, them) = (median(&us), median(&them));
        let ratio = them.0 / us.0;
        let shown = if ratio >= 1.0 { format!("{ratio:.2}x faster") } else { format!("{:.2}x the time", 1.0 / ratio) };
        println!(
            "{name}: alphadesk {:.3} s / {:.0} MiB, peer {:.3} s / {:.0} MiB: {shown} ({reading}: {})",
            us.0,
            us.1,
            them.0,
            them.1,
            if ratio >= *target { "met" } else { "NOT met" }
        );
    }
    let demo_dir = work.path().join("demo");
    std::fs::create_dir_all(&demo_dir).unwrap();
    let demo: Vec<(f64, f64)> = (0..rounds.min(3))
        .map(|_| {
            let db = demo_dir.join("demo.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            run(&alphadesk(&[&"--db", &db, &"demo", &"--data", &data, &"--no-serve"]))
        })
        .collect();
    let demo = median(&demo);
    println!("whole demo (ingest through published stories, --no-serve): {:.2} s / {:.0} MiB", demo.0, demo.1);
}

/// A workload's two sides, each a command line made afresh for every run
/// (an ingest's store is new each time).
struct Pair<'a> {
    name: &'static str,
    /// How to read the ratio, and the target.
    reading: &'static str,
    /// The least ratio of the peer's time to alphadesk's that meets the target.
    target: f64,
    ours: Box<dyn Fn() -> Vec<OsString> + 'a>,
    theirs: Box<dyn Fn() -> Vec<OsString> + 'a>,
}

/// One whole-process run: (seconds, peak MiB); panics with the program's
/// standard error when it fails (alphadesk's exit 1, "ran and found
/// failures", counts as run).
fn run(command: &[OsString]) -> (f64, f64) {
    let (out, secs, mib) = common::time_program(command);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{command:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    (secs, mib)
}

/// The median run by time, with its memory.
fn median(runs: &[(f64, f64)]) -> (f64, f64) {
    let mut sorted = runs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted[sorted.len() / 2]
}

/// The peers' Python: a virtual environment with [`PINNED`], made (or
/// brought to the pins) when its marker file does not name them.
fn venv() -> PathBuf {
    let dir = std::env::var_os("ALPHADESK_PEERS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/peers-venv"));
    let python = dir.join("bin/python");
    let marker = dir.join("alphadesk-pins.txt");
    let pins = PINNED.join("\n");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(pins.as_str()) && python.exists() {
        return python;
    }
    println!("peers: making {} with {}", dir.display(), PINNED.join(", "));
    let made = std::process::Command::new("python3").arg("-m").arg("venv").arg(&dir).status();
    assert!(made.is_ok_and(|s| s.success()), "python3 -m venv {} failed", dir.display());
    let installed = std::process::Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .args(PINNED)
        .status();
    assert!(installed.is_ok_and(|s| s.success()), "pip install {PINNED:?} into {} failed", dir.display());
    std::fs::write(&marker, pins).unwrap();
    python
}
