public sealed class Lease : IDisposable, IAsyncDisposable
{
    private readonly List<string> _log;

    private Lease(List<string> log, string name)
    {
        _log = log;
        Name = name;
    }

    public string Name { get; }

    public bool Touched { get; set; }

    public static Lease Open(List<string> log, string name)
    {
        log.Add("try:" + name);
        return new Lease(log, name);
    }

    public void Touch() => Touched = true;

    public void Dispose() => _log.Add("finally:" + Name);

    public ValueTask DisposeAsync()
    {
        _log.Add("finally:" + Name);
        return default;
    }
}

public struct ScopeGuard(List<string> log, string name) : IDisposable
{
    public void Dispose() => log.Add("finally:" + name);

    public static ScopeGuard Enter(List<string> log, string name)
    {
        log.Add("try:" + name);
        return new ScopeGuard(log, name);
    }
}

public static partial class LeaseOps
{
    [PollAsync]
    public static async Future<Lease> OpenLater(List<string> log, string name)
    {
        await Ops.Yield();
        return Lease.Open(log, name);
    }
}

public static partial class P_AwaitFinally_AwaitUsingDeclarationUsedLater
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using var lease = Lease.Open(log, "a");
        await Ops.Yield();
        return "used " + lease.Name;
    }
}

public static partial class P_AwaitFinally_AwaitUsingUnusedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using var lease = Lease.Open(log, "a");
        lease.Touch();
        await Ops.Yield();
        return "after";
    }
}

public static partial class P_AwaitFinally_AwaitUsingStatementBlock
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using (var lease = Lease.Open(log, "a"))
        {
            lease.Touch();
            await Ops.Yield();
        }
        return "block";
    }
}

public static partial class P_UsingAwaitedResourceNotUsedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (var lease = await LeaseOps.OpenLater(log, "s"))
        {
            lease.Touched = true;
        }
        return "opened";
    }
}

public static partial class P_UsingDeclarationOfAwaitedValueReturn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using var lease = await LeaseOps.OpenLater(log, "conn");
        return "got " + lease.Name;
    }
}

public static partial class P_UsingNestedStatements
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (var outer = Lease.Open(log, "outer"))
        using (var inner = Lease.Open(log, "inner"))
        {
            await Ops.Yield();
            log.Add(outer.Name + "+" + inner.Name);
            await Ops.Yield();
        }
        return "nested";
    }
}

public static partial class P_UsingDeclarationInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var names = "";
        foreach (var name in new[] { "x", "y", "z" })
        {
            using var lease = Lease.Open(log, name);
            await Ops.Yield();
            names += lease.Name;
        }
        return names;
    }
}

public static partial class P_UsingNullResource
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (Lease? nothing = null)
        {
            await Ops.Yield();
            log.Add("null is fine " + (nothing is null));
        }
        return "null";
    }
}

public static partial class P_UsingStructResource
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (ScopeGuard.Enter(log, "guard"))
        {
            await Ops.Yield();
        }
        using var second = ScopeGuard.Enter(log, "second");
        await Ops.Yield();
        return "structs";
    }
}

public static partial class P_UsingExceptionThenCatch
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            using var lease = Lease.Open(log, "failing");
            await Ops.Yield();
            await Ops.Fail<int>("inside " + lease.Name);
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
        }
        return "ok";
    }
}

public static partial class P_UsingScopesDisposeInReverse
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using var first = Lease.Open(log, "first");
        {
            using var second = Lease.Open(log, "second");
            await Ops.Yield();
            using var third = Lease.Open(log, "third");
            await Ops.Yield();
        }
        log.Add("between");
        await Ops.Yield();
        return first.Name;
    }
}

public static partial class P_UsingEarlyReturnInsideLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        for (var i = 0; ; i++)
        {
            using var lease = Lease.Open(log, "round" + i);
            if (await Ops.Value(i) == 2) return "stopped at " + lease.Name;
        }
    }
}

public static partial class P_AwaitFinally_AwaitUsingVarAwaited
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using var lease = await LeaseOps.OpenLater(log, "remote");
        var text = await Ops.Value("read ");
        return text + lease.Name;
    }
}
