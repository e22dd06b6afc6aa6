use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use alphadesk_service::{Options, Service};

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Rules configuration (TOML) for `POST /api/v1/check`; default: the shipped one.
    #[arg(long)]
    rules: Option<PathBuf>,
    #[command(flatten)]
    limits: Limits,
    /// Sync the sources --sync-config names every DURATION (90s, 30m, 1h, 1d)
    /// while serving: requests are answered from the store as it was until a
    /// document's transaction commits, then from the new data.
    #[arg(long, value_name = "DURATION", value_parser = super::sync::parse_every, requires = "sync_config")]
    sync_every: Option<Duration>,
    /// The sync.toml the server's syncs follow (docs/sync.md).
    #[arg(long, value_name = "FILE")]
    sync_config: Option<PathBuf>,
}

/// The server's limits (docs/serving.md states each default and why).
#[derive(clap::Args, Debug, Clone)]
pub struct Limits {
    /// Seconds a request may take before it is answered 408 (and the work only
    /// it waited for stops).
    #[arg(long, default_value_t = 20.0, value_name = "SECONDS")]
    timeout: f64,
    /// Seconds a connection may wait for a request head (the first, or the next
    /// on a kept-alive connection) before it is closed.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    header_timeout: f64,
    /// Open connections at once; default: the open-file limit less 128 (the
    /// idlest connection is closed to make room for a new one).
    #[arg(long, value_name = "N")]
    max_connections: Option<usize>,
    /// MCP sessions alive at once over HTTP; an `initialize` past it gets 503.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    max_sessions: usize,
    /// Seconds an MCP session may stay unused before it is closed.
    #[arg(long, default_value_t = 600.0, value_name = "SECONDS")]
    session_idle: f64,
    /// A browser origin allowed to call /mcp besides the server's own address
    /// (repeat for several), e.g. https://desk.example.com.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    origins: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: 20.0,
            header_timeout: 10.0,
            max_connections: None,
            max_sessions: 1000,
            session_idle: 600.0,
            origins: Vec::new(),
        }
    }
}

impl Limits {
    fn options(&self) -> anyhow::Result<alphadesk_http::Options> {
        let secs = |flag: &str, v: f64| -> anyhow::Result<Duration> {
            if v.is_finite() && v > 0.0 && v <= 86_400.0 {
                Ok(Duration::from_secs_f64(v))
            } else {
                Err(anyhow::anyhow!("--{flag} must be a number of seconds above 0 and at most 86400, got {v}"))
            }
        };
        if self.max_sessions == 0 || self.max_connections == Some(0) {
            anyhow::bail!("--max-sessions and --max-connections must be at least 1");
        }
        Ok(alphadesk_http::Options {
            timeout: secs("timeout", self.timeout)?,
            hosts: Vec::new(),
            origins: self.origins.clone(),
            max_sessions: self.max_sessions,
            session_idle: secs("session-idle", self.session_idle)?,
            limits: alphadesk_http::conn::Limits {
                max_connections: self.max_connections,
                header_timeout: secs("header-timeout", self.header_timeout)?,
                ..Default::default()
            },
        })
    }
}

/// The service the server and the MCP server answer from: read connections for
/// the server's worker threads.
pub fn open(db: &Path, config: Option<&Path>, rules: Option<&Path>, readers: usize) -> anyhow::Result<Arc<Service>> {
    // A long-running face keeps answering from the loaded generation while a
    // write by another process (an ingest, a sync) is loaded beside it.
    let opts = Options {
        config: super::load_config(config)?,
        rules: super::load_rules(rules)?,
        readers,
        reload_in_background: true,
        windowed: true,
    };
    Service::open_shared(db, opts).map_err(|e| anyhow::anyhow!("cannot open the store {}: {e}", db.display()))
}

/// Logs to standard error, one line per request; `RUST_LOG` overrides the level.
pub fn logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info,rmcp=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
}

/// Runs the server until SIGTERM or Ctrl-C, printing where to look once it
/// listens (scripts and tests wait for the first line).
/// With `or_free_port`, a taken port is replaced by a free one.
pub fn run_server(
    service: Arc<Service>,
    addr: SocketAddr,
    or_free_port: bool,
    limits: &Limits,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let opts = limits.options()?;
    // Blocking threads run service calls; most wait on a computation others
    // started (one per question) and hold little. Bounded well above the
    // connection cap's share of simultaneous requests.
    let rt = tokio::runtime::Builder::new_multi_thread().max_blocking_threads(256).enable_all().build()?;
    rt.block_on(async {
        let listener = alphadesk_http::bind(addr, or_free_port).await?;
        let warm = service.clone();
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            match warm.warm() {
                Ok(()) => tracing::info!("caches warm in {:.1} s", started.elapsed().as_secs_f64()),
                Err(e) => tracing::warn!("warming the caches failed: {e}"),
            }
        });
        if or_free_port && listener.local_addr()?.port() != addr.port() {
            writeln!(out, "{addr} is taken; listening on a free port instead")?;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let server = tokio::spawn(alphadesk_http::serve(service, listener, opts, move |b| {
            let _ = tx.send(b);
        }));
        if let Ok(bound) = rx.await {
            writeln!(
                out,
                "alphadesk is serving on http://{bound}/\n  leaderboard   http://{bound}/\n  a stock       http://{bound}/t/AAPL\n  validation    http://{bound}/validation\n  API           http://{bound}/api/v1/openapi.json\n  MCP           http://{bound}/mcp (streamable HTTP)\nCtrl-C stops it."
            )?;
            out.flush()?;
        }
        server.await.map_err(|e| anyhow::anyhow!("the server stopped: {e}"))??;
        writeln!(out, "stopped")?;
        anyhow::Ok(ExitCode::SUCCESS)
    })
}

/// Read connections for a server: two per core, so that a request waiting on
/// SQLite does not hold up the others.
pub fn readers() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2) * 2
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    logging();
    let service = open(db, a.config.as_deref(), a.rules.as_deref(), readers())?;
    let syncing = match (a.sync_every, &a.sync_config) {
        (Some(every), Some(config)) => {
            // A bad config is an error now, not an hour from now.
            alphadesk_service::sync::SyncConfig::load(config).map_err(|e| anyhow::anyhow!("--sync-config {e}"))?;
            Some(sync_every(db.to_path_buf(), config.clone(), every))
        }
        _ => None,
    };
    let code = run_server(service, a.addr, false, &a.limits, out);
    if let Some((stop, thread)) = syncing {
        // The document in flight is stored; nothing further is asked.
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = thread.join();
    }
    code
}

/// Syncs the sources `config` names every `every`, on a thread of its own,
/// through the one write path; the service sees each commit on its next
/// request (it reloads in the background and answers from the old data
/// meanwhile). Each run's summary goes to the log.
fn sync_every(
    db: PathBuf,
    config: PathBuf,
    every: Duration,
) -> (Arc<std::sync::atomic::AtomicBool>, std::thread::JoinHandle<()>) {
    let stop: Arc<std::sync::atomic::AtomicBool> = Arc::default();
    let flag = stop.clone();
    let thread = std::thread::spawn(move || loop {
        if !super::sync::sleep_unless_stopped(every, &flag) {
            return;
        }
        let mut said = Vec::new();
        let started = std::time::Instant::now();
        match super::sync::configured(&db, &config, true, &mut said, &flag) {
            Ok(code) => {
                for line in String::from_utf8_lossy(&said).lines() {
                    tracing::info!("sync: {line}");
                }
                tracing::info!("sync done in {:.1} s (exit status {code})", started.elapsed().as_secs_f64());
            }
            Err(e) => tracing::warn!("sync failed: {e:#}"),
        }
    });
    (stop, thread)
}
