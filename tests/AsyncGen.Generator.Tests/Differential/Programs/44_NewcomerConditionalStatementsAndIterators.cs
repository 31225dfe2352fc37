// Null-conditional call statements through two receivers with an awaited argument (the inner access is a statement
// too), iterators whose finally runs on break, throw and return, recursion through spawned calls, an exception filter
// reading a local the catch changes after an await, goto backward out of a loop and a using. Helper types: Nf.

public sealed class NfNode
{
    public string Name = "";
    public NfNode? Next;
    public List<string> Calls = new();
    public void Add(string s) => Calls.Add(s);
}

public static partial class P_NfNestedConditionalCallStatements
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var head = new NfNode { Name = "head", Next = new NfNode { Name = "tail" } };
        NfNode? none = null;
        head?.Next?.Add(await Ops.Value("a"));
        head?.Next?.Next?.Add(await Ops.Value("never"));
        none?.Next?.Add(await Ops.Value("never2"));
        head.Next?.Add(await Ops.Value("b"));
        return string.Join(",", head.Next!.Calls) + " " + head.Calls.Count;
    }
}

public static partial class P_NfIteratorFinallyOnBreakAndThrow
{
    private static IEnumerable<int> Numbers(List<string> log, string name)
    {
        try
        {
            for (var i = 1; i <= 5; i++)
            {
                log.Add(name + " yields " + i);
                yield return i;
            }
        }
        finally
        {
            log.Add("finally:iterator " + name);
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sum = 0;
        foreach (var n in Numbers(log, "first"))
        {
            sum += await Ops.Value(n);
            if (n == 2) break;
        }
        try
        {
            foreach (var n in Numbers(log, "second"))
            {
                await Ops.Yield();
                if (n == 3) throw new InvalidOperationException("stop at " + n);
            }
        }
        catch (InvalidOperationException e)
        {
            log.Add(e.Message);
        }
        foreach (var n in Numbers(log, "third"))
        {
            if (n == 2) return "returned " + sum + await Ops.Value(n);
        }
        return "end";
    }
}

public static partial class P_NfSpawnedRecursion
{
    [PollAsync]
    private static async Future<int> Fib(int n)
    {
        if (n < 2) return n;
        var left = Ops.Spawn(Fib(n - 1));
        var right = await Fib(n - 2);
        return await left + right;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<int>();
        for (var i = 0; i < 8; i++) results.Add(await Fib(i));
        return string.Join(",", results);
    }
}

public static partial class P_NfFilterReadsLocalChangedAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var attempts = 0;
        var limit = 1;
        while (true)
        {
            try
            {
                attempts++;
                await Ops.Yield();
                throw new InvalidOperationException("attempt " + attempts);
            }
            catch (InvalidOperationException e) when (attempts <= limit && Note(log, e))
            {
                limit = await Ops.Value(limit + (attempts == 1 ? 1 : 0));
                log.Add("retry after " + e.Message);
            }
            catch (InvalidOperationException e)
            {
                await Ops.Yield();
                return "gave up at " + e.Message + " limit " + limit;
            }
        }
    }

    private static bool Note(List<string> log, Exception e)
    {
        log.Add("filter " + e.Message);
        return true;
    }
}

public static partial class P_NfGotoBackwardOutOfNestedBlocks
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var round = 0;
    top:
        round++;
        for (var i = 0; i < 3; i++)
        {
            using (new NeRes(log, "r" + round + i))
            {
                if (await Ops.Value(i) == 1 && round < 3) goto top;
            }
        }
        return "rounds " + round;
    }
}
