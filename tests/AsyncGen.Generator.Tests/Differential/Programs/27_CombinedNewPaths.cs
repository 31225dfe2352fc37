// The paths added this session in combination: a local function with per-iteration variables called from a finally
// method, goto case out of a loop, null-conditional chains with awaits in a loop, checked with awaits and captures.

public static partial class P_NcLocalFunctionInFinallyInsideLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var readers = new List<Func<string>>();
        foreach (var name in new[] { "a", "b" })
        {
            var tag = name + "!";
            string Describe() => tag + name;
            try
            {
                log.Add("try:" + name);
                await Ops.Yield();
            }
            finally
            {
                log.Add("finally:" + name);
                readers.Add(Describe);
            }
        }
        return string.Join(",", readers.Select(r => r()));
    }
}

public static partial class P_NcGotoCaseInsideLoopInSwitch
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var trace = new List<string>();
        var state = 0;
        switch (state)
        {
            case 0:
                for (var i = 0; i < 3; i++)
                {
                    await Ops.Yield();
                    trace.Add("loop" + i);
                    if (i == 1) goto case 2;
                }
                break;
            case 2:
                trace.Add("two");
                break;
        }
        return string.Join(",", trace);
    }
}

public static partial class P_NcConditionalChainWithAwaitInLoop
{
    private sealed class Item(string? name) { public string? Name => name; public Item? Next { get; set; } }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var items = new[] { new Item("a") { Next = new Item("b") }, new Item(null), null };
        var parts = new List<string>();
        foreach (var item in items)
        {
            var text = item?.Next?.Name?.PadLeft(await Ops.Value(3), '.') ?? "none";
            parts.Add(text);
            var upper = item?.Name?.ToUpper().Substring(0, await Ops.Value(1));
            parts.Add(upper ?? "null");
        }
        return string.Join(",", parts);
    }
}

public static partial class P_NcCheckedInsideLoopWithLambdaCapture
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<Func<string>>();
        for (var i = 0; i < 3; i++)
        {
            try
            {
                var value = checked(int.MaxValue - 1 + i * await Ops.Value(1));
                results.Add(() => "ok " + value);
            }
            catch (OverflowException)
            {
                var at = i;
                results.Add(() => "overflow at " + at);
            }
        }
        return string.Join(",", results.Select(r => r()));
    }
}
