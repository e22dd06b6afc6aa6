//! Connections: accepted, timed and capped here rather than by `axum::serve`,
//! because a server on a shared machine must not be held by clients that send
//! nothing.
//!
//! - **Header timeout.** hyper's header-read timer runs whenever a connection
//!   waits for a request head: for the first request, and between requests on a
//!   kept-alive connection. So one figure ([`Limits::header_timeout`]) closes both
//!   a stalled header and an idle keep-alive connection.
//! - **A cap below the open-file limit.** At start the soft `RLIMIT_NOFILE` is
//!   raised to the hard one where allowed; the cap keeps [`FD_RESERVE`]
//!   descriptors for the store, logs and the blocking pool.
//! - **Idle first out.** At the cap, a new connection closes the connection that
//!   has been idle longest (never one serving a request), as nginx reuses
//!   keep-alive connections: a thousand idle sockets cannot lock a reader out.
//!   When every connection is busy, the newcomer gets a 503 at once.
//! - **Memory back after a burst.** When the last connection of a burst closes,
//!   the allocator is asked to return its free pages (glibc `malloc_trim`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;

/// Descriptors kept free for everything that is not a client connection.
pub const FD_RESERVE: u64 = 128;

/// How connections are limited.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at once; `None`: from the open-file limit.
    pub max_connections: Option<usize>,
    /// A connection waiting this long for a request head (the first, or the next
    /// on a kept-alive connection) is closed.
    pub header_timeout: Duration,
    /// In-flight requests get this long to finish after a stop signal.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_connections: None, header_timeout: Duration::from_secs(10), drain: Duration::from_secs(10) }
    }
}

/// Raises the soft open-file limit to the hard one (where the system allows)
/// and returns the connection cap that leaves [`FD_RESERVE`] descriptors free.
pub fn connection_cap() -> usize {
    #[cfg(unix)]
    {
        // SAFETY: getrlimit/setrlimit read and write a plain struct we own.
        unsafe {
            let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
                if lim.rlim_cur < lim.rlim_max {
                    let raised = libc::rlimit { rlim_cur: lim.rlim_max, rlim_max: lim.rlim_max };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                        lim.rlim_cur = lim.rlim_max;
                    }
                }
                let soft: u64 = lim.rlim_cur;
                // Past a few tens of thousands, memory is the limit, not descriptors.
                return soft.saturating_sub(FD_RESERVE).clamp(16, 16_384) as usize;
            }
        }
    }
    1024
}

/// Returns freed heap pages to the system (glibc keeps them otherwise).
fn trim_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[derive(Debug)]
struct Conn {
    /// Requests being served on it now.
    busy: usize,
    /// When it last started or finished a request (or was accepted).
    last: Instant,
    close: watch::Sender<bool>,
}

/// Every open connection, for the cap and the idle-first eviction.
#[derive(Debug, Default)]
pub struct Registry {
    conns: Mutex<HashMap<u64, Conn>>,
    next: AtomicU64,
    /// Connections closed to make room (for tests and logs).
    evicted: AtomicU64,
    refused: AtomicU64,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Conn>> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Open connections now.
    pub fn open(&self) -> usize {
        self.lock().len()
    }

    /// Idle connections closed to make room so far.
    pub fn evicted(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }

    /// Connections refused because all were busy.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Admits a connection under `cap`: its id and the signal that closes it, or
    /// `None` when every open connection is serving a request.
    fn admit(&self, cap: usize) -> Option<(u64, watch::Receiver<bool>)> {
        let mut conns = self.lock();
        if conns.len() >= cap {
            let idlest = conns.iter().filter(|(_, c)| c.busy == 0).min_by_key(|(_, c)| c.last).map(|(id, _)| *id);
            match idlest {
                Some(id) => {
                    if let Some(c) = conns.remove(&id) {
                        let _ = c.close.send(true);
                        self.evicted.fetch_add(1, Ordering::Relaxed);
                    }
                }
                None => {
                    self.refused.fetch_add(1, Ordering::Relaxed);
                    return None;
                }
            }
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = watch::channel(false);
        conns.insert(id, Conn { busy: 0, last: Instant::now(), close: tx });
        Some((id, rx))
    }

    fn started(&self, id: u64) {
        if let Some(c) = self.lock().get_mut(&id) {
            c.busy += 1;
            c.last = Instant::now();
        }
    }

    fn finished(&self, id: u64) {
        if let Some(c) = self.lock().get_mut(&id) {
            c.busy = c.busy.saturating_sub(1);
            c.last = Instant::now();
        }
    }

    fn closed(&self, id: u64) {
        let mut conns = self.lock();
        let was_last = conns.remove(&id).is_some() && conns.is_empty();
        drop(conns);
        if was_last {
            trim_memory();
        }
    }

    /// Asks every connection to close once its request is answered.
    fn close_all(&self) {
        for c in self.lock().values() {
            let _ = c.close.send(true);
        }
    }
}

/// Marks a request as finished on its connection however it ends.
struct InFlight {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.registry.finished(self.id);
    }
}

const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: 89\r\nConnection: close\r\n\r\n{\"error\":{\"code\":\"unavailable\",\"message\":\"every connection is busy; retry in a second\"}}\n";

/// Accepts connections on `listener` and serves `router` on each until
/// `shutdown` resolves; then lets requests in flight finish for
/// [`Limits::drain`].
pub async fn run(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: Limits,
    registry: Arc<Registry>,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let cap = limits.max_connections.unwrap_or_else(connection_cap).max(1);
    tracing::info!(
        max_connections = cap,
        header_timeout_s = limits.header_timeout.as_secs_f64(),
        "accepting connections"
    );
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    let builder = Arc::new(builder);
    let tasks = tasks::TaskCount::default();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = &mut shutdown => break,
        };
        let (mut stream, peer): (tokio::net::TcpStream, SocketAddr) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors or a connection reset before accept: not
                // fatal; wait a moment so as not to spin.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Some((id, mut close)) = registry.admit(cap) else {
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY)).await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (router, registry, builder, task) = (router.clone(), registry.clone(), builder.clone(), tasks.start());
        tokio::spawn(async move {
            let reg = registry.clone();
            let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                reg.started(id);
                let guard = InFlight { registry: reg.clone(), id };
                let router = router.clone();
                async move {
                    let req = req.map(axum::body::Body::new);
                    let res = tower::ServiceExt::oneshot(router, req).await;
                    drop(guard);
                    res
                }
            });
            let conn = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!("connection from {peer}: {e}");
                    }
                }
                _ = async { let _ = close.wait_for(|c| *c).await; } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            registry.closed(id);
            drop(task);
        });
    }
    registry.close_all();
    if tokio::time::timeout(limits.drain, tasks.idle()).await.is_err() {
        tracing::warn!("stopping with requests still in flight after {} s", limits.drain.as_secs());
    }
    Ok(())
}

/// Counts running connection tasks so a stop can wait for them.
mod tasks {
    use std::sync::Arc;
    use tokio::sync::watch;

    #[derive(Clone)]
    pub struct TaskCount {
        tx: Arc<watch::Sender<usize>>,
    }

    impl Default for TaskCount {
        fn default() -> Self {
            TaskCount { tx: Arc::new(watch::channel(0).0) }
        }
    }

    pub struct Task {
        tx: Arc<watch::Sender<usize>>,
    }

    impl Drop for Task {
        fn drop(&mut self) {
            self.tx.send_modify(|n| *n -= 1);
        }
    }

    impl TaskCount {
        pub fn start(&self) -> Task {
            self.tx.send_modify(|n| *n += 1);
            Task { tx: self.tx.clone() }
        }

        pub async fn idle(&self) {
            let mut rx = self.tx.subscribe();
            let _ = rx.wait_for(|n| *n == 0).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idlest_connection_makes_room_and_busy_ones_never_do() {
        let r = Registry::default();
        let (a, mut a_close) = r.admit(2).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let (b, _b_close) = r.admit(2).unwrap();
        r.started(b);
        // At the cap: `a` is idle longest and is closed for `c`.
        let (c, _) = r.admit(2).unwrap();
        assert!(*a_close.borrow_and_update());
        assert_eq!((r.open(), r.evicted()), (2, 1));
        r.started(c);
        // Every connection busy: refused.
        assert!(r.admit(2).is_none());
        assert_eq!(r.refused(), 1);
        r.finished(c);
        assert!(r.admit(2).is_some());
        let _ = a;
    }
}
