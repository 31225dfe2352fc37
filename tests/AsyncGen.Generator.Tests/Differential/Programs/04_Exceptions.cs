public static partial class P_CatchInTry
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:a");
            await Ops.Fail<int>("boom");
            log.Add("not reached");
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
        }
        finally
        {
            log.Add("finally:a");
        }
        return "after";
    }
}

public static partial class P_AwaitInCatch
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var message = "";
        try
        {
            await Ops.Yield();
            throw new InvalidOperationException("first");
        }
        catch (InvalidOperationException e)
        {
            await Ops.Yield();
            message = e.Message;
            log.Add("handled " + await Ops.Value(e.Message.Length));
        }
        return message;
    }
}

public static partial class P_AwaitFinally_Simple
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:a");
            await Ops.Yield();
        }
        finally
        {
            await Ops.Yield();
            log.Add("finally:a");
        }
        return "done";
    }
}

public static partial class P_Rethrow
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            await Inner(log);
        }
        catch (InvalidOperationException e)
        {
            log.Add("outer " + e.Message);
            return "rethrown " + e.Message;
        }
        return "no";
    }

    [PollAsync]
    private static async Future Inner(List<string> log)
    {
        try
        {
            await Ops.Fail<int>("deep");
        }
        catch
        {
            await Ops.Yield();
            log.Add("inner handler");
            throw;
        }
    }
}

public static partial class P_Filter
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = "";
        foreach (var message in new[] { "skip", "take" })
        {
            try
            {
                try
                {
                    await Ops.Fail<int>(message);
                }
                catch (InvalidOperationException e) when (e.Message == "take")
                {
                    results += "inner:" + e.Message + " ";
                }
            }
            catch (InvalidOperationException e)
            {
                results += "outer:" + e.Message + " ";
            }
            log.Add(results);
        }
        return results;
    }
}

public static partial class P_ThrowAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await Ops.Yield();
        log.Add("about to throw");
        throw new ArgumentException("unhandled");
    }
}

public static partial class P_DeepException
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            return (await Level1(log)).ToString();
        }
        catch (InvalidOperationException e)
        {
            log.Add("top caught " + e.Message);
            return "recovered";
        }
    }

    [PollAsync]
    private static async Future<int> Level1(List<string> log)
    {
        try
        {
            log.Add("try:l1");
            return await Level2(log) + 1;
        }
        finally
        {
            log.Add("finally:l1");
        }
    }

    [PollAsync]
    private static async Future<int> Level2(List<string> log)
    {
        await Ops.Yield();
        var value = await Level3(log);
        log.Add("not reached");
        return value;
    }

    [PollAsync]
    private static async Future<int> Level3(List<string> log)
    {
        await Ops.Yield();
        return await Ops.Fail<int>("level3");
    }
}

public static partial class P_NestedTryFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:outer");
            try
            {
                log.Add("try:inner");
                await Ops.Yield();
                log.Add("inner body");
            }
            finally
            {
                log.Add("finally:inner");
            }
            await Ops.Yield();
        }
        finally
        {
            log.Add("finally:outer");
        }
        return "ok";
    }
}

public static partial class P_AwaitFinally_AllParts
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var state = "";
        try
        {
            log.Add("try:a");
            state += await Ops.Value("t");
            await Ops.Fail<int>("x");
        }
        catch (InvalidOperationException)
        {
            state += await Ops.Value("c");
        }
        finally
        {
            state += await Ops.Value("f");
            log.Add("finally:a");
        }
        return state;
    }
}

public static partial class P_ReturnInsideTryFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var value = await Compute(log);
        return value + "|" + string.Join(",", log);
    }

    [PollAsync]
    private static async Future<string> Compute(List<string> log)
    {
        try
        {
            log.Add("try:c");
            await Ops.Yield();
            return "returned";
        }
        finally
        {
            log.Add("finally:c");
        }
    }
}

public static partial class P_CatchInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var ok = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                if (i % 2 == 1) await Ops.Fail<int>("odd " + i);
                else await Ops.Yield();
                ok++;
            }
            catch (InvalidOperationException e)
            {
                log.Add(e.Message);
                continue;
            }
            log.Add("ok " + i);
        }
        return ok.ToString();
    }
}

public static partial class P_MultipleCatches
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "";
        foreach (var kind in new[] { 0, 1, 2 })
        {
            try
            {
                await Ops.Yield();
                if (kind == 0) throw new ArgumentException("arg");
                if (kind == 1) throw new InvalidOperationException("op");
                text += "none ";
            }
            catch (ArgumentException e)
            {
                text += "arg:" + e.Message + " ";
            }
            catch (InvalidOperationException e)
            {
                text += await Ops.Value("op:" + e.Message + " ");
            }
            log.Add(text);
        }
        return text;
    }
}

public static partial class P_ThrowAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            throw new InvalidOperationException(await Ops.Value("made after await"));
        }
        catch (InvalidOperationException e)
        {
            log.Add(e.Message);
            return e.Message;
        }
    }
}

public static partial class P_CatchFinallyOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:a");
            try
            {
                log.Add("try:b");
                await Ops.Fail<int>("inner");
            }
            catch (InvalidOperationException e)
            {
                await Ops.Yield();
                log.Add("catch " + e.Message);
                throw new ArgumentException("from catch");
            }
            finally
            {
                log.Add("finally:b");
            }
        }
        catch (ArgumentException e)
        {
            log.Add("outer " + e.Message);
        }
        finally
        {
            log.Add("finally:a");
        }
        return "end";
    }
}

public static partial class P_ExceptionFromTask
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            await Faulted();
        }
        catch (FormatException e)
        {
            log.Add("task fault " + e.Message);
        }
        return "handled";
    }

    private static async Task Faulted()
    {
        await Task.Yield();
        throw new FormatException("bad");
    }
}
