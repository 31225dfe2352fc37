public static partial class P_TryFinally_AwaitInTryOnly
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:a");
            await Ops.Yield();
            log.Add("middle");
            await Ops.Yield();
        }
        finally
        {
            log.Add("finally:a");
        }
        return "ok";
    }
}

public static partial class P_TryFinally_AwaitsAroundTry
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var before = await Ops.Value(1);
        try
        {
            log.Add("try:a");
            before += 1;
        }
        finally
        {
            log.Add("finally:a");
        }
        var after = await Ops.Value(2);
        return (before + after).ToString();
    }
}

public static partial class P_TryFinally_ThreeDeep
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:outer");
            await Ops.Yield();
            try
            {
                log.Add("try:middle");
                await Ops.Yield();
                try
                {
                    log.Add("try:inner");
                    await Ops.Yield();
                }
                finally
                {
                    log.Add("finally:inner");
                }
                await Ops.Yield();
            }
            finally
            {
                log.Add("finally:middle");
            }
            await Ops.Yield();
        }
        finally
        {
            log.Add("finally:outer");
        }
        return "deep";
    }
}

public static partial class P_TryFinally_ExceptionThroughThree
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            try
            {
                log.Add("try:outer");
                try
                {
                    log.Add("try:inner");
                    await Ops.Fail<int>("bottom");
                    log.Add("not reached");
                }
                finally
                {
                    log.Add("finally:inner");
                }
            }
            finally
            {
                log.Add("finally:outer");
            }
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
            return "recovered";
        }
        return "no";
    }
}

public static partial class P_AwaitFinally_CatchAndFinallyAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var result = "";
        try
        {
            log.Add("try:a");
            await Ops.Fail<int>("first");
        }
        catch (InvalidOperationException e)
        {
            await Ops.Yield();
            result = "handled " + e.Message;
        }
        finally
        {
            await Ops.Yield();
            log.Add("finally:a");
        }
        return result;
    }
}

public static partial class P_AwaitFinally_InnerOnly
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
            }
            finally
            {
                log.Add(await Ops.Value("finally:inner"));
            }
        }
        finally
        {
            log.Add("finally:outer");
        }
        return "inner awaited";
    }
}

public static partial class P_TryFinally_FinallyThrowsReplaces
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var failing = false;
        try
        {
            try
            {
                log.Add("try:a");
                await Ops.Yield();
                failing = true;
                throw new InvalidOperationException("original");
            }
            finally
            {
                log.Add("finally:a");
                if (failing) throw new ArgumentException("from finally");
            }
        }
        catch (Exception e)
        {
            return e.GetType().Name + " " + e.Message;
        }
    }
}

public static partial class P_TryFinally_ReturnValueFixedBeforeFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var value = "before";
        try
        {
            log.Add("try:a");
            value = await Ops.Value("returned");
            return value;
        }
        finally
        {
            value = "changed in finally";
            log.Add("finally:a");
        }
    }
}

public static partial class P_TryFinally_LoopBreakContinue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var seen = "";
        for (var i = 0; i < 6; i++)
        {
            try
            {
                log.Add("try:loop");
                var v = await Ops.Value(i);
                if (v % 2 == 0) continue;
                if (v == 5) break;
                seen += v;
            }
            finally
            {
                log.Add("finally:loop");
            }
        }
        return seen;
    }
}

public static partial class P_AwaitFinally_LoopContinue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = 0;
        foreach (var n in new[] { 1, 2, 3 })
        {
            try
            {
                log.Add("try:item");
                if (n == 2) continue;
                total += await Ops.Value(n);
            }
            finally
            {
                await Ops.Yield();
                log.Add("finally:item");
            }
        }
        return "total " + total;
    }
}

public static partial class P_TryCatch_FilterSideEffects
{
    private static bool Accept(List<string> log, Exception e, string wanted)
    {
        log.Add("filter " + wanted + " sees " + e.Message);
        return e.Message == wanted;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            await Ops.Yield();
            await Ops.Fail<int>("two");
        }
        catch (InvalidOperationException e) when (Accept(log, e, "one"))
        {
            return "one";
        }
        catch (InvalidOperationException e) when (Accept(log, e, "two"))
        {
            return "two";
        }
        return "none";
    }
}

public static partial class P_AwaitFinally_CatchRethrow
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            try
            {
                log.Add("try:a");
                await Ops.Fail<int>("again");
            }
            catch (InvalidOperationException)
            {
                log.Add("rethrowing");
                throw;
            }
            finally
            {
                await Ops.Yield();
                log.Add("finally:a");
            }
        }
        catch (InvalidOperationException e)
        {
            return "outer " + e.Message;
        }
        return "no exception";
    }
}

public static partial class P_TryCatch_AwaitInCatchThrowsNew
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            try
            {
                await Ops.Fail<int>("low");
            }
            catch (InvalidOperationException e)
            {
                var detail = await Ops.Value(e.Message.ToUpperInvariant());
                throw new ArgumentException("wrapped " + detail, e);
            }
        }
        catch (ArgumentException e)
        {
            log.Add("inner was " + e.InnerException!.Message);
            return e.Message;
        }
        return "no exception";
    }
}

public static partial class P_TryCatch_UnhandledAfterFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            log.Add("try:a");
            await Ops.Yield();
            throw new NotSupportedException("escapes");
        }
        catch (InvalidOperationException)
        {
            return "wrong handler";
        }
        finally
        {
            log.Add("finally:a");
        }
    }
}

public static partial class P_TryCatch_ExceptionFromNestedCall
{
    [PollAsync]
    private static async Future<int> Level(List<string> log, int depth)
    {
        try
        {
            log.Add("try:level" + depth);
            await Ops.Yield();
            if (depth == 0) throw new InvalidOperationException("depth zero");
            return await Level(log, depth - 1);
        }
        finally
        {
            log.Add("finally:level" + depth);
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            return "got " + await Level(log, 3);
        }
        catch (InvalidOperationException e)
        {
            return "caught " + e.Message;
        }
    }
}
