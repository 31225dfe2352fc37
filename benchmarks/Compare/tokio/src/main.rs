//! The tokio side of benchmarks/Compare (see ../README.md).
//!
//!     compare-tokio echo <port> <current|multi>
//!     compare-tokio bench <current|multi> [workload ...] [--min-ms N]
//!
//! `bench`: the workloads of workloads.rs (default: all of spawn_join nested_await ping_pong_channel
//! ping_pong_oneshot yield_many timers), each run inside one task spawned on the runtime, warmed up, then repeated
//! for --min-ms (default 500); one key=value line per workload, the format of Compare.DotNet.
//!
//! `echo`: a TCP echo server on 127.0.0.1:<port>, one spawned task per connection that reads up to 4,096 bytes and
//! writes them back (TCP_NODELAY), on tokio's current_thread runtime or its multi_thread runtime (one worker per
//! core). The same loop as samples/EchoServer's `Echo`.

mod alloc;
mod workloads;

use std::env;
use std::future::Future;
use std::process::exit;
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Builder, Runtime};

/// The runtime a command runs on: `current` (current_thread) or `multi` (multi_thread, one worker per core).
fn runtime(kind: &str) -> Runtime {
    let mut builder = match kind {
        "current" => Builder::new_current_thread(),
        "multi" => Builder::new_multi_thread(),
        _ => usage(),
    };
    builder
        .enable_all()
        .build()
        .expect("build the tokio runtime")
}

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

const WORKLOADS: [&str; 6] = [
    "spawn_join",
    "nested_await",
    "ping_pong_channel",
    "ping_pong_oneshot",
    "yield_many",
    "timers",
];

fn usage() -> ! {
    eprintln!("usage: compare-tokio echo <port> <current|multi>");
    eprintln!(
        "       compare-tokio bench <current|multi> [{}] [--min-ms N]",
        WORKLOADS.join("|")
    );
    exit(2)
}

async fn serve(port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    println!("tokio echo server on 127.0.0.1:{port}");
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(echo(stream));
            }
            // Out of descriptors or an aborted connection: keep serving the connections already accepted.
            Err(error) => eprintln!("accept failed: {error}"),
        }
    }
}

async fn echo(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true); // echo requests are small and latency-bound
    let mut buffer = vec![0u8; 4096];
    loop {
        let n = match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if stream.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

/// Runs `future` as a task spawned on the runtime (on a worker of the multi_thread runtime, as AsyncGen's
/// `WorkStealingExecutor.BlockOn` does) and waits for it.
fn run_task<F>(rt: &Runtime, future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    rt.block_on(async { tokio::spawn(future).await.unwrap() })
}

/// Warms up (at least two iterations and min_ms / 2), then repeats whole iterations until min_ms have passed.
fn measure(
    rt: &Runtime,
    kind: &str,
    workload: &str,
    min_ms: u64,
    iteration: impl Fn(&Runtime) -> u64,
) {
    let warmup = Instant::now();
    let mut n = 0;
    while n < 2 || warmup.elapsed().as_millis() < (min_ms / 2) as u128 {
        iteration(rt);
        n += 1;
    }
    let (bytes_before, allocations_before) = alloc::allocated();
    let cpu_before = process_cpu_ns();
    let clock = Instant::now();
    let mut ops = 0;
    while ops == 0 || clock.elapsed().as_millis() < min_ms as u128 {
        ops += iteration(rt);
    }
    let elapsed_ns = clock.elapsed().as_nanos() as f64;
    let cpu_ns = (process_cpu_ns() - cpu_before) as f64;
    let (bytes, allocations) = alloc::allocated();
    println!(
        "impl=tokio-{kind} workload={workload} ops={ops} ns_per_op={:.3} cpu_ns_per_op={:.3} bytes_per_op={:.3} allocs_per_op={:.3}",
        elapsed_ns / ops as f64,
        cpu_ns / ops as f64,
        (bytes - bytes_before) as f64 / ops as f64,
        (allocations - allocations_before) as f64 / ops as f64
    );
}

/// CPU time of every live thread of the process, in ns: the sum of the first field of /proc/self/task/*/schedstat
/// (time on a CPU). On a loaded machine the wall-clock time mostly measures the wait for a core; this survives it.
/// The runtime's threads live through the measurement, so none of its CPU time leaves with an exited thread.
fn process_cpu_ns() -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
            total += text.split_whitespace().next().and_then(|ns| ns.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    total
}

/// Two warm-up runs (as Compare.DotNet's, which needs them for its JIT), then one measured run; overshoot
/// percentiles in ms, CPU time of every thread per sleep.
fn measure_timers(rt: &Runtime, kind: &str) {
    for _ in 0..2 {
        run_task(rt, workloads::timers(workloads::TimerRun::new()));
    }
    let run = workloads::TimerRun::new();
    let (bytes_before, allocations_before) = alloc::allocated();
    let cpu_before = process_cpu_ns();
    let clock = Instant::now();
    let run = run_task(rt, workloads::timers(run));
    let wall_ms = clock.elapsed().as_secs_f64() * 1e3;
    let cpu_ns = (process_cpu_ns() - cpu_before) as f64;
    let (bytes, allocations) = alloc::allocated();
    let mut sorted: Vec<i64> = run
        .overshoot_ns
        .iter()
        .map(|o| o.load(std::sync::atomic::Ordering::Relaxed))
        .collect();
    sorted.sort_unstable();
    let ms = |ns: i64| ns as f64 / 1e6;
    let percentile =
        |p: f64| ms(sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]);
    let n = sorted.len() as f64;
    println!(
        "impl=tokio-{kind} workload=timers ops={} wall_ms={wall_ms:.3} overshoot_p50_ms={:.3} overshoot_p99_ms={:.3} \
         overshoot_max_ms={:.3} overshoot_min_ms={:.3} early={} cpu_ns_per_op={:.3} bytes_per_op={:.3} allocs_per_op={:.3}",
        sorted.len(),
        percentile(50.0),
        percentile(99.0),
        ms(sorted[sorted.len() - 1]),
        ms(sorted[0]),
        sorted.iter().filter(|&&o| o < 0).count(),
        cpu_ns / n,
        (bytes - bytes_before) as f64 / n,
        (allocations - allocations_before) as f64 / n
    );
}

fn bench(kind: &str, args: &[&str]) {
    let mut min_ms = 500;
    let mut selected = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "--min-ms" if i + 1 < args.len() => {
                min_ms = args[i + 1].parse().unwrap_or_else(|_| usage());
                i += 1;
            }
            w if WORKLOADS.contains(&w) => selected.push(w),
            _ => usage(),
        }
        i += 1;
    }
    if selected.is_empty() {
        selected.extend(WORKLOADS);
    }
    let rt = runtime(kind);
    for workload in selected {
        match workload {
            "spawn_join" => measure(&rt, kind, workload, min_ms, |rt| {
                run_task(rt, workloads::spawn_join());
                workloads::TASKS
            }),
            "nested_await" => measure(&rt, kind, workload, min_ms, |rt| {
                run_task(rt, workloads::nested_await())
            }),
            "ping_pong_channel" => measure(&rt, kind, workload, min_ms, |rt| {
                run_task(rt, workloads::ping_pong_channel())
            }),
            "ping_pong_oneshot" => measure(&rt, kind, workload, min_ms, |rt| {
                run_task(rt, workloads::ping_pong_oneshot())
            }),
            "yield_many" => measure(&rt, kind, workload, min_ms, |rt| {
                run_task(rt, workloads::yield_many())
            }),
            _ => measure_timers(&rt, kind),
        }
    }
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["echo", port, kind] => {
            let port: u16 = port.parse().unwrap_or_else(|_| usage());
            runtime(kind).block_on(serve(port));
        }
        ["bench", kind, rest @ ..] => bench(kind, rest),
        _ => usage(),
    }
}
