use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

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
}

/// The service the server and the MCP server answer from: read connections for
/// the server's worker threads.
pub fn open(db: &Path, config: Option<&Path>, rules: Option<&Path>, readers: usize) -> anyhow::Result<Arc<Service>> {
    let opts = Options { config: super::load_config(config)?, rules: super::load_rules(rules)?, readers };
    let s = Service::open(db, opts).map_err(|e| anyhow::anyhow!("cannot open the store {}: {e}", db.display()))?;
    Ok(Arc::new(s))
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
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener = alphadesk_http::bind(addr, or_free_port).await?;
        let warm = service.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = warm.warm() {
                tracing::warn!("warming the caches failed: {e}");
            }
        });
        if or_free_port && listener.local_addr()?.port() != addr.port() {
            writeln!(out, "{addr} is taken; listening on a free port instead")?;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let server = tokio::spawn(alphadesk_http::serve(service, listener, alphadesk_http::Options::default(), move |b| {
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
    run_server(service, a.addr, false, out)
}
