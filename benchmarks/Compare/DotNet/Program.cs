// The AsyncGen and .NET side of benchmarks/Compare (see ../README.md). Run by ../run.sh; by hand:
//
//   dotnet run -c Release --project benchmarks/Compare/DotNet -- <impl> [workload ...] [--min-ms N]
//
// impl: asyncgen-local (one LocalExecutor), asyncgen-ws2 (WorkStealingExecutor, 2 workers) or dotnet (Task/ValueTask
// on the thread pool). workload: spawn_join nested_await ping_pong_channel ping_pong_oneshot yield_many timers
// (default: all). Prints one key=value line per workload, the same format as the tokio crate's `bench` command.
// --iterations N measures exactly N iterations instead of --min-ms (for valgrind: counts, not times).
// --gc-events adds what the GC did during each measured run (GcEvents.cs) and prints the GC's settings first.
using System.Diagnostics;
using System.Globalization;
using AsyncGen;
using AsyncGen.Benchmarks;

string[] allWorkloads = ["spawn_join", "nested_await", "ping_pong_channel", "ping_pong_oneshot", "yield_many", "timers"];
// Run only when named: AsyncGen's spawn_join keeping every handle until the end (tokio and .NET have no counterpart).
string[] namedOnly = ["spawn_join_kept"];
if (args.Length == 0 || args[0] is not ("asyncgen-local" or "asyncgen-ws2" or "dotnet"))
{
    Console.Error.WriteLine($"usage: Compare.DotNet <asyncgen-local|asyncgen-ws2|dotnet> [{string.Join('|', allWorkloads)} ...] [--min-ms N | --iterations N] [--gc-events]");
    return 2;
}
string impl = args[0];
int minMs = 500; // measured time per workload: long enough for several iterations and a few GCs
GcEvents? gcEvents = null;
int iterations = 0; // --iterations N: exactly N measured iterations after two warm-ups (for instruction counts under valgrind)
var workloads = new List<string>();
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--gc-events")
    {
        gcEvents ??= new GcEvents();
        continue;
    }
    if (args[i] == "--min-ms" && i + 1 < args.Length && int.TryParse(args[++i], out minMs) && minMs > 0) continue;
    if (args[i] == "--iterations" && i + 1 < args.Length && int.TryParse(args[++i], out iterations) && iterations > 0) continue;
    if (Array.IndexOf(allWorkloads, args[i]) < 0 && Array.IndexOf(namedOnly, args[i]) < 0)
    {
        Console.Error.WriteLine($"unknown workload '{args[i]}' (one of: {string.Join(' ', allWorkloads.Concat(namedOnly))})");
        return 2;
    }
    workloads.Add(args[i]);
}
if (workloads.Count == 0) workloads.AddRange(allWorkloads);
if (gcEvents is not null)
{
    var settings = GC.GetConfigurationVariables();
    Console.WriteLine("gc_settings " + string.Join(' ', settings.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}={pair.Value}")));
}

using var local = impl == "asyncgen-local" ? new LocalExecutor() : null;
var workStealing = impl == "asyncgen-ws2" ? SpawnJoinBenchmarks.SharedWorkStealing : null;

foreach (var workload in workloads)
{
    switch (workload)
    {
        case "spawn_join":
            Measure(workload, SpawnJoinBenchmarks.CompareTasks, () =>
            {
                if (local is not null) SpawnJoinBenchmarks.RunAsyncGen(local);
                else if (workStealing is not null) SpawnJoinBenchmarks.RunAsyncGen(workStealing);
                else SpawnJoinBenchmarks.RunDotNet();
            });
            break;
        case "spawn_join_kept":
            if (local is null && workStealing is null)
            {
                Console.Error.WriteLine("spawn_join_kept: AsyncGen only");
                return 2;
            }
            Measure(workload, SpawnJoinBenchmarks.CompareTasks, () =>
            {
                if (local is not null) SpawnJoinBenchmarks.RunAsyncGenKeepingHandles(local);
                else SpawnJoinBenchmarks.RunAsyncGenKeepingHandles(workStealing!);
            });
            break;
        case "nested_await":
            Measure(workload, NestedAwaitBenchmarks.CompareChains, () =>
            {
                if (local is not null) NestedAwaitBenchmarks.RunAsyncGen(local);
                else if (workStealing is not null) NestedAwaitBenchmarks.RunAsyncGen(workStealing);
                else NestedAwaitBenchmarks.RunDotNet();
            });
            break;
        case "ping_pong_channel":
            Measure(workload, PingPongBenchmarks.CompareRoundTrips, () =>
            {
                if (local is not null) PingPongBenchmarks.RunAsyncGen(local);
                else if (workStealing is not null) PingPongBenchmarks.RunAsyncGen(workStealing);
                else PingPongBenchmarks.RunDotNet();
            });
            break;
        case "ping_pong_oneshot":
            Measure(workload, OneshotPingPong.RoundTrips, () =>
            {
                if (local is not null) OneshotPingPong.RunAsyncGen(local);
                else if (workStealing is not null) OneshotPingPong.RunAsyncGen(workStealing);
                else OneshotPingPong.RunDotNet();
            });
            break;
        case "yield_many":
            Measure(workload, YieldBenchmarks.CompareYields, () =>
            {
                if (local is not null) YieldBenchmarks.RunAsyncGen(local);
                else if (workStealing is not null) YieldBenchmarks.RunAsyncGen(workStealing);
                else YieldBenchmarks.RunDotNet();
            });
            break;
        case "timers":
            MeasureTimers();
            break;
    }
}
return 0;

// Warms up (at least two iterations and minMs / 2: JIT tiers, pools, the timer slab, then on until the JIT is quiet,
// see WarmUntilJitQuiet), then runs whole iterations until minMs have passed; time and bytes
// (GC.GetTotalAllocatedBytes: every thread) are divided by the operations. gc_pause_ns_per_op
// (GC.GetTotalPauseDuration) and the collections per generation say how much of the time is the GC; jit_ns_per_op and
// jitted_methods how much the JIT still compiled in the measured run (0 once warm: tokio has no JIT to pay for).
void Measure(string workload, int opsPerIteration, Action iteration)
{
    var warmup = Stopwatch.StartNew();
    for (int n = 0; n < 2 || (iterations == 0 && warmup.ElapsedMilliseconds < minMs / 2); n++) iteration();
    if (iterations == 0) WarmUntilJitQuiet(iteration, warmup);
    long warmupMs = warmup.ElapsedMilliseconds;
    Settle();
    long ops = 0;
    long bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
    int gc0Before = GC.CollectionCount(0), gc1Before = GC.CollectionCount(1), gc2Before = GC.CollectionCount(2);
    var pauseBefore = GC.GetTotalPauseDuration();
    gcEvents?.Start();
    var cpuBefore = Environment.CpuUsage.TotalTime;
    var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
    long methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
    var clock = Stopwatch.StartNew();
    do
    {
        iteration();
        ops += opsPerIteration;
    } while (iterations > 0 ? ops < (long)iterations * opsPerIteration : clock.ElapsedMilliseconds < minMs);
    double elapsedNs = clock.Elapsed.Ticks * 100.0;
    // CPU time of every thread of the process (GC and JIT included): on a loaded machine, where the wall-clock
    // time mostly measures the wait for a core, the figure that survives the load.
    double cpuNs = (Environment.CpuUsage.TotalTime - cpuBefore).Ticks * 100.0;
    long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
    double jitNs = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).Ticks * 100.0;
    long jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore;
    Report(workload, $"ops={ops} ns_per_op={F(elapsedNs / ops)} cpu_ns_per_op={F(cpuNs / ops)} bytes_per_op={F((double)bytes / ops)} " +
        $"jit_ns_per_op={F(jitNs / ops)} jitted_methods={jitted} warmup_ms={warmupMs} " +
        $"gc_pause_ns_per_op={F((GC.GetTotalPauseDuration() - pauseBefore).Ticks * 100.0 / ops)} gc0={GC.CollectionCount(0) - gc0Before} " +
        $"gc1={GC.CollectionCount(1) - gc1Before} gc2={GC.CollectionCount(2) - gc2Before}" +
        (gcEvents is null ? "" : $" heap_mb={F(GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0)} {gcEvents.Stop(ops)}"));
}

// At least two warm-up runs (the JIT: after one, part of the timer path still ran instrumented or at tier 0 in the
// measured run; then on until one compiles nothing), then one measured run of 100k sleeps; overshoot percentiles in ms, early = sleeps that ended before their
// duration; CPU time of every thread per sleep (spawn, first poll, firing, resume, join): what survives a loaded machine.
void MeasureTimers()
{
    void RunOnce(TimerOvershoot.Run run)
    {
        if (local is not null) TimerOvershoot.RunAsyncGen(local, run);
        else if (workStealing is not null) TimerOvershoot.RunAsyncGen(workStealing, run);
        else TimerOvershoot.RunDotNet(run);
    }
    // Then more, until two runs in a row compile no method (one quiet run was followed by 23 compiled methods: the
    // background compiler had not got to them yet), at most MaxWarmups: 44 methods were still compiled in the measured
    // run after two (tier-1 promotions of methods called once per run, at load 35), on the executor's thread or
    // beside it while the sleepers are timed.
    const int MaxWarmups = 12;
    for (int warmup = 0, quietRuns = 0; warmup < 2 || (quietRuns < 2 && warmup < MaxWarmups); warmup++)
    {
        long before = System.Runtime.JitInfo.GetCompiledMethodCount();
        RunOnce(new TimerOvershoot.Run());
        quietRuns = System.Runtime.JitInfo.GetCompiledMethodCount() == before ? quietRuns + 1 : 0;
    }
    var measured = new TimerOvershoot.Run();
    Settle();
    long bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
    var cpuBefore = Environment.CpuUsage.TotalTime;
    long methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
    var clock = Stopwatch.StartNew();
    RunOnce(measured);
    double wallMs = clock.Elapsed.TotalMilliseconds;
    long jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore;
    double cpuNs = (Environment.CpuUsage.TotalTime - cpuBefore).Ticks * 100.0;
    long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
    var sorted = (long[])measured.OvershootTicks.Clone();
    Array.Sort(sorted);
    double Ms(long ticks) => ticks / (double)TimeSpan.TicksPerMillisecond;
    double Percentile(double p) => Ms(sorted[(int)Math.Round(p / 100 * (sorted.Length - 1))]);
    int early = sorted.Count(t => t < 0);
    Report("timers", $"ops={sorted.Length} wall_ms={F(wallMs)} overshoot_p50_ms={F(Percentile(50))} overshoot_p99_ms={F(Percentile(99))} " +
        $"overshoot_max_ms={F(Ms(sorted[^1]))} overshoot_min_ms={F(Ms(sorted[0]))} early={early} cpu_ns_per_op={F(cpuNs / sorted.Length)} bytes_per_op={F((double)bytes / sorted.Length)} " +
        $"jitted_methods={jitted}");
}

// Tiered compilation promotes a method to tier 1 on a background thread, in batches, after a 100 ms delay that
// restarts with every new tier-0 method, so on a loaded machine a fixed warm-up of 250 ms left 100–270 methods to
// compile inside the measured run of 500 ms (jit_ns_per_op 60–120 ns on spawn_join and ping_pong_channel, measured
// 2026-11-28 at load 3): CPU time of the JIT thread counted against the runtime. So iterations go on until no method
// was compiled for JitQuietMs, for at most MaxWarmupMs (a method that is compiled in every iteration would otherwise
// hold the warm-up forever; the report's jitted_methods then says so). JitQuietMs 500: with 200 (twice that delay)
// 60–80 methods were still compiled in the measured run at load 45, where the background compiler waits for a core.
// And at least MinIterations: tiered PGO promotes a method after 30 calls at tier 0 and 30 more instrumented, so a
// method called once per iteration (BlockOn, RunLoop, the spawning machine) reaches tier 1 only after 60 iterations;
// a quiet window alone ended before that when iterations were long (40–80 methods compiled in the measured run).
static void WarmUntilJitQuiet(Action iteration, Stopwatch warmup)
{
    const int JitQuietMs = 500, MaxWarmupMs = 20_000, MinIterations = 64;
    long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
    var quiet = Stopwatch.StartNew();
    for (int n = 0; (n < MinIterations || quiet.ElapsedMilliseconds < JitQuietMs) && warmup.ElapsedMilliseconds < MaxWarmupMs; n++)
    {
        iteration();
        long now = System.Runtime.JitInfo.GetCompiledMethodCount();
        if (now == compiled) continue;
        compiled = now;
        quiet.Restart();
    }
}

static void Settle()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
}

void Report(string workload, string fields) => Console.WriteLine($"impl={impl} workload={workload} {fields}");

static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
