namespace AsyncGen.Runtime.Tests.Support;

/// <summary>
/// Measures the bytes one run allocates on the current thread, in up to three windows: one must match exactly. A cost
/// per task or per operation shows in every window; a one-off does not repeat (a lazily created object, an event
/// written because a test running in parallel enabled an EventListener, a table grown once because the machine's
/// load stretched a run past a deadline).
/// </summary>
internal static class AllocationWindows
{
    public static void AssertOneWindowAllocates(long expected, Action run, int windows = 3)
    {
        var seen = new List<long>();
        for (int window = 0; window < windows; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            seen.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (seen[^1] == expected) return;
        }
        Assert.Fail($"expected exactly {expected:N0} B in one of {windows} windows; they allocated {string.Join(", ", seen.Select(b => b.ToString("N0")))} B");
    }
}
