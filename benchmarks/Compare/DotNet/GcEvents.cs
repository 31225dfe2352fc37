using System.Diagnostics.Tracing;
using System.Globalization;

namespace AsyncGen.Benchmarks;

/// <summary>
/// With <c>--gc-events</c>: what the GC did during a measured run, from the runtime's own GC events (listened to in
/// the process): collections by generation and kind (blocking, background, foreground during a background one) and
/// reason, bytes promoted into gen1 and gen2 per operation, and the pause. Explains a workload's time on a loaded
/// machine, where collection counts and promoted bytes do not move with the load and wall times do. Also minor page
/// faults and CPU time per thread (the executor's thread beside the GC's background thread). <c>GC_EVENTS_EACH=1</c>
/// prints every event of every collection as it arrives.
/// </summary>
internal sealed class GcEvents : EventListener
{
    // Keyword GC of Microsoft-Windows-DotNETRuntime (0x1); GCStart_V2 = 1, GCEnd = 2, GCHeapStats_V2 = 4,
    // GCSuspendEEBegin = 9, GCRestartEEEnd = 3 (ClrEtwAll.man).
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private static readonly string[] Kinds = ["blocking", "background", "foreground"];
    // GC reasons, ClrEtwAll.man's GCReason map (the first ones: the rest show as numbers).
    private static readonly string[] Reasons = ["alloc_soh", "induced", "low_memory", "empty", "alloc_loh", "oos_soh", "oos_loh", "induced_not_forced", "internal", "induced_low_memory"];

    private readonly object _gate = new();
    private readonly Dictionary<string, int> _collections = [];
    private bool _recording;
    private long _promotedGen1, _promotedGen2, _suspendTicks, _pauseTicks;
    private long _faultsBefore;
    private Dictionary<string, long> _threadsBefore = [];
    private long _firstIndex;   // the first GC of the run: events of earlier ones arrive late and are left out
    private long _lastIndex;    // the last GC of the run, once it ended
    private long _currentIndex; // the GC whose events these are (GCStart names it; the others follow it)
    private readonly bool _each = Environment.GetEnvironmentVariable("GC_EVENTS_EACH") == "1";

    public void Start()
    {
        _faultsBefore = MinorFaults();
        _threadsBefore = ThreadCpu();
        lock (_gate)
        {
            _firstIndex = GC.CollectionCount(0) + 1;
            _collections.Clear();
            _lastIndex = long.MaxValue;
            _promotedGen1 = _promotedGen2 = _pauseTicks = 0;
            _recording = true;
        }
    }

    /// <summary>Stops recording (after the events of the run have been dispatched) and describes it per operation.</summary>
    public string Stop(long ops)
    {
        lock (_gate) _lastIndex = GC.CollectionCount(0);
        long faults = MinorFaults() - _faultsBefore;
        var threads = ThreadCpu();
        string cpu = string.Join(',', threads
            .Select(pair => (pair.Key, Ns: pair.Value - _threadsBefore.GetValueOrDefault(pair.Key)))
            .Where(thread => thread.Ns > 0)
            .OrderByDescending(thread => thread.Ns)
            .Take(5)
            .Select(thread => $"{thread.Key.Replace(' ', '_')}:{F((double)thread.Ns / ops)}"));
        // The runtime's events reach an in-process listener through EventPipe, on a thread of its own, in batches.
        Thread.Sleep(1500);
        lock (_gate)
        {
            _recording = false;
            string collections = string.Join(',', _collections.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}:{pair.Value}"));
            return $"gc_events={(collections.Length == 0 ? "none" : collections)} " +
                $"promoted_gen1_bytes_per_op={F((double)_promotedGen1 / ops)} promoted_gen2_bytes_per_op={F((double)_promotedGen2 / ops)} " +
                $"suspended_ns_per_op={F(_pauseTicks * 100.0 / ops)} page_faults_per_1k_ops={F(faults * 1000.0 / ops)} cpu_ns_per_op_by_thread={cpu}";
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        lock (_gate)
        {
            if (!_recording) return;
            if (e.EventId == 1) _currentIndex = Convert.ToInt64(e.Payload![0], CultureInfo.InvariantCulture);
            if (_currentIndex < _firstIndex || _currentIndex > _lastIndex) return;
            if (_each) Console.WriteLine($"  gc#{_currentIndex} {e.EventName} {string.Join(' ', e.PayloadNames!.Zip(e.Payload!).Take(8).Select(p => $"{p.First}={p.Second}"))}");
            switch (e.EventId)
            {
                case 1: // GCStart_V2: Count, Depth, Reason, Type
                    uint depth = Convert.ToUInt32(e.Payload![1], CultureInfo.InvariantCulture);
                    uint reason = Convert.ToUInt32(e.Payload[2], CultureInfo.InvariantCulture);
                    uint type = Convert.ToUInt32(e.Payload[3], CultureInfo.InvariantCulture);
                    string key = $"gen{depth}/{(type < Kinds.Length ? Kinds[type] : type.ToString(CultureInfo.InvariantCulture))}/" +
                        (reason < Reasons.Length ? Reasons[reason] : reason.ToString(CultureInfo.InvariantCulture));
                    _collections[key] = _collections.GetValueOrDefault(key) + 1;
                    break;
                case 4: // GCHeapStats_V2: GenerationSize0, TotalPromotedSize0 (into gen1), GenerationSize1, TotalPromotedSize1 (into gen2), …
                    _promotedGen1 += Convert.ToInt64(e.Payload![1], CultureInfo.InvariantCulture);
                    _promotedGen2 += Convert.ToInt64(e.Payload[3], CultureInfo.InvariantCulture);
                    break;
                case 9: // GCSuspendEEBegin
                    _suspendTicks = e.TimeStamp.Ticks;
                    break;
                case 3: // GCRestartEEEnd
                    if (_suspendTicks != 0) _pauseTicks += e.TimeStamp.Ticks - _suspendTicks;
                    _suspendTicks = 0;
                    break;
            }
        }
    }

    // Minor page faults of every thread of the process so far: field 10 of /proc/self/stat (after the command name,
    // which may hold spaces, field 8 of the rest). A fault is the first touch of a page the GC committed, or
    // recommitted after giving it back to the OS.
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    // CPU time of each thread so far, by name (threads of one name summed), in ns: the first field of
    // /proc/self/task/<tid>/schedstat. Shows the main thread's share beside the GC's background thread (".NET BGC").
    private static Dictionary<string, long> ThreadCpu()
    {
        var cpu = new Dictionary<string, long>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (task.EndsWith("/" + Environment.ProcessId, StringComparison.Ordinal)) name = "main";
                long ns = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                cpu[name] = cpu.GetValueOrDefault(name) + ns;
            }
            catch (IOException)
            {
                // The thread exited meanwhile.
            }
        }
        return cpu;
    }

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
