// Soak: the echo server and the channel/timer workloads for a configurable time, with faults injected (random RST,
// cancelled reads and sends, slow readers); at the end it checks bytes, counts, descriptors and memory.
//
//   dotnet run -c Release --project benchmarks/Soak -- [--minutes M] [--clients N] [--sleepers N] [--producers N]
//
// (benchmarks/soak.sh wraps it.) Exit code 0 when every check passes. Not run by CI.
using System.Diagnostics;
using System.Net;
using AsyncGen;
using AsyncGen.Net;
using AsyncGen.Soak;
using AsyncGen.Sync;

double minutes = 1;
int clients = 64, sleepers = 200, producers = 4;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--minutes": minutes = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--clients": clients = int.Parse(args[i + 1]); break;
        case "--sleepers": sleepers = int.Parse(args[i + 1]); break;
        case "--producers": producers = int.Parse(args[i + 1]); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

var counters = new SoakCounters();
var stop = new StopSignal();
// Warm-up first: .NET creates descriptors of its own once, lazily, on first use of sockets (an epoll and a pipe for
// its socket engine); they are not the runtime's and must not count as a leak.
using (var warmListener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0)))
{
    Executor.BlockOn(EchoWorkload.WarmUp(warmListener));
}
var baselineTargets = ProcessStats.NonFileDescriptorTargets();
int baselineFds = baselineTargets.Length;
Console.WriteLine($"soak: {minutes} min, {clients} echo clients (3% RST, 3% cancelled reads, 4% slow readers), " +
                  $"{producers} producers with cancelled sends -> 1 consumer (bounded 16), {sleepers} sleepers; " +
                  $"server: WorkStealingExecutor(2), clients: LocalExecutor; {Environment.ProcessorCount} cores");
Console.WriteLine($"baseline: {baselineFds} non-file descriptors, RSS {ProcessStats.RssMiB():F1} MiB");

var clock = Stopwatch.StartNew();
var server = new WorkStealingExecutor(2);
var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
_ = server.Spawn(EchoWorkload.Serve(listener, counters));
var (sender, receiver) = AsyncChannel.Bounded<long>(16);
_ = server.Spawn(ChannelTimerWorkload.Consume(receiver, seed: 1, counters));
for (int i = 0; i < producers; i++) _ = server.Spawn(ChannelTimerWorkload.Produce(sender.Clone(), seed: 100 + i, counters, stop));
sender.Dispose(); // the producers hold the remaining handles: the channel closes when the last one stops
for (int i = 0; i < sleepers; i++) _ = server.Spawn(ChannelTimerWorkload.Sleeper(seed: 1000 + i, counters, stop));

var clientThread = new Thread(() =>
{
    using var executor = new LocalExecutor();
    for (int i = 0; i < clients; i++) executor.Spawn(EchoWorkload.Client(listener.LocalEndPoint, seed: 10_000 + i, counters, stop));
    executor.Run();
}) { Name = "soak clients" };
clientThread.Start();

var end = TimeSpan.FromMinutes(minutes);
double steadyRss = 0;
while (clock.Elapsed < end)
{
    Thread.Sleep(TimeSpan.FromSeconds(Math.Min(30, Math.Max(1, (end - clock.Elapsed).TotalSeconds))));
    double rss = ProcessStats.RssMiB();
    if (steadyRss == 0 && clock.Elapsed > TimeSpan.FromSeconds(30)) steadyRss = rss;
    Console.WriteLine($"{clock.Elapsed:hh\\:mm\\:ss} conns {counters.Connections:N0}  echoed {counters.BytesEchoedBack / 1048576.0:N0} MiB  " +
                      $"RST {counters.Resets:N0}  cancelled {counters.CancelledReads:N0}  slow {counters.SlowReads:N0}  " +
                      $"items {counters.ItemsReceived:N0} (sends cancelled {counters.SendsCancelled:N0})  sleeps {counters.Sleeps:N0}  " +
                      $"tasks {server.TaskCount:N0}  fds {ProcessStats.NonFileDescriptors()}  RSS {rss:F1} MiB  unexpected {counters.UnexpectedErrors}");
}

stop.Set();
clientThread.Join();
listener.Dispose();
var drain = Stopwatch.StartNew();
while (server.TaskCount > 0 && drain.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(50);
int leftTasks = server.TaskCount;
server.Dispose();
GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();
int endFds = ProcessStats.NonFileDescriptors();
double endRss = ProcessStats.RssMiB();

var failures = new List<string>();
void Check(bool ok, string what)
{
    Console.WriteLine($"  [{(ok ? "ok" : "FAIL")}] {what}");
    if (!ok) failures.Add(what);
}
Console.WriteLine($"end after {clock.Elapsed:hh\\:mm\\:ss}:");
Check(counters.Mismatches == 0, $"echoed bytes equal the bytes sent ({counters.BytesEchoedBack:N0} bytes verified of {counters.BytesSent:N0} sent; the rest was in flight on reset or cancelled connections), mismatches {counters.Mismatches}");
Check(counters.UnexpectedErrors == 0, $"no unexpected exception ({counters.UnexpectedErrors}{(counters.FirstUnexpected is null ? "" : ": " + counters.FirstUnexpected)})");
Check(counters.ItemsSent == counters.ItemsReceived, $"every item a send delivered was received ({counters.ItemsSent:N0} sent, {counters.ItemsReceived:N0} received, {counters.SendsCancelled:N0} sends cancelled)");
Check(counters.EarlyWakes == 0, $"no sleep ended early ({counters.Sleeps:N0} sleeps, {counters.EarlyWakes} early)");
Check(counters.Connections > 0 && counters.Resets > 0 && counters.CancelledReads > 0 && counters.SlowReads > 0,
    $"faults were injected ({counters.Connections:N0} connections, {counters.Resets:N0} RST, {counters.CancelledReads:N0} cancelled reads, {counters.SlowReads:N0} slow readers; server saw {counters.ServerResetsSeen:N0} resets, {counters.ServerAcceptErrors} accept errors)");
Check(leftTasks == 0, $"every server task finished once the clients left ({leftTasks} left)");
int Sockets(IEnumerable<string> targets) => targets.Count(target => target.StartsWith("socket:", StringComparison.Ordinal));
var endTargets = ProcessStats.NonFileDescriptorTargets();
Check(Sockets(endTargets) <= Sockets(baselineTargets), $"sockets back to baseline ({Sockets(endTargets)} now, {Sockets(baselineTargets)} at start)");
// Other descriptors are reported, not checked: .NET's own socket engine (an epoll and a pipe) may appear lazily.
Console.WriteLine($"  [info] non-file descriptors: {endFds} now, {baselineFds} at start" +
    (endFds > baselineFds ? $" (new kinds: {string.Join(", ", endTargets.Except(baselineTargets).Select(t => t.Split('[')[0]).Distinct())})" : ""));
Check(steadyRss == 0 || endRss < steadyRss * 2 + 64, $"memory did not run away (RSS {steadyRss:F1} MiB after 30 s, {endRss:F1} MiB at the end)");
Console.WriteLine(failures.Count == 0 ? "soak: PASS" : $"soak: FAIL ({failures.Count})");
return failures.Count == 0 ? 0 : 1;
