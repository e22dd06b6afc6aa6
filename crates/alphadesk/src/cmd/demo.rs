use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_store::Store;

use super::facts::format_value;
use super::ingest::{ingest_all, print_summary};

#[derive(clap::Args)]
pub struct Args {
    /// Data directory. Default: $ALPHADESK_DATA, else ../shared/data beside the repository.
    #[arg(long)]
    data: Option<PathBuf>,
}

/// Folders of the data directory whose sources this build reads.
const SOURCE_DIRS: &[&str] = &["market", "sec", "text/news", "social/stocknet/tweet/preprocessed"];

pub fn run(db: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let data = crate::paths::data_dir(a.data.as_deref())?;
    println!("alphadesk demo: data {} -> store {}", data.display(), db.display());
    let mut store = Store::open(db)?;
    let dirs: Vec<PathBuf> = SOURCE_DIRS.iter().map(|d| data.join(d)).filter(|p| p.is_dir()).collect();
    if dirs.is_empty() {
        anyhow::bail!("{} has none of the folders {:?}", data.display(), SOURCE_DIRS);
    }
    let started = std::time::Instant::now();
    let s = ingest_all(&mut store, &dirs, false)?;
    let derived = super::news::derive_signals(&mut store)?;
    println!("\n== ingest ({:.1} s) ==", started.elapsed().as_secs_f64());
    print_summary(&s);
    if let Some(d) = derived {
        println!("  news: read {} new documents into {} company tone signals", d.documents, d.signals);
    }

    let c = store.counts()?;
    println!("\n== store ==");
    println!("  securities master  {} tickers ({} with prices)", c.securities, c.tickers_with_prices);
    println!(
        "  daily prices       {} bars, {} .. {}",
        c.price_bars,
        c.first_price_date.as_deref().unwrap_or("-"),
        c.last_price_date.as_deref().unwrap_or("-")
    );
    println!("  XBRL facts         {} (from {} companies' filings index)", c.facts, c.companies);
    println!("  filings index      {}", c.filings);
    println!("  insider reports    {} ({} table rows)", c.insider_reports, c.insider_transactions);
    println!("  13F reports        {} ({} holdings)", c.holdings_reports, c.holdings);
    println!("  annual table rows  {} ticker-years; {} dated snapshot rows", c.fundamentals_rows, c.snapshot_rows);
    println!(
        "  news and posts     {} articles, {} posts, {} company tone signals",
        c.articles, c.posts, c.news_signals
    );

    println!("\n== Apple's market cap across its 7-for-1 split (2014-06-09) ==");
    for d in ["2014-05-01", "2014-07-01"] {
        let date = d.parse()?;
        if let Some(r) = alphadesk_fundamentals::facts(&store, "AAPL", date)? {
            match (r.fields.get("market_cap"), r.fields.get("revenue_ttm")) {
                (Some(m), Some(rev)) => println!(
                    "  {d}: market cap ${} ({}); TTM revenue ${} to {} ({})",
                    format_value(m.value),
                    m.method,
                    format_value(rev.value),
                    rev.period_end,
                    rev.concept
                ),
                _ => println!("  {d}: {:?}", r.missing),
            }
        }
    }
    score_section(&store, db)?;
    let notes = notes_section(&store, db)?;
    println!("\nNext: alphadesk explain AAPL --as-of 2018-04-30 --db {}", db.display());
    println!("      alphadesk check {}/AAPL.md --db {}", notes.display(), db.display());
    Ok(if s.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Composes and checks a note for every ticker scored on the demo date; writes the
/// passing ones beside the store and prints the pass rate and every failure.
fn notes_section(store: &Store, db: &Path) -> anyhow::Result<PathBuf> {
    let u = alphadesk_score::Universe::load(store)?;
    let cfg = alphadesk_score::ScoreConfig::default();
    let as_of = DEMO_AS_OF.parse()?;
    let desk = alphadesk_notes::Desk::new(store, &u, &cfg, as_of)?;
    let checker = alphadesk_rules::Checker::new(&desk, alphadesk_rules::RulesConfig::default())?;
    let dir = db.parent().unwrap_or(Path::new("")).join("alphadesk-notes");
    let o = super::publish::publish(&checker, &desk.tickers(), &dir)?;
    println!("\n== Research notes as of {as_of}, each checked against the publishing rules ==");
    super::publish::print_failures(&o);
    println!("  {}", o.summary());
    println!("  notes (Markdown, HTML, JSON): {}/", dir.display());
    Ok(dir)
}

/// The latest month end of the shared prices: recent enough to show, and a
/// date on which every input of the score existed.
const DEMO_AS_OF: &str = "2018-04-30";

fn score_section(store: &Store, db: &Path) -> anyhow::Result<()> {
    use alphadesk_score::{profile_sentence, score, tracking_sentence, ScoreConfig, Universe};
    let started = std::time::Instant::now();
    let u = Universe::load(store)?;
    let cfg = ScoreConfig::default();
    let as_of =
        u.trading_day_on_or_before(DEMO_AS_OF.parse()?).ok_or_else(|| anyhow::anyhow!("no prices by {DEMO_AS_OF}"))?;
    let mut records: Vec<_> = score(&u, as_of, &cfg).into_iter().filter(|r| r.alpha_score.is_some()).collect();
    println!(
        "\n== Alpha Score as of {as_of} ({} tickers scored, {:.2} s including loading the store; config {}) ==",
        records.len(),
        started.elapsed().as_secs_f64(),
        cfg.hash()
    );
    // Highest first; ties by ticker so the listing is reproducible.
    records.sort_by(|a, b| b.alpha_score.cmp(&a.alpha_score).then(a.ticker.cmp(&b.ticker)));
    let show = |r: &alphadesk_score::ScoreRecord| {
        println!("  {:<6} {:>3}  {}", r.ticker, r.alpha_score.unwrap_or(0), tracking_sentence(r));
        println!("              {}", profile_sentence(r));
    };
    println!("Highest ten:");
    records.iter().take(10).for_each(show);
    println!("Lowest ten:");
    records.iter().rev().take(10).for_each(show);
    let bt = alphadesk_validate::backtest(&u, &cfg, &alphadesk_validate::record_spec());
    println!("\n== How the score has ranked stocks: the backtest of record ==");
    println!("{}", super::backtest::summary(&bt));
    // Beside the store, so that a demo run leaves its outputs in one place.
    let dir = db.parent().unwrap_or(Path::new("")).join("alphadesk-report");
    alphadesk_validate::report::write(&bt, &dir)?;
    println!("report with charts: {}/README.md", dir.display());
    if !u.excluded.is_empty() {
        println!(
            "Not ranked ({}): {}",
            u.excluded.len(),
            u.excluded.iter().map(|(t, why)| format!("{t} ({why})")).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}
