public sealed class AsyncResource(List<string> log, string name) : IAsyncDisposable
{
    public string Name => name;

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        log.Add("disposed async " + name);
    }
}

public static partial class P_AwaitFinally_Return
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var value = await Compute(log, 1);
        return value + await Compute(log, 2);
    }

    [PollAsync]
    private static async Future<string> Compute(List<string> log, int n)
    {
        try
        {
            await Ops.Yield();
            if (n == 1) return "early";
            log.Add("not early");
        }
        finally
        {
            await Ops.Yield();
            log.Add("finally " + n);
        }
        return "late";
    }
}

public static partial class P_AwaitFinally_BreakContinue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        for (var i = 0; i < 5; i++)
        {
            try
            {
                if (i == 1) continue;
                if (i == 3) break;
                text += await Ops.Value(i);
            }
            finally
            {
                text += await Ops.Value("f");
            }
            log.Add(text);
        }
        return text;
    }
}

public static partial class P_AwaitFinally_Nested
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            try
            {
                await Ops.Yield();
                return "inner";
            }
            finally
            {
                log.Add(await Ops.Value("inner finally"));
            }
        }
        finally
        {
            await Ops.Yield();
            log.Add("outer finally");
        }
    }
}

public static partial class P_AwaitFinally_AwaitUsing
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using (var first = new AsyncResource(log, "first"))
        {
            await Ops.Yield();
            log.Add("using " + first.Name);
        }
        await using var second = new AsyncResource(log, "second");
        log.Add(await Ops.Value("body"));
        return "done";
    }
}

public static partial class P_AwaitFinally_AwaitUsingReturn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using var resource = new AsyncResource(log, "r");
        var value = await Ops.Value(3);
        if (value == 3) return "returned " + resource.Name;
        log.Add("not reached");
        return "end";
    }
}

public static partial class P_AwaitFinally_ExceptionAndReturn
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            return await Throws(log);
        }
        catch (InvalidOperationException e)
        {
            return "caught " + e.Message;
        }
    }

    [PollAsync]
    private static async Future<string> Throws(List<string> log)
    {
        try
        {
            await Ops.Fail<int>("inside");
            return "no";
        }
        finally
        {
            await Ops.Yield();
            log.Add("finally ran before the exception left");
        }
    }
}

public static partial class P_AwaitFinally_AwaitForeach
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        await foreach (var item in Items(log))
        {
            if (item == 3) break;
            text += await Ops.Value(item);
        }
        await foreach (var item in Items(log))
        {
            if (item == 2) return text + "|returned";
        }
        return text;
    }

    private static async IAsyncEnumerable<int> Items(List<string> log)
    {
        try
        {
            for (var i = 1; i <= 4; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }
        finally
        {
            log.Add("enumerator disposed");
        }
    }
}
