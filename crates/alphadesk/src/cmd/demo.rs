use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_service::write::Writer;
use alphadesk_service::{Field, Service};

use super::format_value;
use super::ingest::{after_ingest, ingest_all, print_summary};
use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory. Default: $ALPHADESK_DATA, else ../shared/data beside the repository.
    #[arg(long)]
    data: Option<PathBuf>,
    /// End after the report instead of serving the pages, API and MCP.
    #[arg(long)]
    no_serve: bool,
    /// Where to serve; a free port on the same address when this one is taken.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Write the stories of June 2013, from full Reuters articles (most of
    /// whose companies have no Alpha Score yet), instead of March 2017's.
    #[arg(long)]
    full_text_stories: bool,
}

/// Folders of the data directory whose sources this build reads.
const SOURCE_DIRS: &[&str] = &["market", "sec", "text/news", "social/stocknet/tweet/preprocessed"];

/// The notes' date: the latest month end on which the shared fundamentals are
/// timely for nearly every ticker. The annual table ends with fiscal 2016, so
/// from April 2017 its 2015 rows are stale (docs/fundamentals.md) and most
/// scores rest on momentum and sentiment alone: provisional.
const DEMO_AS_OF: &str = "2017-03-31";

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let data = crate::paths::data_dir(a.data.as_deref())?;
    writeln!(out, "alphadesk demo: data {} -> store {}", data.display(), db.display())?;
    let dirs: Vec<PathBuf> = SOURCE_DIRS.iter().map(|d| data.join(d)).filter(|p| p.is_dir()).collect();
    if dirs.is_empty() {
        anyhow::bail!("{} has none of the folders {:?}", data.display(), SOURCE_DIRS);
    }
    let started = std::time::Instant::now();
    let s = {
        let mut w = Writer::open(db, "demo")?;
        let s = ingest_all(&mut w, &dirs, false)?;
        let derived = after_ingest(&mut w, &s)?;
        writeln!(out, "\n== ingest ({:.1} s) ==", started.elapsed().as_secs_f64())?;
        print_summary(out, &s)?;
        if let Some(d) = derived {
            writeln!(out, "  news: read {} new documents into {} company tone signals", d.documents, d.signals)?;
        }
        s
    };

    // Read connections enough to serve from at the end.
    let service = super::serve::open(db, None, None, super::serve::readers())?;
    let c = service.counts()?;
    writeln!(out, "\n== store ==")?;
    writeln!(out, "  securities master  {} tickers ({} with prices)", c.securities, c.tickers_with_prices)?;
    writeln!(
        out,
        "  daily prices       {} bars, {} .. {}",
        c.price_bars,
        c.first_price_date.as_deref().unwrap_or("-"),
        c.last_price_date.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "  XBRL facts         {} (from {} companies' filings index)", c.facts, c.companies)?;
    writeln!(out, "  filings index      {}", c.filings)?;
    writeln!(out, "  insider reports    {} ({} table rows)", c.insider_reports, c.insider_transactions)?;
    writeln!(out, "  13F reports        {} ({} holdings)", c.holdings_reports, c.holdings)?;
    writeln!(
        out,
        "  annual table rows  {} ticker-years; {} dated snapshot rows",
        c.fundamentals_rows, c.snapshot_rows
    )?;
    writeln!(
        out,
        "  news and posts     {} articles, {} posts, {} company tone signals",
        c.articles, c.posts, c.news_signals
    )?;

    writeln!(out, "\n== Apple's market cap across its 7-for-1 split (2014-06-09) ==")?;
    for d in ["2014-05-01", "2014-07-01"] {
        let r = service.facts("AAPL", Some(d.parse()?))?;
        match (r.fields.get(&Field::MarketCap), r.fields.get(&Field::RevenueTtm)) {
            (Some(m), Some(rev)) => writeln!(
                out,
                "  {d}: market cap ${} ({}); TTM revenue ${} to {} ({})",
                format_value(m.value),
                m.method,
                format_value(rev.value),
                rev.period_end,
                rev.concept
            )?,
            _ => writeln!(out, "  {d}: {:?}", r.missing)?,
        }
    }
    score_section(&service, db, out)?;
    let notes = notes_section(&service, db, out)?;
    let window = if a.full_text_stories { FULL_TEXT_WINDOW } else { STORY_WINDOW };
    let stories = stories_section(&service, db, window, out)?;
    writeln!(out, "\nNext: alphadesk explain AAPL --as-of {DEMO_AS_OF} --db {}", db.display())?;
    writeln!(out, "      alphadesk check {}/AAPL.md --db {}", notes.display(), db.display())?;
    writeln!(
        out,
        "      alphadesk themes --from {} --to {} --db {}; stories in {}/",
        window.0,
        window.1,
        db.display(),
        stories.display()
    )?;
    let code = if s.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    if a.no_serve {
        return Ok(code);
    }
    writeln!(out)?;
    // The demo's own service: its caches are warm (scores, figures of record),
    // so the first page is as quick as the rest.
    super::serve::logging();
    super::serve::run_server(service, a.addr, true, &Default::default(), out)?;
    Ok(code)
}

/// The demo's theme window: the notes' month, on the Reuters headline-and-lead
/// records, when most companies in the news have an Alpha Score — the month an
/// editor would rather read (in June 2013 the momentum pillar has too little
/// price history, and most stories could only say "no Alpha Score").
const STORY_WINDOW: (&str, &str) = ("2017-03-01", DEMO_AS_OF);
/// June 2013: every Reuters article stored in full (`--full-text-stories`).
const FULL_TEXT_WINDOW: (&str, &str) = ("2013-06-01", "2013-06-28");
/// Themes the demo prints (all of them are published).
const THEMES_SHOWN: usize = 8;

/// Finds the themes of the demo window, prints the largest, and publishes the
/// stories of all of them that pass the checker.
fn stories_section(service: &Service, db: &Path, window: (&str, &str), out: &mut Out) -> anyhow::Result<PathBuf> {
    let (from, as_of) = (window.0.parse()?, window.1.parse()?);
    let dir = db.parent().unwrap_or(Path::new("")).join("alphadesk-stories");
    let started = std::time::Instant::now();
    let themes = service.themes(from, as_of, None)?;
    writeln!(
        out,
        "\n== Themes of the Reuters articles of {from}..{as_of}: {} found in {:.2} s; the largest ==",
        themes.len(),
        started.elapsed().as_secs_f64()
    )?;
    for t in themes.iter().take(THEMES_SHOWN) {
        let about: Vec<String> = t
            .companies
            .iter()
            .filter(|c| c.articles > 0)
            .take(4)
            .map(|c| format!("{} ({})", c.name.as_deref().unwrap_or(&c.ticker), c.ticker))
            .collect();
        writeln!(
            out,
            "  {:<44} {:>3} articles  {}{}",
            t.id,
            t.articles.len(),
            t.label,
            if about.is_empty() { String::new() } else { format!("; about {}", about.join(", ")) }
        )?;
    }
    let started = std::time::Instant::now();
    let stories = service.stories(as_of, Some(from), None)?;
    let o = super::publish::publish_stories(stories, &dir)?;
    super::publish::print_story_failures(out, &o)?;
    writeln!(out, "  {} in {:.2} s", o.summary(), started.elapsed().as_secs_f64())?;
    if let Some(s) = o.published.iter().find(|s| !s.tickers.is_empty()) {
        writeln!(out, "  for example: {}/{}.md", dir.display(), s.theme)?;
        writeln!(out, "    {}", s.headline)?;
    }
    Ok(dir)
}

/// Composes and checks a note for every ticker scored on the demo date; writes the
/// passing ones beside the store and prints the pass rate and every failure.
fn notes_section(service: &Service, db: &Path, out: &mut Out) -> anyhow::Result<PathBuf> {
    let as_of = DEMO_AS_OF.parse()?;
    let dir = db.parent().unwrap_or(Path::new("")).join("alphadesk-notes");
    let started = std::time::Instant::now();
    let o = super::publish::publish(service.compose_notes(as_of, &[])?, &dir, started)?;
    writeln!(out, "\n== Research notes as of {as_of}, each checked against the publishing rules ==")?;
    super::publish::print_failures(out, &o)?;
    writeln!(out, "  {}", o.summary())?;
    writeln!(out, "  notes (Markdown, HTML, JSON): {}/", dir.display())?;
    Ok(dir)
}

fn score_section(service: &Service, db: &Path, out: &mut Out) -> anyhow::Result<()> {
    use alphadesk_service::{profile_sentence, tracking_sentence};
    let snap = service.snapshot()?;
    let as_of = snap
        .index
        .trading_day_on_or_before(DEMO_AS_OF.parse()?)
        .ok_or_else(|| anyhow::anyhow!("no prices by {DEMO_AS_OF}"))?;
    let mut records: Vec<_> =
        service.scores_on(&snap, as_of)?.iter().filter(|r| r.alpha_score.is_some()).cloned().collect();
    writeln!(
        out,
        "\n== Alpha Score as of {as_of} ({} tickers scored; config {}) ==",
        records.len(),
        service.config_hash()
    )?;
    // Highest first; ties by ticker so the listing is reproducible.
    records.sort_by(|a, b| b.alpha_score.cmp(&a.alpha_score).then(a.ticker.cmp(&b.ticker)));
    let show = |out: &mut Out, r: &alphadesk_service::ScoreRecord| -> std::io::Result<()> {
        writeln!(out, "  {:<6} {:>3}  {}", r.ticker, r.alpha_score.unwrap_or(0), tracking_sentence(r))?;
        writeln!(out, "              {}", profile_sentence(r))
    };
    writeln!(out, "Highest ten:")?;
    for r in records.iter().take(10) {
        show(out, r)?;
    }
    writeln!(out, "Lowest ten:")?;
    for r in records.iter().rev().take(10) {
        show(out, r)?;
    }
    let bt = service.record_backtest()?;
    writeln!(out, "\n== How the score has ranked stocks: the backtest of record ==")?;
    writeln!(out, "{}", super::backtest::summary(&bt))?;
    // Beside the store, so that a demo run leaves its outputs in one place.
    let dir = db.parent().unwrap_or(Path::new("")).join("alphadesk-report");
    alphadesk_service::write_report(&bt, Some(&service.live_record()?), &dir)?;
    writeln!(out, "report with charts: {}/README.md", dir.display())?;
    if !snap.index.excluded.is_empty() {
        writeln!(
            out,
            "Not ranked ({}): {}",
            snap.index.excluded.len(),
            snap.index.excluded.iter().map(|(t, why)| format!("{t} ({why})")).collect::<Vec<_>>().join(", ")
        )?;
    }
    Ok(())
}
