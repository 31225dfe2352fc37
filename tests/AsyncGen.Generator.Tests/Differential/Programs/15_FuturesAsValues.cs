public static partial class P_FutureStoredThenAwaited
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var first = Work.Square(3);
        var second = Work.Square(4);
        log.Add("both created");
        var total = await first + await second;
        return "total " + total;
    }
}

public static partial class P_FuturesInListAwaitedInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pending = new List<Future<int>>();
        for (var i = 1; i <= 3; i++) pending.Add(Work.Square(i));
        var sum = 0;
        foreach (var future in pending) sum += await future;
        return "sum " + sum;
    }
}

public static partial class P_SpawnAndAwaitHandle
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var handle = Ops.Spawn(Work.Square(7));
        await Ops.Yield();
        return "spawned " + await handle;
    }
}

public static partial class P_SpawnManyThenSum
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var handles = Enumerable.Range(1, 4).Select(i => Ops.Spawn(Work.Square(i))).ToList();
        var sum = 0;
        foreach (var handle in handles) sum += await handle;
        return "sum " + sum;
    }
}

public static partial class P_SpawnFailurePropagates
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var handle = Ops.Spawn(Work.Fails("spawned failure"));
        try
        {
            return "got " + await handle;
        }
        catch (InvalidOperationException e)
        {
            return "caught " + e.Message;
        }
    }
}

public static partial class P_JoinTwoCalls
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var both = await Ops.Both(Work.Square(2), Work.Square(5));
        return both.Item1 + " " + both.Item2;
    }
}

public static partial class P_JoinDeconstructed
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (a, b) = await Ops.Both(Work.Square(3), Generic.Largest("x", "y"));
        await Ops.Yield();
        return a + b;
    }
}

public static partial class P_JoinWithFailure
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            var pair = await Ops.Both(Work.Fails("left failed"), Work.Square(2));
            return "no " + pair.Item2;
        }
        catch (InvalidOperationException e)
        {
            return "caught " + e.Message;
        }
    }
}

public static partial class P_JoinOfPlainFutures
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pair = await Ops.Both(Ops.Boxed(1), Ops.Boxed("one"));
        return pair.Item1 + pair.Item2;
    }
}

public static partial class P_SelectFirstReady
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var either = await Ops.Race(Work.Square(9), Ops.Never<int>());
        return "winner " + Ops.Winner(either);
    }
}

public static partial class P_SelectAgainstPlainFuture
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var either = await Ops.Race(Ops.Boxed(5), Ops.Never<int>());
        return "winner " + Ops.Winner(either);
    }
}

public static partial class P_FutureFromHelperMethod
{
    private static Future<int> Pick(bool big) => big ? Work.Square(10) : Ops.Boxed(1);

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        return await Pick(true) + " " + await Pick(false);
    }
}

public static partial class P_VoidFutureSequence
{
    [PollAsync]
    private static async Future Step(List<string> log, string name)
    {
        await Ops.Yield();
        log.Add("step " + name);
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await Step(log, "one");
        foreach (var name in new[] { "two", "three" }) await Step(log, name);
        return "steps";
    }
}
