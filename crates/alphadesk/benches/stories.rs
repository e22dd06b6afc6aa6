//! Themes and theme stories on the demo store, one core.
//!
//!     cargo bench -p alphadesk --bench stories
//!
//! For each month of summer 2013 (every Reuters article of those days plus the
//! company-page leads):
//! - themes: the month's articles read from the store, then grouped; the grouping
//!   alone is repeated for 3 s (target: a month of Reuters in < 1 s);
//! - stories: every theme of the month composed from its dossiers and checked, as
//!   `publish` does, through the service layer, repeated for 3 s with a fresh
//!   checker each round (dossiers built again); reports stories per second
//!   (target >= 200) and how many passed.
//!
//! - a year: the longest window the API allows (366 days), the densest year of
//!   the headline records, through the service as `GET /api/v1/themes` answers it
//!   (target < 3 s; 11.0 s before the candidate index held only live terms and
//!   similarities were accumulated per term, 2.4 s after).
//!
//! ALPHADESK_BENCH_DB reuses a store; otherwise the demo's folders are ingested.
//! A benchmark measures; it asserts nothing about speed.

use std::time::{Duration, Instant};

use alphadesk_news::themes::{self, ThemeArticle};
use alphadesk_service::{Options, Service};

mod common;

const MONTHS: &[(&str, &str)] =
    &[("2013-06-01", "2013-06-28"), ("2013-07-01", "2013-07-31"), ("2013-08-01", "2013-08-30")];

fn main() {
    let db = common::bench_store("stories", common::DEMO_FOLDERS);
    let store = alphadesk_store::Store::open_read_only(&db).unwrap();
    for (from, to) in MONTHS {
        let (from_d, to_d) = (from.parse().unwrap(), to.parse().unwrap());
        let t0 = Instant::now();
        let rows = alphadesk_store::read::articles_between(store.conn(), from_d, to_d).unwrap();
        let articles: Vec<ThemeArticle> = rows.iter().map(|(d, links)| ThemeArticle::from_stored(d, links)).collect();
        let read = t0.elapsed().as_secs_f64();
        let (mut n, mut found, start) = (0usize, 0usize, Instant::now());
        while start.elapsed() < Duration::from_secs(3) {
            found = themes::find(&articles, 3).len();
            n += 1;
        }
        let group = start.elapsed().as_secs_f64() / n as f64;
        println!(
            "themes {from}..{to}: {} articles read in {read:.3} s, grouped into {found} themes in {group:.3} s (target < 1 s)",
            articles.len()
        );
    }

    let service = Service::open(&db, Options { readers: 1, ..Options::default() }).unwrap();
    let (from, to) = ("2016-05-18".parse().unwrap(), "2017-05-18".parse().unwrap());
    service.snapshot().unwrap();
    let t0 = Instant::now();
    let year = service.themes(from, to, None).unwrap();
    println!(
        "themes {from}..{to} (366 days, through the service): {} themes in {:.2} s (target < 3 s)",
        year.len(),
        t0.elapsed().as_secs_f64()
    );
    for (from, to) in MONTHS {
        let (from_d, to_d) = (from.parse().unwrap(), to.parse().unwrap());
        // The window's themes are found once (cached per store state); each
        // round composes and checks every story with a fresh checker.
        let first = service.stories(to_d, Some(from_d), None).unwrap();
        let passed = first.written.iter().filter(|s| s.verdict.passed).count();
        let (mut n, start) = (0usize, Instant::now());
        while start.elapsed() < Duration::from_secs(3) {
            n += service.stories(to_d, Some(from_d), None).unwrap().written.len();
        }
        let rate = n as f64 / start.elapsed().as_secs_f64();
        println!(
            "stories {from}..{to}: {} stories, {passed} pass the checker; composed + checked at {rate:.0} stories/s (target >= 200)",
            first.written.len()
        );
    }
    println!("peak memory {:.0} MiB", common::peak_rss_mib());
}
