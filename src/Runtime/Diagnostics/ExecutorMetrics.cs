namespace AsyncGen.Diagnostics;

/// <summary>
/// One executor's counters (a block per executor thread plus a shared one), the gauges read from its queues, and
/// the tags its measurements carry. Registered with <see cref="RuntimeMeter"/> for as long as the executor lives.
/// </summary>
internal sealed class ExecutorMetrics
{
    private static int s_lastNumber;

    private readonly Func<int> _aliveTasks;
    private readonly Func<int> _injectionDepth;
    private readonly Func<int, int> _localDepth;

    /// <param name="kind"><see cref="AsyncGenMetrics.LocalKind"/> or <see cref="AsyncGenMetrics.WorkStealingKind"/>.</param>
    /// <param name="threads">Executor threads, each of which gets a block of its own.</param>
    /// <param name="aliveTasks">Reads the number of live tasks (any thread).</param>
    /// <param name="injectionDepth">Reads the length of the queue that other threads schedule into.</param>
    /// <param name="localDepth">Reads the length of a worker's local queue, by worker index.</param>
    public ExecutorMetrics(string kind, int threads, Func<int> aliveTasks, Func<int> injectionDepth, Func<int, int> localDepth)
    {
        Name = $"{kind}-{Interlocked.Increment(ref s_lastNumber)}";
        Kind = kind;
        Shared = new RuntimeCounters(this);
        Threads = new RuntimeCounters[threads];
        for (int i = 0; i < threads; i++) Threads[i] = new RuntimeCounters(this);
        _aliveTasks = aliveTasks;
        _injectionDepth = injectionDepth;
        _localDepth = localDepth;
        Tags = [new(AsyncGenMetrics.ExecutorTag, Name), new(AsyncGenMetrics.ExecutorKindTag, kind)];
        RuntimeMeter.Register(this);
    }

    /// <summary>The executor's tag value, unique in the process: <c>local-3</c>, <c>work-stealing-1</c>.</summary>
    public string Name { get; }

    /// <summary><c>local</c> or <c>work-stealing</c>.</summary>
    public string Kind { get; }

    /// <summary>Counted with interlocked adds by threads that are not this executor's.</summary>
    public RuntimeCounters Shared { get; }

    /// <summary>One block per executor thread, counted with plain increments by that thread only.</summary>
    public RuntimeCounters[] Threads { get; }

    /// <summary>The tags of every measurement of this executor: its name and kind.</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    /// <summary>Lists the executor's live tasks, for dumps requested through the EventSource.</summary>
    public Func<IReadOnlyList<TaskSnapshot>>? Dump { get; init; }

    /// <summary>
    /// The executor's I/O driver, whose own counts (kept by the driver, not in these blocks: the threads that bump them
    /// are often no executor's) the Meter reads too: io_uring's forwarded and foreign-ring submits.
    /// </summary>
    public Drivers.IIoDriver? IoDriver { get; init; }

    public int AliveTasks => _aliveTasks();

    public int InjectionQueueDepth => _injectionDepth();

    public int LocalQueueDepth(int worker) => _localDepth(worker);

    /// <summary>Counts on the calling thread's block if it is one of this executor's threads, else on the shared block.</summary>
    public void Count(RuntimeCounter counter)
    {
        if (RuntimeCounters.Current is { } block && block.Owner == this) block.Count(counter);
        else Shared.CountAtomically(counter);
    }

    /// <summary>The sum over every block.</summary>
    public long Total(RuntimeCounter counter)
    {
        long total = Shared.Read(counter);
        foreach (var block in Threads) total += block.Read(counter);
        return total;
    }

    /// <summary>Stops publishing this executor's measurements (it was disposed).</summary>
    public void Unregister() => RuntimeMeter.Unregister(this);
}
