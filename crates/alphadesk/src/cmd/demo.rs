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
const SOURCE_DIRS: &[&str] = &["market", "sec"];

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
    println!("\n== ingest ({:.1} s) ==", started.elapsed().as_secs_f64());
    print_summary(&s);

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
    println!("  articles           {} (news ingest is not built yet)", c.articles);

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
    println!("\nNext: alphadesk facts AAPL --as-of 2016-06-30 --db {}", db.display());
    Ok(if s.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
