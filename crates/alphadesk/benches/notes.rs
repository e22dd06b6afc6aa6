//! Notes: compose and check speed on the shared universe, one core.
//!
//!     cargo bench -p alphadesk --bench notes
//!
//! Reports:
//! - notes checked per second (target >= 1,000), for the universe's composed notes on
//!   2015-06-30 (posts in the news section) and 2018-04-30: "cold" builds each
//!   subject's dossier from the store on its first check, "warm" is a checker that
//!   has seen the subject before (a service checking drafts);
//! - compose + check for the whole universe on one date, loading the universe and
//!   scoring it included (target < 5 s), as `alphadesk publish` does minus the file
//!   writes;
//! - the time to check one note of 1 MiB in each of several shapes (one sentence of
//!   numbers, many short sentences, a table, one paragraph with no stops, many
//!   quotations), the size a server accepts from anyone (target < 1 s each).
//!
//! Set ALPHADESK_BENCH_DB to reuse a store; otherwise the demo's folders are ingested.
//! A benchmark measures; it asserts nothing about speed.

use std::time::{Duration, Instant};

use alphadesk_notes::{compose, render, Desk};
use alphadesk_rules::{Checker, RulesConfig};
use alphadesk_score::{ScoreConfig, Universe};
use alphadesk_store::Store;

mod common;

fn main() {
    let db = common::bench_store("notes", common::DEMO_FOLDERS);
    let store = Store::open(&db).unwrap();
    let cfg = ScoreConfig::default();
    for date in ["2015-06-30", "2018-04-30"] {
        let as_of = date.parse().unwrap();

        let started = Instant::now();
        let u = Universe::load(&store).unwrap();
        let desk = Desk::new(&store, &u, &cfg, as_of).unwrap();
        let checker = Checker::new(&desk, RulesConfig::default()).unwrap();
        let mut passed = 0;
        let mut notes = Vec::new();
        let mut thin = 0;
        for t in desk.tickers() {
            // As `publish` does: compose from the dossier the checker keeps.
            let Some(dossier) = checker.dossier(&t).unwrap() else { continue };
            let Ok(note) = compose(&dossier) else {
                thin += 1;
                continue;
            };
            let md = render::markdown(&note);
            passed += usize::from(checker.check(&md, Some(&t)).unwrap().passed);
            notes.push((t, md));
        }
        let whole = started.elapsed().as_secs_f64();
        println!(
            "notes {date}: compose + check the whole universe ({} notes, {passed} pass, {thin} with too little data) in {whole:.2} s including loading and scoring (target < 5 s)",
            notes.len()
        );

        let t0 = Instant::now();
        let fresh = Checker::new(&desk, RulesConfig::default()).unwrap();
        let setup = t0.elapsed().as_secs_f64();
        // Cold: the dossier cache emptied each round, so every subject's is built once.
        let (mut n, start) = (0usize, Instant::now());
        while start.elapsed() < Duration::from_secs(3) {
            fresh.clear_cache();
            for (t, md) in &notes {
                assert!(fresh.check(md, Some(t)).unwrap().passed);
            }
            n += notes.len();
        }
        let cold = n as f64 / start.elapsed().as_secs_f64();
        let (mut n, start) = (0usize, Instant::now());
        while start.elapsed() < Duration::from_secs(3) {
            for (t, md) in &notes {
                assert!(checker.check(md, Some(t)).unwrap().passed);
            }
            n += notes.len();
        }
        let warm = n as f64 / start.elapsed().as_secs_f64();
        let mean_len = notes.iter().map(|(_, m)| m.len()).sum::<usize>() / notes.len().max(1);
        println!(
            "notes {date}: checked {cold:.0} notes/s cold (dossier built per subject), {warm:.0} notes/s warm; mean note {mean_len} bytes (target >= 1,000/s); checker set-up {:.0} ms",
            setup * 1e3
        );
    }
    large_notes(&store, &cfg);
    println!("peak memory {:.0} MiB", common::peak_rss_mib());
}

/// Notes of about 1 MiB in shapes a hostile or careless author could send.
fn large_notes(store: &Store, cfg: &ScoreConfig) {
    let as_of = "2018-04-30".parse().unwrap();
    let u = Universe::load(store).unwrap();
    let desk = Desk::new(store, &u, cfg, as_of).unwrap();
    let checker = Checker::new(&desk, RulesConfig::default()).unwrap();
    let note = compose(&checker.dossier("AAPL").unwrap().unwrap()).unwrap();
    let md = render::markdown(&note);
    let (front, _) = md.split_once("\n---\n").unwrap();
    const TARGET: usize = 1 << 20;
    let fill = |unit: &dyn Fn(usize) -> String, sep: &str| {
        let mut body = String::new();
        let mut i = 0;
        while body.len() < TARGET - 2048 {
            body.push_str(&unit(i));
            body.push_str(sep);
            i += 1;
        }
        format!("{front}\n---\n\n# A long note\n\n{body}\n\nEducational coverage, not personalized advice.\n")
    };
    let shapes: Vec<(&str, String)> = vec![
        ("one sentence of numbers", fill(&|i| format!("${}.{:02} and {}.{}%", i % 997, i % 100, i % 89, i % 10), " ")),
        (
            "many short sentences",
            fill(&|i| format!("Apple rose {}.{}% to ${}.{:02} [1].", i % 89, i % 10, i % 997, i % 100), " "),
        ),
        ("a table", fill(&|i| format!("| {i} | ${}.{:02} | {}% |", i % 997, i % 100, i % 89), "\n")),
        ("no stops at all", fill(&|i| format!("apple {} widgets {} gadgets", i % 1000, i % 7), " ")),
        ("many quotations", fill(&|i| format!("“Apple sold {i} phones” [2]."), " ")),
        ("many lines", fill(&|i| format!("Line {i} of $5.{:02} [1].", i % 100), "\n")),
    ];
    for (shape, text) in shapes {
        let mb = text.len() as f64 / (1 << 20) as f64;
        let t = Instant::now();
        let v = checker.check(&text, Some("AAPL")).unwrap();
        let s = t.elapsed().as_secs_f64();
        println!(
            "large note ({shape}): {:.2} MiB checked in {:.0} ms ({:.0} ms per MiB), {} violations (target < 1 s)",
            mb,
            s * 1e3,
            s * 1e3 / mb,
            v.violations.len()
        );
    }
}
