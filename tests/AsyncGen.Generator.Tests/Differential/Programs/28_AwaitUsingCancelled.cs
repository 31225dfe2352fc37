// await using resources of a machine disposed (cancelled) while suspended inside them: nested declarations and
// statements interleaved with using and finally, inside try/finally in a loop, struct and null resources. The
// Dispose-at-every-await tests check each is disposed once; AwaitUsingCancelledTests, in the fallback's order.

public struct AsyncGuard : IAsyncDisposable
{
    private readonly List<string> _log;
    private readonly string _name;
    private int _disposals;

    private AsyncGuard(List<string> log, string name)
    {
        _log = log;
        _name = name;
    }

    public static AsyncGuard Enter(List<string> log, string name)
    {
        log.Add("try:" + name);
        return new AsyncGuard(log, name);
    }

    // Counts on the variable itself: a boxed copy would log a second disposal as 1 again.
    public ValueTask DisposeAsync()
    {
        _disposals++;
        _log.Add("finally:" + _name + (_disposals == 1 ? "" : " again"));
        return default;
    }
}

public static partial class P_AwaitUsingCancelNestedWithUsingAndFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:f");
            await using var a = Lease.Open(log, "a");
            await Ops.Yield();
            using var g = ScopeGuard.Enter(log, "g");
            await Ops.Yield();
            await using (var b = Lease.Open(log, "b"))
            {
                await Ops.Yield();
                await using (Lease.Open(log, "c"))
                {
                    await Ops.Yield();
                    a.Touch();
                }
            }
            await Ops.Yield();
            return a.Touched ? "touched" : "untouched";
        }
        finally
        {
            log.Add("finally:f");
        }
    }
}

public static partial class P_AwaitUsingCancelInTryFinallyInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = 0;
        for (var i = 0; i < 3; i++)
        {
            try
            {
                log.Add("try:loop" + i);
                await using var lease = Lease.Open(log, "lease" + i);
                await Ops.Yield();
                if (i == 1) continue;
                total += await Ops.Value(i);
            }
            finally
            {
                log.Add("finally:loop" + i);
            }
        }
        return total.ToString();
    }
}

public static partial class P_AwaitUsingCancelStructResource
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using var s = AsyncGuard.Enter(log, "s");
        await Ops.Yield();
        await using (AsyncGuard.Enter(log, "t"))
        {
            await Ops.Yield();
        }
        await Ops.Yield();
        return "guarded";
    }
}

public static partial class P_AwaitUsingCancelNullResource
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using var none = (Lease?)null;
        await Ops.Yield();
        await using var some = Lease.Open(log, "some");
        await Ops.Yield();
        return none is null ? "null skipped" : "?";
    }
}

public static partial class P_AwaitUsingCancelConfigureAwaitFalse
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var lease = Lease.Open(log, "configured");
        await using (lease.ConfigureAwait(false))
        {
            await Ops.Yield();
            await using var inner = Lease.Open(log, "inner").ConfigureAwait(false);
            await Ops.Yield();
        }
        await Ops.Yield();
        return "configured";
    }
}
