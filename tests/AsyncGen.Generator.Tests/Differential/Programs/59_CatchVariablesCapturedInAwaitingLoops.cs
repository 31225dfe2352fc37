// A catch clause's exception variable captured by lambdas, in a loop, where the catch block awaits: each exception
// the clause catches has its own variable (and its own closure in the machine), also when the filter reads it.

public static partial class P_CatchVariableCapturedInAnAwaitingLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        for (var i = 0; i < 3; i++)
        {
            try
            {
                await Ops.Yield();
                throw new InvalidOperationException("failure " + i);
            }
            catch (InvalidOperationException e)
            {
                await Ops.Yield();
                readers.Add(() => e.Message);
                log.Add("caught " + e.Message);
            }
        }
        return string.Join(" ", readers.Select(r => r()));
    }
}

public static partial class P_CatchVariableCapturedAndReadByItsFilter
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        var i = 0;
        while (i < 4)
        {
            try
            {
                await Ops.Fail<int>("failure " + i);
            }
            catch (InvalidOperationException e) when (e.Message != "failure 2" && Check(log, () => e.Message))
            {
                readers.Add(() => "[" + e.Message + "]");
                await Ops.Yield();
                readers.Add(() => e.Message.ToUpperInvariant());
            }
            catch (InvalidOperationException other)
            {
                log.Add("other " + other.Message);
            }
            i++;
        }
        return string.Join(" ", readers.Select(r => r()));
    }

    private static bool Check(List<string> log, Func<string> read)
    {
        log.Add("filter " + read());
        return true;
    }
}

public static partial class P_CatchVariableAndBlockLocalCapturedInAForeach
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            try
            {
                if (name == "b") continue;
                await Ops.Fail<int>(name);
            }
            catch (Exception e)
            {
                var copy = name + "!";
                Func<string> read = () => copy + e.Message;
                await Ops.Yield();
                readers.Add(read);
                if (name == "c") break;
            }
        }
        return string.Join(" ", readers.Select(r => r()));
    }
}

public static partial class P_CatchVariableCapturedInALoopOfGoto
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        var round = 0;
    again:
        try
        {
            await Ops.Fail<int>("round " + round);
        }
        catch (InvalidOperationException e)
        {
            await Ops.Yield();
            readers.Add(() => e.Message);
        }
        if (++round < 3) goto again;
        return string.Join(" ", readers.Select(r => r()));
    }
}

public static partial class P_CatchVariableCapturedAndReadInAnAwaitingFinallyOfItsBlock
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        for (var i = 0; i < 2; i++)
        {
            try
            {
                await Ops.Fail<int>("failure " + i);
            }
            catch (Exception e)
            {
                readers.Add(() => e.Message);
                try
                {
                    await Ops.Yield();
                }
                finally
                {
                    log.Add("finally: " + e.Message);
                }
            }
        }
        return string.Join(" ", readers.Select(r => r()));
    }
}
