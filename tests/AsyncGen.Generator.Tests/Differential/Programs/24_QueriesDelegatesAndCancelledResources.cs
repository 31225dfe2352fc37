// Query expressions over an awaited source whose clauses read locals kept in the machine, delegate variables called with
// awaited arguments, ?.Invoke with an awaited argument, checked blocks without awaits, and await using resources
// disposed when the machine is cancelled inside them.

public static partial class P_NcCheckedStatementBlockWithoutAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var big = await Ops.Value(int.MaxValue);
        try
        {
            checked
            {
                var next = big + 1;
                log.Add("no overflow " + next);
            }
        }
        catch (OverflowException)
        {
            log.Add("overflow");
        }
        await Ops.Yield();
        return unchecked(big + 1).ToString();
    }
}

public static partial class P_NcQueryOverAwaitedSource
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var threshold = 2;
        var names = from n in await Ops.Value(new[] { "bob", "al", "christine" })
                    where n.Length > threshold
                    orderby n descending
                    select n.ToUpper();
        var list = names.ToList();
        await Ops.Yield();
        threshold = 100;
        return string.Join(",", list) + " " + names.Count();
    }
}

public static partial class P_NcDelegateFieldInvokedWithAwaitedArgument
{
    private static Func<int, int> s_transform = x => x + 1;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Func<int, int> local = x => x * 2;
        var a = local(await Ops.Value(5));
        var b = s_transform(await Ops.Value(10));
        Func<int, int> swapped = local;
        local = x => x * 100;
        var c = swapped(await Ops.Value(1));
        return a + " " + b + " " + c;
    }
}

public static partial class P_NcConditionalInvokeOfDelegate
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Action<string>? notify = s => log.Add("notified " + s);
        notify?.Invoke(await Ops.Value("first"));
        notify = null;
        notify?.Invoke(await Ops.Value("second"));
        Func<int, string>? format = n => "#" + n;
        return format?.Invoke(await Ops.Value(7)) ?? "none";
    }
}

public static partial class P_NcAwaitUsingCancelledInsideBody
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        await using (var first = new NcAsyncResource(log, "a"))
        {
            log.Add("try:a");
            await Ops.Yield();
            await using var second = new NcAsyncResource(log, "b");
            log.Add("try:b");
            await Ops.Yield();
        }
        return "both disposed";
    }
}
