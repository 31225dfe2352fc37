public sealed class Resource(List<string> log, string name) : IDisposable
{
    public string Name => name;

    public void Dispose() => log.Add("finally:" + name);

    public static Resource Open(List<string> log, string name)
    {
        log.Add("try:" + name);
        return new Resource(log, name);
    }
}

public static partial class P_UsingStatement
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (var r = Resource.Open(log, "r"))
        {
            await Ops.Yield();
            log.Add("using " + r.Name);
        }
        return "closed";
    }
}

public static partial class P_UsingDeclaration
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using var first = Resource.Open(log, "first");
        await Ops.Yield();
        using var second = Resource.Open(log, "second");
        log.Add(await Ops.Value(first.Name + second.Name));
        return "end";
    }
}

public static partial class P_UsingExpression
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (Resource.Open(log, "anon"))
        {
            await Ops.Yield();
            log.Add("inside");
        }
        return "ok";
    }
}

public static partial class P_UsingWithException
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            using (var r = Resource.Open(log, "x"))
            {
                await Ops.Fail<int>("in using " + r.Name);
            }
        }
        catch (InvalidOperationException e)
        {
            log.Add(e.Message);
        }
        return "ok";
    }
}

public static partial class P_UsingMultiple
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (Resource a = Resource.Open(log, "a"), b = Resource.Open(log, "b"))
        {
            await Ops.Yield();
            log.Add(a.Name + b.Name);
        }
        return "two";
    }
}
