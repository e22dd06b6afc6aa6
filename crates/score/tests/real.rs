//! The Alpha Score on the shared universe: pinned metric values, the shape of
//! the ranks, and the no-look-ahead invariant.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use alphadesk_model::{Field, NaiveDate};
use alphadesk_score::metrics::MetricId;
use alphadesk_score::{score, Pillar, ScoreConfig, Universe};
use alphadesk_store::{Outcome, Store};
use alphadesk_testkit::data_dir;

/// One full store per test binary (market + sec), built on first use.
fn full_store() -> Option<&'static Path> {
    static DB: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    DB.get_or_init(|| {
        let data = data_dir()?;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("full.db");
        let mut s = Store::open(&path).unwrap();
        let dirs = [
            data.join("market"),
            data.join("sec"),
            data.join("text/news"),
            data.join("social/stocknet/tweet/preprocessed"),
        ];
        for (f, explicit) in alphadesk_store::walk(&dirs).unwrap() {
            let r = s.ingest_path(&f, explicit);
            assert!(!matches!(r.outcome, Outcome::Failed { .. }), "{}: {:?}", r.path, r.outcome);
        }
        // The news stage, as `alphadesk ingest` runs it.
        alphadesk_news::signals::derive_pending(&mut s, &alphadesk_news::tone::lexicon::LexiconModel, "lexicon-v1")
            .unwrap()
            .expect("securities to link to");
        Some((dir, path))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

fn universe() -> Option<&'static Universe> {
    static U: OnceLock<Option<Universe>> = OnceLock::new();
    U.get_or_init(|| Some(Universe::load(&Store::open(full_store()?).unwrap()).unwrap())).as_ref()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn metric(u: &Universe, ticker: &str, as_of: &str, id: MetricId) -> Option<f64> {
    let r = score(u, d(as_of), &ScoreConfig::default()).into_iter().find(|r| r.ticker == ticker)?;
    r.metrics.iter().find(|m| m.id == id)?.raw
}

#[test]
fn momentum_pinned_to_values_read_off_the_csv() {
    let Some(u) = universe() else { return };
    // AAPL_data.csv: 2016-06-30 is preceded 21 rows by 2016-06-01 (95.1310), 126 rows
    // by 2015-12-30 (102.5077), 252 rows by 2015-07-01 (119.8652); the 52-week high
    // close is 125.0442 on 2015-07-20; the close on 2016-06-30 is 92.3677.
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(metric(u, "AAPL", "2016-06-30", MetricId::Mom12_1).unwrap(), 95.1310 / 119.8652 - 1.0));
    assert!(close(metric(u, "AAPL", "2016-06-30", MetricId::Mom6_1).unwrap(), 95.1310 / 102.5077 - 1.0));
    assert!(close(metric(u, "AAPL", "2016-06-30", MetricId::Dist52wHigh).unwrap(), 92.3677 / 125.0442 - 1.0));
    // XOM_data.csv: 2015-12-01 over 2014-12-31.
    let xom = metric(u, "XOM", "2015-12-31", MetricId::Mom12_1).unwrap();
    assert!((xom - (-0.08383863023163374)).abs() < 1e-12, "{xom}");
    // A year of history is needed: the series starts 2013-05-21.
    assert_eq!(metric(u, "XOM", "2014-03-31", MetricId::Mom12_1), None);
}

#[test]
fn value_uses_the_split_consistent_market_cap() {
    let Some(u) = universe() else { return };
    // Apple on 2016-06-30: TTM net income $50.678bn over a $523.4bn market cap.
    let ey = metric(u, "AAPL", "2016-06-30", MetricId::EarningsYield).unwrap();
    assert!((ey - 50.678e9 / 523.447684844e9).abs() < 1e-6, "{ey}");
}

/// A member's market cap at the close of `d`, as the score computes it.
fn market_cap(m: &alphadesk_score::panel::Member, d: NaiveDate) -> Option<f64> {
    let (day, close) = m.prices.close_on_or_before(d)?;
    let shares = m.fundamentals(d)?.fields.get(&Field::SharesOutstanding)?;
    m.basis.as_ref()?.market_cap_value(close, day, d, shares).ok()
}

/// Every split and price adjustment alphadesk can establish from the store, by
/// ticker: XBRL splits and those inferred from snapshots and annual share counts.
fn price_events(
    store: &Store,
    u: &Universe,
) -> Vec<(String, Vec<alphadesk_store::read::Split>, Vec<alphadesk_fundamentals::marketcap::Adjustment>)> {
    u.members
        .iter()
        .filter_map(|m| {
            let basis = m.prices.dates.last().copied()?;
            let mut splits = match m.cik {
                Some(c) => alphadesk_store::read::splits(store.conn(), c).unwrap(),
                None => Vec::new(),
            };
            let (inferred, other) = alphadesk_fundamentals::marketcap::inferred_adjustments(
                &alphadesk_fundamentals::StoreRecords::new(store.conn()),
                &m.ticker,
                basis,
            )
            .unwrap();
            if splits.is_empty() {
                splits = inferred;
            }
            (!splits.is_empty() || !other.is_empty()).then(|| (m.ticker.clone(), splits, other))
        })
        .collect()
}

#[test]
fn market_cap_is_continuous_across_every_split() {
    let (Some(path), Some(u)) = (full_store(), universe()) else { return };
    let store = Store::open(path).unwrap();
    let events = price_events(&store, u);
    let mut checked = 0;
    for (ticker, splits, _) in &events {
        let m = u.member(ticker).unwrap();
        for s in splits {
            // The step the old method made: on the day a post-split share count
            // became known, a market cap from pre-split counts jumped by the ratio.
            // No date on which the member's fundamentals changed within two years
            // around the split may show a step by the split ratio beyond the price.
            let changes: Vec<NaiveDate> = m
                .timeline
                .iter()
                .map(|r| r.as_of)
                .filter(|d| {
                    *d > s.after - chrono::Duration::days(365) && *d <= s.effective + chrono::Duration::days(460)
                })
                .collect();
            for d in changes {
                let before = u.calendar[..u.calendar.partition_point(|x| *x < d)].last().copied();
                let (Some(before), Some(after)) = (before, u.trading_day_on_or_before(d + chrono::Duration::days(3)))
                else {
                    continue;
                };
                let (Some(a), Some(z)) = (market_cap(m, before), market_cap(m, after)) else { continue };
                let price =
                    m.prices.close_on_or_before(after).unwrap().1 / m.prices.close_on_or_before(before).unwrap().1;
                let step = z / a / price;
                let by_ratio = (step / s.ratio - 1.0).abs() < 0.1 || (step * s.ratio - 1.0).abs() < 0.1;
                assert!(
                    !by_ratio || s.ratio < 1.3,
                    "{ticker} from {before} to {after}: market cap steps ×{step:.3} beyond the price move, the {}:1 split ({})",
                    s.ratio,
                    s.evidence
                );
                checked += 1;
            }
        }
    }
    assert!(events.len() >= 25, "{} tickers with splits or adjustments", events.len());
    assert!(checked >= 40, "{checked} share-count changes checked around splits");
}

#[test]
fn market_caps_agree_with_the_dated_snapshots() {
    let (Some(path), Some(u)) = (full_store(), universe()) else { return };
    let store = Store::open(path).unwrap();
    let caps = alphadesk_store::read::snapshot_values(store.conn(), "market_cap_usd").unwrap();
    // The tickers at stake: those whose prices carry a split or other adjustment.
    let events = price_events(&store, u);
    let (mut n, mut close) = (0, 0);
    let mut far = Vec::new();
    for (ticker, _, _) in &events {
        let m = u.member(ticker).unwrap();
        for alphadesk_store::read::Dated { date: d, value: cap, .. } in
            caps.get(ticker).map(Vec::as_slice).unwrap_or(&[])
        {
            let Some(ours) = market_cap(m, *d) else { continue };
            n += 1;
            if (ours / cap - 1.0).abs() <= 0.25 {
                close += 1;
            } else {
                far.push(format!("{ticker} {d}: {ours:.3e} vs {cap:.3e}"));
            }
        }
    }
    // The snapshots' market caps are Yahoo's, some stale (ICE on 2017-03-08 is a
    // fifth of its price times shares); the rest must agree within a quarter
    // (table share counts are a year old at worst, and dividends after the last
    // table row are not divided out).
    assert!(n >= 40 && close as f64 >= 0.85 * n as f64, "{close} of {n} within 25%; far: {far:?}");
}

#[test]
fn every_sector_spans_0_to_100_on_every_date() {
    let Some(u) = universe() else { return };
    // The ranks themselves, without the provisional band (tested below).
    let cfg = ScoreConfig { full_pillars: 0, ..ScoreConfig::default() };
    for date in ["2014-06-30", "2015-06-30", "2016-06-30", "2017-06-30", "2018-04-30"] {
        let records = score(u, d(date), &cfg);
        assert!(records.len() > 350, "{date}: {} records", records.len());
        for sector in alphadesk_model::Sector::ALL {
            let in_sector: Vec<_> = records.iter().filter(|r| r.sector == sector).collect();
            for p in [Pillar::Momentum, Pillar::Value, Pillar::Quality] {
                let scores: Vec<u8> = in_sector.iter().filter_map(|r| r.pillars[&p].score).collect();
                assert_spans(&scores, &format!("{date} {sector} {p}"));
            }
            let totals: Vec<u8> = in_sector.iter().filter_map(|r| r.alpha_score).collect();
            assert_spans(&totals, &format!("{date} {sector} alpha"));
        }
        // Nothing is invented: a record without enough pillars has no score and says why.
        for r in &records {
            assert_eq!(r.alpha_score.is_none(), r.reason.is_some(), "{}", r.ticker);
            // Sentiment exists only where news or posts do (StockNet: 2014-2015).
        }
    }
}

/// A score from fewer than three pillars is neither Strong nor Weak, and says it
/// is provisional; full scores still reach both ends.
#[test]
fn scores_from_two_pillars_are_provisional_and_never_extreme() {
    let Some(u) = universe() else { return };
    let cfg = ScoreConfig::default();
    let (mut provisional, mut full_extremes) = (0, 0);
    for date in ["2014-06-30", "2016-06-30", "2017-06-30", "2018-04-30"] {
        for r in score(u, d(date), &cfg) {
            let Some(a) = r.alpha_score else { continue };
            if r.coverage.pillars_available < 3 {
                provisional += 1;
                assert!(r.provisional && (40..=74).contains(&a), "{date} {}: {a} from 2 pillars", r.ticker);
                assert!(alphadesk_score::tracking_sentence(&r).contains("(provisional: 2 of 4 pillars)"));
            } else {
                assert!(!r.provisional);
                full_extremes += usize::from(a <= 10 || a >= 90);
            }
        }
    }
    assert!(provisional > 0 && full_extremes > 0, "{provisional} provisional, {full_extremes} full at the extremes");
}

/// Ranks span 0..=100: the lowest is 0 and the highest 100, unless values tie at an
/// end (ties share their average rank), and a sector where all tie sits at 50.
fn assert_spans(scores: &[u8], what: &str) {
    if scores.len() < 2 {
        return;
    }
    let (min, max) = (*scores.iter().min().unwrap(), *scores.iter().max().unwrap());
    if min == max {
        assert_eq!(min, 50, "{what}: all tied must be 50");
        return;
    }
    let count = |v: u8| scores.iter().filter(|&&s| s == v).count();
    assert!(min == 0 || count(min) > 1, "{what}: lowest is {min}, untied");
    assert!(max == 100 || count(max) > 1, "{what}: highest is {max}, untied");
}

/// Copies the full store and deletes everything that became known after `as_of`.
/// Returns it and how many facts it lost.
fn truncated_copy(full: &Path, dir: &Path, as_of: NaiveDate) -> (PathBuf, u64) {
    let path = dir.join(format!("known-by-{as_of}.db"));
    let s = Store::open(full).unwrap();
    s.conn().execute("VACUUM INTO ?1", [path.to_str().unwrap()]).unwrap();
    drop(s);
    let t = Store::open(&path).unwrap();
    let d = as_of.to_string();
    let lag = alphadesk_fundamentals::TABLE_LAG_DAYS;
    t.conn()
        .execute_batch(&format!(
            "DELETE FROM prices WHERE date > '{d}';
             DELETE FROM filings WHERE filed > '{d}';
             DELETE FROM fundamentals_annual WHERE date(period_end, '+{lag} days') > '{d}';
             DELETE FROM market_snapshots WHERE as_of > '{d}';
             DELETE FROM insider_transactions WHERE report_id IN (SELECT id FROM insider_reports WHERE filed IS NULL OR filed > '{d}');
             DELETE FROM insider_owners WHERE report_id IN (SELECT id FROM insider_reports WHERE filed IS NULL OR filed > '{d}');
             DELETE FROM insider_reports WHERE filed IS NULL OR filed > '{d}';
             DELETE FROM holdings WHERE report_id IN (SELECT id FROM holdings_reports WHERE filed IS NULL OR filed > '{d}');
             DELETE FROM holdings_reports WHERE filed IS NULL OR filed > '{d}';
             DELETE FROM news_signals WHERE known_date > '{d}';
             DELETE FROM news_processed WHERE document_id IN (SELECT id FROM documents WHERE known_date > '{d}');
             DELETE FROM documents WHERE known_date > '{d}';"
        ))
        .unwrap();
    let mut t = t;
    t.rebuild_price_columns().unwrap();
    let facts_after = t.remove_facts_filed_after(as_of).unwrap();
    (path, facts_after)
}

#[test]
fn no_look_ahead_score_equals_score_from_a_store_of_only_what_was_known() {
    let (Some(full_path), Some(full)) = (full_store(), universe()) else { return };
    let cfg = ScoreConfig::default();
    let dir = tempfile::tempdir().unwrap();
    let full_store = Store::open(full_path).unwrap();
    for date in ["2013-12-31", "2014-02-28", "2015-06-30", "2016-03-31", "2017-11-30", "2018-05-01"] {
        let as_of = d(date);
        let (known, facts_after) = truncated_copy(full_path, dir.path(), as_of);
        let known = Store::open(&known).unwrap();
        assert!(facts_after > 0, "the test must remove something");
        // The adjusted prices still carry adjustments made up to 2018; the corporate
        // actions that undo them come from the full store (see panel.rs).
        let u = Universe::load_with_price_basis(&known, &full_store).unwrap();
        let a = score(full, as_of, &cfg);
        let b = score(&u, as_of, &cfg);
        assert_eq!(a.len(), b.len(), "{date}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{date}: {} differs", x.ticker);
        }
    }
}

/// The panel reads facts and table rows in bulk, restricted to the concepts and
/// items the fundamentals use. If a concept were missing from those lists, the
/// panel's numbers would silently differ from `alphadesk facts`; this pins them equal.
#[test]
fn panel_fundamentals_equal_the_facts_command() {
    let (Some(path), Some(u)) = (full_store(), universe()) else { return };
    let store = Store::open(path).unwrap();
    for ticker in ["AAPL", "GOOGL", "MMM", "XOM"] {
        let m = u.member(ticker).unwrap();
        for date in ["2014-05-01", "2014-07-01", "2016-06-30", "2018-04-30"] {
            let direct = alphadesk_fundamentals::facts(&store, ticker, d(date)).unwrap().unwrap();
            let mut fields = direct.fields.clone();
            let direct_mcap = fields.remove(&Field::MarketCap);
            let panel = m.fundamentals(d(date)).map(|r| r.fields.clone()).unwrap_or_default();
            assert_eq!(panel, fields, "{ticker} {date}");
            if let (Some(mc), Some(basis), Some(bar)) = (direct_mcap, &m.basis, m.prices.bar_on_or_before(d(date))) {
                let shares = &panel[&Field::SharesOutstanding];
                assert_eq!(basis.market_cap(&bar, d(date), shares).unwrap(), mc, "{ticker} {date} market cap");
            }
        }
    }
}

#[test]
fn news_tone_feeds_the_sentiment_pillar() {
    let Some(u) = universe() else { return };
    let records = score(u, d("2015-06-30"), &ScoreConfig::default());
    let with_sentiment: Vec<_> = records.iter().filter(|r| r.pillars[&Pillar::Sentiment].score.is_some()).collect();
    // StockNet covers 42 of the shared tickers with daily tweets in 2014-2015.
    assert!(with_sentiment.len() >= 30, "{}", with_sentiment.len());
    assert!(with_sentiment.iter().any(|r| r.ticker == "AAPL"));
    let aapl = records.iter().find(|r| r.ticker == "AAPL").unwrap();
    let tone = aapl.metrics.iter().find(|m| m.id == MetricId::NewsTone).unwrap();
    assert!(tone.raw.is_some_and(|v| (-1.0..=1.0).contains(&v)));
    // After StockNet's window, the Reuters company-page leads (2013–2018) carry the
    // news tone; a ticker with nothing in the window has no pillar, and says why.
    let later = score(u, d("2017-06-30"), &ScoreConfig::default());
    let scored = later.iter().filter(|r| r.pillars[&Pillar::Sentiment].score.is_some()).count();
    assert!(scored >= 80, "{scored} tickers with a sentiment pillar on 2017-06-30");
    let unscored: Vec<_> = later.iter().filter(|r| r.pillars[&Pillar::Sentiment].score.is_none()).collect();
    assert!(!unscored.is_empty());
    assert!(unscored.iter().all(|r| r.pillars[&Pillar::Sentiment].reason.is_some()));
}

/// A load splits its members' fundamentals across workers, each with its own
/// connection to the store file; with two handles on the file (the price basis
/// from the second) it runs on one connection, through the store's own reads.
/// Both give every member the same steps and every date the same scores.
#[test]
fn a_load_on_every_core_equals_one_on_one_connection() {
    let (Some(path), Some(split)) = (full_store(), universe()) else { return };
    let (a, b) = (Store::open(path).unwrap(), Store::open(path).unwrap());
    let one = Universe::load_with_price_basis(&a, &b).unwrap();
    assert_eq!(split.members.len(), one.members.len());
    for (x, y) in split.members.iter().zip(&one.members) {
        assert_eq!(x.ticker, y.ticker);
        let steps = |m: &alphadesk_score::panel::Member| serde_json::to_string(&m.timeline).unwrap();
        assert_eq!(steps(x), steps(y), "{}: the fundamentals' steps differ", x.ticker);
    }
    let cfg = ScoreConfig::default();
    for date in ["2014-06-30", "2016-03-31", "2018-04-30"] {
        assert_eq!(score(split, d(date), &cfg), score(&one, d(date), &cfg), "{date}");
    }
}

/// A note on a universe loaded for scores reads its own member's steps alone
/// (`Universe::notes_timeline`, its records read for one ticker); they are the
/// steps a load of every member at notes' reach computes, for every member on
/// three dates, and the full history's steps up to each date say the same.
#[test]
fn one_member_s_notes_steps_are_those_of_a_load_of_every_member() {
    use alphadesk_score::Window;
    let (Some(path), Some(full)) = (full_store(), universe()) else { return };
    let store = Store::open(path).unwrap();
    let json = |steps: &[alphadesk_fundamentals::FactsReport]| serde_json::to_string(steps).unwrap();
    let mut compared = 0;
    for date in ["2014-06-30", "2016-03-31", "2018-04-30"] {
        let day = d(date);
        let scores = Universe::load_window(&store, &store, Window::dates(day, day)).unwrap();
        let notes = Universe::load_window(&store, &store, Window::dates(day, day).for_notes()).unwrap();
        for (m, all) in scores.members.iter().zip(&notes.members) {
            assert_eq!(m.ticker, all.ticker);
            let alone = scores.notes_timeline(&store, m, day).unwrap();
            assert_eq!(json(&alone), json(&all.timeline), "{} on {date}", m.ticker);
            // What a note reads of them (the steps known by the date) is the
            // whole history's, from the oldest step they hold.
            let whole = full.member(&m.ticker).unwrap();
            if let Some(first) = alone.first() {
                let since: Vec<_> =
                    whole.timeline.iter().filter(|r| r.as_of > first.as_of && r.as_of <= day).cloned().collect();
                let held: Vec<_> = alone.iter().skip(1).cloned().collect();
                assert_eq!(json(&held), json(&since), "{} on {date}: steps after the first", m.ticker);
            }
            compared += usize::from(alone.len() > 1);
        }
        // A universe that reaches that far lends its own steps.
        let m = &notes.members[0];
        assert!(matches!(notes.notes_timeline(&store, m, day).unwrap(), std::borrow::Cow::Borrowed(_)));
    }
    assert!(compared > 30, "members with steps to compare: {compared}");
}
