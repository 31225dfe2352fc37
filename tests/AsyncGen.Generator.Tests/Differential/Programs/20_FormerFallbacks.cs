// Constructs that fell back to the builder (AG0005) before: goto case/default in a switch that awaits, awaiting a
// dynamic value, an await after the ? of a null-conditional element access or call chain.

public static partial class P_GotoCaseInSwitchThatAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        foreach (var start in new[] { 1, 2, 3, 7 })
        {
            switch (start)
            {
                case 1:
                    log.Add("one");
                    await Ops.Yield();
                    goto case 3;
                case 2:
                    log.Add("two");
                    goto default;
                case 3:
                    log.Add("three " + await Ops.Value(start));
                    break;
                default:
                    log.Add("default " + start);
                    if (start == 2) goto case 1;
                    break;
            }
        }
        return "done";
    }
}

public static partial class P_GotoCaseOutOfTryFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var kind = "a";
        switch (kind)
        {
            case "a":
                try
                {
                    log.Add("try:a");
                    await Ops.Yield();
                    goto case "b";
                }
                finally
                {
                    log.Add("finally:a");
                }
            case "b":
                try
                {
                    log.Add("try:b");
                    for (var i = 0; i < 3; i++)
                    {
                        if (i == 1) goto default;
                    }
                }
                finally
                {
                    log.Add("finally:b");
                    await Ops.Yield();
                }
                break;
            default:
                log.Add("default");
                break;
        }
        return "done";
    }
}

public static partial class P_AwaitDynamicValue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        dynamic pending = Task.Run(async () => { await Task.Delay(1); return 40; });
        var value = await pending;
        log.Add("got " + value);
        dynamic nothing = Task.Delay(1);
        await nothing;
        dynamic ready = Task.FromResult("ready");
        string text = await ready;
        return (value + 2).ToString() + " " + text;
    }
}

public static partial class P_ConditionalElementAccessWithAwaitedIndex
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int[]? numbers = { 10, 20, 30 };
        int[]? missing = null;
        var found = numbers?[await Ops.Value(1)];
        var none = missing?[Fidelity2.Log(log, "index of null")  + await Ops.Value(2)];
        var words = new List<string> { "ab", "cde" };
        var length = words?[await Ops.Value(1)].Length;
        Dictionary<string, List<int>>? map = new() { ["k"] = new List<int> { 5, 6 } };
        var inner = map?["k"]?[await Ops.Value(1)];
        string? name = "hello";
        var upper = name?.Substring(await Ops.Value(1)).ToUpperInvariant();
        log.Add($"{found} {none?.ToString() ?? "null"} {length} {inner} {upper}");
        return "done";
    }
}

public static class Fidelity2
{
    public static int Log(List<string> log, string label)
    {
        log.Add("eval " + label);
        return 0;
    }
}
