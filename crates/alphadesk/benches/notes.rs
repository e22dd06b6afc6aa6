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
//!   writes.
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
    println!("peak memory {:.0} MiB", common::peak_rss_mib());
}
