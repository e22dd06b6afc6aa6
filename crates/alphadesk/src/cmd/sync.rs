//! `alphadesk sync [sec|prices|news]`: bring the store's SEC documents up to
//! date from EDGAR, its price series from a source the user brings, and its
//! news from feeds; with no source named, every source a config file names,
//! once or `--every` interval until SIGTERM.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alphadesk_model::AsOf;
use alphadesk_service::sync::{Hosts, Plan, Policy};
use alphadesk_service::write::{SecSync, Writer};
use indicatif::{ProgressBar, ProgressStyle};

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    source: Option<Source>,
    /// With no source named: a sync.toml naming what to sync — sec (user_agent
    /// and universe or managers), prices (price_url), news (feeds) — run in that order.
    #[arg(long, env = "ALPHADESK_SYNC_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// With no source named: sync again every DURATION (90s, 30m, 1h, 1d) until
    /// SIGTERM or Ctrl-C, which stop it between documents.
    #[arg(long, value_name = "DURATION", value_parser = parse_every)]
    every: Option<Duration>,
    /// With no source named: print each source's summary as one JSON record.
    #[arg(long)]
    json: bool,
}

/// A duration as a number and a unit: `90s`, `30m`, `1h`, `1d` (a bare number
/// is seconds). At least one second.
pub fn parse_every(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len()));
    let n: f64 = n.parse().map_err(|_| format!("expected a duration such as 90s, 30m, 1h or 1d, got {s:?}"))?;
    let secs = n * match unit {
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        _ => return Err(format!("unknown unit {unit:?} in {s:?}: use s, m, h or d")),
    };
    if !(1.0..=30.0 * 86_400.0).contains(&secs) {
        return Err(format!("{s:?} must be from 1 second to 30 days"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[derive(clap::Subcommand)]
enum Source {
    /// SEC EDGAR: the ticker map, each company's submissions and companyfacts,
    /// its Form 3/4/5 filings, and the 13F filings of the managers named.
    Sec(SecArgs),
    /// Daily bars from a price source you bring (a URL template and its key):
    /// each ticker's new days since its stored last, its whole history when
    /// the source re-based it.
    Prices(PriceArgs),
    /// Items of RSS and Atom feeds (issuers' press releases, the SEC's filing
    /// feeds): the ones not seen before, linked to companies and scored for
    /// tone like any article.
    News(NewsArgs),
}

#[derive(clap::Args, Default)]
pub struct NewsArgs {
    /// A feed's URL (repeat for several); with the config's `feeds`.
    #[arg(long = "feed", value_name = "URL")]
    feeds: Vec<String>,
    /// A sync.toml with any of: feeds, user_agent, rate, timeout, attempts,
    /// backoff, ban_pause (docs/sync.md).
    #[arg(long, env = "ALPHADESK_SYNC_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Requests per second [default: 1].
    #[arg(long, value_name = "N")]
    rate: Option<f64>,
    #[command(flatten)]
    patience: Patience,
    /// The User-Agent sent (the SEC's feeds ask for a name and an e-mail) [default: alphadesk/VERSION].
    #[arg(long, env = "ALPHADESK_USER_AGENT", value_name = "TEXT")]
    user_agent: Option<String>,
    /// List the feeds and fetch nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the summary as one JSON record.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Default)]
pub struct PriceArgs {
    /// Tickers, comma-separated.
    #[arg(long, value_delimiter = ',')]
    tickers: Vec<String>,
    /// A file of tickers, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    universe: Option<PathBuf>,
    /// Every ticker with stored prices (and any named).
    #[arg(long)]
    all: bool,
    /// Ask from this day (YYYY-MM-DD) instead of each ticker's stored last day.
    #[arg(long)]
    since: Option<AsOf>,
    /// The last day to ask for [default: today].
    #[arg(long)]
    until: Option<AsOf>,
    /// The source's URL template, with {ticker} (or {ticker_lower}), {from},
    /// {to} and {key}, e.g. Tiingo's
    /// "https://api.tiingo.com/tiingo/daily/{ticker}/prices?startDate={from}&endDate={to}&token={key}".
    /// The key comes from ALPHADESK_PRICE_KEY or price_key in --config, never from a flag.
    #[arg(long, value_name = "TEMPLATE")]
    price_url: Option<String>,
    /// The answer's layout: tiingo (JSON) or csv (Date,Open,High,Low,Close,Volume[,Adj Close]).
    #[arg(long, value_name = "FORMAT")]
    price_format: Option<alphadesk_service::sync::prices::PriceFormat>,
    /// A sync.toml with any of: price_url, price_format, price_key, price_rate,
    /// universe, user_agent, timeout, attempts, backoff, ban_pause (docs/sync.md).
    #[arg(long, env = "ALPHADESK_SYNC_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Requests per second [default: 1]; Tiingo's free tier allows 50 an hour (0.0138).
    #[arg(long, value_name = "N")]
    rate: Option<f64>,
    #[command(flatten)]
    patience: Patience,
    /// The User-Agent sent [default: alphadesk/VERSION].
    #[arg(long, env = "ALPHADESK_USER_AGENT", value_name = "TEXT")]
    user_agent: Option<String>,
    /// List the URLs a sync would ask (key elided) and fetch nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the summary as one JSON record.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Default)]
pub struct SecArgs {
    /// Companies by ticker, comma-separated (resolved through EDGAR's ticker map).
    #[arg(long, value_delimiter = ',', conflicts_with = "all")]
    tickers: Vec<String>,
    /// A file of tickers, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE", conflicts_with = "all")]
    universe: Option<PathBuf>,
    /// Every company in EDGAR's ticker map.
    #[arg(long)]
    all: bool,
    /// Only filings on or after this date (YYYY-MM-DD); default: every filing listed.
    #[arg(long)]
    since: Option<AsOf>,
    /// Only filings on or before this date (backfill in slices).
    #[arg(long)]
    until: Option<AsOf>,
    /// 13F filers (CIKs, comma-separated) whose holdings reports to fetch
    /// (with the config's `managers`).
    #[arg(long, value_delimiter = ',')]
    managers: Vec<u64>,
    /// A sync.toml with any of: user_agent, universe, managers, sec_base,
    /// sec_archives_base, rate, workers, timeout, ban_pause, attempts, backoff
    /// (docs/sync.md). A flag given here wins over the file.
    #[arg(long, env = "ALPHADESK_SYNC_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Load submissions and companyfacts from EDGAR's nightly bulk archives
    /// (submissions.zip, companyfacts.zip: over a gigabyte each, streamed to a
    /// scratch file and read entry by entry) instead of a request per company.
    #[arg(long)]
    bulk: bool,
    /// Find new filings from EDGAR's daily form indexes (one request per weekday,
    /// for every filer) and refresh only the companies that filed; starts the
    /// day after the last index read, or at --since.
    #[arg(long)]
    daily_index: bool,
    /// Fetch the ticker map only and list the documents a sync would fetch.
    #[arg(long)]
    dry_run: bool,
    /// Print the summary as one JSON record.
    #[arg(long)]
    json: bool,
    /// Your name and e-mail, as the SEC requires of every client ("Jane Doe jane@example.com").
    #[arg(long, env = "ALPHADESK_USER_AGENT", value_name = "NAME EMAIL")]
    user_agent: Option<String>,
    /// The EDGAR data host (submissions, companyfacts) [default: https://data.sec.gov].
    #[arg(long, value_name = "URL")]
    sec_base: Option<String>,
    /// The EDGAR archives host (ticker map, filings, indexes) [default: https://www.sec.gov].
    #[arg(long, value_name = "URL")]
    sec_archives_base: Option<String>,
    #[command(flatten)]
    patience: Patience,
    /// Requests per second across all workers; the SEC allows 10 [default: 9].
    #[arg(long, value_name = "N")]
    rate: Option<f64>,
    /// Documents fetched at once; they share the rate [default: 4].
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
}

/// How long a sync waits for a source, and how often it asks again: the same
/// for every source (a flag wins over the config file).
#[derive(clap::Args, Default)]
struct Patience {
    /// Seconds every request pauses after a rate-limit answer without Retry-After [default: 600].
    #[arg(long, value_name = "SECONDS")]
    ban_pause: Option<f64>,
    /// Seconds one request may take, connect to last byte [default: 60].
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Attempts per request for server errors, drops and timeouts [default: 5].
    #[arg(long, value_name = "N")]
    attempts: Option<u32>,
    /// The first retry's wait in seconds, doubled each attempt, with jitter [default: 0.5].
    #[arg(long, value_name = "SECONDS")]
    backoff: Option<f64>,
}

impl Patience {
    fn apply(&self, cfg: &alphadesk_service::sync::SyncConfig, policy: &mut Policy) -> anyhow::Result<()> {
        policy.ban_pause = seconds("ban-pause", self.ban_pause.or(cfg.ban_pause).unwrap_or(600.0))?;
        policy.timeout = seconds("timeout", self.timeout.or(cfg.timeout).unwrap_or(60.0))?;
        policy.attempts = self.attempts.or(cfg.attempts).unwrap_or(5).max(1);
        policy.backoff = seconds("backoff", self.backoff.or(cfg.backoff).unwrap_or(0.5))?;
        Ok(())
    }
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    let Some(config) = a.config.clone().filter(|_| a.source.is_none()) else {
        let Some(source) = a.source else {
            anyhow::bail!("name a source (sync sec, sync prices, sync news) or a --config naming them");
        };
        anyhow::ensure!(
            a.every.is_none(),
            "--every syncs the sources a config names: alphadesk sync --config FILE --every 1h"
        );
        return Ok(ExitCode::from(one(db, source, out, &stop)?));
    };
    let Some(every) = a.every else {
        return Ok(ExitCode::from(configured(db, &config, a.json, out, &stop)?));
    };
    stop_on_signal(stop.clone());
    loop {
        let started = Instant::now();
        let code = configured(db, &config, a.json, out, &stop)?;
        out.flush()?;
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let next = chrono::Utc::now() + chrono::Duration::from_std(every.saturating_sub(started.elapsed()))?;
        eprintln!(
            "sync: done (exit status {code}); next at {}",
            next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        if !sleep_unless_stopped(every.saturating_sub(started.elapsed()), &stop) {
            break;
        }
    }
    eprintln!("sync: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Sleeps `d`, waking early (false) when `stop` is set.
pub fn sleep_unless_stopped(d: Duration, stop: &AtomicBool) -> bool {
    let until = Instant::now() + d;
    while Instant::now() < until {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        std::thread::sleep((until - Instant::now()).min(Duration::from_millis(200)));
    }
    !stop.load(Ordering::Relaxed)
}

/// SIGTERM or Ctrl-C set `stop`: a sync stops after the document in flight.
fn stop_on_signal(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        rt.block_on(async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            let terminated = async {
                match term.as_mut() {
                    Some(t) => {
                        t.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminated => {}
            }
        });
        eprintln!("sync: stopping after the document in flight");
        stop.store(true, Ordering::Relaxed);
    });
}

/// One source, as its sub-command asks.
fn one(db: &Path, source: Source, out: &mut dyn Write, stop: &Arc<AtomicBool>) -> anyhow::Result<u8> {
    match source {
        Source::Sec(a) => sec(db, a, out, stop),
        Source::Prices(a) => prices(db, a, out, stop),
        Source::News(a) => news(db, a, out, stop),
    }
}

/// Every source `config` names, in order (sec, prices, news), each as its
/// sub-command with only the config would: the worst exit status. A source
/// that cannot start (a bad setting) is said and the others go on.
pub fn configured(
    db: &Path,
    config: &Path,
    json: bool,
    out: &mut dyn Write,
    stop: &Arc<AtomicBool>,
) -> anyhow::Result<u8> {
    let cfg = alphadesk_service::sync::SyncConfig::load(config).map_err(|e| anyhow::anyhow!("--config {e}"))?;
    let file = Some(config.to_path_buf());
    let mut sources: Vec<(&str, Source)> = Vec::new();
    if cfg.user_agent.is_some() && (cfg.universe.is_some() || !cfg.managers.is_empty()) {
        sources.push(("sec", Source::Sec(SecArgs { config: file.clone(), json, ..SecArgs::default() })));
    }
    if cfg.price_url.is_some() {
        // Without a universe: every stored series.
        let all = cfg.universe.is_none();
        sources.push(("prices", Source::Prices(PriceArgs { config: file.clone(), all, json, ..PriceArgs::default() })));
    }
    if !cfg.feeds.is_empty() {
        sources.push(("news", Source::News(NewsArgs { config: file.clone(), json, ..NewsArgs::default() })));
    }
    anyhow::ensure!(
        !sources.is_empty(),
        "{} names no source to sync: user_agent with universe or managers (sec), price_url (prices), feeds (news)",
        config.display()
    );
    let mut worst = 0u8;
    for (name, source) in sources {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let code = match one(db, source, out, stop) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("sync {name}: {e:#}");
                2
            }
        };
        worst = worst.max(code);
    }
    Ok(worst)
}

/// How to ask a source that is not EDGAR: `rate` requests a second (default
/// 1; from one an hour, a free tier's pace, to 10), the User-Agent given or
/// `alphadesk/VERSION`, and the patience flags over the config's.
fn any_source(
    rate: Option<f64>,
    user_agent: Option<&str>,
    patience: &Patience,
    cfg: &alphadesk_service::sync::SyncConfig,
) -> anyhow::Result<Policy> {
    let rate = rate.unwrap_or(1.0);
    anyhow::ensure!(
        alphadesk_service::sync::config::SOURCE_RATES.contains(&rate),
        "--rate must be from 1/3600 (one request an hour) to 10 per second, got {rate}"
    );
    let user_agent = user_agent
        .map(str::to_string)
        .or(cfg.user_agent.clone())
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| format!("alphadesk/{}", env!("CARGO_PKG_VERSION")));
    let mut policy = Policy::new(user_agent);
    policy.rate = rate;
    patience.apply(cfg, &mut policy)?;
    Ok(policy)
}

/// Tickers named on the command line and in a universe file.
fn tickers_named(tickers: &[String], universe: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let mut out = tickers.to_vec();
    if let Some(f) = universe {
        let text = std::fs::read_to_string(f).map_err(|e| anyhow::anyhow!("--universe {}: {e}", f.display()))?;
        out.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    out.retain(|t| !t.trim().is_empty());
    Ok(out)
}

fn prices(db: &Path, a: PriceArgs, out: &mut dyn Write, stop: &Arc<AtomicBool>) -> anyhow::Result<u8> {
    use alphadesk_service::sync::prices::{PricePlan, PriceSource};
    let cfg = match &a.config {
        Some(p) => alphadesk_service::sync::SyncConfig::load(p).map_err(|e| anyhow::anyhow!("--config {e}"))?,
        None => alphadesk_service::sync::SyncConfig::default(),
    };
    let Some(template) = a.price_url.clone().or(cfg.price_url.clone()) else {
        anyhow::bail!(
            "sync prices needs a source: --price-url TEMPLATE (or price_url in --config), e.g. Tiingo's \
             \"https://api.tiingo.com/tiingo/daily/{{ticker}}/prices?startDate={{from}}&endDate={{to}}&token={{key}}\" \
             with --price-format tiingo and the key in ALPHADESK_PRICE_KEY (docs/sync.md)"
        );
    };
    let Some(format) = a.price_format.or(cfg.price_format) else {
        anyhow::bail!("sync prices needs --price-format tiingo|csv (or price_format in --config)");
    };
    let key = std::env::var("ALPHADESK_PRICE_KEY").ok().filter(|k| !k.trim().is_empty()).or(cfg.price_key.clone());
    let source = PriceSource::new(&template, format, key).map_err(|e| anyhow::anyhow!("--price-url: {e}"))?;
    let policy = any_source(a.rate.or(cfg.price_rate), a.user_agent.as_deref(), &a.patience, &cfg)?;
    let universe = match a.all || !a.tickers.is_empty() {
        true => a.universe.clone(),
        false => a.universe.clone().or(cfg.universe.clone()),
    };
    let tickers = tickers_named(&a.tickers, universe.as_deref())?;
    anyhow::ensure!(a.all || !tickers.is_empty(), "say what to sync: --tickers, --universe FILE or --all");
    for t in &tickers {
        alphadesk_model::Ticker::new(t).map_err(|e| anyhow::anyhow!("--tickers: {e}"))?;
    }
    let until = a.until.map(|d| d.date()).unwrap_or_else(|| chrono::Utc::now().date_naive());
    if let Some(since) = a.since {
        anyhow::ensure!(since.date() <= until, "--since {} is after --until {until}", since.date());
    }
    let job = alphadesk_service::write::PriceSync {
        source,
        policy,
        plan: PricePlan { tickers, all: a.all, since: a.since.map(|d| d.date()), until, dry_run: a.dry_run },
    };
    let mut w = Writer::open(db, "sync prices")?;
    w.stop_on(stop.clone());
    let (bar, progress, notify) = reporters(a.json || !std::io::stderr().is_terminal());
    let report = w.sync_prices(&job, notify, progress)?;
    bar.lock().unwrap_or_else(|p| p.into_inner()).1.finish();
    if !report.tickers.is_empty() {
        super::ingest::after_sync(&mut w)?;
    }
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        print_prices(out, &report)?;
    }
    Ok(u8::from(report.failed()))
}

fn news(db: &Path, a: NewsArgs, out: &mut dyn Write, stop: &Arc<AtomicBool>) -> anyhow::Result<u8> {
    let cfg = match &a.config {
        Some(p) => alphadesk_service::sync::SyncConfig::load(p).map_err(|e| anyhow::anyhow!("--config {e}"))?,
        None => alphadesk_service::sync::SyncConfig::default(),
    };
    let mut feeds = a.feeds.clone();
    feeds.extend(cfg.feeds.iter().filter(|f| !a.feeds.contains(f)).cloned());
    anyhow::ensure!(!feeds.is_empty(), "say which feeds to read: --feed URL (repeatable) or feeds in --config");
    for f in &feeds {
        anyhow::ensure!(
            f.starts_with("https://") || f.starts_with("http://"),
            "--feed must be an http(s) URL, got {f:?}"
        );
    }
    let policy = any_source(a.rate.or(cfg.rate), a.user_agent.as_deref(), &a.patience, &cfg)?;
    let job = alphadesk_service::write::NewsSync {
        policy,
        plan: alphadesk_service::sync::news::NewsPlan { feeds, dry_run: a.dry_run },
    };
    let mut w = Writer::open(db, "sync news")?;
    w.stop_on(stop.clone());
    let (bar, progress, notify) = reporters(a.json || !std::io::stderr().is_terminal());
    let report = w.sync_news(&job, notify, progress)?;
    bar.lock().unwrap_or_else(|p| p.into_inner()).1.finish();
    if report.items() > 0 {
        // The news stage links the new items to companies and reads their tone.
        w.derive_news()?;
        super::ingest::after_sync(&mut w)?;
    }
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        if !report.tally.would_fetch.is_empty() {
            writeln!(out, "dry run: {} feeds would be read:", report.tally.would_fetch.len())?;
            for u in &report.tally.would_fetch {
                writeln!(out, "  {u}")?;
            }
        }
        if report.tally.stopped {
            writeln!(out, "stopped before every feed was read: the next sync goes on")?;
        }
        for (url, f) in &report.feeds {
            match (f.not_modified, f.items) {
                (true, _) => writeln!(out, "  {url}: unchanged (304)")?,
                (false, 0) => writeln!(out, "  {url}: nothing new ({} items seen before)", f.seen)?,
                (false, n) => writeln!(out, "  {url}: {n} new items ({} seen before)", f.seen)?,
            }
        }
        outcomes(out, &report.tally)?;
    }
    Ok(u8::from(report.failed()))
}

fn print_prices(out: &mut dyn Write, r: &alphadesk_service::sync::prices::PriceReport) -> std::io::Result<()> {
    if !r.tally.would_fetch.is_empty() {
        writeln!(out, "dry run: {} requests would be made:", r.tally.would_fetch.len())?;
        for u in &r.tally.would_fetch {
            writeln!(out, "  {u}")?;
        }
    }
    for (t, p) in &r.tickers {
        let days = match (p.new_from, p.new_to) {
            (Some(a), Some(b)) => format!("new days {a}..{b}"),
            _ => "no new day".into(),
        };
        let rows = super::format_value(p.rows as f64);
        let actions = match p.actions {
            0 => String::new(),
            n => format!(", {n} dividends or splits"),
        };
        writeln!(out, "  {t}: {rows} rows, {days}{actions}")?;
        if let Some(why) = &p.rebased {
            writeln!(out, "    series replaced: {why}")?;
        }
    }
    if r.tally.stopped {
        writeln!(out, "stopped before every ticker was asked: the next sync goes on")?;
    }
    if !r.up_to_date.is_empty() {
        writeln!(out, "  up to date (no weekday since the last bar): {}", r.up_to_date.join(", "))?;
    }
    if !r.nothing_new.is_empty() {
        writeln!(out, "  asked, nothing new: {}", r.nothing_new.join(", "))?;
    }
    outcomes(out, &r.tally)
}

/// A sync's requests, the faults it recovered from, and what failed (each URL
/// with why).
fn outcomes(out: &mut dyn Write, tally: &alphadesk_service::sync::fetch::Tally) -> std::io::Result<()> {
    writeln!(out, "{}", tally.counts)?;
    for f in &tally.faults {
        writeln!(out, "  recovered: {}: {}", f.url, f.why)?;
    }
    for f in &tally.failures {
        writeln!(out, "  FAILED: {}: {}", f.url, f.why)?;
    }
    Ok(())
}

fn seconds(flag: &str, v: f64) -> anyhow::Result<Duration> {
    anyhow::ensure!(v.is_finite() && (0.0..=86_400.0).contains(&v), "--{flag} must be 0 to 86400 seconds, got {v}");
    Ok(Duration::from_secs_f64(v))
}

fn sec(db: &Path, a: SecArgs, out: &mut dyn Write, stop: &Arc<AtomicBool>) -> anyhow::Result<u8> {
    let cfg = match &a.config {
        Some(p) => alphadesk_service::sync::SyncConfig::load(p).map_err(|e| anyhow::anyhow!("--config {e}"))?,
        None => alphadesk_service::sync::SyncConfig::default(),
    };
    // A flag wins over the config file, which wins over the default.
    let sec_base = a.sec_base.clone().or(cfg.sec_base.clone()).unwrap_or_else(|| "https://data.sec.gov".into());
    let sec_archives_base =
        a.sec_archives_base.clone().or(cfg.sec_archives_base.clone()).unwrap_or_else(|| "https://www.sec.gov".into());
    let rate = a.rate.or(cfg.rate).unwrap_or(9.0);
    let workers = a.workers.or(cfg.workers).unwrap_or(4);
    // The config's universe is what to sync when the command line does not say.
    let universe = match a.all || !a.tickers.is_empty() {
        true => a.universe.clone(),
        false => a.universe.clone().or(cfg.universe.clone()),
    };
    let mut managers = a.managers.clone();
    managers.extend(cfg.managers.iter().filter(|m| !a.managers.contains(m)));
    let Some(user_agent) = a.user_agent.clone().or(cfg.user_agent.clone()).filter(|u| !u.trim().is_empty()) else {
        anyhow::bail!(
            "sync needs a User-Agent naming you and a contact e-mail, as the SEC requires of every client: \
             --user-agent \"Jane Doe jane@example.com\", ALPHADESK_USER_AGENT or user_agent in --config"
        );
    };
    alphadesk_service::sync::check_user_agent(&user_agent).map_err(|e| anyhow::anyhow!("--user-agent: {e}"))?;
    anyhow::ensure!(rate > 0.0 && rate <= 10.0, "--rate must be above 0 and at most 10 (the SEC's limit), got {rate}");
    anyhow::ensure!((1..=16).contains(&workers), "--workers must be 1 to 16, got {workers}");
    for (flag, url) in [("sec-base", &sec_base), ("sec-archives-base", &sec_archives_base)] {
        anyhow::ensure!(
            url.starts_with("https://") || url.starts_with("http://"),
            "--{flag} must be an http(s) URL, got {url:?}"
        );
    }
    let tickers = tickers_named(&a.tickers, universe.as_deref())?;
    anyhow::ensure!(
        a.all || !tickers.is_empty() || !managers.is_empty(),
        "say what to sync: --tickers, --universe FILE, --all or --managers"
    );
    let mut policy = Policy::new(user_agent);
    policy.rate = rate;
    a.patience.apply(&cfg, &mut policy)?;
    let job = SecSync {
        hosts: Hosts::new(&sec_base, &sec_archives_base),
        policy,
        plan: Plan {
            tickers,
            all: a.all,
            managers,
            since: a.since.map(|d| d.date()),
            until: a.until.map(|d| d.date()),
            dry_run: a.dry_run,
            workers,
            bulk: a.bulk,
            daily_index: a.daily_index,
        },
    };
    let mut w = Writer::open(db, "sync sec")?;
    w.stop_on(stop.clone());
    let quiet = a.json || !std::io::stderr().is_terminal();
    let (bar, progress, notify) = reporters(quiet);
    let report = w.sync_sec(&job, notify, progress)?;
    bar.lock().unwrap_or_else(|p| p.into_inner()).1.finish();
    let changed = report.companies.values().any(|c| !c.documents.is_empty());
    if changed {
        super::ingest::after_sync(&mut w)?;
    }
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        print(out, &report)?;
    }
    Ok(u8::from(report.failed()))
}

/// The progress bar on a terminal (nothing but pauses otherwise), and the
/// fetcher's listeners that draw it and say what happens.
type Bar = std::sync::Arc<std::sync::Mutex<(String, ProgressBar)>>;

fn reporters(quiet: bool) -> (Bar, alphadesk_service::sync::fetch::Progress, alphadesk_service::sync::fetch::Notify) {
    let bar: Bar = std::sync::Arc::new(std::sync::Mutex::new((String::new(), ProgressBar::hidden())));
    let style =
        ProgressStyle::with_template("{spinner} {prefix:<30} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    let progress_bar = bar.clone();
    let progress: alphadesk_service::sync::fetch::Progress = Box::new(move |stage: &str, done: u64, total: u64| {
        if quiet {
            return;
        }
        let mut b = progress_bar.lock().unwrap_or_else(|p| p.into_inner());
        if b.0 != stage {
            b.1.finish();
            let next = ProgressBar::new(total).with_style(style.clone()).with_prefix(stage.to_string());
            *b = (stage.to_string(), next);
        }
        b.1.set_length(total);
        b.1.set_position(done);
    });
    let notify_bar = bar.clone();
    let notify: alphadesk_service::sync::fetch::Notify = Box::new(move |line: &str| {
        let b = notify_bar.lock().unwrap_or_else(|p| p.into_inner());
        if !quiet {
            b.1.suspend(|| eprintln!("sync: {line}"));
        } else if line.contains("pausing") || line.contains("another sync") {
            // Waits are said even in quiet mode: a cron log should show why a
            // sync took ten minutes.
            eprintln!("sync: {line}");
        }
    });
    (bar, progress, notify)
}

fn print(out: &mut dyn Write, r: &alphadesk_service::sync::Report) -> std::io::Result<()> {
    if !r.would_fetch.is_empty() {
        writeln!(out, "dry run: {} documents would be fetched (and the filings they list):", r.would_fetch.len())?;
        for u in &r.would_fetch {
            writeln!(out, "  {u}")?;
        }
    }
    for (cik, c) in &r.companies {
        if c.documents.is_empty() {
            continue;
        }
        let docs: Vec<String> = c.documents.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let rows = super::format_value(c.rows.values().sum::<u64>() as f64);
        let who = match (cik, c.ticker.as_deref()) {
            (0, _) => "EDGAR's ticker map".to_string(),
            (_, Some(t)) => format!("{t} (CIK {cik})"),
            (_, None) => format!("CIK {cik}"),
        };
        writeln!(out, "  {who}: {} new, {rows} rows", docs.join(", "))?;
    }
    writeln!(
        out,
        "{} requests, {} bytes, {} unchanged (304), {} already stored, {} retries, {} rate-limit pauses",
        r.counts.requests,
        super::format_value(r.counts.bytes as f64),
        r.counts.not_modified,
        r.skipped_stored,
        r.counts.retries,
        r.counts.bans
    )?;
    for f in &r.faults {
        writeln!(out, "  recovered: {}: {}", f.url, f.why)?;
    }
    if r.stopped {
        writeln!(out, "stopped before the end: the next sync asks what this one did not get to")?;
    }
    for t in &r.unknown_tickers {
        writeln!(out, "  FAILED: {t} is not in EDGAR's ticker map")?;
    }
    for f in &r.failures {
        writeln!(out, "  FAILED: {}", f.why)?;
    }
    Ok(())
}
