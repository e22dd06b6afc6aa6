//! Expensive answers computed once per question, on a bounded number of threads,
//! and abandoned when nobody waits for them any more.
//!
//! A server answers many requests at once, and the expensive ones (a date's
//! scores, a year of themes, every note of a date) are the ones that arrive
//! together: a page and its API twin, a crawler, a client retrying after a
//! timeout. Without care each caller computes the same answer, each holding its
//! own working set, and a timed-out request leaves its thread computing for
//! nobody. Three rules here prevent that:
//!
//! - **One computation per key** ([`Flights`]): the first caller computes;
//!   callers asking for the same key meanwhile wait for that computation and
//!   share its answer (its error too).
//! - **Admission** ([`Pool`]): at most `running` computations at once, sized to
//!   the machine, and a short queue behind them; past that a new computation is
//!   refused at once with [`Kind::Unavailable`] (HTTP 503 with `Retry-After`),
//!   instead of queueing without bound. A caller that joins a computation already
//!   running needs no place: it adds no work.
//! - **Abandonment** ([`Request`]): each caller carries a token that its face
//!   sets when the request goes away (a timeout, a closed connection). A
//!   computation asks [`Stop::stopped`] at its checkpoints and gives up once every
//!   caller waiting for it has gone; a waiting caller whose own request has gone
//!   stops waiting.
//!
//! The token travels in a thread-local set by [`Request::enter`], so the service
//! methods keep their signatures: a face wraps a call, the service's computations
//! find the token where they need it. Callers without a token (the CLI, tests)
//! are never abandoned.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::{lock, Kind, Result, ServiceError};

/// How often a waiting caller looks whether its own request is still there.
const POLL: Duration = Duration::from_millis(25);

/// A request's cancellation token: set by the face when the request goes away.
#[derive(Debug, Clone, Default)]
pub struct Request {
    gone: Arc<AtomicBool>,
}

thread_local! {
    static CURRENT: RefCell<Option<Request>> = const { RefCell::new(None) };
    /// Whether this thread already holds a place in the pool (a computation
    /// that asks for another answer on the way does not queue for a second one).
    static HOLDS_PLACE: Cell<bool> = const { Cell::new(false) };
}

impl Request {
    /// A request nobody has left yet.
    pub fn new() -> Request {
        Request::default()
    }

    /// Marks the request as gone: computations that only it waited for stop.
    pub fn cancel(&self) {
        self.gone.store(true, Ordering::Release);
    }

    /// Whether the face has given the request up.
    pub fn is_gone(&self) -> bool {
        self.gone.load(Ordering::Acquire)
    }

    /// A guard that cancels the request when dropped: a face holds it for as
    /// long as someone waits for the answer.
    pub fn cancel_on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }

    /// Runs `f` on this thread on behalf of this request.
    pub fn enter<T>(&self, f: impl FnOnce() -> T) -> T {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        struct Restore(Option<Request>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = previous);
            }
        }
        let _restore = Restore(previous);
        f()
    }

    /// The request this thread works for; a fresh, never-cancelled one outside
    /// any request (the CLI).
    pub(crate) fn current() -> Request {
        CURRENT.with(|c| c.borrow().clone()).unwrap_or_default()
    }
}

/// Cancels its request when dropped (see [`Request::cancel_on_drop`]).
#[derive(Debug)]
pub struct CancelOnDrop(Request);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// What a computation asks at its checkpoints.
pub trait Stop {
    /// True once nobody waits for the answer any more.
    fn stopped(&self) -> bool;
}

impl<F: Fn() -> bool> Stop for F {
    fn stopped(&self) -> bool {
        self()
    }
}

/// The error of a computation given up because nobody waited for it.
pub fn abandoned() -> ServiceError {
    ServiceError::new(Kind::Unavailable, "the computation was abandoned: no request waits for it")
}

/// How many computations run at once, and how many wait for a place.
#[derive(Debug)]
pub struct Pool {
    running: usize,
    queued: usize,
    /// Places taken, and callers waiting for one.
    busy: Mutex<Places>,
    freed: Condvar,
    /// Places granted since the pool was made (for tests and logs).
    started: AtomicU64,
    /// Callers refused because the pool and its queue were full.
    refused: AtomicU64,
}

#[derive(Debug, Default)]
struct Places {
    taken: usize,
    waiting: usize,
}

/// The seconds a refused caller is told to wait (`Retry-After`).
pub const RETRY_AFTER_SECS: u64 = 2;

impl Pool {
    /// `running` computations at once (at least one), `queued` more waiting.
    pub fn new(running: usize, queued: usize) -> Pool {
        Pool {
            running: running.max(1),
            queued,
            busy: Mutex::new(Places::default()),
            freed: Condvar::new(),
            started: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// Sized to the machine: one computation per core, as many again queued.
    pub fn for_machine() -> Pool {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Pool::new(cores, cores * 2)
    }

    /// Places granted so far: every computation, and a caller that took a place
    /// only to find its key claimed by another meanwhile.
    pub fn started(&self) -> u64 {
        self.started.load(Ordering::Relaxed)
    }

    /// Callers refused so far.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Runs `f` in a place of the pool: at once when one is free, after a wait in
    /// the bounded queue, or not at all (503) when the queue is full or the
    /// request goes away while it waits. Re-entrant on one thread.
    pub fn run<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if HOLDS_PLACE.with(Cell::get) {
            return f();
        }
        let request = Request::current();
        {
            let mut places = lock(&self.busy);
            if places.taken >= self.running {
                if places.waiting >= self.queued {
                    self.refused.fetch_add(1, Ordering::Relaxed);
                    return Err(busy_error());
                }
                places.waiting += 1;
                while places.taken >= self.running {
                    if request.is_gone() {
                        places.waiting -= 1;
                        return Err(abandoned());
                    }
                    places = self.freed.wait_timeout(places, POLL).unwrap_or_else(|p| p.into_inner()).0;
                }
                places.waiting -= 1;
            }
            places.taken += 1;
        }
        self.started.fetch_add(1, Ordering::Relaxed);
        struct Place<'a>(&'a Pool);
        impl Drop for Place<'_> {
            fn drop(&mut self) {
                HOLDS_PLACE.with(|h| h.set(false));
                lock(&self.0.busy).taken -= 1;
                self.0.freed.notify_one();
            }
        }
        HOLDS_PLACE.with(|h| h.set(true));
        let _place = Place(self);
        f()
    }
}

/// `f` of each of `items`, in their order, on every core: the parts of one
/// computation that do not depend on each other (a panel's dates). The workers
/// act for the caller: for its request (they stop when it is abandoned) and in
/// its place of the pool, when it holds one — they are that computation's
/// hands, not new computations, so a burst of requests is still bounded by the
/// pool. A caller without a place (the CLI, warming) gives each worker none
/// either: each takes its own as any caller would.
pub(crate) fn on_every_core<I: Sync, T: Send>(items: &[I], f: impl Fn(&I) -> Result<T> + Sync) -> Result<Vec<T>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || items.len() < 2 {
        return items.iter().map(&f).collect();
    }
    let (request, holds) = (Request::current(), HOLDS_PLACE.with(Cell::get));
    let chunk = items.len().div_ceil(cores);
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let (request, f) = (request.clone(), &f);
                scope.spawn(move || {
                    request.enter(|| {
                        HOLDS_PLACE.with(|h| h.set(holds));
                        part.iter().map(f).collect::<Result<Vec<T>>>()
                    })
                })
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for w in workers {
            out.extend(w.join().expect("a worker of the computation panicked")?);
        }
        Ok(out)
    })
}

fn busy_error() -> ServiceError {
    ServiceError::new(
        Kind::Unavailable,
        format!("the server is busy computing other answers; retry in {RETRY_AFTER_SECS} s"),
    )
}

/// One computation in flight: its answer when done, and who waits for it.
struct Flight<V> {
    state: Mutex<FlightState<V>>,
    done: Condvar,
}

struct FlightState<V> {
    answer: Option<Result<Arc<V>>>,
    waiters: Vec<Request>,
}

impl<V> Flight<V> {
    fn new(first: Request) -> Flight<V> {
        Flight { state: Mutex::new(FlightState { answer: None, waiters: vec![first] }), done: Condvar::new() }
    }

    /// True when every caller that waited has gone.
    fn abandoned(&self) -> bool {
        lock(&self.state).waiters.iter().all(Request::is_gone)
    }

    fn finish(&self, answer: Result<Arc<V>>) {
        lock(&self.state).answer = Some(answer);
        self.done.notify_all();
    }

    /// Waits for the answer while `request` is there.
    fn wait(&self, request: &Request) -> Option<Result<Arc<V>>> {
        let mut s = lock(&self.state);
        s.waiters.push(request.clone());
        loop {
            if let Some(a) = &s.answer {
                return Some(a.clone());
            }
            if request.is_gone() {
                return None;
            }
            s = self.done.wait_timeout(s, POLL).unwrap_or_else(|p| p.into_inner()).0;
        }
    }
}

/// What a caller holding a place found (see [`Flights::claim_or_join`]).
enum Claimed<V> {
    Answer(Result<Arc<V>>),
    Join(Arc<Flight<V>>),
}

/// The answers among `slots`, with when each was stored.
fn ready<K: Clone, V>(slots: &HashMap<K, Slot<V>>) -> impl Iterator<Item = (u64, K)> + '_ {
    slots.iter().filter_map(|(k, s)| match s {
        Slot::Ready(_, at) => Some((*at, k.clone())),
        Slot::Pending(_) => None,
    })
}

enum Slot<V> {
    /// An answer, and when it was stored (the oldest is dropped first).
    Ready(Arc<V>, u64),
    Pending(Arc<Flight<V>>),
}

/// A cache whose misses are computed once, however many callers ask at once.
pub struct Flights<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
    /// Answers kept; past it, the oldest goes.
    capacity: usize,
    stored: std::sync::atomic::AtomicU64,
}

impl<K: Hash + Eq + Clone, V> Flights<K, V> {
    /// Keeps at most `capacity` answers, dropping the oldest.
    pub fn new(capacity: usize) -> Self {
        Flights { slots: Mutex::new(HashMap::new()), capacity: capacity.max(1), stored: Default::default() }
    }

    /// The answer for `key` when it is computed already.
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        match lock(&self.slots).get(key) {
            Some(Slot::Ready(v, _)) => Some(v.clone()),
            _ => None,
        }
    }

    /// An answer whose key satisfies `wanted` (a loaded universe that covers
    /// the dates asked): computed already, or joined while another caller
    /// computes it — a question that a load under way will answer waits for
    /// it rather than starting one of its own. `None`: no such key, or its
    /// computation was given up (ask by key then).
    pub fn find_or_join(&self, wanted: impl Fn(&K) -> bool) -> Option<Result<Arc<V>>> {
        let flight = {
            let slots = lock(&self.slots);
            let mut pending = None;
            for (_, s) in slots.iter().filter(|(k, _)| wanted(k)) {
                match s {
                    Slot::Ready(v, _) => return Some(Ok(v.clone())),
                    Slot::Pending(f) => pending = Some(f.clone()),
                }
            }
            pending?
        };
        let request = Request::current();
        match flight.wait(&request) {
            Some(Err(e)) if is_abandoned(&e) && !request.is_gone() => None,
            Some(answer) => Some(answer),
            None => Some(Err(abandoned())),
        }
    }

    /// The keys answered so far (what a successor warms).
    pub fn keys(&self) -> Vec<K> {
        lock(&self.slots).iter().filter(|(_, s)| matches!(s, Slot::Ready(..))).map(|(k, _)| k.clone()).collect()
    }

    /// The answer for `key`: cached, or joined while another caller computes it,
    /// or computed here in a place of `pool`. `compute` is given a [`Stop`] to ask
    /// at its checkpoints; it returns [`abandoned`] when told to stop.
    ///
    /// A caller takes its place in the pool *before* it claims a key: a claimed
    /// key is always being computed, never waiting in the queue. Otherwise a
    /// caller could claim `d` and queue while every place is held by
    /// computations that need `d` and wait for it — a deadlock that no
    /// cancellation ends for callers without a request (warming, reloading).
    pub fn get_or_compute(&self, pool: &Pool, key: K, compute: impl FnOnce(&dyn Stop) -> Result<V>) -> Result<Arc<V>> {
        let request = Request::current();
        let mut compute = Some(compute);
        loop {
            let pending = match lock(&self.slots).get(&key) {
                Some(Slot::Ready(v, _)) => return Ok(v.clone()),
                Some(Slot::Pending(f)) => Some(f.clone()),
                None => None,
            };
            let flight = match pending {
                Some(flight) => flight,
                // Take a place first, then look again (another caller may have
                // claimed the key meanwhile) and claim it with the place held. A
                // caller that finds the key claimed gives its place back before
                // it waits: a place is for work, and waiting is none. (Inside a
                // computation the place is the enclosing one, kept.)
                None => match pool.run(|| Ok(self.claim_or_join(&key, &request, &mut compute)))? {
                    Claimed::Answer(answer) => return answer,
                    Claimed::Join(flight) => flight,
                },
            };
            match flight.wait(&request) {
                // Given up by its last waiter just as this caller came: ask again.
                Some(Err(e)) if is_abandoned(&e) && !request.is_gone() => continue,
                Some(answer) => return answer,
                None => return Err(abandoned()),
            }
        }
    }

    /// With a place held: the answer, computed here when nobody has claimed the
    /// key, or the flight to join when somebody has.
    fn claim_or_join(
        &self,
        key: &K,
        request: &Request,
        compute: &mut Option<impl FnOnce(&dyn Stop) -> Result<V>>,
    ) -> Claimed<V> {
        let mut slots = lock(&self.slots);
        match slots.get(key) {
            Some(Slot::Ready(v, _)) => Claimed::Answer(Ok(v.clone())),
            Some(Slot::Pending(f)) => Claimed::Join(f.clone()),
            None => {
                let f = Arc::new(Flight::new(request.clone()));
                slots.insert(key.clone(), Slot::Pending(f.clone()));
                drop(slots);
                let compute = compute.take().expect("computed at most once per call");
                Claimed::Answer(self.compute(key.clone(), f, compute))
            }
        }
    }

    fn compute(&self, key: K, flight: Arc<Flight<V>>, compute: impl FnOnce(&dyn Stop) -> Result<V>) -> Result<Arc<V>> {
        // Whatever happens below (an error, a panic), the slot is settled and
        // the waiters are woken.
        struct Settle<'a, K: Hash + Eq + Clone, V> {
            flights: &'a Flights<K, V>,
            key: Option<K>,
            flight: Arc<Flight<V>>,
        }
        impl<K: Hash + Eq + Clone, V> Drop for Settle<'_, K, V> {
            fn drop(&mut self) {
                if let Some(key) = self.key.take() {
                    lock(&self.flights.slots).remove(&key);
                    self.flight.finish(Err(ServiceError::new(Kind::Internal, "the computation failed")));
                }
            }
        }
        let mut settle = Settle { flights: self, key: Some(key), flight: flight.clone() };
        let stop = || flight.abandoned();
        // The caller holds its place already (see `get_or_compute`).
        let answer = compute(&stop).map(Arc::new);
        let key = settle.key.take().expect("settled once");
        {
            let mut slots = lock(&self.slots);
            match &answer {
                Ok(v) => {
                    // Full of answers: the oldest goes (computations under way
                    // stay). Counted only when the slots could be full, not on
                    // every answer stored.
                    while slots.len() >= self.capacity && ready(&*slots).count() >= self.capacity {
                        let Some((_, oldest)) = ready(&*slots).min_by_key(|(at, _)| *at) else { break };
                        slots.remove(&oldest);
                    }
                    let at = self.stored.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    slots.insert(key, Slot::Ready(v.clone(), at));
                }
                Err(_) => {
                    slots.remove(&key);
                }
            }
        }
        flight.finish(answer.clone());
        answer
    }
}

fn is_abandoned(e: &ServiceError) -> bool {
    e.kind == Kind::Unavailable && e.message == abandoned().message
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Barrier;

    #[test]
    fn concurrent_callers_share_one_computation() {
        let flights: Arc<Flights<u32, u32>> = Arc::new(Flights::new(8));
        // A queue long enough that no caller is refused: this test is about
        // sharing, `a_full_pool_refuses_at_once…` about refusing.
        let pool = Arc::new(Pool::new(2, 8));
        let computed = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (flights, pool, computed, barrier) =
                    (flights.clone(), pool.clone(), computed.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    *flights
                        .get_or_compute(&pool, 7, |_| {
                            computed.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(200));
                            Ok(49)
                        })
                        .unwrap()
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 49);
        }
        assert_eq!(computed.load(Ordering::SeqCst), 1);
        // A caller that raced the first one for the key took a place and gave
        // it back; none is held once everyone has the answer.
        assert!(pool.started() >= 1);
        assert_eq!(lock(&pool.busy).taken, 0);
        assert_eq!(*flights.get(&7).unwrap(), 49);
    }

    #[test]
    fn the_parts_of_a_computation_work_in_its_place_for_its_request() {
        // One place and no queue: a worker taking a place of its own would be
        // refused while its caller holds the only one.
        let (pool, flights) = (Pool::new(1, 0), Flights::<u32, u32>::new(64));
        let items: Vec<u32> = (0..40).collect();
        let request = Request::new();
        let squares = request
            .enter(|| pool.run(|| on_every_core(&items, |&i| flights.get_or_compute(&pool, i, |_| Ok(i * i)))))
            .unwrap();
        assert_eq!(squares.iter().map(|v| **v).collect::<Vec<_>>(), items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(pool.refused(), 0);
        // They carry the caller's request: abandoned, every part stops.
        request.cancel();
        let seen = request.enter(|| on_every_core(&items, |_| Ok(Request::current().is_gone()))).unwrap();
        assert!(seen.iter().all(|gone| *gone));
        // A part's error is the computation's.
        let failed = on_every_core(&items, |&i| match i {
            33 => Err(ServiceError::new(Kind::Internal, "part 33 failed")),
            _ => Ok(i),
        });
        assert!(failed.unwrap_err().to_string().contains("part 33"));
    }

    #[test]
    fn a_computation_nobody_waits_for_stops() {
        let flights: Arc<Flights<u32, u32>> = Arc::new(Flights::new(8));
        let pool = Arc::new(Pool::new(1, 0));
        let request = Request::new();
        let stopped = Arc::new(AtomicBool::new(false));
        let (f2, p2, r2, s2) = (flights.clone(), pool.clone(), request.clone(), stopped.clone());
        let worker = std::thread::spawn(move || {
            r2.enter(|| {
                f2.get_or_compute(&p2, 1, |stop| {
                    for _ in 0..400 {
                        if stop.stopped() {
                            s2.store(true, Ordering::SeqCst);
                            return Err(abandoned());
                        }
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Ok(1)
                })
            })
        });
        std::thread::sleep(Duration::from_millis(50));
        request.cancel();
        let r = worker.join().unwrap();
        assert!(r.is_err() && stopped.load(Ordering::SeqCst));
        // The slot is free again, and so is the pool's one place.
        assert_eq!(*flights.get_or_compute(&pool, 1, |_| Ok(2)).unwrap(), 2);
    }

    #[test]
    fn a_full_pool_refuses_at_once_and_a_panic_frees_its_place() {
        let pool = Arc::new(Pool::new(1, 0));
        let barrier = Arc::new(Barrier::new(2));
        let (p2, b2) = (pool.clone(), barrier.clone());
        let busy = std::thread::spawn(move || {
            p2.run(|| {
                b2.wait();
                std::thread::sleep(Duration::from_millis(200));
                Ok(())
            })
        });
        barrier.wait();
        let e = pool.run(|| Ok(())).unwrap_err();
        assert_eq!(e.kind, Kind::Unavailable);
        assert_eq!(pool.refused(), 1);
        busy.join().unwrap().unwrap();

        let flights: Flights<u8, u8> = Flights::new(2);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = flights.get_or_compute(&pool, 1, |_| panic!("boom"));
        }));
        assert!(r.is_err());
        assert_eq!(*flights.get_or_compute(&pool, 1, |_| Ok(3)).unwrap(), 3);
    }

    #[test]
    fn a_caller_queued_for_a_place_never_holds_a_key_others_wait_for() {
        // One place. T2 holds it computing `e`, which needs `d`; T1 asks for `d`
        // meanwhile and must queue. Had T1 claimed `d` before queueing, T2 would
        // wait for T1 and T1 for T2's place, for ever.
        let pool = Arc::new(Pool::new(1, 4));
        let d: Arc<Flights<u8, u8>> = Arc::new(Flights::new(4));
        let e: Arc<Flights<u8, u8>> = Arc::new(Flights::new(4));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (p2, d2, e2) = (pool.clone(), d.clone(), e.clone());
        let t2 = std::thread::spawn(move || {
            e2.get_or_compute(&p2, 1, |_| {
                started_tx.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(100));
                Ok(*d2.get_or_compute(&p2, 7, |_| Ok(70))? + 1)
            })
            .map(|v| *v)
        });
        started_rx.recv().unwrap();
        let (p1, d1) = (pool.clone(), d.clone());
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || done_tx.send(d1.get_or_compute(&p1, 7, |_| Ok(99)).map(|v| *v)).unwrap());
        let t1 = done_rx.recv_timeout(Duration::from_secs(10)).expect("no deadlock");
        assert_eq!(t2.join().unwrap().unwrap(), 71);
        // T2 computed `d` itself; T1 found it computed once it had a place.
        assert_eq!(t1.unwrap(), 70);
    }

    #[test]
    fn a_full_cache_drops_its_oldest_answer_only() {
        let pool = Pool::new(1, 0);
        let flights: Flights<u8, u8> = Flights::new(2);
        for k in [1, 2, 3] {
            flights.get_or_compute(&pool, k, |_| Ok(k * 10)).unwrap();
        }
        assert_eq!(
            (flights.get(&1), flights.get(&2).as_deref(), flights.get(&3).as_deref()),
            (None, Some(&20), Some(&30))
        );
        assert_eq!(flights.find_or_join(|k| *k > 2).map(|r| *r.unwrap()), Some(30));
        assert!(flights.find_or_join(|k| *k > 5).is_none());
    }

    #[test]
    fn a_question_joins_a_computation_under_way_that_answers_it() {
        let pool = Arc::new(Pool::new(2, 0));
        let flights: Arc<Flights<u8, u8>> = Arc::new(Flights::new(4));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let (p, f) = (pool.clone(), flights.clone());
        let loader = std::thread::spawn(move || {
            f.get_or_compute(&p, 9, |_| {
                started_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                Ok(90)
            })
            .map(|v| *v)
        });
        started_rx.recv().unwrap();
        let f = flights.clone();
        let joiner = std::thread::spawn(move || f.find_or_join(|k| *k >= 9).map(|r| r.map(|v| *v)));
        std::thread::sleep(Duration::from_millis(50));
        assert!(!joiner.is_finished(), "the question waits for the computation under way");
        release_tx.send(()).unwrap();
        assert_eq!(joiner.join().unwrap().map(|r| r.unwrap()), Some(90));
        assert_eq!(loader.join().unwrap().unwrap(), 90);
    }

    #[test]
    fn nested_computations_do_not_queue_for_a_second_place() {
        let pool = Pool::new(1, 0);
        let flights: Flights<u8, u8> = Flights::new(4);
        let v = flights.get_or_compute(&pool, 1, |_| Ok(*flights.get_or_compute(&pool, 2, |_| Ok(5))? + 1)).unwrap();
        assert_eq!(*v, 6);
    }
}
