//! The workloads of benchmarks/Compare on tokio, each the same as its AsyncGen and .NET version
//! (../DotNet/Workloads, ../../AsyncGen.Benchmarks). Each returns the number of operations it did.

use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};
use tokio::task::{yield_now, JoinHandle};

/// spawn_join: tasks spawned per iteration (AsyncGen.Benchmarks' `Tasks`).
pub const TASKS: u64 = 100_000;
/// nested_await: chains awaited per iteration (Compare.DotNet's `CompareChains`).
pub const CHAINS: u64 = 20_000;
/// ping_pong_*: round trips per iteration (AsyncGen.Benchmarks' `RoundTrips`).
pub const ROUND_TRIPS: u64 = 100_000;
/// yield_many: yields per iteration (AsyncGen.Benchmarks' `Yields`).
pub const YIELDS: u64 = 1_000_000;
/// timers: sleeping tasks per run; task i sleeps 1 + i % MAX_SLEEP_MS ms (Compare.DotNet's `TimerOvershoot`).
pub const SLEEPERS: usize = 100_000;
const MAX_SLEEP_MS: u64 = 100;

/// Spawns TASKS trivial tasks (each yields once) from inside a task, then awaits every JoinHandle.
pub async fn spawn_join() -> u64 {
    let mut handles = Vec::with_capacity(TASKS as usize);
    for i in 0..TASKS {
        handles.push(tokio::spawn(async move {
            yield_now().await;
            i
        }));
    }
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    sum
}

// nested_await: a depth-10 chain whose leaf yields once. Ten distinct functions rather than one recursive one,
// which Rust could only write with a Box per level; like AsyncGen's generated machines, each level is embedded in
// its caller's future by value.
async fn level0() -> u64 {
    yield_now().await;
    1
}

macro_rules! level {
    ($name:ident, $inner:ident) => {
        async fn $name() -> u64 {
            $inner().await + 1
        }
    };
}
level!(level1, level0);
level!(level2, level1);
level!(level3, level2);
level!(level4, level3);
level!(level5, level4);
level!(level6, level5);
level!(level7, level6);
level!(level8, level7);
level!(level9, level8);
level!(level10, level9);

pub async fn nested_await() -> u64 {
    let mut sum = 0;
    for _ in 0..CHAINS {
        sum += level10().await;
    }
    std::hint::black_box(sum);
    CHAINS
}

/// Two tasks bounce a number through two bounded channels of capacity 1.
pub async fn ping_pong_channel() -> u64 {
    let (pings, mut ping_inbox) = mpsc::channel::<u64>(1);
    let (pongs, mut pong_inbox) = mpsc::channel::<u64>(1);
    let ponger = tokio::spawn(async move {
        while let Some(ping) = ping_inbox.recv().await {
            if pongs.send(ping + 1).await.is_err() {
                break;
            }
        }
    });
    for i in 0..ROUND_TRIPS {
        pings.send(i).await.unwrap();
        pong_inbox.recv().await.unwrap();
    }
    drop(pings);
    ponger.await.unwrap();
    ROUND_TRIPS
}

/// Request/response: (value, oneshot sender) over a bounded channel of capacity 1, the answer over the oneshot.
pub async fn ping_pong_oneshot() -> u64 {
    let (requests, mut inbox) = mpsc::channel::<(u64, oneshot::Sender<u64>)>(1);
    let server = tokio::spawn(async move {
        while let Some((value, reply)) = inbox.recv().await {
            let _ = reply.send(value + 1);
        }
    });
    let mut sum = 0;
    for i in 0..ROUND_TRIPS {
        let (reply, answer) = oneshot::channel();
        requests.send((i, reply)).await.unwrap();
        sum += answer.await.unwrap();
    }
    drop(requests);
    server.await.unwrap();
    std::hint::black_box(sum);
    ROUND_TRIPS
}

/// One task yields to the scheduler YIELDS times.
pub async fn yield_many() -> u64 {
    for _ in 0..YIELDS {
        yield_now().await;
    }
    YIELDS
}

/// One timers run's arrays, allocated before the bytes are counted.
pub struct TimerRun {
    pub overshoot_ns: Arc<Vec<AtomicI64>>,
    pub handles: Vec<JoinHandle<()>>,
}

impl TimerRun {
    pub fn new() -> TimerRun {
        TimerRun {
            overshoot_ns: Arc::new((0..SLEEPERS).map(|_| AtomicI64::new(0)).collect()),
            handles: Vec::with_capacity(SLEEPERS),
        }
    }
}

/// SLEEPERS spawned tasks; each records how late its sleep ended (negative: early), measured from just before the
/// sleep to just after it resumed.
pub async fn timers(mut run: TimerRun) -> TimerRun {
    for i in 0..SLEEPERS {
        let overshoot_ns = run.overshoot_ns.clone();
        run.handles.push(tokio::spawn(async move {
            let duration = Duration::from_millis(1 + i as u64 % MAX_SLEEP_MS);
            let start = Instant::now();
            tokio::time::sleep(duration).await;
            overshoot_ns[i].store(
                start.elapsed().as_nanos() as i64 - duration.as_nanos() as i64,
                Relaxed,
            );
        }));
    }
    for handle in run.handles.drain(..) {
        handle.await.unwrap();
    }
    run
}
